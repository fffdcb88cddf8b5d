//! errcat codegen.

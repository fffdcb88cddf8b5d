//! errcat.

//! Emitters: turn the IR into files.

pub mod docs;
pub mod rust;
pub mod schema;

use crate::ir::Catalog;
use crate::{Diagnostic, Diagnostics, OutputFile};

/// Every generated file for `catalog`, sorted by path.
pub fn all(catalog: &Catalog) -> Result<Vec<OutputFile>, Diagnostics> {
    let mut files = vec![schema::schema_file()];
    files.extend(rust::files(catalog).map_err(internal)?);
    files.extend(docs::files(catalog));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// A generator bug, reported like a problem rather than a panic.
fn internal(message: String) -> Diagnostics {
    let mut ds = Diagnostics::new();
    ds.push(Diagnostic::new(
        "codegen",
        (1, 1),
        message,
        "report it with the catalog file that triggers it",
    ));
    ds
}

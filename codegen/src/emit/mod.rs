//! Emitters: turn the IR into files.

pub mod schema;

use crate::OutputFile;
use crate::ir::Catalog;

/// Every generated file for `catalog`, sorted by path.
pub fn all(catalog: &Catalog) -> Vec<OutputFile> {
    let _ = catalog;
    let mut files = vec![schema::schema_file()];
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

//! Where the replacements of a deprecated code lead: the code they end at,
//! and a warning for each replacement that is itself deprecated. Validation
//! refuses replacements that loop or that the vendor removed.

use crate::ir::{Catalog, Code, Vendor};

/// The code the replacements of `code` end at: its replacement, that code's
/// replacement, and so on, to the first that names none. `None` when `code`
/// names no replacement. Should a loop remain, the walk stops before going round.
pub fn end<'a>(vendor: &'a Vendor, code: &'a Code) -> Option<&'a Code> {
    let mut chain = vec![code.code.as_str()];
    let mut at = vendor.code(code.replacement()?)?;
    loop {
        chain.push(&at.code);
        match at.replacement().and_then(|r| vendor.code(r)) {
            Some(next) if !chain.contains(&next.code.as_str()) => at = next,
            _ => return Some(at),
        }
    }
}

/// One warning, with its help line, for each code whose replacement is itself
/// deprecated, naming the code the replacements end at; `shown` is the
/// catalog folder as diagnostics name it.
pub fn warnings(shown: &str, catalog: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    for v in &catalog.vendors {
        for c in &v.codes {
            let Some(r) = c.replacement().and_then(|r| v.code(r)) else {
                continue;
            };
            let Some(last) = end(v, c).filter(|_| r.is_deprecated()) else {
                continue;
            };
            let help = if last.is_deprecated() {
                format!(
                    "`{}` is deprecated and names no replacement: name the code the vendor sends instead, if the reference gives one",
                    last.code
                )
            } else {
                format!("name `{}` as the replacement of `{}`", last.code, c.code)
            };
            out.push(format!(
                "{shown}/{}.yaml: the replacement `{}` of code `{}` is itself deprecated; its replacements end at `{}`\n  help: {help}",
                v.id, r.code, c.code, last.code
            ));
        }
    }
    out
}

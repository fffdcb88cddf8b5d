//! Loading: reads `catalog/*.yaml` into [`VendorFile`]s. The only module that knows the YAML parser.
//!
//! serde-saphyr rejects duplicate keys, reads YAML 1.1's `no` as a string
//! rather than `false` (strict booleans), and reports every syntax or type
//! error with its line and column, which become [`Diagnostic`]s here.

use std::fs;
use std::path::Path;

use serde::de::IgnoredAny;
use serde_saphyr::{Error as YamlError, MessageFormatter, UserMessageFormatter};

use crate::diag::{self, Diagnostic, Diagnostics};
use crate::layout;
use crate::model::VendorFile;

/// The largest catalog file accepted, in bytes: a vendor of ten thousand codes
/// takes about 4 MiB, so this leaves room while refusing pasted data dumps
/// before the parser spends time and memory on them.
pub const MAX_FILE_BYTES: usize = 16 << 20;

/// A vendor file as read from disk, parsed.
#[derive(Debug)]
pub struct Loaded {
    /// The vendor id: the file stem.
    pub id: String,
    /// The path as shown in diagnostics: `catalog/<id>.yaml`.
    pub path: String,
    /// The file's text.
    pub text: String,
    /// The parsed contents.
    pub file: VendorFile,
}

/// A catalog file's contents before parsing.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file name, e.g. `pentify.yaml`.
    pub file_name: String,
    /// The raw bytes.
    pub bytes: Vec<u8>,
}

/// Reads every `*.yaml` file of `dir`, sorted by name. Other files are ignored.
pub fn read_dir(dir: &Path) -> Result<Vec<Source>, Diagnostics> {
    let shown = display_dir(dir);
    let entries = fs::read_dir(dir).map_err(|e| {
        single(
            &shown,
            format!("cannot read the catalog folder: {e}"),
            "run the command from the workspace root, where `catalog/` is",
        )
    })?;
    let mut sources = Vec::new();
    let mut problems = Diagnostics::new();
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.push(Diagnostic::new(
                    &shown,
                    (1, 1),
                    format!("cannot list the catalog folder: {e}"),
                    "check the folder's permissions",
                ));
                continue;
            }
        };
        let Some(file_name) = entry.file_name().to_str().map(str::to_owned) else {
            problems.push(Diagnostic::new(
                format!("{shown}/{}", entry.file_name().to_string_lossy()),
                (1, 1),
                "the file name is not valid UTF-8",
                "rename the file to `<vendor-id>.yaml` with a lower-case ASCII id",
            ));
            continue;
        };
        if !file_name.ends_with(".yaml") {
            let lower = file_name.to_ascii_lowercase();
            if lower.ends_with(".yml") || lower.ends_with(".yaml") {
                let stem = &file_name[..file_name.rfind('.').unwrap_or(file_name.len())];
                problems.push(Diagnostic::new(
                    format!("{shown}/{file_name}"),
                    (1, 1),
                    "a catalog file must end in `.yaml`; this one would be ignored",
                    format!("rename it to `{}.yaml`", stem.to_ascii_lowercase()),
                ));
            }
            continue;
        }
        // A file over the limit is not read at all; `parse` reports it.
        let oversized = entry
            .metadata()
            .is_ok_and(|m| m.len() > MAX_FILE_BYTES as u64);
        let read = if oversized {
            fs::File::open(entry.path()).and_then(|f| {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(
                    &mut std::io::Read::take(f, MAX_FILE_BYTES as u64 + 1),
                    &mut bytes,
                )?;
                Ok(bytes)
            })
        } else {
            fs::read(entry.path())
        };
        match read {
            Ok(bytes) => sources.push(Source { file_name, bytes }),
            Err(e) => problems.push(Diagnostic::new(
                format!("{shown}/{file_name}"),
                (1, 1),
                format!("cannot read the file: {e}"),
                "check the file's permissions",
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    sources.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    Ok(sources)
}

/// Parses one file. `dir` is the folder name shown in diagnostics (`catalog`).
pub fn parse(dir: &str, source: &Source) -> Result<Loaded, Diagnostics> {
    let path = format!("{dir}/{}", source.file_name);
    let id = source
        .file_name
        .strip_suffix(".yaml")
        .unwrap_or(&source.file_name)
        .to_owned();
    if source.bytes.len() > MAX_FILE_BYTES {
        return Err(single_at(
            &path,
            (1, 1),
            format!(
                "the file is larger than {} MiB, the most a catalog file may be",
                MAX_FILE_BYTES >> 20
            ),
            "a vendor's file holds its error codes only; look for pasted data or a generated dump",
        ));
    }
    if source.bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(single_at(
            &path,
            (1, 1),
            "the file starts with a byte-order mark",
            "save the file as UTF-8 without a BOM (most editors call it plain `UTF-8`)",
        ));
    }
    let text = match std::str::from_utf8(&source.bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &source.bytes[..e.valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let line = valid.matches('\n').count() + 1;
            let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Err(single_at(
                &path,
                (line, column),
                format!(
                    "the file is not valid UTF-8 (byte {} is not)",
                    e.valid_up_to()
                ),
                "save the file as UTF-8",
            ));
        }
    };
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(single_at(
            &path,
            (1, 1),
            "the file is empty (it has at most comments)",
            "fill it in: `cargo xtask new-vendor <id> --name <Name>` writes a commented template",
        ));
    }
    let options = serde_saphyr::options! {
        strict_booleans: true,
        with_snippet: false,
    };
    // The deserialiser streams, so a key indented one space too few ends its
    // mapping early and is reported as, say, a missing field before the parser
    // reaches the indentation error that explains it. When deserialising
    // fails, the document is parsed alone, and a syntax error found that way
    // is the one reported.
    let parsed =
        serde_saphyr::from_str_with_options::<VendorFile>(text, options.clone()).map_err(|typed| {
            match serde_saphyr::from_str_with_options::<IgnoredAny>(text, options) {
                Err(syntax) => syntax,
                Ok(_) => typed,
            }
        });
    match parsed {
        Ok(file) => Ok(Loaded {
            id,
            path,
            text: text.to_owned(),
            file,
        }),
        Err(e) => {
            let mut ds = Diagnostics::new();
            ds.add_source(&path, text);
            ds.push(yaml_diagnostic(&path, text, &e));
            Err(ds)
        }
    }
}

/// Converts a parser error into a diagnostic with a hint.
fn yaml_diagnostic(path: &str, text: &str, e: &YamlError) -> Diagnostic {
    let e = e.without_snippet();
    let (mut line, mut column) = e
        .location()
        .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
    // The user-facing wording: the default one gives advice to the program's
    // author, such as which parser option would accept a duplicate key.
    let mut message: String = UserMessageFormatter
        .format_message(e)
        .chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_debug().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    // The parser reports a tab met while reading a plain scalar at the start
    // of that scalar, and a tab in block indentation just after it: point at
    // the tab itself, on the reported line or one of the following ones.
    if (message.contains("found a tab") || message.contains("tabs disallowed"))
        && let Some((l, c)) = indenting_tab(text, line)
    {
        (line, column) = (l, c);
    }
    let too_big = message.contains("limits breached") || message.contains("recursion limit");
    let structural = e.location().is_some()
        && !too_big
        && matches!(
            e,
            YamlError::Message { .. }
                | YamlError::Unexpected { .. }
                | YamlError::UnexpectedContainerEndWhileReadingKeyNode { .. }
        )
        || message.contains("did not find expected")
        || message.contains("mapping values are not allowed");
    if structural && let Some((l, c, what, how)) = layout::explain_indentation(text, line) {
        return Diagnostic::new(path, (l, c), what, how);
    }
    let help: String = match e {
        _ if too_big => "the document is too large or too deeply nested for a catalog (aliases \
                         count as copies); write it out plainly"
            .into(),
        YamlError::SerdeUnknownField {
            field, expected, ..
        } => {
            let fields = expected.join(", ");
            if let Some(near) = diag::closest(field, expected).first() {
                message = format!("unknown field `{field}`; did you mean `{near}`?");
                format!("correct its spelling; the fields here are {fields}")
            } else {
                "remove the field or correct its spelling; catalog/README.md lists every field".into()
            }
        }
        YamlError::SerdeMissingField { .. } => {
            "add the field; catalog/README.md explains each one with an example".into()
        }
        YamlError::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let what = value_kind(expected);
            let values = expected.join(", ");
            match diag::closest(variant, expected).first() {
                Some(near) => {
                    message = format!("unknown {what} `{variant}`; did you mean `{near}`?");
                    format!("use one of {values}")
                }
                None => {
                    message = format!("unknown {what} `{variant}`, expected one of {values}");
                    "use one of the values listed above".into()
                }
            }
        }
        YamlError::SerdeInvalidType { .. }
        | YamlError::SerdeInvalidValue { .. }
        | YamlError::InvalidScalar { .. }
        | YamlError::NullIntoString { .. }
        | YamlError::Unexpected { .. }
        | YamlError::Message { .. }
        | YamlError::InvalidBooleanStrict { .. } => match quoted_number(text, line, column) {
            Some(n) => format!(
                "write the number without quotes (`{n}`, not `\"{n}\"`): quotes make it text"
            ),
            None if message.contains("expected a string") || message.contains("expected string") => {
                "quote the value (`\"...\"`): YAML reads it as another type".into()
            }
            None => "write a value of the expected type; catalog/README.md shows each field with an example".into(),
        },
        YamlError::DuplicateMappingKey { key, .. } => {
            let key = key.as_deref().unwrap_or("");
            let (what, how) = duplicate_key(text, line, column, key);
            message = what;
            how
        }
        YamlError::Budget { .. }
        | YamlError::AliasReplayLimitExceeded { .. }
        | YamlError::AliasExpansionLimitExceeded { .. }
        | YamlError::AliasReplayStackDepthExceeded { .. } => {
            "the document is too large or too deeply nested for a catalog; write it out plainly".into()
        }
        _ => "fix the YAML syntax here: check indentation (spaces, not tabs), quotes and colons".into(),
    };
    Diagnostic::new(path, (line, column), message, help)
}

/// What the values of an enum are called, from the values serde expected.
fn value_kind(expected: &[&str]) -> &'static str {
    if crate::ir::Kind::ALL
        .iter()
        .all(|k| expected.contains(&k.id()))
    {
        "kind"
    } else if expected.contains(&"retry_after") {
        "retry rule"
    } else if expected.contains(&"proportional") {
        "jitter"
    } else {
        "value"
    }
}

/// The digits of the first quoted number (`"429"`) of the value at
/// `line`:`column`, to the end of its line, if there is one.
fn quoted_number(text: &str, line: usize, column: usize) -> Option<&str> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let at: usize = l
        .char_indices()
        .nth(column.checked_sub(1)?)
        .map(|(i, _)| i)?;
    let rest = &l[at..];
    rest.match_indices(['"', '\'']).find_map(|(i, q)| {
        let inner = &rest[i + 1..];
        let digits = &inner[..inner.find(q)?];
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
    })
}

/// The message and help for a key written twice in one mapping, the second at `line`:`column`.
fn duplicate_key(text: &str, line: usize, column: usize, key: &str) -> (String, String) {
    let first = layout::first_key(text, line, column, key);
    let first_at = first.map_or_else(String::new, |(l, c)| format!(" (the first is at {l}:{c})"));
    if let Some(above) = layout::deeper_line_before(text, line) {
        let level = if column == 1 {
            format!("a second top-level `{key}`")
        } else {
            format!("a second `{key}` of the mapping at column {column}")
        };
        return (
            format!(
                "this line is indented less than line {} above it (column {column}, not {}), so YAML reads `{key}` as {level}{first_at}",
                above.number,
                above.indent + 1
            ),
            format!(
                "indent it to column {} if it belongs with line {}; if it is meant at this level, keep one of the two `{key}` keys",
                above.indent + 1,
                above.number
            ),
        );
    }
    (
        format!("duplicate key `{key}`{first_at}"),
        format!(
            "keep one of the two `{key}` keys (the one the reference supports) and delete the other"
        ),
    )
}

/// The first tab in the indentation of line `from` (1-based) or a later one, as line and column.
fn indenting_tab(text: &str, from: usize) -> Option<(usize, usize)> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find_map(|(i, l)| {
            let indent = &l[..l.len() - l.trim_start_matches([' ', '\t']).len()];
            indent.find('\t').map(|c| (i + 1, c + 1))
        })
}

fn single(path: &str, message: String, help: &str) -> Diagnostics {
    single_at(path, (1, 1), message, help)
}

fn single_at(
    path: &str,
    pos: (usize, usize),
    message: impl Into<String>,
    help: impl Into<String>,
) -> Diagnostics {
    let mut ds = Diagnostics::new();
    ds.push(Diagnostic::new(path, pos, message, help));
    ds
}

/// The folder as shown in diagnostics: its last component (`catalog`).
pub fn display_dir(dir: &Path) -> String {
    dir.file_name().map_or_else(
        || dir.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

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

mod prescan;

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

/// Reads every `*.yaml` file of `dir`, sorted by name. Other files are
/// ignored ([`stray_files`] names those that look like catalog files).
///
/// Only regular files are read: a symbolic link, a FIFO, a device or a folder
/// named `*.yaml` is refused without being opened for reading (a link could
/// lead outside the catalog, a FIFO would block, a device never ends). A file
/// is opened without following links and checked again once open, and a file
/// over [`MAX_FILE_BYTES`] is refused before it is read.
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
        let path = format!("{shown}/{file_name}");
        match read_regular(&entry.path()) {
            Ok(bytes) => sources.push(Source { file_name, bytes }),
            Err(Unread::TooLarge) => problems.push(too_large(&path)),
            Err(Unread::NotRegular(what)) => problems.push(not_regular(path, what)),
            Err(Unread::Io(e)) => problems.push(Diagnostic::new(
                path,
                (1, 1),
                format!("cannot read the file: {e}"),
                "check the file's permissions",
            )),
        }
    }
    if !problems.is_empty() {
        problems.sort();
        return Err(problems);
    }
    sources.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    Ok(sources)
}

/// Why a catalog file was not read.
enum Unread {
    /// Over [`MAX_FILE_BYTES`].
    TooLarge,
    /// Not a regular file: what it is instead.
    NotRegular(&'static str),
    /// Opening or reading failed.
    Io(std::io::Error),
}

/// The problem of a catalog entry at `path` that is `what` (`a symbolic
/// link`), not a regular file: in the working tree or in a git revision.
pub fn not_regular(path: String, what: &str) -> Diagnostic {
    Diagnostic::new(
        path,
        (1, 1),
        format!("the file is {what}, not a regular file, so it is not read"),
        "keep the vendor's file itself in catalog/, not a link or a special file",
    )
}

/// Reads a regular file of at most [`MAX_FILE_BYTES`], following no link.
fn read_regular(path: &Path) -> Result<Vec<u8>, Unread> {
    let what = |m: &fs::Metadata| kind_of(&m.file_type());
    // Looked at before opening: opening a FIFO would block, and a link is not followed.
    let before = fs::symlink_metadata(path).map_err(Unread::Io)?;
    if let Some(what) = what(&before) {
        return Err(Unread::NotRegular(what));
    }
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(|e| {
        // Replaced by a link since it was looked at: O_NOFOLLOW refuses it.
        match fs::symlink_metadata(path).ok().as_ref().and_then(what) {
            Some(what) => Unread::NotRegular(what),
            None => Unread::Io(e),
        }
    })?;
    let meta = file.metadata().map_err(Unread::Io)?;
    if let Some(what) = what(&meta) {
        return Err(Unread::NotRegular(what));
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(Unread::TooLarge);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, MAX_FILE_BYTES as u64 + 1),
        &mut bytes,
    )
    .map_err(Unread::Io)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Unread::TooLarge);
    }
    Ok(bytes)
}

/// What a file that is not a regular file is, in words; `None` for a regular file.
fn kind_of(t: &fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
    }
    if t.is_symlink() {
        Some("a symbolic link")
    } else if t.is_dir() {
        Some("a folder")
    } else if t.is_file() {
        None
    } else {
        Some("a special file")
    }
}

/// Files of `dir` that look like catalog files but are not read: an editor's
/// backup (`x.yaml~`, `x.yaml.bak`, `.x.yaml.swp`) or a name with trailing
/// text (`x.yaml `). Each is a warning: the run goes on without it.
pub fn stray_files(dir: &Path) -> Vec<Diagnostic> {
    let shown = display_dir(dir);
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<Diagnostic> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|name| {
            let lower = name.to_ascii_lowercase();
            let looks = lower.contains(".yaml") || lower.contains(".yml");
            let read_or_refused = lower.ends_with(".yaml") || lower.ends_with(".yml");
            (looks && !read_or_refused).then(|| {
                let stem = lower
                    .trim_start_matches('.')
                    .split(".y")
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
                Diagnostic::new(
                    format!("{shown}/{name}"),
                    (1, 1),
                    format!("`{}` looks like a catalog file but is not read: only names ending in `.yaml` are", name.escape_debug()),
                    format!("if it is a vendor's file, rename it to `{stem}.yaml`; if it is a backup, move it out of catalog/"),
                )
            })
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The problem of a file over [`MAX_FILE_BYTES`].
fn too_large(path: &str) -> Diagnostic {
    Diagnostic::new(
        path,
        (1, 1),
        format!(
            "the file is larger than {} MiB, the most a catalog file may be",
            MAX_FILE_BYTES >> 20
        ),
        "a vendor's file holds its error codes only; look for pasted data or a generated dump",
    )
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
        let mut ds = Diagnostics::new();
        ds.push(too_large(&path));
        return Err(ds);
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
    if let Some(at) = text
        .match_indices('\r')
        .map(|(i, _)| i)
        .find(|&i| text.as_bytes().get(i + 1) != Some(&b'\n'))
    {
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        return Err(single_at(
            &path,
            (line, column),
            "a line ends in a carriage return alone (old Mac OS line endings)",
            "save the file with LF (Unix) or CRLF (Windows) line endings",
        ));
    }
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
        Ok(file) => {
            // The event parse runs only when a quick look at the text says
            // it could find something.
            let problems = if prescan::may_have_written_forms(text) {
                written_forms(&path, text)
            } else {
                Vec::new()
            };
            if !problems.is_empty() {
                let mut ds = Diagnostics::new();
                ds.add_source(&path, text);
                problems.into_iter().for_each(|d| ds.push(d));
                return Err(ds);
            }
            Ok(Loaded {
                id,
                path,
                text: text.to_owned(),
                file,
            })
        }
        Err(e) => {
            let mut ds = Diagnostics::new();
            ds.add_source(&path, text);
            ds.push(yaml_diagnostic(&path, text, &e));
            Err(ds)
        }
    }
}

/// Keys whose values are counts and statuses, written in decimal digits only.
const DECIMAL_KEYS: &[&str] = &["status", "max_attempts"];

/// What the parser accepts but a catalog may not hold, because the value read
/// is not the value a reader sees: a YAML tag (`!!binary` decodes base64,
/// other tags are dropped) and a number that is not plain decimal digits
/// (`0x1AD`, `0o655`, `+429` and `4_29` all read as 429). A file that
/// deserialised is parsed once more as events to find them, unless
/// [`prescan::may_have_written_forms`] rules them out.
fn written_forms(path: &str, text: &str) -> Vec<Diagnostic> {
    use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

    /// A mapping (and whether its next node is a key, and the last key) or a
    /// sequence (and the key that holds it).
    enum Frame {
        Map {
            next_is_key: bool,
            key: Option<String>,
        },
        Seq {
            key: Option<String>,
        },
    }
    let at = |m: &serde_saphyr::granit_parser::Marker| (m.line(), m.col() + 1);
    let mut out = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    for event in Parser::new_from_str(text) {
        // The document deserialised, so it parses; stop quietly if not.
        let Ok((event, span)) = event else { break };
        let (tag, is_node) = match &event {
            Event::Scalar(_, _, _, tag)
            | Event::SequenceStart(_, _, tag)
            | Event::MappingStart(_, _, tag) => (tag.as_deref(), true),
            Event::Alias(_) => (None, true),
            _ => (None, false),
        };
        if let Some(tag) = tag {
            let written = format!("{}{}", tag.original_handle(), tag.suffix());
            out.push(Diagnostic::new(
                path,
                at(span.tag_start.as_ref().unwrap_or(&span.start)),
                format!("the value carries the YAML tag `{written}`, which a catalog may not use"),
                "remove the tag and write the value as plain text: a tag changes what is read (`!!binary` decodes base64) or is dropped unread",
            ));
        }
        // The key a value node belongs to, and whether the node is itself a key.
        let mut context: Option<&str> = None;
        let mut is_key = false;
        if is_node {
            match stack.last_mut() {
                Some(Frame::Map { next_is_key, key }) => {
                    if *next_is_key {
                        is_key = true;
                        *key = match &event {
                            Event::Scalar(k, ..) => Some(k.to_string()),
                            _ => None,
                        };
                    } else {
                        context = key.as_deref();
                    }
                    *next_is_key = !*next_is_key;
                }
                Some(Frame::Seq { key }) => context = key.as_deref(),
                None => {}
            }
        }
        let context = context.map(str::to_owned);
        match event {
            Event::Scalar(value, ScalarStyle::Plain, ..)
                if !is_key
                    && context
                        .as_deref()
                        .is_some_and(|k| DECIMAL_KEYS.contains(&k))
                    && !is_plain_decimal(&value) =>
            {
                let key = context.unwrap_or_default();
                out.push(Diagnostic::new(
                    path,
                    at(&span.start),
                    format!("`{key}` is written `{value}`, not as plain decimal digits"),
                    "write the number in decimal digits, e.g. `429`: hexadecimal, octal, a sign, `_` and leading zeros are refused so that no spelling passes for another number",
                ));
            }
            Event::MappingStart(..) => stack.push(Frame::Map {
                next_is_key: true,
                key: None,
            }),
            Event::SequenceStart(..) => stack.push(Frame::Seq { key: context }),
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            _ => {}
        }
    }
    out
}

/// `0` or a run of decimal digits without a leading zero.
fn is_plain_decimal(s: &str) -> bool {
    s == "0"
        || (s.starts_with(|c: char| ('1'..='9').contains(&c))
            && s.bytes().all(|b| b.is_ascii_digit()))
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

//! A quick look at a file's text that decides whether [`super::written_forms`]
//! could report anything, so that the event parse it needs runs only for files
//! that might hold a tag or a number not written in plain decimal digits.
//!
//! The answer errs one way only: [`may_have_written_forms`] may say "maybe"
//! for a file that is fine, never "no" for a file `written_forms` reports.
//! It says "no" only for a file whose every line it understands on its own:
//!
//! - no `!` anywhere (every tag starts with one) and no `\` anywhere (a
//!   double-quoted key could otherwise spell `status` with escapes);
//! - every line, outside the content of a block scalar, is blank, a comment,
//!   or block sequence dashes followed by an optional plain key (letters,
//!   digits, `_` and `-`) and a value that ends on the same line: a plain
//!   scalar, a quoted scalar closed on the line, a flow collection closed on
//!   the line, or a block scalar header (`|`, `>-`, ...) whose content lines
//!   are skipped;
//! - `status` and `max_attempts` (the decimal keys), wherever they could be a
//!   whole scalar outside quotes and comments, appear only as such a line's
//!   key, with a value of decimal digits (`429`) or a flow list of them
//!   (`[500, 503]`), and a decimal-digit value is not continued on the next
//!   line.
//!
//! The value is checked by its spelling, not by what serde-saphyr would make
//! of it: every other spelling it accepts for a number (`0x1AD`, `0o655`,
//! `0b1`, `+429`, `4_29`, `0429`, and `~`, `null` or nothing for an optional
//! one) is not decimal digits without a leading zero, so it is a "maybe".

use super::DECIMAL_KEYS;

/// False when [`super::written_forms`] is sure to find nothing in `text`.
pub(super) fn may_have_written_forms(text: &str) -> bool {
    if text.contains(['!', '\\']) {
        return true;
    }
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    // Lines indented more than this are a block scalar's content.
    let mut block: Option<usize> = None;
    for (i, &line) in lines.iter().enumerate() {
        let indent = indent_of(line);
        if let Some(parent) = block {
            if is_blank(line) || indent > parent {
                continue;
            }
            block = None;
        }
        match read_line(line) {
            Line::Unsure => return true,
            Line::Plain => {}
            Line::BlockScalar { parent } => block = Some(parent),
            Line::DecimalScalar { key_column } => {
                // A plain scalar continues on a line indented more than its key.
                let next = lines[i + 1..].iter().find(|l| !is_blank(l));
                if next.is_some_and(|l| {
                    indent_of(l) > key_column || l.trim_start_matches(' ').starts_with('\t')
                }) {
                    return true;
                }
            }
        }
    }
    false
}

/// What a line is, as far as the check needs.
enum Line {
    /// Not understood alone, or a decimal key written otherwise: maybe.
    Unsure,
    /// Understood, and no decimal key's value.
    Plain,
    /// A block scalar header: lines indented more than `parent` are its content.
    BlockScalar { parent: usize },
    /// A decimal key with decimal digits, its key at `key_column`.
    DecimalScalar { key_column: usize },
}

fn read_line(line: &str) -> Line {
    if line.contains('\r') {
        return Line::Unsure;
    }
    let mut column = indent_of(line);
    let mut s = &line[column..];
    if s.is_empty() || s.starts_with('#') || is_blank(s) {
        return Line::Plain;
    }
    if s.starts_with("---") || s.starts_with("...") {
        return Line::Unsure;
    }
    // Block sequence dashes; the last one's column is a block scalar's parent.
    let mut dash = None;
    while s == "-" || s.starts_with("- ") {
        dash = Some(column);
        let after = s[1..].trim_start_matches(' ');
        column += s.len() - after.len();
        s = after;
    }
    if s.is_empty() || s.starts_with('#') {
        return Line::Plain;
    }
    let Some(first) = s.bytes().next() else {
        return Line::Plain;
    };
    // A node without a key: a flow collection, a quoted or a block scalar.
    match first {
        b'[' | b'{' => {
            return if value_is_understood(s) {
                Line::Plain
            } else {
                Line::Unsure
            };
        }
        b'"' | b'\'' => {
            return match closed_quote(s) {
                Some(rest) if is_end(rest) => Line::Plain,
                _ => Line::Unsure,
            };
        }
        b'|' | b'>' => {
            return match dash {
                Some(parent) if is_block_header(s) => Line::BlockScalar { parent },
                _ => Line::Unsure,
            };
        }
        _ => {}
    }
    if !can_start_plain(s) {
        return Line::Unsure;
    }
    let Some(colon) = key_colon(s) else {
        // A plain scalar alone on its line (a list item, or a continuation).
        return if has_decimal_key(s) {
            Line::Unsure
        } else {
            Line::Plain
        };
    };
    let key = &s[..colon];
    if !key
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Line::Unsure;
    }
    let value = s[colon + 1..].trim_start_matches(' ');
    if DECIMAL_KEYS.contains(&key) {
        let (digits, rest) = split_decimal(value);
        if !digits.is_empty() {
            return if is_end(rest) {
                Line::DecimalScalar { key_column: column }
            } else {
                Line::Unsure
            };
        }
        return match decimal_list(value) {
            Some(rest) if is_end(rest) => Line::Plain,
            _ => Line::Unsure,
        };
    }
    if value.is_empty() || value.starts_with('#') {
        return Line::Plain;
    }
    match value.as_bytes()[0] {
        b'|' | b'>' if is_block_header(value) => Line::BlockScalar { parent: column },
        b'|' | b'>' => Line::Unsure,
        _ if value_is_understood(value) => Line::Plain,
        _ => Line::Unsure,
    }
}

/// A value that ends on its line and holds no decimal key: a flow collection
/// closed on the line, a closed quoted scalar or a plain scalar.
fn value_is_understood(value: &str) -> bool {
    match value.as_bytes().first() {
        None => true,
        Some(b'[' | b'{') => closed_flow(value).is_some_and(is_end),
        Some(b'"' | b'\'') => closed_quote(value).is_some_and(is_end),
        Some(_) => can_start_plain(value) && !has_decimal_key(value),
    }
}

/// The rest of the line after a flow collection that closes on it, which
/// holds double-quoted scalars closed on the line and no single quote,
/// comment or decimal key.
fn closed_flow(s: &str) -> Option<&str> {
    let mut depth = 0usize;
    let mut outside = 0; // start of the stretch outside quotes
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return (!has_decimal_key(&s[outside..=i])).then(|| &s[i + 1..]);
                }
            }
            b'"' => {
                if has_decimal_key(&s[outside..i]) {
                    return None;
                }
                i += 1 + s[i + 1..].find('"')?;
                outside = i + 1;
            }
            b'\'' | b'#' => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The rest of the line after a quoted scalar that starts `s` and closes on
/// the line (there is no `\` in the text, so `"` always closes).
fn closed_quote(s: &str) -> Option<&str> {
    let quote = s.as_bytes()[0];
    let mut i = 1;
    loop {
        let at = i + s.as_bytes()[i..].iter().position(|&b| b == quote)?;
        if quote == b'\'' && s.as_bytes().get(at + 1) == Some(&b'\'') {
            i = at + 2;
            continue;
        }
        return Some(&s[at + 1..]);
    }
}

/// Where a plain key ends: the first `:` followed by a space or the line's end.
fn key_colon(s: &str) -> Option<usize> {
    s.match_indices(':')
        .map(|(i, _)| i)
        .find(|&i| matches!(s.as_bytes().get(i + 1), None | Some(b' ')))
}

/// Decimal digits without a leading zero at the start of `s`, and the rest.
fn split_decimal(s: &str) -> (&str, &str) {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    let digits = &s[..n];
    if digits.len() > 1 && digits.starts_with('0') {
        return ("", s);
    }
    (digits, &s[n..])
}

/// The rest of the line after `[d, d, ...]` of decimal digits.
fn decimal_list(s: &str) -> Option<&str> {
    let mut s = s.strip_prefix('[')?.trim_start_matches(' ');
    loop {
        let (digits, rest) = split_decimal(s);
        if digits.is_empty() {
            return None;
        }
        let rest = rest.trim_start_matches(' ');
        if let Some(rest) = rest.strip_prefix(']') {
            return Some(rest);
        }
        s = rest.strip_prefix(',')?.trim_start_matches(' ');
    }
}

/// `|` or `>` with an optional chomping indicator and nothing else but a comment.
fn is_block_header(s: &str) -> bool {
    let rest = &s[1..];
    let rest = rest.strip_prefix(['-', '+']).unwrap_or(rest);
    is_end(rest)
}

/// Nothing left on the line but spaces and a comment.
fn is_end(rest: &str) -> bool {
    let trimmed = rest.trim_start_matches(' ');
    trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len())
}

/// Whether a plain scalar can start `s` (not an indicator YAML reads otherwise).
fn can_start_plain(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        None => true,
        Some(
            b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b',' | b']' | b'}' | b'#' | b'|' | b'>'
            | b'"' | b'\'' | b'[' | b'{' | b'\t',
        ) => false,
        Some(b'-' | b'?' | b':') => !matches!(b.get(1), None | Some(b' ' | b'\t')),
        Some(_) => true,
    }
}

/// Whether `s` holds `status` or `max_attempts` not inside a longer word.
fn has_decimal_key(s: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    DECIMAL_KEYS.iter().any(|key| {
        s.match_indices(key).any(|(i, _)| {
            let before = i.checked_sub(1).map(|j| s.as_bytes()[j]);
            let after = s.as_bytes().get(i + key.len()).copied();
            !before.is_some_and(word) && !after.is_some_and(word)
        })
    })
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| b == b' ' || b == b'\t')
}

#[cfg(test)]
mod tests {
    use super::may_have_written_forms;
    use crate::load::written_forms;
    use proptest::prelude::*;

    /// Values in many spellings: decimal, the other number spellings
    /// serde-saphyr accepts, nulls, quotes, flow lists and maps, anchors,
    /// aliases, tags and block scalar headers.
    const VALUES: &[&str] = &[
        "429",
        "0",
        "503",
        "1",
        "0x1AD",
        "0X1ad",
        "0o655",
        "0O7",
        "0b1",
        "0B10",
        "+429",
        "-429",
        "4_29",
        "0429",
        "00",
        "0_0",
        "0x_1",
        "~",
        "null",
        "Null",
        "NULL",
        "",
        "'429'",
        "\"429\"",
        "'4''29'",
        "\"0x1\"",
        "[500, 503]",
        "[500,503]",
        "[ 500 , 503 ]",
        "[500, 0x1F7]",
        "[+500]",
        "[]",
        "[500, [503]]",
        "{a: 1}",
        "{status: 0x1}",
        "{max_attempts: +5}",
        "[status: 0o1]",
        "&a 429",
        "&a 0x1",
        "*a",
        "!!int 429",
        "!t 0x1",
        "! 5",
        "|",
        "|-",
        ">",
        ">+",
        "|2",
        "429 # a comment",
        "429#no",
        "429abc",
        "4 29",
        "429 0x1",
        "a status",
        "the status: 0x1",
        "\"the status\"",
        "'status'",
        "[\"status\", 1]",
        "{\"a\": \"b]\"}",
        "[a, 'b']",
        "[a # c",
        "\"open",
        "'open",
        "[open",
        "{open",
        "x: y",
        "- 1",
        "1.5",
        ".inf",
        "1e3",
        "429\t",
        "\t429",
        "429 ",
        "? x",
        ": x",
        "@x",
        "`x`",
        "%x",
        "café",
        "[é, \"ü\"]",
        "'é'",
        "４２９",
        "429\u{a0}",
    ];

    const KEYS: &[&str] = &[
        "status",
        "max_attempts",
        "code",
        "kind",
        "body",
        "retry",
        "examples",
        "http_status",
        "status_x",
        "\"status\"",
        "'status'",
        "? status",
        "statuses",
        "max-attempts",
        "a b",
        "&k status",
        "*k",
        "x:y",
    ];

    /// Values the prescan reads without a "maybe" on their own (after most
    /// keys): lines made of these test that it reads them right.
    const PLAIN_VALUES: &[&str] = &[
        "429",
        "0",
        "[500, 503]",
        "[ 1 ,2 ]",
        "429 # c",
        "x",
        "\"status: 0x1\"",
        "'it''s a status'",
        "{a: \"status\"}",
        "[GET, DELETE]",
        "|",
        "|-",
        ">",
        "",
        "# status",
        "Retry-After",
        "0x1AD",
        "+429",
        "4_29",
        "0429",
        "~",
        "status_x: 1",
    ];

    const PLAIN_KEYS: &[&str] = &["status", "max_attempts", "code", "body", "meaning", "retry"];

    /// A line: indentation, dashes, then a key and value, a lone value, a
    /// key alone, a comment, or odd lines (document markers, tabs, nothing).
    fn line(
        keys: &'static [&'static str],
        values: &'static [&'static str],
    ) -> impl Strategy<Value = String> {
        let indent = prop_oneof![Just(0usize), Just(2), Just(4), Just(6), 0usize..11];
        let dashes = prop_oneof![
            4 => Just(""),
            2 => Just("- "),
            1 => Just("- - "),
            1 => Just("-  "),
            1 => Just("-"),
        ];
        let key = prop::sample::select(keys);
        let value = prop::sample::select(values);
        let odd = prop::sample::select(
            &["", "  ", "---", "...", "\t", "  \t  x", ": 0x1", "? status"][..],
        );
        (indent, dashes, key, value, 0u8..10, odd).prop_map(
            |(indent, dashes, key, value, kind, odd)| {
                let pad = " ".repeat(indent);
                match kind {
                    0..=5 => format!("{pad}{dashes}{key}: {value}"),
                    6 => format!("{pad}{dashes}{value}"),
                    7 => format!("{pad}{dashes}{key}:"),
                    8 => format!("{pad}# {key}: {value}"),
                    _ => format!("{pad}{odd}"),
                }
            },
        )
    }

    /// Texts of lines mostly made of what the prescan reads, some of anything.
    fn text() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            12 => line(PLAIN_KEYS, PLAIN_VALUES),
            1 => line(KEYS, VALUES),
        ];
        (
            prop::collection::vec(line, 1..12),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(lines, crlf, final_newline)| {
                let eol = if crlf { "\r\n" } else { "\n" };
                let mut t = lines.join(eol);
                if final_newline {
                    t.push_str(eol);
                }
                t
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

        #[test]
        fn no_from_the_prescan_means_the_event_parse_finds_nothing(t in text()) {
            if !may_have_written_forms(&t) {
                let found = written_forms("acme.yaml", &t);
                prop_assert!(found.is_empty(), "the prescan ruled out {found:?} in\n{t}");
            }
        }
    }

    /// The lines a catalog is made of pass the prescan, so the event parse
    /// is skipped for them.
    #[test]
    fn a_plain_catalog_needs_no_event_parse() {
        let text = "# yaml-language-server: $schema=schema.json\nname: \"Acme\"\n\
            retry:\n  max_attempts: 5\n  backoff:\n    jitter: {proportional: 0.25}\n  safe_methods: [GET, DELETE]\n\
            errors:\n  - code: SCAN_NOT_FOUND\n    status: 404\n    meaning: \"The scan's status is unknown.\"\n\
            \n    retry: {after: \"Wait for the completed status\"}\n  - code: BUSY\n    status: [500, 503]\n    \
            sdk: {typescript: BusyError, python: BusyError}\n    examples:\n      - title: \"busy\"\n        status: 503\n        \
            body: |\n          {\"error\": {\"status\": 0x1, \"code\": \"BUSY\"}}\n\n          more\n";
        assert!(!may_have_written_forms(text), "{text}");
        assert!(written_forms("acme.yaml", text).is_empty());
    }

    /// Each spelling the event parse reports makes the prescan say maybe.
    #[test]
    fn every_reported_spelling_is_a_maybe() {
        for value in VALUES {
            for key in ["status", "max_attempts"] {
                for text in [
                    format!("{key}: {value}\n"),
                    format!("a:\n  - {key}: {value}\n    b: 1\n"),
                    format!("a: {{{key}: {value}}}\n"),
                ] {
                    if !written_forms("acme.yaml", &text).is_empty() {
                        assert!(may_have_written_forms(&text), "{text}");
                    }
                }
            }
        }
    }
}

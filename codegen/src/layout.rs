//! The layout of a YAML file read line by line: indentation, keys and list items.
//!
//! The parser reports a structural mistake in its own terms ("did not find
//! expected key", "mapping values are not allowed in this context") at the
//! place where it gave up. Reading the indentation of the lines around that
//! place tells what the author did, such as indenting a key less than the
//! entry it belongs to, and where the two things that collide are.

/// One line of a YAML file, as far as its layout goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    /// 1-based line number.
    pub number: usize,
    /// The spaces before the first character, list markers excluded.
    pub indent: usize,
    /// The key the line starts, if any (after any `- ` markers).
    pub key: Option<&'a str>,
    /// Whether the line starts a list item (`- `).
    pub item: bool,
    /// The spaces before the line's `- ` marker, for an item.
    pub dash: usize,
    /// Whether a value follows the key on the same line (not a block scalar indicator).
    pub inline_value: bool,
    /// Whether the key's value is a block scalar (`|`, `>`) on the lines that follow.
    pub block: bool,
}

/// The lines that carry YAML structure: blank lines, comments and the
/// contents of block scalars (`|`, `>`) are left out.
pub fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    // The indentation of the key whose block scalar is being read.
    let mut block: Option<usize> = None;
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim_start_matches(' ');
        let spaces = raw.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.trim().is_empty() {
            continue;
        }
        if let Some(owner) = block {
            if spaces > owner {
                continue;
            }
            block = None;
        }
        if trimmed.starts_with('#') {
            continue;
        }
        let mut rest = trimmed;
        let mut indent = spaces;
        let mut item = false;
        while let Some(after) = rest
            .strip_prefix("- ")
            .or_else(|| (rest == "-").then_some(""))
        {
            let inner = after.trim_start_matches(' ');
            indent += rest.len() - inner.len();
            rest = inner;
            item = true;
        }
        let key = key_of(rest);
        let value = key.map_or("", |k| rest[k.len()..].trim_start_matches(':').trim());
        let block_indicator = value.starts_with(['|', '>'])
            && value[1..]
                .trim_start_matches(['+', '-', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
                .trim()
                .trim_start_matches(|c| c != '#')
                .is_empty();
        if block_indicator {
            block = Some(indent);
        }
        out.push(Line {
            number: i + 1,
            indent,
            key,
            item,
            dash: spaces,
            inline_value: !value.is_empty() && !value.starts_with('#') && !block_indicator,
            block: block_indicator,
        });
    }
    out
}

/// The key at the start of `s` (`name: x`, `name:`), without quotes handling beyond plain keys.
fn key_of(s: &str) -> Option<&str> {
    let end = s.find(':')?;
    let key = &s[..end];
    let after = &s[end + 1..];
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '$'));
    (plain && (after.is_empty() || after.starts_with([' ', '\t']))).then_some(key)
}

/// What the author did at `line` (1-based), when its indentation explains a
/// structural parse error there: the line and column to point at, what is
/// wrong, and how to fix it.
pub fn explain_indentation(text: &str, line: usize) -> Option<(usize, usize, String, String)> {
    let lines = lines(text);
    let at = lines.iter().position(|l| l.number >= line)?;
    let this = &lines[at];
    let before = &lines[..at];
    let prev = before.last()?;
    let col = this.indent + 1;
    let name = |l: &Line| match l.key {
        Some(k) => format!("`{k}`"),
        None => "the item".to_owned(),
    };

    if this.indent > prev.indent && prev.inline_value && !this.item {
        // A key indented under a key that already has a value on its line.
        return Some((
            this.number,
            col,
            format!(
                "this line is indented more than {} on line {} (column {col}, not {}), so YAML reads it as part of that value",
                name(prev),
                prev.number,
                prev.indent + 1
            ),
            format!(
                "indent it to column {}, like {} above it",
                prev.indent + 1,
                name(prev)
            ),
        ));
    }
    if this.indent < prev.indent {
        // Dedented: is it between two levels, or at the level of an item's dash?
        let owner = enclosing_item(before, this.indent);
        if let Some(item) = owner {
            return Some((
                this.number,
                col,
                format!(
                    "this line is indented less than the entry it belongs to (the entry at line {}, whose keys are at column {})",
                    item.number,
                    item.indent + 1
                ),
                format!(
                    "indent it to column {}, like the entry's other keys",
                    item.indent + 1
                ),
            ));
        }
        let sibling = before.iter().rev().find(|l| l.indent <= this.indent)?;
        if sibling.indent < this.indent {
            let inner = before
                .iter()
                .rev()
                .take_while(|l| l.number > sibling.number)
                .filter(|l| l.indent > this.indent)
                .map(|l| l.indent)
                .min()?;
            let first = before
                .iter()
                .find(|l| l.number > sibling.number && l.indent == inner)?;
            return Some((
                this.number,
                col,
                format!(
                    "this line is indented less than {} on line {} (column {}) but more than {} on line {} (column {}): YAML cannot tell which it belongs to",
                    name(first),
                    first.number,
                    inner + 1,
                    name(sibling),
                    sibling.number,
                    sibling.indent + 1
                ),
                format!(
                    "indent it to column {}, like the other keys under {}",
                    inner + 1,
                    name(sibling)
                ),
            ));
        }
    }
    None
}

/// The list item `line_indent` falls inside of, for a line indented deeper than
/// the item's `- ` marker would be a sibling's but less than the item's keys.
fn enclosing_item<'a>(before: &'a [Line<'a>], line_indent: usize) -> Option<&'a Line<'a>> {
    let item = before
        .iter()
        .rev()
        .find(|l| l.item || l.indent <= line_indent)?;
    (item.item && item.dash <= line_indent && line_indent < item.indent).then_some(item)
}

/// Where the first `key` of the mapping holding the key at `line`:`column` is:
/// the nearest earlier line with the same key at the same indentation and no
/// line indented less between them (list items start new mappings).
pub fn first_key(text: &str, line: usize, column: usize, key: &str) -> Option<(usize, usize)> {
    let lines = lines(text);
    let at = lines.iter().position(|l| l.number >= line)?;
    let indent = column.checked_sub(1)?;
    for l in lines[..at].iter().rev() {
        if l.indent < indent || (l.item && l.indent == indent && l.key != Some(key)) {
            return None;
        }
        if l.indent == indent && l.key == Some(key) {
            return Some((l.number, l.indent + 1));
        }
    }
    None
}

/// The line just before `line` that carries structure, when it is indented
/// more than `line`: what a dedented key was meant to continue.
pub fn deeper_line_before(text: &str, line: usize) -> Option<Line<'_>> {
    let lines = lines(text);
    let at = lines.iter().position(|l| l.number >= line)?;
    let this = lines.get(at)?;
    let prev = lines[..at].last()?;
    (prev.indent > this.indent).then(|| prev.clone())
}

/// Every place `needle` is written outside a comment, as line, column and the
/// dotted path of keys holding it (`envelope.example`). A value on its key's
/// line is pointed at from its start; a block scalar is reported once, at its
/// first line holding `needle`.
pub fn find_in_values(text: &str, needle: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    // The usual case, a file without it, costs one search.
    if !text.contains(needle) {
        return out;
    }
    let mut keys: Vec<(usize, &str)> = Vec::new();
    // The indentation of the key whose block scalar is being read, and whether
    // `needle` was already reported in it.
    let mut block: Option<(usize, bool)> = None;
    let path = |keys: &[(usize, &str)]| keys.iter().map(|(_, k)| *k).collect::<Vec<_>>().join(".");
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim_start_matches(' ');
        let spaces = raw.len() - trimmed.len();
        if let Some((owner, reported)) = block {
            if trimmed.is_empty() || spaces > owner {
                if !reported && let Some(at) = raw.find(needle) {
                    out.push((i + 1, raw[..at].chars().count() + 1, path(&keys)));
                    block = Some((owner, true));
                }
                continue;
            }
            block = None;
        }
        let code = &raw[..comment_start(raw)];
        let Some(l) = lines(code).into_iter().next() else {
            continue;
        };
        if let Some(k) = l.key {
            while keys.last().is_some_and(|(d, _)| *d >= l.indent) {
                keys.pop();
            }
            keys.push((l.indent, k));
            if l.block {
                block = Some((l.indent, false));
            }
        }
        if let Some(at) = code.find(needle) {
            let value_at = l
                .key
                .filter(|_| l.inline_value)
                .and_then(|k| code.find(k).map(|p| p + k.len() + 1))
                .map(|p| p + code[p..].len() - code[p..].trim_start().len())
                .filter(|p| *p <= at)
                .unwrap_or(at);
            out.push((i + 1, code[..value_at].chars().count() + 1, path(&keys)));
        }
    }
    out
}

/// The byte where a line's comment starts (a `#` at the start or after a
/// space, outside quotes), or the line's length.
fn comment_start(line: &str) -> usize {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && (prev == ' ' || prev == '\t') => return i,
            None => {}
        }
        prev = c;
    }
    line.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "name: Acme\nenvelope:\n  code: /c\n  example: |\n    {\"a\":\n      \"b\"}\n# note\nerrors:\n  - code: x\n    status: 404\n";

    #[test]
    fn lines_skip_comments_and_block_scalars() {
        let ls = lines(FILE);
        let numbers: Vec<usize> = ls.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 8, 9, 10]);
        assert_eq!(ls[5].key, Some("code"));
        assert!(ls[5].item);
        assert_eq!((ls[5].dash, ls[5].indent), (2, 4));
        assert!(!ls[3].inline_value, "a block scalar indicator is no value");
        assert!(ls[2].inline_value);
    }

    #[test]
    fn a_key_dedented_into_an_entry_names_the_entry() {
        let text = format!("{FILE}  kind: gone\n");
        let (l, c, msg, help) = explain_indentation(&text, 11).unwrap();
        assert_eq!((l, c), (11, 3));
        assert!(msg.contains("the entry at line 9"), "{msg}");
        assert!(help.contains("column 5"), "{help}");
    }

    #[test]
    fn a_key_between_two_levels_names_both() {
        let text = "envelope:\n  code: /c\n message: /m\n";
        let (l, c, msg, help) = explain_indentation(text, 3).unwrap();
        assert_eq!((l, c), (3, 2));
        assert!(msg.contains("`code` on line 2 (column 3)"), "{msg}");
        assert!(msg.contains("`envelope` on line 1 (column 1)"), "{msg}");
        assert!(help.contains("column 3"), "{help}");
    }

    #[test]
    fn a_key_indented_under_a_value_is_read_as_that_value() {
        let text = "envelope:\n  code: /c\n    message: /m\n";
        let (_, c, msg, _) = explain_indentation(text, 3).unwrap();
        assert_eq!(c, 5);
        assert!(msg.contains("more than `code` on line 2"), "{msg}");
    }

    #[test]
    fn the_first_of_two_keys_is_found_in_the_same_mapping_only() {
        let text = "retry:\n  x: 1\nerrors:\n  - code: a\n    retry: never\n  - code: b\n    retry: never\nretry: 2\n";
        assert_eq!(first_key(text, 8, 1, "retry"), Some((1, 1)));
        assert_eq!(first_key(text, 7, 5, "retry"), None);
        assert_eq!(first_key(text, 5, 5, "code"), Some((4, 5)));
    }

    #[test]
    fn placeholders_are_found_in_values_not_comments() {
        let text = "# Replace every FILL-IN.\nsummary: \"FILL-IN\" # FILL-IN\nenvelope:\n  example: |\n    {\"a\": \"FILL-IN\",\n     \"b\": \"FILL-IN\"}\nerrors:\n  - code: x\n    meaning: FILL-IN now\n";
        assert_eq!(
            find_in_values(text, "FILL-IN"),
            [
                (2, 10, "summary".to_owned()),
                (5, 12, "envelope.example".to_owned()),
                (9, 14, "errors.meaning".to_owned()),
            ]
        );
    }
}

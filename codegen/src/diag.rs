//! Diagnostics: every problem in the catalog, each with its file, line, column and a hint.
//!
//! A [`Diagnostic`] prints as one line, `catalog/x.yaml:8:15: what is wrong`,
//! followed by a `help:` line saying how to fix it. [`Diagnostics::render`] adds
//! the offending source line underneath, drawn by annotate-snippets.

use std::fmt;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// One problem at one place in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, relative to the workspace root: `catalog/pentify.yaml`.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl Diagnostic {
    /// Creates a diagnostic.
    pub fn new(
        path: impl Into<String>,
        (line, column): (usize, usize),
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            path: path.into(),
            line: line.max(1),
            column: column.max(1),
            message: message.into(),
            help: help.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}\n  help: {}",
            self.path, self.line, self.column, self.message, self.help
        )
    }
}

/// Every problem found, sorted by file and position, with the sources they point into.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
    sources: Vec<(String, String)>,
}

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Adds a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.list.push(diagnostic);
    }

    /// Remembers a file's text so [`Diagnostics::render`] can show snippets of it.
    pub fn add_source(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.sources.push((path.into(), text.into()));
    }

    /// Moves every problem and source of `other` into `self`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.list.extend(other.list);
        self.sources.extend(other.sources);
    }

    /// True when there is no problem.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The number of problems.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// The problems, sorted by file, line and column.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter()
    }

    /// Sorts the problems by file, line and column, and drops exact repeats.
    pub fn sort(&mut self) {
        self.list.sort_by(|a, b| {
            (&a.path, a.line, a.column, &a.message).cmp(&(&b.path, b.line, b.column, &b.message))
        });
        self.list.dedup();
    }

    /// Every problem with the line of source it points at, for a terminal.
    pub fn render(&self) -> String {
        let renderer = Renderer::plain();
        let mut out = String::new();
        for d in &self.list {
            out.push_str(&format!(
                "{}:{}:{}: {}\n",
                d.path, d.line, d.column, d.message
            ));
            let source = self
                .sources
                .iter()
                .find(|(p, _)| *p == d.path)
                .and_then(|(_, text)| text.lines().nth(d.line - 1));
            match source {
                Some(line_text) if line_text.len() <= 400 => {
                    let start = char_to_byte(line_text, d.column - 1);
                    let end = token_end(line_text, start);
                    let report = &[Group::with_level(Level::ERROR)
                        .element(
                            Snippet::source(line_text)
                                .line_start(d.line)
                                .annotation(AnnotationKind::Primary.span(start..end)),
                        )
                        .element(Level::HELP.message(d.help.as_str()))];
                    out.push_str(&renderer.render(report));
                    out.push('\n');
                }
                _ => out.push_str(&format!("  help: {}\n", d.help)),
            }
        }
        let files = {
            let mut f: Vec<&str> = self.list.iter().map(|d| d.path.as_str()).collect();
            f.dedup();
            f.len()
        };
        out.push_str(&format!(
            "error: {} problem{} in {} file{}; nothing was written\n",
            self.list.len(),
            plural(self.list.len()),
            files,
            plural(files)
        ));
        out
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.list {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// The candidates closest to `given` in spelling (case aside), nearest first:
/// those within an edit distance of a quarter of its length (at least 2).
pub fn closest<'a>(given: &str, candidates: &[&'a str]) -> Vec<&'a str> {
    let given_lower = given.to_ascii_lowercase();
    let limit = (given.chars().count() / 4).max(2);
    let mut close: Vec<(usize, &str)> = candidates
        .iter()
        .map(|c| (levenshtein(&given_lower, &c.to_ascii_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .collect();
    close.sort();
    close.dedup_by(|a, b| a.1 == b.1);
    close.into_iter().map(|(_, c)| c).collect()
}

/// `; did you mean `x`?` for the closest candidates (at most three), or nothing.
pub fn did_you_mean(given: &str, candidates: &[&str]) -> String {
    match closest(given, candidates).as_slice() {
        [] => String::new(),
        [one] => format!("; did you mean `{one}`?"),
        many => {
            let names: Vec<String> = many.iter().take(3).map(|c| format!("`{c}`")).collect();
            format!("; did you mean one of {}?", names.join(", "))
        }
    }
}

/// The edit distance between two strings, in characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The byte offset of the `chars`-th character of `s`, or its length.
fn char_to_byte(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
}

/// The end of the token starting at `start`: up to the next space or the end of the line.
fn token_end(s: &str, start: usize) -> usize {
    let rest = &s[start..];
    let len = rest.find([' ', '\t']).unwrap_or(rest.len()).max(1);
    (start + len).min(s.len()).max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("rate_limited", "rate_limited"), 0);
    }

    #[test]
    fn suggestions_name_the_closest_candidates() {
        assert_eq!(
            did_you_mean("rate_limitd", &["rate_limited", "not_found"]),
            "; did you mean `rate_limited`?"
        );
        assert_eq!(did_you_mean("zzzzzz", &["rate_limited"]), "");
        assert_eq!(
            closest("meanng", &["message", "meaning", "kind"]),
            ["meaning"]
        );
    }

    #[test]
    fn display_is_path_line_column_then_help() {
        let d = Diagnostic::new("catalog/x.yaml", (3, 7), "bad thing", "do this");
        assert_eq!(
            d.to_string(),
            "catalog/x.yaml:3:7: bad thing\n  help: do this"
        );
    }

    #[test]
    fn render_shows_the_source_line() {
        let mut ds = Diagnostics::new();
        ds.add_source("catalog/x.yaml", "a: 1\nkind: nope\n");
        ds.push(Diagnostic::new(
            "catalog/x.yaml",
            (2, 7),
            "unknown kind",
            "use one of ...",
        ));
        let out = ds.render();
        assert!(
            out.starts_with("catalog/x.yaml:2:7: unknown kind\n"),
            "{out}"
        );
        assert!(out.contains("2 | kind: nope"), "{out}");
        assert!(out.contains("^^^^"), "{out}");
        assert!(out.contains("help: use one of ..."), "{out}");
        assert!(
            out.ends_with("error: 1 problem in 1 file; nothing was written\n"),
            "{out}"
        );
    }
}

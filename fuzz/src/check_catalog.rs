//! The property the `catalog` fuzz target checks, also run over the checked-in
//! corpus by `codegen/tests/fuzz_replay.rs`, which includes this file.
//!
//! The input is the bytes of one catalog file, `catalog/acme.yaml`. Loading and
//! validating it must not panic, nor must rendering the problems found. When it
//! validates, the emitter must succeed and what it writes must be well-formed:
//!
//! - every `.rs` file parses with `syn::parse_file`;
//! - every `.md` page, read by pulldown-cmark with tables on (as mdBook and
//!   GitHub read it), has tables whose every row has as many cells as its
//!   header, no line that looks like a delimiter row (`| --- |`) outside a
//!   table or a fenced block, no raw HTML other than the tags the emitter
//!   writes itself (the `@generated` comment, `<a id="...">`, `</a>`, `<br>`),
//!   and no `{{` anywhere (mdBook reads `{{#include ...}}` anywhere, fenced
//!   blocks included, so the emitter escapes it).
//!
//! The JSON Schema does not depend on the catalog, so it is not checked here.
//!
//! With `ERRCAT_FUZZ_COMPILE=<n>` set, one in `n` files that validate (chosen
//! by a hash of the input, so a replay picks the same ones) is also compiled:
//! the generated modules and errcat's runtime are built as a crate with
//! `cargo check` and `-D warnings` (`codegen/tests/support/krate.rs`), which
//! must succeed. `ERRCAT_FUZZ_COMPILE=1` compiles every one. This is the
//! longer run `fuzz/README.md` records; without the variable nothing is
//! compiled.
//!
//! pulldown-cmark pads a short table row and drops a long row's extra cells,
//! so cells are counted from the source ranges it reports, as
//! `codegen/tests/docs.rs` does: a padded cell has an empty range, and dropped
//! cells are the `|`-separated text after the last cell it kept.

use std::ops::Range;

use errcat_codegen::emit::docs;
use errcat_codegen::load::Source;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Checks one catalog file; panics with the offending output when a property fails.
pub fn check(bytes: &[u8]) {
    let sources = [Source {
        file_name: "acme.yaml".to_owned(),
        bytes: bytes.to_vec(),
    }];
    let catalog = match errcat_codegen::catalog_from_sources("catalog", &sources) {
        Ok(catalog) => catalog,
        Err(problems) => {
            assert!(!problems.is_empty(), "an error without a problem");
            // What `cargo xtask codegen` prints: it must not panic either.
            let rendered = problems.render();
            assert!(rendered.contains("nothing was written"), "{rendered}");
            let _ = problems.to_string();
            return;
        }
    };
    let files = errcat_codegen::emit::all(&catalog)
        .unwrap_or_else(|ds| panic!("a catalog that validates does not emit:\n{ds}"));
    if let Some(n) = compile_one_in()
        && fnv1a(bytes).is_multiple_of(n)
    {
        let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the workspace root");
        let label = format!("fuzz-compile-{:016x}", fnv1a(bytes));
        if let Err(report) = crate::krate::check(
            workspace,
            &workspace.join("target/fuzz-compile"),
            &label,
            &files,
        ) {
            panic!("a catalog that validates generates a crate that does not compile:\n{report}");
        }
    }
    for file in &files {
        if file.path.ends_with(".rs") {
            if let Err(e) = syn::parse_file(&file.contents) {
                panic!(
                    "{} does not parse: {e}\n--- the file ---\n{}",
                    file.path, file.contents
                );
            }
        } else if file.path.ends_with(".md") {
            let problems = page_problems(&file.contents);
            assert!(
                problems.is_empty(),
                "{} is malformed:\n{}\n--- the page ---\n{}",
                file.path,
                problems.join("\n"),
                file.contents
            );
        }
    }
}

/// `n` of `ERRCAT_FUZZ_COMPILE=<n>`, when set to a positive number.
fn compile_one_in() -> Option<u64> {
    std::env::var("ERRCAT_FUZZ_COMPILE")
        .ok()?
        .parse()
        .ok()
        .filter(|n| *n > 0)
}

/// 64-bit FNV-1a of the input: which inputs are compiled does not depend on the run.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h: u64, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Every problem of one page, one a line.
fn page_problems(md: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut tables = 0;
    // The rows of the table being read, as written: (source, cells written).
    let mut rows: Vec<(String, usize)> = Vec::new();
    let mut row: Option<(Range<usize>, Vec<Range<usize>>)> = None;
    let mut blocks: Vec<Range<usize>> = Vec::new();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(md, options).into_offset_iter() {
        match event {
            Event::Html(html) | Event::InlineHtml(html) if !own_html(&html) => {
                problems.push(format!("raw HTML the emitter does not write: {:?}", &*html));
            }
            Event::Start(Tag::CodeBlock(_)) => blocks.push(range),
            Event::Start(Tag::Table(_)) => {
                tables += 1;
                rows.clear();
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => row = Some((range, Vec::new())),
            Event::Start(Tag::TableCell) => {
                if let Some((_, cells)) = row.as_mut() {
                    cells.push(range);
                }
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                if let Some((range, cells)) = row.take() {
                    rows.push(written_row(md, range, &cells));
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some(((_, width), rest)) = rows.split_first() {
                    for (source, written) in rest {
                        if written != width {
                            problems.push(format!(
                                "a row of {written} cells under a header of {width}: {source}"
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let in_block = |at: usize| blocks.iter().any(|b| b.contains(&at));
    let mut at = 0;
    let mut delimiter_rows = 0;
    for line in md.split_inclusive('\n') {
        let text = line.trim_end();
        if !in_block(at) && text.starts_with("| ---") && text.ends_with("--- |") {
            delimiter_rows += 1;
        }
        at += line.len();
    }
    if delimiter_rows != tables {
        problems.push(format!(
            "{delimiter_rows} delimiter rows outside fenced blocks but {tables} tables"
        ));
    }
    // mdBook expands `{{#include ...}}` even in a fenced block.
    for (at, _) in md.match_indices("{{") {
        let line = md[..at].lines().count().max(1);
        problems.push(format!("line {line}: `{{{{`, which mdBook may expand"));
    }
    problems
}

/// A row as written, `(source, cells)`: the cells pulldown-cmark padded in
/// have an empty range, and any it dropped follow the last one it kept.
fn written_row(md: &str, range: Range<usize>, cells: &[Range<usize>]) -> (String, usize) {
    let kept: Vec<&Range<usize>> = cells.iter().filter(|c| !c.is_empty()).collect();
    let after = kept.last().map_or(range.start, |c| c.end);
    let rest = md.get(after..range.end).unwrap_or("").trim();
    let dropped = match rest.trim_start_matches('|').trim_end_matches('|') {
        "" => 0,
        extra => extra.split('|').count(),
    };
    let source = md.get(range).unwrap_or("").trim_end().to_owned();
    (source, kept.len() + dropped)
}

/// Whether raw HTML is only what the emitter writes itself: the `@generated`
/// comment, or a run of `<br>`, `</a>` and `<a id="...">` with a plain id.
fn own_html(html: &str) -> bool {
    let mut rest = html.trim();
    if rest == docs::header().trim() {
        return true;
    }
    while !rest.is_empty() {
        if let Some(r) = rest
            .strip_prefix("<br>")
            .or_else(|| rest.strip_prefix("</a>"))
        {
            rest = r;
        } else {
            let Some((id, r)) = rest
                .strip_prefix("<a id=\"")
                .and_then(|r| r.split_once("\">"))
            else {
                return false;
            };
            if !docs::is_plain_id(id) {
                return false;
            }
            rest = r;
        }
        rest = rest.trim_start();
    }
    true
}

//! The markdown reference: golden pages for a small fixture catalog, catalog
//! text built to break markdown, and the structure of the real catalog's pages.
//!
//! The golden pages are `tests/fixtures/docs/expected/*.md`. Run the tests with
//! `UPDATE_EXPECT=1` to rewrite them from the emitter instead of failing, then
//! review the diff like any other change.
//!
//! Pages are read with pulldown-cmark, tables on, the way mdBook and GitHub
//! read them. It pads a short table row and drops a long row's extra cells, so
//! cells are counted from the source ranges it reports, not from its events.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use errcat_codegen::emit::docs;
use errcat_codegen::ir::{Catalog, Rule, Vendor};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docs")
}

fn load(dir: &Path) -> Catalog {
    errcat_codegen::load_catalog(dir)
        .unwrap_or_else(|ds| panic!("{} has problems:\n{}", dir.display(), ds.render()))
}

/// The real catalog and its pages as read, by file name.
fn real() -> &'static (Catalog, BTreeMap<String, Page>) {
    static REAL: OnceLock<(Catalog, BTreeMap<String, Page>)> = OnceLock::new();
    REAL.get_or_init(|| {
        let catalog = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog"));
        let pages = parse_all(&pages(&catalog));
        (catalog, pages)
    })
}

/// Every page the emitter writes for `catalog`, by file name (`README.md`, `pentify.md`).
fn pages(catalog: &Catalog) -> BTreeMap<String, String> {
    let prefix = format!("{}/", docs::DIR);
    docs::files(catalog)
        .into_iter()
        .filter(|f| f.path.ends_with(".md"))
        .map(|f| match f.path.strip_prefix(&prefix) {
            Some(name) => (name.to_owned(), f.contents),
            None => panic!("{} is not under {}", f.path, docs::DIR),
        })
        .collect()
}

/// Fails with every problem found, one a line.
fn assert_none(what: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{what}:\n{}",
        problems
            .iter()
            .map(|p| format!("- {p}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The labels of the emitter's lists of facts, each item opening with one in
/// strong text (`- **Kind:** ...`), and of a deprecated code's note.
const LABELS: &[&str] = &[
    "Deprecated:",
    "Removed:",
    "HTTP status:",
    "Kind:",
    "Retry:",
    "Shortest wait:",
    "Type:",
    "Without a readable code:",
    "Fallback:",
    "Resolution:",
    "Vendor docs:",
    "Category:",
    "SDK names:",
    "Generated types:",
    "Page:",
    "Delay before each retry:",
    "Server delay header:",
    "Safe to retry:",
];

/// A page as a markdown reader sees it.
#[derive(Default)]
struct Page {
    /// Every table, in order.
    tables: Vec<Table>,
    /// Lines written as a table's delimiter row (`| --- | --- |`).
    delimiter_rows: usize,
    /// Every link destination, in order.
    links: Vec<String>,
    /// Every image source; the emitter writes none.
    images: Vec<String>,
    /// The ids of the emitter's `<a id="...">` tags, in order, each with the
    /// index in `headings` of the heading it labels (the next one).
    a_ids: Vec<(String, usize)>,
    /// The headings' ids, in order, made unique the way GitHub does (`-1`, `-2`).
    headings: Vec<String>,
    /// Ids a fragment may name: `a_ids` and `headings`.
    anchors: BTreeSet<String>,
    /// Raw HTML other than the tags the emitter writes itself.
    foreign_html: Vec<String>,
    /// Markdown elements the emitter never writes, which only catalog text can make.
    stray: Vec<String>,
    /// The text a reader sees, code included; line breaks and `<br>` as `\n`.
    text: String,
    /// Lines where `{{` stands. mdBook reads `{{#include ...}}` anywhere in
    /// a page, fenced blocks included, so catalog text never forms `{{`.
    braces: Vec<usize>,
}

/// A table: its header row first.
struct Table {
    /// The `##` heading the table sits under.
    section: String,
    rows: Vec<Row>,
}

struct Row {
    /// The row as written, for messages.
    source: String,
    /// The cells written in the source.
    written: usize,
    cells: Vec<Cell>,
}

#[derive(Default)]
struct Cell {
    range: Range<usize>,
    text: String,
    links: Vec<String>,
}

/// The ids in raw HTML that the emitter itself writes (the `@generated`
/// comment, `<br>`, `<a id="...">` and `</a>`), or `None` when it holds anything else.
fn own_html(html: &str) -> Option<Vec<String>> {
    let mut rest = html.trim();
    if rest == docs::header().trim() {
        return Some(Vec::new());
    }
    let mut ids = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest
            .strip_prefix("<br>")
            .or_else(|| rest.strip_prefix("</a>"))
        {
            rest = r;
        } else {
            let r = rest.strip_prefix("<a id=\"")?;
            let (id, r) = r.split_once("\">")?;
            let plain =
                |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-';
            if id.is_empty() || !id.bytes().all(plain) {
                return None;
            }
            ids.push(id.to_owned());
            rest = r;
        }
        rest = rest.trim_start();
    }
    Some(ids)
}

/// A heading's id as GitHub and mdBook compute it: lower case, spaces to `-`,
/// punctuation other than `-` and `_` removed.
fn heading_id(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c),
            _ => None,
        })
        .collect()
}

fn parse(md: &str) -> Page {
    let mut page = Page {
        delimiter_rows: md
            .lines()
            .filter(|l| l.starts_with("| ---") && l.trim_end().ends_with("--- |"))
            .count(),
        ..Page::default()
    };
    let mut heading: Option<String> = None;
    let mut heading_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut section = String::new();
    let mut table: Option<Table> = None;
    let mut row: Option<(Range<usize>, Vec<Cell>)> = None;
    let mut cell: Option<Cell> = None;
    let mut strong_at = 0;
    let (mut list_depth, mut item_at) = (0, 0);
    let mut fences: Vec<Range<usize>> = Vec::new();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(md, options).into_offset_iter() {
        match event {
            Event::Text(t) | Event::Code(t) => put(&t, &mut page, &mut heading, &mut cell),
            Event::SoftBreak | Event::HardBreak => put("\n", &mut page, &mut heading, &mut cell),
            Event::Html(h) | Event::InlineHtml(h) => match own_html(&h) {
                Some(ids) => {
                    let next = page.headings.len();
                    page.a_ids.extend(ids.into_iter().map(|id| (id, next)));
                    for _ in h.matches("<br>") {
                        put("\n", &mut page, &mut heading, &mut cell);
                    }
                }
                None => page.foreign_html.push(h.into_string()),
            },
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(level)) => {
                let title = heading.take().unwrap_or_default();
                let id = heading_id(&title);
                let n = heading_ids.entry(id.clone()).or_insert(0);
                page.headings.push(match *n {
                    0 => id,
                    n => format!("{id}-{n}"),
                });
                *n += 1;
                if level == HeadingLevel::H2 {
                    section = title.trim().to_owned();
                }
                page.text.push('\n');
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                page.links.push(dest_url.to_string());
                if let Some(c) = cell.as_mut() {
                    c.links.push(dest_url.to_string());
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => page.images.push(dest_url.to_string()),
            Event::Start(Tag::CodeBlock(kind)) => {
                if !matches!(kind, CodeBlockKind::Fenced(_)) {
                    page.stray
                        .push(format!("an indented code block: {:?}", &md[range.clone()]));
                }
                fences.push(range);
            }
            // The emitter's strong text is a label of [`LABELS`], and its
            // lists are lists of facts, each item opening with a label, but
            // for SUMMARY.md's, which the caller allows. None nests.
            Event::Start(Tag::Strong) => strong_at = page.text.len(),
            Event::End(TagEnd::Strong) if LABELS.contains(&&page.text[strong_at..]) => {}
            Event::Start(Tag::List(None)) if list_depth == 0 => list_depth += 1,
            Event::Start(Tag::Item) => item_at = page.text.len(),
            Event::End(TagEnd::Item) => {
                let item = &page.text[item_at..];
                if !LABELS.iter().any(|l| item.starts_with(l)) {
                    page.stray
                        .push(format!("List item without a label: {:?}", &md[range]));
                }
                page.text.push('\n');
            }
            Event::End(TagEnd::List(false)) => {
                list_depth -= 1;
                page.text.push('\n');
            }
            Event::Start(
                tag @ (Tag::List(_)
                | Tag::BlockQuote(_)
                | Tag::Emphasis
                | Tag::Strikethrough
                | Tag::FootnoteDefinition(_)),
            ) => page.stray.push(format!("{tag:?} at {:?}", &md[range])),
            Event::End(TagEnd::Strong) => {
                page.stray.push(format!("strong text at {:?}", &md[range]))
            }
            Event::Rule => page
                .stray
                .push(format!("a thematic break at {:?}", &md[range])),
            Event::Start(Tag::Table(_)) => {
                table = Some(Table {
                    section: section.clone(),
                    rows: Vec::new(),
                })
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => row = Some((range, Vec::new())),
            Event::Start(Tag::TableCell) => {
                cell = Some(Cell {
                    range,
                    ..Cell::default()
                })
            }
            Event::End(TagEnd::TableCell) => {
                if let (Some((_, cells)), Some(c)) = (row.as_mut(), cell.take()) {
                    cells.push(c);
                }
                page.text.push('\n');
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                if let (Some(t), Some((range, cells))) = (table.as_mut(), row.take()) {
                    t.rows.push(written_row(md, range, cells));
                }
            }
            Event::End(TagEnd::Table) => page.tables.extend(table.take()),
            Event::End(_) => page.text.push('\n'),
            _ => {}
        }
    }
    page.anchors = page
        .headings
        .iter()
        .chain(page.a_ids.iter().map(|(id, _)| id))
        .cloned()
        .collect();
    page.braces = md
        .match_indices("{{")
        .map(|(at, _)| md[..at].lines().count())
        .collect();
    page
}

/// Every page, read.
fn parse_all(sources: &BTreeMap<String, String>) -> BTreeMap<String, Page> {
    sources
        .iter()
        .map(|(name, md)| (name.clone(), parse(md)))
        .collect()
}

/// Appends text a reader sees to the page and to the heading or cell open.
fn put(t: &str, page: &mut Page, heading: &mut Option<String>, cell: &mut Option<Cell>) {
    page.text.push_str(t);
    if let Some(h) = heading {
        h.push_str(t);
    }
    if let Some(c) = cell {
        c.text.push_str(t);
    }
}

/// A row with its cells counted as written: the cells pulldown-cmark padded
/// in have an empty range, and any it dropped follow the last one it kept.
fn written_row(md: &str, range: Range<usize>, cells: Vec<Cell>) -> Row {
    let kept: Vec<&Cell> = cells.iter().filter(|c| !c.range.is_empty()).collect();
    let after = kept.last().map_or(range.start, |c| c.range.end);
    let rest = md[after..range.end].trim();
    let dropped = match rest.trim_start_matches('|').trim_end_matches('|') {
        "" => 0,
        extra => extra.split('|').count(),
    };
    Row {
        source: md[range].trim_end().to_owned(),
        written: kept.len() + dropped,
        cells,
    }
}

/// The source URL as it stands in an autolink: space, `<`, `>` and control
/// characters, which would end it, percent-encoded.
fn autolink(url: &str) -> String {
    let mut out = String::new();
    for c in url.chars() {
        if c == ' ' || c == '<' || c == '>' || c.is_control() {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn vendor_of<'c>(catalog: &'c Catalog, page: &str) -> Option<&'c Vendor> {
    catalog
        .vendors
        .iter()
        .find(|v| page.strip_suffix(".md") == Some(v.id.as_str()))
}

/// Every table has as many cells in each row as in its header, no column
/// empty in every row, and every delimiter row the emitter wrote starts a table.
fn check_tables(pages: &BTreeMap<String, Page>) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, page) in pages {
        if page.tables.len() != page.delimiter_rows {
            problems.push(format!(
                "{name}: {} delimiter rows but {} tables",
                page.delimiter_rows,
                page.tables.len()
            ));
        }
        for t in &page.tables {
            let width = t.rows[0].written;
            // A column empty in every row only takes room from the others.
            for (i, head) in t.rows[0].cells.iter().enumerate() {
                if t.rows[1..]
                    .iter()
                    .all(|r| r.cells.get(i).is_none_or(|c| c.text.trim().is_empty()))
                {
                    problems.push(format!(
                        "{name}: the column `{}` under `## {}` is empty in every row",
                        head.text.trim(),
                        t.section
                    ));
                }
            }
            for r in &t.rows {
                if r.written != width {
                    problems.push(format!(
                        "{name}: a row of {} cells under a header of {width}: {}",
                        r.written, r.source
                    ));
                }
            }
        }
    }
    problems
}

/// Every current code is in exactly one row of its vendor's tables under
/// `## Codes`, every removed code in one row of `## Removed codes`, whose first
/// cell shows the code and links to its anchor; every row is a code.
fn check_code_rows(catalog: &Catalog, pages: &BTreeMap<String, Page>) -> Vec<String> {
    let mut problems = Vec::new();
    for v in &catalog.vendors {
        let name = format!("{}.md", v.id);
        let mut rows: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let Some(page) = pages.get(&name) else {
            continue;
        };
        let sections = ["Codes", "Removed codes"];
        for t in page
            .tables
            .iter()
            .filter(|t| sections.contains(&t.section.as_str()))
        {
            for r in &t.rows[1..] {
                let first = &r.cells[0];
                match first.links.first().and_then(|l| l.strip_prefix('#')) {
                    Some(anchor) => rows
                        .entry(anchor.to_owned())
                        .or_default()
                        .push(first.text.trim().to_owned()),
                    None => {
                        problems.push(format!("{name}: a code row without a link: {}", r.source))
                    }
                }
            }
        }
        for c in &v.codes {
            match rows.remove(&c.anchor) {
                Some(shown) if shown == [c.code.trim()] => {}
                Some(shown) => problems.push(format!(
                    "{name}: code `{}` (#{}) is in {} rows, showing {shown:?}",
                    c.code,
                    c.anchor,
                    shown.len()
                )),
                None => problems.push(format!(
                    "{name}: code `{}` is in no row of `## Codes` or `## Removed codes`",
                    c.code
                )),
            }
        }
        for (anchor, shown) in rows {
            problems.push(format!(
                "{name}: rows {shown:?} link to #{anchor}, which is no code"
            ));
        }
    }
    problems
}

/// No page holds raw HTML, an element or an image the emitter does not
/// write, nor `{{`.
fn check_markup(pages: &BTreeMap<String, Page>) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, page) in pages {
        for html in &page.foreign_html {
            problems.push(format!("{name}: raw HTML from the catalog: {html:?}"));
        }
        for stray in page
            .stray
            .iter()
            .filter(|s| name != "SUMMARY.md" || !s.starts_with("List"))
        {
            problems.push(format!("{name}: {stray}"));
        }
        for src in &page.images {
            problems.push(format!("{name}: an image from `{src}`"));
        }
        for line in &page.braces {
            problems.push(format!("{name}:{line}: `{{{{`, which mdBook may expand"));
        }
    }
    problems
}

/// Every link names a generated page and, with a fragment, an anchor on it;
/// the exceptions are a vendor page's link to its source and to each current
/// code's page of the vendor's docs (its `doc_url_template`). An `<a id>` is
/// unique: written once, and no heading but the one it labels has its id.
fn check_links(catalog: &Catalog, pages: &BTreeMap<String, Page>) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, page) in pages {
        let vendor = vendor_of(catalog, name);
        let source = vendor.map(|v| autolink(&v.source));
        let vendor_docs: Vec<String> = vendor
            .and_then(|v| {
                let t = v.doc_url_template.as_ref()?;
                Some(
                    v.codes
                        .iter()
                        .filter(|c| c.removed.is_none())
                        .map(|c| autolink(&t.replace("{code}", &c.code)))
                        .collect(),
                )
            })
            .unwrap_or_default();
        for dest in &page.links {
            if Some(dest) == source.as_ref() || vendor_docs.contains(dest) {
                continue;
            }
            let (file, fragment) = match dest.split_once('#') {
                Some((file, fragment)) => (file, Some(fragment)),
                None => (dest.as_str(), None),
            };
            let target = if file.is_empty() { name.as_str() } else { file };
            match pages.get(target) {
                _ if dest.is_empty() => {
                    problems.push(format!("{name}: a link with no destination"))
                }
                None => problems.push(format!(
                    "{name}: link to `{dest}`, which is no generated page"
                )),
                Some(p) => {
                    if let Some(f) = fragment
                        && !p.anchors.contains(f)
                    {
                        problems.push(format!(
                            "{name}: link to `{dest}`, but {target} has no anchor `{f}`"
                        ));
                    }
                }
            }
        }
        let mut seen = BTreeSet::new();
        for (id, labels) in &page.a_ids {
            if !seen.insert(id) {
                problems.push(format!("{name}: `<a id=\"{id}\">` twice"));
            }
            let other = page
                .headings
                .iter()
                .enumerate()
                .find(|(i, h)| *h == id && i != labels);
            if let Some((_, heading)) = other {
                problems.push(format!(
                    "{name}: `<a id=\"{id}\">` shares its id with the heading #{heading}"
                ));
            }
        }
    }
    problems
}

/// SUMMARY.md links every other page, and every vendor page links its source.
fn check_summary_and_sources(catalog: &Catalog, pages: &BTreeMap<String, Page>) -> Vec<String> {
    let mut problems = Vec::new();
    match pages.get("SUMMARY.md") {
        None => problems.push("there is no SUMMARY.md".to_owned()),
        Some(summary) => {
            for name in pages.keys().filter(|n| *n != "SUMMARY.md") {
                if !summary.links.contains(name) {
                    problems.push(format!("SUMMARY.md does not link {name}"));
                }
            }
        }
    }
    for v in &catalog.vendors {
        let name = format!("{}.md", v.id);
        match pages.get(&name) {
            None => problems.push(format!("vendor {} has no page", v.id)),
            Some(p) if !p.links.contains(&autolink(&v.source)) => {
                problems.push(format!("{name} does not link its source {}", v.source))
            }
            Some(_) => {}
        }
    }
    problems
}

/// Every structural check, for a catalog's pages.
fn check_structure(catalog: &Catalog, pages: &BTreeMap<String, Page>) -> Vec<String> {
    let mut problems = check_tables(pages);
    problems.extend(check_markup(pages));
    problems.extend(check_code_rows(catalog, pages));
    problems.extend(check_links(catalog, pages));
    problems.extend(check_summary_and_sources(catalog, pages));
    problems
}

// ---------------------------------------------------------------- golden pages

#[test]
fn fixture_pages_match_the_expected_files() {
    let catalog = load(&fixtures().join("catalog"));
    let [acme, bucket, statusly] = &catalog.vendors[..] else {
        panic!("the fixture catalog has three vendors");
    };
    // And the real-vendor model: an XML envelope, code paths in order, types,
    // sub-codes, fields, match conditions, fallbacks, rate-limit roles.
    assert!(bucket.envelope.format == errcat_codegen::ir::Format::Xml);
    assert!(bucket.envelope.code.len() > 1 && !bucket.types.is_empty());
    assert!(bucket.codes.iter().any(|c| !c.subcodes.is_empty()));
    assert!(bucket.codes.iter().any(|c| c.min_delay_ms.is_some()));
    assert!(bucket.matched_codes().count() > 1 && !bucket.status_fallbacks().is_empty());
    assert!(bucket.has_rate_limit() && bucket.retry.should_retry_header.is_some());
    // The fixture exercises what the pages render differently.
    assert!(!acme.categories.is_empty() && acme.codes.iter().any(|c| c.category.is_none()));
    assert!(
        acme.codes
            .iter()
            .any(|c| c.statuses.len() > 1 && !c.examples.is_empty())
    );
    assert!(acme.codes.iter().any(|c| !c.placeholders.is_empty()));
    assert!(acme.codes.iter().any(|c| !c.sdk.is_empty()) && !acme.sdk.is_empty());
    assert!(acme.codes.iter().any(|c| matches!(c.retry, Rule::After(_))));
    assert!(acme.codes.iter().any(|c| c.deprecated.is_some()));
    assert!(!acme.retry.max_attempts.documented && acme.retry.initial_ms.documented);
    assert!(statusly.keyed_by_status() && !acme.keyed_by_status());

    let pages = pages(&catalog);
    assert_none(
        "the fixture's pages are malformed",
        check_structure(&catalog, &parse_all(&pages)),
    );
    let dir = fixtures().join("expected");
    let on_disk: BTreeSet<String> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::create_dir_all(&dir).unwrap();
        for stale in on_disk.iter().filter(|n| !pages.contains_key(*n)) {
            fs::remove_file(dir.join(stale)).unwrap();
        }
        for (name, contents) in &pages {
            fs::write(dir.join(name), contents).unwrap();
        }
        return;
    }
    let mut problems = Vec::new();
    for (name, got) in &pages {
        match fs::read_to_string(dir.join(name)) {
            Err(e) => problems.push(format!("{name}: cannot read the expected page: {e}")),
            Ok(want) if want == *got => {}
            Ok(want) => {
                let (line, (w, g)) = want
                    .lines()
                    .chain(std::iter::repeat(""))
                    .zip(got.lines().chain(std::iter::repeat("")))
                    .enumerate()
                    .find(|(_, (w, g))| w != g)
                    .unwrap_or((0, ("", "")));
                problems.push(format!(
                    "{name} differs from line {}:\n    expected: {w:?}\n    actual:   {g:?}",
                    line + 1
                ));
            }
        }
    }
    for stale in on_disk.iter().filter(|n| !pages.contains_key(*n)) {
        problems.push(format!(
            "{stale}: expected, but the emitter writes no such page"
        ));
    }
    assert_none(
        "the fixture's pages differ from tests/fixtures/docs/expected/ \
         (rerun with UPDATE_EXPECT=1 to accept the new output)",
        problems,
    );
}

// ------------------------------------------------------------ hostile text

/// What every free-text field of the hostile fixture carries.
const HOSTILE: &[&str] = &[
    "|",
    "`one`",
    "```three```",
    "````four````",
    "<b>",
    "&",
    "&amp;",
    "*",
    "_",
    "~~",
    "\n",
    "\n````\n",
    "\\",
    "\\|",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "[link](javascript:x)",
    "{{",
    "{{#include",
    "\u{202E}",
];

/// Every text of a vendor that its page shows, labelled, and whether it is
/// free text (constrained fields such as codes, header names and JSON can
/// carry only some of [`HOSTILE`]).
fn texts(v: &Vendor) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    let mut add =
        |label: &str, text: &str, free: bool| out.push((label.to_owned(), text.to_owned(), free));
    let e = &v.envelope;
    add("name", &v.name, true);
    add("summary", &v.summary, true);
    add(
        "envelope.code",
        e.code.first().map(String::as_str).unwrap_or_default(),
        false,
    );
    add(
        "envelope.code_note",
        e.code_note.as_deref().unwrap_or_default(),
        true,
    );
    add("envelope.message", &e.message, false);
    add(
        "envelope.request_id",
        e.request_id.as_deref().unwrap_or_default(),
        false,
    );
    add(
        "envelope.request_id_header",
        e.request_id_header.as_deref().unwrap_or_default(),
        false,
    );
    add(
        "envelope.details",
        e.details.as_deref().unwrap_or_default(),
        false,
    );
    add("envelope.example", &e.example, false);
    for h in &v.rate_limit_headers {
        add("rate_limit_headers.name", &h.name, true);
        add("rate_limit_headers.description", &h.description, true);
    }
    let r = &v.retry;
    add(
        "retry.delay_header",
        r.delay_header.as_deref().unwrap_or_default(),
        false,
    );
    add(
        "retry.idempotency_key",
        r.idempotency_key.as_deref().unwrap_or_default(),
        true,
    );
    add(
        "retry.guidance",
        r.guidance.as_deref().unwrap_or_default(),
        true,
    );
    for (lang, class) in &v.sdk {
        add("sdk language", lang, true);
        add("sdk class", class, true);
    }
    for (i, cat) in v.categories.iter().enumerate() {
        if v.codes.iter().any(|c| c.category == Some(i)) {
            add("categories.name", &cat.name, true);
        }
    }
    for (i, c) in v.codes.iter().enumerate() {
        let free = i == 0;
        add("code", &c.code, false);
        add("meaning", &c.meaning, free);
        add("message", c.message.as_deref().unwrap_or_default(), free);
        add(
            "resolution",
            c.resolution.as_deref().unwrap_or_default(),
            free,
        );
        if let Rule::After(action) = &c.retry {
            add("retry.after", action, free);
        }
        for (lang, name) in &c.sdk {
            add("code sdk language", lang, free);
            add("code sdk name", name, free);
        }
        if let Some(d) = &c.deprecated {
            add("deprecated", &d.note, free);
        }
        for ex in &c.examples {
            add("example title", &ex.title, free);
            add("example body", &ex.body, false);
        }
    }
    out.retain(|(_, text, _)| !text.is_empty());
    out
}

/// Text with every run of white space made one space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn hostile_text_cannot_break_a_page() {
    let catalog = load(&fixtures().join("hostile"));
    let [v] = &catalog.vendors[..] else {
        panic!("the hostile fixture has one vendor");
    };
    let texts = texts(v);
    for (label, text, free) in &texts {
        for bit in HOSTILE.iter().filter(|_| *free) {
            assert!(text.contains(bit), "the fixture's {label} lacks {bit:?}");
        }
        assert!(
            !free || text.starts_with('#'),
            "the fixture's {label} does not start with `#`"
        );
    }

    let pages = parse_all(&pages(&catalog));
    let mut problems = check_structure(&catalog, &pages);
    for (name, page) in &pages {
        // The cross-vendor pages show a few of the vendor's texts.
        let shown_here: &[&str] = match name.as_str() {
            "kinds.md" => &["name", "code", "retry.delay_header"],
            "retry.md" => &["name", "retry.delay_header", "retry.idempotency_key"],
            _ if vendor_of(&catalog, name).is_none() => &["name"],
            _ => &[],
        };
        let shown = words(&page.text);
        for (label, text, _) in texts
            .iter()
            .filter(|(label, ..)| shown_here.is_empty() || shown_here.contains(&label.as_str()))
        {
            if !shown.contains(&words(text)) {
                problems.push(format!("{name}: the {label} is not shown intact: {text:?}"));
            }
        }
    }
    assert_none("hostile catalog text broke the pages", problems);
}

// ------------------------------------------------------- the real catalog

#[test]
fn real_tables_have_as_many_cells_as_their_headers() {
    let (_, pages) = real();
    assert_none("malformed tables", check_tables(pages));
}

#[test]
fn real_pages_hold_only_the_emitters_markup() {
    let (_, pages) = real();
    assert_none("markup the emitter does not write", check_markup(pages));
}

#[test]
fn real_codes_each_have_one_row() {
    let (catalog, pages) = real();
    assert_none(
        "codes and table rows disagree",
        check_code_rows(catalog, pages),
    );
}

#[test]
fn real_links_resolve() {
    let (catalog, pages) = real();
    assert_none("broken links", check_links(catalog, pages));
}

#[test]
fn real_summary_lists_every_page_and_vendors_link_their_source() {
    let (catalog, pages) = real();
    assert_none("missing links", check_summary_and_sources(catalog, pages));
}

#[test]
fn docs_on_disk_match_the_emitter() {
    let (catalog, _) = real();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = docs::files(catalog);
    let mut problems = Vec::new();
    for f in &files {
        match fs::read_to_string(root.join(&f.path)) {
            Ok(on_disk) if on_disk == f.contents => {}
            Ok(_) => problems.push(format!("{} is stale", f.path)),
            Err(e) => problems.push(format!("{} cannot be read: {e}", f.path)),
        }
    }
    let written: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for entry in fs::read_dir(root.join(docs::DIR)).unwrap() {
        let path = format!(
            "{}/{}",
            docs::DIR,
            entry.unwrap().file_name().to_string_lossy()
        );
        if !written.contains(path.as_str()) {
            problems.push(format!("{path} is not generated from the catalog"));
        }
    }
    assert_none(
        &format!(
            "generated docs differ from the catalog (run `{}`)",
            errcat_codegen::REGENERATE
        ),
        problems,
    );
}

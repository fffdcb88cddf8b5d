//! `catalog/README.md` cannot drift from the tool: its complete example is a
//! valid vendor file, and the diagnostic it shows is the one the tool prints.

mod support;

use std::fs;
use std::path::Path;

/// The template line of the complete example, and the mistake the README makes in it.
const TEMPLATE: &str = r#"message: "Rate limit exceeded: retry in {seconds} seconds.""#;
const BROKEN: &str = r#"message: "Rate limit exceeded: retry in {seconds seconds.""#;

fn readme() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog/README.md");
    fs::read_to_string(path).expect("read catalog/README.md")
}

/// The body of the first fenced block tagged `lang` after the heading `heading`.
fn block(text: &str, heading: &str, lang: &str) -> String {
    let section = text
        .split_once(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no heading `{heading}`"))
        .1;
    let body = section
        .split_once(&format!("```{lang}\n"))
        .unwrap_or_else(|| panic!("no {lang} block after `{heading}`"))
        .1;
    body.split_once("```\n")
        .unwrap_or_else(|| panic!("unclosed block after `{heading}`"))
        .0
        .to_owned()
}

fn complete_example() -> String {
    block(&readme(), "## A complete example", "yaml")
}

#[test]
fn the_complete_example_is_a_valid_vendor() {
    let example = complete_example();
    assert!(example.starts_with("# yaml-language-server: $schema=schema.json\n"));
    let catalog = support::load("readme", &[("acme.yaml", example.as_bytes())])
        .unwrap_or_else(|ds| panic!("the README's example has problems:\n{}", ds.render()));
    let acme = &catalog.vendors[0];
    assert_eq!(acme.codes.len(), 5);
    assert!(acme.retry.max_attempts.documented);
}

#[test]
fn the_diagnostic_shown_is_the_one_printed() {
    let example = complete_example();
    assert_eq!(example.matches(TEMPLATE).count(), 1, "{TEMPLATE}");
    let broken = example.replace(TEMPLATE, BROKEN);
    let printed = match support::load("readme-broken", &[("acme.yaml", broken.as_bytes())]) {
        Ok(_) => panic!("the broken example loaded"),
        Err(ds) => ds.render(),
    };
    let shown = block(&readme(), "## What a diagnostic looks like", "console");
    let shown = shown
        .strip_prefix("$ cargo xtask codegen\n")
        .expect("the block starts with the command");
    assert_eq!(shown, printed);
    assert!(readme().contains(&format!("(`{BROKEN}`)")));
}

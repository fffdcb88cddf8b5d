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

/// The backticked words of the README's bullet that starts with `lead`.
fn listed(text: &str, lead: &str) -> Vec<String> {
    let bullet = text
        .split_once(lead)
        .unwrap_or_else(|| panic!("no bullet `{lead}`"))
        .1;
    let bullet = bullet.split("\n- ").next().unwrap_or_default();
    let inside = bullet
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map_or("", |(inside, _)| inside);
    inside
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_reserved_ids_the_readme_lists_are_the_ones_refused() {
    let text = readme();
    let mut modules = listed(
        &text,
        "- is not a module name the `errcat` crate already uses",
    );
    modules.sort();
    let mut reserved: Vec<String> = errcat_codegen::names::RESERVED_MODULES
        .iter()
        .map(|m| (*m).to_owned())
        .collect();
    reserved.sort();
    assert_eq!(modules, reserved);
    let pages = listed(
        &text,
        "- is not the name of a docs page every vendor shares",
    );
    let stems: Vec<String> = errcat_codegen::emit::docs::PAGES
        .iter()
        .map(|p| p.trim_end_matches(".md").to_owned())
        .collect();
    assert_eq!(pages, stems);
    for id in modules.iter().chain(&pages) {
        let id = id.to_ascii_lowercase();
        if id.chars().all(|c| c.is_ascii_lowercase()) {
            assert!(
                errcat_codegen::names::check_vendor_id(&id).is_err(),
                "`{id}` is listed as reserved but accepted"
            );
        }
    }
}

//! The README's walk-through, run step by step on a temporary copy of the workspace.
//!
//! Every ```` ```console ```` block of README.md is a list of `$ cargo xtask ...`
//! commands, each followed by its expected output (stdout, then stderr). `[..]`
//! in an expected line matches any text. A comment
//! `<!-- readme-test: replace FILE "OLD" "NEW" -->` edits a file of the copy
//! between steps, standing in for a person editing the catalog, and
//! `<!-- readme-test: commit "MESSAGE" -->` commits the copy (a git repository
//! whose first commit holds the copied workspace). A step whose
//! output has a line starting with `error:` must exit non-zero; any other must
//! exit 0.

mod support;

use support::TempWorkspace;

enum Step {
    Run {
        command: String,
        expected: Vec<String>,
    },
    Replace {
        file: String,
        old: String,
        new: String,
    },
    Commit {
        message: String,
    },
}

/// Splits a command line into words: double quotes group, `\` escapes inside them.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quoted = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                in_word = true;
            }
            '\\' if quoted => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            ' ' if !quoted => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

fn steps(readme: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut in_console = false;
    for line in readme.lines() {
        if let Some(rest) = line.strip_prefix("<!-- readme-test: commit ") {
            let w = words(rest.trim_end_matches("-->").trim());
            assert_eq!(w.len(), 1, "readme-test commit takes MESSAGE: {line}");
            steps.push(Step::Commit {
                message: w[0].clone(),
            });
        } else if let Some(rest) = line.strip_prefix("<!-- readme-test: replace ") {
            let w = words(rest.trim_end_matches("-->").trim());
            assert_eq!(w.len(), 3, "readme-test replace takes FILE OLD NEW: {line}");
            steps.push(Step::Replace {
                file: w[0].clone(),
                old: w[1].clone(),
                new: w[2].clone(),
            });
        } else if line == "```console" {
            in_console = true;
        } else if in_console && line == "```" {
            in_console = false;
        } else if in_console {
            if let Some(cmd) = line.strip_prefix("$ ") {
                steps.push(Step::Run {
                    command: cmd.to_owned(),
                    expected: Vec::new(),
                });
            } else if let Some(Step::Run { expected, .. }) = steps.last_mut() {
                expected.push(line.to_owned());
            }
        }
    }
    steps
}

/// True when `actual` matches `pattern`, where `[..]` matches any text.
fn matches(pattern: &str, actual: &str) -> bool {
    let parts: Vec<&str> = pattern.split("[..]").collect();
    if parts.len() == 1 {
        return pattern == actual;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !actual.starts_with(first)
        || !actual.ends_with(last)
        || actual.len() < first.len() + last.len()
    {
        return false;
    }
    let mut rest = &actual[first.len()..actual.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[test]
fn readme_walkthrough_runs_as_written() {
    let readme =
        std::fs::read_to_string(support::workspace().join("README.md")).expect("README.md");
    let steps = steps(&readme);
    let runs = steps
        .iter()
        .filter(|s| matches!(s, Step::Run { .. }))
        .count();
    assert!(runs >= 6, "the walk-through has only {runs} commands");
    let ws = TempWorkspace::new("readme");
    ws.commit_all("the workspace");
    let mut failures = Vec::new();
    for step in &steps {
        match step {
            Step::Commit { message } => ws.commit_all(message),
            Step::Replace { file, old, new } => {
                let text = ws.read(file);
                assert!(
                    text.contains(old.as_str()),
                    "{file} does not contain {old:?}"
                );
                ws.write(file, &text.replacen(old.as_str(), new, 1));
            }
            Step::Run { command, expected } => {
                let w = words(command);
                assert!(
                    w.len() >= 2 && w[0] == "cargo" && w[1] == "xtask",
                    "not a cargo xtask command: {command}"
                );
                let args: Vec<&str> = w[2..].iter().map(String::as_str).collect();
                let (code, stdout, stderr) = ws.xtask(&args);
                let actual: Vec<&str> = stdout.lines().chain(stderr.lines()).collect();
                let same = actual.len() == expected.len()
                    && expected.iter().zip(&actual).all(|(e, a)| matches(e, a));
                let wants_error = expected.iter().any(|l| l.starts_with("error:"));
                if !same || wants_error != (code != 0) {
                    failures.push(format!(
                        "$ {command}\n--- expected (exit {}):\n{}\n--- actual (exit {code}):\n{}",
                        if wants_error { "non-zero" } else { "0" },
                        expected.join("\n"),
                        actual.join("\n")
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "README.md and the tool disagree:\n\n{}",
        failures.join("\n\n")
    );
}

/// The README's `mdbook build ...` command, from its `sh` blocks, as words.
fn mdbook_command(readme: &str) -> Vec<String> {
    let line = readme
        .lines()
        .map(|l| l.split(" #").next().unwrap_or("").trim())
        .find(|l| l.starts_with("mdbook build"))
        .expect("README.md gives an `mdbook build` command");
    words(line)
}

/// The `href`s and `id`s of an HTML page, as written.
fn attributes<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let key = format!(" {name}=\"");
    html.match_indices(&key)
        .filter_map(|(i, _)| {
            let rest = &html[i + key.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// Where mdbook is installed (CI installs it; elsewhere the test says it did
/// not run), the README's command builds the generated docs with no warning,
/// and every link between the book's pages reaches a page and an anchor on it.
#[test]
fn readme_mdbook_command_builds_the_book() {
    let readme =
        std::fs::read_to_string(support::workspace().join("README.md")).expect("README.md");
    let command = mdbook_command(&readme);
    assert_eq!(command[..2], ["mdbook", "build"], "{command:?}");
    let installed = std::process::Command::new("mdbook")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        assert!(
            std::env::var_os("CI").is_none(),
            "mdbook is not installed, and CI must run this test (.ci/run installs it)"
        );
        // Written to the terminal itself, past the test harness's capture, so
        // that a run without mdbook says what it did not check.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"note: mdbook is not installed, so the README's `mdbook build` command was not run \
              (the README says how to install it)\n",
        );
        return;
    }
    let ws = TempWorkspace::new("mdbook");
    let out = std::process::Command::new(&command[0])
        .args(&command[1..])
        .current_dir(&ws.root)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run mdbook");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{command:?} failed:\n{stderr}");
    assert!(
        !stderr.contains("WARN") && !stderr.contains("ERROR"),
        "{command:?} warned:\n{stderr}"
    );
    // The book goes outside the docs folder, where the workspace ignores it.
    let book = ws.path("target/book");
    assert!(book.join("index.html").is_file(), "no book in target/book");
    assert!(
        !ws.path("generated/docs/book").exists(),
        "mdbook wrote into the docs folder"
    );

    let pages: std::collections::BTreeMap<String, String> = std::fs::read_dir(&book)
        .expect("read the book")
        .map(|e| {
            e.expect("list the book")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".html"))
        .map(|n| {
            let html = std::fs::read_to_string(book.join(&n)).expect("read a page");
            (n, html)
        })
        .collect();
    let mut checked = 0;
    let mut broken = Vec::new();
    for (name, html) in &pages {
        for href in attributes(html, "href") {
            if href.contains("://") || href.starts_with("mailto:") {
                continue;
            }
            let (file, fragment) = href.split_once('#').unwrap_or((href, ""));
            let file = if file.is_empty() { name.as_str() } else { file };
            if !file.ends_with(".html") || file.contains('/') {
                continue;
            }
            checked += 1;
            match pages.get(file) {
                None => broken.push(format!("{name}: {href}: no page {file}")),
                Some(target) if !fragment.is_empty() => {
                    if !attributes(target, "id").contains(&fragment) {
                        broken.push(format!("{name}: {href}: no anchor #{fragment} on {file}"));
                    }
                }
                Some(_) => {}
            }
        }
    }
    assert!(checked > 100, "only {checked} internal links in the book");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn wildcard_matching() {
    assert!(matches("in [..]", "in 12.3ms"));
    assert!(matches("a [..] b [..] c", "a 1 b 2 c"));
    assert!(!matches("a [..] c", "a 1 b"));
    assert!(!matches("exact", "exact!"));
    assert_eq!(
        mdbook_command("```sh\nmdbook build generated/docs    # a comment\n```\n"),
        ["mdbook", "build", "generated/docs"]
    );
    assert_eq!(
        attributes(r#"<a href="a.html#x" id="y">"#, "href"),
        ["a.html#x"]
    );
    assert_eq!(
        words(r#"x "a b" "c \"d\"" e"#),
        ["x", "a b", "c \"d\"", "e"]
    );
}

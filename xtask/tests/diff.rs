//! `cargo xtask diff` on a git repository holding the real catalog: each kind of
//! change is made on top of one commit and the report is checked in all three
//! formats against the files in `tests/diff/` (`UPDATE_EXPECT=1` rewrites them).

mod support;

use std::fs;
use std::path::Path;

use support::TempWorkspace;

/// A change to make to the committed catalog, and what the diff must say about it.
struct Case {
    name: &'static str,
    edit: fn(&TempWorkspace),
    /// The class and change id of every change reported, in order.
    classes: &'static [(&'static str, &'static str)],
    exit: i32,
}

/// Replaces `old` with `new` in the entry of `code` in `catalog/pentify.yaml`.
fn edit_entry(ws: &TempWorkspace, code: &str, old: &str, new: &str) {
    let text = ws.read("catalog/pentify.yaml");
    let start = text
        .find(&format!("  - code: {code}\n"))
        .unwrap_or_else(|| panic!("no entry `{code}`"));
    let end = text[start + 4..]
        .find("\n  - code: ")
        .map_or(text.len(), |i| start + 4 + i + 1);
    let entry = &text[start..end];
    assert!(entry.contains(old), "entry `{code}` lacks {old:?}");
    let edited = format!(
        "{}{}{}",
        &text[..start],
        entry.replacen(old, new, 1),
        &text[end..]
    );
    ws.write("catalog/pentify.yaml", &edited);
}

fn replace(ws: &TempWorkspace, file: &str, old: &str, new: &str) {
    let text = ws.read(file);
    assert!(text.contains(old), "{file} lacks {old:?}");
    ws.write(file, &text.replacen(old, new, 1));
}

const SCOPE: &str = "  - code: insufficient_scope\n";

const CASES: &[Case] = &[
    Case {
        name: "no-change",
        edit: |_| {},
        classes: &[],
        exit: 0,
    },
    Case {
        name: "remove-code",
        edit: remove_entry,
        classes: &[("breaking", "code_removed")],
        exit: 1,
    },
    Case {
        name: "rename-code",
        edit: |ws| {
            replace(
                ws,
                "catalog/pentify.yaml",
                SCOPE,
                "  - code: scope_missing\n",
            )
        },
        classes: &[("breaking", "code_renamed")],
        exit: 1,
    },
    Case {
        name: "add-alias",
        edit: |ws| {
            replace(
                ws,
                "catalog/pentify.yaml",
                SCOPE,
                "  - code: insufficient_scope\n    aliases: [INSUFFICIENT_SCOPE, missing_scope]\n",
            )
        },
        classes: &[("additive", "alias_added"), ("additive", "alias_added")],
        exit: 0,
    },
    Case {
        name: "change-retry-rule",
        edit: |ws| edit_entry(ws, "server_error", "retry: backoff", "retry: never"),
        classes: &[("behaviour", "changed")],
        exit: 0,
    },
    Case {
        name: "change-backoff",
        edit: |ws| {
            replace(ws, "catalog/pentify.yaml", "initial: 1s", "initial: 2s");
            replace(
                ws,
                "catalog/pentify.yaml",
                "max_attempts: 5",
                "max_attempts: 4",
            );
        },
        classes: &[("behaviour", "changed"), ("behaviour", "changed")],
        exit: 0,
    },
    Case {
        name: "change-max-server-delay",
        edit: |ws| {
            replace(
                ws,
                "catalog/pentify.yaml",
                "max_server_delay: 30s",
                "max_server_delay: 1m",
            )
        },
        classes: &[("behaviour", "changed")],
        exit: 0,
    },
    Case {
        name: "change-retry-any-method",
        edit: |ws| {
            replace(
                ws,
                "catalog/vantaprism.yaml",
                "    retry_any_method: true\n",
                "",
            )
        },
        classes: &[("behaviour", "changed")],
        exit: 0,
    },
    Case {
        name: "add-code",
        edit: |ws| {
            let mut text = ws.read("catalog/pentify.yaml");
            text.push_str(
                "  - code: scan_quota_exceeded\n    status: 429\n    kind: quota_exhausted\n    \
                 meaning: \"The monthly scan quota is used up.\"\n    retry: never\n",
            );
            ws.write("catalog/pentify.yaml", &text);
        },
        classes: &[("additive", "code_added")],
        exit: 0,
    },
    Case {
        name: "change-meaning",
        edit: |ws| {
            edit_entry(
                ws,
                "insufficient_scope",
                "Key lacks the scope this endpoint needs.",
                "The key lacks a scope this endpoint needs.",
            )
        },
        classes: &[("text", "changed")],
        exit: 0,
    },
    Case {
        name: "deprecate-with-replacement",
        edit: |ws| {
            replace(
                ws,
                "catalog/pentify.yaml",
                SCOPE,
                "  - code: insufficient_scope\n    deprecated: {since: \"2026-01\", why: \"Scopes merged into key validation.\", replacement: invalid_api_key}\n",
            )
        },
        classes: &[("additive", "code_deprecated")],
        exit: 0,
    },
    Case {
        name: "mark-removed",
        edit: |ws| {
            replace(
                ws,
                "catalog/pentify.yaml",
                SCOPE,
                "  - code: insufficient_scope\n    removed: {since: \"2026-02\", why: \"No longer sent.\"}\n",
            )
        },
        classes: &[("additive", "code_marked_removed")],
        exit: 0,
    },
    Case {
        name: "rename-go-constant",
        edit: |ws| {
            edit_entry(
                ws,
                "insufficient_tokens",
                "go: pentify.CodeInsufficientTokens",
                "go: pentify.CodeOutOfTokens",
            )
        },
        classes: &[("breaking", "changed"), ("text", "changed")],
        exit: 0,
    },
    Case {
        name: "rename-vendor-file",
        edit: |ws| {
            fs::rename(
                ws.path("catalog/pentify.yaml"),
                ws.path("catalog/pentify-v2.yaml"),
            )
            .unwrap()
        },
        classes: &[("breaking", "vendor_removed"), ("additive", "vendor_added")],
        exit: 1,
    },
];

/// Deletes the entry of `insufficient_scope` from `catalog/pentify.yaml`.
fn remove_entry(ws: &TempWorkspace) {
    let text = ws.read("catalog/pentify.yaml");
    let start = text.find(SCOPE).expect("the entry");
    let end = start
        + 4
        + text[start + 4..]
            .find("\n  - code: ")
            .expect("a next entry")
        + 1;
    ws.write(
        "catalog/pentify.yaml",
        &format!("{}{}", &text[..start], &text[end..]),
    );
}

/// Compares `actual` with the expected file, or rewrites it under `UPDATE_EXPECT=1`.
fn expect(file: &str, actual: &str, failures: &mut Vec<String>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/diff")
        .join(file);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        failures.push(format!(
            "{file} differs (UPDATE_EXPECT=1 rewrites it):\n--- expected\n{expected}\n--- actual\n{actual}"
        ));
    }
}

#[test]
fn each_kind_of_change_is_classified_and_reported_in_every_format() {
    let ws = TempWorkspace::new("diff");
    ws.commit_all("the catalog");
    let originals: Vec<(String, String)> = fs::read_dir(ws.path("catalog"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .map(|name| {
            let text = ws.read(&format!("catalog/{name}"));
            (name, text)
        })
        .collect();
    let mut failures = Vec::new();
    for case in CASES {
        // Back to the committed catalog, then this case's change.
        let _ = fs::remove_file(ws.path("catalog/pentify-v2.yaml"));
        for (name, text) in &originals {
            ws.write(&format!("catalog/{name}"), text);
        }
        (case.edit)(&ws);

        let (code, stdout, stderr) = ws.xtask(&["diff"]);
        let mut text = stdout;
        text.push_str(&stderr);
        text.push_str(&format!("exit {code}\n"));
        expect(&format!("{}.txt", case.name), &text, &mut failures);
        if code != case.exit {
            failures.push(format!(
                "{}: exit {code}, expected {}",
                case.name, case.exit
            ));
        }

        let (code_md, markdown, _) = ws.xtask(&["diff", "--format", "markdown"]);
        expect(&format!("{}.md", case.name), &markdown, &mut failures);
        let (code_json, json, _) = ws.xtask(&["diff", "--base", "HEAD", "--format", "json"]);
        expect(&format!("{}.json", case.name), &json, &mut failures);
        assert_eq!((code_md, code_json), (code, code), "{}", case.name);

        let doc: serde_json::Value = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("{}: the JSON does not parse: {e}\n{json}", case.name));
        let classes: Vec<(&str, &str)> = doc["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["class"].as_str().unwrap(), c["change"].as_str().unwrap()))
            .collect();
        if classes != case.classes {
            failures.push(format!(
                "{}: classified as {classes:?}, expected {:?}",
                case.name, case.classes
            ));
        }
        let unannounced = doc["unannounced"].as_u64().unwrap();
        assert_eq!(unannounced > 0, case.exit == 1, "{}", case.name);
    }
    // The working tree and the index were only read.
    let status = ws.git(&["status", "--porcelain"]);
    assert_eq!(
        status, " D catalog/pentify.yaml\n?? catalog/pentify-v2.yaml\n",
        "the diff changed the index"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn an_older_revision_can_be_the_base() {
    let ws = TempWorkspace::new("diff-base");
    ws.commit_all("the catalog");
    edit_entry(&ws, "server_error", "retry: backoff", "retry: never");
    ws.commit_all("server_error is not retried");
    let (code, stdout, stderr) = ws.xtask(&["diff", "--base", "HEAD~1"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("  pentify server_error: retry: backoff -> never\n"),
        "{stdout}"
    );
    let (code, stdout, _) = ws.xtask(&["diff"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("no changes"), "{stdout}");
}

#[test]
fn outside_a_git_repository_the_diff_says_so() {
    let ws = TempWorkspace::new("diff-nogit");
    let (code, stdout, stderr) = ws.xtask(&["diff"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains("is not in a git repository"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_revision_is_named() {
    let ws = TempWorkspace::new("diff-rev");
    ws.commit_all("the catalog");
    for rev in ["no-such-branch", "HEAD~5"] {
        let (code, stdout, stderr) = ws.xtask(&["diff", "--base", rev]);
        assert_eq!(code, 2, "{rev}: {stdout}{stderr}");
        assert_eq!(
            stderr,
            format!(
                "error: unknown revision `{rev}`: no commit of this repository has that name; \
                 pass a commit, branch or tag, e.g. `--base HEAD~1`\n"
            )
        );
    }
}

#[test]
fn the_json_shown_in_the_catalog_readme_is_real_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let readme = fs::read_to_string(root.join("catalog/README.md")).unwrap();
    let json = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff/change-retry-rule.json"),
    )
    .unwrap();
    assert!(
        readme.contains(&format!("```json\n{json}```\n")),
        "catalog/README.md does not show tests/diff/change-retry-rule.json as it is"
    );
}

#[test]
fn dropping_an_alias_breaks_without_notice_and_exits_1() {
    let ws = TempWorkspace::new("diff-alias");
    replace(
        &ws,
        "catalog/pentify.yaml",
        SCOPE,
        "  - code: insufficient_scope\n    aliases: [INSUFFICIENT_SCOPE]\n",
    );
    ws.commit_all("an alias");
    replace(
        &ws,
        "catalog/pentify.yaml",
        "    aliases: [INSUFFICIENT_SCOPE]\n",
        "",
    );
    let (code, stdout, stderr) = ws.xtask(&["diff", "--format", "json"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["changes"][0]["change"], "alias_removed");
    assert_eq!(doc["changes"][0]["unannounced"], true);
    assert_eq!(doc["unannounced"], 1);
    assert!(
        stderr.contains("a vendor, code or alias without notice"),
        "{stderr}"
    );
}

#[test]
fn a_base_that_fails_validation_exits_3_and_says_so() {
    let ws = TempWorkspace::new("diff-invalid-base");
    replace(
        &ws,
        "catalog/pentify.yaml",
        "kind: rate_limited",
        "kind: rate_limted",
    );
    ws.commit_all("a misspelt kind");
    replace(
        &ws,
        "catalog/pentify.yaml",
        "kind: rate_limted",
        "kind: rate_limited",
    );
    let (code, stdout, stderr) = ws.xtask(&["diff"]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.starts_with(
            "error: the catalog at `HEAD` does not pass today's validation, so nothing was compared"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("HEAD:catalog/pentify.yaml:"), "{stderr}");
    assert!(stderr.contains("rate_limted"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_in_the_base_is_named_as_one() {
    let ws = TempWorkspace::new("diff-symlink-base");
    std::os::unix::fs::symlink("pentify.yaml", ws.path("catalog/linked.yaml")).unwrap();
    ws.commit_all("a link");
    fs::remove_file(ws.path("catalog/linked.yaml")).unwrap();
    let (code, stdout, stderr) = ws.xtask(&["diff"]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(
        stderr.contains(
            "HEAD:catalog/linked.yaml:1:1: the file is a symbolic link, not a regular file, so it is not read"
        ),
        "{stderr}"
    );
}

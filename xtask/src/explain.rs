//! `cargo xtask explain`: everything the catalog knows about a code, for a support engineer.

use std::fmt::Write as _;

use errcat_codegen::diag::did_you_mean;
use errcat_codegen::emit::{docs, go};
use errcat_codegen::ir::{Catalog, Code, Condition, Rule, Vendor};

/// The explanation of `code`, in `vendor` or in every vendor that has it;
/// given only a vendor id that is no code, the list of that vendor's codes.
/// `Err` says what was not found and suggests close spellings.
pub fn run(catalog: &Catalog, vendor: Option<&str>, code: &str) -> Result<String, String> {
    if vendor.is_none()
        && let Some(v) = catalog.vendors.iter().find(|v| v.id == code)
        && !catalog
            .vendors
            .iter()
            .any(|v| v.codes.iter().any(|c| c.code.eq_ignore_ascii_case(code)))
    {
        return Ok(list(v));
    }
    let vendors: Vec<&Vendor> = match vendor {
        Some(id) => match catalog.vendors.iter().find(|v| v.id == id) {
            Some(v) => vec![v],
            None => {
                let ids: Vec<&str> = catalog.vendors.iter().map(|v| v.id.as_str()).collect();
                return Err(format!("no vendor `{id}`{}", did_you_mean(id, &ids)));
            }
        },
        None => catalog.vendors.iter().collect(),
    };
    // The code as written, then another spelling the vendor sends (an alias),
    // then the code in another case, which is the same code to a support engineer.
    let tests: [&dyn Fn(&Code) -> bool; 3] = [
        &|c| c.code == code,
        &|c| c.aliases.iter().any(|a| a == code),
        &|c| c.code.eq_ignore_ascii_case(code),
    ];
    let hits: Vec<(&Vendor, &Code)> = tests
        .iter()
        .map(|test| {
            vendors
                .iter()
                .flat_map(|v| v.codes.iter().filter(|c| test(c)).map(move |c| (*v, c)))
                .collect::<Vec<_>>()
        })
        .find(|hits| !hits.is_empty())
        .unwrap_or_default();
    if hits.is_empty() {
        let mut known: Vec<&str> = vendors
            .iter()
            .flat_map(|v| v.codes.iter().map(|c| c.code.as_str()))
            .collect();
        if vendor.is_none() {
            known.extend(catalog.vendors.iter().map(|v| v.id.as_str()));
        }
        let suggestion = did_you_mean(code, &known);
        // A word that could be a vendor id is looked for as one too: say so,
        // and which vendors there are, rather than only that no code has that name.
        let could_be_vendor = code.starts_with(|c: char| c.is_ascii_lowercase())
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if vendor.is_none() && could_be_vendor {
            let ids: Vec<&str> = catalog.vendors.iter().map(|v| v.id.as_str()).collect();
            return Err(if suggestion.is_empty() {
                format!(
                    "no vendor or code `{code}` in the catalog; its vendors are {}",
                    ids.join(", ")
                )
            } else {
                format!("no vendor or code `{code}` in the catalog{suggestion}")
            });
        }
        let place = vendor.map_or_else(|| "any vendor".to_owned(), |v| format!("`{v}`"));
        return Err(format!("no code `{code}` in {place}{suggestion}"));
    }
    Ok(hits
        .iter()
        .map(|(v, c)| explain(v, c))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// A vendor's codes, one a line: code, status and kind, aligned.
pub fn list(v: &Vendor) -> String {
    let mut s = format!(
        "{} ({}): {} code{}\n",
        v.id,
        v.name,
        v.codes.len(),
        if v.codes.len() == 1 { "" } else { "s" }
    );
    let width = v
        .codes
        .iter()
        .map(|c| c.code.chars().count())
        .max()
        .unwrap_or(0);
    for c in &v.codes {
        let statuses: Vec<String> = c.statuses.iter().map(u16::to_string).collect();
        let _ = writeln!(
            s,
            "  {:<width$}  {:<9}  {}",
            c.code,
            statuses.join(" / "),
            c.kind.id()
        );
    }
    let _ = writeln!(s, "`cargo xtask explain {} <code>` explains one.", v.id);
    s
}

/// One code, as aligned `label: value` lines.
pub fn explain(v: &Vendor, c: &Code) -> String {
    let mut s = format!("{} {} ({})\n", v.id, c.code, v.name);
    let mut line = |label: &str, value: &str| {
        let mut lines = value.lines();
        let _ = writeln!(s, "  {label:<11} {}", lines.next().unwrap_or(""));
        for more in lines {
            let _ = writeln!(s, "  {:<11} {more}", "");
        }
    };
    let statuses: Vec<String> = c.statuses.iter().map(u16::to_string).collect();
    line("status:", &statuses.join(" / "));
    line(
        "kind:",
        &format!("{} (google.rpc {})", c.kind.id(), c.kind.grpc()),
    );
    line("meaning:", &c.meaning);
    if let Some(m) = &c.message {
        line("message:", m);
    }
    if let Some(r) = &c.resolution {
        line("resolution:", r);
    }
    if let Some(cat) = c.category.and_then(|i| v.categories.get(i)) {
        line("category:", &cat.name);
    }
    if let Some(t) = &c.error_type {
        line("type:", t);
    }
    if !c.subcodes.is_empty() {
        let subcodes: Vec<&str> = c.subcodes.iter().map(|(sc, _)| sc.as_str()).collect();
        line("sub-codes:", &subcodes.join(", "));
    }
    line("retry:", &docs::retry_in_full(v, &c.retry, str::to_owned));
    if let Some(ms) = c.min_delay_ms {
        line(
            "min delay:",
            &format!("{}: a retry waits at least this long", docs::duration(ms)),
        );
    }
    if !c.conditions.is_empty() {
        let conds: Vec<String> = c.conditions.iter().map(condition_words).collect();
        line(
            "match:",
            &format!(
                "without a readable code, this code when {} (tried in catalog order)",
                conds.join(", and ")
            ),
        );
    }
    line("fallback:", &fallback_words(v, c));
    let server_error = c.statuses.iter().any(|s| *s >= 500);
    let retried = matches!(c.retry, Rule::Backoff | Rule::RetryAfter | Rule::Idempotent);
    if c.retry_any_method && retried {
        line(
            "",
            "whatever the HTTP method: the reference declares the code safe to retry",
        );
    } else if server_error && matches!(c.retry, Rule::Backoff | Rule::RetryAfter) {
        let mut safe = v.retry.safe_methods.value.join(", ");
        if let Some(key) = &v.retry.idempotency_key {
            let _ = write!(safe, ", or any request carrying {key}");
        }
        line(
            "",
            &format!("as a server error, only when the request is safe to repeat: {safe}"),
        );
    }
    if retried {
        line("limits:", docs::LIMITS_NOTE);
    }
    if !c.sdk.is_empty() {
        let names: Vec<String> = c.sdk.iter().map(|(l, n)| format!("{l} {n}")).collect();
        line("sdk:", &names.join(", "));
    }
    if !c.aliases.is_empty() {
        line("also sent:", &c.aliases.join(", "));
    }
    line(
        "go:",
        &format!(
            "{}.{} (import \"{}/{}\")",
            go::package(&v.id),
            go::code_name(v, c),
            go::MODULE,
            go::package(&v.id)
        ),
    );
    if let Some(note) = c.deprecation_note() {
        line(
            if c.removed.is_some() {
                "removed:"
            } else {
                "deprecated:"
            },
            &note,
        );
    }
    if let Some(r) = c.replacement().and_then(|r| v.code(r)) {
        let mut text = format!("{} ({})", r.code, docs_link(v, r));
        // A replacement that is itself deprecated: recommend where the chain ends.
        if let Some(last) = errcat_codegen::replacements::end(v, c).filter(|l| l.code != r.code) {
            text = format!("{} ({}), by way of {text}", last.code, docs_link(v, last));
        }
        line("replaced:", &text);
    }
    line("docs:", &docs_link(v, c));
    s
}

/// A `match` condition in plain words.
fn condition_words(c: &Condition) -> String {
    match c {
        Condition::HeaderEquals(name, value) => format!("header {name} equals \"{value}\""),
        Condition::HeaderPresent(name) => format!("header {name} is present"),
        Condition::MessageContains(text) => {
            format!("the message contains \"{text}\" (any case)")
        }
    }
}

/// Which statuses make a body without a readable code this code, and what
/// every other status without a readable code is.
fn fallback_words(v: &Vendor, c: &Code) -> String {
    let mine: Vec<String> = v
        .status_fallbacks()
        .into_iter()
        .filter(|(_, i)| v.codes.get(*i).is_some_and(|x| std::ptr::eq(x, c)))
        .map(|(s, _)| s.to_string())
        .collect();
    let all: Vec<String> = v
        .status_fallbacks()
        .into_iter()
        .map(|(s, i)| format!("{s} is {}", v.codes[i].code))
        .collect();
    if all.is_empty() && c.conditions.is_empty() {
        return "none: this vendor has no fallback, so a response without a readable code is an unknown code"
            .to_owned();
    }
    let others = if all.is_empty() {
        "no status of this vendor has a fallback".to_owned()
    } else {
        format!("this vendor's fallbacks: {}", all.join(", "))
    };
    let head = if !mine.is_empty() {
        format!(
            "a body without a readable code at status {} is this code",
            mine.join(" / ")
        )
    } else if c.conditions.is_empty() {
        "none: a body without a readable code is never this code".to_owned()
    } else {
        "none: a body without a readable code is this code only by `match`".to_owned()
    };
    format!("{head}\n{others}; any other is an unknown code")
}

/// Where a code's section is: the published URL when the catalog gives one, else the generated page.
fn docs_link(v: &Vendor, c: &Code) -> String {
    v.code_url(c)
        .unwrap_or_else(|| format!("generated/docs/{}.md#{}", v.id, c.anchor))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lifecycle_catalog() -> Catalog {
        catalog_of(LIFECYCLE)
    }

    fn catalog_of(text: &str) -> Catalog {
        let source = errcat_codegen::load::Source {
            file_name: "acme.yaml".into(),
            bytes: text.as_bytes().to_vec(),
        };
        errcat_codegen::catalog_from_sources("catalog", &[source])
            .unwrap_or_else(|d| panic!("{}", d.render()))
    }

    const LIFECYCLE: &str = r#"name: Acme
summary: "Errors."
source: https://docs.acme.test/errors
docs_url: https://errors.acme.test/
envelope:
  code: /error/code
  message: /error/message
  example: '{"error": {"code": "not_found", "message": "m"}}'
errors:
  - code: not_found
    status: 404
    kind: not_found
    meaning: "Not there."
    retry: never
    aliases: [missing]
  - code: gone
    status: 410
    kind: not_found
    meaning: "Gone."
    retry: never
    deprecated: {since: "2024-01", why: "Merged.", replacement: not_found}
    removed: {since: "2025-01", why: "No longer sent."}
"#;

    #[test]
    fn a_code_told_apart_by_match_says_how_and_which_statuses_fall_back() {
        let text = r#"name: Hub
summary: "Errors."
source: https://docs.hub.test/errors
envelope:
  code: /code
  message: /message
  example: '{"code": "forbidden", "message": "m"}'
rate_limit_headers:
  - {name: x-ratelimit-reset, role: reset, format: epoch_seconds}
errors:
  - code: forbidden
    status: 403
    kind: permission_denied
    meaning: "No access."
    retry: never
    fallback: true
  - code: secondary_rate_limit
    status: 403
    kind: rate_limited
    meaning: "Too fast."
    retry: until_reset
    min_delay: 60s
    match:
      - message_contains: "secondary rate limit"
"#;
        let source = errcat_codegen::load::Source {
            file_name: "hub.yaml".into(),
            bytes: text.as_bytes().to_vec(),
        };
        let catalog = errcat_codegen::catalog_from_sources("catalog", &[source])
            .unwrap_or_else(|d| panic!("{}", d.render()));
        let out = run(&catalog, Some("hub"), "secondary_rate_limit").unwrap();
        assert!(
            out.contains("  min delay:  1 m") || out.contains("  min delay:  60 s"),
            "{out}"
        );
        assert!(
            out.contains("the message contains \"secondary rate limit\" (any case)"),
            "{out}"
        );
        assert!(
            out.contains(
                "  fallback:   none: a body without a readable code is this code only by `match`\n"
            ),
            "{out}"
        );
        assert!(
            out.contains("this vendor's fallbacks: 403 is forbidden; any other is an unknown code"),
            "{out}"
        );
        let out = run(&catalog, Some("hub"), "forbidden").unwrap();
        assert!(
            out.contains(
                "  fallback:   a body without a readable code at status 403 is this code\n"
            ),
            "{out}"
        );
        assert!(!out.contains("match:"), "{out}");
    }

    #[test]
    fn an_alias_finds_its_code() {
        let out = run(&lifecycle_catalog(), None, "missing").unwrap();
        assert!(out.starts_with("acme not_found (Acme)\n"), "{out}");
        assert!(out.contains("  also sent:  missing\n"), "{out}");
        assert!(
            out.contains("  docs:       https://errors.acme.test/acme.html#not_found\n"),
            "{out}"
        );
    }

    #[test]
    fn a_removed_code_names_its_replacement() {
        let out = run(&lifecycle_catalog(), Some("acme"), "gone").unwrap();
        assert!(
            out.contains(
                "  removed:    Removed since 2025-01: No longer sent. Deprecated since 2024-01: Merged. \
                 Use `not_found` instead.\n"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "  replaced:   not_found (https://errors.acme.test/acme.html#not_found)\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn a_replacement_that_is_itself_deprecated_recommends_where_the_chain_ends() {
        let text = LIFECYCLE.replace(
            "    aliases: [missing]\n",
            "    aliases: [missing]\n    deprecated: {since: \"2025-02\", why: \"Split.\", replacement: absent}\n  - code: absent\n    status: 404\n    kind: not_found\n    meaning: \"Absent.\"\n    retry: never\n",
        );
        let catalog = catalog_of(&text);
        let out = run(&catalog, Some("acme"), "gone").unwrap();
        assert!(
            out.contains(
                "  replaced:   absent (https://errors.acme.test/acme.html#absent), \
                 by way of not_found (https://errors.acme.test/acme.html#not_found)\n"
            ),
            "{out}"
        );
        assert_eq!(
            errcat_codegen::replacements::warnings("catalog", &catalog),
            [
                "catalog/acme.yaml: the replacement `not_found` of code `gone` is itself deprecated; \
              its replacements end at `absent`\n  help: name `absent` as the replacement of `gone`"
            ]
        );
        let current = lifecycle_catalog();
        assert!(errcat_codegen::replacements::warnings("catalog", &current).is_empty());
    }

    #[test]
    fn a_vendor_that_is_not_in_the_catalog_is_named_as_a_vendor() {
        let catalog = lifecycle_catalog();
        assert_eq!(
            run(&catalog, None, "stripe").unwrap_err(),
            "no vendor or code `stripe` in the catalog; its vendors are acme"
        );
        assert_eq!(
            run(&catalog, None, "acmee").unwrap_err(),
            "no vendor or code `acmee` in the catalog; did you mean `acme`?"
        );
        assert_eq!(
            run(&catalog, None, "NOT_FOUNDS").unwrap_err(),
            "no code `NOT_FOUNDS` in any vendor; did you mean `not_found`?"
        );
    }
}

//! `cargo xtask explain`: everything the catalog knows about a code, for a support engineer.

use std::fmt::Write as _;

use errcat_codegen::diag::did_you_mean;
use errcat_codegen::emit::docs;
use errcat_codegen::ir::{Catalog, Code, Rule, Vendor};

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
    let mut hits: Vec<(&Vendor, &Code)> = vendors
        .iter()
        .flat_map(|v| {
            v.codes
                .iter()
                .filter(|c| c.code == code)
                .map(move |c| (*v, c))
        })
        .collect();
    if hits.is_empty() {
        // A code given in the other case is the same code to a support engineer.
        hits = vendors
            .iter()
            .flat_map(|v| {
                v.codes
                    .iter()
                    .filter(|c| c.code.eq_ignore_ascii_case(code))
                    .map(move |c| (*v, c))
            })
            .collect();
    }
    if hits.is_empty() {
        let mut known: Vec<&str> = vendors
            .iter()
            .flat_map(|v| v.codes.iter().map(|c| c.code.as_str()))
            .collect();
        if vendor.is_none() {
            known.extend(catalog.vendors.iter().map(|v| v.id.as_str()));
        }
        let place = vendor.map_or_else(|| "any vendor".to_owned(), |v| format!("`{v}`"));
        return Err(format!(
            "no code `{code}` in {place}{}",
            did_you_mean(code, &known)
        ));
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
    line("retry:", &retry_words(v, &c.retry));
    let server_error = c.statuses.iter().any(|s| *s >= 500);
    if server_error && matches!(c.retry, Rule::Backoff | Rule::RetryAfter) {
        let mut safe = v.retry.safe_methods.value.join(", ");
        if let Some(key) = &v.retry.idempotency_key {
            let _ = write!(safe, ", or any request carrying {key}");
        }
        line(
            "",
            &format!("as a server error, only when the request is safe to repeat: {safe}"),
        );
    }
    if !c.sdk.is_empty() {
        let names: Vec<String> = c.sdk.iter().map(|(l, n)| format!("{l} {n}")).collect();
        line("sdk:", &names.join(", "));
    }
    if let Some(d) = &c.deprecated {
        line("deprecated:", d);
    }
    line("docs:", &format!("generated/docs/{}.md#{}", v.id, c.anchor));
    s
}

fn retry_words(v: &Vendor, r: &Rule) -> String {
    let backoff = docs::backoff_line(v);
    let safe = v.retry.safe_methods.value.join(", ");
    match r {
        Rule::Never => "never: retrying the same request cannot help".to_owned(),
        Rule::After(a) => format!("not until: {a}"),
        Rule::Backoff => format!("with backoff: {backoff}"),
        Rule::Idempotent => {
            format!("with backoff, only when the request is safe to repeat ({safe}): {backoff}")
        }
        Rule::RetryAfter => format!(
            "wait what {} says (give up if longer than the cap); without it, backoff: {backoff}",
            v.retry
                .delay_header
                .as_deref()
                .unwrap_or("the delay header")
        ),
    }
}

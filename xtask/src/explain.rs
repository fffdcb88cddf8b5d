//! `cargo xtask explain`: everything the catalog knows about a code, for a support engineer.

use std::fmt::Write as _;

use errcat_codegen::emit::docs;
use errcat_codegen::ir::{Catalog, Code, Rule, Vendor};

/// The explanation of `code`, in `vendor` or in every vendor that has it;
/// `Err` says what was not found and suggests close spellings.
pub fn run(catalog: &Catalog, vendor: Option<&str>, code: &str) -> Result<String, String> {
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
        let known: Vec<&str> = vendors
            .iter()
            .flat_map(|v| v.codes.iter().map(|c| c.code.as_str()))
            .collect();
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
            "wait what {} says ({}); without it, backoff: {backoff}",
            v.retry
                .delay_header
                .as_deref()
                .unwrap_or("the delay header"),
            match v.retry.max_server_delay_ms {
                Some(cap) => format!(
                    "give up if longer than {}, the reference's cap",
                    docs::duration(cap)
                ),
                None => "as given: the reference caps no server delay".to_owned(),
            }
        ),
    }
}

/// `; did you mean `x`?` for the closest candidates, or nothing.
fn did_you_mean(given: &str, candidates: &[&str]) -> String {
    let given_lower = given.to_ascii_lowercase();
    let limit = (given.chars().count() / 4).max(2);
    let mut close: Vec<(usize, &str)> = candidates
        .iter()
        .map(|c| (levenshtein(&given_lower, &c.to_ascii_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .collect();
    close.sort();
    close.dedup_by(|a, b| a.1 == b.1);
    match close.as_slice() {
        [] => String::new(),
        [(_, one)] => format!("; did you mean `{one}`?"),
        many => {
            let names: Vec<String> = many.iter().take(3).map(|(_, c)| format!("`{c}`")).collect();
            format!("; did you mean one of {}?", names.join(", "))
        }
    }
}

/// The edit distance between two strings, in characters.
fn levenshtein(a: &str, b: &str) -> usize {
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
    fn suggestions_name_the_closest_codes() {
        assert_eq!(
            did_you_mean("rate_limitd", &["rate_limited", "not_found"]),
            "; did you mean `rate_limited`?"
        );
        assert_eq!(did_you_mean("zzzzzz", &["rate_limited"]), "");
    }
}

//! `cargo xtask add-code`: appends one entry to a vendor's `errors`, touching no other byte.

use std::path::Path;

use errcat_codegen::load::Source;
use errcat_codegen::{Diagnostics, ir, names};

/// The new entry as given on the command line.
#[derive(Debug, Clone)]
pub struct NewCode {
    /// The vendor id.
    pub vendor: String,
    /// The wire code.
    pub code: String,
    /// HTTP status.
    pub status: u16,
    /// Kind id.
    pub kind: String,
    /// Meaning.
    pub meaning: String,
    /// Retry rule: `never`, `backoff`, `retry_after`, `idempotent` or `after:<action>`.
    pub retry: String,
    /// Message template.
    pub message: Option<String>,
    /// Resolution.
    pub resolution: Option<String>,
}

/// Why `add-code` refused.
#[derive(Debug)]
pub enum Refusal {
    /// A usage problem, said in one line.
    Usage(String),
    /// The file would not validate with the entry added.
    Invalid(Diagnostics),
}

/// A string as a YAML double-quoted scalar (JSON's string syntax is valid YAML).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The entry's YAML lines, indented as `- ` items at `indent` spaces.
pub fn entry_yaml(c: &NewCode, indent: usize) -> Result<String, String> {
    let pad = " ".repeat(indent);
    let retry = match c.retry.as_str() {
        "never" | "backoff" | "retry_after" | "idempotent" => c.retry.clone(),
        other => match other.strip_prefix("after:") {
            Some(action) if !action.trim().is_empty() => {
                format!("{{after: {}}}", quoted(action.trim()))
            }
            _ => {
                let rules = ["never", "backoff", "retry_after", "idempotent", "after"];
                let near = errcat_codegen::diag::did_you_mean(other, &rules);
                return Err(format!(
                    "unknown retry rule `{other}`{near} (the rules: never, backoff, retry_after, idempotent, after:<what the user must do first>)"
                ));
            }
        },
    };
    let mut s = format!("{pad}- code: {}\n", quoted(&c.code));
    s.push_str(&format!("{pad}  status: {}\n", c.status));
    s.push_str(&format!("{pad}  kind: {}\n", c.kind));
    s.push_str(&format!("{pad}  meaning: {}\n", quoted(&c.meaning)));
    if let Some(m) = &c.message {
        s.push_str(&format!("{pad}  message: {}\n", quoted(m)));
    }
    if let Some(r) = &c.resolution {
        s.push_str(&format!("{pad}  resolution: {}\n", quoted(r)));
    }
    s.push_str(&format!("{pad}  retry: {retry}\n"));
    Ok(s)
}

/// `text` with `entry` appended to its top-level `errors` list; every other byte is kept.
pub fn append(text: &str, entry: &NewCode) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("errors:"))
        .ok_or("the file has no top-level `errors:` list; add `errors:` at the end")?;
    let after_key = lines[start]["errors:".len()..].trim();
    let after_key = after_key.split(" #").next().unwrap_or("").trim();
    if after_key == "[]" {
        let mut out: String = lines[..start].concat();
        out.push_str("errors:\n");
        out.push_str(&entry_yaml(entry, 2)?);
        out.push_str(&lines[start + 1..].concat());
        return Ok(out);
    }
    if !after_key.is_empty() {
        return Err(
            "`errors:` is written in flow style; write it as a block list to add codes".to_owned(),
        );
    }
    // The block runs until the next top-level key.
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.starts_with(|c: char| !c.is_whitespace() && c != '#'))
        .map_or(lines.len(), |i| start + 1 + i);
    let is_content = |l: &&str| !l.trim().is_empty() && !l.trim_start().starts_with('#');
    let last = (start + 1..end)
        .rev()
        .find(|&i| is_content(&lines[i]))
        .unwrap_or(start);
    let indent = lines[start + 1..end]
        .iter()
        .find(|l| l.trim_start().starts_with("- "))
        .map_or(2, |l| l.len() - l.trim_start().len());
    let mut out: String = lines[..=last].concat();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&entry_yaml(entry, indent)?);
    out.push_str(&lines[last + 1..].concat());
    Ok(out)
}

/// Appends the code to `catalog/<vendor>.yaml` if the whole catalog still
/// validates with it; writes nothing otherwise. Returns the new catalog.
pub fn run(root: &Path, c: &NewCode) -> Result<ir::Catalog, Refusal> {
    let catalog_dir = root.join("catalog");
    let mut sources = errcat_codegen::load::read_dir(&catalog_dir).map_err(Refusal::Invalid)?;
    let file_name = format!("{}.yaml", c.vendor);
    let Some(source) = sources.iter_mut().find(|s| s.file_name == file_name) else {
        let known: Vec<String> = sources
            .iter()
            .map(|s| s.file_name.trim_end_matches(".yaml").to_owned())
            .collect();
        return Err(Refusal::Usage(format!(
            "no vendor `{}` in the catalog (known: {}); add one with `cargo xtask new-vendor`",
            c.vendor,
            known.join(", ")
        )));
    };
    let text = String::from_utf8(source.bytes.clone())
        .map_err(|_| Refusal::Usage(format!("catalog/{file_name} is not UTF-8")))?;
    let current = errcat_codegen::catalog_from_sources(
        "catalog",
        &[Source {
            file_name: file_name.clone(),
            bytes: source.bytes.clone(),
        }],
    );
    if let Ok(cat) = &current {
        let variant = names::variant(&c.code).map_err(|_| {
            Refusal::Usage(format!(
                "`{}` cannot become a Rust name: codes are ASCII with a letter or digit",
                c.code
            ))
        })?;
        for existing in cat.vendors.iter().flat_map(|v| &v.codes) {
            if existing.code == c.code {
                return Err(Refusal::Usage(format!(
                    "{} already has the code `{}`",
                    c.vendor, c.code
                )));
            }
            if existing.variant == variant {
                return Err(Refusal::Usage(format!(
                    "`{}` and the existing code `{}` would both become the Rust name `{variant}`",
                    c.code, existing.code
                )));
            }
        }
    }
    let new_text = append(&text, c).map_err(Refusal::Usage)?;
    source.bytes = new_text.clone().into_bytes();
    let catalog =
        errcat_codegen::catalog_from_sources("catalog", &sources).map_err(Refusal::Invalid)?;
    crate::codegen::write_atomic(&catalog_dir.join(&file_name), new_text.as_bytes())
        .map_err(|e| Refusal::Usage(format!("cannot write catalog/{file_name}: {e}")))?;
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code() -> NewCode {
        NewCode {
            vendor: "acme".into(),
            code: "new_code".into(),
            status: 409,
            kind: "conflict".into(),
            meaning: "It \"clashes\".".into(),
            retry: "after:Fix it".into(),
            message: None,
            resolution: None,
        }
    }

    #[test]
    fn appends_after_the_last_entry_keeping_comments_and_following_sections() {
        let text = "a: 1\nerrors:\n  # first\n  - code: x\n    status: 400\n\n  # trailing note\nnext: 2\n";
        let out = append(text, &code()).unwrap();
        assert_eq!(
            out,
            "a: 1\nerrors:\n  # first\n  - code: x\n    status: 400\n  - code: \"new_code\"\n    status: 409\n    kind: conflict\n    meaning: \"It \\\"clashes\\\".\"\n    retry: {after: \"Fix it\"}\n\n  # trailing note\nnext: 2\n"
        );
    }

    #[test]
    fn fills_an_empty_flow_list() {
        let out = append("x: 1\nerrors: []\n", &code()).unwrap();
        assert!(
            out.starts_with("x: 1\nerrors:\n  - code: \"new_code\"\n"),
            "{out}"
        );
    }

    #[test]
    fn rejects_unknown_rules() {
        let mut c = code();
        c.retry = "sometimes".into();
        assert!(
            entry_yaml(&c, 2)
                .unwrap_err()
                .starts_with("unknown retry rule `sometimes` (the rules: never,")
        );
        c.retry = "retry_afer".into();
        assert!(entry_yaml(&c, 2).unwrap_err().starts_with(
            "unknown retry rule `retry_afer`; did you mean `retry_after`? (the rules:"
        ));
    }
}

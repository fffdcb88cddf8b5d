//! The Python emitter: one module per vendor in the `errcat` package under `generated/python/`.
//!
//! Each vendor module holds the vendor's policy and envelope, its code table, a
//! base exception and one exception class per code, and `from_response`. The
//! response parsing and the retry decision live in the package's hand-written
//! modules (`_response.py`, `_retry.py`, `_vendor.py`, ...). Catalog text only
//! ever appears inside escaped string literals and docstrings, and class names
//! are checked to be plain identifiers, so no catalog value can become code.

use std::fmt::Write as _;

use heck::ToUpperCamelCase;

use crate::OutputFile;
use crate::ir::{
    Catalog, Code, Condition, Format, Jitter, RateLimitRole, ResetFormat, Rule, Vendor,
};

/// The folder of the package's modules, relative to the workspace root.
pub const DIR: &str = "generated/python/src/errcat";

/// The folders this emitter writes, with the extension of its files. The
/// package's hand-written modules sit in the same folder; they carry no
/// `@generated` marker, so they are never taken for orphans.
pub const DIRS: &[(&str, &str)] = &[(DIR, "py")];

/// Python's keywords that are lower case, which cannot name a module.
const KEYWORDS: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// Lower-case names the package root defines, which a vendor module would shadow.
const RESERVED_MODULES: &[&str] = &[
    "decide",
    "errcat",
    "jitter_sample",
    "parse",
    "parse_retry_after",
    "vendor",
    "vendor_ids",
];

/// Every generated Python file: one module per vendor and the registry `_vendors.py`.
pub fn files(catalog: &Catalog) -> Vec<OutputFile> {
    let mut out: Vec<OutputFile> = catalog.vendors.iter().map(vendor_file).collect();
    out.push(registry_file(catalog));
    out
}

/// The Python module for a vendor id: `cert-ix` gives `cert_ix`; a keyword or a
/// name the package root uses gets a trailing `_`.
pub fn module(id: &str) -> String {
    let snake = id.replace('-', "_");
    if KEYWORDS.contains(&snake.as_str()) || RESERVED_MODULES.contains(&snake.as_str()) {
        format!("{snake}_")
    } else {
        snake
    }
}

/// Whether a name from the catalog's `sdk.python` can be a class of a vendor
/// module: an ASCII identifier that starts with an upper-case letter and holds
/// a lower-case one (so it is no constant such as `POLICY`), other than the
/// keywords `None`, `True` and `False` and the package's `ApiError`.
pub fn usable_class_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.chars().any(|c| c.is_ascii_lowercase())
        && !matches!(name, "None" | "True" | "False" | "ApiError")
}

/// The vendor's base class: the catalog's `sdk.python` when it is a usable
/// class name, else `<Vendor>Error`.
pub fn base_class(v: &Vendor) -> String {
    match v.sdk.get("python") {
        Some(name) if usable_class_name(name) => name.clone(),
        _ => super::error_class(&v.variant),
    }
}

/// Each vendor type's class, in the vendor's order: the type's `sdk.python`
/// when it is a usable class name not taken yet, else `<Type>Error` from its
/// id (`<Vendor><Type>Error` when that is no usable name, as `ApiError`), with `_2`, `_3`, ... added while that is taken (the base class is taken
/// first).
pub fn type_class_names(v: &Vendor) -> Vec<String> {
    let mut taken: std::collections::BTreeSet<String> = [base_class(v)].into();
    v.types
        .iter()
        .map(|t| {
            let given = t
                .sdk
                .get("python")
                .filter(|n| usable_class_name(n) && !taken.contains(n.as_str()));
            let stem = given.cloned().unwrap_or_else(|| {
                let camel = t.id.to_upper_camel_case();
                let camel = if camel.starts_with(|c: char| c.is_ascii_uppercase())
                    && usable_class_name(&camel)
                {
                    camel
                } else {
                    format!("{}{camel}", v.variant)
                };
                super::error_class(&camel)
            });
            super::unique_name(stem, &mut taken)
        })
        .collect()
}

/// Each code's class, in the vendor's order (see [`super::sdk_class_names`]);
/// the base class and the types' classes are taken first.
pub fn class_names(v: &Vendor) -> Vec<String> {
    let mut taken: std::collections::BTreeSet<String> = [base_class(v)].into();
    taken.extend(type_class_names(v));
    super::sdk_class_names(v, "python", usable_class_name, taken)
}

/// The `@generated` header line.
fn header(from: &str) -> String {
    format!(
        "# @generated by `{}` from {from}. Do not edit by hand.\n",
        crate::REGENERATE
    )
}

/// Characters written as escapes in every literal: controls, bidirectional
/// overrides, line and paragraph separators and the byte order mark.
fn needs_escape(c: char) -> bool {
    c.is_control() || super::is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// Writes `c` as a Python escape sequence.
fn escape_char(out: &mut String, c: char) {
    let _ = match c {
        '\n' => write!(out, "\\n"),
        '\r' => write!(out, "\\r"),
        '\t' => write!(out, "\\t"),
        c if (c as u32) < 0x100 => write!(out, "\\x{:02x}", c as u32),
        c => write!(out, "\\u{:04x}", c as u32),
    };
}

/// `s` as a double-quoted Python string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if needs_escape(c) => escape_char(&mut out, c),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `Some(s)` as a string literal, `None` as `None`.
fn opt_string(s: Option<&str>) -> String {
    s.map_or_else(|| "None".to_owned(), string)
}

/// Writes a docstring indented by `indent`, keeping line breaks of the text.
fn docstring(out: &mut String, indent: &str, lines: &[String]) {
    out.push_str(indent);
    out.push_str("\"\"\"");
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(indent);
            }
        }
        for c in line.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => {
                    out.push('\n');
                    out.push_str(indent);
                }
                c if needs_escape(c) => escape_char(out, c),
                c => out.push(c),
            }
        }
    }
    if lines.len() > 1 {
        out.push('\n');
        out.push_str(indent);
    }
    out.push_str("\"\"\"\n");
}

/// A float as a Python literal.
fn float(x: f64) -> String {
    if x.is_finite() {
        format!("{x:?}")
    } else if x.is_nan() {
        "float(\"nan\")".to_owned()
    } else if x > 0.0 {
        "float(\"inf\")".to_owned()
    } else {
        "float(\"-inf\")".to_owned()
    }
}

/// Items as a Python tuple literal: `(a,)` for one, `(a, b)` for more.
fn tuple(items: &[String]) -> String {
    match items {
        [one] => format!("({one},)"),
        _ => format!("({})", items.join(", ")),
    }
}

/// An optional integer as a Python literal.
fn opt_int(x: Option<u64>) -> String {
    x.map_or_else(|| "None".to_owned(), |x| x.to_string())
}

/// A retry rule as a Python expression.
fn rule(r: &Rule) -> String {
    match r {
        Rule::Never => "_retry.Retry.NEVER".to_owned(),
        Rule::Backoff => "_retry.Retry.BACKOFF".to_owned(),
        Rule::RetryAfter => "_retry.Retry.RETRY_AFTER".to_owned(),
        Rule::UntilReset => "_retry.Retry.UNTIL_RESET".to_owned(),
        Rule::Idempotent => "_retry.Retry.IDEMPOTENT".to_owned(),
        Rule::After(action) => format!("_retry.Retry.after({})", string(action)),
    }
}

/// A retry rule in words, for a docstring.
fn rule_words(r: &Rule) -> String {
    match r {
        Rule::Never => "never".to_owned(),
        Rule::Backoff => "with backoff".to_owned(),
        Rule::RetryAfter => "after the server's delay header".to_owned(),
        Rule::UntilReset => "when the rate limit resets".to_owned(),
        Rule::Idempotent => "with backoff when the request is safe to repeat".to_owned(),
        Rule::After(action) => format!("only after: {action}"),
    }
}

/// One vendor's module.
pub fn vendor_file(v: &Vendor) -> OutputFile {
    let (base, classes) = (base_class(v), class_names(v));
    let mut out = String::with_capacity(2048 + v.codes.len() * 700);
    out.push_str(&header(&format!("catalog/{}.yaml", v.id)));
    let mut doc = vec![
        format!("{}: {}", v.name, v.summary),
        String::new(),
        format!(
            "Generated from catalog/{}.yaml; the reference: {}",
            v.id, v.source
        ),
    ];
    if v.keyed_by_status() {
        doc.push(String::new());
        doc.push("This vendor sends no stable code: its codes are its documented statuses.".into());
    }
    docstring(&mut out, "", &doc);
    out.push_str("\nfrom __future__ import annotations\n\nfrom errcat import _headers, _response, _retry, _vendor\n\n");

    let r = &v.retry;
    let jitter = match r.jitter {
        Jitter::None => "_retry.Jitter()".to_owned(),
        Jitter::Full => "_retry.Jitter(\"full\")".to_owned(),
        Jitter::Proportional(p) => {
            format!("_retry.Jitter(\"proportional\", fraction={})", float(p))
        }
        Jitter::AdditiveMs(a) => format!(
            "_retry.Jitter(\"additive\", spread_ns={})",
            u128::from(a) * 1_000_000
        ),
    };
    let ns = |ms: Option<u64>| opt_int(ms.map(|ms| ms.saturating_mul(1_000_000)));
    let methods: Vec<String> = r.safe_methods.value.iter().map(|m| string(m)).collect();
    let methods = tuple(&methods);
    let _ = write!(
        out,
        "#: The retry guidance of the reference (backoff, attempt limit, delay header, safe methods).\n\
         POLICY = _retry.Policy(\n    \
             backoff=_retry.Backoff(\n        \
                 initial_ns={initial},\n        \
                 multiplier={multiplier},\n        \
                 max_ns={max},\n        \
                 jitter={jitter},\n        \
                 max_attempts={attempts},\n    \
             ),\n    \
             delay_header={delay},\n    \
             safe_methods={methods},\n    \
             idempotency_key={key},\n    \
             max_server_delay_ns={server},\n\
         {should_retry}\
         )\n",
        initial = u128::from(r.initial_ms.value) * 1_000_000,
        multiplier = float(r.multiplier.value),
        max = ns(r.max_ms.documented.then_some(r.max_ms.value)),
        attempts = opt_int(
            r.max_attempts
                .documented
                .then_some(u64::from(r.max_attempts.value))
        ),
        delay = opt_string(r.delay_header.as_deref()),
        key = opt_string(r.idempotency_key.as_deref()),
        server = ns(r.max_server_delay_ms),
        should_retry = r
            .should_retry_header
            .as_deref()
            .map_or_else(String::new, |h| format!(
                "    should_retry_header={},\n",
                string(h)
            )),
    );
    let e = &v.envelope;
    let code = match e.code.as_slice() {
        [] => "None".to_owned(),
        [one] => string(one),
        many => tuple(&many.iter().map(|p| string(p)).collect::<Vec<_>>()),
    };
    let _ = write!(
        out,
        "#: Where the code, message, request id and details sit in an error body.\n\
         ENVELOPE = _response.Envelope(\n    \
             code={code},\n    \
             message={},\n    \
             request_id={},\n    \
             request_id_header={},\n    \
             details={},\n",
        string(&e.message),
        opt_string(e.request_id.as_deref()),
        opt_string(e.request_id_header.as_deref()),
        opt_string(e.details.as_deref()),
    );
    // The newer members are written only when set, so other vendors' modules keep their bytes.
    if e.format == Format::Xml {
        out.push_str("    format=\"xml\",\n");
    }
    for (name, path) in [
        ("error_type", &e.type_path),
        ("subcode", &e.subcode),
        ("doc_url", &e.doc_url),
    ] {
        if let Some(path) = path {
            let _ = writeln!(out, "    {name}={},", string(path));
        }
    }
    if !e.fields.is_empty() {
        out.push_str("    fields=(\n");
        for (name, path) in &e.fields {
            let _ = writeln!(out, "        ({}, {}),", string(name), string(path));
        }
        out.push_str("    ),\n");
    }
    let _ = write!(
        out,
        ")\n\
         #: The vendor.\n\
         VENDOR = _vendor.Vendor(\n    \
             id={},\n    \
             name={},\n    \
             policy=POLICY,\n    \
             envelope=ENVELOPE,\n    \
             keyed_by_status={},\n",
        string(&v.id),
        string(&v.name),
        if v.keyed_by_status() { "True" } else { "False" },
    );
    if v.has_rate_limit() {
        out.push_str("    rate_limit=_vendor.RateLimitHeaders(\n");
        for (name, role) in [
            ("limit", RateLimitRole::Limit),
            ("remaining", RateLimitRole::Remaining),
            ("used", RateLimitRole::Used),
            ("reset", RateLimitRole::Reset),
        ] {
            if let Some(h) = v.rate_limit_header(role) {
                let _ = writeln!(out, "        {name}={},", string(&h.name));
            }
        }
        if let Some(format) = v
            .rate_limit_header(RateLimitRole::Reset)
            .and_then(|h| h.reset_format)
        {
            let format = match format {
                ResetFormat::EpochSeconds => "epoch_seconds",
                ResetFormat::Seconds => "seconds",
            };
            let _ = writeln!(out, "        reset_format=\"{format}\",");
        }
        out.push_str("    ),\n");
    }
    if let Some(t) = &v.doc_url_template {
        let _ = writeln!(out, "    doc_url_template={},", string(t));
    }
    out.push_str(")\n");

    out.push_str(
        "#: Every code's row, in the catalog's order.\nCODES: tuple[_vendor.CodeInfo, ...] = (\n",
    );
    for c in &v.codes {
        code_row(&mut out, c);
    }
    out.push_str(")\n\n\n");

    let _ = writeln!(out, "class {base}(_vendor.ApiError):");
    docstring(
        &mut out,
        "    ",
        &[
            format!("An error response from {}.", v.name),
            String::new(),
            "Every code's class derives from it; a code the catalog does not know gives this class itself.".into(),
        ],
    );
    out.push_str("\n    vendor = VENDOR\n");
    let type_classes = type_class_names(v);
    for (t, class) in v.types.iter().zip(&type_classes) {
        let _ = writeln!(out, "\n\nclass {class}({base}):");
        let mut doc = vec![
            format!("The type ``{}``: {}", t.id, t.meaning),
            String::new(),
            "The class of every code of this type.".to_owned(),
        ];
        if let Some(name) = t.sdk.get("python") {
            doc.push(String::new());
            doc.push(format!("Python SDK name: {name}"));
        }
        docstring(&mut out, "    ", &doc);
        let _ = writeln!(
            out,
            "\n    type_info = _vendor.TypeInfo({}, {})",
            string(&t.id),
            string(&t.meaning)
        );
    }
    for (i, (c, class)) in v.codes.iter().zip(&classes).enumerate() {
        let parent = c
            .error_type
            .as_ref()
            .and_then(|id| v.types.iter().position(|t| &t.id == id))
            .map_or(base.as_str(), |i| type_classes[i].as_str());
        let _ = writeln!(out, "\n\nclass {class}({parent}):");
        docstring(&mut out, "    ", &code_doc(c));
        let _ = writeln!(out, "\n    info = CODES[{i}]");
    }

    let _ = write!(
        out,
        "\n\n#: The parser: each wire code's class and each status's class.\nTABLE: _vendor.Table[{base}] = _vendor.Table(\n    VENDOR,\n    {base},\n    {{\n"
    );
    for (c, class) in v.codes.iter().zip(&classes) {
        let _ = writeln!(out, "        {}: {class},", string(&c.code));
    }
    out.push_str("    },\n    {\n");
    for (status, i) in v.status_fallbacks() {
        let class = &classes[i];
        let _ = writeln!(out, "        {status}: {class},");
    }
    out.push_str("    },\n");
    // Each alias's class, only for a vendor that has aliases (the argument defaults to none).
    if v.codes.iter().any(|c| !c.aliases.is_empty()) {
        out.push_str("    # Each alias's class: an alias parses to its code, in the code's own spelling.\n    {\n");
        for (c, class) in v.codes.iter().zip(&classes) {
            for alias in &c.aliases {
                let _ = writeln!(out, "        {}: {class},", string(alias));
            }
        }
        out.push_str("    },\n");
    }
    out.push_str(")\n\n\n");
    let _ = writeln!(
        out,
        "def from_response(\n    \
             status: int,\n    \
             headers: _headers.Headers,\n    \
             body: bytes | bytearray | memoryview | str,\n    \
             now: float | None = None,\n\
         ) -> {base}:"
    );
    docstring(
        &mut out,
        "    ",
        &[
            format!("Parses an HTTP error response from {}; never raises.", v.name),
            String::new(),
            "``headers`` is a mapping or ``(name, value)`` pairs in any case, ``body`` bytes or text;"
                .into(),
            "``now`` (Unix seconds) measures a delay given as an HTTP date (``None``: the clock).".into(),
        ],
    );
    out.push_str("    return TABLE.from_response(status, headers, body, now)\n");
    OutputFile {
        path: format!("{DIR}/{}.py", module(&v.id)),
        contents: out,
    }
}

/// One row of `CODES`.
fn code_row(out: &mut String, c: &Code) {
    let statuses: Vec<String> = c.statuses.iter().map(u16::to_string).collect();
    let statuses = tuple(&statuses);
    let _ = write!(
        out,
        "    _vendor.CodeInfo(\n        \
             code={},\n        \
             statuses={statuses},\n        \
             kind={},\n        \
             retry={},\n        \
             meaning={},\n        \
             message={},\n        \
             resolution={},\n        \
             any_method={},\n        \
             deprecated={},\n",
        string(&c.code),
        string(c.kind.id()),
        rule(&c.retry),
        string(&c.meaning),
        opt_string(c.message.as_deref()),
        opt_string(c.resolution.as_deref()),
        if c.retry_any_method { "True" } else { "False" },
        opt_string(c.deprecation_note().as_deref()),
    );
    // `aliases` defaults to none, so a code without any keeps its row as it was.
    if !c.aliases.is_empty() {
        let aliases: Vec<String> = c.aliases.iter().map(|a| string(a)).collect();
        let _ = writeln!(out, "        aliases={},", tuple(&aliases));
    }
    // Likewise the newer members, written only when set.
    if let Some(t) = &c.error_type {
        let _ = writeln!(out, "        error_type={},", string(t));
    }
    if c.fallback {
        out.push_str("        fallback=True,\n");
    }
    if !c.conditions.is_empty() {
        let conditions: Vec<String> = c.conditions.iter().map(condition).collect();
        let _ = writeln!(out, "        conditions={},", tuple(&conditions));
    }
    if let Some(ms) = c.min_delay_ms {
        let _ = writeln!(out, "        min_delay_ns={},", u128::from(ms) * 1_000_000);
    }
    if !c.subcodes.is_empty() {
        out.push_str("        subcodes=(\n");
        for (code, meaning) in &c.subcodes {
            let _ = writeln!(out, "            ({}, {}),", string(code), string(meaning));
        }
        out.push_str("        ),\n");
    }
    out.push_str("    ),\n");
}

/// A match condition as a Python expression.
fn condition(c: &Condition) -> String {
    match c {
        Condition::HeaderEquals(name, text) => format!(
            "_vendor.Condition.header({}, {})",
            string(name),
            string(text)
        ),
        Condition::HeaderPresent(name) => {
            format!("_vendor.Condition.header_present({})", string(name))
        }
        Condition::MessageContains(text) => {
            format!("_vendor.Condition.message_contains({})", string(text))
        }
    }
}

/// A code's class docstring.
fn code_doc(c: &Code) -> Vec<String> {
    let statuses: Vec<String> = c.statuses.iter().map(u16::to_string).collect();
    let mut lines = vec![
        format!("``{}``: {}", c.code, c.meaning),
        String::new(),
        format!("- HTTP status: {}", statuses.join(", ")),
        format!("- Kind: ``{}``", c.kind.id()),
        format!("- Retry: {}", rule_words(&c.retry)),
    ];
    if let Some(m) = &c.message {
        lines.push(format!("- Message: {m}"));
    }
    if let Some(r) = &c.resolution {
        lines.push(format!("- Resolution: {r}"));
    }
    if !c.aliases.is_empty() {
        let aliases: Vec<String> = c.aliases.iter().map(|a| format!("``{a}``")).collect();
        lines.push(format!("- Also sent as: {}", aliases.join(", ")));
    }
    if let Some(t) = &c.error_type {
        lines.push(format!("- Type: ``{t}``"));
    }
    if let Some(ms) = c.min_delay_ms {
        lines.push(format!("- Retry waits at least: {ms} ms"));
    }
    if c.fallback {
        lines.push("- A body without a readable code at these statuses is this code".into());
    }
    if !c.conditions.is_empty() {
        let words: Vec<String> = c
            .conditions
            .iter()
            .map(|c| match c {
                Condition::HeaderEquals(n, t) => format!("header ``{n}`` is ``{t}``"),
                Condition::HeaderPresent(n) => format!("header ``{n}`` is present"),
                Condition::MessageContains(t) => format!("the message contains ``{t}``"),
            })
            .collect();
        lines.push(format!(
            "- Without a readable code, when: {}",
            words.join(" and ")
        ));
    }
    if !c.subcodes.is_empty() {
        let subcodes: Vec<String> = c.subcodes.iter().map(|(s, _)| format!("``{s}``")).collect();
        lines.push(format!("- Sub-codes: {}", subcodes.join(", ")));
    }
    if let Some(name) = c.sdk.get("python") {
        lines.push(format!("- Python SDK name: {name}"));
    }
    if let Some(d) = c.deprecation_note() {
        lines.push(format!("- Deprecated: {d}"));
    }
    lines
}

/// `_vendors.py`: each vendor id and the module that holds it.
pub fn registry_file(catalog: &Catalog) -> OutputFile {
    let mut out = header("catalog/");
    docstring(
        &mut out,
        "",
        &["The catalog's vendors: each id and the module under ``errcat`` that holds it.".into()],
    );
    out.push_str("\nfrom __future__ import annotations\n\n#: Vendor id to module name, sorted by id.\nMODULES: dict[str, str] = {\n");
    for v in &catalog.vendors {
        let _ = writeln!(out, "    {}: {},", string(&v.id), string(&module(&v.id)));
    }
    out.push_str("}\n");
    OutputFile {
        path: format!("{DIR}/_vendors.py"),
        contents: out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_are_snake_case_and_avoid_keywords_and_root_names() {
        assert_eq!(module("cert-ix"), "cert_ix");
        assert_eq!(module("pentify"), "pentify");
        assert_eq!(module("class"), "class_");
        assert_eq!(module("parse"), "parse_");
        assert_eq!(module("type"), "type");
    }

    #[test]
    fn class_names_must_be_plain_capitalised_identifiers() {
        for good in ["RateLimitedError", "Foo_bar", "HTTPError", "E1rror"] {
            assert!(usable_class_name(good), "{good}");
        }
        for bad in [
            "",
            "None",
            "True",
            "POLICY",
            "CODES",
            "rate_limited",
            "_Private",
            "Bad name",
            "Ünicode",
            "ApiError",
            "pentify.APIError",
            "A\"b",
        ] {
            assert!(!usable_class_name(bad), "{bad}");
        }
    }

    #[test]
    fn derived_names_end_in_error_once() {
        assert_eq!(super::super::error_class("RateLimited"), "RateLimitedError");
        assert_eq!(
            super::super::error_class("ValidationError"),
            "ValidationError"
        );
        assert_eq!(super::super::error_class("Code429"), "Code429Error");
    }

    #[test]
    fn strings_escape_everything_that_could_end_or_hide_a_literal() {
        assert_eq!(string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(string("x\ny\r\t\0"), r#""x\ny\r\t\x00""#);
        assert_eq!(string("\u{202e}rtl\u{2028}"), r#""\u202ertl\u2028""#);
        assert_eq!(string("é — ok"), "\"é — ok\"");
        let mut doc = String::new();
        docstring(
            &mut doc,
            "    ",
            &["\"\"\" end".into(), "two\nlines\\".into()],
        );
        assert_eq!(
            doc,
            "    \"\"\"\\\"\\\"\\\" end\n    two\n    lines\\\\\n    \"\"\"\n"
        );
    }

    #[test]
    fn floats_are_python_literals() {
        assert_eq!(float(2.0), "2.0");
        assert_eq!(float(0.25), "0.25");
        assert_eq!(float(f64::INFINITY), "float(\"inf\")");
    }
}

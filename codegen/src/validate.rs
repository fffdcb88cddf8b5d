//! Validation: checks a loaded vendor file and lowers it to the IR, reporting every problem at once.
//!
//! Each check names the line and column of the value it rejects and says how
//! to fix it. The IR is built in the same pass, from the values the checks
//! have already parsed, so nothing is parsed twice; it is returned only when
//! the file has no problem at all.

use std::collections::HashMap;

use serde_json::Value;

use crate::body::{self, Doc};
use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{self, Given};
use crate::layout;
use crate::load::Loaded;
use crate::model::{self, Spanned};
use crate::names;

/// The largest duration accepted, in milliseconds (one day).
const MAX_DURATION_MS: u64 = 86_400_000;

/// Checks one vendor file and lowers it to the IR.
pub fn vendor(loaded: &Loaded) -> Result<ir::Vendor, Diagnostics> {
    let mut cx = Cx {
        path: &loaded.path,
        text: &loaded.text,
        out: Diagnostics::new(),
    };
    let f = &loaded.file;

    if let Err(msg) = names::check_vendor_id(&loaded.id) {
        cx.at(
            (1, 1),
            msg,
            "rename the file: lower-case ASCII letters, digits and single `-`, starting with a letter, and not a reserved id (catalog/README.md lists them)",
        );
    }
    // What `cargo xtask new-vendor` writes where text must be filled in:
    // refused wherever it is left, comments aside.
    const PLACEHOLDER: &str = "FILL-IN";
    for (line, column, field) in layout::find_in_values(&loaded.text, PLACEHOLDER) {
        cx.at(
            (line, column),
            format!("`{field}` still holds the placeholder {PLACEHOLDER}"),
            "replace it with what the vendor's reference says",
        );
    }
    if f.name.value.trim().is_empty() {
        cx.err(
            &f.name,
            "`name` is empty",
            "write the vendor's display name",
        );
    }
    let src = f.source.value.as_str();
    if !(src.starts_with("https://") || src.starts_with("http://")) {
        cx.err(
            &f.source,
            format!("`source` is not a URL: `{src}`"),
            "write the address of the vendor's error reference, starting with https://",
        );
    }

    let envelope = cx.envelope(&f.envelope, !f.types.is_empty());
    let no_guidance = model::RetryGuidance::default();
    let retry_spec = f.retry.as_ref().unwrap_or(&no_guidance);
    let retry = cx.retry(retry_spec);
    let rate_limit_headers = cx.rate_limit_headers(&f.rate_limit_headers, retry_spec);
    let types = cx.types(&f.types);
    if let Some(t) = &f.doc_url_template {
        let u = t.value.as_str();
        if !(u.starts_with("https://") || u.starts_with("http://")) || !u.contains("{code}") {
            cx.err(
                t,
                format!("`doc_url_template` is not a URL with `{{code}}`: `{u}`"),
                "write the address of a code's page with `{code}` where the code goes, e.g. `https://docs.acme.example/errors/{code}`",
            );
        }
    }

    let mut category_ids: HashMap<&str, usize> = HashMap::new();
    for (i, c) in f.categories.iter().enumerate() {
        let id = c.id.value.as_str();
        if !is_snake(id) {
            cx.err(
                &c.id,
                format!("category id `{id}` is not lower snake case"),
                "write it like `rate_limit`",
            );
        }
        if let Some(&first) = category_ids.get(id) {
            let first = pos(&f.categories[first].id);
            cx.err(
                &c.id,
                format!(
                    "duplicate category `{id}` (first at {}:{})",
                    first.0, first.1
                ),
                "give each category its own id",
            );
        } else {
            category_ids.insert(id, i);
        }
    }

    let mut names = Names::new(&loaded.path, f);
    let mut codes = Vec::with_capacity(f.errors.len());
    let vendor = VendorFacts {
        retry: retry_spec,
        envelope: &envelope,
        categories: &category_ids,
        types: &types,
        has_reset: rate_limit_headers
            .iter()
            .any(|h| h.role == Some(model::RateLimitRole::Reset)),
    };
    for e in &f.errors {
        let variant = cx.code_names(e, &mut names);
        codes.push(cx.entry(e, variant, &vendor));
    }
    cx.fallbacks(&f.errors, f.envelope.code.is_none());
    cx.lifecycle(&f.errors, &names.variants, f.envelope.code.is_none());
    if let Some(url) = &f.docs_url {
        let u = url.value.as_str();
        if !(u.starts_with("https://") || u.starts_with("http://")) || !u.ends_with('/') {
            cx.err(
                url,
                format!("`docs_url` is not a URL ending in `/`: `{u}`"),
                "write the address where `generated/docs/` is published, e.g. `https://errors.acme.example/`",
            );
        }
    }
    if f.errors.is_empty() {
        let line = loaded
            .text
            .lines()
            .position(|l| l.starts_with("errors:"))
            .map_or(1, |i| i + 1);
        cx.at(
            (line, 1),
            "the vendor has no `errors`",
            "list every error the reference documents under `errors:`",
        );
    }

    let (Some(envelope), true) = (envelope, cx.out.is_empty()) else {
        cx.out.add_source(loaded.path.clone(), loaded.text.clone());
        return Err(cx.out);
    };
    Ok(ir::Vendor {
        id: loaded.id.clone(),
        module: names::module(&loaded.id),
        variant: names::variant(&loaded.id).unwrap_or_default(),
        name: f.name.value.clone(),
        summary: f.summary.value.clone(),
        source: f.source.value.clone(),
        docs_url: f.docs_url.as_ref().map(|u| u.value.clone()),
        envelope,
        rate_limit_headers,
        doc_url_template: f.doc_url_template.as_ref().map(|t| t.value.clone()),
        types,
        retry,
        sdk: f.sdk.clone(),
        categories: f
            .categories
            .iter()
            .map(|c| ir::Category {
                id: c.id.value.clone(),
                name: c.name.clone(),
            })
            .collect(),
        codes: codes.into_iter().flatten().collect(),
    })
}

/// Who holds a name in a namespace: a code at a place of the file, or (with
/// no place) a part of the generated output, such as a section heading.
#[derive(Debug, Clone)]
struct Owner<'f> {
    name: std::borrow::Cow<'f, str>,
    at: Option<(usize, usize)>,
}

/// One namespace: each name and who took it first.
#[derive(Default)]
struct Namespace<'f>(HashMap<String, Owner<'f>>);

impl<'f> Namespace<'f> {
    /// Takes `key` for `name` at `at`; when it is already taken, leaves it and returns its owner.
    fn claim(&mut self, key: String, name: &'f str, at: (usize, usize)) -> Option<Owner<'f>> {
        use std::collections::hash_map::Entry;
        match self.0.entry(key) {
            Entry::Occupied(o) => Some(o.get().clone()),
            Entry::Vacant(v) => {
                v.insert(Owner {
                    name: name.into(),
                    at: Some(at),
                });
                None
            }
        }
    }
}

/// The names one vendor file introduces, one [`Namespace`] per place they land in.
struct Names<'f> {
    path: &'f str,
    /// Wire strings, among the vendor's codes.
    codes: Namespace<'f>,
    /// Variants of the vendor's `ErrorCode`.
    variants: Namespace<'f>,
    /// Anchors and heading ids of the vendor's docs page.
    anchors: Namespace<'f>,
}

impl<'f> Names<'f> {
    fn new(path: &'f str, f: &'f model::VendorFile) -> Names<'f> {
        let mut anchors = Namespace::default();
        let fixed = crate::emit::docs::SECTIONS
            .iter()
            .map(|s| (*s, "the section heading"));
        let own = std::iter::once((f.name.value.as_str(), "the title")).chain(
            f.categories
                .iter()
                .map(|c| (c.name.as_str(), "a category heading")),
        );
        for (heading, what) in fixed.chain(own) {
            anchors
                .0
                .entry(names::heading_id(heading))
                .or_insert(Owner {
                    name: format!("{what} `{heading}`").into(),
                    at: None,
                });
        }
        Names {
            path,
            codes: Namespace::default(),
            variants: Namespace::default(),
            anchors,
        }
    }

    /// Where `owner` is, as `file:line:col`.
    fn place(&self, owner: &Owner) -> String {
        let (line, col) = owner.at.unwrap_or((1, 1));
        format!("{}:{line}:{col}", self.path)
    }
}

/// Checks the names vendors introduce in namespaces they share: the vendor
/// module (crate root and `gen/`, and so its file name) and the `Vendor` and
/// `ApiError` variant. `vendors` are sorted by id; `shown` is the catalog
/// folder as shown in diagnostics.
pub fn across(shown: &str, vendors: &[ir::Vendor]) -> Diagnostics {
    let mut out = Diagnostics::new();
    let mut modules: HashMap<&str, &str> = HashMap::new();
    let mut variants: HashMap<&str, &str> = HashMap::new();
    for v in vendors {
        for (taken, name, what) in [
            (&mut modules, v.module.as_str(), "the Rust module"),
            (&mut variants, v.variant.as_str(), "the `Vendor` variant"),
        ] {
            match taken.get(name) {
                Some(first) => out.push(Diagnostic::new(
                    format!("{shown}/{}.yaml", v.id),
                    (1, 1),
                    format!(
                        "vendor `{}` and vendor `{first}` ({shown}/{first}.yaml:1:1) both become {what} `{name}`",
                        v.id
                    ),
                    "rename one of the two files: ids that differ only in `-` give the same Rust name",
                )),
                None => {
                    taken.insert(name, &v.id);
                }
            }
        }
    }
    out
}

/// Line and column of a spanned value.
pub fn pos<T>(s: &Spanned<T>) -> (usize, usize) {
    (s.referenced.line() as usize, s.referenced.column() as usize)
}

/// Lower snake case: a lower-case ASCII letter, then lower-case letters, digits and `_`.
fn is_snake(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// What an entry is checked against: the vendor-level facts already read.
struct VendorFacts<'a> {
    retry: &'a model::RetryGuidance,
    envelope: &'a Option<ir::Envelope>,
    categories: &'a HashMap<&'a str, usize>,
    types: &'a [ir::ErrorType],
    has_reset: bool,
}

struct Cx<'a> {
    path: &'a str,
    text: &'a str,
    out: Diagnostics,
}

impl Cx<'_> {
    fn at(&mut self, pos: (usize, usize), msg: impl Into<String>, help: impl Into<String>) {
        self.out.push(Diagnostic::new(self.path, pos, msg, help));
    }

    fn err<T>(&mut self, s: &Spanned<T>, msg: impl Into<String>, help: impl Into<String>) {
        self.at(pos(s), msg, help);
    }

    /// Parses a JSON scalar from the catalog, pointing a syntax error at its line in the YAML.
    fn json(&mut self, s: &Spanned<String>, what: &str) -> Option<Value> {
        match serde_json::from_str::<Value>(&s.value) {
            Ok(v) => Some(v),
            Err(e) => {
                let at = self.json_position(s, e.line(), e.column());
                self.at(
                    at,
                    format!("{what} is not valid JSON: {e}"),
                    "write the body as JSON exactly as the reference shows it, completing any abbreviation",
                );
                None
            }
        }
    }

    /// Maps a line and column inside a block scalar (`|`) to the YAML file.
    /// A block scalar's span starts at its first content line, whose
    /// indentation every later line shares; any other scalar is reported at
    /// its start.
    fn json_position(&self, s: &Spanned<String>, line: usize, column: usize) -> (usize, usize) {
        let (l, c) = pos(s);
        let source_line = self.text.lines().nth(l.saturating_sub(1)).unwrap_or("");
        let first = s.value.lines().next().unwrap_or("");
        let rest: String = source_line.chars().skip(c.saturating_sub(1)).collect();
        let is_block = !first.is_empty() && rest == first;
        if is_block && line >= 1 {
            (l + line - 1, c - 1 + column.max(1))
        } else {
            (l, c)
        }
    }

    /// Parses an example body in the envelope's format, pointing a syntax
    /// error at its line in the YAML.
    fn example(&mut self, s: &Spanned<String>, format: model::Format, what: &str) -> Option<Doc> {
        if format == model::Format::Json {
            return self.json(s, what).map(Doc::Json);
        }
        match body::parse(format, &s.value) {
            Ok(doc) => Some(doc),
            Err(e) => {
                let at = self.json_position(s, e.line, e.column);
                self.at(
                    at,
                    format!("{what} is not readable XML: {}", e.message),
                    "write the body exactly as the reference shows it, completing any abbreviation (no DOCTYPE, at most 127 nested elements)",
                );
                None
            }
        }
    }

    /// Checks a path's form and, with an example, that it resolves there.
    fn pointer(
        &mut self,
        p: &Spanned<String>,
        format: model::Format,
        field: &str,
        example: Option<&Doc>,
    ) {
        let ptr = p.value.as_str();
        if let Err(help) = body::check_path(format, ptr) {
            let what = match format {
                model::Format::Json => "a JSON pointer",
                model::Format::Xml => "an XML element path",
            };
            self.err(
                p,
                format!("`envelope.{field}` is not {what}: `{ptr}`"),
                help,
            );
            return;
        }
        if let Some(example) = example
            && body::lookup(example, ptr).is_none()
        {
            self.err(
                p,
                format!("`envelope.{field}` path `{ptr}` does not resolve in `envelope.example`"),
                "fix the path, or make the example show the field where the vendor sends it",
            );
        }
    }

    fn envelope(&mut self, e: &model::Envelope, types: bool) -> Option<ir::Envelope> {
        let before = self.out.len();
        let format = e.format.as_ref().map_or(model::Format::Json, |f| f.value);
        let example = self.example(&e.example, format, "`envelope.example`");
        if let Some(Doc::Json(v)) = &example
            && !v.is_object()
        {
            self.err(
                &e.example,
                "`envelope.example` is not a JSON object",
                "write the error body the reference shows",
            );
        }
        // Paths cannot resolve in an example that is not an object, which is
        // already reported: checking them too would only repeat that problem.
        let ex = example
            .as_ref()
            .filter(|d| !matches!(d, Doc::Json(v) if !v.is_object()));
        let code: Vec<String> = e
            .code
            .as_ref()
            .map(|c| c.value.as_slice().to_vec())
            .unwrap_or_default();
        if let Some(c) = &e.code {
            if code.is_empty() {
                self.err(
                    c,
                    "`envelope.code` is an empty list",
                    "write the path to the code, or leave `code` out when the vendor sends none",
                );
            }
            for (i, path) in code.iter().enumerate() {
                let p = Spanned {
                    value: path.clone(),
                    referenced: c.referenced,
                    defined: c.defined,
                };
                // Only the first path must show in the envelope's example: the
                // others are where the code is when the first is absent.
                self.pointer(&p, format, "code", ex.filter(|_| i == 0));
                if code[..i].contains(path) {
                    self.err(
                        c,
                        format!("`envelope.code` lists `{path}` twice"),
                        "list each path once",
                    );
                }
            }
        }
        self.pointer(&e.message, format, "message", ex);
        if let Some(p) = &e.request_id {
            self.pointer(p, format, "request_id", ex);
        }
        if let Some(p) = &e.details {
            self.pointer(p, format, "details", ex);
        }
        // The type, sub-code, docs link and extra fields are not in every
        // error the vendor sends, so the example need not show them.
        for (p, field) in [
            (&e.type_, "type"),
            (&e.subcode, "subcode"),
            (&e.doc_url, "doc_url"),
        ] {
            if let Some(p) = p {
                self.pointer(p, format, field, None);
            }
        }
        if let Some(t) = &e.type_
            && !types
        {
            self.err(
                t,
                "`envelope.type` is set but the vendor declares no `types`",
                "list the vendor's types of error under `types:`, or remove `envelope.type`",
            );
        }
        for (name, p) in &e.fields {
            self.pointer(p, format, &format!("fields.{name}"), None);
            if !is_snake(name) {
                self.err(
                    p,
                    format!("field name `{name}` is not lower snake case"),
                    "name the field like `doc_url` (its name in the runtimes)",
                );
            }
        }
        if let Some(h) = &e.request_id_header {
            self.header_name(&h.value, "envelope.request_id_header", pos(h));
        }
        (self.out.len() == before).then(|| ir::Envelope {
            format,
            code,
            type_path: e.type_.as_ref().map(|s| s.value.clone()),
            subcode: e.subcode.as_ref().map(|s| s.value.clone()),
            doc_url: e.doc_url.as_ref().map(|s| s.value.clone()),
            fields: e
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), v.value.clone()))
                .collect(),
            code_note: e.code_note.clone(),
            message: e.message.value.clone(),
            request_id: e.request_id.as_ref().map(|s| s.value.clone()),
            request_id_header: e.request_id_header.as_ref().map(|h| h.value.clone()),
            details: e.details.as_ref().map(|s| s.value.clone()),
            example: e.example.value.clone(),
        })
    }

    /// Checks the rate-limit headers: names, one header per role, a format
    /// exactly on the reset header, and no epoch time read as a delay.
    fn rate_limit_headers(
        &mut self,
        headers: &[model::HeaderDoc],
        retry: &model::RetryGuidance,
    ) -> Vec<ir::RateLimitHeader> {
        let mut roles: HashMap<model::RateLimitRole, (usize, usize)> = HashMap::new();
        for h in headers {
            if let Some(role) = &h.role {
                // Only a header a client reads must be a header name; the
                // others are published as the reference writes them.
                self.header_name(&h.name.value, "rate_limit_headers.name", pos(&h.name));
                if let Some(first) = roles.insert(role.value, pos(role)) {
                    self.err(
                        role,
                        format!(
                            "two rate-limit headers have the role `{}` (first at {}:{})",
                            role_id(role.value),
                            first.0,
                            first.1
                        ),
                        "give each role to the one header a client reads it from",
                    );
                }
            }
            let is_reset = h.role.as_ref().map(|r| r.value) == Some(model::RateLimitRole::Reset);
            match (&h.format, is_reset) {
                (None, true) => self.err(
                    &h.name,
                    format!("the reset header `{}` has no `format`", h.name.value),
                    "say how the reference writes the reset time: `format: epoch_seconds` (a Unix time) or `format: seconds` (from now)",
                ),
                (Some(f), false) => self.err(
                    f,
                    format!("`format` on `{}`, which is not the reset header", h.name.value),
                    "add `role: reset`, or remove `format`",
                ),
                _ => {}
            }
            if let (Some(f), Some(d)) = (&h.format, &retry.delay_header)
                && f.value == model::ResetFormat::EpochSeconds
                && d.value.eq_ignore_ascii_case(&h.name.value)
            {
                self.err(
                    d,
                    format!(
                        "`retry.delay_header` `{}` carries an epoch time (its `format` is `epoch_seconds`), not a delay",
                        d.value
                    ),
                    "name the header that carries seconds to wait or an HTTP date (such as `Retry-After`); wait for a reset with `retry: until_reset`",
                );
            }
        }
        headers
            .iter()
            .map(|h| ir::RateLimitHeader {
                name: h.name.value.clone(),
                description: h.description.clone().unwrap_or_default(),
                role: h.role.as_ref().map(|r| r.value),
                reset_format: h.format.as_ref().map(|f| f.value),
            })
            .collect()
    }

    /// Checks the vendor's types of error: wire strings, each once.
    fn types(&mut self, types: &[model::ErrorType]) -> Vec<ir::ErrorType> {
        let mut seen: HashMap<&str, (usize, usize)> = HashMap::new();
        for t in types {
            let id = t.id.value.as_str();
            if id.trim().is_empty() || !id.bytes().all(|b| b.is_ascii_graphic()) {
                self.err(
                    &t.id,
                    format!("type `{id}` is not printable ASCII without spaces"),
                    "write the type exactly as the vendor sends it, e.g. `card_error`",
                );
            }
            if let Some(first) = seen.insert(id, pos(&t.id)) {
                self.err(
                    &t.id,
                    format!("duplicate type `{id}` (first at {}:{})", first.0, first.1),
                    "list each type once",
                );
            }
            if t.meaning.trim().is_empty() {
                self.err(
                    &t.id,
                    format!("type `{id}` has an empty `meaning`"),
                    "say what its errors have in common",
                );
            }
        }
        types
            .iter()
            .map(|t| ir::ErrorType {
                id: t.id.value.clone(),
                meaning: t.meaning.clone(),
                sdk: t.sdk.clone(),
            })
            .collect()
    }

    /// Checks that each status has at most one fallback code.
    fn fallbacks(&mut self, errors: &[model::Entry], keyed_by_status: bool) {
        let mut by_status: HashMap<u16, &str> = HashMap::new();
        for e in errors {
            let code = e.code.value.as_str();
            let statuses = e.status.value.as_slice();
            let implied = keyed_by_status
                && e.match_.is_empty()
                && statuses.len() == 1
                && statuses[0].to_string() == code;
            let explicit = e.fallback.as_ref().is_some_and(|f| f.value);
            if !(implied || explicit) {
                continue;
            }
            for s in statuses {
                if let Some(other) = by_status.insert(*s, code) {
                    self.at(
                        pos(&e.code),
                        format!("codes `{other}` and `{code}` are both the fallback for status {s}"),
                        "a body without a readable code can be one code only: keep `fallback: true` (or, keyed by status, the code that is its status) on one of them, and tell the others apart with `match`",
                    );
                }
            }
        }
    }

    fn header_name(&mut self, name: &str, field: &str, at: (usize, usize)) {
        let ok = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !ok {
            self.at(
                at,
                format!("`{field}` is not an HTTP header name: `{name}`"),
                "write a header name such as `Retry-After`",
            );
        }
    }

    fn duration(&mut self, s: &Spanned<String>, field: &str) -> Option<u64> {
        let v = s.value.trim();
        let parsed = parse_duration(v);
        if parsed.is_none() {
            self.err(
                s,
                format!("`{field}` is not a duration: `{v}`"),
                "write a whole number and a unit: `250ms`, `1s`, `30s` or `2m` (at most one day)",
            );
        }
        parsed
    }

    fn retry(&mut self, r: &model::RetryGuidance) -> ir::RetryPolicy {
        if let Some(m) = &r.max_attempts
            && m.value == 0
        {
            self.err(
                m,
                "`retry.max_attempts` is 0",
                "count attempts in all, the first included: \"give up after 5 attempts\" is 5",
            );
        }
        let b = r.backoff.as_ref();
        let initial = b
            .and_then(|b| b.initial.as_ref())
            .and_then(|s| self.duration(s, "retry.backoff.initial"));
        let max = b
            .and_then(|b| b.max.as_ref())
            .and_then(|s| self.duration(s, "retry.backoff.max"));
        let multiplier = b.and_then(|b| b.multiplier.as_ref());
        if let Some(m) = multiplier
            && !(m.value.is_finite() && (1.0..=10.0).contains(&m.value))
        {
            self.err(
                m,
                format!("`retry.backoff.multiplier` {} is out of range", m.value),
                "use a factor from 1 to 10; `2` doubles each delay",
            );
        }
        if let (Some(i), Some(m), Some(s)) = (initial, max, b.and_then(|b| b.max.as_ref()))
            && m < i
        {
            self.err(
                s,
                "`retry.backoff.max` is below `retry.backoff.initial`",
                "make the cap at least the first delay",
            );
        }
        let jitter = match b.and_then(|b| b.jitter.as_ref()) {
            None => ir::Jitter::None,
            Some(j) => match &j.value {
                model::Jitter::Full => ir::Jitter::Full,
                model::Jitter::Proportional(p) if p.is_finite() && (0.0..1.0).contains(p) => {
                    ir::Jitter::Proportional(*p)
                }
                model::Jitter::Proportional(p) => {
                    self.err(
                        j,
                        format!("`retry.backoff.jitter.proportional` {p} is out of range"),
                        "write a fraction from 0 up to (not including) 1: `0.25` is ±25%",
                    );
                    ir::Jitter::None
                }
                model::Jitter::Additive(d) => match parse_duration(d.trim()) {
                    Some(ms) => ir::Jitter::AdditiveMs(ms),
                    None => {
                        self.err(
                            j,
                            format!("`retry.backoff.jitter.additive` is not a duration: `{d}`"),
                            "write a whole number and a unit, e.g. `250ms`",
                        );
                        ir::Jitter::None
                    }
                },
            },
        };
        if let Some(h) = &r.delay_header {
            self.header_name(&h.value, "retry.delay_header", pos(h));
        }
        if let Some(h) = &r.should_retry_header {
            self.header_name(&h.value, "retry.should_retry_header", pos(h));
        }
        let max_server_delay = r.max_server_delay.as_ref().and_then(|s| {
            let ms = self.duration(s, "retry.max_server_delay")?;
            if ms == 0 {
                self.err(
                    s,
                    "`retry.max_server_delay` is 0, which would refuse every server-requested wait",
                    "write the longest wait the reference says to honour, e.g. `30s`",
                );
            } else if r.delay_header.is_none() {
                self.err(
                    s,
                    "`retry.max_server_delay` is set but the vendor names no delay header",
                    "add `retry.delay_header` (e.g. `Retry-After`), or remove the cap",
                );
            }
            Some(ms)
        });
        if let Some(ms) = &r.safe_methods {
            for m in ms {
                if m.value.is_empty() || !m.value.bytes().all(|b| b.is_ascii_uppercase()) {
                    self.err(
                        m,
                        format!(
                            "`retry.safe_methods` has `{}`, not an upper-case HTTP method",
                            m.value
                        ),
                        "write methods as `GET`, `DELETE`",
                    );
                }
            }
        }
        ir::RetryPolicy {
            max_attempts: Given::or(
                r.max_attempts.as_ref().map(|m| m.value),
                ir::DEFAULT_MAX_ATTEMPTS,
            ),
            initial_ms: Given::or(initial, ir::DEFAULT_INITIAL_MS),
            multiplier: Given::or(multiplier.map(|m| m.value), ir::DEFAULT_MULTIPLIER),
            max_ms: Given::or(max, ir::DEFAULT_MAX_MS.max(initial.unwrap_or(0))),
            max_server_delay_ms: max_server_delay,
            jitter,
            delay_header: r.delay_header.as_ref().map(|h| h.value.clone()),
            safe_methods: Given::or(
                r.safe_methods
                    .as_ref()
                    .map(|ms| ms.iter().map(|m| m.value.clone()).collect()),
                ir::DEFAULT_SAFE_METHODS
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect(),
            ),
            idempotency_key: r.idempotency_key.clone(),
            should_retry_header: r.should_retry_header.as_ref().map(|h| h.value.clone()),
            guidance: r.guidance.clone(),
        }
    }

    /// Checks a code's `deprecated` and lowers it; the replacement is checked
    /// against the vendor's codes in [`Cx::lifecycle`].
    fn deprecation(
        &mut self,
        code: &str,
        at: (usize, usize),
        d: &Spanned<model::Deprecated>,
    ) -> ir::Deprecation {
        match &d.value {
            model::Deprecated::Note(note) => {
                let word = note.trim().to_ascii_lowercase();
                if ["", "no", "n", "false", "off", "yes", "y", "true", "on"]
                    .contains(&word.as_str())
                {
                    self.at(
                        at,
                        format!("code `{code}` has `deprecated: {note}`, which marks it deprecated"),
                        "`deprecated` takes a note saying since when and what replaces the code; delete the line if the code is current",
                    );
                }
                ir::Deprecation {
                    since: None,
                    note: note.clone(),
                    replacement: None,
                }
            }
            model::Deprecated::Details(x) => {
                for (field, value) in [("since", &x.since), ("why", &x.why)] {
                    if value.trim().is_empty() {
                        self.err(
                            d,
                            format!("`deprecated.{field}` of code `{code}` is empty"),
                            "say since when the vendor deprecated the code, and why, as the reference gives it",
                        );
                    }
                }
                ir::Deprecation {
                    since: Some(x.since.clone()),
                    note: x.why.clone(),
                    replacement: x.replacement.clone(),
                }
            }
        }
    }

    /// The checks that need every code of the vendor: each replacement names
    /// another code of the vendor, and no alias becomes the Rust name of
    /// another code or of another code's alias.
    fn lifecycle<'f>(
        &mut self,
        errors: &'f [model::Entry],
        variants: &Namespace<'f>,
        keyed_by_status: bool,
    ) {
        let codes: Vec<&str> = errors.iter().map(|e| e.code.value.as_str()).collect();
        let mut aliases: HashMap<String, (&str, &str, (usize, usize))> = HashMap::new();
        for e in errors {
            let code = e.code.value.as_str();
            if let Some(d) = &e.deprecated
                && let model::Deprecated::Details(x) = &d.value
                && let Some(r) = &x.replacement
            {
                if r == code {
                    self.err(
                        d,
                        format!("code `{code}` names itself as its replacement"),
                        "name the code that replaces it, or leave `replacement` out",
                    );
                } else if !codes.contains(&r.as_str()) {
                    self.err(
                        d,
                        format!("the replacement `{r}` of code `{code}` is not a code of this vendor"),
                        "name a code listed in this file exactly as written there (add the new code first)",
                    );
                }
            }
            for a in &e.aliases {
                if keyed_by_status {
                    self.err(
                        a,
                        format!("code `{code}` has an alias, but this vendor sends no code"),
                        "entries of a vendor without `envelope.code` are keyed by status; remove `aliases`",
                    );
                    continue;
                }
                let Ok(v) = names::variant(&a.value) else {
                    continue;
                };
                let alias = a.value.as_str();
                if let Some(Owner { name: other, at }) = variants.0.get(&v)
                    && *other != code
                {
                    let first = at.unwrap_or((1, 1));
                    self.err(
                        a,
                        format!(
                            "alias `{alias}` of code `{code}` and code `{other}` (at {}:{}) both become the Rust name `{v}`",
                            first.0, first.1
                        ),
                        "an alias may differ from its own code only in case or punctuation; check which code the vendor means",
                    );
                    continue;
                }
                match aliases.get(&v) {
                    Some((other_alias, other, first)) if *other != code => self.err(
                        a,
                        format!(
                            "alias `{alias}` of code `{code}` and alias `{other_alias}` of code `{other}` (at {}:{}) both become the Rust name `{v}`",
                            first.0, first.1
                        ),
                        "a spelling can parse to one code only; keep the alias on the code the vendor means",
                    ),
                    Some((other_alias, _, first)) if *other_alias == alias => self.err(
                        a,
                        format!("alias `{alias}` is listed twice (first at {}:{})", first.0, first.1),
                        "list each alias once",
                    ),
                    Some(_) => {}
                    None => {
                        aliases.insert(v, (alias, code, pos(a)));
                    }
                }
            }
        }
    }

    /// Checks the names a code introduces, each in the namespace it lands in:
    /// the wire string among the vendor's codes, the Rust variant in its
    /// `ErrorCode`, the anchor on its docs page. Returns the variant name,
    /// empty when the code cannot have one.
    fn code_names<'f>(&mut self, e: &'f model::Entry, names: &mut Names<'f>) -> String {
        let code = e.code.value.as_str();
        let at = pos(&e.code);
        let same_code = "each code appears once: merge the two entries or delete one";
        let case_only = "codes may not differ only in case or punctuation; check which one the vendor really sends";
        if let Some(first) = names.codes.claim(code.to_owned(), code, at) {
            self.at(
                at,
                format!("duplicate code `{code}` (first at {})", names.place(&first)),
                same_code,
            );
            return names::variant(code).unwrap_or_default();
        }
        let variant = match names::variant(code) {
            Ok(v) => v,
            Err(names::NameError::NoAlphanumeric) => {
                self.at(
                    at,
                    format!("code `{code}` cannot become a Rust name: it has no ASCII letter or digit"),
                    "write the code exactly as the vendor sends it; it must contain a letter or digit",
                );
                return String::new();
            }
            Err(names::NameError::NotAscii(c)) => {
                self.at(
                    at,
                    format!("code `{code}` has the non-ASCII character {c:?} (U+{:04X})", c as u32),
                    "codes are ASCII; retype it (a look-alike letter from another alphabet is a common cause)",
                );
                return String::new();
            }
        };
        if let Some(first) = names.variants.claim(variant.clone(), code, at) {
            self.at(
                at,
                format!(
                    "code `{code}` and code `{}` ({}) both become the Rust name `{variant}`",
                    first.name,
                    names.place(&first)
                ),
                case_only,
            );
            return variant;
        }
        let anchor = names::anchor(code);
        if let Some(first) = names.anchors.claim(anchor.clone(), code, at) {
            match first.at {
                Some(_) => self.at(
                    at,
                    format!(
                        "code `{code}` and code `{}` ({}) differ only in case: both have the docs anchor `{anchor}`",
                        first.name,
                        names.place(&first)
                    ),
                    case_only,
                ),
                None => self.at(
                    at,
                    format!(
                        "code `{code}` has the docs anchor `{anchor}`, which {} of the vendor's page already has",
                        first.name
                    ),
                    "check that the code is exactly what the vendor sends; the page cannot link to a code whose anchor a heading has",
                ),
            }
        }
        variant
    }

    fn entry(
        &mut self,
        e: &model::Entry,
        variant: String,
        vendor: &VendorFacts,
    ) -> Option<ir::Code> {
        let (retry, envelope, categories) = (vendor.retry, vendor.envelope, vendor.categories);
        let before = self.out.len();
        let code = e.code.value.as_str();
        let at = pos(&e.code);

        let statuses = e.status.value.as_slice().to_vec();
        if statuses.is_empty() {
            self.err(
                &e.status,
                "`status` is an empty list",
                "write the documented status, e.g. `404`, or a list `[500, 503]`",
            );
        }
        for s in &statuses {
            if !(300..=599).contains(s) {
                self.err(
                    &e.status,
                    format!("status {s} is not an HTTP error status (300 to 599)"),
                    "write the status the reference documents for this error",
                );
            }
        }
        let mut sorted = statuses.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != statuses.len() {
            self.err(
                &e.status,
                "`status` lists a status twice",
                "list each status once",
            );
        }
        if envelope.as_ref().is_some_and(|env| env.code.is_empty())
            && e.match_.is_empty()
            && (statuses.len() != 1 || statuses[0].to_string() != code)
        {
            self.at(
                at,
                format!("code `{code}` is not its status: this vendor has no `envelope.code`, so entries are keyed by status"),
                "write the one status as the code, e.g. `code: \"429\"` with `status: 429`",
            );
        }

        let mut placeholders = Vec::new();
        if let Some(m) = &e.message {
            match parse_placeholders(&m.value) {
                Ok(p) => placeholders = p,
                Err(why) => self.err(
                    m,
                    format!("malformed placeholder in `message`: {why}"),
                    "write placeholders as `{name}` (letters, digits, `_`); write a literal brace as `{{` or `}}`",
                ),
            }
        }

        let category = match &e.category {
            None => None,
            Some(c) => match categories.get(c.value.as_str()) {
                Some(&i) => Some(i),
                None => {
                    let mut known: Vec<&str> = categories.keys().copied().collect();
                    known.sort_unstable();
                    self.err(
                        c,
                        format!("unknown category `{}`", c.value),
                        if known.is_empty() {
                            "declare it under `categories:` with an `id` and a `name`".to_owned()
                        } else {
                            format!("use one of: {}", known.join(", "))
                        },
                    );
                    None
                }
            },
        };

        let rule = match &e.retry.value {
            model::RetryRule::Never => ir::Rule::Never,
            model::RetryRule::Backoff => ir::Rule::Backoff,
            model::RetryRule::Idempotent => ir::Rule::Idempotent,
            model::RetryRule::RetryAfter => {
                if retry.delay_header.is_none() {
                    self.err(
                        &e.retry,
                        "`retry: retry_after` but the vendor names no delay header",
                        "set `retry.delay_header` (e.g. `Retry-After`) if the reference documents one, else use `backoff`",
                    );
                }
                ir::Rule::RetryAfter
            }
            model::RetryRule::UntilReset => {
                if !vendor.has_reset {
                    self.err(
                        &e.retry,
                        "`retry: until_reset` but the vendor declares no rate-limit header with `role: reset`",
                        "add the reset header to `rate_limit_headers` with `role: reset` and its `format`, or use `backoff`",
                    );
                }
                ir::Rule::UntilReset
            }
            model::RetryRule::After(action) => {
                if action.trim().is_empty() {
                    self.err(
                        &e.retry,
                        "`retry: {after: ...}` is empty",
                        "say what the user must do before retrying, e.g. \"After top-up\"",
                    );
                }
                ir::Rule::After(action.clone())
            }
        };
        let any_method = e.retry_any_method.as_ref().is_some_and(|a| a.value);
        if let Some(a) = &e.retry_any_method
            && a.value
            && matches!(rule, ir::Rule::Never | ir::Rule::After(_))
        {
            self.err(
                a,
                "`retry_any_method: true` on a code whose rule never retries it",
                "remove `retry_any_method`, or give the code the retry rule the reference states",
            );
        }

        let error_type = e.type_.as_ref().map(|t| {
            if !vendor.types.iter().any(|x| x.id == t.value) {
                let known: Vec<&str> = vendor.types.iter().map(|x| x.id.as_str()).collect();
                self.err(
                    t,
                    format!("unknown type `{}`", t.value),
                    if known.is_empty() {
                        "declare it under `types:` with an `id` and a `meaning`".to_owned()
                    } else {
                        format!("use one of: {}", known.join(", "))
                    },
                );
            }
            t.value.clone()
        });
        let keyed_by_status = envelope.as_ref().is_some_and(|env| env.code.is_empty());
        let fallback = match &e.fallback {
            Some(f) if f.value && keyed_by_status => {
                self.err(
                    f,
                    "`fallback: true` on a vendor keyed by status",
                    "a vendor without `envelope.code` already maps each status to the code that is that status; remove `fallback`",
                );
                false
            }
            Some(f) if f.value && !e.match_.is_empty() => {
                self.err(
                    f,
                    "`fallback: true` on a code told apart by `match`",
                    "a fallback takes every response of its status that no `match` claims; keep one of the two",
                );
                false
            }
            Some(f) => f.value,
            None => {
                keyed_by_status
                    && e.match_.is_empty()
                    && statuses.len() == 1
                    && statuses[0].to_string() == code
            }
        };
        let conditions: Vec<ir::Condition> = e
            .match_
            .iter()
            .map(|c| match &c.value {
                model::Condition::Header(h) => {
                    self.header_name(&h.name, "match.header.name", pos(c));
                    ir::Condition::HeaderEquals(h.name.clone(), h.equals.clone())
                }
                model::Condition::HeaderPresent(name) => {
                    self.header_name(name, "match.header_present", pos(c));
                    ir::Condition::HeaderPresent(name.clone())
                }
                model::Condition::MessageContains(text) => {
                    if text.is_empty() {
                        self.err(
                            c,
                            "`match.message_contains` is empty, which every message contains",
                            "write the words the reference says the message carries",
                        );
                    }
                    ir::Condition::MessageContains(text.clone())
                }
            })
            .collect();
        let min_delay_ms = e.min_delay.as_ref().and_then(|d| {
            let ms = self.duration(d, "min_delay")?;
            if matches!(rule, ir::Rule::Never | ir::Rule::After(_)) {
                self.err(
                    d,
                    "`min_delay` on a code whose rule never retries it",
                    "remove `min_delay`, or give the code the retry rule the reference states",
                );
            }
            Some(ms)
        });
        let mut subcodes: Vec<(String, String)> = Vec::new();
        for sc in &e.subcodes {
            if sc.code.trim().is_empty() || sc.meaning.trim().is_empty() {
                self.at(
                    at,
                    format!("a sub-code of `{code}` has an empty `code` or `meaning`"),
                    "write each sub-code as the vendor sends it, with what it means",
                );
            } else if subcodes.iter().any(|(c, _)| *c == sc.code) {
                self.at(
                    at,
                    format!("sub-code `{}` of `{code}` is listed twice", sc.code),
                    "list each sub-code once",
                );
            }
            subcodes.push((sc.code.clone(), sc.meaning.clone()));
        }

        let deprecated = e.deprecated.as_ref().map(|d| self.deprecation(code, at, d));
        let removed = e.removed.as_ref().map(|r| {
            for (field, value) in [("since", &r.value.since), ("why", &r.value.why)] {
                if value.trim().is_empty() {
                    self.err(
                        r,
                        format!("`removed.{field}` of code `{code}` is empty"),
                        "say since when the vendor no longer sends the code, and why, as the reference gives it",
                    );
                }
            }
            ir::Removed {
                since: r.value.since.clone(),
                why: r.value.why.clone(),
            }
        });
        for a in &e.aliases {
            if a.value == code {
                self.err(
                    a,
                    format!("alias `{code}` repeats the code itself"),
                    "list only other spellings under `aliases`",
                );
            } else if let Err(names::NameError::NotAscii(c)) = names::variant(&a.value) {
                self.err(
                    a,
                    format!(
                        "alias `{}` has the non-ASCII character {c:?} (U+{:04X})",
                        a.value, c as u32
                    ),
                    "aliases are ASCII, like codes; retype it",
                );
            } else if a.value.trim().is_empty() {
                self.err(
                    a,
                    "an alias is empty",
                    "write the other spelling exactly as the vendor sends it",
                );
            }
        }

        let mut examples = Vec::new();
        for ex in &e.examples {
            let status = match &ex.status {
                Some(s) if !statuses.contains(&s.value) => {
                    self.err(
                        s,
                        format!(
                            "example status {} is not one of the entry's statuses",
                            s.value
                        ),
                        "use one of the statuses listed in `status`",
                    );
                    s.value
                }
                Some(s) => s.value,
                None if statuses.len() > 1 => {
                    self.err(
                        &ex.body,
                        "the entry has several statuses but this example names none",
                        "add `status:` to the example",
                    );
                    statuses[0]
                }
                None => statuses.first().copied().unwrap_or(0),
            };
            if let Some(env) = envelope.as_ref()
                && let Some(body) =
                    self.example(&ex.body, env.format, &format!("example `{}`", ex.title))
                && !env.code.is_empty()
            {
                match body::code(&body, &env.code) {
                    Some(sent) if sent == code => {}
                    Some(sent) => self.err(
                        &ex.body,
                        format!("example `{}` carries code `{sent}`, not `{code}`", ex.title),
                        "move the example to the entry of the code it shows",
                    ),
                    None => self.err(
                        &ex.body,
                        format!(
                            "example `{}` has no code at `{}`",
                            ex.title,
                            env.code.join("`, `")
                        ),
                        "copy the body verbatim from the reference; it must carry the code where `envelope.code` points",
                    ),
                }
            }
            examples.push(ir::Example {
                title: ex.title.clone(),
                status,
                body: ex.body.value.clone(),
            });
        }

        (self.out.len() == before).then(|| ir::Code {
            code: code.to_owned(),
            anchor: names::anchor(code),
            variant,
            statuses,
            kind: e.kind,
            meaning: e.meaning.clone(),
            message: e.message.as_ref().map(|m| m.value.clone()),
            placeholders,
            resolution: e.resolution.clone(),
            category,
            retry: rule,
            retry_any_method: any_method,
            error_type,
            fallback,
            conditions,
            min_delay_ms,
            subcodes,
            sdk: e.sdk.clone(),
            aliases: e.aliases.iter().map(|a| a.value.clone()).collect(),
            deprecated,
            removed,
            examples,
        })
    }
}

/// A rate-limit role as the catalog writes it.
pub fn role_id(role: model::RateLimitRole) -> &'static str {
    match role {
        model::RateLimitRole::Limit => "limit",
        model::RateLimitRole::Remaining => "remaining",
        model::RateLimitRole::Used => "used",
        model::RateLimitRole::Reset => "reset",
    }
}

/// Parses `500ms`, `1s`, `30s`, `2m` into milliseconds; `None` when malformed or over a day.
pub fn parse_duration(s: &str) -> Option<u64> {
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (digits, unit) = s.split_at(split);
    if digits.is_empty() || digits.len() > 9 {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    let ms = match unit {
        "ms" => n,
        "s" => n.checked_mul(1_000)?,
        "m" => n.checked_mul(60_000)?,
        _ => return None,
    };
    (ms <= MAX_DURATION_MS).then_some(ms)
}

/// The `{placeholder}` names of a message template, in order of first use.
pub fn parse_placeholders(template: &str) -> Result<Vec<String>, String> {
    let mut names: Vec<String> = Vec::new();
    let mut chars = template.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().is_some_and(|&(_, n)| n == '{') => {
                chars.next();
            }
            '}' if chars.peek().is_some_and(|&(_, n)| n == '}') => {
                chars.next();
            }
            '}' => return Err(format!("a `}}` at offset {i} closes nothing")),
            '{' => {
                let mut name = String::new();
                let mut closed = false;
                for (_, n) in chars.by_ref() {
                    if n == '}' {
                        closed = true;
                        break;
                    }
                    if n == '{' {
                        break;
                    }
                    name.push(n);
                }
                if !closed {
                    return Err(format!("the `{{` at offset {i} is never closed"));
                }
                let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !valid {
                    return Err(format!("`{{{name}}}` is not a placeholder name"));
                }
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            _ => {}
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Some(500));
        assert_eq!(parse_duration("1s"), Some(1_000));
        assert_eq!(parse_duration("2m"), Some(120_000));
        for bad in [
            "",
            "1",
            "s",
            "1.5s",
            "-1s",
            "1h",
            "1 s",
            "99999999999s",
            "2000m",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn placeholders() {
        assert_eq!(
            parse_placeholders("Field {field} must be of type {type}").unwrap(),
            ["field", "type"]
        );
        assert_eq!(
            parse_placeholders("Retry in {N} seconds. {N}").unwrap(),
            ["N"]
        );
        assert_eq!(
            parse_placeholders("literal {{ and }}").unwrap(),
            Vec::<String>::new()
        );
        assert!(parse_placeholders("{}").is_err());
        assert!(parse_placeholders("{open").is_err());
        assert_eq!(
            parse_placeholders("No {kind with id {id}."),
            Err("the `{` at offset 3 is never closed".to_owned())
        );
        assert!(parse_placeholders("close}").is_err());
        assert!(parse_placeholders("{a b}").is_err());
        assert!(parse_placeholders("{1x}").is_err());
    }
}

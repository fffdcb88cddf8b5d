//! What changed between two versions of the catalog, what it means for the programs
//! that use `errcat`, and the version bump it needs.
//!
//! [`compare`] is pure: it takes two validated catalogs (load the older one with
//! [`crate::catalog_from_sources`]) and lists every change under one class:
//!
//! - **breaking**: a vendor or code removed, a code renamed, an alias dropped,
//!   a Go identifier renamed (a code's constant, the vendor's error type):
//!   programs that name the variant or parse that spelling stop working;
//! - **behaviour**: the same response is now parsed or retried differently
//!   (a code's statuses, kind or retry rule; a vendor's backoff, attempt
//!   limit, delay header, safe methods, idempotency key or envelope pointers);
//! - **additive**: a vendor, code or alias added, a code deprecated or marked removed;
//! - **text**: meanings, resolutions, message templates, examples, summaries.
//!
//! Each compared field is one line of [`VENDOR_FIELDS`] or [`CODE_FIELDS`].

use std::fmt::{self, Write as _};

use crate::emit::{docs, go};
use crate::ir::{Catalog, Code, Jitter, Rule, Vendor};

/// The class of a change, from the most to the least serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Programs that name a variant or parse a spelling stop working.
    Breaking,
    /// The same response is parsed or retried differently.
    Behaviour,
    /// Something new; nothing that worked stops working.
    Additive,
    /// Wording only.
    Text,
}

impl Class {
    /// Every class, in report order.
    pub const ALL: [Class; 4] = [
        Class::Breaking,
        Class::Behaviour,
        Class::Additive,
        Class::Text,
    ];

    /// The id used in the JSON output: `breaking`, `behaviour`, `additive`, `text`.
    pub fn id(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Behaviour => "behaviour",
            Class::Additive => "additive",
            Class::Text => "text",
        }
    }

    /// The heading used in the markdown output.
    pub fn title(self) -> &'static str {
        match self {
            Class::Breaking => "Breaking",
            Class::Behaviour => "Behaviour",
            Class::Additive => "Additive",
            Class::Text => "Text",
        }
    }
}

/// What kind of change it is; [`Kind::id`] is its stable id in the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A vendor file appeared.
    VendorAdded,
    /// A vendor file disappeared (a renamed file is one removed and one added).
    VendorRemoved,
    /// A code appeared.
    CodeAdded,
    /// A code was deleted instead of being kept and marked removed.
    CodeRemoved,
    /// A code was deleted and another added in its place (it lists the old
    /// spelling as an alias, gets the same Rust name, or keeps the same
    /// statuses, kind and meaning).
    CodeRenamed,
    /// A code gained an alias.
    AliasAdded,
    /// A code lost an alias.
    AliasRemoved,
    /// A code became deprecated.
    CodeDeprecated,
    /// A code is no longer deprecated.
    CodeUndeprecated,
    /// A code is kept but marked removed.
    CodeMarkedRemoved,
    /// A code marked removed is current again.
    CodeRestored,
    /// A field's value changed; [`Change::field`] names it.
    Changed,
}

impl Kind {
    /// The stable snake_case id.
    pub fn id(self) -> &'static str {
        match self {
            Kind::VendorAdded => "vendor_added",
            Kind::VendorRemoved => "vendor_removed",
            Kind::CodeAdded => "code_added",
            Kind::CodeRemoved => "code_removed",
            Kind::CodeRenamed => "code_renamed",
            Kind::AliasAdded => "alias_added",
            Kind::AliasRemoved => "alias_removed",
            Kind::CodeDeprecated => "code_deprecated",
            Kind::CodeUndeprecated => "code_undeprecated",
            Kind::CodeMarkedRemoved => "code_marked_removed",
            Kind::CodeRestored => "code_restored",
            Kind::Changed => "changed",
        }
    }

    /// The change in words, for the text and markdown outputs.
    fn words(self) -> &'static str {
        match self {
            Kind::VendorAdded => "vendor added",
            Kind::VendorRemoved => "vendor removed",
            Kind::CodeAdded => "code added",
            Kind::CodeRemoved => "code removed outright (not kept and marked `removed`)",
            Kind::CodeRenamed => "code renamed",
            Kind::AliasAdded => "alias added",
            Kind::AliasRemoved => "alias dropped",
            Kind::CodeDeprecated => "code deprecated",
            Kind::CodeUndeprecated => "code no longer deprecated",
            Kind::CodeMarkedRemoved => "code marked removed",
            Kind::CodeRestored => "code no longer marked removed",
            Kind::Changed => "changed",
        }
    }
}

/// One change, named by vendor and code, with its old and new values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Its class.
    pub class: Class,
    /// What kind of change.
    pub kind: Kind,
    /// The vendor id.
    pub vendor: String,
    /// The code, for a change to a code (its old spelling for a rename).
    pub code: Option<String>,
    /// The field, for [`Kind::Changed`]: e.g. `retry`, `backoff.initial`.
    pub field: Option<&'static str>,
    /// The value before, when there was one.
    pub old: Option<String>,
    /// The value after, when there is one.
    pub new: Option<String>,
    /// True when the change breaks users without the catalog saying so: a
    /// vendor or code deleted (a renamed code included) instead of kept.
    pub unannounced: bool,
}

/// The version bump a set of changes needs under Cargo's semver rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing changed.
    None,
    /// `x.y.z` to `x.y.z+1`.
    Patch,
    /// `x.y.z` to `x.y+1.0`.
    Minor,
    /// `x.y.z` to `x+1.0.0`.
    Major,
}

impl Bump {
    /// `none`, `patch`, `minor` or `major`.
    pub fn id(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// Every change between two catalogs, in class order, then vendor and code order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The changes.
    pub changes: Vec<Change>,
}

impl Report {
    /// The number of changes of a class.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    /// The number of changes that break users without saying so.
    pub fn unannounced(&self) -> usize {
        self.changes.iter().filter(|c| c.unannounced).count()
    }

    /// The bump `version` (`MAJOR.MINOR.PATCH`) needs, and the version it gives.
    ///
    /// Before 1.0 Cargo treats the minor number as the major one: a breaking
    /// change bumps `0.y` to `0.y+1`, anything else the patch number. From
    /// 1.0 a breaking change bumps the major number, a behaviour change or an
    /// addition the minor one, and wording the patch number.
    pub fn bump(&self, version: &str) -> Result<(Bump, String), String> {
        let core = version.split(['-', '+']).next().unwrap_or(version);
        let parts: Vec<u64> = core
            .split('.')
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map_err(|_| format!("`{version}` is not a MAJOR.MINOR.PATCH version"))?;
        let [major, minor, patch] = parts[..] else {
            return Err(format!("`{version}` is not a MAJOR.MINOR.PATCH version"));
        };
        let worst = self.changes.iter().map(|c| c.class).min();
        let bump = match (major, worst) {
            (_, None) => Bump::None,
            (0, Some(Class::Breaking)) => Bump::Minor,
            (0, Some(_)) => Bump::Patch,
            (_, Some(Class::Breaking)) => Bump::Major,
            (_, Some(Class::Behaviour | Class::Additive)) => Bump::Minor,
            (_, Some(Class::Text)) => Bump::Patch,
        };
        let next = match bump {
            Bump::None => version.to_owned(),
            Bump::Patch => format!("{major}.{minor}.{}", patch + 1),
            Bump::Minor => format!("{major}.{}.0", minor + 1),
            Bump::Major => format!("{}.0.0", major + 1),
        };
        Ok((bump, next))
    }
}

/// A field compared between two versions of a vendor: class, name, value as text.
pub type VendorField = (Class, &'static str, fn(&Vendor) -> String);

/// A field compared between two versions of a code: class, name, value as text.
pub type CodeField = (Class, &'static str, fn(&Vendor, &Code) -> String);

/// Every vendor field compared, one line each.
pub const VENDOR_FIELDS: &[VendorField] = &[
    (Class::Breaking, "go.error_type", go::error_type),
    (Class::Behaviour, "backoff.initial", |v| {
        given(&v.retry.initial_ms, |ms| docs::duration(*ms))
    }),
    (Class::Behaviour, "backoff.multiplier", |v| {
        given(&v.retry.multiplier, f64::to_string)
    }),
    (Class::Behaviour, "backoff.max", |v| {
        given(&v.retry.max_ms, |ms| docs::duration(*ms))
    }),
    (Class::Behaviour, "backoff.jitter", |v| {
        jitter(v.retry.jitter)
    }),
    (Class::Behaviour, "max_attempts", |v| {
        given(&v.retry.max_attempts, u32::to_string)
    }),
    (Class::Behaviour, "max_server_delay", |v| {
        v.retry
            .max_server_delay_ms
            .map_or_else(|| "none".to_owned(), docs::duration)
    }),
    (Class::Behaviour, "delay_header", |v| {
        opt(&v.retry.delay_header)
    }),
    (Class::Behaviour, "safe_methods", |v| {
        given(&v.retry.safe_methods, |m| m.join(", "))
    }),
    (Class::Behaviour, "idempotency_key", |v| {
        opt(&v.retry.idempotency_key)
    }),
    (Class::Behaviour, "should_retry_header", |v| {
        opt(&v.retry.should_retry_header)
    }),
    (Class::Behaviour, "envelope.format", |v| {
        format!("{:?}", v.envelope.format).to_ascii_lowercase()
    }),
    (Class::Behaviour, "envelope.code", |v| {
        if v.envelope.code.is_empty() {
            "none".to_owned()
        } else {
            v.envelope.code.join(", ")
        }
    }),
    (Class::Behaviour, "envelope.type", |v| {
        opt(&v.envelope.type_path)
    }),
    (Class::Behaviour, "envelope.subcode", |v| {
        opt(&v.envelope.subcode)
    }),
    (Class::Behaviour, "envelope.doc_url", |v| {
        opt(&v.envelope.doc_url)
    }),
    (Class::Behaviour, "envelope.fields", |v| {
        let f: Vec<String> = v
            .envelope
            .fields
            .iter()
            .map(|(k, p)| format!("{k}: {p}"))
            .collect();
        if f.is_empty() {
            "none".to_owned()
        } else {
            f.join(", ")
        }
    }),
    (Class::Behaviour, "envelope.message", |v| {
        v.envelope.message.clone()
    }),
    (Class::Behaviour, "envelope.request_id", |v| {
        opt(&v.envelope.request_id)
    }),
    (Class::Behaviour, "envelope.request_id_header", |v| {
        opt(&v.envelope.request_id_header)
    }),
    (Class::Behaviour, "envelope.details", |v| {
        opt(&v.envelope.details)
    }),
    (Class::Text, "name", |v| v.name.clone()),
    (Class::Text, "summary", |v| v.summary.clone()),
    (Class::Text, "source", |v| v.source.clone()),
    (Class::Text, "docs_url", |v| opt(&v.docs_url)),
    (Class::Text, "envelope.code_note", |v| {
        opt(&v.envelope.code_note)
    }),
    (Class::Text, "envelope.example", |v| {
        v.envelope.example.clone()
    }),
    (Class::Behaviour, "rate_limit_headers.roles", |v| {
        let h: Vec<String> = v
            .rate_limit_headers
            .iter()
            .filter_map(|h| {
                let role = crate::validate::role_id(h.role?);
                let format = h
                    .reset_format
                    .map_or(String::new(), |f| format!(" ({f:?})"));
                Some(format!("{role}: {}{format}", h.name))
            })
            .collect();
        if h.is_empty() {
            "none".to_owned()
        } else {
            h.join(", ")
        }
    }),
    (Class::Text, "rate_limit_headers", |v| {
        let h: Vec<String> = v
            .rate_limit_headers
            .iter()
            .map(|h| format!("{}: {}", h.name, h.description))
            .collect();
        h.join("\n")
    }),
    (
        Class::Text,
        "doc_url_template",
        |v| opt(&v.doc_url_template),
    ),
    (Class::Text, "types", |v| {
        let t: Vec<String> = v
            .types
            .iter()
            .map(|t| format!("{}: {} ({})", t.id, t.meaning, pairs(&t.sdk)))
            .collect();
        if t.is_empty() {
            "none".to_owned()
        } else {
            t.join("\n")
        }
    }),
    (Class::Text, "retry.guidance", |v| opt(&v.retry.guidance)),
    (Class::Text, "sdk", |v| pairs(&v.sdk)),
    (Class::Text, "categories", |v| {
        let c: Vec<String> = v
            .categories
            .iter()
            .map(|c| format!("{}: {}", c.id, c.name))
            .collect();
        c.join("\n")
    }),
];

/// Every code field compared, one line each.
pub const CODE_FIELDS: &[CodeField] = &[
    (Class::Breaking, "go.name", go::code_name),
    (Class::Behaviour, "status", |_, c| {
        let s: Vec<String> = c.statuses.iter().map(u16::to_string).collect();
        s.join(" / ")
    }),
    (Class::Behaviour, "kind", |_, c| c.kind.id().to_owned()),
    (Class::Behaviour, "retry", |_, c| rule(&c.retry)),
    (Class::Behaviour, "retry_any_method", |_, c| {
        c.retry_any_method.to_string()
    }),
    (Class::Behaviour, "type", |_, c| opt(&c.error_type)),
    (Class::Behaviour, "fallback", |_, c| c.fallback.to_string()),
    (Class::Behaviour, "match", |_, c| {
        let m: Vec<String> = c.conditions.iter().map(|x| format!("{x:?}")).collect();
        if m.is_empty() {
            "none".to_owned()
        } else {
            m.join(" and ")
        }
    }),
    (Class::Behaviour, "min_delay", |_, c| {
        c.min_delay_ms
            .map_or_else(|| "none".to_owned(), docs::duration)
    }),
    (Class::Text, "subcodes", |_, c| {
        let s: Vec<String> = c
            .subcodes
            .iter()
            .map(|(k, m)| format!("{k}: {m}"))
            .collect();
        if s.is_empty() {
            "none".to_owned()
        } else {
            s.join("\n")
        }
    }),
    (Class::Text, "meaning", |_, c| c.meaning.clone()),
    (Class::Text, "message", |_, c| opt(&c.message)),
    (Class::Text, "resolution", |_, c| opt(&c.resolution)),
    (Class::Text, "category", |v, c| {
        c.category
            .and_then(|i| v.categories.get(i))
            .map_or_else(|| "none".to_owned(), |cat| cat.id.clone())
    }),
    (Class::Text, "sdk", |_, c| pairs(&c.sdk)),
    (
        Class::Text,
        "deprecation",
        |_, c| opt(&c.deprecation_note()),
    ),
    (Class::Text, "examples", |_, c| {
        let e: Vec<String> = c
            .examples
            .iter()
            .map(|e| format!("{} (HTTP {}): {}", e.title, e.status, e.body.trim_end()))
            .collect();
        e.join("\n")
    }),
];

/// A value as text, marked when it is errcat's default rather than the
/// reference's: a default that becomes documented changes what applies (an
/// attempt limit, a cap) even when the number stays.
fn given<T>(value: &crate::ir::Given<T>, show: impl Fn(&T) -> String) -> String {
    let text = show(&value.value);
    if value.documented {
        text
    } else {
        format!("{text} (errcat's default)")
    }
}

fn opt(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "none".to_owned())
}

fn pairs(map: &std::collections::BTreeMap<String, String>) -> String {
    let p: Vec<String> = map.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    if p.is_empty() {
        "none".to_owned()
    } else {
        p.join(", ")
    }
}

fn jitter(j: Jitter) -> String {
    match j {
        Jitter::None => "none".to_owned(),
        Jitter::Full => "full".to_owned(),
        Jitter::Proportional(p) => format!("proportional {p}"),
        Jitter::AdditiveMs(ms) => format!("additive {}", docs::duration(ms)),
    }
}

/// A retry rule as the catalog writes it.
fn rule(r: &Rule) -> String {
    match r {
        Rule::Never => "never".to_owned(),
        Rule::Backoff => "backoff".to_owned(),
        Rule::RetryAfter => "retry_after".to_owned(),
        Rule::Idempotent => "idempotent".to_owned(),
        Rule::UntilReset => "until_reset".to_owned(),
        Rule::After(a) => format!("after: {a}"),
    }
}

/// Every change from `old` to `new`.
pub fn compare(old: &Catalog, new: &Catalog) -> Report {
    let mut changes = Vec::new();
    let mut ids: Vec<&str> = old
        .vendors
        .iter()
        .chain(&new.vendors)
        .map(|v| v.id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let before = old.vendors.iter().find(|v| v.id == id);
        let after = new.vendors.iter().find(|v| v.id == id);
        match (before, after) {
            (Some(_), None) => changes.push(
                change(Class::Breaking, Kind::VendorRemoved, id, None)
                    .values(Some(id.to_owned()), None)
                    .unannounced(),
            ),
            (None, Some(_)) => changes.push(
                change(Class::Additive, Kind::VendorAdded, id, None)
                    .values(None, Some(id.to_owned())),
            ),
            (Some(a), Some(b)) => vendor(a, b, &mut changes),
            (None, None) => {}
        }
    }
    // Stable: within a class, the order of vendors and codes is kept.
    changes.sort_by_key(|c| c.class);
    Report { changes }
}

fn change(class: Class, kind: Kind, vendor: &str, code: Option<&str>) -> Change {
    Change {
        class,
        kind,
        vendor: vendor.to_owned(),
        code: code.map(str::to_owned),
        field: None,
        old: None,
        new: None,
        unannounced: false,
    }
}

impl Change {
    fn values(mut self, old: Option<String>, new: Option<String>) -> Change {
        self.old = old;
        self.new = new;
        self
    }

    fn unannounced(mut self) -> Change {
        self.unannounced = true;
        self
    }
}

fn vendor(a: &Vendor, b: &Vendor, out: &mut Vec<Change>) {
    for (class, field, value) in VENDOR_FIELDS {
        let (old, new) = (value(a), value(b));
        if old != new {
            let mut c = change(*class, Kind::Changed, &b.id, None).values(Some(old), Some(new));
            c.field = Some(field);
            out.push(c);
        }
    }

    let gone: Vec<&Code> = a
        .codes
        .iter()
        .filter(|c| b.code(&c.code).is_none())
        .collect();
    let added: Vec<&Code> = b
        .codes
        .iter()
        .filter(|c| a.code(&c.code).is_none())
        .collect();
    // Pair each deleted code with the added code that took its place, if any:
    // first by alias, then by Rust name, then by statuses, kind and meaning.
    let mut taken = vec![false; added.len()];
    let tests: [fn(&Code, &Code) -> bool; 3] = [
        |old, new| new.aliases.contains(&old.code),
        |old, new| old.variant == new.variant,
        |old, new| {
            old.statuses == new.statuses && old.kind == new.kind && old.meaning == new.meaning
        },
    ];
    let mut renamed_to: Vec<Option<usize>> = vec![None; gone.len()];
    for test in tests {
        for (g, old) in gone.iter().enumerate() {
            if renamed_to[g].is_some() {
                continue;
            }
            if let Some(i) = (0..added.len()).find(|&i| !taken[i] && test(old, added[i])) {
                taken[i] = true;
                renamed_to[g] = Some(i);
            }
        }
    }

    for c in &b.codes {
        match a.code(&c.code) {
            Some(old) => code(b, a, old, c, out),
            None => {
                let Some(i) = added.iter().position(|x| std::ptr::eq(*x, c)) else {
                    continue;
                };
                if !taken[i] {
                    out.push(
                        change(Class::Additive, Kind::CodeAdded, &b.id, Some(&c.code))
                            .values(None, Some(c.meaning.clone())),
                    );
                }
            }
        }
    }
    for (g, old) in gone.iter().enumerate() {
        let c = match renamed_to[g] {
            Some(i) => change(Class::Breaking, Kind::CodeRenamed, &b.id, Some(&old.code))
                .values(Some(old.code.clone()), Some(added[i].code.clone())),
            None => change(Class::Breaking, Kind::CodeRemoved, &b.id, Some(&old.code))
                .values(Some(old.meaning.clone()), None),
        };
        out.push(c.unannounced());
    }
}

fn code(vb: &Vendor, va: &Vendor, a: &Code, b: &Code, out: &mut Vec<Change>) {
    let id = &vb.id;
    let at = Some(b.code.as_str());
    for alias in &a.aliases {
        if !b.aliases.contains(alias) {
            out.push(
                change(Class::Breaking, Kind::AliasRemoved, id, at)
                    .values(Some(alias.clone()), None)
                    .unannounced(),
            );
        }
    }
    for alias in &b.aliases {
        if !a.aliases.contains(alias) {
            out.push(
                change(Class::Additive, Kind::AliasAdded, id, at).values(None, Some(alias.clone())),
            );
        }
    }
    let lifecycle = [
        (
            a.deprecated.is_some(),
            b.deprecated.is_some(),
            Kind::CodeDeprecated,
            Kind::CodeUndeprecated,
        ),
        (
            a.removed.is_some(),
            b.removed.is_some(),
            Kind::CodeMarkedRemoved,
            Kind::CodeRestored,
        ),
    ];
    let mut lifecycle_changed = false;
    for (was, is, on, off) in lifecycle {
        if was != is {
            lifecycle_changed = true;
            let kind = if is { on } else { off };
            out.push(
                change(Class::Additive, kind, id, at)
                    .values(a.deprecation_note(), b.deprecation_note()),
            );
        }
    }
    for (class, field, value) in CODE_FIELDS {
        // A deprecation that appeared or went is reported once, above.
        if *field == "deprecation" && lifecycle_changed {
            continue;
        }
        let (old, new) = (value(va, a), value(vb, b));
        if old != new {
            let mut c = change(*class, Kind::Changed, id, at).values(Some(old), Some(new));
            c.field = Some(field);
            out.push(c);
        }
    }
}

/// What a report is compared against, for its headings: e.g. `HEAD` and `the working tree`.
#[derive(Debug, Clone, Copy)]
pub struct Sides<'a> {
    /// The older side, e.g. a git revision.
    pub base: &'a str,
    /// The newer side.
    pub head: &'a str,
    /// The `errcat` crate's version now.
    pub version: &'a str,
}

/// A value on one line: line breaks and other control characters shown as escapes.
struct OneLine<'a>(&'a str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

/// The old and new values of a change as `old -> new`, `new` or `old`.
fn values(c: &Change, show: impl Fn(&str) -> String, arrow: &str) -> String {
    match (&c.old, &c.new) {
        (Some(o), Some(n)) => format!("{} {arrow} {}", show(o), show(n)),
        (Some(o), None) => show(o),
        (None, Some(n)) => show(n),
        (None, None) => String::new(),
    }
}

/// What the change is, without its values: `changed retry`, `code added`.
fn what(c: &Change) -> String {
    match c.field {
        Some(field) => field.to_owned(),
        None => c.kind.words().to_owned(),
    }
}

/// The report as plain text for a terminal.
pub fn text(report: &Report, sides: Sides<'_>) -> Result<String, String> {
    let (bump, next) = report.bump(sides.version)?;
    let mut s = String::new();
    if report.changes.is_empty() {
        let _ = writeln!(s, "catalog diff {}..{}: no changes", sides.base, sides.head);
    } else {
        let _ = writeln!(
            s,
            "catalog diff {}..{}: {}",
            sides.base,
            sides.head,
            counts(report)
        );
    }
    for class in Class::ALL {
        let changes: Vec<&Change> = report.changes.iter().filter(|c| c.class == class).collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(s, "{}:", class.id());
        for c in changes {
            let place = match &c.code {
                Some(code) => format!("{} {}", c.vendor, OneLine(code)),
                None => c.vendor.clone(),
            };
            let v = values(c, |x| OneLine(x).to_string(), "->");
            let sep = if v.is_empty() { "" } else { ": " };
            let _ = writeln!(s, "  {place}: {}{sep}{v}", what(c));
        }
    }
    let _ = writeln!(s, "{}", bump_line(bump, sides.version, &next));
    Ok(s)
}

fn counts(report: &Report) -> String {
    let parts: Vec<String> = Class::ALL
        .iter()
        .map(|c| format!("{} {}", report.count(*c), c.id()))
        .collect();
    parts.join(", ")
}

fn bump_line(bump: Bump, version: &str, next: &str) -> String {
    match bump {
        Bump::None => format!("errcat {version}: no version bump needed"),
        b => format!("errcat {version} -> {next}: a {} bump", b.id()),
    }
}

/// The report as markdown, ready to paste into a changelog.
pub fn markdown(report: &Report, sides: Sides<'_>) -> Result<String, String> {
    let (bump, next) = report.bump(sides.version)?;
    let mut s = String::new();
    let _ = writeln!(s, "### Catalog changes ({}..{})\n", sides.base, sides.head);
    let _ = writeln!(s, "{}.\n", bump_line(bump, sides.version, &next));
    if report.changes.is_empty() {
        s.push_str("No changes.\n");
    }
    for class in Class::ALL {
        let changes: Vec<&Change> = report.changes.iter().filter(|c| c.class == class).collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(s, "#### {}\n", class.title());
        for c in changes {
            let code = c
                .code
                .as_deref()
                .map(|code| format!(" {}", docs::code(code)))
                .unwrap_or_default();
            let v = values(c, docs::code, "→");
            let sep = if v.is_empty() { "" } else { ": " };
            let warn = if c.unannounced {
                " **(deleted without notice)**"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "- **{}**{code}: {}{sep}{v}{warn}",
                docs::inline(&c.vendor),
                docs::inline(&what(c))
            );
        }
        s.push('\n');
    }
    Ok(s)
}

/// The version of the JSON output's shape; it changes only when a field is removed or changes meaning.
pub const JSON_FORMAT: u32 = 1;

/// The report as JSON, for other tools (shape documented in `catalog/README.md`).
pub fn json(report: &Report, sides: Sides<'_>) -> Result<String, String> {
    let (bump, next) = report.bump(sides.version)?;
    let changes: Vec<serde_json::Value> = report
        .changes
        .iter()
        .map(|c| {
            serde_json::json!({
                "class": c.class.id(),
                "change": c.kind.id(),
                "vendor": c.vendor,
                "code": c.code,
                "field": c.field,
                "old": c.old,
                "new": c.new,
                "unannounced": c.unannounced,
            })
        })
        .collect();
    let mut counts = serde_json::Map::new();
    for class in Class::ALL {
        counts.insert(class.id().to_owned(), report.count(class).into());
    }
    let doc = serde_json::json!({
        "format": JSON_FORMAT,
        "base": sides.base,
        "head": sides.head,
        "counts": counts,
        "unannounced": report.unannounced(),
        "version": {
            "current": sides.version,
            "next": next,
            "bump": bump.id(),
        },
        "changes": changes,
    });
    let mut out = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where each field of the catalog's model is compared: a name of
    /// [`VENDOR_FIELDS`] or [`CODE_FIELDS`], or `None` for a field a change
    /// [`Kind`] of its own reports (a code, an alias, a deprecation).
    const COMPARED_AS: &[(&str, Option<&str>)] = &[
        ("name", Some("name")),
        ("summary", Some("summary")),
        ("source", Some("source")),
        ("docs_url", Some("docs_url")),
        ("doc_url_template", Some("doc_url_template")),
        ("sdk", Some("sdk")),
        ("categories", Some("categories")),
        ("types", Some("types")),
        ("errors", None),
        ("rate_limit_headers.name", Some("rate_limit_headers")),
        ("rate_limit_headers.description", Some("rate_limit_headers")),
        ("rate_limit_headers.role", Some("rate_limit_headers.roles")),
        (
            "rate_limit_headers.format",
            Some("rate_limit_headers.roles"),
        ),
        ("retry.max_attempts", Some("max_attempts")),
        ("retry.backoff.initial", Some("backoff.initial")),
        ("retry.backoff.multiplier", Some("backoff.multiplier")),
        ("retry.backoff.max", Some("backoff.max")),
        ("retry.backoff.jitter", Some("backoff.jitter")),
        ("retry.delay_header", Some("delay_header")),
        ("retry.safe_methods", Some("safe_methods")),
        ("retry.idempotency_key", Some("idempotency_key")),
        ("retry.should_retry_header", Some("should_retry_header")),
        ("retry.max_server_delay", Some("max_server_delay")),
        ("retry.guidance", Some("retry.guidance")),
        ("errors.code", None),
        ("errors.status", Some("status")),
        ("errors.kind", Some("kind")),
        ("errors.meaning", Some("meaning")),
        ("errors.message", Some("message")),
        ("errors.resolution", Some("resolution")),
        ("errors.category", Some("category")),
        ("errors.retry", Some("retry")),
        ("errors.retry_any_method", Some("retry_any_method")),
        ("errors.type", Some("type")),
        ("errors.fallback", Some("fallback")),
        ("errors.match", Some("match")),
        ("errors.min_delay", Some("min_delay")),
        ("errors.subcodes", Some("subcodes")),
        ("errors.sdk", Some("sdk")),
        ("errors.aliases", None),
        ("errors.deprecated", Some("deprecation")),
        ("errors.removed", None),
        ("errors.examples", Some("examples")),
    ];

    /// Every field of the catalog's model, from its JSON Schema: `a.b` for a
    /// field `b` of an object `a` (the envelope's as `envelope.<field>`), down
    /// to a field [`COMPARED_AS`] names as a whole.
    fn model_fields() -> Vec<String> {
        let schema = crate::emit::schema::schema();
        let defs = &schema["definitions"];
        let props = |node: &serde_json::Value| -> Vec<(String, serde_json::Value)> {
            node["properties"]
                .as_object()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default()
        };
        // The definition a property refers to, through `$ref`, arrays and `anyOf` (an option).
        let def_of = |v: &serde_json::Value| -> Option<serde_json::Value> {
            let mut stack = vec![v.clone()];
            while let Some(v) = stack.pop() {
                if let Some(r) = v["$ref"].as_str() {
                    let name = r.rsplit('/').next()?;
                    let d = &defs[name];
                    if d["properties"].is_object() {
                        return Some(d.clone());
                    }
                }
                stack.extend(v["items"].as_object().map(|_| v["items"].clone()));
                for key in ["anyOf", "oneOf", "allOf"] {
                    stack.extend(v[key].as_array().cloned().unwrap_or_default());
                }
            }
            None
        };
        let mut out = Vec::new();
        let mut todo: Vec<(String, serde_json::Value)> = props(&schema);
        while let Some((path, v)) = todo.pop() {
            // A field compared as a whole is not walked into; the codes are.
            let whole = path != "errors" && COMPARED_AS.iter().any(|(m, _)| *m == path);
            match def_of(&v).filter(|_| !whole) {
                Some(d) => {
                    if path == "errors" {
                        out.push(path.clone());
                    }
                    todo.extend(
                        props(&d)
                            .into_iter()
                            .map(|(k, v)| (format!("{path}.{k}"), v)),
                    )
                }
                None => out.push(path),
            }
        }
        out.sort();
        out
    }

    #[test]
    fn every_field_of_the_model_is_compared() {
        let vendor: Vec<&str> = VENDOR_FIELDS.iter().map(|f| f.1).collect();
        let code: Vec<&str> = CODE_FIELDS.iter().map(|f| f.1).collect();
        let fields = model_fields();
        assert!(fields.len() > 40, "{fields:?}");
        let mut missing = Vec::new();
        for f in &fields {
            let compared = COMPARED_AS.iter().find(|(m, _)| m == f).map(|e| e.1);
            match compared {
                None if f.starts_with("envelope.") && vendor.contains(&f.as_str()) => {}
                None => missing.push(format!("{f}: not in COMPARED_AS")),
                Some(None) => {}
                Some(Some(name)) => {
                    let table = if f.starts_with("errors.") {
                        &code
                    } else {
                        &vendor
                    };
                    if !table.contains(&name) {
                        missing.push(format!("{f}: `{name}` is compared nowhere"));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
    }

    fn report(classes: &[Class]) -> Report {
        Report {
            changes: classes
                .iter()
                .map(|class| change(*class, Kind::Changed, "acme", None))
                .collect(),
        }
    }

    #[test]
    fn before_one_point_oh_only_breaking_changes_bump_the_minor_number() {
        let bump = |classes: &[Class]| report(classes).bump("0.4.2").unwrap();
        assert_eq!(bump(&[]), (Bump::None, "0.4.2".to_owned()));
        assert_eq!(bump(&[Class::Text]), (Bump::Patch, "0.4.3".to_owned()));
        assert_eq!(
            bump(&[Class::Additive, Class::Behaviour]),
            (Bump::Patch, "0.4.3".to_owned())
        );
        assert_eq!(
            bump(&[Class::Text, Class::Breaking]),
            (Bump::Minor, "0.5.0".to_owned())
        );
    }

    #[test]
    fn from_one_point_oh_each_class_has_its_number() {
        let bump = |classes: &[Class]| report(classes).bump("1.2.3").unwrap();
        assert_eq!(bump(&[Class::Text]), (Bump::Patch, "1.2.4".to_owned()));
        assert_eq!(bump(&[Class::Additive]), (Bump::Minor, "1.3.0".to_owned()));
        assert_eq!(bump(&[Class::Behaviour]), (Bump::Minor, "1.3.0".to_owned()));
        assert_eq!(bump(&[Class::Breaking]), (Bump::Major, "2.0.0".to_owned()));
        assert_eq!(
            report(&[Class::Text]).bump("1.0.0-rc.1+build").unwrap().1,
            "1.0.1"
        );
        assert!(report(&[]).bump("1.2").is_err());
        assert!(report(&[]).bump("one.two.three").is_err());
    }
}

//! Extraction of the error fields from an HTTP error response, driven by the vendor's envelope described as data.

use std::borrow::Cow;
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use super::headers::{self, Headers};
use super::rate_limit::{RateLimit, RateLimitHeaders};

/// The largest body, in bytes, that is parsed as JSON; larger bodies only yield an excerpt.
pub const MAX_BODY: usize = 1 << 20;

/// The number of bytes of the body that [`excerpt`] keeps at most, before the ellipsis.
pub const EXCERPT_LEN: usize = 200;

/// A UTF-8 byte order mark, which some servers put before a JSON body.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How a vendor writes its error bodies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// JSON; paths are JSON pointers.
    Json,
    /// XML; paths are element paths such as `/Error/Code` (see [`crate::xml`]).
    Xml,
}

/// Where a vendor puts each error field: paths into the error body, and the headers it signals with.
///
/// JSON pointers follow RFC 6901 as [`Value::pointer`] implements it: `""` is the whole body
/// and a pointer that does not start with `/` matches nothing. XML paths are read as
/// [`crate::xml`] describes.
#[derive(Clone, Copy, Debug)]
pub struct Envelope {
    /// The body's format.
    pub format: Format,
    /// The paths to the machine-readable error code, tried in order; empty if the vendor has none.
    pub code: &'static [&'static str],
    /// The path to the human-readable message.
    pub message: &'static str,
    /// The path to the request id in the body, if the vendor puts it there.
    pub request_id: Option<&'static str>,
    /// The response header carrying the request id, if the vendor sends one.
    pub request_id_header: Option<&'static str>,
    /// The path to the structured details, if the vendor has them.
    pub details: Option<&'static str>,
    /// The path to the vendor's type of error (a level above the code), if it has one.
    pub error_type: Option<&'static str>,
    /// The path to a sub-code, if the vendor has one.
    pub subcode: Option<&'static str>,
    /// The path to a docs link the body carries for the error.
    pub doc_url: Option<&'static str>,
    /// The documented extra fields: name and path, sorted by name.
    pub fields: &'static [(&'static str, &'static str)],
    /// The headers the vendor reports its rate limit in; `None` when it declares none.
    pub rate_limit: Option<RateLimitHeaders>,
    /// The header whose `true` or `false` says whether to retry, whatever the code's rule.
    pub should_retry_header: Option<&'static str>,
}

impl Envelope {
    /// A JSON envelope with only a message path: no code, request id, details, type,
    /// sub-code, docs link, fields, rate limit or should-retry header.
    pub const fn json(message: &'static str) -> Envelope {
        Envelope {
            format: Format::Json,
            code: &[],
            message,
            request_id: None,
            request_id_header: None,
            details: None,
            error_type: None,
            subcode: None,
            doc_url: None,
            fields: &[],
            rate_limit: None,
            should_retry_header: None,
        }
    }
}

/// The fields of an error response, before they are mapped to a vendor's error code.
#[derive(Clone, Debug, PartialEq)]
pub struct RawError {
    /// The HTTP status code.
    pub status: u16,
    /// The machine-readable error code: the first code path holding a non-empty one.
    pub code: Option<String>,
    /// The human-readable message, or an excerpt of the body when it has none.
    pub message: String,
    /// True when the message was read from the body's message path, not excerpted.
    pub message_in_body: bool,
    /// The request id from the body or the request-id header.
    pub request_id: Option<String>,
    /// The structured details, of any JSON type.
    pub details: Option<Value>,
    /// The delay the server asked for in its delay header.
    pub retry_after: Option<Duration>,
    /// The vendor's type of error, when the body names a non-empty one.
    pub error_type: Option<String>,
    /// The sub-code, when the body has a non-empty one.
    pub subcode: Option<String>,
    /// The docs link the body carries, when non-empty.
    pub doc_url: Option<String>,
    /// The documented extra fields found in the body (for XML, strings).
    pub fields: Map<String, Value>,
    /// The rate limit the headers report; `None` when the vendor declares no rate-limit header.
    pub rate_limit: Option<RateLimit>,
    /// The server's word in the should-retry header: `true` or `false` (trimmed, any
    /// ASCII case) of the first value that is either; `None` for anything else.
    pub should_retry: Option<bool>,
}

/// The most paths a body is read for in one pass without building the whole JSON value.
const SLOTS: usize = 8;

impl RawError {
    /// Extracts the error fields from a response; it never fails and its work is bounded.
    ///
    /// `delay_header` names the header that carries the server's requested delay, such as
    /// `Retry-After`. Delays given as dates, and rate-limit resets given as epoch times,
    /// are measured from the current time.
    pub fn parse<H: Headers + ?Sized>(
        envelope: &Envelope,
        delay_header: Option<&str>,
        status: u16,
        headers: &H,
        body: &[u8],
    ) -> RawError {
        // The clock is read only when there is a time to measure from it.
        let has_delay =
            delay_header.is_some_and(|name| headers.header_values(name).next().is_some());
        let has_reset = envelope
            .rate_limit
            .and_then(|r| r.reset)
            .is_some_and(|(name, _)| headers.header_values(name).next().is_some());
        let now = if has_delay || has_reset {
            SystemTime::now()
        } else {
            SystemTime::UNIX_EPOCH
        };
        RawError::parse_at(envelope, delay_header, status, headers, body, now)
    }

    /// Extracts the error fields from a response as [`RawError::parse`] does, taking `now` as the current time.
    ///
    /// The body is read only when it is at most [`MAX_BODY`] bytes (after an optional
    /// UTF-8 byte order mark); for JSON, nesting deeper than serde_json's recursion limit
    /// makes it unreadable rather than overflowing the stack, and XML is read as
    /// [`crate::xml`] says. The code is the first non-empty string (or for JSON the
    /// decimal text of a number) at one of the code paths. The message is the string at
    /// the message path, or else an [`excerpt`] of the body. The request id is the string
    /// at its path, or else the request-id header. The details are whatever value is at
    /// their path. The type, sub-code and docs link are non-empty strings at their paths;
    /// each extra field is whatever value is at its path. The delay is the longest valid
    /// wait among the delay headers, as [`headers::retry_after`] reads them; the rate
    /// limit is read as [`RateLimit::read`] does.
    pub fn parse_at<H: Headers + ?Sized>(
        envelope: &Envelope,
        delay_header: Option<&str>,
        status: u16,
        headers: &H,
        body: &[u8],
        now: SystemTime,
    ) -> RawError {
        let body = body.strip_prefix(BOM).unwrap_or(body);
        let e = envelope;
        let n_codes = e.code.len();
        let n_fields = e.fields.len();
        let mut paths: Vec<Option<&str>> = Vec::with_capacity(n_codes + n_fields + 6);
        paths.extend(e.code.iter().map(|p| Some(*p)));
        paths.extend([
            Some(e.message),
            e.request_id,
            e.details,
            e.error_type,
            e.subcode,
            e.doc_url,
        ]);
        paths.extend(e.fields.iter().map(|(_, p)| Some(*p)));
        let mut found = if body.len() <= MAX_BODY {
            read(e.format, body, &paths)
        } else {
            None
        }
        .unwrap_or_else(|| vec![None; paths.len()])
        .into_iter();
        let codes: Vec<Option<Value>> = found.by_ref().take(n_codes).collect();
        let code = codes
            .into_iter()
            .filter_map(|v| v.and_then(|v| scalar(v, true)))
            .find(|c| !c.is_empty());
        let mut next = || found.next().flatten();
        let message = next().and_then(|v| scalar(v, false));
        let message_in_body = message.is_some();
        let message = message
            .map(|m| bounded(m, MAX_MESSAGE))
            .unwrap_or_else(|| excerpt(body));
        let request_id = next();
        let details = next();
        let mut text = || {
            next()
                .and_then(|v| scalar(v, false))
                .filter(|t| !t.is_empty())
                .map(|t| bounded(t, MAX_MESSAGE))
        };
        let (error_type, subcode, doc_url) = (text(), text(), text());
        let fields: Map<String, Value> = e
            .fields
            .iter()
            .zip(found)
            .filter_map(|((name, _), v)| Some(((*name).to_owned(), v?)))
            .collect();
        // A request id is text or a number; an empty one is no request id.
        let request_id = request_id
            .and_then(|v| scalar(v, true))
            .map(trimmed)
            .filter(|id| !id.is_empty())
            .or_else(|| {
                e.request_id_header
                    .and_then(|name| headers::header(headers, name))
                    .filter(|id| !id.is_empty())
                    .map(str::to_owned)
            })
            .map(|id| bounded(id, MAX_MESSAGE));
        let retry_after = delay_header.and_then(|name| headers::retry_after(headers, name, now));
        let rate_limit = e
            .rate_limit
            .map(|names| RateLimit::read(&names, headers, now));
        let should_retry = e.should_retry_header.and_then(|name| {
            headers.header_values(name).find_map(|value| {
                let value = value.trim_matches([' ', '\t']);
                if value.eq_ignore_ascii_case("true") {
                    Some(true)
                } else if value.eq_ignore_ascii_case("false") {
                    Some(false)
                } else {
                    None
                }
            })
        });
        RawError {
            status,
            code,
            message,
            message_in_body,
            request_id,
            details,
            retry_after,
            error_type,
            subcode,
            doc_url,
            fields,
            rate_limit,
            should_retry,
        }
    }
}

/// The values at `paths` in a body of `format` (`None` paths find nothing), or `None`
/// when the body is unreadable.
fn read(format: Format, body: &[u8], paths: &[Option<&str>]) -> Option<Vec<Option<Value>>> {
    match format {
        Format::Xml => {
            let wanted: Vec<&str> = paths.iter().map(|p| p.unwrap_or("")).collect();
            let found = super::xml::extract(body, &wanted)?;
            Some(found.into_iter().map(|v| v.map(Value::String)).collect())
        }
        Format::Json if paths.len() <= SLOTS => {
            let mut slots = [None; SLOTS];
            slots[..paths.len()].copy_from_slice(paths);
            let found = extract(body, slots)?;
            Some(found.into_iter().take(paths.len()).collect())
        }
        Format::Json => {
            // More paths than one pass tracks: build the value, then follow each pointer.
            let value: Value = serde_json::from_slice(body).ok()?;
            Some(
                paths
                    .iter()
                    .map(|p| p.and_then(|p| resolve(&value, p)).cloned())
                    .collect(),
            )
        }
    }
}

/// The value at a JSON pointer (RFC 6901), as `serde_json::Value::pointer`
/// finds it, without allocating for tokens that need no unescaping.
pub fn resolve<'a>(value: &'a Value, pointer: &str) -> Option<&'a Value> {
    tokens(pointer)?.try_fold(value, |current, token| match current {
        Value::Object(map) => map.get(&*token),
        Value::Array(items) => items.get(array_index(&token)?),
        _ => None,
    })
}

/// The unescaped reference tokens of a pointer; `None` for one that matches nothing.
fn tokens(pointer: &str) -> Option<impl Iterator<Item = Cow<'_, str>>> {
    let rest = match pointer {
        "" => None,
        _ => Some(pointer.strip_prefix('/')?),
    };
    Some(
        rest.into_iter()
            .flat_map(|rest| rest.split('/'))
            .map(unescape),
    )
}

/// The array index a token names: decimal digits without a leading zero.
fn array_index(token: &str) -> Option<usize> {
    let leading_zero = token.len() > 1 && token.starts_with('0');
    if leading_zero || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

/// A reference token unescaped (`~1` is `/`, `~0` is `~`), borrowed when it has no escape.
fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// The string in `value`, or with `numbers` the decimal text of a number.
fn scalar(value: Value, numbers: bool) -> Option<String> {
    match value {
        Value::String(text) => Some(text),
        Value::Number(number) if numbers => Some(number.to_string()),
        _ => None,
    }
}

/// The values at four JSON pointers into `body` (`None` pointers find nothing), or `None`
/// when the body is not JSON.
///
/// One pass over the body, in the manner of a `serde_json::Value` parse followed by
/// [`resolve`] for each pointer, and with the same answers: the same syntax and nesting
/// limit make a body unparsable, and of repeated keys the last one counts. It builds only
/// the values the pointers reach: no map, key or string for any other part of the body.
fn extract<const N: usize>(body: &[u8], pointers: [Option<&str>; N]) -> Option<[Option<Value>; N]> {
    let mut found = std::array::from_fn(|_| None);
    let mut reader = serde_json::Deserializer::from_slice(body);
    let wanted = Wanted(pointers.map(|p| p.filter(|p| p.is_empty() || p.starts_with('/'))));
    let seed = Extract {
        wanted,
        found: &mut found,
    };
    serde_core::de::DeserializeSeed::deserialize(seed, &mut reader).ok()?;
    reader.end().ok()?;
    Some(found)
}

/// For each of the four pointers, the part not yet matched on the way to the value being
/// read: `Some("")` when the pointer ends at it, `None` when the pointer does not lead there.
#[derive(Clone, Copy)]
struct Wanted<'p, const N: usize>([Option<&'p str>; N]);

impl<'p, const N: usize> Wanted<'p, N> {
    fn ends_here(&self) -> bool {
        self.0.contains(&Some(""))
    }

    /// The pointers that go on into the member or element whose token `matches`.
    fn child(&self, matches: impl Fn(&str) -> bool) -> Wanted<'p, N> {
        Wanted(self.0.map(|pointer| {
            let rest = pointer?.strip_prefix('/')?;
            let (token, rest) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            matches(token).then_some(rest)
        }))
    }

    fn member(&self, key: &str) -> Wanted<'p, N> {
        self.child(|token| unescape(token) == key)
    }

    fn element(&self, index: usize) -> Wanted<'p, N> {
        self.child(|token| array_index(token) == Some(index))
    }
}

/// Reads one value, storing into `found` what the pointers in `wanted` reach inside it.
struct Extract<'f, 'p, const N: usize> {
    wanted: Wanted<'p, N>,
    found: &'f mut [Option<Value>; N],
}

impl<'de, const N: usize> serde_core::de::DeserializeSeed<'de> for Extract<'_, '_, N> {
    type Value = ();

    fn deserialize<D: serde_core::Deserializer<'de>>(self, reader: D) -> Result<(), D::Error> {
        if !self.wanted.ends_here() {
            // Not `serde::de::IgnoredAny` for a part no pointer reaches: serde_json skips
            // that without its nesting limit, and would accept bodies a `Value` parse refuses.
            return reader.deserialize_any(self);
        }
        // A pointer ends at this value: build all of it, and find inside it the pointers that go on.
        let value: Value = serde_core::Deserialize::deserialize(reader)?;
        let ends = self.wanted.0.iter().rposition(|p| *p == Some(""));
        for (i, (slot, pointer)) in self.found.iter_mut().zip(self.wanted.0).enumerate() {
            if let Some(pointer) = pointer
                && Some(i) != ends
            {
                *slot = resolve(&value, pointer).cloned();
            }
        }
        if let Some(i) = ends {
            self.found[i] = Some(value);
        }
        Ok(())
    }
}

impl<'de, const N: usize> serde_core::de::Visitor<'de> for Extract<'_, '_, N> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: serde_core::de::SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(()) = items.next_element_seed(Extract {
            wanted: self.wanted.element(index),
            found: &mut *self.found,
        })? {
            index += 1;
        }
        Ok(())
    }

    fn visit_map<A: serde_core::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(wanted) = map.next_key_seed(Member(self.wanted))? {
            // Of repeated keys the last counts: forget what an earlier one gave.
            for (slot, pointer) in self.found.iter_mut().zip(wanted.0) {
                if pointer.is_some() {
                    *slot = None;
                }
            }
            map.next_value_seed(Extract {
                wanted,
                found: &mut *self.found,
            })?;
        }
        Ok(())
    }
}

/// Reads an object's key, giving the pointers that go on into its value.
struct Member<'p, const N: usize>(Wanted<'p, N>);

impl<'de, 'p, const N: usize> serde_core::de::DeserializeSeed<'de> for Member<'p, N> {
    type Value = Wanted<'p, N>;

    fn deserialize<D: serde_core::Deserializer<'de>>(
        self,
        reader: D,
    ) -> Result<Wanted<'p, N>, D::Error> {
        reader.deserialize_str(self)
    }
}

impl<'de, 'p, const N: usize> serde_core::de::Visitor<'de> for Member<'p, N> {
    type Value = Wanted<'p, N>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, key: &str) -> Result<Wanted<'p, N>, E> {
        Ok(self.0.member(key))
    }
}

/// `text` without leading and trailing whitespace, reusing its buffer when it has none.
fn trimmed(text: String) -> String {
    match text.trim() {
        t if t.len() == text.len() => text,
        t => t.to_owned(),
    }
}

/// The longest message or request id kept from a body, in bytes; longer ones are cut.
pub const MAX_MESSAGE: usize = 4096;

/// `text` cut to at most `max` bytes at a character boundary, with `…` when cut.
fn bounded(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

/// Returns a short, single-line excerpt of a body for use as an error message.
///
/// It is the lossy UTF-8 decoding of at most the first [`EXCERPT_LEN`] bytes, cut back to a
/// character boundary, with every run of whitespace collapsed to one space and the ends
/// trimmed; `…` is appended when the body was longer.
pub fn excerpt(body: &[u8]) -> String {
    let cut = body.len() > EXCERPT_LEN;
    let mut end = body.len().min(EXCERPT_LEN);
    if cut {
        // Step back over at most three UTF-8 continuation bytes to the start of a character.
        for _ in 0..3 {
            match body.get(end) {
                Some(byte) if byte & 0b1100_0000 == 0b1000_0000 && end > 0 => end -= 1,
                _ => break,
            }
        }
    }
    let prefix = body.get(..end).unwrap_or_default();
    let text = String::from_utf8_lossy(prefix);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // Invalid bytes each became a three-byte U+FFFD: hold the excerpt to its length in bytes.
    let excerpt = bounded(collapsed, EXCERPT_LEN);
    if cut && !excerpt.ends_with('…') {
        format!("{excerpt}…")
    } else {
        excerpt
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn resolve_agrees_with_serde_json_pointer() {
        let v = serde_json::json!({
            "a": {"b/c": [10, {"~d": "x"}], "": 1, "0": "zero"},
            "list": [1, 2, 3]
        });
        for p in [
            "",
            "/a",
            "/a/b~1c",
            "/a/b~1c/0",
            "/a/b~1c/1/~0d",
            "/a/",
            "/a/0",
            "/list/2",
            "/list/3",
            "/list/01",
            "/list/-",
            "/list/+1",
            "/nope",
            "a",
            "/a/b~1c/1/~0d/deeper",
        ] {
            assert_eq!(super::resolve(&v, p), v.pointer(p), "{p:?}");
        }
    }

    /// JSON text over a few keys, repeated keys and arrays included, sometimes broken.
    fn json_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let keys = proptest::sample::select(vec!["e", "code", "", "0", "a/b", "~", "\\u0065"]);
        let leaf = prop_oneof![
            Just("null".to_owned()),
            Just("true".to_owned()),
            Just("-1.5e3".to_owned()),
            Just("42".to_owned()),
            Just("\"x\"".to_owned()),
            Just("\" r1 \"".to_owned()),
            Just("\"\\u00e9\\n\"".to_owned()),
        ];
        let value = leaf.prop_recursive(4, 40, 5, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5)
                    .prop_map(|items| format!("[{}]", items.join(","))),
                proptest::collection::vec((keys.clone(), inner), 0..5).prop_map(|members| {
                    let members: Vec<String> = members
                        .iter()
                        .map(|(k, v)| format!("\"{k}\":{v}"))
                        .collect();
                    format!("{{{}}}", members.join(","))
                }),
            ]
        });
        // One byte in eight cases replaced, dropped or doubled: bodies that are not JSON.
        (value, any::<u8>(), any::<usize>(), 0..24u8).prop_map(|(text, byte, at, how)| {
            let mut bytes = text.into_bytes();
            let at = at % bytes.len().max(1);
            match how {
                0 if !bytes.is_empty() => bytes[at] = byte % 128,
                1 if !bytes.is_empty() => drop(bytes.remove(at)),
                2 if !bytes.is_empty() => bytes.insert(at, bytes[at]),
                _ => {}
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            failure_persistence: None,
            ..proptest::test_runner::Config::with_cases(2048)
        })]

        /// What one pass finds at each pointer is what parsing the whole body as a
        /// `Value` and following the pointer finds, whatever the body.
        #[test]
        fn extract_agrees_with_value_and_pointer(
            body in json_text(),
            pointers in proptest::array::uniform4(proptest::option::of(proptest::sample::select(vec![
                "", "/e", "/e/code", "/e/0", "/0", "/0/e", "/e/e/code", "/a~1b", "/~0", "/~0/0",
                "/", "//", "/e/", "e", "/code/00", "/e/01", "/e/~2",
            ]))),
        ) {
            let expected = serde_json::from_slice::<Value>(body.as_bytes())
                .ok()
                .map(|value| pointers.map(|p| p.and_then(|p| value.pointer(p).cloned())));
            proptest::prop_assert_eq!(super::extract(body.as_bytes(), pointers), expected);
        }
    }

    use std::time::{Instant, UNIX_EPOCH};

    use serde_json::json;

    use super::*;

    const PENTIFY: Envelope = Envelope {
        code: &["/error/code"],
        request_id: Some("/error/request_id"),
        request_id_header: Some("X-Request-Id"),
        details: Some("/error/details"),
        ..Envelope::json("/error/message")
    };

    const CERT_IX: Envelope = Envelope {
        code: &["/code"],
        ..Envelope::json("/error")
    };

    const NOW: u64 = 784_111_777;

    /// A status-400 parse that found nothing, its message read from the body.
    fn plain() -> RawError {
        RawError {
            status: 400,
            code: None,
            message: String::new(),
            message_in_body: true,
            request_id: None,
            details: None,
            retry_after: None,
            error_type: None,
            subcode: None,
            doc_url: None,
            fields: Map::new(),
            rate_limit: None,
            should_retry: None,
        }
    }

    fn parse(envelope: &Envelope, status: u16, headers: &[(&str, &str)], body: &[u8]) -> RawError {
        RawError::parse_at(
            envelope,
            Some("Retry-After"),
            status,
            headers,
            body,
            UNIX_EPOCH + Duration::from_secs(NOW),
        )
    }

    #[test]
    fn pentify_body() {
        let body = br#"{"error":{"code":"rate_limited","message":"Too many","request_id":"req_1","details":{"a":1}}}"#;
        let headers = [("retry-after", "12"), ("X-Request-Id", "req_header")];
        assert_eq!(
            parse(&PENTIFY, 429, &headers, body),
            RawError {
                status: 429,
                code: Some("rate_limited".to_owned()),
                message: "Too many".to_owned(),
                request_id: Some("req_1".to_owned()),
                details: Some(json!({"a": 1})),
                retry_after: Some(Duration::from_secs(12)),
                ..plain()
            }
        );
    }

    #[test]
    fn cert_ix_body() {
        let body = br#"{"success":false,"error":"msg","code":"X"}"#;
        let raw = parse(&CERT_IX, 401, &[("X-Request-Id", "ignored")], body);
        assert_eq!(
            raw,
            RawError {
                status: 401,
                code: Some("X".to_owned()),
                message: "msg".to_owned(),
                ..plain()
            }
        );
    }

    #[test]
    fn html_proxy_page() {
        let body = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";
        let headers = [("x-request-id", "req_from_proxy")];
        let raw = parse(&PENTIFY, 502, &headers, body);
        assert_eq!(raw.status, 502);
        assert_eq!(raw.code, None);
        assert_eq!(
            raw.message,
            "<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> </body> </html>"
        );
        assert_eq!(raw.request_id.as_deref(), Some("req_from_proxy"));
        assert_eq!(raw.details, None);
    }

    #[test]
    fn empty_body() {
        let raw = parse(
            &PENTIFY,
            503,
            &[("Retry-After", "Sun, 06 Nov 1994 08:50:07 GMT")],
            b"",
        );
        assert_eq!(raw.code, None);
        assert_eq!(raw.message, "");
        assert_eq!(raw.request_id, None);
        assert_eq!(raw.details, None);
        assert_eq!(raw.retry_after, Some(Duration::from_secs(30)));
    }

    #[test]
    fn invalid_utf8_body() {
        let body = b"bad \xff\xfe gateway \xc3";
        let raw = parse(&PENTIFY, 502, &[], body);
        assert_eq!(raw.code, None);
        assert_eq!(raw.message, "bad \u{fffd}\u{fffd} gateway \u{fffd}");
        let inside_json = b"{\"error\":{\"code\":\"x\xff\"}}";
        let raw = parse(&PENTIFY, 400, &[], inside_json);
        assert_eq!(raw.code, None);
        assert!(raw.message.starts_with("{\"error\""));
    }

    #[test]
    fn wrong_types_at_every_pointer() {
        let body =
            br#"{"error":{"code":true,"message":{"text":"x"},"request_id":42,"details":"plain"}}"#;
        let raw = parse(&PENTIFY, 400, &[("X-Request-Id", "req_h")], body);
        assert_eq!(raw.code, None);
        assert_eq!(
            raw.message,
            r#"{"error":{"code":true,"message":{"text":"x"},"request_id":42,"details":"plain"}}"#
        );
        // A numeric request id is kept as text.
        assert_eq!(raw.request_id.as_deref(), Some("42"));
        assert_eq!(raw.details, Some(json!("plain")));

        let nulls = br#"{"error":{"code":null,"message":null,"request_id":null,"details":null}}"#;
        let raw = parse(&PENTIFY, 400, &[], nulls);
        assert_eq!(raw.code, None);
        assert!(raw.message.starts_with("{\"error\""));
        assert_eq!(raw.request_id, None);
        assert_eq!(raw.details, Some(Value::Null));

        let arrays = br#"{"error":[1,2,3]}"#;
        let raw = parse(&PENTIFY, 400, &[], arrays);
        assert_eq!((raw.code, raw.details), (None, None));
        assert_eq!(raw.message, r#"{"error":[1,2,3]}"#);

        let top_level = br#""just a string""#;
        let raw = parse(&CERT_IX, 400, &[], top_level);
        assert_eq!(raw.code, None);
        assert_eq!(raw.message, r#""just a string""#);
    }

    #[test]
    fn numeric_codes_become_decimal_text() {
        let raw = parse(&CERT_IX, 400, &[], br#"{"error":"bad","code":4012}"#);
        assert_eq!(raw.code.as_deref(), Some("4012"));
        let raw = parse(&CERT_IX, 400, &[], br#"{"error":"bad","code":-1.5}"#);
        assert_eq!(raw.code.as_deref(), Some("-1.5"));
        let raw = parse(&CERT_IX, 400, &[], br#"{"error":"bad","code":["X"]}"#);
        assert_eq!(raw.code, None);
    }

    #[test]
    fn details_of_any_type_are_cloned() {
        let body = br#"{"error":{"message":"m","details":[{"field":"name"}]}}"#;
        let raw = parse(&PENTIFY, 422, &[], body);
        assert_eq!(raw.details, Some(json!([{"field": "name"}])));
        assert_eq!(raw.code, None);
        assert_eq!(raw.message, "m");
    }

    #[test]
    fn pointer_edge_cases_follow_rfc_6901() {
        let whole = Envelope {
            code: &["no-leading-slash"],
            request_id: Some("/a~1b"),
            details: Some("/m~0n"),
            ..Envelope::json("")
        };
        let raw = parse(&whole, 400, &[], br#"{"a/b":"rid","m~n":7}"#);
        assert_eq!(raw.code, None);
        assert_eq!(raw.message, r#"{"a/b":"rid","m~n":7}"#);
        assert_eq!(raw.request_id.as_deref(), Some("rid"));
        assert_eq!(raw.details, Some(json!(7)));
        let raw = parse(&whole, 400, &[], br#""the whole body""#);
        assert_eq!(raw.message, "the whole body");
    }

    #[test]
    fn request_id_header_in_any_case() {
        let body = br#"{"error":{"code":"c","message":"m"}}"#;
        for name in ["x-request-id", "X-REQUEST-ID", "X-Request-Id"] {
            let raw = parse(&PENTIFY, 500, &[(name, " req_9 ")], body);
            assert_eq!(raw.request_id.as_deref(), Some("req_9"), "{name}");
        }
        let first = parse(
            &PENTIFY,
            500,
            &[("X-Request-Id", "one"), ("x-request-id", "two")],
            body,
        );
        assert_eq!(first.request_id.as_deref(), Some("one"));
    }

    #[test]
    fn delay_header_takes_the_longest_occurrence_and_may_be_absent() {
        let headers = [("Retry-After", "3"), ("retry-after", "9")];
        let raw = parse(&CERT_IX, 429, &headers, b"{}");
        assert_eq!(raw.retry_after, Some(Duration::from_secs(9)));
        let malformed = parse(&CERT_IX, 429, &[("Retry-After", "soon")], b"{}");
        assert_eq!(malformed.retry_after, None);
        let unnamed = RawError::parse(&CERT_IX, None, 429, &headers, b"{}");
        assert_eq!(unnamed.retry_after, None);
        let named = RawError::parse(&CERT_IX, Some("retry-after"), 429, &headers, b"{}");
        assert_eq!(named.retry_after, Some(Duration::from_secs(9)));
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        let body = b"\xEF\xBB\xBF{\"error\":\"with bom\",\"code\":\"B\"}";
        let raw = parse(&CERT_IX, 400, &[], body);
        assert_eq!(raw.code.as_deref(), Some("B"));
        assert_eq!(raw.message, "with bom");
    }

    #[test]
    fn oversized_body_is_not_parsed() {
        let mut body = br#"{"error":"big","code":"LARGE","pad":""#.to_vec();
        body.resize(20 * 1024 * 1024, b'a');
        body.extend_from_slice(br#""}"#);
        let started = Instant::now();
        let raw = parse(&CERT_IX, 413, &[], &body);
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(raw.code, None);
        assert!(raw.message.ends_with('…'));
        assert!(raw.message.len() <= EXCERPT_LEN + '…'.len_utf8());
        assert!(raw.message.starts_with(r#"{"error":"big""#));
    }

    #[test]
    fn body_at_the_size_limit_is_parsed() {
        let prefix = br#"{"error":"edge","code":"E","pad":""#;
        let mut body = prefix.to_vec();
        body.resize(MAX_BODY - 2, b' ');
        body.extend_from_slice(br#""}"#);
        assert_eq!(body.len(), MAX_BODY);
        assert_eq!(parse(&CERT_IX, 400, &[], &body).code.as_deref(), Some("E"));
        body.insert(body.len() - 2, b' ');
        assert_eq!(parse(&CERT_IX, 400, &[], &body).code, None);
    }

    #[test]
    fn deep_nesting_is_rejected_quickly() {
        let body = vec![b'['; 100_000];
        let started = Instant::now();
        let raw = parse(&PENTIFY, 400, &[], &body);
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(raw.code, None);
        assert_eq!(raw.message, format!("{}…", "[".repeat(EXCERPT_LEN)));
        // With the whole body as details, a body that parsed would show up there.
        let whole = Envelope {
            details: Some(""),
            ..Envelope::json("/message")
        };
        assert_eq!(
            parse(&whole, 400, &[], b"[[1]]").details,
            Some(json!([[1]]))
        );
        let mut closed = vec![b'['; 50_000];
        closed.extend(vec![b']'; 50_000]);
        let started = Instant::now();
        assert_eq!(parse(&whole, 400, &[], &closed).details, None);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    const STRIPE_LIKE: Envelope = Envelope {
        code: &["/error/code", "/error/type"],
        error_type: Some("/error/type"),
        subcode: Some("/error/decline_code"),
        doc_url: Some("/error/doc_url"),
        fields: &[("charge", "/error/charge"), ("param", "/error/param")],
        request_id_header: Some("Request-Id"),
        should_retry_header: Some("Stripe-Should-Retry"),
        ..Envelope::json("/error/message")
    };

    const S3: Envelope = Envelope {
        format: Format::Xml,
        code: &["/Error/Code"],
        request_id: Some("/Error/RequestId"),
        request_id_header: Some("x-amz-request-id"),
        fields: &[("resource", "/Error/Resource")],
        ..Envelope::json("/Error/Message")
    };

    #[test]
    fn code_paths_are_tried_in_order_and_an_empty_code_is_none() {
        let both = br#"{"error":{"code":"card_declined","type":"card_error","message":"m"}}"#;
        assert_eq!(
            parse(&STRIPE_LIKE, 402, &[], both).code.as_deref(),
            Some("card_declined")
        );
        let type_only = br#"{"error":{"type":"api_error","message":"m"}}"#;
        assert_eq!(
            parse(&STRIPE_LIKE, 500, &[], type_only).code.as_deref(),
            Some("api_error")
        );
        let empty = br#"{"error":{"code":"","type":"api_error","message":"m"}}"#;
        assert_eq!(
            parse(&STRIPE_LIKE, 500, &[], empty).code.as_deref(),
            Some("api_error")
        );
        let neither = br#"{"error":{"code":"","message":"m"}}"#;
        assert_eq!(parse(&STRIPE_LIKE, 500, &[], neither).code, None);
    }

    #[test]
    fn type_subcode_docs_link_and_fields_come_from_their_paths() {
        let body = br#"{"error":{"code":"card_declined","type":"card_error","decline_code":"insufficient_funds",
            "doc_url":"https://stripe.com/docs/error-codes/card-declined","param":"","charge":{"id":1},"message":"m"}}"#;
        let raw = parse(
            &STRIPE_LIKE,
            402,
            &[("stripe-should-retry", " FALSE ")],
            body,
        );
        assert_eq!(raw.error_type.as_deref(), Some("card_error"));
        assert_eq!(raw.subcode.as_deref(), Some("insufficient_funds"));
        assert_eq!(
            raw.doc_url.as_deref(),
            Some("https://stripe.com/docs/error-codes/card-declined")
        );
        // A field keeps any JSON value, an empty string included.
        assert_eq!(
            Value::Object(raw.fields),
            json!({"param": "", "charge": {"id": 1}})
        );
        assert_eq!(raw.should_retry, Some(false));
        // Empty or non-string type, sub-code and link are none; absent fields are left out.
        let odd = br#"{"error":{"type":"","decline_code":7,"doc_url":null,"message":"m"}}"#;
        let raw = parse(
            &STRIPE_LIKE,
            402,
            &[
                ("Stripe-Should-Retry", "maybe"),
                ("Stripe-Should-Retry", "true"),
            ],
            odd,
        );
        assert_eq!(
            (raw.error_type, raw.subcode, raw.doc_url),
            (None, None, None)
        );
        assert!(raw.fields.is_empty());
        assert_eq!(
            raw.should_retry,
            Some(true),
            "the first true or false counts"
        );
        assert_eq!(parse(&STRIPE_LIKE, 402, &[], odd).should_retry, None);
    }

    #[test]
    fn more_paths_than_one_pass_tracks_read_the_same() {
        const MANY: Envelope = Envelope {
            fields: &[
                ("a", "/e/a"),
                ("b", "/e/b"),
                ("c", "/e/c"),
                ("d", "/e/d"),
                ("e", "/e/e"),
                ("f", "/e/f"),
                ("g", "/e/g"),
                ("h", "/e/h"),
                ("i", "/e/i"),
            ],
            ..PENTIFY
        };
        let body = br#"{"error":{"code":"c1","message":"m","request_id":"r"},"e":{"a":1,"i":[2],"h":null}}"#;
        let raw = parse(&MANY, 400, &[], body);
        assert_eq!(raw.code.as_deref(), Some("c1"));
        assert_eq!(raw.message, "m");
        assert_eq!(raw.request_id.as_deref(), Some("r"));
        assert_eq!(
            Value::Object(raw.fields),
            json!({"a": 1, "i": [2], "h": null})
        );
        let broken = parse(&MANY, 400, &[], b"{\"error\":");
        assert_eq!((broken.code, broken.message_in_body), (None, false));
    }

    #[test]
    fn xml_bodies_read_by_element_path() {
        let body = b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>NoSuchKey</Code>\n  <Message>The resource you requested does not exist</Message>\n  <Resource>/mybucket/myfoto.jpg</Resource>\n  <RequestId> 4442587FB7D0A2F9 </RequestId>\n</Error>";
        let raw = parse(&S3, 404, &[("x-amz-request-id", "from_header")], body);
        assert_eq!(raw.code.as_deref(), Some("NoSuchKey"));
        assert_eq!(raw.message, "The resource you requested does not exist");
        assert!(raw.message_in_body);
        assert_eq!(raw.request_id.as_deref(), Some("4442587FB7D0A2F9"));
        assert_eq!(
            Value::Object(raw.fields),
            json!({"resource": "/mybucket/myfoto.jpg"})
        );
    }

    #[test]
    fn unreadable_xml_is_an_unreadable_body() {
        let bodies: [&[u8]; 4] = [
            b"<!DOCTYPE Error><Error><Code>X</Code><Message>m</Message></Error>",
            b"<Error><Code>&xxe;</Code><Message>m</Message></Error>",
            b"{\"Error\":{\"Code\":\"X\"}}",
            b"<Error><Code>X</Code><Message>m</Message>",
        ];
        for body in bodies {
            let raw = parse(&S3, 500, &[("x-amz-request-id", "rid")], body);
            assert_eq!(raw.code, None, "{body:?}");
            assert!(!raw.message_in_body);
            assert_eq!(raw.message, excerpt(body));
            assert_eq!(raw.request_id.as_deref(), Some("rid"));
        }
        let mut big = b"<Error><Code>X</Code><Message>".to_vec();
        big.resize(MAX_BODY + 1 - b"</Message></Error>".len(), b'y');
        big.extend_from_slice(b"</Message></Error>");
        assert_eq!(big.len(), MAX_BODY + 1);
        assert_eq!(parse(&S3, 500, &[], &big).code, None);
        big.remove(40);
        assert_eq!(parse(&S3, 500, &[], &big).code.as_deref(), Some("X"));
    }

    #[test]
    fn excerpt_collapses_whitespace_and_trims() {
        assert_eq!(excerpt(b"  a \n\t b  "), "a b");
        assert_eq!(excerpt(b""), "");
        assert_eq!(excerpt(b" \r\n "), "");
        let exact = vec![b'x'; EXCERPT_LEN];
        assert_eq!(excerpt(&exact), "x".repeat(EXCERPT_LEN));
    }

    #[test]
    fn excerpt_cuts_at_a_character_boundary() {
        let mut body = vec![b'a'; EXCERPT_LEN - 1];
        body.extend_from_slice("€uro".as_bytes());
        let text = excerpt(&body);
        assert_eq!(text, format!("{}…", "a".repeat(EXCERPT_LEN - 1)));
        assert!(!text.contains('\u{fffd}'));

        let mut two = vec![b'a'; EXCERPT_LEN - 1];
        two.extend_from_slice("é and more".as_bytes());
        assert_eq!(excerpt(&two), format!("{}…", "a".repeat(EXCERPT_LEN - 1)));

        let mut fits = vec![b'a'; EXCERPT_LEN - 3];
        fits.extend_from_slice("€!".as_bytes());
        assert_eq!(excerpt(&fits), format!("{}€…", "a".repeat(EXCERPT_LEN - 3)));
    }

    #[test]
    fn excerpt_of_binary_garbage_is_bounded() {
        let garbage = vec![0x80u8; 10_000];
        let text = excerpt(&garbage);
        assert!(text.ends_with('…'));
        assert!(text.chars().count() <= EXCERPT_LEN + 1);
        let all_bytes: Vec<u8> = (0..=255).cycle().take(5_000).collect();
        assert!(excerpt(&all_bytes).chars().count() <= EXCERPT_LEN + 1);
    }

    /// Fields are moved out of the parsed body only when no later field reads
    /// them: every envelope over these pointers, overlapping or not, gives what
    /// copying each field with `Value::pointer` gives.
    #[test]
    fn fields_that_share_a_value_each_get_all_of_it() {
        const POINTERS: [&str; 10] = [
            "", "/e", "/e/code", "/e/msg", "/e/id", "/e/n", "/~02", "/~2", "/x", "e",
        ];
        let body = br#"{"e":{"code":"C","msg":"M","id":" r1 ","n":42},"~2":"tilde"}"#;
        let value: Value = serde_json::from_slice(body).unwrap();
        let text = |p: &str, numbers: bool| match value.pointer(p) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) if numbers => Some(n.to_string()),
            _ => None,
        };
        let maybe = || POINTERS.iter().map(|p| Some(*p)).chain([None]);
        let mut checked = 0;
        for code in maybe() {
            for message in POINTERS {
                for request_id in maybe() {
                    for details in maybe() {
                        let codes: &'static [&'static str] = match code {
                            Some(code) => Vec::leak(vec![code]),
                            None => &[],
                        };
                        let envelope = Envelope {
                            code: codes,
                            request_id,
                            request_id_header: Some("X-Request-Id"),
                            details,
                            ..Envelope::json(message)
                        };
                        let expected = RawError {
                            status: 400,
                            code: code.and_then(|p| text(p, true)),
                            message: text(message, false).unwrap_or_else(|| excerpt(body)),
                            request_id: request_id
                                .and_then(|p| text(p, true))
                                .map(|id| id.trim().to_owned())
                                .filter(|id| !id.is_empty())
                                .or(Some("hdr".to_owned())),
                            details: details.and_then(|p| value.pointer(p).cloned()),
                            message_in_body: text(message, false).is_some(),
                            ..plain()
                        };
                        let got = parse(&envelope, 400, &[("X-Request-Id", "hdr")], body);
                        assert_eq!(got, expected, "{envelope:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 11 * 10 * 11 * 11);
    }
}

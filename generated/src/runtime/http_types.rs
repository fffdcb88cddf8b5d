//! The `http` crate's types as inputs (feature `http`): parse an `http::Response`, build a
//! [`Request`] from an `http::Method` or `http::Request`. Header maps are read through
//! [`Headers`](crate::Headers), implemented for `http::HeaderMap` in [`headers`](crate::headers).

use super::decision::{Policy, Request};
use super::headers::Headers;
use super::vendor::{VendorCode, VendorError};
use crate::{ApiError, Vendor, parse};

impl<C: VendorCode> VendorError<C> {
    /// Parses an `http::Response` whose body is in memory, as
    /// [`from_response`](VendorError::from_response) does.
    pub fn from_http<B: AsRef<[u8]>>(response: &http::Response<B>) -> Self {
        VendorError::from_response(
            response.status().as_u16(),
            response.headers(),
            response.body().as_ref(),
        )
    }
}

/// Parses an `http::Response` from `vendor` whose body is in memory, as [`parse`] does.
pub fn parse_http<B: AsRef<[u8]>>(vendor: Vendor, response: &http::Response<B>) -> ApiError {
    parse(
        vendor,
        response.status().as_u16(),
        response.headers(),
        response.body().as_ref(),
    )
}

impl Request {
    /// Creates a request with this method.
    pub fn from_http_method(method: &http::Method) -> Request {
        Request::new(method.as_str())
    }

    /// Creates the request `request` is, as far as `policy` is concerned: its method, and
    /// whether it carries the vendor's idempotency key: marked with
    /// [`Idempotent`](crate::Idempotent) in its extensions (for a key in the body or the
    /// query), or as a header of the key's name (compared case-insensitively).
    pub fn from_http<B>(request: &http::Request<B>, policy: &Policy) -> Request {
        let parsed = Request::from_http_parts(request.method(), request.headers(), policy);
        if request.extensions().get::<crate::Idempotent>().is_some() {
            parsed.with_idempotency_key()
        } else {
            parsed
        }
    }

    /// Creates the request that `method` and `headers` make, as [`Request::from_http`]
    /// does, for a client whose request type is not an `http::Request` (such as
    /// `reqwest::Request`).
    pub fn from_http_parts(
        method: &http::Method,
        headers: &http::HeaderMap,
        policy: &Policy,
    ) -> Request {
        let method = Request::from_http_method(method);
        let keyed = policy
            .idempotency_key
            .is_some_and(|name| headers.header_values(name).next().is_some());
        if keyed {
            method.with_idempotency_key()
        } else {
            method
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use http::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    use super::*;
    use crate::{GiveUpReason, Jitter, Outcome, Retry, pentify, vantaprism};

    fn response(
        status: u16,
        headers: &[(&str, &str)],
        body: &'static str,
    ) -> http::Response<&'static str> {
        let mut builder = http::Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(body).unwrap_or_default()
    }

    const RATE_LIMITED: &str =
        r#"{"error":{"code":"rate_limited","message":"Slow down","request_id":"req_1"}}"#;

    #[test]
    fn a_header_map_reads_like_a_slice_whatever_the_case() {
        let mut map = HeaderMap::new();
        map.append(RETRY_AFTER, HeaderValue::from_static("5"));
        map.append("retry-after", HeaderValue::from_static("45"));
        map.append("X-Request-Id", HeaderValue::from_static("req_9"));
        map.append(
            "x-bin",
            HeaderValue::from_bytes(b"\xff").unwrap_or(HeaderValue::from_static("")),
        );
        assert_eq!(
            map.header_values("RETRY-AFTER").collect::<Vec<_>>(),
            ["5", "45"]
        );
        assert_eq!(crate::headers::header(&map, "x-request-id"), Some("req_9"));
        assert_eq!(
            map.header_values("x-bin").count(),
            0,
            "a value that is not UTF-8 is skipped"
        );
        assert_eq!(map.header_values("not a header name").count(), 0);
        let wait = crate::headers::retry_after(&map, "Retry-After", std::time::UNIX_EPOCH);
        assert_eq!(wait, Some(Duration::from_secs(45)));
    }

    #[test]
    fn from_http_agrees_with_from_response() {
        let headers = [("Retry-After", "2"), ("x-request-id", "req_h")];
        let http = pentify::Error::from_http(&response(429, &headers, RATE_LIMITED));
        let slice = pentify::Error::from_response(429, &headers, RATE_LIMITED.as_bytes());
        assert_eq!(http, slice);
        assert_eq!(http.retry_after(), Some(Duration::from_secs(2)));
        let owned: http::Response<Vec<u8>> = response(429, &headers, RATE_LIMITED).map(Vec::from);
        assert_eq!(pentify::Error::from_http(&owned), slice);
    }

    #[test]
    fn parse_http_picks_the_vendor() {
        let body = r#"{"error":{"code":"INTERNAL_ERROR","message":"boom","request_id":"r"}}"#;
        let e = parse_http(Vendor::Vantaprism, &response(500, &[], body));
        assert_eq!(e.vendor(), Vendor::Vantaprism);
        assert_eq!(e.code(), "INTERNAL_ERROR");
        assert!(e.any_method());
        assert_eq!(
            e.outcome(),
            Outcome::Response {
                status: 500,
                rule: Retry::Backoff,
                any_method: true,
                retry_after: None,
                min_delay: None,
                should_retry: None,
                known_code: true,
            }
        );
        let post = Request::from_http_method(&http::Method::POST);
        assert!(e.retry_decision_with(1, &post, 0.5).is_retry());
        let ok = parse_http(Vendor::Vantaprism, &response(200, &[], body));
        assert_eq!(
            ok.retry_decision_with(1, &post, 0.5).reason(),
            Some(GiveUpReason::NotAnError)
        );
    }

    #[test]
    fn requests_from_http_carry_the_method_and_the_key_header() {
        assert_eq!(
            Request::from_http_method(&http::Method::DELETE),
            Request::new("delete")
        );
        let custom = http::Method::from_bytes(b"PURGE").unwrap_or_default();
        assert_eq!(Request::from_http_method(&custom).method(), "PURGE");
        let policy = Policy {
            idempotency_key: Some("Idempotency-Key"),
            ..vantaprism::POLICY
        };
        let keyed = http::Request::post("https://example.test/")
            .header("idempotency-key", "k1")
            .body(())
            .unwrap_or_default();
        let request = Request::from_http(&keyed, &policy);
        assert_eq!(request.method(), "POST");
        assert!(request.has_idempotency_key());
        // A vendor without an idempotency key: the header means nothing.
        assert!(!Request::from_http(&keyed, &vantaprism::POLICY).has_idempotency_key());
        // The parts of a request that is not an `http::Request` read alike.
        let parts = Request::from_http_parts(keyed.method(), keyed.headers(), &policy);
        assert_eq!(parts, request);
        let get = Request::from_http_parts(&http::Method::GET, &HeaderMap::new(), &policy);
        assert_eq!(get, Request::new("GET"));
        let bare = http::Request::post("https://example.test/")
            .body(())
            .unwrap_or_default();
        assert!(!Request::from_http(&bare, &policy).has_idempotency_key());
        // Pentify's key is a body field: a request is marked in its extensions.
        assert_eq!(pentify::POLICY.idempotency_key, Some("idempotency_key"));
        let marked = http::Request::post("https://example.test/")
            .extension(crate::Idempotent)
            .body(r#"{"idempotency_key":"k"}"#)
            .unwrap_or_default();
        assert!(Request::from_http(&marked, &pentify::POLICY).has_idempotency_key());
        assert!(!Request::from_http(&bare, &pentify::POLICY).has_idempotency_key());
        assert_eq!(pentify::POLICY.backoff.jitter(), Jitter::Proportional(0.25));
    }
}

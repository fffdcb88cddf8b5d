//! Retry decisions, attempt by attempt, for errors parsed from realistic bodies, against each reference's guidance.

mod support;

use std::time::Duration;

use errcat::{Decision, GiveUpReason, Limit, Request};
use errcat_codegen::ir;
use support::with_module;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

fn secs(seconds: u64) -> Duration {
    Duration::from_secs(seconds)
}

fn retry(after: Duration) -> Decision {
    Decision::Retry { after }
}

fn give_up(reason: GiveUpReason) -> Decision {
    Decision::GiveUp { reason }
}

fn get() -> Request {
    Request::new("GET")
}

fn post() -> Request {
    Request::new("POST")
}

mod pentify {
    use super::*;
    use errcat::pentify::{BACKOFF, Error, ErrorCode};

    fn error(status: u16, code: &str, headers: &[(&str, &str)]) -> Error {
        let body = format!(
            r#"{{"error":{{"code":"{code}","message":"Something about {code}.","details":{{}},"request_id":"req_01HFY3QX"}}}}"#
        );
        let e = Error::from_response(status, headers, body.as_bytes());
        assert_eq!(e.code().as_str(), code);
        assert!(e.code().is_known(), "{code}");
        e
    }

    #[test]
    fn server_error_on_get_doubles_from_one_second_then_gives_up_at_five() {
        let e = error(500, "server_error", &[]);
        assert_eq!(e.code(), &ErrorCode::ServerError);
        for (attempt, expected) in (1..=4).zip([1, 2, 4, 8]) {
            let base = secs(expected);
            assert_eq!(
                e.retry_decision_with(attempt, &get(), 0.5),
                retry(base),
                "attempt {attempt}"
            );
            // Jitter ±25%: the lowest sample gives exactly 75%, the highest just under 125%.
            assert_eq!(
                e.retry_decision_with(attempt, &get(), 0.0),
                retry(base.mul_f64(0.75)),
                "attempt {attempt}"
            );
            let high = e
                .retry_decision_with(attempt, &get(), 0.999)
                .delay()
                .unwrap_or_else(|| panic!("attempt {attempt}: not retried"));
            assert!(
                high > base.mul_f64(1.24) && high <= base.mul_f64(1.25),
                "attempt {attempt}: {high:?}"
            );
        }
        let exhausted = give_up(GiveUpReason::AttemptsExhausted {
            max_attempts: 5,
            limit: Limit::Reference,
        });
        for attempt in [5, 6, 100, u32::MAX] {
            assert_eq!(
                e.retry_decision_with(attempt, &get(), 0.5),
                exhausted,
                "{attempt}"
            );
        }
        // DELETE is as safe as GET; attempt 0 counts as the first.
        assert_eq!(
            e.retry_decision_with(2, &Request::new("delete"), 0.5),
            retry(secs(2))
        );
        assert_eq!(e.retry_decision_with(0, &get(), 0.5), retry(secs(1)));
    }

    #[test]
    fn server_error_on_post_needs_the_idempotency_key() {
        for code in ["server_error", "engine_unavailable"] {
            let status = if code == "server_error" { 500 } else { 503 };
            let e = error(status, code, &[]);
            for attempt in 1..=4 {
                assert_eq!(
                    e.retry_decision_with(attempt, &post(), 0.5),
                    give_up(GiveUpReason::NotIdempotent),
                    "{code} attempt {attempt}"
                );
                assert_eq!(
                    e.retry_decision_with(attempt, &Request::new("PATCH"), 0.5),
                    give_up(GiveUpReason::NotIdempotent),
                    "{code} attempt {attempt}"
                );
                assert_eq!(
                    e.retry_decision_with(attempt, &post().with_idempotency_key(), 0.5),
                    retry(secs(1 << (attempt - 1))),
                    "{code} attempt {attempt}"
                );
            }
            assert_eq!(
                e.retry_decision_with(5, &post().with_idempotency_key(), 0.5),
                give_up(GiveUpReason::AttemptsExhausted {
                    max_attempts: 5,
                    limit: Limit::Reference
                })
            );
        }
    }

    #[test]
    fn the_status_not_the_code_decides_whether_a_post_is_safe() {
        // A gateway may relay Pentify's body under its own 5xx status.
        for status in [502, 504, 599] {
            let e = error(status, "server_error", &[]);
            assert_eq!(
                e.retry_decision_with(1, &post(), 0.5),
                give_up(GiveUpReason::NotIdempotent),
                "{status}"
            );
            assert_eq!(
                e.retry_decision_with(1, &get(), 0.5),
                retry(secs(1)),
                "{status}"
            );
        }
        let e = error(503, "rate_limited", &[("Retry-After", "2")]);
        assert_eq!(
            e.retry_decision_with(1, &post(), 0.5),
            give_up(GiveUpReason::NotIdempotent)
        );
        assert_eq!(e.retry_decision_with(1, &get(), 0.5), retry(secs(2)));
    }

    #[test]
    fn rate_limited_waits_what_retry_after_says_up_to_thirty_seconds() {
        let e = error(429, "rate_limited", &[("Retry-After", "7")]);
        assert_eq!(e.retry_after(), Some(secs(7)));
        for attempt in 1..=4 {
            for jitter in [0.0, 0.5, 0.999] {
                assert_eq!(
                    e.retry_decision_with(attempt, &get(), jitter),
                    retry(secs(7))
                );
                // A 429 was not acted on, so even a POST without a key is retried.
                assert_eq!(
                    e.retry_decision_with(attempt, &post(), jitter),
                    retry(secs(7))
                );
            }
        }
        assert_eq!(
            e.retry_decision_with(5, &get(), 0.5),
            give_up(GiveUpReason::AttemptsExhausted {
                max_attempts: 5,
                limit: Limit::Reference
            })
        );

        let at_cap = error(429, "rate_limited", &[("retry-after", "30")]);
        assert_eq!(at_cap.retry_decision_with(1, &get(), 0.5), retry(secs(30)));
        for (value, wait) in [("31", 31), ("3600", 3_600)] {
            let e = error(429, "rate_limited", &[("Retry-After", value)]);
            assert_eq!(
                e.retry_decision_with(1, &get(), 0.5),
                give_up(GiveUpReason::WaitTooLong {
                    wait: secs(wait),
                    cap: secs(30),
                    limit: Limit::Reference
                }),
                "Retry-After: {value}"
            );
        }
    }

    #[test]
    fn rate_limited_without_retry_after_backs_off() {
        let e = error(429, "rate_limited", &[]);
        assert_eq!(e.retry_after(), None);
        for (attempt, expected) in (1..=4).zip([1, 2, 4, 8]) {
            assert_eq!(
                e.retry_decision_with(attempt, &post(), 0.5),
                retry(secs(expected))
            );
            assert_eq!(
                e.retry_decision_with(attempt, &get(), 0.0),
                retry(secs(expected).mul_f64(0.75))
            );
        }
    }

    #[test]
    fn codes_that_need_an_action_or_a_fix_give_up_at_once() {
        let tokens = error(402, "insufficient_tokens", &[("Retry-After", "1")]);
        let verify = error(403, "target_not_verified", &[]);
        for attempt in [1, 2, 5] {
            assert_eq!(
                tokens.retry_decision_with(attempt, &get(), 0.5),
                give_up(GiveUpReason::AfterAction("After top-up"))
            );
            assert_eq!(
                verify.retry_decision_with(attempt, &get(), 0.5),
                give_up(GiveUpReason::AfterAction("After verifying"))
            );
        }
        for (status, code) in [
            (400, "validation_error"),
            (401, "invalid_api_key"),
            (403, "insufficient_scope"),
            (404, "not_found"),
            (409, "conflict"),
            (422, "unprocessable"),
        ] {
            let e = error(status, code, &[("Retry-After", "1")]);
            assert_eq!(
                e.retry_decision_with(1, &get().with_idempotency_key(), 0.5),
                give_up(GiveUpReason::NotRetryable),
                "{code}"
            );
        }
    }

    #[test]
    fn backoff_schedule_is_the_references() {
        assert_eq!(BACKOFF.max_attempts(), Some(5));
        for retry in 1..=12u32 {
            let base = secs(1u64 << (retry - 1).min(20)).min(secs(30));
            assert_eq!(BACKOFF.delay(retry, 0.5), base, "retry {retry}");
            assert!(
                BACKOFF.delay(retry, 0.0) >= base.mul_f64(0.75),
                "retry {retry}"
            );
            assert!(
                BACKOFF.delay(retry, 0.999) <= base.mul_f64(1.25),
                "retry {retry}"
            );
            assert!(BACKOFF.delay(retry, 0.999) <= secs(30), "retry {retry}");
        }
    }
}

mod defendis {
    use super::*;
    use errcat::defendis::{BACKOFF, Error, ErrorCode};

    fn error(status: u16, message: &str, headers: &[(&str, &str)]) -> Error {
        let body = format!(r#"{{ "error": "{message}" }}"#);
        let mut all = vec![("x-request-id", "req_d_1")];
        all.extend_from_slice(headers);
        let e = Error::from_response(status, &all, body.as_bytes());
        assert_eq!(e.message(), message);
        assert_eq!(e.request_id(), Some("req_d_1"));
        e
    }

    #[test]
    fn server_errors_on_get_back_off_from_half_a_second_six_attempts_in_all() {
        for status in [500, 502, 503, 504] {
            let e = error(status, "Service temporarily unavailable", &[]);
            assert_eq!(e.code(), &ErrorCode::from_status(status));
            for (attempt, expected) in (1..=5).zip([500, 1_000, 2_000, 4_000, 8_000]) {
                assert_eq!(
                    e.retry_decision_with(attempt, &get(), 0.0),
                    retry(ms(expected)),
                    "{status} attempt {attempt}"
                );
                // `Math.random() * 250` ms added: just under 250 ms at the highest sample.
                assert_eq!(
                    e.retry_decision_with(attempt, &get(), 0.999),
                    retry(ms(expected) + Duration::from_micros(249_750)),
                    "{status} attempt {attempt}"
                );
            }
            assert_eq!(
                e.retry_decision_with(6, &get(), 0.0),
                give_up(GiveUpReason::AttemptsExhausted {
                    max_attempts: 6,
                    limit: Limit::Reference
                }),
                "{status}"
            );
        }
    }

    #[test]
    fn server_errors_on_post_are_not_retried_even_with_a_key() {
        let e = error(503, "Service temporarily unavailable", &[]);
        for request in [
            post(),
            post().with_idempotency_key(),
            Request::new("DELETE"),
            Request::new("PUT"),
            Request::new("HEAD"),
        ] {
            for attempt in 1..=5 {
                assert_eq!(
                    e.retry_decision_with(attempt, &request, 0.0),
                    give_up(GiveUpReason::NotIdempotent),
                    "{request:?} attempt {attempt}"
                );
            }
        }
    }

    #[test]
    fn rate_limit_backs_off_for_every_method_and_ignores_retry_after() {
        // The catalog's 429 rule is `backoff`; a 429 is not a 5xx, so the method does not matter.
        // Defendis documents no delay header, so a Retry-After is not read.
        let e = error(429, "Rate limit exceeded", &[("Retry-After", "20")]);
        assert_eq!(e.code(), &ErrorCode::Code429);
        assert_eq!(e.retry_rule(), errcat::Retry::Backoff);
        assert_eq!(e.retry_after(), None);
        for request in [get(), post(), Request::new("PATCH")] {
            for (attempt, expected) in (1..=5).zip([500, 1_000, 2_000, 4_000, 8_000]) {
                assert_eq!(
                    e.retry_decision_with(attempt, &request, 0.0),
                    retry(ms(expected)),
                    "{request:?} attempt {attempt}"
                );
            }
            assert_eq!(
                e.retry_decision_with(6, &request, 0.0),
                give_up(GiveUpReason::AttemptsExhausted {
                    max_attempts: 6,
                    limit: Limit::Reference
                })
            );
        }
    }

    #[test]
    fn quota_conflict_and_client_errors_give_up() {
        let quota = error(409, "quota_domains_reached", &[]);
        assert_eq!(
            quota.retry_decision_with(1, &get(), 0.0),
            give_up(GiveUpReason::AfterAction(
                "Reduce usage or increase workspace quotas, then retry"
            ))
        );
        for status in [400, 401, 403, 404] {
            let e = error(status, "nope", &[]);
            assert_eq!(
                e.retry_decision_with(1, &get(), 0.0),
                give_up(GiveUpReason::NotRetryable),
                "{status}"
            );
        }
        // An undocumented 5xx is treated like the documented ones; an undocumented 4xx is not retried.
        let gateway = error(599, "edge", &[]);
        assert_eq!(gateway.code().as_str(), "599");
        assert_eq!(gateway.retry_decision_with(1, &get(), 0.0), retry(ms(500)));
        assert_eq!(
            gateway.retry_decision_with(1, &post(), 0.0),
            give_up(GiveUpReason::NotIdempotent)
        );
        let teapot = error(418, "teapot", &[]);
        assert_eq!(
            teapot.retry_decision_with(1, &get(), 0.0),
            give_up(GiveUpReason::NotRetryable)
        );
    }

    #[test]
    fn backoff_schedule_is_the_references() {
        assert_eq!(BACKOFF.max_attempts(), Some(6));
        // `Math.min(30_000, baseDelayMs * 2 ** attempt)` plus up to 250 ms.
        for retry in 1..=12u32 {
            let base = ms(500 << (retry - 1)).min(secs(30));
            assert_eq!(BACKOFF.delay(retry, 0.0), base, "retry {retry}");
            let high = BACKOFF.delay(retry, 0.999);
            assert!(
                high >= base && high < base + ms(250),
                "retry {retry}: {high:?}"
            );
            assert!(high <= secs(30), "retry {retry}: {high:?}");
        }
        assert_eq!(BACKOFF.delay(1, 0.5), ms(625));
    }
}

mod cert_ix {
    use super::*;
    use errcat::cert_ix::{Error, ErrorCode};

    fn error(status: u16, code: &str, message: &str, headers: &[(&str, &str)]) -> Error {
        let body =
            format!("{{\n\"success\": false,\n\"error\": \"{message}\",\n\"code\": \"{code}\"\n}}");
        let e = Error::from_response(status, headers, body.as_bytes());
        assert_eq!(e.code().as_str(), code);
        assert_eq!(e.message(), message);
        e
    }

    #[test]
    fn quota_exceeded_is_never_retried_even_with_retry_after() {
        for headers in [
            &[][..],
            &[("Retry-After", "5")][..],
            &[("Retry-After", "0")][..],
        ] {
            let e = error(
                429,
                "QUOTA_EXCEEDED",
                "Monthly scan quota exceeded",
                headers,
            );
            assert_eq!(e.code(), &ErrorCode::QuotaExceeded);
            assert_eq!(e.kind(), errcat::ErrorKind::QuotaExhausted);
            for attempt in 1..=5 {
                assert_eq!(
                    e.retry_decision_with(attempt, &get(), 0.5),
                    give_up(GiveUpReason::AfterAction(
                        "Upgrade your plan or wait for the next billing period"
                    )),
                    "{headers:?} attempt {attempt}"
                );
            }
        }
    }

    #[test]
    fn rate_limit_exceeded_waits_retry_after() {
        let message = "Rate limit exceeded. Retry in 12 seconds.";
        let e = error(
            429,
            "RATE_LIMIT_EXCEEDED",
            message,
            &[("Retry-After", "12")],
        );
        assert_eq!(e.kind(), errcat::ErrorKind::RateLimited);
        for attempt in 1..=4 {
            assert_eq!(
                e.retry_decision_with(attempt, &post(), 0.5),
                retry(secs(12))
            );
        }
        assert_eq!(
            e.retry_decision_with(5, &post(), 0.5),
            give_up(GiveUpReason::AttemptsExhausted {
                max_attempts: 5,
                limit: Limit::Reference
            })
        );
        // Without the header: `2 ** attempt` seconds from attempt 0, no jitter.
        let bare = error(429, "RATE_LIMIT_EXCEEDED", message, &[]);
        for (attempt, expected) in (1..=4).zip([1, 2, 4, 8]) {
            for jitter in [0.0, 0.999] {
                assert_eq!(
                    bare.retry_decision_with(attempt, &get(), jitter),
                    retry(secs(expected))
                );
            }
        }
    }

    #[test]
    fn server_errors_back_off_for_safe_requests() {
        for (status, code) in [
            (500, "INTERNAL_ERROR"),
            (503, "SERVICE_UNAVAILABLE"),
            (500, "DATABASE_ERROR"),
            (503, "KAFKA_ERROR"),
        ] {
            let e = error(status, code, "An internal server error occurred", &[]);
            assert_eq!(
                e.retry_decision_with(1, &get(), 0.5),
                retry(secs(1)),
                "{code}"
            );
            assert_eq!(
                e.retry_decision_with(3, &get(), 0.5),
                retry(secs(4)),
                "{code}"
            );
            assert_eq!(
                e.retry_decision_with(1, &post(), 0.5),
                give_up(GiveUpReason::NotIdempotent),
                "{code}"
            );
        }
    }
}

mod vantaprism {
    use super::*;
    use errcat::vantaprism::{BACKOFF, Error};

    fn error(status: u16, code: &str, headers: &[(&str, &str)]) -> Error {
        let body = format!(
            r#"{{
  "error": {{
    "code": "{code}",
    "message": "Limit reached",
    "request_id": "req_01HZXK3Q7N8YV6F3M2P9JABCDE"
  }}
}}"#
        );
        let e = Error::from_response(status, headers, body.as_bytes());
        assert_eq!(e.code().as_str(), code);
        assert_eq!(e.request_id(), Some("req_01HZXK3Q7N8YV6F3M2P9JABCDE"));
        e
    }

    #[test]
    fn every_429_code_waits_retry_after_seconds() {
        for code in [
            "RATE_LIMIT_EXCEEDED",
            "INFRASTRUCTURE_LIMIT_EXCEEDED",
            "QUOTA_EXHAUSTED",
        ] {
            let e = error(429, code, &[("Retry-After", "9")]);
            assert_eq!(e.retry_rule(), errcat::Retry::RetryAfter, "{code}");
            for request in [get(), post()] {
                assert_eq!(
                    e.retry_decision_with(1, &request, 0.5),
                    retry(secs(9)),
                    "{code}"
                );
                assert_eq!(
                    e.retry_decision_with(2, &request, 0.5),
                    retry(secs(9)),
                    "{code}"
                );
            }
        }
    }

    #[test]
    fn without_a_documented_cap_retry_after_is_bounded_by_errcat_s_default() {
        // "429 Retry after Retry-After seconds", and no cap anywhere in the reference:
        // 45 s is honoured, an hour is past the default longest wait (60 s).
        assert_eq!(BACKOFF.max(), None);
        assert_eq!(errcat::vantaprism::POLICY.max_server_delay, None);
        let quota = |wait: u64| {
            error(
                429,
                "QUOTA_EXHAUSTED",
                &[("Retry-After", &wait.to_string())],
            )
        };
        assert_eq!(
            quota(45).retry_decision_with(1, &get(), 0.5),
            retry(secs(45))
        );
        assert_eq!(
            quota(3_600).retry_decision_with(1, &get(), 0.5),
            give_up(GiveUpReason::WaitTooLong {
                wait: secs(3_600),
                cap: secs(60),
                limit: Limit::Default
            })
        );
    }

    #[test]
    fn internal_error_is_retried_for_any_method_without_an_attempt_limit() {
        // "500 Safe to retry with exponential backoff": a POST too.
        let e = error(500, "INTERNAL_ERROR", &[]);
        assert!(e.any_method());
        assert_eq!(BACKOFF.max_attempts(), None);
        for request in [get(), post(), Request::new("PATCH")] {
            for (attempt, expected) in (1..=2).zip([1, 2]) {
                assert_eq!(
                    e.retry_decision_with(attempt, &request, 0.5),
                    retry(secs(expected)),
                    "{request:?} attempt {attempt}"
                );
            }
            // Without an attempt limit in the reference, errcat's default of 3 applies.
            assert_eq!(
                e.retry_decision_with(3, &request, 0.5),
                give_up(GiveUpReason::AttemptsExhausted {
                    max_attempts: 3,
                    limit: Limit::Default
                })
            );
        }
        let upstream = error(503, "UPSTREAM_UNAVAILABLE", &[("Retry-After", "5")]);
        assert!(!upstream.any_method());
        assert_eq!(
            upstream.retry_decision_with(1, &post(), 0.5),
            give_up(GiveUpReason::NotIdempotent)
        );
        // The catalog's 503 rule is `backoff`, which waits at least what Retry-After says.
        assert_eq!(upstream.retry_after(), Some(secs(5)));
        assert_eq!(upstream.retry_decision_with(1, &get(), 0.5), retry(secs(5)));
        // A shorter Retry-After than the backoff: the backoff wins.
        let soon = error(503, "UPSTREAM_UNAVAILABLE", &[("Retry-After", "1")]);
        assert_eq!(soon.retry_decision_with(2, &get(), 0.5), retry(secs(2)));
        // An hour: the reference sets no cap, errcat's default longest wait does.
        let later = error(503, "UPSTREAM_UNAVAILABLE", &[("Retry-After", "3600")]);
        assert_eq!(
            later.retry_decision_with(1, &get(), 0.5).reason(),
            Some(GiveUpReason::WaitTooLong {
                wait: secs(3_600),
                cap: secs(60),
                limit: Limit::Default
            })
        );
    }

    #[test]
    fn a_client_limit_is_what_stops_a_long_wait() {
        let e = error(429, "RATE_LIMIT_EXCEEDED", &[("Retry-After", "45")]);
        let limits = errcat::Limits::new().with_max_wait(secs(30));
        let request = get();
        let input = errcat::Attempt::new(e.policy(), e.outcome(), &request).with_limits(&limits);
        assert_eq!(
            errcat::decide(&input),
            give_up(GiveUpReason::WaitTooLong {
                wait: secs(45),
                cap: secs(30),
                limit: Limit::Client
            })
        );
    }
}

mod inkog {
    use super::*;
    use errcat::inkog::Error;

    #[test]
    fn rate_limited_waits_sixty_seconds_as_its_example_does() {
        // `retry_after = int(response.headers.get("Retry-After", 60))`.
        let body = br#"{"success":false,"error":{"code":"RATE_LIMITED","message":"Rate limit exceeded. Please retry later."}}"#;
        let e = Error::from_response(429, &[("Retry-After", "60")], body);
        assert_eq!(e.code().as_str(), "RATE_LIMITED");
        assert_eq!(e.retry_decision_with(1, &post(), 0.5), retry(secs(60)));
        assert_eq!(e.retry_decision_with(2, &get(), 0.5), retry(secs(60)));
        // The reference gives no attempt limit: errcat's default of 3 ends it, and a
        // client's own number replaces the default.
        assert_eq!(
            e.retry_decision_with(3, &get(), 0.5).reason(),
            Some(GiveUpReason::AttemptsExhausted {
                max_attempts: 3,
                limit: Limit::Default
            })
        );
        let limits = errcat::Limits::new().with_max_attempts(10);
        let request = get();
        let input = errcat::Attempt::new(e.policy(), e.outcome(), &request)
            .with_attempt(9)
            .with_limits(&limits)
            .with_jitter(0.5);
        assert_eq!(errcat::decide(&input), retry(secs(60)));
    }
}

/// The decision the catalog's rule implies at the first retry of a GET, with a delay header of one second.
fn first_retry_by_the_rule(
    v: &ir::Vendor,
    rule: &ir::Rule,
    retry_any_method: bool,
    status: u16,
    backoff: errcat::Backoff,
) -> Decision {
    let get_is_safe = v.retry.safe_methods.value.iter().any(|m| m == "GET");
    match rule {
        _ if status < 400 => give_up(GiveUpReason::NotAnError),
        ir::Rule::Never => give_up(GiveUpReason::NotRetryable),
        ir::Rule::After(action) => give_up(GiveUpReason::AfterAction(Box::leak(
            action.clone().into_boxed_str(),
        ))),
        _ if backoff.max_attempts().is_some_and(|max| max <= 1) => {
            give_up(GiveUpReason::AttemptsExhausted {
                max_attempts: 1,
                limit: Limit::Reference,
            })
        }
        _ if (*rule == ir::Rule::Idempotent || status >= 500)
            && !get_is_safe
            && !retry_any_method =>
        {
            give_up(GiveUpReason::NotIdempotent)
        }
        // The one-second header is read wherever the vendor documents a delay header:
        // `retry_after` waits exactly that, `backoff` and `idempotent` at least that.
        // No reset header is sent: `until_reset` backs off.
        ir::Rule::UntilReset => retry(backoff.delay(1, 0.5)),
        ir::Rule::RetryAfter | ir::Rule::Backoff | ir::Rule::Idempotent => {
            let server = v.retry.delay_header.as_ref().map(|_| secs(1));
            let cap = v.retry.max_server_delay_ms.map(ms);
            match (server, cap) {
                (Some(wait), Some(cap)) if wait > cap => give_up(GiveUpReason::WaitTooLong {
                    wait,
                    cap,
                    limit: Limit::Reference,
                }),
                (Some(wait), _) if *rule == ir::Rule::RetryAfter => retry(wait),
                (Some(wait), _) => retry(wait.max(backoff.delay(1, 0.5))),
                (None, _) => retry(backoff.delay(1, 0.5)),
            }
        }
    }
}

#[test]
fn every_codes_first_decision_follows_its_catalog_rule() {
    let catalog = support::catalog();
    let mut checked = 0;
    for v in &catalog.vendors {
        let vendor = support::runtime_vendor(v);
        let delay_header = v.retry.delay_header.as_deref().unwrap_or("Retry-After");
        for entry in &v.codes {
            for &status in &entry.statuses {
                // A code told apart by its message is sent with the text it looks for.
                let message = entry
                    .conditions
                    .iter()
                    .find_map(|c| match c {
                        ir::Condition::MessageContains(text) => Some(text.as_str()),
                        _ => None,
                    })
                    .unwrap_or("m");
                let fields: Vec<(&str, &str)> = match v.envelope.code.first() {
                    Some(pointer) => vec![
                        (pointer.as_str(), entry.code.as_str()),
                        (v.envelope.message.as_str(), message),
                    ],
                    None => vec![(v.envelope.message.as_str(), message)],
                };
                let body = match v.envelope.format {
                    ir::Format::Json => nested(&fields),
                    ir::Format::Xml => nested_xml(&fields),
                };
                // And one told apart by headers with the headers.
                let extra = support::condition_headers(entry);
                let mut headers = vec![(delay_header, "1")];
                headers.extend(extra.iter().map(|(n, value)| (n.as_str(), value.as_str())));
                let headers = headers.as_slice();
                // A status the code shares with another code's fallback or conditions.
                if v.keyed_by_status()
                    && support::code_for_response(v, status, Some(message), headers) != entry.code
                {
                    continue;
                }
                let (decision, backoff) = with_module!(vendor, m => {
                    let e = m::Error::from_response(status, headers, body.as_bytes());
                    assert_eq!(e.code().as_str(), entry.code, "{} {status}", v.id);
                    (e.retry_decision_with(1, &get(), 0.5), m::BACKOFF)
                });
                // A code's minimum delay raises a retry's wait.
                let min = entry
                    .min_delay_ms
                    .map_or(Duration::ZERO, Duration::from_millis);
                let expected = match first_retry_by_the_rule(
                    v,
                    &entry.retry,
                    entry.retry_any_method,
                    status,
                    backoff,
                ) {
                    Decision::Retry { after } => Decision::Retry {
                        after: after.max(min),
                    },
                    other => other,
                };
                assert_eq!(
                    decision, expected,
                    "{} {} at HTTP {status}",
                    v.id, entry.code
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= catalog.code_count(), "{checked}");
}

/// A JSON object with each string at its pointer, creating objects on the way.
/// An XML body with each `/Root/A/B` path's text, the paths sharing their root.
fn nested_xml(fields: &[(&str, &str)]) -> String {
    let root = fields[0].0.split('/').nth(1).expect("a root");
    let inner: String = fields
        .iter()
        .map(|(path, text)| {
            let steps: Vec<&str> = path.split('/').skip(2).collect();
            let open: String = steps.iter().map(|s| format!("<{s}>")).collect();
            let close: String = steps.iter().rev().map(|s| format!("</{s}>")).collect();
            format!("{open}{text}{close}")
        })
        .collect();
    format!("<{root}>{inner}</{root}>")
}

fn nested(fields: &[(&str, &str)]) -> String {
    let mut root = serde_json::json!({});
    for (pointer, value) in fields {
        let keys: Vec<&str> = pointer.split('/').skip(1).collect();
        let Some((last, parents)) = keys.split_last() else {
            panic!("pointer {pointer:?} names no key");
        };
        let mut at = &mut root;
        for key in parents {
            at = at
                .as_object_mut()
                .expect("pointers in one body do not clash")
                .entry(*key)
                .or_insert_with(|| serde_json::json!({}));
        }
        at.as_object_mut()
            .expect("pointers in one body do not clash")
            .insert((*last).to_owned(), serde_json::Value::from(*value));
    }
    root.to_string()
}

#[test]
fn random_jitter_stays_within_the_schedules_bounds() {
    let pentify = errcat::pentify::Error::from_response(
        500,
        &[],
        br#"{"error":{"code":"server_error","message":"Pentify internal failure."}}"#,
    );
    let defendis = errcat::defendis::Error::from_response(503, &[], br#"{"error":"down"}"#);
    let mut pentify_delays = Vec::new();
    let mut defendis_delays = Vec::new();
    for _ in 0..1_000 {
        let p = pentify.retry_decision(2, &get()).delay().expect("retried");
        assert!(p >= ms(1_500) && p <= ms(2_500), "{p:?}");
        pentify_delays.push(p);
        let d = defendis.retry_decision(3, &get()).delay().expect("retried");
        assert!(d >= ms(2_000) && d < ms(2_250), "{d:?}");
        defendis_delays.push(d);
    }
    for delays in [&mut pentify_delays, &mut defendis_delays] {
        delays.sort();
        delays.dedup();
        assert!(delays.len() > 100, "only {} distinct delays", delays.len());
    }
    // The random draw does not bypass the rules.
    assert_eq!(
        pentify.retry_decision(1, &post()),
        give_up(GiveUpReason::NotIdempotent)
    );
    assert_eq!(
        defendis.retry_decision(6, &get()),
        give_up(GiveUpReason::AttemptsExhausted {
            max_attempts: 6,
            limit: Limit::Reference
        })
    );
}

#[test]
fn a_success_with_an_error_shaped_body_is_never_retried() {
    // 1xx, 2xx and 3xx responses are not errors, whatever the body says.
    let bodies = [
        (
            errcat::Vendor::Pentify,
            r#"{"error":{"code":"rate_limited","message":"m"}}"#,
        ),
        (
            errcat::Vendor::Vantaprism,
            r#"{"error":{"code":"INTERNAL_ERROR","message":"m"}}"#,
        ),
        (
            errcat::Vendor::CertIx,
            r#"{"error":"m","code":"RATE_LIMIT_EXCEEDED"}"#,
        ),
    ];
    for (vendor, body) in bodies {
        for status in [100, 200, 204, 302] {
            let e = errcat::parse(vendor, status, &[("Retry-After", "5")], body.as_bytes());
            assert_eq!(e.retry_rule(), errcat::Retry::Never, "{vendor} {status}");
            for request in [get(), post()] {
                assert_eq!(
                    e.retry_decision_with(1, &request, 0.5),
                    give_up(GiveUpReason::NotAnError),
                    "{vendor} {status}"
                );
            }
        }
        let error = errcat::parse(vendor, 429, &[("Retry-After", "5")], body.as_bytes());
        assert_ne!(error.retry_rule(), errcat::Retry::Never, "{vendor}");
    }
}

"""The real-vendor model on a vendor built here: code paths, types, fields, status resolution,
the rate limit and the retry additions (until_reset, min_delay, the should-retry header, full jitter)."""

from __future__ import annotations

import pickle

from errcat import Attempt, Backoff, Envelope, Jitter, Limits, Policy, Request, Response, Retry, decide
from errcat._vendor import ApiError, CodeInfo, Condition, RateLimitHeaders, Table, TypeInfo, Vendor

S = 1_000_000_000
NOW = 1_700_000_000

POLICY = Policy(
    backoff=Backoff(initial_ns=1 * S, multiplier=2.0, max_ns=20 * S, jitter=Jitter(), max_attempts=None),
    delay_header="retry-after",
    safe_methods=("GET",),
    idempotency_key=None,
    should_retry_header="Should-Retry",
)
VENDOR = Vendor(
    id="acme",
    name="Acme",
    policy=POLICY,
    envelope=Envelope(
        code=("/error/code", "/error/type"),
        message="/error/message",
        error_type="/error/type",
        subcode="/error/decline_code",
        doc_url="/error/doc_url",
        fields=(("param", "/error/param"),),
    ),
    rate_limit=RateLimitHeaders(remaining="x-remaining", reset="x-reset", reset_format="epoch_seconds"),
    doc_url_template="https://acme.example/codes#{code}",
)


class AcmeError(ApiError):
    vendor = VENDOR


class CardError(AcmeError):
    type_info = TypeInfo("card_error", "A card failed.")


class CardDeclinedError(CardError):
    info = CodeInfo("card_declined", (402,), "payment_declined", Retry.NEVER, "Declined.", error_type="card_error",
                    subcodes=(("insufficient_funds", "No money."),))


class PrimaryError(AcmeError):
    info = CodeInfo("primary", (403, 429), "rate_limited", Retry.UNTIL_RESET, "Primary.",
                    conditions=(Condition.header("x-remaining", "0"),))


class SecondaryError(AcmeError):
    info = CodeInfo("secondary", (403, 429), "rate_limited", Retry.RETRY_AFTER, "Secondary.",
                    conditions=(Condition.message_contains("Secondary Rate"),), min_delay_ns=60 * S)


class ForbiddenError(AcmeError):
    info = CodeInfo("forbidden", (403,), "permission_denied", Retry.NEVER, "No.", fallback=True)


TABLE: Table[AcmeError] = Table(
    VENDOR,
    AcmeError,
    {"card_declined": CardDeclinedError, "primary": PrimaryError, "secondary": SecondaryError, "forbidden": ForbiddenError},
    {403: ForbiddenError},
)


def parse(status: int, headers: list[tuple[str, str]], body: str) -> AcmeError:
    return TABLE.from_response(status, headers, body, NOW)


def test_code_paths_in_order_and_the_type_level() -> None:
    err = parse(402, [], '{"error":{"code":"card_declined","type":"card_error","decline_code":"insufficient_funds","message":"m"}}')
    assert type(err) is CardDeclinedError and isinstance(err, CardError)
    assert (err.error_type, err.subcode, err.subcode_is_known) == ("card_error", "insufficient_funds", True)
    # No code: the type stands in for it, and a code of no known class is unknown but keeps its type.
    typed = parse(402, [], '{"error":{"code":"","type":"card_error","message":"m"}}')
    assert (type(typed), typed.code, typed.error_type, typed.kind) == (AcmeError, "card_error", "card_error", "unknown")
    # Without a type in the body, the code's catalog type.
    assert parse(402, [], '{"error":{"code":"card_declined"}}').error_type == "card_error"
    assert parse(400, [], '{"error":{"code":"other"}}').error_type is None


def test_fields_and_the_vendor_docs_url() -> None:
    err = parse(402, [], '{"error":{"code":"card_declined","param":null,"doc_url":"https://d/x"}}')
    assert dict(err.fields) == {"param": None} and err.field("param") is None and err.field("nope") is None
    assert err.vendor_docs_url == "https://d/x"
    # No link in the body: the template, for a known code only.
    assert parse(402, [], '{"error":{"code":"card_declined"}}').vendor_docs_url == "https://acme.example/codes#card_declined"
    assert parse(402, [], '{"error":{"code":"nope"}}').vendor_docs_url is None
    assert dict(parse(402, [], "not json").fields) == {}


def test_status_resolution_matches_in_catalog_order_then_the_fallback_then_unknown() -> None:
    both = parse(403, [("X-Remaining", " 0 ")], '{"error":{"message":"a SECONDARY rate limit"}}')
    assert type(both) is PrimaryError and both.code == "primary"
    assert type(parse(403, [("x-remaining", "1")], '{"error":{"message":"secondary rate limit"}}')) is SecondaryError
    # The message condition reads the body's message, never an excerpt of the body.
    assert type(parse(403, [], "secondary rate limit")) is ForbiddenError
    assert type(parse(403, [("x-remaining", "00")], "{}")) is ForbiddenError
    unknown = parse(429, [], "{}")
    assert (type(unknown), unknown.code, unknown.kind) == (AcmeError, "", "unknown")
    # A readable code is never overridden by conditions.
    assert type(parse(403, [("x-remaining", "0")], '{"error":{"code":"forbidden"}}')) is ForbiddenError


def test_the_rate_limit_and_until_reset() -> None:
    err = parse(403, [("x-remaining", "0"), ("x-reset", str(NOW + 30))], "{}")
    assert err.rate_limit is not None and (err.rate_limit.remaining, err.rate_limit.reset_ms) == (0, 30_000)
    assert err.rate_limit.reset == 30.0 and err.rate_limit.limit is None
    assert err.retry_decision(1, "POST", 0.5).after_ns == 30 * S
    past = parse(403, [("x-remaining", "0"), ("x-reset", str(NOW - 5))], "{}")
    assert past.rate_limit is not None and past.rate_limit.reset_ms == 0
    # No reset header: backoff.
    bare = parse(403, [("x-remaining", "0"), ("x-reset", "soon")], "{}")
    assert bare.rate_limit is not None and bare.rate_limit.reset_ms is None
    assert bare.retry_decision(2, "GET", 0.5).after_ns == 2 * S
    # The until-reset wait is a server delay: the client's max_wait applies to it.
    decision = err.retry_decision(1, "GET", 0.5, limits=Limits(max_wait=10))
    assert decision.reason is not None and decision.reason.id == "wait_too_long"


def test_min_delay_raises_the_wait() -> None:
    err = parse(403, [("retry-after", "2")], '{"error":{"message":"secondary rate limit"}}')
    assert type(err) is SecondaryError and err.retry_decision(1, "GET", 0.5).after_ns == 60 * S
    longer = parse(403, [("retry-after", "90")], '{"error":{"message":"secondary rate limit"}}')
    # A longer server delay is honoured once the client lifts errcat's default longest wait (60 s).
    assert longer.retry_decision(1, "GET", 0.5, limits=Limits(max_wait=None)).after_ns == 90 * S
    reason = longer.retry_decision(1, "GET", 0.5).reason
    assert reason is not None and reason.id == "wait_too_long" and reason.limit == "default"


def test_the_should_retry_header_overrides_either_way() -> None:
    declined = parse(403, [("x-remaining", "0"), ("x-reset", str(NOW + 1)), ("Should-Retry", "false")], "{}")
    reason = declined.retry_decision(1, "GET", 0.5).reason
    assert reason is not None and reason.id == "server_declined" and str(reason) == "the server said not to retry"
    forced = parse(402, [("should-retry", " TRUE ")], '{"error":{"code":"card_declined"}}')
    assert forced.should_retry is True and forced.retry_decision(2, "POST", 0.5).after_ns == 2 * S
    # A rule that already retries keeps its own delay.
    kept = parse(403, [("x-remaining", "0"), ("x-reset", str(NOW + 7)), ("should-retry", "true")], "{}")
    assert kept.retry_decision(1, "POST", 0.5).after_ns == 7 * S
    # Other values leave the code's rule.
    assert parse(402, [("should-retry", "yes")], '{"error":{"code":"card_declined"}}').retry_decision(1, "GET").reason is not None
    # Below 400 the response is not an error, whatever the header says.
    response = Response(307, Retry.NEVER, should_retry=True)
    reason = decide(Attempt(POLICY, response, Request("GET"))).reason
    assert reason is not None and reason.id == "not_an_error"


def test_full_jitter_draws_from_zero_to_the_capped_delay() -> None:
    backoff = Backoff(initial_ns=1 * S, multiplier=2.0, max_ns=20 * S, jitter=Jitter.full(), max_attempts=None)
    assert backoff.delay_ns(3, 0.5) == 2 * S
    assert backoff.delay_ns(3, 0.0) == 0
    assert backoff.delay_ns(10, 0.5) == 10 * S  # min(20 s, 512 s) x 0.5


def test_the_new_facts_survive_pickling() -> None:
    err = parse(402, [("x-reset", str(NOW + 3))], '{"error":{"code":"card_declined","type":"card_error","param":"p"}}')
    back = pickle.loads(pickle.dumps(err))
    assert (type(back), back.error_type, dict(back.fields), back.rate_limit) == (
        CardDeclinedError,
        "card_error",
        {"param": "p"},
        err.rate_limit,
    )


def test_hostile_bodies_never_raise() -> None:
    for body in ["", "[", '{"error":{"code":5,"type":[],"param":{"a":[1]}}}', "\x00" * 10, '{"error":' * 200]:
        err = parse(403, [("x-reset", "9" * 40), ("should-retry", "\u0130")], body)
        assert isinstance(err, AcmeError) and err.rate_limit is not None and err.rate_limit.reset_ms is None

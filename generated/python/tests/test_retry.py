"""Backoff arithmetic and the retry decision (semantics v2), the Rust runtime's cases and each check in order."""

from __future__ import annotations

import math
from typing import Optional

import pytest

from errcat import Attempt, Backoff, Decision, GiveUpReason, Jitter, Limits, Outcome, Policy, Request, Response, Retry, TransportFailure, decide, jitter_sample
from errcat._retry import to_ns

S = 1_000_000_000
MS = 1_000_000

PENTIFY = Backoff(1 * S, 2.0, 30 * S, Jitter.proportional(0.25), 5)
DEFENDIS = Backoff(500 * MS, 2.0, 30 * S, Jitter.additive(0.25), 6)
POLICY = Policy(PENTIFY, "Retry-After", ("GET", "delete"), "idempotency_key")


def test_pentify_doubles_from_one_second_at_midpoint_jitter() -> None:
    assert [PENTIFY.delay_ns(r, 0.5) for r in range(1, 5)] == [1 * S, 2 * S, 4 * S, 8 * S]
    assert PENTIFY.delay(2, 0.5) == 2.0


def test_pentify_jitter_spans_plus_minus_a_quarter() -> None:
    assert PENTIFY.delay_ns(1, 0.0) == 750 * MS
    high = PENTIFY.delay_ns(1, 0.999_999)
    assert abs(high - 1250 * MS) <= 1000 and high < 1250 * MS
    assert PENTIFY.delay_ns(3, 0.0) == 3 * S


def test_pentify_is_capped_at_thirty_seconds() -> None:
    assert PENTIFY.delay_ns(10, 0.5) == 30 * S
    assert PENTIFY.delay_ns(10, 0.0) == 30 * S
    assert PENTIFY.delay_ns(2**32 - 1, 0.999) == 30 * S
    assert PENTIFY.delay_ns(5, 0.999_999_999) // S == 19


def test_defendis_adds_up_to_a_quarter_second() -> None:
    assert [DEFENDIS.delay_ns(r, 0.0) for r in range(1, 8)] == [x * MS for x in [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000]]
    assert DEFENDIS.delay_ns(1, 0.5) == 625 * MS
    assert DEFENDIS.delay_ns(2, 0.5) == 1_125 * MS
    assert DEFENDIS.delay_ns(6, 0.999) == 16_249_750_000


def test_defendis_never_exceeds_the_cap() -> None:
    for retry in [*range(0, 101), 1_000, 2**32 - 2, 2**32 - 1]:
        for jitter in [0.0, 0.5, 0.999_999]:
            assert DEFENDIS.delay_ns(retry, jitter) <= 30 * S


def test_retry_zero_counts_as_first_retry() -> None:
    assert PENTIFY.delay_ns(0, 0.5) == PENTIFY.delay_ns(1, 0.5)
    assert DEFENDIS.delay_ns(0, 0.0) == 500 * MS


@pytest.mark.parametrize(("sample", "expected"), [(math.nan, 750), (-3.0, 750), (-math.inf, 750), (7.0, 1_250), (math.inf, 1_250)])
def test_out_of_range_jitter_is_clamped(sample: float, expected: int) -> None:
    assert PENTIFY.delay_ns(1, sample) == expected * MS
    assert DEFENDIS.delay_ns(1, 2.0) == 750 * MS


def test_uncapped_huge_exponent_saturates() -> None:
    backoff = Backoff(1 * S, 10.0, None, Jitter(), 3)
    assert backoff.delay_ns(2**32 - 1, 0.5) == 2**64 - 1
    assert backoff.delay_ns(3, 0.5) == 100 * S
    additive = Backoff(2**64 - 1, math.inf, None, Jitter("additive", spread_ns=2**64 - 1), 3)
    assert additive.delay_ns(2**32 - 1, 1.0) == 2 * (2**64 - 1)


def test_degenerate_parameters() -> None:
    assert Backoff(0, math.inf, None, Jitter(), 3).delay_ns(50, 0.5) == 0
    assert Backoff(2 * S, math.nan, None, Jitter.proportional(math.nan), 3).delay_ns(9, 0.0) == 2 * S
    negative = Backoff(2 * S, -4.0, None, Jitter.proportional(5.0), 3)
    assert negative.delay_ns(3, 0.0) == 0
    assert negative.delay_ns(3, 1.0) == 4 * S
    assert Backoff(8 * S, 0.5, None, Jitter(), 3).delay_ns(3, 0.5) == 2 * S


def test_non_binary_fractions_round_to_the_nanosecond() -> None:
    backoff = Backoff(100 * MS, 3.0, None, Jitter(), 9)
    assert backoff.delay_ns(2, 0.0) == 300 * MS
    assert backoff.delay_ns(3, 0.0) == 900 * MS
    assert to_ns(0.1) == 100 * MS
    assert to_ns(-1) == 0 and to_ns(math.nan) == 0


def test_request_normalises_the_method() -> None:
    request = Request("post")
    assert (request.method, request.idempotency_key) == ("POST", False)
    keyed = request.with_idempotency_key()
    assert (keyed.method, keyed.idempotency_key) == ("POST", True)
    assert Request("GeT") == Request("GET")


def test_safety_follows_methods_and_idempotency_keys() -> None:
    assert POLICY.is_safe(Request("get"))
    assert POLICY.is_safe(Request("DELETE"))
    assert not POLICY.is_safe(Request("POST"))
    assert POLICY.is_safe(Request("POST", True))
    no_key = Policy(PENTIFY, "Retry-After", ("GET", "delete"), None)
    assert not no_key.is_safe(Request("POST", True))
    assert not Policy(PENTIFY, None, (), None).is_safe(Request("GET"))


def run(
    outcome: Outcome,
    attempt: int = 1,
    method: str = "GET",
    limits: Limits = Limits(),
    elapsed: float = 0.0,
    policy: Policy = POLICY,
    jitter: float = 0.5,
) -> Decision:
    return decide(Attempt(policy, outcome, Request(method), attempt, limits, elapsed, jitter))


def response(status: int, rule: Retry, wait: Optional[int] = None, any_method: bool = False) -> Response:
    return Response(status, rule, any_method, None if wait is None else wait * S)


def give_up(reason: str, **fields: object) -> Decision:
    return Decision(reason=GiveUpReason(reason, **fields))  # type: ignore[arg-type]


def test_1_a_status_below_400_is_not_an_error() -> None:
    for status in [100, 200, 204, 304, 399]:
        assert run(response(status, Retry.BACKOFF)) == give_up("not_an_error")
    assert run(response(400, Retry.BACKOFF)).is_retry


def test_2_never_and_after_give_up_before_anything_else() -> None:
    assert run(response(400, Retry.NEVER)) == give_up("not_retryable")
    assert run(response(500, Retry.NEVER, 1), attempt=99, method="POST") == give_up("not_retryable")
    assert run(response(401, Retry.after("rotate the API key")), attempt=99) == give_up("after_action", action="rotate the API key")


def test_3_the_attempt_limit_is_the_smaller_one_and_the_reference_wins_ties() -> None:
    reference = give_up("attempts_exhausted", max_attempts=5, limit="reference")
    assert run(response(429, Retry.BACKOFF), attempt=5) == reference
    assert run(response(429, Retry.RETRY_AFTER, 1), attempt=6) == reference
    assert run(TransportFailure.CONNECT, attempt=2**32) == reference
    assert run(response(429, Retry.BACKOFF), attempt=4).is_retry
    assert run(response(429, Retry.BACKOFF), attempt=5, limits=Limits(max_attempts=5)) == reference
    assert run(response(429, Retry.BACKOFF), attempt=3, limits=Limits(max_attempts=3)) == give_up(
        "attempts_exhausted", max_attempts=3, limit="client"
    )
    assert run(response(429, Retry.BACKOFF), attempt=4, limits=Limits(max_attempts=9)).is_retry
    unlimited = Policy(Backoff(S, 2.0, None, Jitter(), None), None, ("GET",), None)
    # Without the reference's limit, errcat's default ends it; removed, the platform's timer does.
    assert run(response(429, Retry.BACKOFF), attempt=3, policy=unlimited) == give_up(
        "attempts_exhausted", max_attempts=3, limit="default"
    )
    assert run(response(429, Retry.BACKOFF), attempt=2, policy=unlimited).is_retry
    assert run(response(429, Retry.BACKOFF), attempt=21, policy=unlimited, limits=Limits.none()) == Decision(
        after_ns=2**20 * S
    )
    assert run(response(429, Retry.BACKOFF), attempt=1000, policy=unlimited, limits=Limits.none()) == give_up(
        "wait_too_long", wait_ns=2**64 - 1, cap_ns=2_147_483_647 * MS, limit="platform"
    )
    assert run(response(429, Retry.BACKOFF), attempt=7, policy=unlimited, limits=Limits(max_attempts=7)) == give_up(
        "attempts_exhausted", max_attempts=7, limit="client"
    )


def test_4_server_errors_and_timeouts_need_a_safe_request() -> None:
    not_idempotent = give_up("not_idempotent")
    assert run(response(500, Retry.BACKOFF), method="POST") == not_idempotent
    assert run(response(599, Retry.RETRY_AFTER, 2), method="PATCH") == not_idempotent
    assert run(response(409, Retry.IDEMPOTENT), method="POST") == not_idempotent
    assert run(response(500, Retry.BACKOFF), method="GET").is_retry
    assert run(response(499, Retry.BACKOFF), method="POST").is_retry
    assert run(response(600, Retry.BACKOFF), method="POST").is_retry
    assert run(response(500, Retry.BACKOFF, any_method=True), method="POST").is_retry
    assert run(response(409, Retry.IDEMPOTENT, any_method=True), method="POST").is_retry
    assert decide(Attempt(POLICY, response(502, Retry.BACKOFF), Request("POST", True), jitter=0.5)).is_retry
    assert run(TransportFailure.TIMEOUT, method="POST") == not_idempotent
    assert run(TransportFailure.RESET, method="POST") == not_idempotent
    assert run(TransportFailure.CONNECT, method="POST") == Decision(after_ns=S)
    assert run(TransportFailure.TIMEOUT, method="DELETE") == Decision(after_ns=S)


def test_5_the_wait_honours_the_server_delay() -> None:
    assert run(response(429, Retry.RETRY_AFTER, 7), method="POST") == Decision(after_ns=7 * S)
    assert run(response(429, Retry.RETRY_AFTER, 0), attempt=3) == Decision(after_ns=0)
    assert run(response(429, Retry.RETRY_AFTER), attempt=3) == Decision(after_ns=4 * S)
    assert run(response(429, Retry.BACKOFF, 20), attempt=2) == Decision(after_ns=20 * S)
    assert run(response(429, Retry.BACKOFF, 1), attempt=3) == Decision(after_ns=4 * S)
    # The backoff cap does not cap the server's wait; errcat's default longest wait (60 s) does.
    assert run(response(503, Retry.BACKOFF, 60)) == Decision(after_ns=60 * S)
    assert run(response(503, Retry.BACKOFF, 99)) == give_up("wait_too_long", wait_ns=99 * S, cap_ns=60 * S, limit="default")
    assert run(response(503, Retry.BACKOFF, 99), limits=Limits(max_wait=None)) == Decision(after_ns=99 * S)
    # A 30-day Retry-After: past the platform's timer even with every limit removed.
    month = 30 * 86_400
    assert run(response(429, Retry.RETRY_AFTER, month), limits=Limits.none()) == give_up(
        "wait_too_long", wait_ns=month * S, cap_ns=2_147_483_647 * MS, limit="platform"
    )
    assert run(response(429, Retry.BACKOFF), jitter=0.0) == Decision(after_ns=750 * MS)


def test_6_the_vendor_caps_the_server_delay_then_the_client_caps_the_wait() -> None:
    capped = Policy(PENTIFY, "Retry-After", ("GET",), None, max_server_delay_ns=30 * S)
    assert run(response(429, Retry.RETRY_AFTER, 30), policy=capped) == Decision(after_ns=30 * S)
    assert run(response(429, Retry.RETRY_AFTER, 31), policy=capped) == give_up(
        "wait_too_long", wait_ns=31 * S, cap_ns=30 * S, limit="reference"
    )
    assert run(response(429, Retry.RETRY_AFTER, 31), policy=capped, limits=Limits(max_wait=10)) == give_up(
        "wait_too_long", wait_ns=31 * S, cap_ns=30 * S, limit="reference"
    )
    assert run(response(429, Retry.RETRY_AFTER, 20), policy=capped, limits=Limits(max_wait=10)) == give_up(
        "wait_too_long", wait_ns=20 * S, cap_ns=10 * S, limit="client"
    )
    assert run(response(429, Retry.BACKOFF), attempt=4, limits=Limits(max_wait=7.5)) == give_up(
        "wait_too_long", wait_ns=8 * S, cap_ns=7_500 * MS, limit="client"
    )
    assert run(response(429, Retry.BACKOFF), attempt=4, limits=Limits(max_wait=8)) == Decision(after_ns=8 * S)


def test_7_the_deadline_counts_the_time_already_spent() -> None:
    limits = Limits(deadline=10)
    assert run(response(429, Retry.BACKOFF), attempt=3, limits=limits, elapsed=6) == Decision(after_ns=4 * S)
    assert run(response(429, Retry.BACKOFF), attempt=3, limits=limits, elapsed=6.001) == give_up(
        "deadline_exceeded", deadline_ns=10 * S, limit="client"
    )
    assert run(TransportFailure.CONNECT, limits=Limits(deadline=0.5)) == give_up(
        "deadline_exceeded", deadline_ns=500 * MS, limit="client"
    )
    # errcat's default deadline of 5 minutes, and none once removed.
    assert run(TransportFailure.CONNECT, elapsed=299.001) == give_up("deadline_exceeded", deadline_ns=300 * S, limit="default")
    assert run(TransportFailure.CONNECT, elapsed=299.001, limits=Limits(deadline=None)) == Decision(after_ns=S)


def test_a_missing_jitter_draws_a_sample() -> None:
    delays = {decide(Attempt(POLICY, response(429, Retry.BACKOFF), Request("GET"))).after_ns for _ in range(50)}
    assert all(d is not None and 750 * MS <= d <= 1_250 * MS for d in delays)
    assert len(delays) > 1


def test_decisions_and_reasons_read_as_sentences() -> None:
    assert Decision(after_ns=1_500 * MS).delay == 1.5
    assert str(Decision(after_ns=1_500 * MS)) == "retry after 1.5s"
    assert Decision(reason=GiveUpReason("not_idempotent")).delay is None
    assert str(give_up("attempts_exhausted", max_attempts=5, limit="reference")) == "give up: 5 attempts made, the vendor's limit"
    assert str(GiveUpReason("attempts_exhausted", max_attempts=1, limit="client")) == "1 attempt made, the client's limit"
    assert str(GiveUpReason("after_action", action="verify the domain")) == "retry only after this is done: verify the domain"
    assert "60.0s" in str(GiveUpReason("wait_too_long", wait_ns=60 * S, cap_ns=30 * S, limit="reference"))
    for reason in ["not_an_error", "not_retryable", "deadline_exceeded", "budget_exhausted"]:
        assert str(GiveUpReason(reason, deadline_ns=S))  # type: ignore[arg-type]


def test_transport_failures_by_id() -> None:
    assert TransportFailure.from_id("timeout") == TransportFailure.TIMEOUT
    assert TransportFailure.from_id("reset") is TransportFailure.RESET
    assert repr(TransportFailure.CONNECT) == "TransportFailure.CONNECT"
    with pytest.raises(ValueError, match="unknown transport failure"):
        TransportFailure.from_id("dns")


def test_jitter_samples_are_in_range_and_vary() -> None:
    samples = [jitter_sample() for _ in range(1_000)]
    assert all(0.0 <= s < 1.0 for s in samples)
    assert len(set(samples)) > 1
    assert 300 <= sum(1 for s in samples if s < 0.5) <= 700

"""Retry rules, backoff schedules and the vendor-independent decision whether to retry a failed request.

Durations are held as integers of nanoseconds (the ``*_ns`` fields), so that every language
computes the same delays; the accessors without ``_ns`` give seconds as floats, the unit
``time.sleep`` takes. The decision follows errcat's retry semantics, version 2: the checks run
in a fixed order and the first that applies wins (see :func:`decide`).
"""

from __future__ import annotations

import enum
import math
import random
from dataclasses import dataclass
from typing import ClassVar, Literal, Optional, Tuple, Union

__all__ = [
    "Attempt",
    "Backoff",
    "DEFAULT",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_MAX_WAIT",
    "TIMER_MAX",
    "Default",
    "Limit",
    "Decision",
    "GiveUpReason",
    "Jitter",
    "Limits",
    "Outcome",
    "Policy",
    "Request",
    "Response",
    "Retry",
    "TransportFailure",
    "decide",
    "jitter_sample",
    "to_ns",
]

_NS = 1_000_000_000
_U64_MAX = 2**64 - 1


def to_ns(seconds: float) -> int:
    """Seconds (an int or a float) as whole nanoseconds, rounded to the nearest; negatives and NaN give 0."""
    if isinstance(seconds, int):
        return max(0, seconds * _NS)
    return _round_ns(seconds * _NS)


def _round_ns(nanos: float) -> int:
    """A float of nanoseconds as an integer, rounding half away from zero.

    NaN and values at or below zero give 0; values too large saturate at ``2**64 - 1``.
    """
    if math.isnan(nanos) or nanos <= 0.0:
        return 0
    if nanos >= 18446744073709551616.0:
        return _U64_MAX
    whole = math.floor(nanos)
    return int(whole) + (1 if nanos - whole >= 0.5 else 0)


def _seconds(nanos: Optional[int]) -> Optional[float]:
    return None if nanos is None else nanos / _NS


RuleName = Literal["never", "backoff", "retry_after", "until_reset", "idempotent", "after"]


@dataclass(frozen=True)
class Retry:
    """A code's retry rule: what a client should do after receiving this error.

    ``never``: retrying the same request cannot help. ``backoff``: retry with the vendor's
    exponential backoff. ``retry_after``: wait as long as the server's delay header says,
    backing off when it is absent. ``until_reset``: wait until the vendor's rate-limit reset
    header says, backing off when it is absent. ``idempotent``: back off only when the request
    is safe to repeat. ``after``: give up; retry only after the user has done ``action``.
    """

    rule: RuleName
    action: Optional[str] = None

    NEVER: ClassVar[Retry]
    BACKOFF: ClassVar[Retry]
    RETRY_AFTER: ClassVar[Retry]
    UNTIL_RESET: ClassVar[Retry]
    IDEMPOTENT: ClassVar[Retry]

    @staticmethod
    def after(action: str) -> Retry:
        """The rule ``after``: retry only once ``action`` is done."""
        return Retry("after", action)

    def __str__(self) -> str:
        if self.rule == "after":
            return f"only after: {self.action}"
        return self.rule


Retry.NEVER = Retry("never")
Retry.BACKOFF = Retry("backoff")
Retry.RETRY_AFTER = Retry("retry_after")
Retry.UNTIL_RESET = Retry("until_reset")
Retry.IDEMPOTENT = Retry("idempotent")


@dataclass(frozen=True)
class Jitter:
    """How a backoff delay is randomised so that many clients do not retry in lockstep.

    ``none``: the delay is used as computed. ``proportional``: the delay is scaled by a factor
    within plus or minus ``fraction`` (0.25 means ±25%). ``additive``: up to ``spread_ns``
    nanoseconds are added. ``full``: the delay, capped, is scaled by the sample itself, so it is
    drawn from 0 up to the delay (AWS's "full jitter").
    """

    kind: Literal["none", "proportional", "additive", "full"] = "none"
    fraction: float = 0.0
    spread_ns: int = 0

    @staticmethod
    def proportional(fraction: float) -> Jitter:
        """Plus or minus ``fraction`` of the delay."""
        return Jitter("proportional", fraction=fraction)

    @staticmethod
    def full() -> Jitter:
        """A uniform draw from 0 up to the capped delay."""
        return Jitter("full")

    @staticmethod
    def additive(spread: float) -> Jitter:
        """Plus 0 up to ``spread`` seconds."""
        return Jitter("additive", spread_ns=to_ns(spread))


@dataclass(frozen=True)
class Backoff:
    """A vendor's exponential backoff schedule and its attempt limit.

    ``max_ns`` is ``None`` when the reference sets no cap; ``max_attempts`` (every attempt, the
    first included) is ``None`` when the reference gives no limit.
    """

    initial_ns: int
    multiplier: float
    max_ns: Optional[int]
    jitter: Jitter
    max_attempts: Optional[int]

    def delay_ns(self, retry: int, jitter: float) -> int:
        """The delay before retry number ``retry``, in nanoseconds, given a jitter sample in ``[0, 1)``.

        ``retry`` counts from 1; 0 counts as 1. The sample is clamped into ``[0, 1]`` and NaN
        counts as 0. The base delay is ``initial * multiplier ** (retry - 1)``; jitter is then
        applied and the result capped at ``max_ns`` when there is one (full jitter scales the
        capped delay by the sample). A NaN or negative
        multiplier counts as 1; a proportional fraction is clamped into ``[0, 1]``; delays that
        do not fit saturate at ``2**64 - 1`` nanoseconds.
        """
        sample = 0.0 if math.isnan(jitter) else min(max(jitter, 0.0), 1.0)
        exponent = max(retry, 1) - 1
        multiplier = self.multiplier
        if math.isnan(multiplier) or multiplier < 0.0:
            multiplier = 1.0
        if exponent == 0:
            growth = 1.0
        else:
            try:
                growth = math.pow(multiplier, float(exponent))
            except OverflowError:
                growth = math.inf
        base = float(self.initial_ns) * growth
        j = self.jitter
        if j.kind == "proportional":
            fraction = 0.0 if math.isnan(j.fraction) else min(max(j.fraction, 0.0), 1.0)
            delay = _round_ns(base * (1.0 + fraction * (2.0 * sample - 1.0)))
        elif j.kind == "additive":
            delay = _round_ns(base) + _round_ns(float(j.spread_ns) * sample)
        elif j.kind == "full":
            capped = base if self.max_ns is None else min(base, float(self.max_ns))
            delay = _round_ns(capped * sample)
        else:
            delay = _round_ns(base)
        if self.max_ns is not None:
            delay = min(delay, self.max_ns)
        return delay

    def delay(self, retry: int, jitter: float) -> float:
        """:meth:`delay_ns` in seconds."""
        return self.delay_ns(retry, jitter) / _NS


@dataclass(frozen=True)
class Request:
    """The request that failed, as far as the decision needs it: its method (any case) and
    whether it carries the vendor's idempotency key."""

    method: str
    idempotency_key: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", self.method.upper())

    def with_idempotency_key(self) -> Request:
        """The same request, carrying the vendor's idempotency key."""
        return Request(self.method, True)


@dataclass(frozen=True)
class Policy:
    """A vendor's retry guidance as data.

    ``max_server_delay_ns`` is the longest server-requested wait the reference says to honour
    (``None``: the server's wait is honoured as given). ``should_retry_header`` is the header
    whose ``true`` or ``false`` overrides the code's rule (Stripe's ``Stripe-Should-Retry``).
    """

    backoff: Backoff
    delay_header: Optional[str]
    safe_methods: tuple[str, ...]
    idempotency_key: Optional[str]
    max_server_delay_ns: Optional[int] = None
    should_retry_header: Optional[str] = None

    def is_safe(self, request: Request) -> bool:
        """Whether repeating ``request`` cannot cause a side effect twice: its method is one of the
        safe methods, or it carries an idempotency key and the vendor has one."""
        method = request.method.upper()
        return any(m.upper() == method for m in self.safe_methods) or (
            request.idempotency_key and self.idempotency_key is not None
        )


class TransportFailure:
    """A request that got no complete response.

    ``CONNECT``: it never reached the server (DNS, refused, TLS handshake), so it was never
    sent. ``TIMEOUT``: it was (or may have been) sent, and no response came in time.
    ``RESET``: the connection closed after the request was sent, or the response was incomplete.
    """

    CONNECT: ClassVar[TransportFailure]
    TIMEOUT: ClassVar[TransportFailure]
    RESET: ClassVar[TransportFailure]

    __slots__ = ("id",)

    def __init__(self, id: Literal["connect", "timeout", "reset"]) -> None:
        self.id = id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TransportFailure) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"TransportFailure.{self.id.upper()}"

    @staticmethod
    def from_id(id: str) -> TransportFailure:
        """The failure named ``connect``, ``timeout`` or ``reset``."""
        for failure in (TransportFailure.CONNECT, TransportFailure.TIMEOUT, TransportFailure.RESET):
            if failure.id == id:
                return failure
        raise ValueError(f"unknown transport failure {id!r}: expected connect, timeout or reset")


TransportFailure.CONNECT = TransportFailure("connect")
TransportFailure.TIMEOUT = TransportFailure("timeout")
TransportFailure.RESET = TransportFailure("reset")


@dataclass(frozen=True)
class Response:
    """An error response as the decision sees it: status, the code's rule, whether the code is
    safe to retry whatever the method, and the server's delay in nanoseconds (for rule
    ``until_reset``, the wait until the rate limit resets).

    ``should_retry`` is the server's word from the vendor's should-retry header (``None``: it
    said nothing); ``min_delay_ns`` the shortest wait the reference gives for the code.
    """

    status: int
    rule: Retry
    any_method: bool = False
    retry_after_ns: Optional[int] = None
    should_retry: Optional[bool] = None
    min_delay_ns: Optional[int] = None


#: What an attempt ended with: a response, or a transport failure.
Outcome = Union[Response, TransportFailure]


class Default(enum.Enum):
    """The type of :data:`DEFAULT`: a limit left at errcat's default."""

    DEFAULT = "default"

    def __repr__(self) -> str:
        return "DEFAULT"


#: A limit left at errcat's default (the value every :class:`Limits` field starts with).
DEFAULT = Default.DEFAULT

#: Attempts in all, the first included, where neither the reference nor the client gives a
#: number: 3, as the AWS SDKs' standard mode.
DEFAULT_MAX_ATTEMPTS = 3
#: The longest single wait, in seconds, where the client gives none: 60, raised to the
#: reference's own caps where they are longer, so every wait the references describe applies.
DEFAULT_MAX_WAIT = 60.0
#: The overall time from the first attempt, in seconds, where the client gives none.
DEFAULT_DEADLINE = 300.0
#: The longest wait any errcat runtime hands out or sleeps, in seconds: 2**31 - 1 ms, what
#: JavaScript's timers hold (about 24.8 days). No setting lifts it.
TIMER_MAX = 2_147_483.647
_TIMER_MAX_NS = 2_147_483_647 * 1_000_000

Limit = Literal["reference", "client", "default", "platform"]


@dataclass(frozen=True)
class Limits:
    """The client's own limits. Nothing is unbounded by default: a field left at
    :data:`DEFAULT` keeps errcat's default (:data:`DEFAULT_MAX_ATTEMPTS` where the reference
    gives no attempt limit, :data:`DEFAULT_MAX_WAIT`, :data:`DEFAULT_DEADLINE`), a number sets
    it (higher or lower), ``None`` removes it. The reference's numbers always apply, and no
    wait is longer than :data:`TIMER_MAX`.

    ``max_attempts`` counts every attempt, the first included; ``max_wait`` is the longest single
    wait accepted; ``deadline`` the overall time from the first attempt. Times are in seconds.
    """

    max_attempts: Union[int, None, Default] = DEFAULT
    max_wait: Union[float, None, Default] = DEFAULT
    deadline: Union[float, None, Default] = DEFAULT

    @staticmethod
    def none() -> Limits:
        """Every limit removed: only the reference's numbers and the platform's timer remain."""
        return Limits(None, None, None)

    @property
    def max_attempts_limit(self) -> Optional[Tuple[int, Limit]]:
        """The attempt limit and whose it is (``client`` or ``default``); ``None`` when removed."""
        if self.max_attempts is None:
            return None
        if isinstance(self.max_attempts, Default):
            return DEFAULT_MAX_ATTEMPTS, "default"
        return max(self.max_attempts, 1), "client"

    @property
    def max_wait_ns(self) -> Optional[Tuple[int, Limit]]:
        """The longest wait in nanoseconds and whose it is; ``None`` when removed."""
        return _resolve_ns(self.max_wait, DEFAULT_MAX_WAIT)

    @property
    def deadline_ns(self) -> Optional[Tuple[int, Limit]]:
        """The deadline in nanoseconds and whose it is; ``None`` when removed."""
        return _resolve_ns(self.deadline, DEFAULT_DEADLINE)


def _resolve_ns(value: Union[float, None, Default], default: float) -> Optional[Tuple[int, Limit]]:
    if value is None:
        return None
    if isinstance(value, Default):
        return to_ns(default), "default"
    return to_ns(value), "client"


ReasonId = Literal[
    "not_an_error",
    "not_retryable",
    "after_action",
    "attempts_exhausted",
    "not_idempotent",
    "wait_too_long",
    "deadline_exceeded",
    "budget_exhausted",
    "server_declined",
]


@dataclass(frozen=True)
class GiveUpReason:
    """Why a failed request should not be retried now; ``id`` is the stable snake_case name.

    The other fields are set for the reasons they belong to: ``action`` (``after_action``),
    ``max_attempts`` and ``limit`` (``attempts_exhausted``), ``wait_ns``, ``cap_ns`` and
    ``limit`` (``wait_too_long``), ``deadline_ns`` (``deadline_exceeded``).
    """

    id: ReasonId
    action: Optional[str] = None
    max_attempts: Optional[int] = None
    limit: Optional[Limit] = None
    wait_ns: Optional[int] = None
    cap_ns: Optional[int] = None
    deadline_ns: Optional[int] = None

    def __str__(self) -> str:
        whose = {
            "reference": "the vendor's",
            "client": "the client's",
            "default": "errcat's default",
            "platform": "the platform timer's",
        }.get(self.limit or "client", "the client's")
        if self.id == "not_an_error":
            return "the response is not an error"
        if self.id == "not_retryable":
            return "retrying the same request cannot help"
        if self.id == "after_action":
            return f"retry only after this is done: {self.action}"
        if self.id == "attempts_exhausted":
            plural = "attempt" if self.max_attempts == 1 else "attempts"
            return f"{self.max_attempts} {plural} made, {whose} limit"
        if self.id == "not_idempotent":
            return "the request is not safe to repeat and the server may have acted on it"
        if self.id == "wait_too_long":
            return f"the wait of {_seconds(self.wait_ns)}s is longer than {whose} cap of {_seconds(self.cap_ns)}s"
        if self.id == "deadline_exceeded":
            return f"the call would pass {whose} deadline of {_seconds(self.deadline_ns)}s"
        if self.id == "server_declined":
            return "the server said not to retry"
        return "the retry budget is spent"


@dataclass(frozen=True)
class Decision:
    """What to do after a failed attempt: retry after ``after_ns`` nanoseconds, or give up for ``reason``."""

    after_ns: Optional[int] = None
    reason: Optional[GiveUpReason] = None

    @property
    def is_retry(self) -> bool:
        """Whether the decision is to retry."""
        return self.after_ns is not None

    @property
    def delay(self) -> Optional[float]:
        """Seconds to wait before retrying, ``None`` when giving up."""
        return _seconds(self.after_ns)

    def __str__(self) -> str:
        if self.after_ns is not None:
            return f"retry after {self.after_ns / _NS}s"
        return f"give up: {self.reason}"


def _give_up(reason: GiveUpReason) -> Decision:
    return Decision(reason=reason)


@dataclass(frozen=True)
class Attempt:
    """The one input of :func:`decide`.

    ``attempt`` counts the attempts already made, the one that just failed included (0 counts
    as 1); ``elapsed`` is the time in seconds since the first attempt was sent (used with a
    deadline only); ``jitter`` a sample in ``[0, 1)`` (``None``: a fresh :func:`jitter_sample`).
    """

    policy: Policy
    outcome: Outcome
    request: Request
    attempt: int = 1
    limits: Limits = Limits()
    elapsed: float = 0.0
    jitter: Optional[float] = None


_NOT_AN_ERROR = GiveUpReason("not_an_error")
_NOT_RETRYABLE = GiveUpReason("not_retryable")
_NOT_IDEMPOTENT = GiveUpReason("not_idempotent")
_SERVER_DECLINED = GiveUpReason("server_declined")
#: The rules that retry on their own, which the server's ``true`` leaves as they are.
_RETRYING = frozenset(("backoff", "retry_after", "until_reset"))


def decide(input: Attempt) -> Decision:
    """Whether and when to retry; the first check that applies wins.

    1. A response with a status below 400 is not an error. 2. When the server said ``false`` in
    the vendor's should-retry header, give up (``server_declined``); when it said ``true``, the
    response is retryable whatever its rule, method or status: rules ``backoff``,
    ``retry_after`` and ``until_reset`` stay, any other becomes ``backoff``. Otherwise rule
    ``never`` or ``after`` gives up; a transport failure counts as rule ``backoff`` without a
    server delay. 3. The attempt limit is the smaller of the vendor's and the client's (the
    vendor's on a tie); with neither, errcat's default unless the client removed it. 4. A 5xx
    status or rule ``idempotent`` (unless the code is safe for any method, or the server said
    ``true``), and a timeout or reset, need a safe request. 5. The wait is the backoff delay;
    with a server delay, rules ``retry_after`` and ``until_reset`` wait exactly that, other
    rules the longer of the two; a code's ``min_delay`` raises the wait to it. 6. A server delay
    above the vendor's ``max_server_delay``, then a wait above the client's ``max_wait`` (or the
    default, raised to the reference's caps), then above :data:`TIMER_MAX`, gives up. 7. A wait
    that would pass the deadline (the client's or the default) gives up. 8. Otherwise retry.
    """
    policy = input.policy
    outcome = input.outcome
    attempt = max(input.attempt, 1)
    server_delay: Optional[int] = None
    min_delay: Optional[int] = None
    if isinstance(outcome, Response):
        if outcome.status < 400:
            return _give_up(_NOT_AN_ERROR)
        rule = outcome.rule
        said = outcome.should_retry
        if said is False:
            return _give_up(_SERVER_DECLINED)
        if said is True:
            if rule.rule not in _RETRYING:
                rule = Retry.BACKOFF
            needs_safe = False
        else:
            if rule.rule == "never":
                return _give_up(_NOT_RETRYABLE)
            if rule.rule == "after":
                return _give_up(GiveUpReason("after_action", action=rule.action))
            needs_safe = (500 <= outcome.status <= 599 or rule.rule == "idempotent") and not outcome.any_method
        server_delay = outcome.retry_after_ns
        min_delay = outcome.min_delay_ns
    else:
        rule = Retry.BACKOFF
        needs_safe = outcome != TransportFailure.CONNECT

    reference = policy.backoff.max_attempts
    client = input.limits.max_attempts_limit
    # The reference's number is never replaced by the default; a client's applies when lower.
    attempt_limit: Optional[Tuple[int, Limit]]
    if reference is None:
        attempt_limit = client
    elif client is not None and client[1] == "client" and client[0] < reference:
        attempt_limit = client
    else:
        attempt_limit = (reference, "reference")
    if attempt_limit is not None and attempt >= attempt_limit[0]:
        return _give_up(GiveUpReason("attempts_exhausted", max_attempts=attempt_limit[0], limit=attempt_limit[1]))

    if needs_safe and not policy.is_safe(input.request):
        return _give_up(_NOT_IDEMPOTENT)

    jitter = jitter_sample() if input.jitter is None else input.jitter
    backoff = policy.backoff.delay_ns(attempt, jitter)
    if server_delay is None:
        wait = backoff
    elif rule.rule == "retry_after" or rule.rule == "until_reset":
        wait = server_delay
    else:
        wait = max(server_delay, backoff)
    if min_delay is not None and wait < min_delay:
        wait = min_delay

    cap = policy.max_server_delay_ns
    if server_delay is not None and cap is not None and server_delay > cap:
        return _give_up(GiveUpReason("wait_too_long", wait_ns=server_delay, cap_ns=cap, limit="reference"))
    max_wait = input.limits.max_wait_ns
    if max_wait is not None:
        wait_cap, whose = max_wait
        if whose == "default":
            wait_cap = max(wait_cap, policy.backoff.max_ns or 0, policy.max_server_delay_ns or 0)
        if wait > wait_cap:
            return _give_up(GiveUpReason("wait_too_long", wait_ns=wait, cap_ns=wait_cap, limit=whose))
    if wait > _TIMER_MAX_NS:
        return _give_up(GiveUpReason("wait_too_long", wait_ns=wait, cap_ns=_TIMER_MAX_NS, limit="platform"))
    deadline = input.limits.deadline_ns
    if deadline is not None and to_ns(input.elapsed) + wait > deadline[0]:
        return _give_up(GiveUpReason("deadline_exceeded", deadline_ns=deadline[0], limit=deadline[1]))
    return Decision(after_ns=wait)


_random = random.SystemRandom()


def jitter_sample() -> float:
    """A random jitter sample in ``[0, 1)``, from the operating system's source (good enough to
    spread retries; not for secrets)."""
    return _random.random()

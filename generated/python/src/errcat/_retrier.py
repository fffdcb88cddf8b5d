"""One client's retry decisions for one vendor, shared by the ``requests`` and ``httpx`` adapters.

A :class:`Retrier` holds the vendor's policy, the client's :class:`~errcat.Limits` (errcat's
defaults where it sets none), an optional :class:`~errcat.Budget`, a jitter source, a clock and a
sleep, all injectable. :class:`Call` follows one call's attempts and makes its :class:`Report`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Optional

import errcat
from errcat._budget import Budget
from errcat._retry import (
    Attempt,
    Decision,
    GiveUpReason,
    Limits,
    Request,
    TransportFailure,
    decide,
    jitter_sample,
)

__all__ = ["Call", "Report", "Retrier", "DeadlineExceeded"]

_NOT_AN_ERROR = Decision(reason=GiveUpReason("not_an_error"))


@dataclass(frozen=True)
class Report:
    """What one retrying call did: ``attempts`` made (the first included), the wait before each
    retry in seconds (``waits``), and the ``decision`` that ended it: ``not_an_error`` after a
    success, the reason given up otherwise; ``None`` when the last attempt ended in an error the
    adapter does not decide on (one that is not a transport failure, a body sent once only)."""

    attempts: int
    waits: tuple[float, ...]
    decision: Optional[Decision]


class DeadlineExceeded(Exception):
    """An attempt was cancelled because it would have run past the deadline; ``report`` says what
    the call did (its decision is ``deadline_exceeded``)."""

    def __init__(self, deadline: float, report: Report) -> None:
        super().__init__(f"errcat: the attempt was cancelled at the {deadline} s deadline")
        self.deadline = deadline
        self.report = report


class Retrier:
    """The decisions of one client of ``vendor_id``: its policy, ``limits`` (``None``: errcat's
    defaults), a ``budget`` shared by every client of the vendor, ``jitter`` (a function giving a
    sample in ``[0, 1)``), ``clock`` (monotonic seconds, for the deadline), ``wall_clock`` (Unix
    seconds, for HTTP dates) and ``sleep`` (seconds), each replaceable in tests."""

    def __init__(
        self,
        vendor_id: str,
        *,
        limits: Optional[Limits] = None,
        budget: Optional[Budget] = None,
        jitter: Optional[Callable[[], float]] = None,
        clock: Optional[Callable[[], float]] = None,
        wall_clock: Optional[Callable[[], float]] = None,
        sleep: Optional[Callable[[float], None]] = None,
    ) -> None:
        self.vendor = errcat.vendor(vendor_id)
        self.vendor_id = vendor_id
        self.limits = limits if limits is not None else Limits()
        self.budget = budget
        self.jitter = jitter if jitter is not None else jitter_sample
        self.clock = clock if clock is not None else time.monotonic
        self.wall_clock = wall_clock if wall_clock is not None else time.time
        self.sleep = sleep if sleep is not None else time.sleep
        deadline = self.limits.deadline_ns
        #: The deadline in seconds from the first attempt and whose it is, ``None`` when removed.
        self.deadline = None if deadline is None else (deadline[0] / 1e9, deadline[1])

    def request(self, method: str, headers: object, idempotent: bool) -> Request:
        """The request as the decision sees it: its method, and whether it carries the vendor's
        idempotency key (marked by the caller, or a header of the key's name)."""
        key = self.vendor.policy.idempotency_key
        keyed = idempotent
        if not keyed and key is not None and hasattr(headers, "keys"):
            keyed = any(str(name).lower() == key.lower() for name in headers.keys())
        return Request(method, keyed)

    def call(self, request: Request) -> Call:
        """A new call of ``request``, its first attempt about to be sent."""
        return Call(self, request, self.clock())


@dataclass
class Call:
    """One call's attempts: decides after each, and makes its :class:`Report`."""

    retrier: Retrier
    request: Request
    started: float
    attempts: int = 0
    waits: list[float] = field(default_factory=list)

    def elapsed(self) -> float:
        """Seconds since the first attempt was sent."""
        return self.retrier.clock() - self.started

    def remaining(self) -> Optional[float]:
        """Seconds left before the deadline (at least 0), ``None`` without one."""
        deadline = self.retrier.deadline
        return None if deadline is None else max(deadline[0] - self.elapsed(), 0.0)

    def attempted(self) -> None:
        """Counts one more attempt."""
        self.attempts += 1

    def _decide(self, outcome: errcat.Outcome) -> Decision:
        r = self.retrier
        decision = decide(Attempt(r.vendor.policy, outcome, self.request, self.attempts, r.limits, self.elapsed(), r.jitter()))
        if r.budget is not None and decision.is_retry and not r.budget.try_withdraw(outcome):
            return Decision(reason=GiveUpReason("budget_exhausted"))
        return decision

    def after_response(self, status: int, headers: object, body: bytes) -> Decision:
        """The decision after a response: a success credits the budget and ends the call."""
        if status < 400:
            if self.retrier.budget is not None:
                self.retrier.budget.deposit_success()
            return _NOT_AN_ERROR
        error = errcat.parse(self.retrier.vendor_id, status, headers, body, self.retrier.wall_clock())  # type: ignore[arg-type]
        return self._decide(error.outcome())

    def after_failure(self, failure: TransportFailure) -> Decision:
        """The decision after a failure without a response."""
        return self._decide(failure)

    def wait(self, decision: Decision) -> None:
        """Sleeps the retry's wait, recording it."""
        delay = decision.delay or 0.0
        self.waits.append(delay)
        self.retrier.sleep(delay)

    async def wait_async(self, decision: Decision, sleep: Callable[[float], object]) -> None:
        """Awaits ``sleep`` for the retry's wait, recording it."""
        delay = decision.delay or 0.0
        self.waits.append(delay)
        await sleep(delay)  # type: ignore[misc]

    def report(self, decision: Optional[Decision]) -> Report:
        """The report of the call, ended by ``decision``."""
        return Report(self.attempts, tuple(self.waits), decision)

    def deadline_exceeded(self) -> DeadlineExceeded:
        """The error of an attempt the deadline cancelled."""
        deadline, limit = self.retrier.deadline or (0.0, "default")
        reason = GiveUpReason("deadline_exceeded", deadline_ns=round(deadline * 1e9), limit=limit)
        return DeadlineExceeded(deadline, self.report(Decision(reason=reason)))

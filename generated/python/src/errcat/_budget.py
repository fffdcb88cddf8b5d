"""The retry budget: a token bucket shared by every request of a client, safe across threads."""

from __future__ import annotations

import threading
from typing import Optional

from errcat._retry import Outcome, TransportFailure

__all__ = ["Budget"]


_MAX = 4_294_967_295
"""The largest setting a budget takes, the same in every language (Rust's ``u32::MAX``)."""


def _setting(name: str, value: object) -> int:
    """``value`` when it is a whole number from 0 to ``_MAX``; raises ``ValueError`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX:
        raise ValueError(f"Budget {name} must be a whole number from 0 to {_MAX}, not {value!r}")
    return value


class Budget:
    """A token bucket that stops retries when too many requests are failing.

    A retry withdraws ``retry_cost`` tokens, a retry after a timeout or reset
    ``timeout_cost``; when the bucket holds fewer, the retry is refused. Each success deposits
    ``success_deposit`` (never above ``capacity``); withdrawn tokens are not returned. The
    bucket starts full unless ``available`` says otherwise. Every setting is a whole number from 0
    to 4294967295 (anything else raises ``ValueError``); a capacity of 0 counts as 1, and a cost
    or ``available`` above the capacity counts as the capacity. Share one ``Budget`` object between
    the threads and requests that should draw on one bucket; its methods take a lock.
    """

    __slots__ = ("_capacity", "_retry_cost", "_timeout_cost", "_success_deposit", "_tokens", "_lock")

    def __init__(
        self,
        capacity: int = 500,
        retry_cost: int = 5,
        timeout_cost: int = 10,
        success_deposit: int = 1,
        available: Optional[int] = None,
    ) -> None:
        capacity = max(_setting("capacity", capacity), 1)
        self._capacity = capacity
        self._retry_cost = min(_setting("retry_cost", retry_cost), capacity)
        self._timeout_cost = min(_setting("timeout_cost", timeout_cost), capacity)
        self._success_deposit = _setting("success_deposit", success_deposit)
        self._tokens = capacity if available is None else min(_setting("available", available), capacity)
        self._lock = threading.Lock()

    @property
    def capacity(self) -> int:
        """The most tokens the bucket holds."""
        return self._capacity

    def available(self) -> int:
        """The tokens in the bucket now."""
        with self._lock:
            return self._tokens

    def cost(self, outcome: Outcome) -> int:
        """What a retry after ``outcome`` withdraws."""
        if outcome == TransportFailure.TIMEOUT or outcome == TransportFailure.RESET:
            return self._timeout_cost
        return self._retry_cost

    def try_withdraw(self, outcome: Outcome) -> bool:
        """Takes the cost of a retry after ``outcome``; ``False`` (and nothing taken) when the bucket holds less."""
        cost = self.cost(outcome)
        with self._lock:
            if self._tokens < cost:
                return False
            self._tokens -= cost
            return True

    def deposit_success(self) -> None:
        """Adds the deposit for a successful request, up to the capacity."""
        with self._lock:
            self._tokens = min(self._capacity, self._tokens + self._success_deposit)

    def __repr__(self) -> str:
        return f"Budget(capacity={self._capacity}, available={self.available()})"

"""The retry budget: costs, deposits, the capacity and sharing between threads."""

from __future__ import annotations

import threading

import pytest

from errcat import Budget, Response, Retry, TransportFailure

RESPONSE = Response(503, Retry.BACKOFF)


def test_a_new_budget_is_full_with_the_default_costs() -> None:
    budget = Budget()
    assert (budget.capacity, budget.available()) == (500, 500)
    assert budget.try_withdraw(RESPONSE)
    assert budget.available() == 495
    assert budget.try_withdraw(TransportFailure.TIMEOUT)
    assert budget.try_withdraw(TransportFailure.RESET)
    assert budget.available() == 475
    assert budget.try_withdraw(TransportFailure.CONNECT)
    assert budget.available() == 470


def test_a_withdrawal_larger_than_the_tokens_fails_and_takes_nothing() -> None:
    budget = Budget(capacity=500, available=9)
    assert not budget.try_withdraw(TransportFailure.TIMEOUT)
    assert budget.available() == 9
    assert budget.try_withdraw(RESPONSE)
    assert not budget.try_withdraw(RESPONSE)
    assert budget.available() == 4


def test_successes_deposit_up_to_the_capacity() -> None:
    budget = Budget(capacity=10, retry_cost=4, success_deposit=3, available=5)
    budget.deposit_success()
    assert budget.available() == 8
    budget.deposit_success()
    assert budget.available() == 10
    assert Budget(capacity=3, available=99).available() == 3


@pytest.mark.parametrize(
    "settings",
    [
        {"retry_cost": -1},
        {"available": -5},
        {"capacity": float("nan")},
        {"capacity": float("inf")},
        {"timeout_cost": 2.5},
        {"success_deposit": True},
        {"capacity": 4_294_967_296},
    ],
)
def test_settings_outside_whole_numbers_up_to_u32_are_refused(settings: dict[str, object]) -> None:
    name = next(iter(settings))
    with pytest.raises(ValueError, match=name):
        Budget(**settings)  # type: ignore[arg-type]


def test_a_cost_above_the_capacity_counts_as_the_capacity() -> None:
    budget = Budget(capacity=3)
    assert budget.try_withdraw(RESPONSE)
    assert budget.available() == 0
    assert Budget(capacity=0).capacity == 1


def test_threads_share_one_bucket() -> None:
    budget = Budget(capacity=1_000, retry_cost=1)
    granted = []

    def worker() -> None:
        granted.append(sum(1 for _ in range(400) if budget.try_withdraw(RESPONSE)))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(granted) == 1_000
    assert budget.available() == 0
    assert repr(budget) == "Budget(capacity=1000, available=0)"

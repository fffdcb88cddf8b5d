"""Runs one conformance case (the language-neutral JSON under ``generated/conformance/``) through the package."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional, Union

import errcat
from errcat import DEFAULT, Attempt, Budget, Decision, Limits, Outcome, Request, TransportFailure, decide
from errcat._retry import Default

#: The cases every language runs, written by ``cargo xtask codegen`` (and by hand for edge.json).
SHARED = Path(__file__).resolve().parents[2] / "conformance"

#: Cases worked out by hand from the vendors' references, in the same format.
HAND = Path(__file__).resolve().parent / "cases"


def files() -> list[Path]:
    """The shared case files (not the scenarios, which ``test_scenarios.py`` runs through the
    adapters), and the hand-written ones of this folder."""
    shared = [p for p in sorted(SHARED.glob("*.json")) if p.name != "scenarios.json"]
    return shared + sorted(HAND.glob("*.json"))


def load(path: Path) -> list[dict[str, Any]]:
    """The cases of one file."""
    with path.open(encoding="utf-8") as f:
        cases: list[dict[str, Any]] = json.load(f)["cases"]
    return cases


def delay_ms(after_ns: int) -> int:
    """A delay rounded to the nearest millisecond (half up), as the cases compare them."""
    return (after_ns + 500_000) // 1_000_000


def _limits(raw: dict[str, Any]) -> Limits:
    """A case's limits: a number sets a limit, ``null`` removes it, a limit not named keeps the default."""

    def seconds(name: str) -> Union[float, None, Default]:
        if name not in raw:
            return DEFAULT
        value = raw[name]
        return None if value is None else float(value) / 1000

    max_attempts = raw["max_attempts"] if "max_attempts" in raw else DEFAULT
    return Limits(max_attempts=max_attempts, max_wait=seconds("max_wait_ms"), deadline=seconds("deadline_ms"))


def parse_answer(case: dict[str, Any]) -> dict[str, Any]:
    """What the package answers for a parse case, in the shape of its ``expect``."""
    err = errcat.parse(case["vendor"], case["status"], case["headers"], case["body"].encode("utf-8"), case.get("now"))
    rate_limit = err.rate_limit
    return {
        "code": err.code,
        "message": err.message,
        "request_id": err.request_id,
        "kind": err.kind,
        "type": err.error_type,
        "subcode": err.subcode,
        "fields": dict(err.fields),
        "vendor_docs_url": err.vendor_docs_url,
        "rate_limit": None
        if rate_limit is None
        else {
            "limit": rate_limit.limit,
            "remaining": rate_limit.remaining,
            "used": rate_limit.used,
            "reset_ms": rate_limit.reset_ms,
        },
    }


def retry_answer(case: dict[str, Any]) -> dict[str, Any]:
    """What the package answers for a retry case, in the shape of its ``expect`` (only the keys it has)."""
    answer: dict[str, Any] = {}
    outcome: Outcome
    if "failure" in case:
        outcome = TransportFailure.from_id(case["failure"])
        policy = errcat.vendor(case["vendor"]).policy
    else:
        err = errcat.parse(
            case["vendor"], case["status"], case["headers"], case["body"].encode("utf-8"), case.get("now")
        )
        answer["code"] = err.code
        outcome = err.outcome()
        policy = err.vendor.policy
    request = Request(case["method"], bool(case.get("idempotency_key", False)))
    decision = decide(
        Attempt(
            policy,
            outcome,
            request,
            case.get("attempt", 1),
            _limits(case.get("limits", {})),
            case.get("elapsed_ms", 0) / 1000,
            case.get("jitter", 0.5),
        )
    )
    budget: Optional[dict[str, int]] = case.get("budget")
    if budget is not None and decision.is_retry:
        bucket = Budget(capacity=budget["capacity"], available=budget["available"])
        if not bucket.try_withdraw(outcome):
            decision = Decision(reason=errcat.GiveUpReason("budget_exhausted"))
    if decision.after_ns is not None:
        answer["decision"] = "retry"
        answer["delay_ms"] = delay_ms(decision.after_ns)
    else:
        assert decision.reason is not None
        answer["decision"] = "give_up"
        answer["reason"] = decision.reason.id
        if decision.reason.limit is not None:
            answer["limit"] = decision.reason.limit
    if "code" not in case["expect"]:
        answer.pop("code", None)
    if "failure" not in case:
        # A hand-written case (vendors.json) may expect parse keys beside the decision.
        parsed = parse_answer(case)
        answer.update((k, parsed[k]) for k in case["expect"] if k in parsed and k not in answer)
    return answer


def budget_answer(case: dict[str, Any]) -> dict[str, Any]:
    """What the package answers for a budget case: the capacity, the start and each step's answer."""
    settings: dict[str, int] = case["budget"]
    budget = Budget(**settings)
    start = budget.available()
    outcomes: dict[str, Outcome] = {
        "response": errcat.Response(503, errcat.Retry.BACKOFF),
        "connect": TransportFailure.CONNECT,
        "timeout": TransportFailure.TIMEOUT,
        "reset": TransportFailure.RESET,
    }
    steps: list[dict[str, Any]] = []
    for step in case["steps"]:
        if step == "success":
            budget.deposit_success()
            steps.append({"available": budget.available()})
        else:
            allowed = budget.try_withdraw(outcomes[step])
            steps.append({"allowed": allowed, "available": budget.available()})
    return {"capacity": budget.capacity, "available": start, "steps": steps}

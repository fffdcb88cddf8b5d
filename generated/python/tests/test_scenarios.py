"""Every scenario of ``generated/conformance/scenarios.json``, through the requests adapter and the
httpx transport, with a scripted transport and the clock injected: waits advance it, attempts take
no time, and a hanging server holds an attempt for as long as the attempt's timeout allows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional, Union

import httpx
import pytest
import requests
import requests.adapters
from urllib3.exceptions import MaxRetryError, NewConnectionError

import errcat
import errcat.httpx
import errcat.requests
from errcat import DEFAULT, Budget, Limits
from errcat._retrier import DeadlineExceeded, Report
from errcat._retry import Default

FILE = Path(__file__).resolve().parents[2] / "conformance" / "scenarios.json"
SCENARIOS: list[dict[str, Any]] = json.loads(FILE.read_text(encoding="utf-8"))["scenarios"]
URL = "https://api.example.test/v1/things"


class Clock:
    """A clock the sleeps and the hanging server advance."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def limits_of(raw: dict[str, Any]) -> Limits:
    def seconds(name: str) -> Union[float, None, Default]:
        if name not in raw:
            return DEFAULT
        return None if raw[name] is None else float(raw[name]) / 1000

    return Limits(raw["max_attempts"] if "max_attempts" in raw else DEFAULT, seconds("max_wait_ms"), seconds("deadline_ms"))


def answer(report: Optional[Report], last: dict[str, Any]) -> dict[str, Any]:
    assert report is not None and report.decision is not None and report.decision.reason is not None
    reason = report.decision.reason
    got: dict[str, Any] = {
        "attempts": report.attempts,
        "waits_ms": [round(w * 1000) for w in report.waits],
        "decision": "retry" if report.decision.is_retry else "give_up",
        "reason": reason.id,
    }
    if reason.limit is not None:
        got["limit"] = reason.limit
    got["last"] = last
    return got


def options(s: dict[str, Any], clock: Clock) -> dict[str, Any]:
    budget = s.get("budget")
    return {
        "limits": limits_of(s["limits"]),
        "budget": None if budget is None else Budget(capacity=budget["capacity"], available=budget["available"]),
        "jitter": lambda: s["jitter"],
        "clock": clock,
        "wall_clock": clock,
        "sleep": clock.sleep,
    }


class ScriptedHttpx(httpx.BaseTransport):
    def __init__(self, s: dict[str, Any], clock: Clock) -> None:
        self.steps = s["responses"]
        self.clock = clock
        self.seen: list[bytes] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.read())
        step = self.steps[min(len(self.seen), len(self.steps)) - 1]
        if step.get("hang"):
            timeout = request.extensions.get("timeout", {}).get("read")
            self.clock.now += 3600.0 if timeout is None else timeout
            raise httpx.ReadTimeout("hung", request=request)
        failure = step.get("failure")
        if failure == "connect":
            raise httpx.ConnectError("refused", request=request)
        if failure == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        if failure == "reset":
            raise httpx.RemoteProtocolError("reset", request=request)
        return httpx.Response(step["status"], headers=step["headers"], content=step["body"].encode())


class ScriptedRequests(requests.adapters.HTTPAdapter):
    """Stands where ``HTTPAdapter.send`` would: the retry adapter's ``super().send``."""

    steps: list[dict[str, Any]]
    clock: Clock
    seen: list[bytes]

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None, *args: Any, **kwargs: Any) -> requests.Response:
        body = request.body
        self.seen.append(body.encode() if isinstance(body, str) else (body or b""))
        step = self.steps[min(len(self.seen), len(self.steps)) - 1]
        if step.get("hang"):
            read = timeout[1] if isinstance(timeout, tuple) else timeout
            self.clock.now += 3600.0 if read is None else read
            raise requests.exceptions.ReadTimeout("hung")
        failure = step.get("failure")
        if failure == "connect":
            raise requests.exceptions.ConnectionError(MaxRetryError(None, URL, NewConnectionError(None, "refused")))  # type: ignore[arg-type]
        if failure == "timeout":
            raise requests.exceptions.ReadTimeout("timed out")
        if failure == "reset":
            raise requests.exceptions.ConnectionError("reset")
        response = requests.Response()
        response.status_code = step["status"]
        response.headers.update(dict(step["headers"]))
        response._content = step["body"].encode()
        response.url = URL
        return response


class ScriptedRetryAdapter(errcat.requests.RetryAdapter, ScriptedRequests):
    pass


def last_of(error: BaseException, classify: Any) -> dict[str, Any]:
    if isinstance(error, DeadlineExceeded):
        return {"error": "deadline"}
    return {"error": classify(error).id}


@pytest.mark.parametrize("s", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario_through_httpx(s: dict[str, Any]) -> None:
    clock = Clock(float(s["now"]))
    scripted = ScriptedHttpx(s, clock)
    transport = errcat.httpx.RetryTransport(s["vendor"], transport=scripted, **options(s, clock))
    request = s["request"]
    extensions = {errcat.httpx.IDEMPOTENT: True} if request["idempotent"] else {}
    with httpx.Client(transport=transport) as client:
        try:
            response = client.request(request["method"], URL, content=request["body"].encode(), extensions=extensions)
            got = answer(errcat.httpx.report_of(response), {"status": response.status_code})
        except Exception as error:
            report = error.report if isinstance(error, DeadlineExceeded) else getattr(error, "errcat_report", None)
            got = answer(report, last_of(error, errcat.httpx.classify))
    assert got == s["expect"]
    assert len(scripted.seen) == s["expect"]["attempts"]
    assert all(body == request["body"].encode() for body in scripted.seen)


@pytest.mark.parametrize("s", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario_through_requests(s: dict[str, Any]) -> None:
    clock = Clock(float(s["now"]))
    adapter = ScriptedRetryAdapter(s["vendor"], **options(s, clock))
    adapter.steps, adapter.clock, adapter.seen = s["responses"], clock, []
    request = s["request"]
    headers = {errcat.requests.IDEMPOTENT: "1"} if request["idempotent"] else {}
    with requests.Session() as session:
        session.mount("https://", adapter)
        try:
            response = session.request(request["method"], URL, data=request["body"].encode(), headers=headers)
            got = answer(errcat.requests.report_of(response), {"status": response.status_code})
        except Exception as error:
            report = error.report if isinstance(error, DeadlineExceeded) else getattr(error, "errcat_report", None)
            got = answer(report, last_of(error, errcat.requests.classify))
    assert got == s["expect"]
    assert len(adapter.seen) == s["expect"]["attempts"]

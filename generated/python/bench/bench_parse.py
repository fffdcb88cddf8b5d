"""``errcat.parse`` against ``json.loads`` of the same body, with ``timeit``.

Run from ``generated/python``: ``python3 bench/bench_parse.py`` (``--quick`` for a short run).
For each body it prints the best time per call of ``json.loads(body)`` (the bare JSON parse),
of ``errcat.parse(vendor, status, headers, body)`` and of the vendor module's
``from_response``, each the fastest of several repeats, and the ratio of each to
``json.loads``: the figure BENCHMARKS.md records.
"""

from __future__ import annotations

import json
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import errcat  # noqa: E402
from errcat import pentify  # noqa: E402

#: (label, vendor, status, headers, body): the references' example bodies and a larger one.
CASES: list[tuple[str, str, int, list[tuple[str, str]], bytes]] = [
    (
        "pentify 429, Retry-After",
        "pentify",
        429,
        [("Content-Type", "application/json"), ("Retry-After", "7")],
        b'{"error":{"code":"rate_limited","message":"Too many requests per minute for this key.","details":{},"request_id":"req_01HFY3"}}',
    ),
    (
        "cert-ix 401",
        "cert-ix",
        401,
        [("Content-Type", "application/json")],
        b'{"success":false,"error":"Invalid or expired API key","code":"INVALID_API_KEY"}',
    ),
    (
        "defendis 403, x-request-id",
        "defendis",
        403,
        [("x-request-id", "req_9f2")],
        b'{ "error": "Enterprise billing access denied", "reason": "payment_unpaid", "status": "unpaid" }',
    ),
    (
        "vantaprism 400, 20 field errors",
        "vantaprism",
        400,
        [("Content-Type", "application/json")],
        json.dumps(
            {
                "error": {
                    "code": "VALIDATION_ERROR",
                    "message": "Request validation failed",
                    "details": [{"field": f"items[{i}].name", "issue": "must not be empty", "limit": i} for i in range(20)],
                    "request_id": "req_abc123",
                }
            }
        ).encode(),
    ),
]


def best(stmts: list[str], env: dict[str, object], repeat: int, number: int) -> list[float]:
    """The fastest time per call of each statement, in microseconds.

    The statements take turns, one round of ``number`` calls each per repeat, so that a slow
    moment of the machine falls on all of them alike.
    """
    timers = [timeit.Timer(stmt, globals=env) for stmt in stmts]
    fastest = [float("inf")] * len(stmts)
    for _ in range(repeat):
        for i, timer in enumerate(timers):
            fastest[i] = min(fastest[i], timer.timeit(number))
    return [t / number * 1e6 for t in fastest]


def main() -> None:
    quick = "--quick" in sys.argv
    repeat, number = (5, 2_000) if quick else (25, 10_000)
    print(f"Python {sys.version.split()[0]}; best of {repeat} x {number} calls; microseconds per call")
    print("| body | bytes | json.loads | errcat.parse | × json.loads | from_response | × json.loads |")
    print("|---|---|---|---|---|---|---|")
    for label, vendor, status, headers, body in CASES:
        module = __import__(f"errcat.{errcat._vendors.MODULES[vendor]}", fromlist=["from_response"])
        env: dict[str, object] = {
            "json": json,
            "errcat": errcat,
            "module": module,
            "vendor": vendor,
            "status": status,
            "headers": headers,
            "body": body,
        }
        bare, parsed, direct = best(
            ["json.loads(body)", "errcat.parse(vendor, status, headers, body)", "module.from_response(status, headers, body)"],
            env,
            repeat,
            number,
        )
        print(f"| {label} | {len(body)} | {bare:.2f} | {parsed:.2f} | {parsed / bare:.2f} | {direct:.2f} | {direct / bare:.2f} |")
    assert isinstance(pentify.from_response(429, [], b"{}"), pentify.PentifyError)


if __name__ == "__main__":
    main()

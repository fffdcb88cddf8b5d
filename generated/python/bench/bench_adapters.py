"""The retry adapters' overhead on loopback: requests and httpx with and without errcat.

Run from ``generated/python`` with the extras installed (``.ci/python`` makes such a virtual
environment): ``.venv-ci/bin/python bench/bench_adapters.py`` (``--quick`` for a short run).
A server in its own process on 127.0.0.1 answers every GET with 200 and a small JSON body. Each
round times ``REQUESTS`` GETs through each client in turn, on one kept-alive connection: a
``requests.Session`` bare and with ``errcat.requests.RetryAdapter`` mounted, an ``httpx.Client``
bare and with ``errcat.httpx.RetryTransport``. It prints each round's µs per request and the
median over the rounds of each rate ratio (errcat ÷ bare), the figure BENCHMARKS.md records.
"""

from __future__ import annotations

import multiprocessing
import statistics
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import httpx  # noqa: E402
import requests  # noqa: E402

import errcat.httpx  # noqa: E402
import errcat.requests  # noqa: E402

BODY = b'{"ok":true}'


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(port: Any) -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port.value = httpd.server_address[1]
    httpd.serve_forever()


def timed(get: Callable[[], int], n: int) -> float:
    """µs per request over ``n`` requests."""
    start = time.perf_counter()
    for _ in range(n):
        if get() != 200:
            raise AssertionError("not a 200")
    return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    quick = "--quick" in sys.argv
    requests_per_round, rounds = (200, 3) if quick else (500, 15)
    port = multiprocessing.Value("i", 0)
    server = multiprocessing.Process(target=serve, args=(port,), daemon=True)
    server.start()
    while port.value == 0:
        time.sleep(0.01)
    url = f"http://127.0.0.1:{port.value}/v1/things"
    try:
        bare_requests = requests.Session()
        retry_requests = requests.Session()
        retry_requests.mount("http://", errcat.requests.RetryAdapter("pentify"))
        bare_httpx = httpx.Client()
        retry_httpx = httpx.Client(transport=errcat.httpx.RetryTransport("pentify"))
        clients: dict[str, Callable[[], int]] = {
            "requests": lambda: bare_requests.get(url).status_code,
            "requests+errcat": lambda: retry_requests.get(url).status_code,
            "httpx": lambda: bare_httpx.get(url).status_code,
            "httpx+errcat": lambda: retry_httpx.get(url).status_code,
        }
        for get in clients.values():
            timed(get, 50)  # warm up: connections made, code paths hot
        ratios: dict[str, list[float]] = {"requests": [], "httpx": []}
        print("round  " + "  ".join(f"{name:>16}" for name in clients) + "  (µs per request)")
        for r in range(1, rounds + 1):
            us = {name: timed(get, requests_per_round) for name, get in clients.items()}
            print(f"{r:5}  " + "  ".join(f"{us[name]:16.1f}" for name in clients))
            for name in ratios:
                ratios[name].append(us[name] / us[f"{name}+errcat"])
        for name, values in ratios.items():
            print(f"{name}: errcat's rate ÷ bare, median of {rounds} rounds: {statistics.median(values):.3f} "
                  f"(range {min(values):.3f} to {max(values):.3f})")
    finally:
        server.terminate()


if __name__ == "__main__":
    main()

"""The requests and httpx adapters against a server on 127.0.0.1 that replays scripted responses.

Waits go to a recording sleep, so no test waits for real; the deadline test alone runs against
a hanging server on the real clock, bounded by a 0.3 s deadline.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Union

import httpx
import pytest
import requests

import errcat
import errcat.httpx
import errcat.requests
from errcat import Limits

PENTIFY_500 = json.dumps({"error": {"code": "server_error", "message": "Pentify internal failure."}})
VANTA_503 = json.dumps({"error": {"code": "SERVICE_UNAVAILABLE", "message": "down", "request_id": "r"}})
VANTA_QUOTA = json.dumps({"error": {"code": "QUOTA_EXHAUSTED", "message": "quota", "request_id": "r"}})
NGINX_502 = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"

Step = Union[tuple[int, dict[str, str], str], str]


class Server:
    """A scripted server: each request gets the next step (the last repeats); ``"hang"`` answers
    nothing for up to 5 s. At most 50 requests are answered."""

    def __init__(self, script: list[Step]) -> None:
        self.script = script
        self.seen: list[tuple[str, bytes]] = []
        self.release = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def handle_one(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                outer.seen.append((self.command, self.rfile.read(length)))
                step = outer.script[min(len(outer.seen), len(outer.script)) - 1]
                if step == "hang" or len(outer.seen) > 50:
                    outer.release.wait(5)
                    return
                assert not isinstance(step, str)
                status, headers, body = step
                data = body.encode()
                self.send_response(status)
                for name, value in {"content-type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = handle_one

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1/scans"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def recorder() -> tuple[list[float], Callable[[float], None]]:
    slept: list[float] = []
    return slept, slept.append


@contextmanager
def requests_session(vendor: str, **options: Any) -> Iterator[tuple[requests.Session, list[float]]]:
    slept, sleep = recorder()
    session = requests.Session()
    session.mount("http://127.0.0.1", errcat.requests.RetryAdapter(vendor, sleep=sleep, jitter=lambda: 0.5, **options))
    with session:
        yield session, slept


@contextmanager
def httpx_client(vendor: str, **options: Any) -> Iterator[tuple[httpx.Client, list[float]]]:
    slept, sleep = recorder()
    transport = errcat.httpx.RetryTransport(vendor, sleep=sleep, jitter=lambda: 0.5, **options)
    with httpx.Client(transport=transport) as client:
        yield client, slept


def report(response: Union[requests.Response, httpx.Response]) -> errcat.requests.Report:
    got = errcat.requests.report_of(response) if isinstance(response, requests.Response) else errcat.httpx.report_of(response)
    assert got is not None
    return got


@pytest.mark.parametrize("adapter", ["requests", "httpx"])
def test_a_get_is_retried_until_it_succeeds_and_the_report_says_how(adapter: str) -> None:
    with Server([(503, {}, PENTIFY_500), (503, {}, PENTIFY_500), (200, {}, "{}")]) as s:
        with requests_session("pentify") if adapter == "requests" else httpx_client("pentify") as (client, slept):
            response = client.get(s.url)
            assert response.status_code == 200
            assert len(s.seen) == 3
            assert slept == [1.0, 2.0]
            r = report(response)
            assert (r.attempts, r.waits) == (3, (1.0, 2.0))
            assert r.decision is not None and r.decision.reason is not None
            assert r.decision.reason.id == "not_an_error"


@pytest.mark.parametrize("adapter", ["requests", "httpx"])
def test_a_pentify_post_with_a_body_key_is_retried_and_one_without_is_not(adapter: str) -> None:
    body = json.dumps({"target": "x", "idempotency_key": "k-1"})
    with Server([(500, {}, PENTIFY_500), (201, {}, "{}")]) as s:
        with requests_session("pentify") if adapter == "requests" else httpx_client("pentify") as (client, _):
            response: Union[requests.Response, httpx.Response]
            if isinstance(client, requests.Session):
                response = client.post(s.url, data=body, headers={errcat.requests.IDEMPOTENT: "1"})
            else:
                response = client.post(s.url, content=body, extensions={errcat.httpx.IDEMPOTENT: True})
            assert response.status_code == 201
            assert [b for _, b in s.seen] == [body.encode(), body.encode()]
            assert all(m == "POST" for m, _ in s.seen)
    with Server([(500, {}, PENTIFY_500), (201, {}, "{}")]) as s:
        with requests_session("pentify") if adapter == "requests" else httpx_client("pentify") as (client, _):
            refused: Union[requests.Response, httpx.Response]
            if isinstance(client, httpx.Client):
                refused = client.post(s.url, content=body)
            else:
                refused = client.post(s.url, data=body)
            response = refused
            assert response.status_code == 500
            assert len(s.seen) == 1
            decision = report(response).decision
            assert decision is not None and decision.reason is not None and decision.reason.id == "not_idempotent"
            # The body is still there for the caller.
            assert response.json()["error"]["code"] == "server_error"


@pytest.mark.parametrize("adapter", ["requests", "httpx"])
def test_with_no_limits_set_vantaprism_ends_at_the_default_three_attempts(adapter: str) -> None:
    with Server([(503, {}, VANTA_503)]) as s:
        with requests_session("vantaprism") if adapter == "requests" else httpx_client("vantaprism") as (client, slept):
            response = client.get(s.url)
            assert response.status_code == 503
            assert len(s.seen) == 3
            assert slept == [1.0, 2.0]
            reason = report(response).decision.reason  # type: ignore[union-attr]
            assert reason is not None and (reason.id, reason.max_attempts, reason.limit) == ("attempts_exhausted", 3, "default")


@pytest.mark.parametrize("adapter", ["requests", "httpx"])
@pytest.mark.parametrize("limits,limit", [(None, "default"), (Limits.none(), "platform")])
def test_a_30_day_retry_after_is_a_give_up_not_a_sleep(adapter: str, limits: Limits, limit: str) -> None:
    with Server([(429, {"Retry-After": "2592000"}, VANTA_QUOTA)]) as s:
        maker = requests_session if adapter == "requests" else httpx_client
        with maker("vantaprism", limits=limits) as (client, slept):
            response = client.get(s.url)
            assert response.status_code == 429
            assert slept == []
            reason = report(response).decision.reason  # type: ignore[union-attr]
            assert reason is not None and (reason.id, reason.limit) == ("wait_too_long", limit)


@pytest.mark.parametrize("adapter", ["requests", "httpx"])
def test_the_deadline_cancels_an_attempt_against_a_hanging_server(adapter: str) -> None:
    with Server(["hang"]) as s:
        limits = Limits(deadline=0.3)
        maker = requests_session if adapter == "requests" else httpx_client
        with maker("vantaprism", limits=limits) as (client, _):
            started = time.monotonic()
            with pytest.raises(errcat.requests.DeadlineExceeded) as raised:
                client.get(s.url)
            took = time.monotonic() - started
            assert 0.29 <= took < 3.0, took
            reason = raised.value.report.decision.reason  # type: ignore[union-attr]
            assert reason is not None and (reason.id, reason.limit) == ("deadline_exceeded", "client")
            assert raised.value.report.attempts == 1


@pytest.mark.parametrize("adapter", ["requests", "httpx"])
def test_a_refused_connection_is_retried_for_any_method_then_raised(adapter: str) -> None:
    with Server([(200, {}, "{}")]) as s:
        url = s.url
    maker = requests_session if adapter == "requests" else httpx_client
    with maker("vantaprism") as (client, slept):
        with pytest.raises(Exception) as raised:
            client.post(url, content=b"{}") if isinstance(client, httpx.Client) else client.post(url, data=b"{}")
        classify = errcat.requests.classify if adapter == "requests" else errcat.httpx.classify
        assert classify(raised.value) == errcat.TransportFailure.CONNECT
        assert slept == [1.0, 2.0]
        got = raised.value.errcat_report  # type: ignore[attr-defined]
        assert got.attempts == 3 and got.decision.reason.limit == "default"


@pytest.mark.parametrize("adapter", ["requests", "httpx"])
def test_a_proxy_html_502_is_retried_for_a_get(adapter: str) -> None:
    with Server([(502, {"content-type": "text/html"}, NGINX_502), (200, {}, "{}")]) as s:
        with requests_session("pentify") if adapter == "requests" else httpx_client("pentify") as (client, slept):
            assert client.get(s.url).status_code == 200
            assert slept == [1.0]


def test_the_async_httpx_transport_retries_alike() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def main(url: str) -> httpx.Response:
        transport = errcat.httpx.AsyncRetryTransport("pentify", sleep=sleep, jitter=lambda: 0.5)
        async with httpx.AsyncClient(transport=transport) as client:
            return await client.get(url)

    with Server([(503, {}, PENTIFY_500), (200, {}, "{}")]) as s:
        response = asyncio.run(main(s.url))
        assert response.status_code == 200
        assert slept == [1.0]
        assert report(response).attempts == 2

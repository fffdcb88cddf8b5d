"""``httpx`` transports that retry as the vendor's reference says (extra ``httpx``).

Wrap the transport a client would use::

    import httpx
    from errcat.httpx import RetryTransport, AsyncRetryTransport, report_of

    client = httpx.Client(transport=RetryTransport("pentify"))
    # A POST carrying Pentify's idempotency key in its body, marked so it is retried safely:
    r = client.post(url, json={"idempotency_key": "k-1"}, extensions={"errcat_idempotent": True})
    report = report_of(r)  # attempts, waits, the final decision

    async_client = httpx.AsyncClient(transport=AsyncRetryTransport("pentify"))

Limits are errcat's defaults unless set (3 attempts where the reference gives none, a longest
wait of 60 s, 5 minutes for the whole call). Each attempt's timeouts are cut to what is left of
the deadline, so an attempt against a hanging server ends there with :class:`DeadlineExceeded`.
A request is marked as carrying the vendor's idempotency key with the extension
``errcat_idempotent``; a header of the key's own name is recognised too. The :class:`Report` is
in the response's extensions (:func:`report_of`) and on an exception raised (``errcat_report``).
A request whose body is a stream is sent once.
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Optional

import httpx

from errcat._budget import Budget
from errcat._retrier import Call, DeadlineExceeded, Report, Retrier
from errcat._retry import Limits, TransportFailure

__all__ = ["IDEMPOTENT", "AsyncRetryTransport", "DeadlineExceeded", "Report", "RetryTransport", "classify", "report_of"]

#: The request extension that marks a request as carrying the vendor's idempotency key.
IDEMPOTENT = "errcat_idempotent"
#: The response extension holding the call's :class:`Report`.
REPORT = "errcat_report"


def classify(error: BaseException) -> Optional[TransportFailure]:
    """The transport failure behind an ``httpx`` error: a connection not made (refused, DNS, a
    connect timeout) is ``CONNECT``, another timeout ``TIMEOUT``, a dropped connection or an
    incomplete response ``RESET``; ``None`` for anything else, which is not retried."""
    if isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout)):
        return TransportFailure.CONNECT
    if isinstance(error, httpx.TimeoutException):
        return TransportFailure.TIMEOUT
    if isinstance(error, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return TransportFailure.RESET
    return None


def report_of(response: httpx.Response) -> Optional[Report]:
    """The report of the call that returned ``response``, if a retry transport made it."""
    report = response.extensions.get(REPORT)
    return report if isinstance(report, Report) else None


def _start(retrier: Retrier, request: httpx.Request) -> tuple[Call, bool]:
    marked = bool(request.extensions.get(IDEMPOTENT, False))
    once = not isinstance(request.stream, httpx.ByteStream)
    return retrier.call(retrier.request(request.method, request.headers, marked)), once


def _attempt(request: httpx.Request, call: Call) -> httpx.Request:
    """The request with its timeouts cut to what is left of the deadline."""
    remaining = call.remaining()
    if remaining is None:
        return request
    timeout = dict(request.extensions.get("timeout", {}))
    for name in ("connect", "read", "write", "pool"):
        current = timeout.get(name)
        timeout[name] = remaining if current is None else min(current, remaining)
    request.extensions = {**request.extensions, "timeout": timeout}
    return request


def _failed(call: Call, error: Exception, once: bool) -> Optional[Any]:
    """The decision after an attempt raised ``error``, or ``None`` to raise it now (reported)."""
    failure = None if once else classify(error)
    if call.retrier.deadline is not None and call.remaining() == 0.0 and failure is not None:
        raise call.deadline_exceeded() from error
    if failure is None:
        error.errcat_report = call.report(None)  # type: ignore[attr-defined]
        return None
    decision = call.after_failure(failure)
    if not decision.is_retry:
        error.errcat_report = call.report(decision)  # type: ignore[attr-defined]
        return None
    return decision


def _finish(response: httpx.Response, report: Report) -> httpx.Response:
    response.extensions = {**response.extensions, REPORT: report}
    return response


class RetryTransport(httpx.BaseTransport):
    """A transport that sends through ``transport`` (default ``httpx.HTTPTransport()``) and retries
    as ``vendor_id``'s reference says, within ``limits`` (``None``: errcat's defaults) and
    ``budget``; ``sleep``, ``jitter``, ``clock`` and ``wall_clock`` replace the real ones in tests."""

    def __init__(
        self,
        vendor_id: str,
        *,
        transport: Optional[httpx.BaseTransport] = None,
        limits: Optional[Limits] = None,
        budget: Optional[Budget] = None,
        sleep: Optional[Callable[[float], None]] = None,
        jitter: Optional[Callable[[], float]] = None,
        clock: Optional[Callable[[], float]] = None,
        wall_clock: Optional[Callable[[], float]] = None,
    ) -> None:
        self.transport = transport if transport is not None else httpx.HTTPTransport()
        self.retrier = Retrier(
            vendor_id, limits=limits, budget=budget, jitter=jitter, clock=clock, wall_clock=wall_clock, sleep=sleep
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        call, once = _start(self.retrier, request)
        while True:
            call.attempted()
            try:
                response = self.transport.handle_request(_attempt(request, call))
                if response.status_code >= 400 and not once:
                    response.read()
            except Exception as error:
                decision = _failed(call, error, once)
                if decision is None:
                    raise
                call.wait(decision)
                continue
            if once and response.status_code >= 400:
                return _finish(response, call.report(None))
            body = response.content if response.status_code >= 400 else b""
            decision = call.after_response(response.status_code, response.headers, body)
            if not decision.is_retry:
                return _finish(response, call.report(decision))
            response.close()
            call.wait(decision)

    def close(self) -> None:
        self.transport.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The asynchronous :class:`RetryTransport`: it wraps ``transport`` (default
    ``httpx.AsyncHTTPTransport()``) and waits with ``sleep`` (default ``asyncio.sleep``)."""

    def __init__(
        self,
        vendor_id: str,
        *,
        transport: Optional[httpx.AsyncBaseTransport] = None,
        limits: Optional[Limits] = None,
        budget: Optional[Budget] = None,
        sleep: Optional[Callable[[float], Awaitable[None]]] = None,
        jitter: Optional[Callable[[], float]] = None,
        clock: Optional[Callable[[], float]] = None,
        wall_clock: Optional[Callable[[], float]] = None,
    ) -> None:
        self.transport = transport if transport is not None else httpx.AsyncHTTPTransport()
        self.sleep: Callable[[float], Awaitable[None]] = sleep if sleep is not None else asyncio.sleep
        self.retrier = Retrier(vendor_id, limits=limits, budget=budget, jitter=jitter, clock=clock, wall_clock=wall_clock)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        call, once = _start(self.retrier, request)
        while True:
            call.attempted()
            try:
                response = await self.transport.handle_async_request(_attempt(request, call))
                if response.status_code >= 400 and not once:
                    await response.aread()
            except Exception as error:
                decision = _failed(call, error, once)
                if decision is None:
                    raise
                await call.wait_async(decision, self.sleep)
                continue
            if once and response.status_code >= 400:
                return _finish(response, call.report(None))
            body = response.content if response.status_code >= 400 else b""
            decision = call.after_response(response.status_code, response.headers, body)
            if not decision.is_retry:
                return _finish(response, call.report(decision))
            await response.aclose()
            await call.wait_async(decision, self.sleep)

    async def aclose(self) -> None:
        await self.transport.aclose()

"""A ``requests`` transport adapter that retries as the vendor's reference says (extra ``requests``).

Mount it on a session for the vendor's base URL::

    import requests
    from errcat.requests import IDEMPOTENT, RetryAdapter, report_of

    session = requests.Session()
    session.mount("https://api.pentify.example/", RetryAdapter("pentify"))
    # A POST carrying Pentify's idempotency key in its body, marked so it is retried safely:
    r = session.post(url, json={"idempotency_key": "k-1"}, headers={IDEMPOTENT: "1"})
    report = report_of(r)  # attempts, waits, the final decision

Limits are errcat's defaults unless set (3 attempts where the reference gives none, a longest
wait of 60 s, 5 minutes for the whole call). Each attempt's timeout is cut to what is left of the
deadline, so an attempt against a hanging server ends there with :class:`DeadlineExceeded`.
The :data:`IDEMPOTENT` header marks a request as carrying the vendor's idempotency key and is
removed before the request is sent; a header of the key's own name is recognised too. The
:class:`Report` is on the response (:func:`report_of`) and on an exception raised
(``errcat_report``). A request whose body is a stream or a file is sent once.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Optional, Union

import requests
import requests.adapters
import requests.exceptions
from urllib3.exceptions import NewConnectionError

from errcat._budget import Budget
from errcat._retrier import DeadlineExceeded, Report, Retrier
from errcat._retry import Limits, TransportFailure

__all__ = ["IDEMPOTENT", "DeadlineExceeded", "Report", "RetryAdapter", "classify", "report_of"]

#: The header that marks a request as carrying the vendor's idempotency key; never sent.
IDEMPOTENT = "Errcat-Idempotent"

_TimeoutArg = Union[None, float, tuple[Optional[float], Optional[float]]]


def classify(error: BaseException) -> Optional[TransportFailure]:
    """The transport failure behind a ``requests`` error: a connection not made (refused, DNS, a
    connect timeout) is ``CONNECT``, a read timeout ``TIMEOUT``, a dropped connection or an
    incomplete body ``RESET``; ``None`` for anything else, which is not retried."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return TransportFailure.CONNECT
    if isinstance(error, requests.exceptions.Timeout):
        return TransportFailure.TIMEOUT
    if isinstance(error, requests.exceptions.ConnectionError):
        reason = getattr(error.args[0], "reason", None) if error.args else None
        if isinstance(reason, NewConnectionError):
            return TransportFailure.CONNECT
        return TransportFailure.RESET
    if isinstance(error, requests.exceptions.ChunkedEncodingError):
        return TransportFailure.RESET
    return None


def report_of(response: requests.Response) -> Optional[Report]:
    """The report of the call that returned ``response``, if a :class:`RetryAdapter` made it."""
    report = getattr(response, "errcat_report", None)
    return report if isinstance(report, Report) else None


def _cut(timeout: _TimeoutArg, remaining: Optional[float]) -> _TimeoutArg:
    """The attempt's timeout: the caller's, cut to what is left of the deadline."""
    if remaining is None:
        return timeout
    if timeout is None:
        return (remaining, remaining)
    connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    return (
        remaining if connect is None else min(connect, remaining),
        remaining if read is None else min(read, remaining),
    )


class RetryAdapter(requests.adapters.HTTPAdapter):
    """An ``HTTPAdapter`` that retries as ``vendor_id``'s reference says, within ``limits``
    (``None``: errcat's defaults) and ``budget``; ``sleep``, ``jitter``, ``clock`` (monotonic
    seconds) and ``wall_clock`` (Unix seconds) replace the real ones in tests. Other keyword
    arguments go to ``HTTPAdapter`` (urllib3's own retries stay off)."""

    def __init__(
        self,
        vendor_id: str,
        *,
        limits: Optional[Limits] = None,
        budget: Optional[Budget] = None,
        sleep: Optional[Callable[[float], None]] = None,
        jitter: Optional[Callable[[], float]] = None,
        clock: Optional[Callable[[], float]] = None,
        wall_clock: Optional[Callable[[], float]] = None,
        **kwargs: Any,
    ) -> None:
        kwargs["max_retries"] = 0
        super().__init__(**kwargs)
        self.retrier = Retrier(
            vendor_id, limits=limits, budget=budget, jitter=jitter, clock=clock, wall_clock=wall_clock, sleep=sleep
        )

    def send(  # type: ignore[override]
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: _TimeoutArg = None,
        verify: Union[bool, str] = True,
        cert: Union[None, str, tuple[str, str]] = None,
        proxies: Optional[Mapping[str, str]] = None,
    ) -> requests.Response:
        marked = request.headers.pop(IDEMPOTENT, None) is not None
        sent = self.retrier.request(request.method or "GET", request.headers, marked)
        once = request.body is not None and not isinstance(request.body, (bytes, str))
        call = self.retrier.call(sent)
        while True:
            call.attempted()
            attempt_timeout = _cut(timeout, call.remaining())
            try:
                response = super().send(request, stream, attempt_timeout, verify, cert, proxies)  # type: ignore[arg-type]
            except Exception as error:
                if self.retrier.deadline is not None and call.remaining() == 0.0 and classify(error) is not None:
                    raise call.deadline_exceeded() from error
                failure = None if once else classify(error)
                if failure is None:
                    error.errcat_report = call.report(None)  # type: ignore[attr-defined]
                    raise
                decision = call.after_failure(failure)
                if not decision.is_retry:
                    error.errcat_report = call.report(decision)  # type: ignore[attr-defined]
                    raise
                call.wait(decision)
                continue
            if response.status_code < 400:
                decision = call.after_response(response.status_code, response.headers, b"")
                return self._finish(response, call.report(decision))
            if once:
                return self._finish(response, call.report(None))
            try:
                body = response.content
            except Exception as error:
                if self.retrier.deadline is not None and call.remaining() == 0.0:
                    raise call.deadline_exceeded() from error
                decision = call.after_failure(classify(error) or TransportFailure.RESET)
                if not decision.is_retry:
                    error.errcat_report = call.report(decision)  # type: ignore[attr-defined]
                    raise
                call.wait(decision)
                continue
            decision = call.after_response(response.status_code, response.headers, body)
            if not decision.is_retry:
                return self._finish(response, call.report(decision))
            response.close()
            call.wait(decision)

    @staticmethod
    def _finish(response: requests.Response, report: Report) -> requests.Response:
        response.errcat_report = report  # type: ignore[attr-defined]
        return response

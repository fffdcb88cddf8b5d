"""Typed API error codes, retry rules and response parsing for every vendor in the errcat catalog.

Each vendor has a module (``errcat.pentify``, ``errcat.cert_ix``, ...) with a base exception,
an exception class per code, the code table ``CODES``, the vendor's ``POLICY`` and
``from_response(status, headers, body)``. :func:`parse` handles any vendor's response alike::

    import errcat
    from errcat import pentify

    body = b'{"error":{"code":"rate_limited","message":"Slow down","request_id":"req_1"}}'
    err = pentify.from_response(429, {"Retry-After": "2"}, body)
    assert isinstance(err, pentify.RateLimitedError)
    assert err.retry_decision(1, "GET").delay == 2.0

The vendor modules are generated from ``catalog/*.yaml`` by ``cargo xtask codegen``; everything
that does not vary by vendor (this module and the ones whose names start with ``_``) is
written by hand. The package needs nothing beyond the standard library.
"""

from __future__ import annotations

import importlib
from typing import Optional, Union

from errcat._budget import Budget
from errcat._headers import Headers, parse_retry_after
from errcat._response import Envelope, RawError
from errcat._retry import (
    DEFAULT,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_WAIT,
    TIMER_MAX,
    Attempt,
    Backoff,
    Decision,
    Default,
    GiveUpReason,
    Jitter,
    Limits,
    Outcome,
    Policy,
    Request,
    Response,
    Retry,
    TransportFailure,
    decide,
    jitter_sample,
)
from errcat._vendor import ApiError, CodeInfo, Table, Vendor
from errcat._vendors import MODULES

__all__ = [
    "DEFAULT",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_MAX_WAIT",
    "TIMER_MAX",
    "ApiError",
    "Attempt",
    "Backoff",
    "Budget",
    "CodeInfo",
    "Decision",
    "Default",
    "Envelope",
    "GiveUpReason",
    "Headers",
    "Jitter",
    "Limits",
    "Outcome",
    "Policy",
    "RawError",
    "Request",
    "Response",
    "Retry",
    "Table",
    "TransportFailure",
    "Vendor",
    "decide",
    "jitter_sample",
    "parse",
    "parse_retry_after",
    "vendor",
    "vendor_ids",
]

__version__ = "0.1.0"

_TABLES: dict[str, Table[ApiError]] = {}


def vendor_ids() -> tuple[str, ...]:
    """Every vendor id of the catalog, sorted."""
    return tuple(MODULES)


def _table(vendor_id: str) -> Table[ApiError]:
    table = _TABLES.get(vendor_id)
    if table is None:
        module_name = MODULES.get(vendor_id)
        if module_name is None:
            known = ", ".join(MODULES)
            raise ValueError(f"unknown vendor id {vendor_id!r}; the catalog has: {known}")
        table = importlib.import_module(f"errcat.{module_name}").TABLE
        _TABLES[vendor_id] = table
    return table


def vendor(vendor_id: str) -> Vendor:
    """The vendor with this id (its module is imported on first use); ``ValueError`` for an unknown id."""
    return _table(vendor_id).vendor


def parse(
    vendor_id: str,
    status: int,
    headers: Headers,
    body: Union[bytes, bytearray, memoryview, str],
    now: Optional[float] = None,
) -> ApiError:
    """Parses an HTTP error response from the vendor ``vendor_id``; never raises for any response.

    ``headers`` is a mapping, an object with ``items()``, or ``(name, value)`` pairs, in any
    case; ``body`` is bytes or text; ``now`` (Unix seconds) measures a delay given as an HTTP
    date (``None``: the clock). The result is the code's class from the vendor's module, or the
    vendor's base class for a code the catalog does not know. Raises ``ValueError`` only for a
    vendor id the catalog does not have.
    """
    return _table(vendor_id).from_response(status, headers, body, now)

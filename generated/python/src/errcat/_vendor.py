"""What every vendor module shares: the code table row, the vendor record and the parsed error.

Each generated vendor module is tables and thin classes; parsing a response and deciding on a
retry are written once here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Optional, TypeVar, Union

from errcat._budget import Budget
from errcat._headers import Headers
from errcat._response import Envelope, RawError, fields
from errcat._retry import (
    Attempt,
    Decision,
    GiveUpReason,
    Limits,
    Policy,
    Request,
    Response,
    Retry,
    decide,
)

__all__ = ["ApiError", "CodeInfo", "Table", "UNKNOWN_MEANING", "Vendor", "rule_for_unknown"]

#: The meaning reported for a code the catalog does not know.
UNKNOWN_MEANING = "A code the catalog does not know yet."

_NS = 1_000_000_000


@dataclass(frozen=True)
class CodeInfo:
    """What the catalog records about one code: a row of the vendor's code table.

    ``aliases`` are the other spellings the vendor has sent for the code; each parses to it.
    ``deprecated`` is the deprecation note (since when, why, what replaces it) when the vendor
    deprecated or removed the code; ``removed`` is true when the vendor no longer sends it (it
    still parses); ``replaced_by`` names the code that replaces it, when the catalog names one;
    ``docs_url`` is the address of its section of the published reference, when the catalog says
    where the reference is published.
    """

    code: str
    statuses: tuple[int, ...]
    kind: str
    retry: Retry
    meaning: str
    message: Optional[str] = None
    resolution: Optional[str] = None
    any_method: bool = False
    deprecated: Optional[str] = None
    aliases: tuple[str, ...] = ()
    removed: bool = False
    replaced_by: Optional[str] = None
    docs_url: Optional[str] = None

    @property
    def is_deprecated(self) -> bool:
        """True when the vendor deprecated or removed the code."""
        return self.deprecated is not None

    @property
    def status(self) -> Optional[int]:
        """The documented HTTP status, when there is exactly one."""
        return self.statuses[0] if len(self.statuses) == 1 else None


@dataclass(frozen=True)
class Vendor:
    """A vendor of the catalog: its id, name, retry guidance and envelope.

    ``keyed_by_status`` is true when the vendor sends no stable code, so its codes are its
    documented statuses.
    """

    id: str
    name: str
    policy: Policy
    envelope: Envelope
    keyed_by_status: bool = False


def rule_for_unknown(status: int, policy: Policy) -> Retry:
    """The rule for a code the catalog does not know, from its status alone: 429 waits the server's
    delay (or backs off), a 5xx backs off when the request is safe to repeat, anything else is
    not retried."""
    if status == 429:
        return Retry.RETRY_AFTER if policy.delay_header is not None else Retry.BACKOFF
    if 500 <= status <= 599:
        return Retry.IDEMPOTENT
    return Retry.NEVER


_Self = TypeVar("_Self", bound="ApiError")


class ApiError(Exception):
    """An error response from any vendor, parsed.

    Each vendor module has a base class (``errcat.pentify.PentifyError``) and a subclass per
    code; a code the catalog does not know gives the vendor's base class itself, with the code
    kept verbatim in ``code``. Built by a vendor module's ``from_response`` or by
    :func:`errcat.parse`, which never raise: a body that is not the vendor's envelope still
    gives an error, its code derived from the status and a bounded excerpt of the body as
    its message.
    """

    #: The vendor (set on each vendor's base class).
    vendor: ClassVar[Vendor]
    #: The code's row of the catalog (``None`` on a vendor's base class: an unknown code).
    info: ClassVar[Optional[CodeInfo]] = None

    status: int
    code: str
    message: str
    request_id: Optional[str]
    details: Any
    retry_after_ns: Optional[int]

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        request_id: Optional[str] = None,
        details: Any = None,
        retry_after_ns: Optional[int] = None,
    ) -> None:
        self.args = (message,)
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        self.details = details
        self.retry_after_ns = retry_after_ns

    @classmethod
    def from_raw(cls: type[_Self], raw: RawError, code: str) -> _Self:
        """The error for fields already extracted, with ``code`` as its wire code."""
        return cls(raw.status, code, raw.message, raw.request_id, raw.details, raw.retry_after_ns)

    def __reduce__(self) -> tuple[Any, ...]:
        fields = (self.status, self.code, self.message, self.request_id, self.details, self.retry_after_ns)
        return (type(self), fields)

    @property
    def vendor_id(self) -> str:
        """The vendor's id, e.g. ``cert-ix``."""
        return self.vendor.id

    @property
    def is_known(self) -> bool:
        """True for a code the catalog knows."""
        return self.info is not None

    @property
    def kind(self) -> str:
        """The canonical kind id, e.g. ``rate_limited`` (``unknown`` for an unknown code)."""
        return "unknown" if self.info is None else self.info.kind

    @property
    def meaning(self) -> str:
        """What the code means."""
        return UNKNOWN_MEANING if self.info is None else self.info.meaning

    @property
    def retry_after(self) -> Optional[float]:
        """The server's requested delay in seconds, from the vendor's delay header."""
        return None if self.retry_after_ns is None else self.retry_after_ns / _NS

    @property
    def retry_rule(self) -> Retry:
        """The rule in force: the code's, or for an unknown code the status's."""
        if self.info is None:
            return rule_for_unknown(self.status, self.vendor.policy)
        return self.info.retry

    @property
    def any_method(self) -> bool:
        """Whether the reference declares the code safe to retry whatever the HTTP method."""
        return self.info is not None and self.info.any_method

    def outcome(self) -> Response:
        """The response as the retry decision sees it."""
        return Response(self.status, self.retry_rule, self.any_method, self.retry_after_ns)

    def retry_decision(
        self,
        attempt: int,
        request: Union[Request, str],
        jitter: Optional[float] = None,
        *,
        limits: Optional[Limits] = None,
        elapsed: float = 0.0,
        budget: Optional[Budget] = None,
    ) -> Decision:
        """Whether and when to retry after ``attempt`` attempts (the failed one included).

        ``request`` is a :class:`Request` or just its method; ``jitter`` a sample in ``[0, 1)``
        (``None`` draws one); ``limits`` the client's own limits, with ``elapsed`` seconds since
        the first attempt; with a ``budget``, a retry withdraws from it and gives up when it is
        spent.
        """
        if isinstance(request, str):
            request = Request(request)
        decision = decide(
            Attempt(
                self.vendor.policy,
                self.outcome(),
                request,
                attempt,
                limits if limits is not None else Limits(),
                elapsed,
                jitter,
            )
        )
        if budget is not None and decision.is_retry and not budget.try_withdraw(self.outcome()):
            return Decision(reason=GiveUpReason("budget_exhausted"))
        return decision

    def __str__(self) -> str:
        """One line: vendor, code, status, message and request id, with control and bidirectional
        characters shown as escapes so a response can neither forge a line break nor reorder text."""
        code = self.code or "unknown code"
        line = f"{_escaped(self.vendor.name)} {_escaped(code)} (HTTP {self.status}): {_escaped(self.message)}"
        if self.request_id is not None:
            line += f" [request id {_escaped(self.request_id)}]"
        return line

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, message={self.message!r})"


_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u2028\u2029")


def _escaped(text: str) -> str:
    if text.isprintable() and not any(c in _BIDI for c in text):
        return text
    out = []
    for c in text:
        point = ord(c)
        if point < 0x20 or 0x7F <= point <= 0x9F or c in _BIDI:
            out.append(f"\\u{{{point:x}}}")
        else:
            out.append(c)
    return "".join(out)


E = TypeVar("E", bound=ApiError)


class Table(Generic[E]):
    """A vendor's lookup from wire code and from status to its error classes.

    ``by_code`` holds each code's class under the code, ``aliases`` each alias's (an exact
    spelling): an alias parses to its code's class, with the code's own spelling as ``code``.
    """

    __slots__ = ("vendor", "base", "by_code", "by_status", "aliases")

    def __init__(
        self,
        vendor: Vendor,
        base: type[E],
        by_code: dict[str, type[E]],
        by_status: dict[int, type[E]],
        aliases: Optional[dict[str, type[E]]] = None,
    ) -> None:
        self.vendor = vendor
        self.base = base
        self.by_code = by_code
        self.by_status = by_status
        self.aliases: dict[str, type[E]] = {} if aliases is None else aliases

    def from_response(
        self,
        status: int,
        headers: Headers,
        body: Union[bytes, bytearray, memoryview, str],
        now: Optional[float] = None,
    ) -> E:
        """Parses an HTTP error response; never raises.

        A body without a code maps to the one code documented for its status, else to the base
        class with an empty code (for a vendor keyed by status, the status as text).
        """
        vendor = self.vendor
        code, message, request_id, details, wait = fields(
            vendor.envelope, vendor.policy.delay_header, headers, body, now
        )
        if code is not None:
            found = self.by_code.get(code) or self.aliases.get(code, self.base)
            if found.info is not None:
                code = found.info.code  # an alias gives its code's own spelling
            return found(status, code, message, request_id, details, wait)
        cls = self.by_status.get(status)
        if cls is not None and cls.info is not None:
            return cls(status, cls.info.code, message, request_id, details, wait)
        code = str(status) if vendor.keyed_by_status else ""
        return self.base(status, code, message, request_id, details, wait)

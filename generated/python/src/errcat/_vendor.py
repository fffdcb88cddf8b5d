"""What every vendor module shares: the code table row, the vendor record and the parsed error.

Each generated vendor module is tables and thin classes; parsing a response and deciding on a
retry are written once here.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar, Generic, Literal, Optional, TypeVar, Union

from errcat._budget import Budget
from errcat._headers import Headers, header, header_pairs
from errcat._response import Envelope, RawError, read
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

__all__ = [
    "ApiError",
    "CodeInfo",
    "Condition",
    "RateLimit",
    "RateLimitHeaders",
    "Table",
    "TypeInfo",
    "UNKNOWN_MEANING",
    "Vendor",
    "rule_for_unknown",
]

#: The meaning reported for a code the catalog does not know.
UNKNOWN_MEANING = "A code the catalog does not know yet."

_NS = 1_000_000_000
_U64_MAX = 2**64 - 1
_OWS = " \t"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class Condition:
    """A condition a response without a readable code must meet to be a code told apart by ``match``.

    ``header``: some value of the header ``name``, trimmed of spaces and tabs, equals ``text``
    exactly. ``header_present``: the response has the header ``name``. ``message_contains``: the
    message read from the body's message path (not an excerpt) contains ``text``, ignoring
    ASCII case.
    """

    kind: Literal["header", "header_present", "message_contains"]
    name: str = ""
    text: str = ""

    @staticmethod
    def header(name: str, equals: str) -> Condition:
        """Some value of header ``name``, trimmed, equals ``equals``."""
        return Condition("header", name, equals)

    @staticmethod
    def header_present(name: str) -> Condition:
        """The response has header ``name``."""
        return Condition("header_present", name)

    @staticmethod
    def message_contains(text: str) -> Condition:
        """The body's message contains ``text``, ignoring ASCII case."""
        return Condition("message_contains", text=text)

    def holds(self, headers: Headers, message: Optional[str]) -> bool:
        """Whether the response (its headers, and the message its body gives, if any) meets the condition."""
        if self.kind == "message_contains":
            if message is None:
                return False
            return self.text.translate(_ASCII_LOWER) in message.translate(_ASCII_LOWER)
        wanted = self.name.lower()
        for name, value in header_pairs(headers):
            if name.lower() == wanted and (self.kind == "header_present" or value.strip(_OWS) == self.text):
                return True
        return False


@dataclass(frozen=True)
class TypeInfo:
    """One of the vendor's types of error (a level between the vendor and its codes): its wire id and meaning."""

    id: str
    meaning: str


@dataclass(frozen=True)
class CodeInfo:
    """What the catalog records about one code: a row of the vendor's code table.

    ``aliases`` are the other spellings the vendor has sent for the code; each parses to it.
    ``error_type`` is the id of the vendor's type the code belongs to; ``fallback`` marks the
    code a body without a readable code means at its statuses; ``conditions`` tell the code
    apart from others of its status (all must hold); ``min_delay_ns`` is the shortest wait
    before a retry; ``subcodes`` the documented sub-codes with their meanings.
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
    error_type: Optional[str] = None
    fallback: bool = False
    conditions: tuple[Condition, ...] = ()
    min_delay_ns: Optional[int] = None
    subcodes: tuple[tuple[str, str], ...] = ()

    @property
    def status(self) -> Optional[int]:
        """The documented HTTP status, when there is exactly one."""
        return self.statuses[0] if len(self.statuses) == 1 else None

    def subcode_meaning(self, subcode: str) -> Optional[str]:
        """The documented meaning of one of the code's sub-codes, ``None`` for one the catalog does not list."""
        for known, meaning in self.subcodes:
            if known == subcode:
                return meaning
        return None


@dataclass(frozen=True)
class RateLimit:
    """The rate limit a response's headers give.

    ``limit``, ``remaining`` and ``used`` are the counts (``None`` when the header is absent or
    not 1 to 18 ASCII digits); ``reset_ms`` is the wait until the limit resets, in milliseconds,
    measured from the parse's ``now``.
    """

    limit: Optional[int] = None
    remaining: Optional[int] = None
    used: Optional[int] = None
    reset_ms: Optional[int] = None

    @property
    def reset(self) -> Optional[float]:
        """The wait until the limit resets, in seconds."""
        return None if self.reset_ms is None else self.reset_ms / 1000


@dataclass(frozen=True)
class RateLimitHeaders:
    """The headers a vendor gives its rate limit in, by role; ``reset_format`` says how ``reset``
    writes its time: ``epoch_seconds`` (Unix seconds) or ``seconds`` (from now)."""

    limit: Optional[str] = None
    remaining: Optional[str] = None
    used: Optional[str] = None
    reset: Optional[str] = None
    reset_format: Literal["epoch_seconds", "seconds"] = "seconds"

    def read(self, headers: Headers, now: Optional[float]) -> RateLimit:
        """The rate limit in ``headers``; ``now`` (Unix seconds, ``None``: the clock) measures an epoch reset."""
        reset_ms = None
        reset = _count(headers, self.reset)
        if reset is not None:
            reset_ms = min(reset * 1000, _U64_MAX)
            if self.reset_format == "epoch_seconds":
                now_ms = _now_ms(time.time() if now is None else now)
                reset_ms = max(0, reset_ms - now_ms)
        return RateLimit(_count(headers, self.limit), _count(headers, self.remaining), _count(headers, self.used), reset_ms)


def _now_ms(now: float) -> int:
    if isinstance(now, int):
        return now * 1000
    try:
        return max(0, int(now * 1000 // 1))
    except (OverflowError, ValueError):
        return 0


def _count(headers: Headers, name: Optional[str]) -> Optional[int]:
    """The first value of header ``name`` that is 1 to 18 ASCII digits once trimmed."""
    if name is None:
        return None
    wanted = name.lower()
    for candidate, value in header_pairs(headers):
        if candidate.lower() == wanted:
            value = value.strip(_OWS)
            if 0 < len(value) <= 18 and value.isascii() and value.isdigit():
                return int(value)
    return None


@dataclass(frozen=True)
class Vendor:
    """A vendor of the catalog: its id, name, retry guidance and envelope.

    ``keyed_by_status`` is true when the vendor sends no stable code, so its codes are its
    documented statuses. ``rate_limit`` names the headers its rate limit is read from (``None``:
    it declares none); ``doc_url_template`` is a URL with ``{code}`` where it documents each code.
    """

    id: str
    name: str
    policy: Policy
    envelope: Envelope
    keyed_by_status: bool = False
    rate_limit: Optional[RateLimitHeaders] = None
    doc_url_template: Optional[str] = None


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
    #: The vendor's type of error a class stands for (set on each type's class).
    type_info: ClassVar[Optional[TypeInfo]] = None

    status: int
    code: str
    message: str
    request_id: Optional[str]
    details: Any
    retry_after_ns: Optional[int]
    #: The sub-code the body carries (Stripe's ``decline_code``), or ``None``.
    subcode: Optional[str] = None
    #: The documented extra fields found in the body, by name (JSON values; strings for XML).
    fields: Mapping[str, Any] = MappingProxyType({})
    #: The rate limit the headers give, or ``None`` when the vendor declares no rate-limit header.
    rate_limit: Optional[RateLimit] = None
    #: The type of error the body names, when it names one.
    body_type: Optional[str] = None
    #: The docs link the body carries, when it has one.
    body_doc_url: Optional[str] = None
    #: The server's word in the vendor's should-retry header: ``True``, ``False`` or ``None``.
    should_retry: Optional[bool] = None

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
        args = (self.status, self.code, self.message, self.request_id, self.details, self.retry_after_ns)
        state = {k: v for k, v in self.__dict__.items() if k not in _ARGS}
        if "fields" in state:
            state["fields"] = dict(state["fields"])
        return (type(self), args, state) if state else (type(self), args)

    def field(self, name: str) -> Any:
        """The documented extra field ``name`` as the body gives it, or ``None`` when it is absent."""
        return self.fields.get(name)

    @property
    def error_type(self) -> Optional[str]:
        """The vendor's type of error: the one the body names, else the code's type in the catalog, else ``None``."""
        if self.body_type is not None:
            return self.body_type
        info = self.info
        return None if info is None else info.error_type

    @property
    def vendor_docs_url(self) -> Optional[str]:
        """The vendor's docs for this error: the body's link, else the vendor's URL template with
        a known code, else ``None``."""
        if self.body_doc_url is not None:
            return self.body_doc_url
        template = self.vendor.doc_url_template
        if template is None or self.info is None:
            return None
        return template.replace("{code}", self.info.code)

    @property
    def subcode_is_known(self) -> bool:
        """Whether the body's sub-code is one the catalog lists for the code."""
        return self.subcode is not None and self.info is not None and self.info.subcode_meaning(self.subcode) is not None

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
        """The response as the retry decision sees it.

        For rule ``until_reset`` the server's delay is the wait until the rate limit resets.
        """
        rule = self.retry_rule
        info = self.info
        wait = self.retry_after_ns
        if rule.rule == "until_reset":
            reset = None if self.rate_limit is None else self.rate_limit.reset_ms
            wait = None if reset is None else min(reset * 1_000_000, _U64_MAX)
        min_delay = None if info is None else info.min_delay_ns
        return Response(self.status, rule, self.any_method, wait, self.should_retry, min_delay)

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


#: The attributes the constructor sets, which pickling passes as arguments.
_ARGS = frozenset(("args", "status", "code", "message", "request_id", "details", "retry_after_ns"))

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

    ``by_code`` holds each code's class under the code, in the catalog's order; ``aliases`` each
    alias's (an exact spelling): an alias parses to its code's class, with the code's own
    spelling as ``code``. ``by_status`` holds each status's fallback class: what a body without
    a readable code means at that status when no code told apart by conditions matches.
    """

    __slots__ = ("vendor", "base", "by_code", "by_status", "aliases", "matched", "_plain")

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
        #: Each status's classes told apart by conditions, in the catalog's order.
        self.matched: dict[int, list[type[E]]] = {}
        for cls in by_code.values():
            info = cls.info
            if info is not None and info.conditions:
                for status in info.statuses:
                    self.matched.setdefault(status, []).append(cls)
        policy = vendor.policy
        self._plain = (
            not vendor.envelope.extras and vendor.rate_limit is None and policy.should_retry_header is None
        )

    def from_response(
        self,
        status: int,
        headers: Headers,
        body: Union[bytes, bytearray, memoryview, str],
        now: Optional[float] = None,
    ) -> E:
        """Parses an HTTP error response; never raises.

        A body without a readable code is the first code of its status whose conditions all
        hold (in the catalog's order), else its status's fallback code, else unknown: the base
        class with an empty code (for a vendor keyed by status, the status as text).
        """
        vendor = self.vendor
        r = read(vendor.envelope, vendor.policy.delay_header, headers, body, now)
        code = r.code
        if code is not None:
            found = self.by_code.get(code) or self.aliases.get(code, self.base)
            if found.info is not None:
                code = found.info.code  # an alias gives its code's own spelling
        else:
            found = self._for_status(status, headers, r.body_message)
            if found.info is not None:
                code = found.info.code
            else:
                code = str(status) if vendor.keyed_by_status else ""
        err = found(status, code, r.message, r.request_id, r.details, r.retry_after_ns)
        if self._plain:
            return err
        if r.error_type is not None:
            err.body_type = r.error_type
        if r.subcode is not None:
            err.subcode = r.subcode
        if r.doc_url is not None:
            err.body_doc_url = r.doc_url
        if r.fields is not None:
            err.fields = r.fields
        if vendor.rate_limit is not None:
            err.rate_limit = vendor.rate_limit.read(headers, now)
        name = vendor.policy.should_retry_header
        if name is not None:
            said = header(headers, name)
            if said is not None:
                said = said.lower() if said.isascii() else said
                if said == "true":
                    err.should_retry = True
                elif said == "false":
                    err.should_retry = False
        return err

    def _for_status(self, status: int, headers: Headers, message: Optional[str]) -> type[E]:
        """The class of a response without a readable code: a matching code, the fallback, or the base."""
        for cls in self.matched.get(status, ()):
            info = cls.info
            if info is not None and all(c.holds(headers, message) for c in info.conditions):
                return cls
        return self.by_status.get(status, self.base)

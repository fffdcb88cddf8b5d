"""Extraction of the error fields from an HTTP error response, driven by the vendor's envelope described as data.

The answers match errcat's Rust runtime exactly: JSON is read as strict RFC 8259 UTF-8 (no
``NaN``, no numbers out of the float range, no unpaired surrogates, at most 127 levels of
nesting), and numbers at the code pointer become the text Rust's ``serde_json`` writes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Optional, Union

from errcat._headers import Headers, header, retry_after
from errcat import _xml
from errcat._xml import Element, parse_xml, path_tokens, text_at

__all__ = [
    "EXCERPT_LEN",
    "Envelope",
    "MAX_BODY",
    "MAX_MESSAGE",
    "RawError",
    "Read",
    "excerpt",
    "fields",
    "parse_json",
    "read",
    "resolve",
]

#: The largest body, in bytes, that is parsed (JSON or XML); larger bodies only yield an excerpt.
MAX_BODY = _xml.MAX_BODY
#: The number of bytes of the body :func:`excerpt` keeps at most, before the ellipsis.
EXCERPT_LEN = 200
#: The longest message or request id kept from a body, in bytes; longer ones are cut.
MAX_MESSAGE = 4096
#: The deepest nesting of arrays and objects a body may have to be parsed.
MAX_DEPTH = 127

_BOM = b"\xef\xbb\xbf"
_MISSING = object()

#: Unicode White_Space, the characters Rust's ``str::trim`` and ``split_whitespace`` use.
_WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_WHITE_SPACE_RUN = re.compile("[" + _WHITE_SPACE + "]+")


def _tokens(pointer: Optional[str]) -> Optional[tuple[str, ...]]:
    """The unescaped reference tokens of a pointer; ``None`` for one that matches nothing."""
    if pointer is None or (pointer != "" and not pointer.startswith("/")):
        return None
    if pointer == "":
        return ()
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/"))


@dataclass(frozen=True)
class Envelope:
    """Where a vendor puts each error field in its body, and the request-id header.

    For ``format="json"`` the paths are JSON pointers (RFC 6901): ``""`` points at the whole
    body and a pointer that does not start with ``/`` matches nothing. For ``format="xml"`` they
    are element paths such as ``/Error/Code`` (see :mod:`errcat._xml`). ``code`` is one path or
    several tried in order: the first that holds a non-empty string (or, in JSON, a number) is
    the code. ``error_type``, ``subcode`` and ``doc_url`` point at the vendor's type of error,
    its sub-code and its docs link; ``fields`` names the documented extra fields, each with its
    path.
    """

    code: Union[str, tuple[str, ...], None]
    message: str
    request_id: Optional[str] = None
    request_id_header: Optional[str] = None
    details: Optional[str] = None
    format: Literal["json", "xml"] = "json"
    error_type: Optional[str] = None
    subcode: Optional[str] = None
    doc_url: Optional[str] = None
    fields: tuple[tuple[str, str], ...] = ()
    #: The paths' tokens, split once: message, request id, details, type, sub-code, docs link.
    tokens: tuple[Optional[tuple[str, ...]], ...] = field(init=False, repr=False, compare=False)
    #: The code paths' tokens, in order (paths that match nothing left out).
    code_tokens: tuple[tuple[str, ...], ...] = field(init=False, repr=False, compare=False)
    #: Each extra field's name and tokens.
    field_tokens: tuple[tuple[str, tuple[str, ...]], ...] = field(init=False, repr=False, compare=False)
    #: Whether any of type, sub-code, docs link or fields is read.
    extras: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        split = path_tokens if self.format == "xml" else _tokens
        codes = (self.code,) if isinstance(self.code, str) else (self.code or ())
        pointers = (self.message, self.request_id, self.details, self.error_type, self.subcode, self.doc_url)
        set_ = object.__setattr__
        set_(self, "tokens", tuple(split(p) for p in pointers))
        set_(self, "code_tokens", tuple(t for t in (split(p) for p in codes) if t is not None))
        named = ((name, split(p)) for name, p in self.fields)
        set_(self, "field_tokens", tuple((name, t) for name, t in named if t is not None))
        extras = self.error_type is not None or self.subcode is not None or self.doc_url is not None
        set_(self, "extras", extras or bool(self.fields))


class RawError(NamedTuple):
    """The fields of an error response before they are mapped to a vendor's code.

    ``message`` is an excerpt of the body when it has none; ``retry_after_ns`` the delay the
    server asked for in the vendor's delay header, in nanoseconds.
    """

    status: int
    code: Optional[str]
    message: str
    request_id: Optional[str]
    details: Any
    retry_after_ns: Optional[int]

    @staticmethod
    def parse(
        envelope: Envelope,
        delay_header: Optional[str],
        status: int,
        headers: Headers,
        body: Union[bytes, bytearray, memoryview, str],
        now: Optional[float] = None,
    ) -> RawError:
        """Extracts the error fields from a response; it never raises and its work is bounded.

        ``now`` (Unix seconds) measures delays given as HTTP dates; ``None`` reads the clock
        when a date needs it. The body is parsed only when it is at most :data:`MAX_BODY`
        bytes (after an optional UTF-8 byte order mark). The code is the string, or the
        decimal text of the number, at the code pointer; the message the string at its
        pointer, or else an :func:`excerpt` of the body; the request id the string or number
        at its pointer, trimmed, or else the request-id header; the details whatever value is
        at their pointer; the delay the longest valid value of the delay header.
        """
        r = read(envelope, delay_header, headers, body, now)
        return RawError(status, r.code, r.message, r.request_id, r.details, r.retry_after_ns)


class Read(NamedTuple):
    """Everything :func:`read` takes from a response's body and headers.

    ``body_message`` is the string at the message path (``None`` when there is none), which
    match conditions read; ``message`` falls back to an excerpt of the body. ``fields`` holds
    only the extra fields found in the body.
    """

    code: Optional[str]
    message: str
    request_id: Optional[str]
    details: Any
    retry_after_ns: Optional[int]
    error_type: Optional[str] = None
    subcode: Optional[str] = None
    doc_url: Optional[str] = None
    fields: Optional[dict[str, Any]] = None
    body_message: Optional[str] = None


def fields(
    envelope: Envelope,
    delay_header: Optional[str],
    headers: Headers,
    body: Union[bytes, bytearray, memoryview, str],
    now: Optional[float],
) -> tuple[Optional[str], str, Optional[str], Any, Optional[int]]:
    """:meth:`RawError.parse` without the status: code, message, request id, details and delay."""
    r = read(envelope, delay_header, headers, body, now)
    return r.code, r.message, r.request_id, r.details, r.retry_after_ns


def read(
    envelope: Envelope,
    delay_header: Optional[str],
    headers: Headers,
    body: Union[bytes, bytearray, memoryview, str],
    now: Optional[float],
) -> Read:
    """The error fields of a response (see :meth:`RawError.parse`), with the type, sub-code, docs
    link and extra fields the envelope names; never raises, and its work is bounded."""
    if body.__class__ is not bytes:
        body = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else bytes(body)
    assert isinstance(body, bytes)
    if body[:3] == _BOM:
        body = body[3:]
    value: Any
    xml = envelope.format == "xml"
    if len(body) > MAX_BODY:
        value = _MISSING
    elif xml:
        root = parse_xml(body)
        value = _MISSING if root is None else root
    else:
        value = parse_json(body)
    at = _xml_at if xml else _at
    code = message = request_id = None
    details: Any = None
    error_type = subcode = doc_url = None
    extra: Optional[dict[str, Any]] = None
    if value is not _MISSING:
        message_at, request_id_at, details_at, type_at, subcode_at, doc_url_at = envelope.tokens
        for code_at in envelope.code_tokens:
            code = _scalar(at(value, code_at))
            if code:
                break
        else:
            code = None
        if message_at is not None:
            found = at(value, message_at)
            if found.__class__ is str:
                message = found if len(found) * 4 <= MAX_MESSAGE else _bounded(found, MAX_MESSAGE)
        if request_id_at is not None:
            request_id = _scalar(at(value, request_id_at))
            if request_id is not None:
                request_id = request_id.strip(_WHITE_SPACE) or None
        if details_at is not None:
            found = at(value, details_at)
            details = None if found is _MISSING else found
        if envelope.extras:
            error_type = _text(at, value, type_at)
            subcode = _text(at, value, subcode_at)
            doc_url = _text(at, value, doc_url_at)
            for name, field_at in envelope.field_tokens:
                found = at(value, field_at)
                if found is not _MISSING:
                    if extra is None:
                        extra = {}
                    extra[name] = found
    body_message = message
    if message is None:
        message = excerpt(body)
    if request_id is None and envelope.request_id_header is not None:
        request_id = header(headers, envelope.request_id_header) or None
    if request_id is not None and len(request_id) * 4 > MAX_MESSAGE:
        request_id = _bounded(request_id, MAX_MESSAGE)
    wait = None if delay_header is None else retry_after(headers, delay_header, now)
    return Read(code, message, request_id, details, wait, error_type, subcode, doc_url, extra, body_message)


def _text(at: Any, value: Any, tokens: Optional[tuple[str, ...]]) -> Optional[str]:
    """The non-empty string at a path, or ``None``."""
    if tokens is None:
        return None
    found = at(value, tokens)
    return found if found.__class__ is str and found != "" else None


def _xml_at(root: Element, tokens: tuple[str, ...]) -> Any:
    """The text at an XML path, or ``_MISSING``."""
    found = text_at(root, tokens)
    return _MISSING if found is None else found


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise ValueError("number out of range")
    return number


def _integer(text: str) -> Union[int, float]:
    if len(text) < 19 and text != "-0":
        return int(text)
    if text == "-0":
        # serde_json reads a negative zero as a float.
        return -0.0
    number = int(text)
    if not -(2**63) <= number < 2**64:
        # Outside 64 bits serde_json reads a float, and fails above the float range.
        _finite_float(text)
    return number


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float, parse_int=_integer)

_LONE_SURROGATE_HINT = re.compile(r"\\u[dD][89a-fA-F]")


def parse_json(raw: bytes) -> Any:
    """The JSON value of ``raw``, or ``_MISSING`` when it is not strict JSON as ``serde_json`` reads it."""
    try:
        text = raw.decode("utf-8")
        # Nesting deeper than MAX_DEPTH needs more opening brackets than that.
        if len(text) > MAX_DEPTH and text.count("[") + text.count("{") > MAX_DEPTH and _too_deep(text):
            return _MISSING
        value = _DECODER.decode(text)
        if "\\u" in text and _LONE_SURROGATE_HINT.search(text) and _has_lone_surrogate(value):
            return _MISSING
        return value
    except (ValueError, RecursionError):
        return _MISSING


def _too_deep(text: str) -> bool:
    """Whether arrays and objects nest deeper than :data:`MAX_DEPTH` outside strings."""
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
    return False


def resolve(value: Any, pointer: str, default: Any = None) -> Any:
    """The value at a JSON pointer (RFC 6901), or ``default``.

    Array indices are decimal digits without a leading zero; ``~1`` and ``~0`` unescape to
    ``/`` and ``~``.
    """
    tokens = _tokens(pointer)
    found = _MISSING if tokens is None else _at(value, tokens)
    return default if found is _MISSING else found


def _at(value: Any, tokens: tuple[str, ...]) -> Any:
    """The value at a pointer's tokens, or ``_MISSING``."""
    for token in tokens:
        kind = value.__class__
        if kind is dict:
            value = value.get(token, _MISSING)
            if value is _MISSING:
                return _MISSING
        elif kind is list:
            if not token.isascii() or not token.isdigit() or (len(token) > 1 and token[0] == "0"):
                return _MISSING
            if len(token) > 20 or int(token) >= len(value):
                return _MISSING
            value = value[int(token)]
        else:
            return _MISSING
    return value


def _scalar(value: Any) -> Optional[str]:
    """A string as is, or a number as the text ``serde_json`` writes for it."""
    if value.__class__ is str:
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if -(2**63) <= value < 2**64:
            return str(value)
        return _float_text(float(value))
    if isinstance(value, float):
        return _float_text(value)
    return None


def _float_text(number: float) -> str:
    """A finite float as Rust's ``serde_json`` writes it: the shortest digits that read back as
    the same float, in plain notation from 1e-5 up to below 1e16 (``100.0``, ``0.00001``), else
    as ``1.5e+16`` or ``1e-6``.

    ``serde_json`` reads an integer beyond 64 bits, or a float with more than 17 significant
    digits, with a fast method that is not always correctly rounded, so for such numbers its
    last digit may differ from this one's.
    """
    if number == 0.0:
        return "-0.0" if str(number).startswith("-") else "0.0"
    sign = "-" if number < 0 else ""
    mantissa, _, exp_text = repr(abs(number)).partition("e")
    exp = int(exp_text) if exp_text else 0
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    # The decimal point sits after `point` digits of `digits`.
    point = len(whole) + exp if whole != "0" else exp - (len(frac) - len(frac.lstrip("0")))
    digits = digits.rstrip("0") or "0"
    length = len(digits)
    if 0 <= point <= 16 and length <= point:
        return f"{sign}{digits}{'0' * (point - length)}.0"
    if 0 < point <= 16:
        return f"{sign}{digits[:point]}.{digits[point:]}"
    if -5 < point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    rest = f".{digits[1:]}" if length > 1 else ""
    return f"{sign}{digits[0]}{rest}e{point - 1:+d}"


def _bounded(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8 at a character boundary, with ``…`` when cut."""
    if len(text) * 4 <= limit:
        return text
    encoded = text.encode("utf-8", "surrogatepass")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", "ignore") + "…"


def excerpt(body: bytes) -> str:
    """A short, single-line excerpt of a body for use as an error message.

    The lossy UTF-8 decoding of at most the first :data:`EXCERPT_LEN` bytes, cut back to a
    character boundary, with every run of whitespace collapsed to one space and the ends
    trimmed; ``…`` is appended when the body was longer.
    """
    cut = len(body) > EXCERPT_LEN
    end = min(len(body), EXCERPT_LEN)
    if cut:
        for _ in range(3):
            if end > 0 and end < len(body) and body[end] & 0xC0 == 0x80:
                end -= 1
            else:
                break
    text = body[:end].decode("utf-8", "replace")
    collapsed = _WHITE_SPACE_RUN.sub(" ", text).strip(" ")
    result = _bounded(collapsed, EXCERPT_LEN)
    if cut and not result.endswith("…"):
        result += "…"
    return result

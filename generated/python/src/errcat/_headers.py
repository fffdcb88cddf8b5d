"""HTTP header lookup and ``Retry-After`` parsing (delta-seconds and the three RFC 9110 HTTP-date forms)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Optional, Protocol, Union

__all__ = [
    "Headers",
    "MAX_DELAY_SECS",
    "header",
    "header_pairs",
    "parse_retry_after",
    "retry_after",
]

#: The longest delay :func:`parse_retry_after` returns, in seconds (``2**32 - 1``, about 136 years).
MAX_DELAY_SECS = 2**32 - 1

_NS = 1_000_000_000


class _MultiItems(Protocol):
    """A header collection with repeated names, such as ``httpx.Headers``."""

    def multi_items(self) -> Iterable[tuple[str, str]]: ...


class _Items(Protocol):
    """A header collection with ``items()``, such as ``email.message.Message`` (``http.client`` responses)."""

    def items(self) -> Iterable[tuple[str, str]]: ...


#: Headers in any usual shape: a mapping, an object with ``items()`` or ``multi_items()``,
#: or an iterable of ``(name, value)`` pairs. Names compare case-insensitively.
Headers = Union[Mapping[str, str], _MultiItems, _Items, Iterable[tuple[str, str]]]


def header_pairs(headers: Headers) -> Iterable[tuple[str, str]]:
    """The ``(name, value)`` pairs of ``headers``, repeated names kept (``multi_items()`` first, then ``items()``)."""
    kind = headers.__class__
    if kind is list or kind is tuple:
        return headers  # type: ignore[return-value]
    if kind is dict:
        return headers.items()  # type: ignore[union-attr]
    multi = getattr(headers, "multi_items", None)
    if multi is not None:
        return multi()  # type: ignore[no-any-return]
    items = getattr(headers, "items", None)
    if items is not None:
        return items()  # type: ignore[no-any-return]
    return headers  # type: ignore[return-value]


_OWS = " \t"


def header(headers: Headers, name: str) -> Optional[str]:
    """The value of the first header called ``name`` (ASCII-case-insensitively), with spaces and tabs trimmed."""
    wanted = name.lower()
    for candidate, value in header_pairs(headers):
        if candidate == name or candidate.lower() == wanted:
            return value.strip(_OWS)
    return None


def _all_digits(text: str) -> bool:
    return text != "" and text.isascii() and text.isdigit()


def _delta_ns(digits: str) -> int:
    """Delta-seconds (ASCII digits) in nanoseconds, saturating at :data:`MAX_DELAY_SECS`."""
    significant = digits.lstrip("0")
    if len(significant) > 10:
        return MAX_DELAY_SECS * _NS
    return min(int(significant or "0"), MAX_DELAY_SECS) * _NS


def parse_retry_after(value: str, now: Optional[float] = None) -> Optional[int]:
    """Parses one ``Retry-After`` value into nanoseconds to wait, measured from ``now`` (Unix seconds).

    The value is delta-seconds (ASCII digits only; values above :data:`MAX_DELAY_SECS`
    saturate there) or an HTTP-date in any of the formats RFC 9110 requires recipients to
    accept: IMF-fixdate (``Sun, 06 Nov 1994 08:49:37 GMT``), the obsolete RFC 850 format
    (``Sunday, 06-Nov-94 08:49:37 GMT``) and asctime (``Sun Nov  6 08:49:37 1994``). Names and
    ``GMT`` match ASCII-case-insensitively and a day name need not match the date. A date in
    the past gives 0; anything malformed gives ``None``. ``now`` defaults to the clock.
    """
    value = value.strip(_OWS)
    if value == "":
        return None
    if _all_digits(value):
        return _delta_ns(value)
    if not value.isascii():
        return None
    now_ns = _to_ns(time.time() if now is None else now)
    date = _parse_http_date(value, _year_of(now_ns // _NS))
    if date is None:
        return None
    wait = date * _NS - now_ns
    return max(0, min(wait, MAX_DELAY_SECS * _NS))


def _to_ns(now: float) -> int:
    if isinstance(now, int):
        return now * _NS
    whole = int(now // 1)
    return whole * _NS + round((now - whole) * _NS)


def retry_after(headers: Headers, name: str, now: Optional[float] = None) -> Optional[int]:
    """The server's requested delay in nanoseconds from every header called ``name``.

    Several values (a repeated header, or one value that is a comma-separated list of
    delta-seconds, as a proxy folds repeats) give the longest valid wait; invalid values are
    ignored. A value is split at commas only when every part is digits, since an HTTP-date
    holds a comma itself. ``now`` (Unix seconds, for dates) defaults to the clock.
    """
    wanted = name.lower()
    longest: Optional[int] = None
    for candidate, value in header_pairs(headers):
        if candidate != name and candidate.lower() != wanted:
            continue
        if value.isdigit() and value.isascii():
            wait = int(value) * _NS if len(value) < 10 else _delta_ns(value)
            if longest is None or wait > longest:
                longest = wait
            continue
        for wait in _values(value, now):
            if longest is None or wait > longest:
                longest = wait
    return longest


def _values(value: str, now: Optional[float]) -> list[int]:
    if "," in value:
        parts = [p.strip(_OWS) for p in value.split(",")]
        if all(_all_digits(p) for p in parts):
            return [_delta_ns(p) for p in parts]
    wait = parse_retry_after(value, now)
    return [] if wait is None else [wait]


_SHORT_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_LONG_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


class _Cursor:
    """A reader over an ASCII date; every method returns ``None`` when the text does not match."""

    __slots__ = ("text", "at")

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def byte(self, expected: str) -> Optional[bool]:
        if self.text.startswith(expected, self.at):
            self.at += 1
            return True
        return None

    def number(self, width: int) -> Optional[int]:
        digits = self.text[self.at : self.at + width]
        if len(digits) != width or not digits.isdigit():
            return None
        self.at += width
        return int(digits)

    def word(self) -> str:
        start = self.at
        while self.at < len(self.text) and self.text[self.at].isalpha():
            self.at += 1
        return self.text[start : self.at].lower()

    def time(self) -> Optional[tuple[int, int, int]]:
        hour = self.number(2)
        if hour is None or self.byte(":") is None:
            return None
        minute = self.number(2)
        if minute is None or self.byte(":") is None:
            return None
        second = self.number(2)
        if second is None:
            return None
        return (hour, minute, second)

    def end(self) -> bool:
        return self.at == len(self.text)


def _month(word: str) -> Optional[int]:
    return _MONTHS.index(word) + 1 if word in _MONTHS else None


_DateTime = tuple[int, int, int, int, int, int]


def _day_month_year(text: str, days: tuple[str, ...], sep: str, year_width: int) -> Optional[_DateTime]:
    """Parses ``Sun, 06 Nov 1994 08:49:37 GMT`` (``sep`` a space) or ``Sunday, 06-Nov-94 08:49:37 GMT``
    (``sep`` a dash), the year as written."""
    c = _Cursor(text)
    if c.word() not in days or c.byte(",") is None or c.byte(" ") is None:
        return None
    day = c.number(2)
    if day is None or c.byte(sep) is None:
        return None
    month = _month(c.word())
    if month is None or c.byte(sep) is None:
        return None
    year = c.number(year_width)
    if year is None or c.byte(" ") is None:
        return None
    hms = c.time()
    if hms is None or c.byte(" ") is None or c.word() != "gmt" or not c.end():
        return None
    return (year, month, day, *hms)


def _imf_fixdate(text: str) -> Optional[_DateTime]:
    return _day_month_year(text, _SHORT_DAYS, " ", 4)


def _rfc850_date(text: str, current_year: int) -> Optional[_DateTime]:
    parsed = _day_month_year(text, _LONG_DAYS, "-", 2)
    if parsed is None:
        return None
    return (_expand_year(parsed[0], current_year), *parsed[1:])


def _asctime_date(text: str) -> Optional[_DateTime]:
    c = _Cursor(text)
    if c.word() not in _SHORT_DAYS or c.byte(" ") is None:
        return None
    month = _month(c.word())
    if month is None or c.byte(" ") is None:
        return None
    day = c.number(1) if c.byte(" ") else c.number(2)
    if day is None or c.byte(" ") is None:
        return None
    hms = c.time()
    if hms is None or c.byte(" ") is None:
        return None
    year = c.number(4)
    if year is None or not c.end():
        return None
    return (year, month, day, *hms)


def _expand_year(short_year: int, current_year: int) -> int:
    """A two-digit year more than 50 years ahead is the most recent past year with those digits (RFC 9110)."""
    year = (current_year // 100) * 100 + short_year
    horizon = current_year + 50
    if year > horizon:
        return year - 100
    if year + 100 <= horizon:
        return year + 100
    return year


def _parse_http_date(text: str, current_year: int) -> Optional[int]:
    """An HTTP-date as seconds since the Unix epoch."""
    parsed = _imf_fixdate(text) or _rfc850_date(text, current_year) or _asctime_date(text)
    if parsed is None:
        return None
    year, month, day, hour, minute, second = parsed
    valid = (
        1 <= month <= 12
        and 1 <= day <= _days_in_month(year, month)
        and hour <= 23
        and minute <= 59
        and second <= 60
    )
    if not valid:
        return None
    return _days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second


def _is_leap_year(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if _is_leap_year(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's ``days_from_civil``)."""
    year = year - 1 if month <= 2 else year
    era = year // 400
    year_of_era = year % 400
    shifted_month = month - 3 if month > 2 else month + 9
    day_of_year = (153 * shifted_month + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def _year_of(seconds: int) -> int:
    """The Gregorian year holding ``seconds`` since the Unix epoch (Howard Hinnant's ``civil_from_days``)."""
    shifted = seconds // 86_400 + 719_468
    era = shifted // 146_097
    day_of_era = shifted % 146_097
    year_of_era = (day_of_era - day_of_era // 1_460 + day_of_era // 36_524 - day_of_era // 146_096) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    year = era * 400 + year_of_era
    return year + 1 if shifted_month >= 10 else year

"""Header lookup and Retry-After parsing, the same cases as the Rust runtime's ``headers`` tests."""

from __future__ import annotations

import email.message
from typing import Optional

import pytest

from errcat._headers import MAX_DELAY_SECS, _days_from_civil, _expand_year, _year_of, header, parse_retry_after, retry_after

EXAMPLE = 784_111_777  # 1994-11-06 08:49:37 UTC, the RFC 9110 example date.
S = 1_000_000_000


def secs(value: Optional[int]) -> Optional[float]:
    return None if value is None else value / S


def parse(value: str, now: float) -> Optional[float]:
    return secs(parse_retry_after(value, now))


def test_header_matches_case_insensitively_and_trims() -> None:
    headers = [("Content-Type", "text/html"), ("retry-after", "  120 \t"), ("Retry-After", "5")]
    assert header(headers, "Retry-After") == "120"
    assert header(headers, "CONTENT-TYPE") == "text/html"
    assert header(headers, "X-Request-Id") is None
    assert header([], "Retry-After") is None
    assert header([("Retry-Afte", "1")], "Retry-After") is None


def test_headers_come_as_mappings_items_or_pairs() -> None:
    message = email.message.Message()
    message["Retry-After"] = "3"
    message["retry-after"] = "8"

    class Multi:
        def multi_items(self) -> list[tuple[str, str]]:
            return [("RETRY-AFTER", "4"), ("Retry-After", "6")]

    assert header({"x-request-id": "a"}, "X-Request-Id") == "a"
    assert retry_after({"Retry-After": "2"}, "retry-after", 0) == 2 * S
    assert retry_after(message, "Retry-After", 0) == 8 * S
    assert retry_after(Multi(), "Retry-After", 0) == 6 * S
    assert retry_after((pair for pair in [("Retry-After", "1")]), "Retry-After", 0) == 1 * S


def test_delta_seconds() -> None:
    assert parse("120", 0) == 120
    assert parse(" 7 ", 0) == 7
    assert parse("0", 0) == 0
    assert parse("007", 0) == 7


def test_huge_delta_seconds_saturate() -> None:
    assert parse("4294967295", 0) == MAX_DELAY_SECS
    assert parse("4294967296", 0) == MAX_DELAY_SECS
    assert parse("9" * 10_000, 0) == MAX_DELAY_SECS
    assert parse("4294967294", 0) == 4_294_967_294


@pytest.mark.parametrize("value", ["", "   ", "+5", "-1", "1.5", "1e3", "1 2", "0x10", "5s", "١٢", "１２"])
def test_malformed_delta_seconds(value: str) -> None:
    assert parse(value, 0) is None


def test_imf_fixdate_in_the_future() -> None:
    value = "Sun, 06 Nov 1994 08:49:37 GMT"
    assert parse(value, EXAMPLE - 60) == 60
    assert parse(value, EXAMPLE) == 0
    assert parse_retry_after(value, EXAMPLE - 1 + 0.25) == 750_000_000
    assert parse("sun, 06 nov 1994 08:49:37 gmt", EXAMPLE - 1) == 1


def test_rfc850_date() -> None:
    assert parse("Sunday, 06-Nov-94 08:49:37 GMT", EXAMPLE - 90) == 90
    assert parse("Sun, 06-Nov-94 08:49:37 GMT", EXAMPLE - 90) is None


def test_rfc850_two_digit_years_follow_the_fifty_year_rule() -> None:
    now = 1_735_689_600  # 2025-01-01
    assert parse("Thursday, 01-Jan-26 00:00:00 GMT", now) == 1_767_225_600 - now
    assert parse("Thursday, 01-Jan-76 00:00:00 GMT", now) == 0
    assert (parse("Wednesday, 01-Jan-70 00:00:00 GMT", now) or 0) > 0
    late = 4_070_908_800  # 2099-01-01
    assert parse("Friday, 01-Jan-00 00:00:00 GMT", late) == 4_102_444_800 - late


def test_asctime_date() -> None:
    assert parse("Sun Nov  6 08:49:37 1994", EXAMPLE - 5) == 5
    assert parse("Sun Nov 06 08:49:37 1994", EXAMPLE - 5) == 5
    assert parse("Sun Nov 16 08:49:37 1994", EXAMPLE) == 10 * 86_400
    assert parse("Sun Nov 6 08:49:37 1994", EXAMPLE - 5) is None


def test_past_dates_give_zero() -> None:
    now = 1_735_689_600
    assert parse("Sun, 06 Nov 1994 08:49:37 GMT", now) == 0
    assert parse("Mon, 01 Jan 0001 00:00:00 GMT", now) == 0
    assert parse("Sun Nov  6 08:49:37 1994", now) == 0
    assert parse("Thu, 01 Jan 1970 00:00:10 GMT", -86_400) == 86_410


def test_far_future_dates_saturate() -> None:
    assert parse("Fri, 31 Dec 9999 23:59:59 GMT", 0) == MAX_DELAY_SECS


def test_calendar_ranges_are_checked() -> None:
    def ok(value: str) -> bool:
        return parse(value, 0) is not None

    assert ok("Thu, 29 Feb 2024 00:00:00 GMT")
    assert ok("Tue, 29 Feb 2000 00:00:00 GMT")
    for bad in [
        "Wed, 29 Feb 2023 00:00:00 GMT",
        "Thu, 29 Feb 1900 00:00:00 GMT",
        "Thu, 31 Apr 2024 00:00:00 GMT",
        "Thu, 00 Jan 2024 00:00:00 GMT",
        "Thu, 32 Jan 2024 00:00:00 GMT",
        "Thu, 01 Jan 2024 24:00:00 GMT",
        "Thu, 01 Jan 2024 23:60:00 GMT",
        "Thu, 01 Jan 2024 23:59:61 GMT",
        "Thu, 01 Foo 2024 00:00:00 GMT",
        "Xyz, 01 Jan 2024 00:00:00 GMT",
    ]:
        assert not ok(bad), bad
    assert parse("Sun, 06 Nov 1994 08:49:60 GMT", EXAMPLE) == 23


def test_known_epoch_offsets() -> None:
    assert _days_from_civil(2000, 3, 1) == 951_868_800 // 86_400
    assert _days_from_civil(1970, 1, 1) == 0
    assert _days_from_civil(1969, 12, 31) == -1
    assert _year_of(1_735_689_599) == 2024
    assert _year_of(1_735_689_600) == 2025
    assert _year_of(-1) == 1969
    assert _expand_year(99, 2_000_000) > 1_999_000


@pytest.mark.parametrize(
    "value",
    [
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun, 06 Nov 1994 08:49:37 GMT extra",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun,  06 Nov 1994 08:49:37 GMT",
        "Sun 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun, 06 Nov 1994 8:49:37 GMT",
        "Sun, 06 Nov 1994 08-49-37 GMT",
        "Sun, +6 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sun Nov  6 08:49:37 94",
        "tomorrow",
        "GMT",
        ",",
    ],
)
def test_malformed_dates(value: str) -> None:
    assert parse(value, 0) is None


FORMATS = ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"]


@pytest.mark.parametrize("value", FORMATS)
def test_every_prefix_of_a_valid_date_is_rejected(value: str) -> None:
    for end in range(len(value)):
        assert parse(value[:end], 0) is None, value[:end]
    assert parse(value, 0) is not None


@pytest.mark.parametrize("value", FORMATS)
def test_a_non_ascii_character_anywhere_is_rejected(value: str) -> None:
    for index in range(len(value) + 1):
        assert parse(value[:index] + "é" + value[index:], 0) is None
    for other in ["Sün, 06 Nov 1994 08:49:37 GMT", "Sun, ０6 Nov 1994 08:49:37 GMT", "€", "\ufeff120"]:
        assert parse(other, 0) is None


def test_several_values_give_the_longest_valid_wait() -> None:
    headers = [("Retry-After", "3"), ("retry-after", "bogus"), ("RETRY-AFTER", "45, 60"), ("Retry-After", "7")]
    assert retry_after(headers, "Retry-After", 0) == 60 * S
    date = "Sun, 06 Nov 1994 08:49:37 GMT"
    assert retry_after([("Retry-After", date)], "Retry-After", EXAMPLE - 100) == 100 * S
    assert retry_after([("Retry-After", date), ("Retry-After", "200")], "Retry-After", EXAMPLE - 100) == 200 * S
    # A list is split only when every part is digits.
    assert retry_after([("Retry-After", "45, soon")], "Retry-After", 0) is None
    assert retry_after([("Retry-After", "45,")], "Retry-After", 0) is None
    assert retry_after([("Retry-After", "x"), ("Other", "9")], "Retry-After", 0) is None
    assert retry_after([], "Retry-After", 0) is None

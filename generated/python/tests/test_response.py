"""Response parsing, the same cases as the Rust runtime's ``response`` tests."""

from __future__ import annotations

import time
from typing import Any, Optional

import pytest

from errcat._response import (
    _MISSING,
    EXCERPT_LEN,
    MAX_BODY,
    MAX_MESSAGE,
    Envelope,
    RawError,
    _float_text,
    excerpt,
    parse_json,
    resolve,
)

PENTIFY = Envelope("/error/code", "/error/message", "/error/request_id", "X-Request-Id", "/error/details")
CERT_IX = Envelope("/code", "/error")
NOW = 784_111_777
S = 1_000_000_000


def parse(envelope: Envelope, status: int, headers: list[tuple[str, str]], body: bytes) -> RawError:
    return RawError.parse(envelope, "Retry-After", status, headers, body, NOW)


def test_pentify_body() -> None:
    body = b'{"error":{"code":"rate_limited","message":"Too many","request_id":"req_1","details":{"a":1}}}'
    raw = parse(PENTIFY, 429, [("retry-after", "12"), ("X-Request-Id", "req_header")], body)
    assert raw == RawError(429, "rate_limited", "Too many", "req_1", {"a": 1}, 12 * S)


def test_cert_ix_body_and_text_bodies() -> None:
    body = '{"success":false,"error":"msg","code":"X"}'
    raw = parse(CERT_IX, 401, [("X-Request-Id", "ignored")], body.encode())
    assert raw == RawError(401, "X", "msg", None, None, None)
    assert RawError.parse(CERT_IX, None, 401, [], body) == raw


def test_html_proxy_page() -> None:
    body = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
    raw = parse(PENTIFY, 502, [("x-request-id", "req_from_proxy")], body)
    assert raw.code is None
    assert raw.message == "<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> </body> </html>"
    assert raw.request_id == "req_from_proxy"
    assert raw.details is None


def test_empty_body_with_a_date_delay() -> None:
    raw = parse(PENTIFY, 503, [("Retry-After", "Sun, 06 Nov 1994 08:50:07 GMT")], b"")
    assert (raw.code, raw.message, raw.request_id, raw.details, raw.retry_after_ns) == (None, "", None, None, 30 * S)


def test_invalid_utf8_body() -> None:
    raw = parse(PENTIFY, 502, [], b"bad \xff\xfe gateway \xc3")
    assert raw.code is None
    assert raw.message == "bad \ufffd\ufffd gateway \ufffd"
    raw = parse(PENTIFY, 400, [], b'{"error":{"code":"x\xff"}}')
    assert raw.code is None
    assert raw.message.startswith('{"error"')


def test_wrong_types_at_every_pointer() -> None:
    body = b'{"error":{"code":true,"message":{"text":"x"},"request_id":42,"details":"plain"}}'
    raw = parse(PENTIFY, 400, [("X-Request-Id", "req_h")], body)
    assert raw.code is None
    assert raw.message == body.decode()
    assert raw.request_id == "42"
    assert raw.details == "plain"
    raw = parse(PENTIFY, 400, [], b'{"error":{"code":null,"message":null,"request_id":null,"details":null}}')
    assert (raw.code, raw.request_id, raw.details) == (None, None, None)
    assert raw.message.startswith('{"error"')
    raw = parse(PENTIFY, 400, [], b'{"error":[1,2,3]}')
    assert (raw.code, raw.details, raw.message) == (None, None, '{"error":[1,2,3]}')
    raw = parse(CERT_IX, 400, [], b'"just a string"')
    assert (raw.code, raw.message) == (None, '"just a string"')


@pytest.mark.parametrize(
    ("number", "text"),
    [
        ("4012", "4012"),
        ("-1.5", "-1.5"),
        ("-0", "-0.0"),
        ("1e2", "100.0"),
        ("1E+2", "100.0"),
        ("0e5", "0.0"),
        ("1e-5", "0.00001"),
        ("1e-6", "1e-6"),
        ("1.5e16", "1.5e+16"),
        ("1e15", "1000000000000000.0"),
        ("18446744073709551615", "18446744073709551615"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("18446744073709551616", "1.8446744073709552e+19"),
        ("5e-324", "5e-324"),
    ],
)
def test_numeric_codes_become_the_text_serde_json_writes(number: str, text: str) -> None:
    assert parse(CERT_IX, 400, [], b'{"error":"bad","code":' + number.encode() + b"}").code == text


def test_non_scalar_codes_are_no_code() -> None:
    assert parse(CERT_IX, 400, [], b'{"error":"bad","code":["X"]}').code is None
    assert parse(CERT_IX, 400, [], b'{"error":"bad","code":false}').code is None


@pytest.mark.parametrize(
    "body",
    [b"NaN", b"[Infinity]", b"-Infinity", b"1E400", b"[1" + b"0" * 400 + b"]", b'"\\ud800"', b'"\\udc00x"', b"{'a':1}", b"[1,]", b"\xfe\xff\x00[\x00]"],
)
def test_what_serde_json_rejects_is_not_json(body: bytes) -> None:
    assert parse_json(body) is _MISSING


def test_paired_surrogate_escapes_are_json() -> None:
    assert parse_json(b'"\\ud83d\\ude00"') == "\U0001f600"


def test_details_of_any_type() -> None:
    raw = parse(PENTIFY, 422, [], b'{"error":{"message":"m","details":[{"field":"name"}]}}')
    assert (raw.details, raw.code, raw.message) == ([{"field": "name"}], None, "m")


def test_pointer_edge_cases_follow_rfc_6901() -> None:
    whole = Envelope("no-leading-slash", "", "/a~1b", None, "/m~0n")
    raw = parse(whole, 400, [], b'{"a/b":"rid","m~n":7}')
    assert (raw.code, raw.message, raw.request_id, raw.details) == (None, '{"a/b":"rid","m~n":7}', "rid", 7)
    assert parse(whole, 400, [], b'"the whole body"').message == "the whole body"


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ("", "whole"),
        ("/a/b~1c/1/~0d", "x"),
        ("/a/", 1),
        ("/a/0", "zero"),
        ("/list/2", 3),
        ("/list/3", None),
        ("/list/01", None),
        ("/list/-", None),
        ("/list/+1", None),
        ("/list/١", None),
        ("/nope", None),
        ("a", None),
        ("/a/b~1c/1/~0d/deeper", None),
    ],
)
def test_resolve(pointer: str, expected: Any) -> None:
    value = {"a": {"b/c": [10, {"~d": "x"}], "": 1, "0": "zero"}, "list": [1, 2, 3]}
    found = resolve(value, pointer)
    assert (value if expected == "whole" else expected) == found


def test_request_id_header_in_any_case_and_trimmed_ids() -> None:
    body = b'{"error":{"code":"c","message":"m"}}'
    for name in ["x-request-id", "X-REQUEST-ID", "X-Request-Id"]:
        assert parse(PENTIFY, 500, [(name, " req_9 ")], body).request_id == "req_9"
    assert parse(PENTIFY, 500, [("X-Request-Id", "one"), ("x-request-id", "two")], body).request_id == "one"
    spaced = b'{"error":{"code":"c","message":"m","request_id":"\\u2003 r1 \\u00a0"}}'
    assert parse(PENTIFY, 500, [], spaced).request_id == "r1"
    blank = b'{"error":{"code":"c","message":"m","request_id":"  "}}'
    assert parse(PENTIFY, 500, [("X-Request-Id", "from_header")], blank).request_id == "from_header"
    assert parse(PENTIFY, 500, [("X-Request-Id", " ")], body).request_id is None


def test_long_messages_and_ids_are_cut_at_a_character_boundary() -> None:
    long = "é" * MAX_MESSAGE
    raw = parse(PENTIFY, 500, [], ('{"error":{"message":"' + long + '","request_id":"' + long + '"}}').encode())
    assert raw.message == "é" * (MAX_MESSAGE // 2) + "…"
    assert raw.request_id == raw.message


def test_delay_header_takes_the_longest_value_and_may_be_absent() -> None:
    headers = [("Retry-After", "3"), ("retry-after", "9")]
    assert parse(CERT_IX, 429, headers, b"{}").retry_after_ns == 9 * S
    assert parse(CERT_IX, 429, [("Retry-After", "soon")], b"{}").retry_after_ns is None
    assert RawError.parse(CERT_IX, None, 429, headers, b"{}").retry_after_ns is None
    assert RawError.parse(CERT_IX, "retry-after", 429, headers, b"{}").retry_after_ns == 9 * S


def test_the_clock_measures_dates_when_no_now_is_given() -> None:
    ahead = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 3600))
    wait: Optional[int] = RawError.parse(CERT_IX, "Retry-After", 429, [("Retry-After", ahead)], b"{}").retry_after_ns
    assert wait is not None and 3590 * S <= wait <= 3600 * S


def test_byte_order_mark_is_skipped() -> None:
    raw = parse(CERT_IX, 400, [], b'\xef\xbb\xbf{"error":"with bom","code":"B"}')
    assert (raw.code, raw.message) == ("B", "with bom")


def test_oversized_body_is_not_parsed() -> None:
    body = b'{"error":"big","code":"LARGE","pad":"' + b"a" * (20 * 1024 * 1024) + b'"}'
    raw = parse(CERT_IX, 413, [], body)
    assert raw.code is None
    assert raw.message.endswith("…")
    assert len(raw.message.encode()) <= EXCERPT_LEN + 3
    assert raw.message.startswith('{"error":"big"')


def test_body_at_the_size_limit_is_parsed() -> None:
    prefix = b'{"error":"edge","code":"E","pad":"'
    body = prefix + b" " * (MAX_BODY - 2 - len(prefix)) + b'"}'
    assert len(body) == MAX_BODY
    assert parse(CERT_IX, 400, [], body).code == "E"
    longer = body[:-2] + b' "}'
    assert parse(CERT_IX, 400, [], longer).code is None


def test_nesting_deeper_than_serde_json_allows_is_not_json() -> None:
    whole = Envelope(None, "/message", details="")
    assert parse(whole, 400, [], b"[" * 127 + b"]" * 127).details is not None
    assert parse(whole, 400, [], b"[" * 128 + b"]" * 128).details is None
    assert parse(whole, 400, [], b'["' + b"[" * 500 + b'"]').details == ["[" * 500]
    raw = parse(PENTIFY, 400, [], b"[" * 100_000)
    assert raw.code is None
    assert raw.message == "[" * EXCERPT_LEN + "…"
    assert parse(whole, 400, [], b"[" * 50_000 + b"]" * 50_000).details is None


def test_excerpt_collapses_whitespace_and_trims() -> None:
    assert excerpt(b"  a \n\t b  ") == "a b"
    assert excerpt(b"") == ""
    assert excerpt(b" \r\n ") == ""
    assert excerpt(b"x" * EXCERPT_LEN) == "x" * EXCERPT_LEN
    # Unicode White_Space collapses; the separators U+001C to U+001F are not White_Space.
    assert excerpt("a\u2003\u00a0b\x1fc".encode()) == "a b\x1fc"


def test_excerpt_cuts_at_a_character_boundary() -> None:
    text = excerpt(b"a" * (EXCERPT_LEN - 1) + "€uro".encode())
    assert text == "a" * (EXCERPT_LEN - 1) + "…"
    assert excerpt(b"a" * (EXCERPT_LEN - 1) + "é and more".encode()) == "a" * (EXCERPT_LEN - 1) + "…"
    assert excerpt(b"a" * (EXCERPT_LEN - 3) + "€!".encode()) == "a" * (EXCERPT_LEN - 3) + "€…"


def test_excerpt_of_binary_garbage_is_bounded() -> None:
    text = excerpt(b"\x80" * 10_000)
    assert text.endswith("…")
    assert len(text) <= EXCERPT_LEN + 1
    assert len(excerpt(bytes(range(256)) * 20)) <= EXCERPT_LEN + 1


def test_float_text_round_trips() -> None:
    for number in [0.1, 1 / 3, 2.5e-300, 6.02214076e23, 123456.789]:
        assert float(_float_text(number)) == number

"""The generated vendor modules: class names and hierarchy, the code tables, parsing through them and ``errcat.parse``."""

from __future__ import annotations

import importlib
import pickle
import re
from pathlib import Path

import pytest

import errcat
from errcat import ApiError, Budget, Limits, Request, Retry
from errcat import cert_ix, defendis, pentify, vantaprism
from errcat._vendors import MODULES

S = 1_000_000_000

#: The markdown reference, generated from the same catalog.
DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_vendor_has_a_module_with_its_table() -> None:
    ids = errcat.vendor_ids()
    assert ids == tuple(sorted(ids))
    assert {"cert-ix", "defendis", "inkog", "pentify", "vantaprism"} <= set(ids)
    for vendor_id, name in MODULES.items():
        module = importlib.import_module(f"errcat.{name}")
        assert module.VENDOR.id == vendor_id
        assert errcat.vendor(vendor_id) is module.VENDOR
        base = module.TABLE.base
        assert base.__bases__ == (ApiError,)
        assert base.vendor is module.VENDOR
        assert [cls.info for cls in module.TABLE.by_code.values()] == list(module.CODES)
        for code, cls in module.TABLE.by_code.items():
            # A code of one of the vendor's types derives from the type's class, which derives from the base.
            parent = cls.__bases__[0]
            assert cls.__bases__ == (parent,) and parent in (base, *base.__subclasses__()), cls
            assert parent is base or (
                parent.__bases__ == (base,)
                and parent.type_info is not None
                and cls.info is not None
                and parent.type_info.id == cls.info.error_type
            ), cls
            assert cls.info is not None and cls.info.code == code
            assert cls.__doc__ is not None and cls.__doc__.startswith(f"``{code}``")


def test_pentify_classes_carry_the_names_its_python_sdk_uses() -> None:
    # The reference's "SDK error subclasses" table: base class PentifyError, and these subclasses.
    assert pentify.PentifyError.__name__ == "PentifyError"
    named = {
        "validation_error": "ValidationError",
        "invalid_api_key": "InvalidApiKeyError",
        "target_not_verified": "TargetNotVerifiedError",
        "insufficient_tokens": "InsufficientTokensError",
        "rate_limited": "RateLimitedError",
        # Not named by the reference: derived the same way.
        "insufficient_scope": "InsufficientScopeError",
        "server_error": "ServerError",
        "engine_unavailable": "EngineUnavailableError",
    }
    for code, name in named.items():
        assert pentify.TABLE.by_code[code].__name__ == name
        assert getattr(pentify, name) is pentify.TABLE.by_code[code]
    assert issubclass(pentify.RateLimitedError, pentify.PentifyError)
    assert issubclass(pentify.PentifyError, errcat.ApiError)
    assert issubclass(errcat.ApiError, Exception)


def test_derived_names_for_other_vendors() -> None:
    assert cert_ix.TABLE.base.__name__ == "CertIxError"
    assert cert_ix.TABLE.by_code["RATE_LIMIT_EXCEEDED"].__name__ == "RateLimitExceededError"
    assert defendis.TABLE.by_code["503"].__name__ == "Code503Error"
    assert vantaprism.TABLE.base.__name__ == "VantaprismError"


def test_a_known_code_parses_to_its_class_and_can_be_raised() -> None:
    body = b'{"error":{"code":"rate_limited","message":"Slow down","request_id":"req_1","details":{"a":[1]}}}'
    err = pentify.from_response(429, {"retry-after": "2"}, body)
    assert type(err) is pentify.RateLimitedError
    assert (err.status, err.code, err.message, err.request_id, err.details) == (429, "rate_limited", "Slow down", "req_1", {"a": [1]})
    assert (err.kind, err.retry_rule, err.retry_after, err.is_known, err.vendor_id) == ("rate_limited", Retry.RETRY_AFTER, 2.0, True, "pentify")
    assert err.meaning == "Too many requests per minute for this key."
    assert err.info is not None and err.info.status == 429
    with pytest.raises(pentify.PentifyError) as caught:
        raise err
    assert caught.value is err
    assert str(err) == "Pentify rate_limited (HTTP 429): Slow down [request id req_1]"
    assert err.args == ("Slow down",)


def test_an_unknown_code_keeps_its_text_and_takes_the_rule_of_its_status() -> None:
    err = pentify.from_response(503, [], '{"error":{"code":"brand_new","message":"m"}}')
    assert type(err) is pentify.PentifyError
    assert (err.code, err.kind, err.is_known, err.info) == ("brand_new", "unknown", False, None)
    assert err.retry_rule == Retry.IDEMPOTENT
    assert pentify.from_response(429, [], '{"error":{"code":"new"}}').retry_rule == Retry.RETRY_AFTER
    assert cert_ix.from_response(418, [], '{"code":"TEAPOT"}').retry_rule == Retry.NEVER
    assert err.meaning == "A code the catalog does not know yet."


def test_a_body_without_a_code_is_unknown_without_a_fallback() -> None:
    # Pentify documents one code for 429 but marks no fallback: errcat invents no identity.
    err = pentify.from_response(429, [], b"<html>Too Many Requests</html>")
    assert type(err) is pentify.PentifyError and err.code == "" and err.kind == "unknown"
    assert err.message == "<html>Too Many Requests</html>"
    # Two codes share 403: no code can be chosen.
    shared = pentify.from_response(403, [], b"")
    assert type(shared) is pentify.PentifyError and shared.code == ""
    assert str(shared) == "Pentify unknown code (HTTP 403): "


def test_a_vendor_keyed_by_status_takes_the_status_as_the_code() -> None:
    err = errcat.parse("defendis", 503, {"X-Request-Id": "r1"}, '{"error":"Service unavailable"}')
    assert type(err) is defendis.TABLE.by_code["503"]
    assert (err.code, err.message, err.request_id, err.kind) == ("503", "Service unavailable", "r1", "unavailable")
    teapot = errcat.parse("defendis", 418, [], b"")
    assert type(teapot) is defendis.DefendisError and teapot.code == "418"


def test_parse_refuses_an_unknown_vendor() -> None:
    with pytest.raises(ValueError, match="unknown vendor id 'acme'; the catalog has: .*cert-ix, defendis"):
        errcat.parse("acme", 500, [], b"")


def test_retry_decision_from_an_error() -> None:
    err = errcat.parse("defendis", 503, [], b"{}")
    assert err.retry_decision(2, "get", 0.0).after_ns == 1 * S
    assert err.retry_decision(2, Request("POST"), 0.0).reason == errcat.GiveUpReason("not_idempotent")
    limited = err.retry_decision(2, "GET", 0.0, limits=Limits(deadline=5), elapsed=4.5)
    assert limited.reason is not None and limited.reason.id == "deadline_exceeded"
    budget = Budget(capacity=500, available=6)
    assert err.retry_decision(1, "GET", 0.5, budget=budget).is_retry
    assert budget.available() == 1
    spent = err.retry_decision(1, "GET", 0.5, budget=budget)
    assert spent.reason is not None and spent.reason.id == "budget_exhausted"
    assert not pentify.from_response(200, [], b"{}").retry_decision(1, "GET").is_retry
    outcome = pentify.from_response(429, [("Retry-After", "4")], b"{}").outcome()
    assert (outcome.status, outcome.rule, outcome.any_method, outcome.retry_after_ns) == (429, Retry.RETRY_AFTER, False, 4 * S)


def test_undocumented_limits_stay_absent() -> None:
    # VantaPrism documents no attempt limit and no backoff cap; Cert-IX no cap.
    assert vantaprism.POLICY.backoff.max_attempts is None
    assert vantaprism.POLICY.backoff.max_ns is None
    assert cert_ix.POLICY.backoff.max_attempts == 5
    assert cert_ix.POLICY.backoff.max_ns is None
    assert pentify.POLICY.backoff.max_ns == 30 * S


def test_text_from_a_response_is_escaped_in_the_message_line() -> None:
    body = '{"error":{"code":"x\\u001b[31m","message":"line\\nbreak \\u202eevil","request_id":"r\\u0000"}}'
    err = pentify.from_response(400, [], body)
    assert err.message == "line\nbreak \u202eevil"
    assert str(err) == "Pentify x\\u{1b}[31m (HTTP 400): line\\u{a}break \\u{202e}evil [request id r\\u{0}]"


def test_errors_pickle_and_compare_by_fields() -> None:
    err = pentify.from_response(429, {"Retry-After": "3"}, b'{"error":{"code":"rate_limited","message":"m","details":[1]}}')
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is pentify.RateLimitedError
    assert (back.code, back.message, back.details, back.retry_after_ns) == ("rate_limited", "m", [1], 3 * S)
    assert repr(back) == "RateLimitedError(status=429, code='rate_limited', message='m')"


def test_the_docs_pages_name_each_code_s_python_class() -> None:
    for vendor_id, name in MODULES.items():
        module = importlib.import_module(f"errcat.{name}")
        page = (DOCS / f"{vendor_id}.md").read_text(encoding="utf-8")
        named = re.findall(r"Python `errcat\.([a-z0-9_]+)\.([A-Za-z0-9_]+)`", page)
        assert named == [(name, cls.__name__) for cls in module.TABLE.by_code.values()], vendor_id

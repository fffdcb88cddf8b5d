"""Every conformance case, run through the package: the answers must equal the expected ones exactly.

The cases are the files under ``generated/conformance/``: ``parse.json`` (every example body of
the catalog), ``retry.json`` (retry cases made from the catalog), ``edge.json`` (edge cases
written by hand) and, when present, ``vendors.json`` (real-vendor cases written by hand). The Rust and TypeScript tests run the same files.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance import files, load, parse_answer, retry_answer

FILES = files()


def _cases(kind: str) -> list[Any]:
    out = []
    for path in FILES:
        if (path.name == "parse.json") != (kind == "parse"):
            continue
        for case in load(path):
            out.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return out


@pytest.mark.parametrize("case", _cases("parse"))
def test_parse_case(case: dict[str, Any]) -> None:
    assert parse_answer(case) == case["expect"]


@pytest.mark.parametrize("case", _cases("retry"))
def test_retry_case(case: dict[str, Any]) -> None:
    expect = case["expect"]
    if "decision" not in expect:
        # A hand-written parse case (vendors.json): the keys it names.
        parsed = parse_answer(case)
        assert {k: parsed.get(k) for k in expect} == expect
        return
    assert retry_answer(case) == expect


def test_every_file_has_cases() -> None:
    assert FILES, "no conformance file found"
    for path in FILES:
        assert load(path), f"{path} has no case"

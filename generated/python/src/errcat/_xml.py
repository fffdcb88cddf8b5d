"""XML error bodies (``format: xml``), read with the standard library's expat and bounded.

The rules are the same in every errcat runtime: after at most one UTF-8 byte order mark, a body
over :data:`MAX_BODY` bytes, one that is not well-formed XML 1.0 in UTF-8, one with a document
type declaration (any ``<!DOCTYPE``), or one whose elements nest deeper than :data:`MAX_DEPTH`
is unreadable. Only the five predefined entities and numeric character references are
expanded; nothing is ever fetched. A path names elements from the root down by local name (a
``prefix:`` is ignored), each step taking the first child of that name in document order; its
value is the text (character data and CDATA) directly inside the last element, not trimmed.

Why expat: it is in the standard library, expat 2.4.1 and later refuse billion-laughs
amplification on their own, and a parser driven by hand can refuse a DOCTYPE as soon as it
starts, so that no entity can ever be declared, let alone an external one resolved, and can
count the depth of elements as they open.
"""

from __future__ import annotations

from typing import Optional
from xml.parsers import expat

__all__ = ["Element", "MAX_BODY", "MAX_DEPTH", "parse_xml", "path_tokens", "text_at"]

#: The largest body, in bytes, that is read at all (after a byte order mark).
MAX_BODY = 1 << 20
#: The deepest nesting of elements a body may have.
MAX_DEPTH = 127


class Element:
    """An element: its local name, the pieces of text directly inside it and its child elements."""

    __slots__ = ("name", "parts", "children")

    def __init__(self, name: str) -> None:
        self.name = name
        self.parts: list[str] = []
        self.children: list[Element] = []

    @property
    def text(self) -> str:
        """The character data and CDATA directly inside the element, concatenated."""
        return "".join(self.parts)

    def child(self, name: str) -> Optional[Element]:
        """The first child element with this local name, in document order."""
        for c in self.children:
            if c.name == name:
                return c
        return None


class _Refused(Exception):
    """Raised inside a handler to stop the parse: a DOCTYPE, or nesting too deep."""


def _local(name: str) -> str:
    cut = name.rfind(":")
    return name if cut < 0 else name[cut + 1 :]


def parse_xml(raw: bytes) -> Optional[Element]:
    """The root element of ``raw`` (bytes after any byte order mark), or ``None`` when it is unreadable."""
    if len(raw) > MAX_BODY:
        return None
    # The encoding is fixed, whatever an XML declaration says: a body is read as UTF-8 text.
    parser = expat.ParserCreate(encoding="UTF-8")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    stack: list[Element] = []
    roots: list[Element] = []

    def refuse_doctype(*_: object) -> None:
        raise _Refused("a document type declaration")

    def start(name: str, _attributes: object) -> None:
        if len(stack) >= MAX_DEPTH:
            raise _Refused("elements nest too deep")
        element = Element(_local(name))
        (stack[-1].children if stack else roots).append(element)
        stack.append(element)

    def end(_name: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack:
            stack[-1].parts.append(data)

    def no_external(*_: object) -> int:
        # Never reached without a DOCTYPE; 0 makes expat stop with an error if it ever were.
        return 0

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.ExternalEntityRefHandler = no_external
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(raw, True)
    except (expat.ExpatError, _Refused, RecursionError, MemoryError, ValueError):
        return None
    return roots[0] if len(roots) == 1 and not stack else None


def path_tokens(path: Optional[str]) -> Optional[tuple[str, ...]]:
    """The element names of an XML path such as ``/Error/Code``; ``None`` for one that matches nothing."""
    if path is None or not path.startswith("/"):
        return None
    steps = tuple(path[1:].split("/"))
    if any(s == "" for s in steps):
        return None
    return steps


def text_at(root: Element, tokens: tuple[str, ...]) -> Optional[str]:
    """The text of the element a path's names reach from the root, or ``None``."""
    if not tokens or tokens[0] != root.name:
        return None
    at: Optional[Element] = root
    for step in tokens[1:]:
        assert at is not None
        at = at.child(step)
        if at is None:
            return None
    assert at is not None
    return at.text

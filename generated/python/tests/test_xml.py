"""XML error bodies: the paths, and each hardening rule of the reader."""

from __future__ import annotations

from errcat import Envelope
from errcat._response import read
from errcat._xml import MAX_BODY, MAX_DEPTH, parse_xml, path_tokens, text_at

S3 = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>NoSuchKey</Code>\n'
    b"  <Message>The resource you requested does not exist</Message>\n"
    b"  <Resource>/mybucket/myfoto.jpg</Resource>\n  <RequestId>4442587FB7D0A2F9</RequestId>\n</Error>"
)

ENVELOPE = Envelope(
    code=("/Error/Code", "/ErrorResponse/Error/Code"),
    message="/Error/Message",
    request_id="/Error/RequestId",
    format="xml",
    fields=(("resource", "/Error/Resource"),),
)


def _text(body: bytes, path: str) -> object:
    root = parse_xml(body)
    tokens = path_tokens(path)
    assert root is not None and tokens is not None
    return text_at(root, tokens)


def test_the_s3_example_reads_every_field() -> None:
    r = read(ENVELOPE, None, [], S3, None)
    assert (r.code, r.message, r.request_id) == ("NoSuchKey", "The resource you requested does not exist", "4442587FB7D0A2F9")
    assert r.fields == {"resource": "/mybucket/myfoto.jpg"}


def test_code_paths_are_tried_in_order() -> None:
    query = b"<ErrorResponse><Error><Code>Throttling</Code></Error><RequestId>r</RequestId></ErrorResponse>"
    assert read(ENVELOPE, None, [], query, None).code == "Throttling"
    # An empty code element does not count: the next path is tried, and then there is none.
    assert read(ENVELOPE, None, [], b"<Error><Code></Code><Message>m</Message></Error>", None).code is None


def test_paths_compare_local_names_and_take_the_first_child_of_a_name() -> None:
    body = b'<a:Error xmlns:a="x"><a:Code>A&amp;B&#65;<![CDATA[<c>]]></a:Code><Code>second</Code></a:Error>'
    assert _text(body, "/Error/Code") == "A&BA<c>"
    assert _text(body, "/Other/Code") is None
    assert _text(b"<E><C> x <i>skipped</i>y </C></E>", "/E/C") == " x y "


def test_a_doctype_is_refused() -> None:
    assert parse_xml(b"<!DOCTYPE Error><Error><Code>X</Code></Error>") is None
    # The billion laughs never get a chance to expand.
    laughs = b'<!DOCTYPE l [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>'
    assert parse_xml(laughs) is None
    # An external entity is never fetched: the declaration is refused before it is read.
    external = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    assert parse_xml(external) is None
    r = read(ENVELOPE, None, [], external, None)
    assert r.code is None and r.message.startswith("<!DOCTYPE")


def test_only_predefined_entities_and_character_references_are_expanded() -> None:
    assert _text(b"<x>&lt;&gt;&amp;&apos;&quot;&#x263A;&#9731;</x>", "/x") == "<>&'\"\u263a\u2603"
    assert parse_xml(b"<x>&nbsp;</x>") is None
    assert parse_xml(b"<x>&undefined;</x>") is None


def test_depth_is_bounded() -> None:
    ok = b"<a>" * MAX_DEPTH + b"</a>" * MAX_DEPTH
    assert parse_xml(ok) is not None
    deep = b"<a>" * (MAX_DEPTH + 1) + b"</a>" * (MAX_DEPTH + 1)
    assert parse_xml(deep) is None
    # An empty element one level too deep counts too.
    assert parse_xml(b"<a>" * MAX_DEPTH + b"<a/>" + b"</a>" * MAX_DEPTH) is None
    # Far deeper than Python's recursion limit: still refused, never raised.
    assert read(ENVELOPE, None, [], b"<a>" * 100_000, None).code is None


def test_size_is_bounded() -> None:
    pad = b"<Error><Code>Big</Code><P>" + b"x" * MAX_BODY + b"</P></Error>"
    assert parse_xml(pad) is None
    assert read(ENVELOPE, None, [], pad, None).code is None
    fits = b"<Error><Code>Big</Code></Error>"
    assert read(ENVELOPE, None, [], fits + b" " * (MAX_BODY - len(fits)), None).code == "Big"


def test_malformed_bodies_are_unreadable_and_never_raise() -> None:
    for bad in [b"", b"text", b"<x>", b"<x><y></x>", b"<x></x><y/>", b"<x>\xff</x>", b"\xef\xbb\xbf\xef\xbb\xbf<x/>"]:
        assert parse_xml(bad) is None, bad
        r = read(ENVELOPE, None, [], bad, None)
        assert r.code is None and r.body_message is None
    # One byte order mark is allowed; the encoding is UTF-8 whatever the declaration says.
    assert read(ENVELOPE, None, [], b"\xef\xbb\xbf<Error><Code>C</Code></Error>", None).code == "C"
    assert _text('<?xml version="1.0" encoding="ISO-8859-1"?><x>\u00e9</x>'.encode(), "/x") == "\u00e9"


def test_xml_paths_need_a_name_at_every_step() -> None:
    assert path_tokens("/Error/Code") == ("Error", "Code")
    for bad in ["", "Error", "/Error//Code", "/", None]:
        assert path_tokens(bad) is None

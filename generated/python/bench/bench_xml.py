"""Python parse of the S3 XML example against expat's own plain parse of the same body, with ``timeit``.

Run from ``generated/python``: ``python3 bench/bench_xml.py`` (``--quick`` for a short run).
The plain parse is a bare ``xml.parsers.expat`` parser with no handlers, fed the whole body;
errcat's is :func:`errcat._response.read` with the S3 envelope (the hardened reader, the tree
and the paths). It prints the best time per call of each and their ratio: the figure
BENCHMARKS.md records.
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path
from xml.parsers import expat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from errcat import Envelope  # noqa: E402
from errcat._response import read  # noqa: E402

#: The S3 reference's example error body, verbatim.
BODY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>NoSuchKey</Code>\n'
    b"  <Message>The resource you requested does not exist</Message>\n"
    b"  <Resource>/mybucket/myfoto.jpg</Resource>\n  <RequestId>4442587FB7D0A2F9</RequestId>\n</Error>\n"
)
#: The S3 envelope as the catalog gives it.
ENVELOPE = Envelope(
    code="/Error/Code",
    message="/Error/Message",
    request_id="/Error/RequestId",
    request_id_header="x-amz-request-id",
    format="xml",
    fields=(("resource", "/Error/Resource"),),
)


def plain() -> None:
    """expat's own parse of the body, nothing read from it."""
    expat.ParserCreate().Parse(BODY, True)


def errcat_read() -> None:
    """errcat's reading of the body."""
    read(ENVELOPE, None, [], BODY, None)


def main() -> None:
    quick = "--quick" in sys.argv
    repeat, number = (5, 2_000) if quick else (25, 10_000)
    assert read(ENVELOPE, None, [], BODY, None).code == "NoSuchKey"
    timers = [timeit.Timer(plain), timeit.Timer(errcat_read)]
    fastest = [float("inf")] * 2
    for _ in range(repeat):
        for i, t in enumerate(timers):
            fastest[i] = min(fastest[i], t.timeit(number))
    base, ours = (t / number * 1e6 for t in fastest)
    print(f"expat plain parse: {base:.2f} us, errcat read: {ours:.2f} us, ratio {ours / base:.2f}x")


if __name__ == "__main__":
    main()

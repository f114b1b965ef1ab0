"""Property and example tests for the server-sent-events decoder (``_http.sse``).

The model: a list of events written with random line endings, comments, ids and retry fields; the
decoder must give back exactly those events however the bytes are split into reads, and anything
else must end in one of its own typed errors, with bounded memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from anthropic_bedrock._http.sse import (
    ServerSentEvent,
    SSEDecoder,
    SSEEncodingError,
    SSEError,
    SSEEventTooLargeError,
    SSELineTooLongError,
)

ENDINGS = ("\n", "\r", "\r\n")
# Field text: anything UTF-8 can carry except the line endings themselves.
field_text = st.text(st.characters(exclude_characters="\r\n", exclude_categories=("Cs",)), max_size=30)


@dataclass(frozen=True)
class Spec:
    event: str | None
    data: list[str]
    id: str | None
    retry: int | None
    comment: str | None


specs = st.builds(
    Spec,
    event=st.none() | field_text,
    data=st.lists(field_text, max_size=4),
    id=st.none() | field_text.filter(lambda text: "\0" not in text),
    retry=st.none() | st.integers(0, 10**6),
    comment=st.none() | field_text,
)


def render(items: list[Spec], endings: list[str], bom: bool) -> bytes:
    """The stream, each line ending picked in turn from ``endings``."""
    lines: list[str] = []
    for spec in items:
        if spec.comment is not None:
            lines.append(":" + spec.comment)
        if spec.event is not None:
            lines.append("event: " + spec.event)
        if spec.id is not None:
            lines.append("id: " + spec.id)  # one space, dropped by the reader
        if spec.retry is not None:
            lines.append(f"retry: {spec.retry}")
        lines += ["data: " + value for value in spec.data]
        lines.append("")
    parts: list[str] = []
    for index, line in enumerate(lines):
        ending = endings[index % len(endings)]
        if not line and ending == "\n" and parts and parts[-1].endswith("\r"):
            ending = "\r\n"  # a CR then an LF alone would be one line ending, not two
        parts.append(line + ending)
    text = "".join(parts)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def expected(items: list[Spec]) -> list[ServerSentEvent]:
    out: list[ServerSentEvent] = []
    last_id = ""
    for spec in items:
        if spec.id is not None:
            last_id = spec.id
        if spec.data:  # an event without data lines is not dispatched
            out.append(ServerSentEvent(spec.event or "message", "\n".join(spec.data), last_id, spec.retry))
    return out


def split(stream: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(cut, len(stream)) for cut in cuts})
    return [stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)]


def decode(pieces: list[bytes], decoder: SSEDecoder | None = None) -> tuple[list[ServerSentEvent], SSEError | None]:
    """Events until the first error (from a feed or from close), and that error."""
    decoder = decoder or SSEDecoder()
    events: list[ServerSentEvent] = []
    try:
        for piece in pieces:
            events += decoder.feed(piece)
        decoder.close()
    except SSEError as exc:
        return events, exc
    return events, None


@given(
    items=st.lists(specs, max_size=8),
    endings=st.lists(st.sampled_from(ENDINGS), min_size=1, max_size=5),
    bom=st.booleans(),
    cuts=st.lists(st.integers(0, 2000), max_size=12),
)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_any_split_gives_the_events(items: list[Spec], endings: list[str], bom: bool, cuts: list[int]) -> None:
    stream = render(items, endings, bom)
    events, error = decode(split(stream, cuts))
    assert error is None
    assert events == expected(items)


@given(items=st.lists(specs, min_size=1, max_size=6), endings=st.lists(st.sampled_from(ENDINGS), min_size=1))
@settings(max_examples=150)
def test_byte_by_byte(items: list[Spec], endings: list[str]) -> None:
    stream = render(items, endings, bom=True)
    decoder = SSEDecoder()
    events = [event for index in range(len(stream)) for event in decoder.feed(stream[index : index + 1])]
    assert events == expected(items)
    assert decoder.close() is False
    assert decoder.buffered == 0


@pytest.mark.parametrize(
    ("stream", "events"),
    [
        # CR at the end of one read, LF at the start of the next: one line ending
        ([b"data: a\r", b"\ndata: b\r\n\r\n"], [ServerSentEvent("message", "a\nb", "")]),
        # CR, then CRLF: two line endings, so a blank line
        ([b"data: a\r", b"\r\n"], [ServerSentEvent("message", "a", "")]),
        # a lone CR as the whole read, then LF
        ([b"data: a", b"\r", b"\n", b"\r", b"\n"], [ServerSentEvent("message", "a", "")]),
        # a UTF-8 sequence split byte by byte, and a BOM split too
        ([b"\xef", b"\xbb", b"\xbfdata: \xe2", b"\x82", b"\xac\n\n"], [ServerSentEvent("message", "€", "")]),
        # only one BOM is dropped; a second one is text (a field named "\ufeffdata", ignored)
        ([b"\xef\xbb\xbf\xef\xbb\xbfdata: x\n\ndata: y\n\n"], [ServerSentEvent("message", "y", "")]),
        # one space after the colon is dropped, not two; no colon: the field has an empty value
        ([b"data:  two\ndata\n\n"], [ServerSentEvent("message", " two\n", "")]),
        # an event without data is not dispatched, and its type does not carry over
        ([b"event: x\n\ndata: y\n\n"], [ServerSentEvent("message", "y", "")]),
        # an empty data line is an event with empty data
        ([b"event: ping\ndata:\n\n"], [ServerSentEvent("ping", "", "")]),
        # ids carry over; an id with NUL is ignored; a retry that is not all digits is ignored
        (
            [b"id: 1\ndata: a\n\nid: 2\x00\nretry: 1.5\ndata: b\n\nretry: 7\ndata: c\n\n"],
            [
                ServerSentEvent("message", "a", "1"),
                ServerSentEvent("message", "b", "1"),
                ServerSentEvent("message", "c", "1", 7),
            ],
        ),
        # no space after the colon
        ([b"event:x\nid:7\ndata:y\n\n"], [ServerSentEvent("x", "y", "7")]),
        # unknown fields and comments are ignored; ":" inside a value is kept
        ([b': keep-alive\nfoo: bar\nevent: a:b\ndata: {"k": 1}\n\n'], [ServerSentEvent("a:b", '{"k": 1}', "")]),
    ],
)
def test_examples(stream: list[bytes], events: list[ServerSentEvent]) -> None:
    assert decode(stream) == (events, None)
    assert decode([b"".join(stream)]) == (events, None)


def test_anthropic_stream_lines() -> None:
    stream = (
        b'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1"}}\n\n'
        b'event: ping\ndata: {"type": "ping"}\n\n'
        b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
        b'"delta":{"type":"text_delta","text":"Hi \\u00e9"}}\n\n'
    )
    events = SSEDecoder().feed(stream)
    assert [event.event for event in events] == ["message_start", "ping", "content_block_delta"]
    assert events[2].data.endswith('"text":"Hi \\u00e9"}}')


def test_close_reports_a_discarded_event() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"event: message_stop\ndata: {}\n") == []
    assert decoder.pending
    assert decoder.close() is True  # discarded, as the standard says: not dispatched, not an error
    decoder = SSEDecoder()
    decoder.feed(b"data: {}\n\n: trailing comment\n")
    assert not decoder.pending
    assert decoder.close() is False
    decoder = SSEDecoder()
    decoder.feed(b"data: half a li")
    assert decoder.pending and decoder.buffered == 15
    assert decoder.close() is True


def test_replace_mode_follows_the_standard() -> None:
    assert SSEDecoder(errors="replace").feed(b"data: a\xffb\n\n") == [ServerSentEvent("message", "a\ufffdb", "")]
    with pytest.raises(SSEEncodingError):
        SSEDecoder().feed(b"data: a\xffb\n\n")


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="max_line"):
        SSEDecoder(max_line=0)
    with pytest.raises(ValueError, match="max_event"):
        SSEDecoder(max_event=0)
    with pytest.raises(ValueError, match="errors"):
        SSEDecoder(errors="ignore")  # type: ignore[arg-type]


# -- errors ---------------------------------------------------------------------------------------

good_events = st.lists(specs.filter(lambda spec: bool(spec.data)), max_size=4)
bad_lines = st.sampled_from(
    [
        (b"data: " + b"x" * 300, SSELineTooLongError),
        (b": " + b"y" * 400, SSELineTooLongError),
        (b"data: caf\xc3", SSEEncodingError),  # a sequence cut short by the line ending
        (b"event: \xed\xa0\x80", SSEEncodingError),  # a surrogate, never valid UTF-8
        (b"\xff", SSEEncodingError),
    ]
)


@given(
    before=good_events,
    after=good_events,
    bad=bad_lines,
    ending=st.sampled_from(ENDINGS),
    cuts=st.lists(st.integers(0, 3000), max_size=10),
)
@settings(max_examples=300)
@example(before=[], after=[], bad=(b"\xff", SSEEncodingError), ending="\r", cuts=[])
def test_errors_do_not_depend_on_the_split(
    before: list[Spec], after: list[Spec], bad: tuple[bytes, type[SSEError]], ending: str, cuts: list[int]
) -> None:
    line, kind = bad
    stream = render(before, [ending], False) + line + ending.encode() + render(after, [ending], False)
    events, error = decode(split(stream, cuts), SSEDecoder(max_line=256))
    assert events == expected(before)
    assert type(error) is kind


def test_a_huge_line_is_refused_while_it_arrives() -> None:
    decoder = SSEDecoder(max_line=1000)
    assert decoder.feed(b"data: ok\n\ndata: ") == [ServerSentEvent("message", "ok", "")]
    with pytest.raises(SSELineTooLongError):
        for _ in range(1000):
            decoder.feed(b"z" * 100)
            assert decoder.buffered <= 1000
    with pytest.raises(SSELineTooLongError):  # sticky
        decoder.feed(b"\n\n")
    with pytest.raises(SSELineTooLongError):
        decoder.close()


def test_a_huge_event_is_refused() -> None:
    decoder = SSEDecoder(max_line=100, max_event=1000)
    with pytest.raises(SSEEventTooLargeError):
        for _ in range(100):
            decoder.feed(b"data: " + b"q" * 50 + b"\n")
    # Events completed before the bad one come first; the error follows on the next call.
    decoder = SSEDecoder(max_event=10)
    assert decoder.feed(b"data: 1\n\ndata: 0123456789\n\n") == [ServerSentEvent("message", "1", "")]
    with pytest.raises(SSEEventTooLargeError):
        decoder.feed(b"")


@given(st.lists(st.binary(max_size=64), max_size=40), st.booleans())
@settings(max_examples=500)
def test_garbage_gives_only_typed_errors_and_bounded_memory(pieces: list[bytes], replace: bool) -> None:
    decoder = SSEDecoder(max_line=128, max_event=256, errors="replace" if replace else "strict")
    try:
        for piece in pieces:
            for event in decoder.feed(piece):
                assert len(event.data) <= 256
            assert decoder.buffered <= 128
        decoder.close()
    except SSEError:
        pass


@given(
    st.lists(
        st.sampled_from([b"\r", b"\n", b"\r\n", b":", b"data", b" ", b"event", b"\xef\xbb\xbf", b"\xc3"]), max_size=60
    )
)
@settings(max_examples=400)
def test_line_ending_soup_splits_alike(tokens: list[bytes]) -> None:
    stream = b"".join(tokens)
    whole = decode([stream], SSEDecoder(errors="replace"))
    assert decode(tokens, SSEDecoder(errors="replace")) == whole
    assert decode([stream[i : i + 1] for i in range(len(stream))], SSEDecoder(errors="replace")) == whole

"""Sans-IO decoder for server-sent events (``text/event-stream``), parsed as the WHATWG HTML standard says.

Bedrock's Anthropic-native Messages endpoints (``/anthropic/v1/messages`` on bedrock-mantle and on
bedrock-runtime) stream their answers as server-sent events, not as the AWS binary event stream.
This decoder is pure (bytes in, events out) so that the sync and async clients share it, as they
share the event-stream decoder; it knows nothing of what an event means.

The rules (HTML Living Standard, "Server-sent events", "Interpreting an event stream"):

* The stream is UTF-8; one byte order mark at its very start is dropped.
* A line ends with CRLF, LF or CR. A CR that ends one read and an LF that starts the next are one
  line ending.
* A blank line dispatches the event built so far, but only if it has at least one ``data`` line;
  otherwise its fields are dropped (the last event id stays).
* A line starting with ``:`` is a comment. Otherwise the field name is the text before the first
  ``:`` and the value the text after it less one leading space; a line without ``:`` is a field
  with an empty value.
* ``event`` sets the event type (``message`` when none is given); ``data`` adds a line to the data
  (lines are joined by LF); ``id`` sets the last event id unless the value holds U+0000, and that id
  carries over to later events; ``retry`` sets the reconnection time in milliseconds when the value
  is all ASCII digits. Any other field is ignored.
* At the end of the stream an event not closed by a blank line is discarded, not dispatched. So
  :meth:`SSEDecoder.close` raises nothing for it (it says whether it discarded one): whether the
  stream stopped where the protocol on top expects (for Messages, after ``message_stop``) is for
  the caller to judge.

Bounds the standard leaves to the user agent, chosen here:

* Invalid UTF-8 raises :class:`SSEEncodingError` (``errors="strict"``, the default). The standard
  replaces it with U+FFFD; ``errors="replace"`` does that. A Messages stream is JSON, and a byte
  replaced in silence would change the answer's text without a trace.
* A line longer than ``max_line`` bytes raises :class:`SSELineTooLongError`; an event whose data
  passes ``max_event`` characters raises :class:`SSEEventTooLargeError`. The decoder never holds
  much more than ``max_line`` bytes plus ``max_event`` characters of any stream.

Errors are sticky, as in the event-stream decoder: the events completed before the bad line are
returned first and the error is raised by the next :meth:`~SSEDecoder.feed` or
:meth:`~SSEDecoder.close`. Events and errors do not depend on how the stream was split into reads.
"""

from __future__ import annotations

from typing import ClassVar, Final, Literal, NamedTuple

__all__ = [
    "MAX_EVENT",
    "MAX_LINE",
    "SSEDecoder",
    "SSEEncodingError",
    "SSEError",
    "SSEEventTooLargeError",
    "SSELineTooLongError",
    "ServerSentEvent",
]

# The event-stream decoder accepts payloads up to 24 MiB (`_eventstream.MAX_PAYLOAD_LENGTH`); an
# event as large is accepted here too, so that both wire formats carry the same answers.
MAX_LINE: Final = 24 * 1024 * 1024
MAX_EVENT: Final = 24 * 1024 * 1024

_BOM: Final = b"\xef\xbb\xbf"
_LF: Final = 0x0A


class SSEError(Exception):
    """The bytes are not a server-sent-event stream this decoder will read.

    ``kind`` says why: ``"line"``, ``"event"`` or ``"encoding"``; each kind has its own subclass.
    """

    kind: ClassVar[str] = "invalid"


class SSELineTooLongError(SSEError):
    """A line (without its line ending) is longer than the decoder's ``max_line`` bytes."""

    kind = "line"


class SSEEventTooLargeError(SSEError):
    """An event's data is longer than the decoder's ``max_event`` characters."""

    kind = "event"


class SSEEncodingError(SSEError):
    """A line is not valid UTF-8 (with ``errors="strict"``)."""

    kind = "encoding"


class ServerSentEvent(NamedTuple):
    """One dispatched event."""

    event: str
    """The event type: the last ``event`` field, or ``"message"`` when there was none."""
    data: str
    """The ``data`` lines joined by LF."""
    id: str
    """The last event id at dispatch (an ``id`` field stays in force for the events after it)."""
    retry: int | None = None
    """The reconnection time in milliseconds given by a ``retry`` field of this event, if any."""


_new_event = tuple.__new__


class SSEDecoder:
    """Incremental decoder: feed it bytes as they arrive, get back every event they complete.

    A line may be split across any number of :meth:`feed` calls, a CRLF or a UTF-8 sequence too.
    Call :meth:`close` at the end of the stream.
    """

    __slots__ = (
        "_data",
        "_error",
        "_errors",
        "_event",
        "_fields",
        "_head",
        "_last_id",
        "_max_event",
        "_max_line",
        "_reconnect",
        "_retry",
        "_size",
        "_skip_lf",
        "_tail",
    )

    def __init__(
        self,
        *,
        max_line: int = MAX_LINE,
        max_event: int = MAX_EVENT,
        errors: Literal["strict", "replace"] = "strict",
    ) -> None:
        if max_line < 1:
            raise ValueError(f"max_line must be at least 1, got {max_line}")
        if max_event < 1:
            raise ValueError(f"max_event must be at least 1, got {max_event}")
        if errors not in ("strict", "replace"):
            raise ValueError(f'errors must be "strict" or "replace", got {errors!r}')
        self._max_line = max_line
        self._max_event = max_event
        self._errors = errors
        self._tail = bytearray()  # the line being received, without a line ending yet
        self._head: bytes | None = b""  # the stream's first bytes while they may still be a BOM
        self._skip_lf = False  # the last read ended with CR: an LF starting the next one ends nothing
        self._data: list[str] = []
        self._size = 0
        self._event = ""
        self._retry: int | None = None
        self._fields = False  # a field line was read since the last blank line
        self._last_id = ""
        self._reconnect: int | None = None
        self._error: SSEError | None = None

    @property
    def buffered(self) -> int:
        """Bytes received that are not yet part of a complete line."""
        return len(self._tail) + len(self._head or b"")

    @property
    def pending(self) -> bool:
        """Whether an event has begun (a field line or part of a line) and not been dispatched."""
        return self._fields or bool(self._tail) or bool(self._head)

    @property
    def last_event_id(self) -> str:
        """The last event id the stream set (``""`` if none)."""
        return self._last_id

    @property
    def retry(self) -> int | None:
        """The last reconnection time the stream set, in milliseconds."""
        return self._reconnect

    def feed(self, data: bytes | bytearray | memoryview) -> list[ServerSentEvent]:
        """Add bytes from the stream and return the events they complete (possibly none)."""
        if self._error is not None:
            raise self._error
        if type(data) is not bytes:
            data = bytes(data)
        if self._head is not None:
            data = self._head + data
            if len(data) < len(_BOM) and _BOM.startswith(data):
                self._head = data
                return []
            self._head = None
            if data.startswith(_BOM):
                data = data[len(_BOM) :]
        if self._skip_lf and data:
            self._skip_lf = False
            if data[0] == _LF:
                data = data[1:]
        if not data:
            return []
        lf = data.rfind(b"\n")
        cr = data.rfind(b"\r")
        end = lf if lf > cr else cr
        tail = self._tail
        if end < 0:
            tail += data
            if len(tail) > self._max_line:
                return self._fail([], self._too_long(len(tail)))
            return []
        # Every complete line, each ending with its line ending; the tail holds no line ending.
        if tail:
            chunk = bytes(tail) + data[: end + 1]
            tail.clear()
        elif end + 1 == len(data):
            chunk = data
        else:
            chunk = data[: end + 1]
        if end + 1 < len(data):
            tail += data[end + 1 :]
        elif end == cr:
            self._skip_lf = True
        if cr >= 0:
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        out: list[ServerSentEvent] = []
        error: SSEError | None = None
        if len(chunk) <= self._max_line:
            try:
                lines = chunk.decode("utf-8", self._errors).split("\n")
            except UnicodeDecodeError:
                error = self._complete_lines(chunk, out)
            else:
                lines.pop()  # the empty text after the last line ending
                try:
                    self._lines(lines, out)
                except SSEError as exc:
                    error = exc
        else:
            error = self._complete_lines(chunk, out)
        if error is None and len(tail) > self._max_line:
            error = self._too_long(len(tail))
        if error is not None:
            return self._fail(out, error)
        return out

    def close(self) -> bool:
        """Declare the end of the stream: True if an unfinished event was discarded (as the standard
        says to), False if the stream ended between events. Raises only a sticky error."""
        if self._error is not None:
            raise self._error
        discarded = self.pending
        self._tail.clear()
        self._head = None
        self._skip_lf = False
        self._data = []
        self._size = 0
        self._event = ""
        self._retry = None
        self._fields = False
        return discarded

    def _too_long(self, length: int) -> SSELineTooLongError:
        return SSELineTooLongError(f"a line of at least {length} bytes exceeds the limit of {self._max_line}")

    def _fail(self, out: list[ServerSentEvent], error: SSEError) -> list[ServerSentEvent]:
        self._error = error
        self._tail.clear()
        self._data = []
        if out:
            return out
        raise error

    def _complete_lines(self, chunk: bytes, out: list[ServerSentEvent]) -> SSEError | None:
        """Read the lines of ``chunk`` (each ending in LF) into ``out``; the error at the first bad
        line, if any, after the events completed before it."""
        error: SSEError | None = None
        if len(chunk) > self._max_line:
            start = 0
            for line in chunk.split(b"\n"):
                if len(line) > self._max_line:
                    error = self._too_long(len(line))
                    chunk = chunk[:start]
                    break
                start += len(line) + 1
        try:
            text = chunk.decode("utf-8", self._errors)
        except UnicodeDecodeError as exc:
            good = chunk.rfind(b"\n", 0, exc.start) + 1
            error = SSEEncodingError(f"invalid UTF-8 in a line: {exc.reason} ({chunk[exc.start : exc.end]!r})")
            text = chunk[:good].decode("utf-8")
        lines = text.split("\n")
        lines.pop()  # the empty text after the last line ending
        try:
            self._lines(lines, out)
        except SSEError as exc:
            return exc
        return error

    def _lines(self, lines: list[str], out: list[ServerSentEvent]) -> None:
        append = out.append
        new_event = _new_event
        event_class = ServerSentEvent
        max_event = self._max_event
        data = self._data
        size = self._size
        event = self._event
        retry = self._retry
        fields = self._fields
        last_id = self._last_id
        for line in lines:
            if not line:
                if data:
                    text = data[0] if len(data) == 1 else "\n".join(data)
                    append(new_event(event_class, (event or "message", text, last_id, retry)))
                    data = []
                    size = 0
                event = ""
                retry = None
                fields = False
                continue
            # The two fields every Anthropic event has, before the general rule.
            if line.startswith("data: "):
                value = line[6:]
            elif line.startswith("event: "):
                event = line[7:]
                fields = True
                continue
            elif line[0] == ":":
                continue  # a comment
            else:
                colon = line.find(":")
                if colon < 0:
                    name = line
                    value = ""
                else:
                    name = line[:colon]
                    value = line[colon + 2 :] if line.startswith(" ", colon + 1) else line[colon + 1 :]
                fields = True
                if name == "event":
                    event = value
                    continue
                if name == "id":
                    if "\0" not in value:
                        last_id = value
                    continue
                if name == "retry":
                    if value.isascii() and value.isdigit():
                        retry = int(value)
                        self._reconnect = retry
                    continue
                if name != "data":
                    continue  # a field the standard ignores
            fields = True
            size += len(value) + 1
            if size > max_event:
                raise SSEEventTooLargeError(f"an event's data exceeds the limit of {max_event} characters")
            data.append(value)
        self._data = data
        self._size = size
        self._event = event
        self._retry = retry
        self._fields = fields
        self._last_id = last_id

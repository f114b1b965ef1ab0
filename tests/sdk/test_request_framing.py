"""What a request carries and how its answer is read, on every entry point and transport:
`count_tokens(extra_body=...)` counts the body `create` would send; headers that frame the message
(`Content-Length`, `Transfer-Encoding`, `Host`...) and image or document data that is not base64
are refused before sending, naming the place; a body labelled gzip that is not gzip is the SDK's
error; and the event-stream decoder keeps no memory for hostile header blocks."""

from __future__ import annotations

import base64
import json
import socketserver
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import anthropic_bedrock as ab
from anthropic_bedrock._aws.eventstream import EventStreamDecoder
from anthropic_bedrock._aws.eventstream_encoder import encode_message

from drivers import PROMPT, Driver

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
HELLO = [{"role": "user", "content": "one two three"}]


def _helper(d: Driver, **kw: Any) -> Any:
    manager = d.client.messages.stream(model=MODEL, max_tokens=5, **{"messages": HELLO, **kw})

    async def read() -> Any:
        async with manager as stream:
            return await stream.get_final_message()

    if d.is_async:
        return d.run(read())
    with manager as stream:
        return stream.get_final_message()


CALLS: dict[str, Callable[..., Any]] = {
    "create": lambda d, **kw: d.run(d.client.messages.create(model=MODEL, max_tokens=5, **{"messages": HELLO, **kw})),
    "create(stream=True)": lambda d, **kw: d.collect(
        d.run(d.client.messages.create(model=MODEL, max_tokens=5, stream=True, **{"messages": HELLO, **kw}))
    ),
    "with_raw_response": lambda d, **kw: d.run(
        d.client.messages.with_raw_response.create(model=MODEL, max_tokens=5, **{"messages": HELLO, **kw})
    ),
    "stream()": _helper,
    "count_tokens": lambda d, **kw: d.run(d.client.messages.count_tokens(model=MODEL, **{"messages": HELLO, **kw})),
}
COMPLETIONS: dict[str, Callable[..., Any]] = {
    "completions.create": lambda d, **kw: d.run(
        d.client.completions.create(model="anthropic.claude-v2", prompt=PROMPT, max_tokens_to_sample=5, **kw)
    ),
    "completions.create(stream=True)": lambda d, **kw: d.collect(
        d.run(
            d.client.completions.create(
                model="anthropic.claude-v2", prompt=PROMPT, max_tokens_to_sample=5, stream=True, **kw
            )
        )
    ),
}


# ---------------------------------------------------------------- count_tokens and extra_body


def test_count_tokens_counts_extra_body_as_create_sends_it(driver: Driver, emulator: Any) -> None:
    extra = {"system": "these seven words are a system prompt"}
    created = CALLS["create"](driver, extra_body=extra)
    counted = CALLS["count_tokens"](driver, extra_body=extra)
    assert counted.input_tokens == created.usage.input_tokens > CALLS["count_tokens"](driver).input_tokens
    envelope = json.loads(emulator.requests("count_tokens")[-2].body)
    assert set(envelope) == {"input"}  # extra_body went into the counted body, not beside it
    counted_body = json.loads(base64.b64decode(envelope["input"]["invokeModel"]["body"]))
    invoked_body = json.loads(emulator.requests("invoke")[-1].body)
    assert counted_body["system"] == invoked_body["system"] == extra["system"]


def test_count_tokens_extra_body_keeps_the_rules_of_create(driver: Driver, emulator: Any) -> None:
    with pytest.raises(ValueError, match="extra_body must not contain 'model'"):
        CALLS["count_tokens"](driver, extra_body={"model": "x"})
    assert emulator.log == []


# ---------------------------------------------------------------- framing headers

FRAMING = ["Content-Length", "transfer-encoding", "Host", "TE", "Upgrade"]


@pytest.mark.parametrize("header", FRAMING)
@pytest.mark.parametrize("call", [*CALLS, *COMPLETIONS])
def test_headers_that_frame_the_message_are_refused_before_sending(
    driver: Driver, emulator: Any, call: str, header: str
) -> None:
    with pytest.raises(ValueError, match=rf"extra_headers: '{header}' cannot be set"):
        {**CALLS, **COMPLETIONS}[call](driver, extra_headers={header: "7"})
    assert emulator.log == []


@pytest.mark.parametrize("header", FRAMING)
def test_framing_headers_are_refused_as_default_headers(emulator: Any, header: str) -> None:
    with pytest.raises(ValueError, match=rf"default_headers: '{header}' cannot be set"):
        ab.AnthropicBedrock(base_url=emulator.url, default_headers={header: "7"})
    client = ab.AnthropicBedrock(aws_access_key="a", aws_secret_key="b", base_url=emulator.url)
    with pytest.raises(ValueError, match=rf"default_headers: '{header}' cannot be set"):
        client.with_options(default_headers={header: "7"})


# ---------------------------------------------------------------- base64 data


def _image(data: str) -> dict[str, Any]:
    return {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": data}}


def _pdf(data: str) -> dict[str, Any]:
    return {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": data}}


GOOD = base64.b64encode(b"\x89PNG\r\n\x1a\n.....").decode()  # 13 bytes: padded
NOT_BASE64 = {
    "letters outside the alphabet": "not base64!",
    "unpadded": GOOD.rstrip("="),
    "a line break": GOOD[:4] + "\n" + GOOD[4:],
    "non-ASCII": "é" * 4,
    "URL-safe alphabet": "ab-_",
}


def _places(data: str) -> dict[str, tuple[list[Any], str]]:
    result = [{"type": "tool_result", "tool_use_id": "toolu_1", "content": [_image(data)]}]
    return {
        "image": ([{"role": "user", "content": [_image(data)]}], r"messages\[0\]\.content\[0\]\.source\.data"),
        "document": (
            [{"role": "user", "content": [{"type": "text", "text": "read"}, _pdf(data)]}],
            r"messages\[0\]\.content\[1\]\.source\.data",
        ),
        "image in a tool result": (
            [
                {"role": "user", "content": "go"},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "see", "input": {}}]},
                {"role": "user", "content": result},
            ],
            r"messages\[2\]\.content\[0\]\.content\[0\]\.source\.data",
        ),
    }


@pytest.mark.parametrize("data", list(NOT_BASE64))
@pytest.mark.parametrize("place", ["image", "document", "image in a tool result"])
@pytest.mark.parametrize("call", list(CALLS))
def test_data_that_is_not_base64_is_refused_before_sending(
    driver: Driver, emulator: Any, call: str, place: str, data: str
) -> None:
    messages, where = _places(NOT_BASE64[data])[place]
    with pytest.raises(ValueError, match=where + " is not valid base64"):
        CALLS[call](driver, messages=messages)
    assert emulator.log == []


def test_base64_data_is_sent(driver: Driver, emulator: Any) -> None:
    messages, _ = _places(GOOD)["image"]
    assert CALLS["count_tokens"](driver, messages=messages).input_tokens > 0
    assert emulator.log[-1].status == 200


# ---------------------------------------------------------------- a body labelled gzip that is not


class _FalseGzip(socketserver.BaseRequestHandler):
    """Answers every request with a JSON body labelled `Content-Encoding: gzip`."""

    def handle(self) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
        )
        while len(rest) < length:
            rest += self.request.recv(65536)
        status = b"400 Bad Request" if b"x-case: error" in head.lower() else b"200 OK"
        answer = b'{"inputTokens": 3, "completion": "x", "stop_reason": "max_tokens"}'
        self.request.sendall(
            b"HTTP/1.1 " + status + b"\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\n"
            b"content-length: %d\r\n\r\n" % len(answer) + answer
        )


@pytest.fixture(scope="module")
def false_gzip_url() -> Iterator[str]:
    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    with Server(("127.0.0.1", 0), _FalseGzip) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()


@pytest.mark.parametrize("case", ["success", "error"])
@pytest.mark.parametrize("call", ["create", "with_raw_response", "count_tokens", "completions.create"])
def test_a_body_labelled_gzip_that_is_not_is_the_sdks_error(
    mode: str, false_gzip_url: str, call: str, case: str
) -> None:
    d = Driver(mode, aws_access_key="a", aws_secret_key="b", base_url=false_gzip_url, max_retries=0)
    try:
        with pytest.raises(ab.APIResponseValidationError, match="Content-Encoding 'gzip'"):
            {**CALLS, **COMPLETIONS}[call](d, extra_headers={"x-case": case})
    finally:
        d.close()


# ---------------------------------------------------------------- the decoder's header cache


def test_hostile_header_blocks_pin_no_memory() -> None:
    # 32 MiB of frames, each with its own 128 KiB header block: once parsed, none is kept.
    decoder = EventStreamDecoder()
    tracemalloc.start()
    try:
        for index in range(256):  # as many as the cache holds, 128 KiB of headers each: 32 MiB
            pad = f"{index:06d}" + "p" * 65_000
            frame = encode_message({":message-type": "event", ":event-type": "chunk", "x-a": pad, "x-b": pad}, b"{}")
            assert len(decoder.feed(frame)) == 1
            del frame
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept < 2_000_000, f"{kept:,} bytes kept"

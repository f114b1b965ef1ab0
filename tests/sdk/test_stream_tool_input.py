"""Tool input in Messages streams, over real HTTP on every transport: a tool call cut by
`max_tokens` gives its input as far as it goes (as `anthropic` does) with `stop_reason` kept,
`input_json` snapshots are the partial input, and events that make no message (tool input that is
a list, nested without end, a stop with no start) raise `APIResponseValidationError` from every
entry point: `create(stream=True)`, `with_raw_response`, `messages.stream()`."""

from __future__ import annotations

import base64
import json
import socketserver
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from jiter import from_json

import anthropic_bedrock as ab
from anthropic_bedrock._aws.eventstream_encoder import encode_message
from anthropic_bedrock._streaming import partial_json

from drivers import Driver

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
HELLO = [{"role": "user", "content": "What is the weather in Paris?"}]
START = {
    "type": "message_start",
    "message": {
        "id": "msg_cut",
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 20, "output_tokens": 1},
    },
}
CUT_PIECES = ['{"ci', 'ty": "Par', 'is", "unit', '": "cel']


def tool_events(pieces: list[str], reason: str = "max_tokens") -> list[dict[str, Any]]:
    block = {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}
    return [
        START,
        {"type": "content_block_start", "index": 0, "content_block": block},
        *(
            {"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": p}}
            for p in pieces
        ),
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": reason, "stop_sequence": None},
            "usage": {"output_tokens": 9},
        },
        {"type": "message_stop"},
    ]


def body(events: list[dict[str, Any]]) -> bytes:
    headers = {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}
    return b"".join(
        encode_message(headers, json.dumps({"bytes": base64.b64encode(json.dumps(e).encode()).decode()}).encode())
        for e in events
    )


BODIES = {
    "cut": body(tool_events(CUT_PIECES)),
    "list": body(tool_events(["[1, ", "2]"], reason="tool_use")),
    "deep": body(tool_events(["[" * 50_000, "[" * 50_000])),
    "corrupt": body(tool_events(['{"city": ', "Paris}"], reason="tool_use")),
    "no start": body(tool_events(['{"city": "Oslo"}'], reason="tool_use")[1:]),
}


class _Canned(socketserver.BaseRequestHandler):
    """Answers each request with the stream its `x-case` header names."""

    def handle(self) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        fields = dict(line.split(b":", 1) for line in head.split(b"\r\n")[1:])
        fields = {k.strip().lower(): v.strip() for k, v in fields.items()}
        while len(rest) < int(fields[b"content-length"]):
            rest += self.request.recv(65536)
        answer = BODIES[fields[b"x-case"].decode()]
        self.request.sendall(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/vnd.amazon.eventstream\r\n"
            b"x-amzn-requestid: req-canned\r\ncontent-length: %d\r\nconnection: close\r\n\r\n" % len(answer) + answer
        )


@pytest.fixture(scope="module")
def canned_url() -> Iterator[str]:
    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    with Server(("127.0.0.1", 0), _Canned) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()


@pytest.fixture
def d(mode: str, canned_url: str) -> Iterator[Driver]:
    driver = Driver(mode, aws_access_key="a", aws_secret_key="b", base_url=canned_url, max_retries=0)
    yield driver
    driver.close()


def _params(case: str) -> dict[str, Any]:
    return {"model": MODEL, "max_tokens": 9, "messages": HELLO, "extra_headers": {"x-case": case}}


def final_raw(d: Driver, case: str) -> Any:
    async def read() -> Any:
        stream = await d.client.messages.create(**_params(case), stream=True)
        return await stream.get_final_message()

    if d.is_async:
        return d.run(read())
    return d.client.messages.create(**_params(case), stream=True).get_final_message()


def final_with_raw_response(d: Driver, case: str) -> Any:
    async def read() -> Any:
        raw = await d.client.messages.with_raw_response.create(**_params(case), stream=True)
        return await (await raw.parse()).get_final_message()

    if d.is_async:
        return d.run(read())
    return d.client.messages.with_raw_response.create(**_params(case), stream=True).parse().get_final_message()


def helper_events(d: Driver, case: str) -> tuple[list[Any], list[Any], Any]:
    """The helper stream's events, the `snapshot` of each `input_json` event, the final message."""

    async def read() -> tuple[list[Any], list[Any], Any]:
        async with d.client.messages.stream(**_params(case)) as stream:
            events = [e async for e in stream]
            return events, [e.snapshot for e in events if e.type == "input_json"], await stream.get_final_message()

    if d.is_async:
        return d.run(read())  # type: ignore[no-any-return]
    with d.client.messages.stream(**_params(case)) as stream:
        events = list(stream)
        return events, [e.snapshot for e in events if e.type == "input_json"], stream.get_final_message()


FINALS = {"create(stream=True)": final_raw, "with_raw_response": final_with_raw_response}


@pytest.mark.parametrize("entry", FINALS)
def test_a_tool_call_cut_by_max_tokens_gives_its_partial_input(d: Driver, entry: str) -> None:
    message = FINALS[entry](d, "cut")
    assert message.stop_reason == "max_tokens"
    (call,) = message.content
    assert call.type == "tool_use" and call.input == {"city": "Paris"}
    assert message.response_metadata.request_id == "req-canned"


def test_helper_snapshots_are_the_partial_input_as_anthropic_gives_it(d: Driver) -> None:
    events, snapshots, message = helper_events(d, "cut")
    expected = [from_json("".join(CUT_PIECES[: i + 1]).encode(), partial_mode=True) for i in range(len(CUT_PIECES))]
    assert snapshots == expected == [{}, {}, {"city": "Paris"}, {"city": "Paris"}]
    stop = next(e for e in events if e.type == "content_block_stop")
    assert stop.content_block.input == {"city": "Paris"} == message.content[0].input
    assert events[-1].type == "message_stop" and events[-1].message.stop_reason == "max_tokens"


@pytest.mark.parametrize("case", ["list", "deep", "corrupt", "no start"])
@pytest.mark.parametrize("entry", [*FINALS, "stream()"])
def test_events_that_make_no_message_raise_the_sdks_error(d: Driver, entry: str, case: str) -> None:
    with pytest.raises(ab.APIResponseValidationError) as info:
        if entry == "stream()":
            helper_events(d, case)
        else:
            FINALS[entry](d, case)
    assert info.value.status_code == 200 and info.value.response.headers["x-amzn-requestid"] == "req-canned"


def test_iterating_a_helper_stream_parses_no_tool_input(d: Driver, monkeypatch: pytest.MonkeyPatch) -> None:
    # Snapshots are parsed when read: iterating costs no parse per piece, so a long tool call stays
    # linear; the block's stop and the final message parse it once each.
    calls: list[int] = []
    parse = partial_json.parse_partial

    def counting(text: str, **kwargs: Any) -> object:
        calls.append(len(text))
        return parse(text, **kwargs)

    monkeypatch.setattr("anthropic_bedrock._streaming.messages.parse_partial", counting)

    async def read() -> int:
        async with d.client.messages.stream(**_params("cut")) as stream:
            async for _ in stream:
                pass
            return len(calls)

    if d.is_async:
        during = d.run(read())
    else:
        with d.client.messages.stream(**_params("cut")) as stream:
            for _ in stream:
                pass
            during = len(calls)
    assert during == 2  # content_block_stop's block and message_stop's message, not one per piece

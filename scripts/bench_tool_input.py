"""How a streamed tool call's cost grows with its input: `create(stream=True)` against
`messages.stream()` on the same bytes.

One Messages stream whose only block is a `tool_use` call with N characters of input JSON
(`{"path": ..., "content": "<N characters>"}`) in `input_json_delta` pieces of `--piece`
characters, served from memory (httpx's MockTransport) so that only the client's work is timed.
Rows: `create(stream=True)` iterated, then `get_final_message()`; `messages.stream()` iterated
(every raw and helper event), then `get_final_message()`; and the same while reading every
`input_json` event's `snapshot` (which is quadratic by nature: each snapshot is the input so far).
Wall seconds, best of `--repeat`. Runs on any version of this SDK (only public names are used).

    .venv/bin/python scripts/bench_tool_input.py [--sizes 100000,400000] [--piece 32] [--repeat 3]
"""

from __future__ import annotations

import argparse
import base64
import json
import time
from collections.abc import Callable

import httpx

import anthropic_bedrock as ab

try:
    from anthropic_bedrock._aws.eventstream_encoder import encode_message
except ImportError:  # the older layout
    from anthropic_bedrock._eventstream import encode_message  # type: ignore[no-redef]

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
HEADERS = {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}


def stream_body(size: int, piece: int) -> bytes:
    text = json.dumps({"path": "notes.txt", "content": "lorem ipsum " * (size // 12)})
    events: list[dict[str, object]] = [
        {
            "type": "message_start",
            "message": {
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "model": MODEL,
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": 10, "output_tokens": 1},
            },
        },
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "tool_use", "id": "toolu_1", "name": "write_file", "input": {}},
        },
    ]
    for start in range(0, len(text), piece):
        delta = {"type": "input_json_delta", "partial_json": text[start : start + piece]}
        events.append({"type": "content_block_delta", "index": 0, "delta": delta})
    events += [
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "tool_use", "stop_sequence": None},
            "usage": {"output_tokens": 9},
        },
        {"type": "message_stop"},
    ]
    return b"".join(
        encode_message(HEADERS, json.dumps({"bytes": base64.b64encode(json.dumps(e).encode()).decode()}).encode())
        for e in events
    )


def client_for(body: bytes) -> ab.AnthropicBedrock:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=httpx.ByteStream(body))

    http = httpx.Client(transport=httpx.MockTransport(answer))
    return ab.AnthropicBedrock(aws_access_key="a", aws_secret_key="b", http_client=http, max_retries=0)


PARAMS: dict[str, object] = {"model": MODEL, "max_tokens": 100, "messages": [{"role": "user", "content": "write"}]}


def via_create(client: ab.AnthropicBedrock) -> int:
    stream = client.messages.create(**PARAMS, stream=True)  # type: ignore[call-overload]
    for _ in stream:
        pass
    return len(stream.get_final_message().content[0].input["content"])


def via_stream(client: ab.AnthropicBedrock, snapshots: bool = False) -> int:
    with client.messages.stream(**PARAMS) as stream:  # type: ignore[arg-type]
        for event in stream:
            if snapshots and event.type == "input_json":
                event.snapshot  # noqa: B018
        return len(stream.get_final_message().content[0].input["content"])  # type: ignore[union-attr]


def best(run: Callable[[], int], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,400000")
    parser.add_argument("--piece", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--snapshots", action="store_true", help="also time reading every snapshot")
    args = parser.parse_args()
    print(f"anthropic_bedrock {ab.__version__} from {ab.__file__}; pieces of {args.piece} characters")
    for size in map(int, args.sizes.split(",")):
        body = stream_body(size, args.piece)
        client = client_for(body)
        rows = {
            "create(stream=True) + get_final_message()": lambda c=client: via_create(c),
            "messages.stream() + get_final_message()": lambda c=client: via_stream(c),
        }
        if args.snapshots:
            rows["messages.stream(), every snapshot read"] = lambda c=client: via_stream(c, True)
        for name, run in rows.items():
            print(f"{size:>8} chars  {name:<44} {best(run, args.repeat):8.3f} s")


if __name__ == "__main__":
    main()

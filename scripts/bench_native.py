"""The Anthropic-native wire format beside InvokeModel and beside `anthropic`'s `AnthropicBedrockMantle`.

Rows (each the best of ``--repeat`` runs, on this machine, in one process):

* reader: events per CPU second through the stream reader alone (`ChunkReader.feed`: framing, JSON,
  typed event, accumulator), one read per event as a network hands it over; event stream and
  server-sent events side by side. ``--reader-only`` prints just the event-stream row, with an API
  that older versions of the reader share, to compare the event-stream path across versions.
* stream: events per second of a whole streamed call (`messages.create(stream=True)`, iterated to
  the end), the HTTP exchange served in memory (`MockTransport`, no sockets), for
  `AnthropicBedrock` (event stream), `AnthropicBedrockMantle` (SSE) and `anthropic`'s
  `AnthropicBedrockMantle` (SSE, its httpx2 mock transport).
* helper: the same answer through `messages.stream()`: `text_stream`, then `get_final_message()`.
* request: microseconds per non-streamed `messages.create` (argument checks, body, SigV4 signature
  with static keys, send, parse) against an in-memory answer: the per-request overhead.

    .venv/bin/python scripts/bench_native.py [--events 2000] [--requests 2000] [--repeat 5] [--reader-only]
"""

from __future__ import annotations

import argparse
import base64
import json
import time
from collections.abc import Callable
from typing import Any

import httpx

MODEL = "anthropic.claude-sonnet-4-5"
HELLO = [{"role": "user", "content": "hello"}]
KEYS = {"aws_access_key": "AKIDBENCH0000000000", "aws_secret_key": "bench-secret", "aws_region": "us-east-1"}
WORDS = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "Claude", "answers"]
MESSAGE = {
    "id": "msg_bdrk_0123456789abcdef01234567",
    "type": "message",
    "role": "assistant",
    "model": MODEL,
    "content": [],
    "stop_reason": None,
    "stop_sequence": None,
    "usage": {"input_tokens": 25, "output_tokens": 1},
}


def make_events(count: int) -> list[dict[str, Any]]:
    """A text answer of `count` events: start, block start, deltas, block stop, delta, stop."""
    deltas = max(1, count - 5)
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": MESSAGE},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    ]
    events += [
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": " " + WORDS[i % len(WORDS)]},
        }
        for i in range(deltas)
    ]
    events += [
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": deltas},
        },
        {"type": "message_stop"},
    ]
    return events


def sse_chunks(events: list[dict[str, Any]]) -> list[bytes]:
    return [f"event: {e['type']}\ndata: {json.dumps(e, separators=(',', ':'))}\n\n".encode() for e in events]


def frame_chunks(events: list[dict[str, Any]]) -> list[bytes]:
    from anthropic_bedrock._aws.eventstream_encoder import encode_message

    headers = {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}
    out = []
    for e in events:
        data = json.dumps(e, separators=(",", ":")).encode()
        out.append(encode_message(headers, json.dumps({"bytes": base64.b64encode(data).decode()}).encode()))
    return out


def best(repeat: int, run: Callable[[], float]) -> float:
    return min(run() for _ in range(repeat))


# ---------------------------------------------------------------- reader


def reader_rate(chunks: list[bytes], sse: bool, repeat: int) -> float:
    from anthropic_bedrock._operations.messages import MESSAGES
    from anthropic_bedrock._streaming.stream import ChunkReader

    request = httpx.Request("POST", "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/invoke")
    response = httpx.Response(200, request=request)
    assert MESSAGES.event is not None and MESSAGES.accumulator is not None and MESSAGES.stream_endpoint is not None
    exceptions = MESSAGES.stream_endpoint.stream_exceptions

    def run() -> float:
        kwargs = {"server_sent_events": True} if sse else {}
        reader = ChunkReader(response, MESSAGES.event, MESSAGES.accumulator(), exceptions, **kwargs)
        started = time.process_time()  # CPU time: steady on a machine shared with other work
        n = 0
        for chunk in chunks:
            for _ in reader.feed(chunk):
                n += 1
        reader.end()
        return (time.process_time() - started) / n

    return 1.0 / best(repeat, run)


# ---------------------------------------------------------------- whole calls, served in memory


def _answer(events: list[dict[str, Any]]) -> bytes:
    message = dict(MESSAGE, content=[{"type": "text", "text": "".join(e["delta"]["text"] for e in events[2:-3])}])
    return json.dumps(dict(message, stop_reason="end_turn", usage={"input_tokens": 25, "output_tokens": 3})).encode()


def ours(kind: str, events: list[dict[str, Any]]) -> Any:
    import anthropic_bedrock as ab

    chunks = sse_chunks(events) if kind == "mantle" else frame_chunks(events)
    whole = _answer(events)
    content_type = "text/event-stream" if kind == "mantle" else "application/vnd.amazon.eventstream"

    def handler(request: httpx.Request) -> httpx.Response:
        streamed = request.url.path.endswith("-stream") or json.loads(request.content).get("stream") is True
        if streamed:
            return httpx.Response(200, headers={"content-type": content_type}, content=iter(chunks))
        return httpx.Response(200, headers={"content-type": "application/json"}, content=whole)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    if kind == "mantle":
        return ab.AnthropicBedrockMantle(**KEYS, base_url="https://bench.invalid/anthropic", http_client=http)
    return ab.AnthropicBedrock(**KEYS, base_url="https://bench.invalid", http_client=http)


def theirs(events: list[dict[str, Any]]) -> Any:
    import anthropic
    import httpx2

    chunks = sse_chunks(events)
    whole = _answer(events)

    def handler(request: httpx2.Request) -> httpx2.Response:
        if json.loads(request.content).get("stream") is True:
            return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=iter(chunks))
        return httpx2.Response(200, headers={"content-type": "application/json"}, content=whole)

    http = httpx2.Client(transport=httpx2.MockTransport(handler))
    return anthropic.AnthropicBedrockMantle(**KEYS, base_url="https://bench.invalid/anthropic", http_client=http)


def stream_rate(client: Any, repeat: int) -> float:
    def run() -> float:
        started = time.perf_counter()
        n = sum(1 for _ in client.messages.create(model=MODEL, max_tokens=4096, messages=HELLO, stream=True))
        return (time.perf_counter() - started) / n

    return 1.0 / best(repeat, run)


def helper_rate(client: Any, events: int, repeat: int) -> float:
    def run() -> float:
        started = time.perf_counter()
        with client.messages.stream(model=MODEL, max_tokens=4096, messages=HELLO) as stream:
            for _ in stream.text_stream:
                pass
            stream.get_final_message()
        return (time.perf_counter() - started) / events

    return 1.0 / best(repeat, run)


def request_us(client: Any, count: int, repeat: int) -> float:
    def run() -> float:
        started = time.perf_counter()
        for _ in range(count):
            client.messages.create(model=MODEL, max_tokens=16, messages=HELLO)
        return (time.perf_counter() - started) / count

    return best(repeat, run) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reader-only", action="store_true")
    args = parser.parse_args()
    events = make_events(args.events)
    frames, sse = frame_chunks(events), sse_chunks(events)
    print(f"{args.events} events per stream, {args.requests} requests per run, best of {args.repeat}")
    print(f"reader  event stream           {reader_rate(frames, False, args.repeat):>12,.0f} events/s")
    if args.reader_only:
        return
    print(f"reader  server-sent events     {reader_rate(sse, True, args.repeat):>12,.0f} events/s")
    clients: dict[str, Callable[[], Any]] = {
        "AnthropicBedrock (event stream)": lambda: ours("invoke", events),
        "AnthropicBedrockMantle (SSE)": lambda: ours("mantle", events),
        "anthropic AnthropicBedrockMantle": lambda: theirs(events),
    }
    for name, make in clients.items():
        client = make()
        print(f"stream  {name:<33} {stream_rate(client, args.repeat):>12,.0f} events/s")
    for name, make in clients.items():
        client = make()
        print(f"helper  {name:<33} {helper_rate(client, args.events, args.repeat):>12,.0f} events/s")
    for name, make in clients.items():
        client = make()
        client.messages.create(model=MODEL, max_tokens=16, messages=HELLO)  # warm: pool, imports, credentials
        print(f"request {name:<33} {request_us(client, args.requests, args.repeat):>12.1f} us/request")


if __name__ == "__main__":
    main()

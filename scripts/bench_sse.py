"""Decode speed of the server-sent-events path next to the event-stream path, on the same Messages answer.

The input is one Messages stream of N events (``message_start``, ``content_block_start``, text
deltas, ``content_block_stop``, ``message_delta``, ``message_stop``), written both ways:

* SSE, as ``/anthropic/v1/messages`` sends it: ``event: <type>`` / ``data: <JSON>`` / blank line;
* AWS event stream, as ``invoke-with-response-stream`` sends it: one ``chunk`` frame per event
  carrying ``{"bytes": base64(JSON)}``.

Each is fed as an HTTP client hands it over (one read per event, fixed 4 KiB and 64 KiB reads).
Two figures per row: framing alone (``SSEDecoder.feed`` / ``EventStreamDecoder.feed``), and the full
way to each event's parsed JSON (SSE: ``invoke_event`` then ``json.loads``; event stream: the
chunk envelope sliced out, base64-decoded, ``json.loads``, as ``_streaming.ChunkReader`` does).
``anthropic``'s own SSE decoder (``SSEDecoder.iter_bytes``, what ``AnthropicBedrockMantle`` uses)
is timed beside them for framing. Figures are events per second (best of ``--repeat``) and CPU
microseconds per event (process time, same run).

    .venv/bin/python scripts/bench_sse.py [--events 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import time
from collections.abc import Callable

from anthropic._streaming import SSEDecoder as AnthropicSSEDecoder

from anthropic_bedrock._aws.eventstream import EventStreamDecoder
from anthropic_bedrock._aws.eventstream_encoder import encode_message
from anthropic_bedrock._http.sse import SSEDecoder
from anthropic_bedrock._json import loads
from anthropic_bedrock._streaming.anthropic_sse import invoke_event
from anthropic_bedrock._streaming.framing import _chunk_bytes

CHUNK_HEADERS = {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}
WORDS = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "Claude", "answers", "politely"]


def make_events(count: int) -> list[dict[str, object]]:
    """A text answer of ``count`` events in all."""
    head: list[dict[str, object]] = [
        {
            "type": "message_start",
            "message": {
                "id": "msg_bdrk_0123456789abcdef01234567",
                "type": "message",
                "role": "assistant",
                "model": "anthropic.claude-sonnet-4-5",
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": 25, "output_tokens": 1},
            },
        },
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    ]
    tail: list[dict[str, object]] = [
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": count},
        },
        {"type": "message_stop"},
    ]
    deltas: list[dict[str, object]] = [
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": " " + WORDS[i % len(WORDS)]},
        }
        for i in range(count - len(head) - len(tail))
    ]
    return head + deltas + tail


def sse_reads(events: list[dict[str, object]]) -> list[bytes]:
    return [
        f"event: {event['type']}\ndata: {json.dumps(event, separators=(',', ':'))}\n\n".encode() for event in events
    ]


def eventstream_reads(events: list[dict[str, object]]) -> list[bytes]:
    frames = []
    for event in events:
        inner = base64.b64encode(json.dumps(event, separators=(",", ":")).encode()).decode()
        frames.append(encode_message(CHUNK_HEADERS, json.dumps({"bytes": inner}, separators=(",", ":")).encode()))
    return frames


def split(stream: bytes, size: int) -> list[bytes]:
    return [stream[i : i + size] for i in range(0, len(stream), size)]


def sse_framing(reads: list[bytes]) -> int:
    decoder = SSEDecoder()
    count = 0
    for data in reads:
        count += len(decoder.feed(data))
    decoder.close()
    return count


def sse_full(reads: list[bytes]) -> int:
    decoder = SSEDecoder()
    count = 0
    for data in reads:
        for sse in decoder.feed(data):
            text = invoke_event(sse)
            if isinstance(text, str):
                loads(text)
                count += 1
    decoder.close()
    return count


def eventstream_framing(reads: list[bytes]) -> int:
    decoder = EventStreamDecoder()
    count = 0
    for data in reads:
        count += len(decoder.feed(data))
    decoder.close()
    return count


def eventstream_full(reads: list[bytes]) -> int:
    decoder = EventStreamDecoder()
    count = 0
    for data in reads:
        for message in decoder.feed(data):
            loads(binascii.a2b_base64(_chunk_bytes(message.payload), strict_mode=True).decode())
            count += 1
    decoder.close()
    return count


def anthropic_framing(reads: list[bytes]) -> int:
    return sum(1 for _ in AnthropicSSEDecoder().iter_bytes(iter(reads)))


def best(fn: Callable[[list[bytes]], int], reads: list[bytes], expected: int, repeat: int) -> tuple[float, float]:
    """Best wall seconds and best CPU seconds over ``repeat`` runs."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        got = fn(reads)
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
        if got != expected:
            raise SystemExit(f"{fn.__name__} gave {got} events, expected {expected}")
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    events = make_events(args.events)
    sse, es = sse_reads(events), eventstream_reads(events)
    sse_stream, es_stream = b"".join(sse), b"".join(es)
    n = len(events)
    print(f"{n} events: SSE {len(sse_stream):,} bytes ({len(sse_stream) / n:.0f}/event), ", end="")
    print(f"event stream {len(es_stream):,} bytes ({len(es_stream) / n:.0f}/event)")
    print(f"{'reads':<15}{'path':<10}{'SSE (ours)':>22}{'event stream':>22}{'anthropic SSE':>22}")
    for label, sse_in, es_in in (
        ("one per event", sse, es),
        ("4 KiB", split(sse_stream, 4096), split(es_stream, 4096)),
        ("64 KiB", split(sse_stream, 65536), split(es_stream, 65536)),
    ):
        for path, ours, theirs in (
            ("framing", sse_framing, eventstream_framing),
            ("to JSON", sse_full, eventstream_full),
        ):
            cells = []
            for fn, reads in ((ours, sse_in), (theirs, es_in)):
                wall, cpu = best(fn, reads, n, args.repeat)
                cells.append(f"{n / wall:>10,.0f}/s {cpu / n * 1e6:>5.2f} µs")
            if path == "framing":
                wall, cpu = best(anthropic_framing, sse_in, n, args.repeat)
                cells.append(f"{n / wall:>10,.0f}/s {cpu / n * 1e6:>5.2f} µs")
            else:
                cells.append("")
            print(f"{label:<15}{path:<10}" + "".join(f"{cell:>22}" for cell in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Decode speed of anthropic_bedrock's event-stream decoder next to botocore's EventStreamBuffer.

The input is a realistic Bedrock text-completion stream: N ``chunk`` frames, each carrying
``{"bytes": base64(json completion piece)}``, fed to both decoders the way an HTTP client hands
them over (one read per frame, and fixed 4 KiB and 64 KiB reads that split frames anywhere).

    .venv/bin/python scripts/bench_eventstream.py [--frames 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import base64
import json
import time
from collections.abc import Callable

from botocore.eventstream import EventStreamBuffer

from anthropic_bedrock._aws.eventstream import EventStreamDecoder
from anthropic_bedrock._aws.eventstream_encoder import encode_message

CHUNK_HEADERS = {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}
WORDS = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "Claude", "answers", "politely"]


def make_frames(count: int) -> list[bytes]:
    frames = []
    for i in range(count):
        piece = {"completion": " " + WORDS[i % len(WORDS)], "stop_reason": None, "stop": None}
        body = json.dumps({"bytes": base64.b64encode(json.dumps(piece).encode()).decode()}).encode()
        frames.append(encode_message(CHUNK_HEADERS, body))
    return frames


def split(stream: bytes, size: int) -> list[bytes]:
    return [stream[i : i + size] for i in range(0, len(stream), size)]


def ours(reads: list[bytes]) -> int:
    decoder = EventStreamDecoder()
    count = 0
    for data in reads:
        for message in decoder.feed(data):
            count += len(message.payload) > 0
    decoder.close()
    return count


def botocore(reads: list[bytes]) -> int:
    buffer = EventStreamBuffer()
    count = 0
    for data in reads:
        buffer.add_data(data)
        for message in buffer:
            count += len(message.payload) > 0
    return count


def best_time(fn: Callable[[list[bytes]], int], reads: list[bytes], expected: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        got = fn(reads)
        best = min(best, time.perf_counter() - start)
        if got != expected:
            raise SystemExit(f"{fn.__name__} decoded {got} frames, expected {expected}")
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    frames = make_frames(args.frames)
    stream = b"".join(frames)
    print(f"{args.frames} chunk frames, {len(stream)} bytes ({len(stream) / args.frames:.0f} bytes/frame)")
    print(f"{'reads':<18}{'anthropic_bedrock':>20}{'botocore':>16}{'ratio':>9}")
    for label, reads in (("one per frame", frames), ("4 KiB", split(stream, 4096)), ("64 KiB", split(stream, 65536))):
        ours_s = best_time(ours, reads, args.frames, args.repeat)
        boto_s = best_time(botocore, reads, args.frames, args.repeat)
        print(
            f"{label:<18}{args.frames / ours_s:>14,.0f} fr/s{args.frames / boto_s:>10,.0f} fr/s{boto_s / ours_s:>8.1f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

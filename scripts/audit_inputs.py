"""Reproducers for the request and decoding findings of the third reliability audit, with the
figures they give: run them on two checkouts to compare (only public names are used, except the
event-stream decoder, found under either of its paths).

- `count-extra-body`: `create` and `count_tokens` with the same `extra_body` (a system prompt):
  the input tokens each reports.
- `loop-stall`: the largest gap of a task ticking every 1 ms on the event loop while async
  `count_tokens` counts text it cannot cut (1M x U+FDFA, 4M printable ASCII without spaces, 4 MB
  of base64), beside a worker thread running pure Python for 5 s (what the machine itself gives).
- `decoder-memory`: 32 MiB of event-stream frames, each with its own 128 KiB header block, fed to
  one decoder: the memory it keeps afterwards (tracemalloc).
- `base64`: an image whose `data` is not base64: refused (and how) or sent.

    .venv/bin/python scripts/audit_inputs.py count-extra-body|loop-stall|decoder-memory|base64
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import random
import time
import tracemalloc
from collections.abc import Awaitable
from typing import Any

import anthropic_bedrock as ab
from anthropic_bedrock.emulator import Emulator

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
HELLO = [{"role": "user", "content": "one two three"}]


def _client(emu: Any) -> ab.AnthropicBedrock:
    return ab.AnthropicBedrock(base_url=emu.url, aws_access_key=emu.access_key, aws_secret_key=emu.secret_key)


def count_extra_body() -> None:
    extra = {"system": "these seven words are a system prompt"}
    with Emulator() as emu, _client(emu) as client:
        created = client.messages.create(model=MODEL, max_tokens=3, messages=HELLO, extra_body=extra)
        counted = client.messages.count_tokens(model=MODEL, messages=HELLO, extra_body=extra)
        print(
            f"extra_body system prompt: create billed {created.usage.input_tokens} input tokens, count_tokens said {counted.input_tokens}"
        )


async def _largest_gap(awaitable: Awaitable[Any]) -> tuple[Any, float]:
    gaps = [0.0]
    done = False

    async def ticker() -> None:
        last = time.perf_counter()
        while not done:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.005)
    result = await awaitable
    done = True
    await task
    return result, max(gaps)


def _busy(seconds: float) -> int:
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        n += 1
    return n


async def _loop_stall() -> None:
    client = ab.AsyncAnthropicBedrock(aws_access_key="a", aws_secret_key="b", aws_region="us-east-1")
    await client.count_tokens("warm up")
    rng = random.Random(1)
    texts = {
        "1M x U+FDFA": "\ufdfa" * 1_000_000,
        "4M printable ASCII, no spaces": "".join(chr(rng.randint(33, 126)) for _ in range(4_000_000)),
        "4 MB of base64": base64.b64encode(rng.randbytes(3_000_000)).decode(),
    }
    for name, text in texts.items():
        started = time.perf_counter()
        count, gap = await _largest_gap(client.count_tokens(text))
        print(
            f"{name}: {count} tokens in {time.perf_counter() - started:.1f} s, largest loop stall {gap * 1000:.0f} ms"
        )
    _, gap = await _largest_gap(asyncio.to_thread(_busy, 5.0))
    print(f"control, pure Python in a worker thread for 5 s: largest loop stall {gap * 1000:.0f} ms")


def decoder_memory() -> None:
    try:
        from anthropic_bedrock._aws.eventstream import EventStreamDecoder
        from anthropic_bedrock._aws.eventstream_encoder import encode_message
    except ImportError:
        from anthropic_bedrock._eventstream import EventStreamDecoder, encode_message  # type: ignore[no-redef]
    decoder = EventStreamDecoder()
    tracemalloc.start()
    for index in range(256):  # as many as the cache holds, 128 KiB of headers each: 32 MiB
        pad = f"{index:06d}" + "p" * 65_000
        decoder.feed(encode_message({":message-type": "event", ":event-type": "chunk", "x-a": pad, "x-b": pad}, b"{}"))
    kept, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"32 MiB of frames with 128 KiB header blocks, one decoder: {kept / 1e6:.1f} MB kept while it lives")


def base64_data() -> None:
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "not base64!"}}
    with Emulator() as emu, _client(emu) as client:
        try:
            client.messages.create(model=MODEL, max_tokens=3, messages=[{"role": "user", "content": [image]}])
            print("data that is not base64: sent, and answered")
        except Exception as exc:
            sent = len(emu.log)
            print(f"data that is not base64: {type(exc).__name__} ({str(exc)[:80]}); requests sent: {sent}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["count-extra-body", "loop-stall", "decoder-memory", "base64"])
    args = parser.parse_args()
    print(f"anthropic_bedrock from {os.path.dirname(ab.__file__)}")
    if args.what == "loop-stall":
        asyncio.run(_loop_stall())
    else:
        {"count-extra-body": count_extra_body, "decoder-memory": decoder_memory, "base64": base64_data}[args.what]()


if __name__ == "__main__":
    main()

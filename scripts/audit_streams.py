"""Reproducers for the stream findings of the third reliability audit, with the figures they give:
run them on two checkouts to compare (only public names are used, so any version of this SDK runs
them). Each prints one line per case.

- `dropped`: a stream read from a client nobody refers to, `gc.collect()` in the middle: events
  read out of the stream's total, per transport and stream kind; then `--loop` such streams with
  the default collector thresholds (how many broke), and 200 with `gc.set_threshold(1, 1, 1)` in a
  child process (whether it finished within 120 s).
- `cycles`: a dict or list that contains itself in `extra_body`, a tool's `input_schema`, a
  `tool_use` block's `input` and `count_tokens`' tools: the error and the time it took, in a child
  process limited to 2 GB and 20 s.
- `tool-input`: recorded streams of a tool call cut by `max_tokens`, tool input that is a list or
  `[` 100,000 times, and `message_stop` without `message_start`: what `get_final_message()` gives
  or raises, through `create(stream=True)` and `messages.stream()`.

    .venv/bin/python scripts/audit_streams.py dropped|cycles|tool-input [--loop 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import json
import os
import subprocess
import sys
import time
import warnings
from typing import Any

import httpx

import anthropic_bedrock as ab
from anthropic_bedrock.emulator import Emulator

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
WORDS = " ".join(f"w{i}" for i in range(40))
TOKENS = 400


def kwargs(emu: Any) -> dict[str, Any]:
    return {
        "aws_access_key": emu.access_key,
        "aws_secret_key": emu.secret_key,
        "aws_region": emu.region,
        "base_url": emu.url,
        "max_retries": 0,
    }


def open_sync(kind: str, emu: Any) -> Any:
    messages = [{"role": "user", "content": WORDS}]
    client = ab.AnthropicBedrock(**kwargs(emu))
    if kind == "completions":
        return client.completions.create(
            model="anthropic.claude-v2",
            prompt="\n\nHuman: " + WORDS + "\n\nAssistant:",
            max_tokens_to_sample=TOKENS,
            stream=True,
        )
    if kind == "helper":
        return client.messages.stream(model=MODEL, max_tokens=TOKENS, messages=messages).__enter__()
    return client.messages.create(model=MODEL, max_tokens=TOKENS, messages=messages, stream=True)


def read_sync(kind: str, emu: Any) -> str:
    stream = open_sync(kind, emu)
    seen = 0
    try:
        for _ in stream:
            seen += 1
            if seen == 20:
                gc.collect()
    except Exception as exc:
        return f"broke after {seen}: {type(exc).__name__}: {exc}"[:120]
    return f"{seen} events, complete"


async def read_async(kind: str, emu: Any) -> str:
    messages = [{"role": "user", "content": WORDS}]
    client = ab.AsyncAnthropicBedrock(**kwargs(emu))
    if kind == "completions":
        stream: Any = await client.completions.create(
            model="anthropic.claude-v2",
            prompt="\n\nHuman: " + WORDS + "\n\nAssistant:",
            max_tokens_to_sample=TOKENS,
            stream=True,
        )
    elif kind == "helper":
        stream = await client.messages.stream(model=MODEL, max_tokens=TOKENS, messages=messages).__aenter__()
    else:
        stream = await client.messages.create(model=MODEL, max_tokens=TOKENS, messages=messages, stream=True)
    del client
    seen = 0
    try:
        async for _ in stream:
            seen += 1
            if seen == 20:
                gc.collect()
    except Exception as exc:
        return f"broke after {seen}: {type(exc).__name__}: {exc}"[:120]
    return f"{seen} events, complete"


LOOP_CHILD = """
import gc, sys, warnings
sys.path.insert(0, sys.argv[1])
import audit_streams as a
from types import SimpleNamespace
warnings.simplefilter("ignore")
emu = SimpleNamespace(access_key=sys.argv[2], secret_key=sys.argv[3], region="us-east-1", url=sys.argv[4])
a.TOKENS = 30
gc.set_threshold(1, 1, 1)
broken = sum("complete" not in a.read_sync(("messages", "completions", "helper")[i % 3], emu) for i in range(200))
print(broken)
"""


def dropped(emu: Any, loop: int) -> None:
    warnings.simplefilter("ignore")
    for mode in ("sync", "async-httpx", "async-aiohttp"):
        if mode != "sync":
            os.environ["ANTHROPIC_BEDROCK_ASYNC_TRANSPORT"] = mode.split("-")[1]
        for kind in ("completions", "messages", "helper"):
            outcome = read_sync(kind, emu) if mode == "sync" else asyncio.run(read_async(kind, emu))
            print(f"dropped client, gc mid-read: {mode:<14} {kind:<12} {outcome}")
    global TOKENS
    TOKENS = 30
    started = time.monotonic()
    broken = sum("complete" not in read_sync(("messages", "completions", "helper")[i % 3], emu) for i in range(loop))
    print(
        f"{loop} streams from dropped clients, default collector: {broken} broke ({time.monotonic() - started:.0f} s)"
    )
    args = [sys.executable, "-c", LOOP_CHILD, os.path.dirname(__file__), emu.access_key, emu.secret_key, emu.url]
    started = time.monotonic()
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=120)
        print(
            f"200 streams, gc.set_threshold(1, 1, 1): {result.stdout.strip() or result.stderr[-200:]} broke, {time.monotonic() - started:.0f} s"
        )
    except subprocess.TimeoutExpired:
        print("200 streams, gc.set_threshold(1, 1, 1): still running after 120 s (hung)")


CYCLE_CHILD = """
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
import anthropic_bedrock as ab
case = sys.argv[1]
loop = {"type": "object"}; loop["properties"] = {"self": loop}
items = [1]; items.append(items)
hello = [{"role": "user", "content": "hi"}]
use = {"type": "tool_use", "id": "t1", "name": "get", "input": {"list": items}}
calls = {
    "extra_body": lambda c: c.messages.create(model="m", max_tokens=5, messages=hello, extra_body={"note": loop}),
    "input_schema": lambda c: c.messages.create(model="m", max_tokens=5, messages=hello, tools=[{"name": "get", "input_schema": loop}]),
    "tool_use input": lambda c: c.messages.create(model="m", max_tokens=5, messages=[hello[0], {"role": "assistant", "content": [use]}]),
    "count_tokens tools": lambda c: c.messages.count_tokens(model="m", messages=hello, tools=[{"name": "get", "input_schema": loop}]),
}
client = ab.AnthropicBedrock(aws_access_key="a", aws_secret_key="b", base_url="http://127.0.0.1:9", max_retries=0)
started = time.monotonic()
try:
    calls[case](client)
    print("sent")
except BaseException as exc:
    print(f"{type(exc).__name__} after {time.monotonic() - started:.3f} s: {str(exc)[:90]}")
"""


def cycles() -> None:
    for case in ("extra_body", "input_schema", "tool_use input", "count_tokens tools"):
        started = time.monotonic()
        try:
            result = subprocess.run(
                [sys.executable, "-c", CYCLE_CHILD, case], capture_output=True, text=True, timeout=20
            )
            outcome = result.stdout.strip() or result.stderr.strip().splitlines()[-1][:120]
        except subprocess.TimeoutExpired:
            outcome = f"still running after {time.monotonic() - started:.0f} s"
        print(f"self-referencing {case:<20} {outcome}")


def _frames(events: list[dict[str, Any]]) -> bytes:
    try:
        from anthropic_bedrock._aws.eventstream_encoder import encode_message
    except ImportError:
        from anthropic_bedrock._eventstream import encode_message  # type: ignore[no-redef]
    headers = {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}
    return b"".join(
        encode_message(headers, json.dumps({"bytes": base64.b64encode(json.dumps(e).encode()).decode()}).encode())
        for e in events
    )


def _tool_stream(pieces: list[str], reason: str) -> list[dict[str, Any]]:
    message = {"id": "m", "type": "message", "role": "assistant", "model": MODEL, "content": [], "stop_reason": None,
               "stop_sequence": None, "usage": {"input_tokens": 9, "output_tokens": 1}}  # fmt: skip
    block = {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}
    return [
        {"type": "message_start", "message": message},
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


def tool_input() -> None:
    cases = {
        "cut by max_tokens mid-string": _tool_stream(['{"city": "Paris", "unit": "cel'], "max_tokens"),
        "tool input a JSON list": _tool_stream(["[1, 2]"], "tool_use"),
        "'[' x 100,000": _tool_stream(["[" * 100_000], "max_tokens"),
        "message_stop without message_start": _tool_stream(['{"a": 1}'], "tool_use")[1:],
    }
    for name, events in cases.items():
        body = _frames(events)
        http = httpx.Client(
            transport=httpx.MockTransport(lambda r, b=body: httpx.Response(200, stream=httpx.ByteStream(b)))
        )
        client = ab.AnthropicBedrock(aws_access_key="a", aws_secret_key="b", http_client=http, max_retries=0)
        params: dict[str, Any] = {"model": MODEL, "max_tokens": 9, "messages": [{"role": "user", "content": "hi"}]}
        for entry in ("create(stream=True)", "messages.stream()"):
            try:
                if entry == "create(stream=True)":
                    message = client.messages.create(**params, stream=True).get_final_message()
                else:
                    with client.messages.stream(**params) as stream:
                        message = stream.get_final_message()
                outcome = f"input {message.content[0].input}, stop_reason {message.stop_reason}"
            except Exception as exc:
                outcome = f"{type(exc).__module__.split('.')[0]}.{type(exc).__name__}: {str(exc)[:70]}"
            print(f"{name:<36} {entry:<20} {outcome}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["dropped", "cycles", "tool-input"])
    parser.add_argument("--loop", type=int, default=2000)
    args = parser.parse_args()
    print(f"anthropic_bedrock from {os.path.dirname(ab.__file__)}")
    if args.what == "dropped":
        with Emulator() as emu:
            dropped(emu, args.loop)
    elif args.what == "cycles":
        cycles()
    else:
        tool_input()


if __name__ == "__main__":
    main()

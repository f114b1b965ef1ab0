"""A stream keeps what it reads from alive: a client that goes out of scope while its stream is
read (`for event in AnthropicBedrock(...).messages.create(..., stream=True)`) takes nothing with
it, and the cyclic collector running mid-read (or all the time) neither ends the stream nor hangs
the process. Completions and Messages, raw, `with_raw_response` and helper streams, sync and async
on both transports."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

import anthropic_bedrock as ab

from drivers import MODES, PROMPT, TRANSPORT, client_kwargs

MESSAGES_MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
COMPLETIONS_MODEL = "anthropic.claude-v2"
WORDS = " ".join(f"w{i}" for i in range(40))
EVENTS = 30  # tokens asked for: a stream long enough to collect in the middle of


@pytest.fixture(autouse=True)
def _quiet_unclosed_clients() -> Iterator[None]:
    # The clients here are dropped unclosed on purpose; an async one says so with a ResourceWarning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        yield


def _kwargs(emulator: Any) -> dict[str, Any]:
    return client_kwargs(emulator, max_retries=0)


def sync_stream(kind: str, emulator: Any) -> Any:
    """A stream (or the helper stream's manager) from a client nobody else refers to."""
    messages = [{"role": "user", "content": WORDS}]
    if kind == "completions":
        return ab.AnthropicBedrock(**_kwargs(emulator)).completions.create(
            model=COMPLETIONS_MODEL, prompt=PROMPT, max_tokens_to_sample=EVENTS, stream=True
        )
    if kind == "messages":
        return ab.AnthropicBedrock(**_kwargs(emulator)).messages.create(
            model=MESSAGES_MODEL, max_tokens=EVENTS, messages=messages, stream=True
        )
    if kind == "raw":
        raw = ab.AnthropicBedrock(**_kwargs(emulator)).messages.with_raw_response.create(
            model=MESSAGES_MODEL, max_tokens=EVENTS, messages=messages, stream=True
        )
        return raw.parse()
    return ab.AnthropicBedrock(**_kwargs(emulator)).messages.stream(
        model=MESSAGES_MODEL, max_tokens=EVENTS, messages=messages
    )


async def async_stream(kind: str, emulator: Any) -> Any:
    messages = [{"role": "user", "content": WORDS}]
    if kind == "completions":
        return await ab.AsyncAnthropicBedrock(**_kwargs(emulator)).completions.create(
            model=COMPLETIONS_MODEL, prompt=PROMPT, max_tokens_to_sample=EVENTS, stream=True
        )
    if kind == "messages":
        return await ab.AsyncAnthropicBedrock(**_kwargs(emulator)).messages.create(
            model=MESSAGES_MODEL, max_tokens=EVENTS, messages=messages, stream=True
        )
    if kind == "raw":
        raw = await ab.AsyncAnthropicBedrock(**_kwargs(emulator)).messages.with_raw_response.create(
            model=MESSAGES_MODEL, max_tokens=EVENTS, messages=messages, stream=True
        )
        return await raw.parse()
    return ab.AsyncAnthropicBedrock(**_kwargs(emulator)).messages.stream(
        model=MESSAGES_MODEL, max_tokens=EVENTS, messages=messages
    )


def _last(kind: str, events: list[Any]) -> bool:
    """Whether the last event is the one a complete stream ends with."""
    if kind == "completions":
        return bool(events[-1].stop_reason == "max_tokens")
    return bool(events[-1].type == "message_stop")


def read_sync(kind: str, emulator: Any) -> list[Any]:
    stream = sync_stream(kind, emulator)
    gc.collect()  # the client is garbage now: collect it before the first read
    events: list[Any] = []
    if kind == "helper":
        with stream as s:
            for event in s:
                events.append(event)
                if len(events) == 5:
                    gc.collect()
        return events
    for event in stream:
        events.append(event)
        if len(events) == 5:
            gc.collect()  # and again in the middle of the read
    return events


async def read_async(kind: str, emulator: Any) -> list[Any]:
    stream = await async_stream(kind, emulator)
    gc.collect()
    events: list[Any] = []
    if kind == "helper":
        async with stream as s:
            async for event in s:
                events.append(event)
                if len(events) == 5:
                    gc.collect()
        return events
    async for event in stream:
        events.append(event)
        if len(events) == 5:
            gc.collect()
    return events


@pytest.mark.parametrize("kind", ["completions", "messages", "raw", "helper"])
def test_a_stream_outlives_its_dropped_client(mode: str, emulator: Any, kind: str) -> None:
    events = read_sync(kind, emulator) if mode == "sync" else asyncio.run(read_async(kind, emulator))
    assert len(events) >= EVENTS and _last(kind, events)


# A loop of streams from dropped clients with the collector running on nearly every allocation
# (so also inside the connection pool's locked sections, where a finalizer that closed the pool
# used to deadlock): run in a child process, so that a hang fails the test instead of the suite.
LOOP = textwrap.dedent(
    """
    import asyncio, gc, json, os, sys, warnings
    warnings.simplefilter("ignore", ResourceWarning)
    sys.path.insert(0, os.environ["TESTS_SDK"])
    import test_stream_lifetime as t

    class Emu:  # what client_kwargs needs, from the parent's emulator
        pass

    emu = Emu()
    emu.__dict__.update(json.loads(os.environ["EMU"]))
    mode, rounds = sys.argv[1], int(sys.argv[2])
    kinds = ["completions", "messages", "raw", "helper"]
    gc.set_threshold(1, 1, 1)
    broken = 0
    for index in range(rounds):
        kind = kinds[index % len(kinds)]
        try:
            if mode == "sync":
                events = t.read_sync(kind, emu)
            else:
                events = asyncio.run(t.read_async(kind, emu))
            broken += not (len(events) >= t.EVENTS and t._last(kind, events))
        except Exception as exc:
            print(repr(exc), file=sys.stderr)
            broken += 1
    print(broken)
    """
)


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("mode", MODES)
def test_many_dropped_clients_under_a_busy_collector_neither_break_nor_hang(emulator: Any, mode: str) -> None:
    import json

    env = dict(os.environ)
    env["TESTS_SDK"] = os.path.dirname(__file__)
    env["PYTHONPATH"] = os.pathsep.join([os.path.dirname(os.path.dirname(__file__)), env.get("PYTHONPATH", "")])
    env["EMU"] = json.dumps(
        {
            "access_key": emulator.access_key,
            "secret_key": emulator.secret_key,
            "region": emulator.region,
            "url": emulator.url,
        }
    )
    if mode in TRANSPORT:
        env["ANTHROPIC_BEDROCK_ASYNC_TRANSPORT"] = TRANSPORT[mode]
    result = subprocess.run(
        [sys.executable, "-c", LOOP, mode, "40"], env=env, capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "0", result.stderr[-2000:]

"""One async client across event loops, and clients never closed: as a test suite, a notebook or
a script with a module-level client uses them. A loop gets its own connection pool, the pool of a
finished loop is let go without touching that loop, and nothing is printed to stderr, on either
async transport. Each case runs in a fresh interpreter (stderr is the evidence) against the
emulator in this process."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest

import anthropic_bedrock as ab

from drivers import HAVE_AIOHTTP, client_kwargs

TRANSPORTS = ["httpx", *(["aiohttp"] if HAVE_AIOHTTP else [])]
MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"

TWO_RUNS = r"""
import asyncio, gc, json, sys
import anthropic_bedrock as ab

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
HELLO = [{"role": "user", "content": "tell me about the sea"}]
client = ab.AsyncAnthropicBedrock(**json.loads(sys.argv[1]))
reported = []

async def turn(n):
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: reported.append(context.get("message")))
    message = await client.messages.create(model=MODEL, max_tokens=n, messages=HELLO)
    async with client.messages.stream(model=MODEL, max_tokens=n, messages=HELLO) as stream:
        text = await stream.get_final_text()
    completion = await client.completions.create(
        model="anthropic.claude-v2", prompt="\n\nHuman: hi\n\nAssistant:", max_tokens_to_sample=2
    )
    left_open = await client.messages.create(model=MODEL, max_tokens=50, messages=HELLO, stream=True)
    await left_open.__anext__()  # a stream dropped unread, holding its connection
    return [message.content[0].text, text, completion.completion]

results = [asyncio.run(turn(2)), asyncio.run(turn(3)), asyncio.run(turn(4))]
gc.collect()
if sys.argv[2] == "close":
    asyncio.run(client.close())
    assert client.is_closed()
print(json.dumps({"results": results, "reported": reported}))
"""

MODULE_LEVEL = r"""
import asyncio, json, sys
import anthropic_bedrock as ab

client = ab.AsyncAnthropicBedrock(**json.loads(sys.argv[1]))  # module level, never closed

async def main():
    message = await client.messages.create(
        model="us.anthropic.claude-sonnet-4-5-20250929-v1:0", max_tokens=2,
        messages=[{"role": "user", "content": "tell me"}],
    )
    print(message.content[0].text)

asyncio.run(main())
"""

NOISE = ("Event loop is closed", "Task exception was never retrieved", "Traceback", "Exception ignored")


def assert_only_resource_warnings(stderr: str) -> None:
    """Every line of `stderr` belongs to a ResourceWarning report (the warning, then the source line
    it points at, indented): no error, and nothing an event loop's exception handler printed (such
    as aiohttp's "Unclosed client session" on a line of its own)."""
    for noise in NOISE:
        assert noise not in stderr, stderr
    for line in stderr.splitlines():
        assert "ResourceWarning" in line or line.startswith(" "), stderr


def run(code: str, emu: Any, transport: str, *args: str, warnings: bool = False) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ANTHROPIC_BEDROCK_ASYNC_TRANSPORT=transport)
    env.pop("PYTHONWARNINGS", None)
    command = [sys.executable, *(["-W", "always::ResourceWarning"] if warnings else []), "-c", code]
    kwargs = client_kwargs(emu)
    return subprocess.run([*command, json.dumps(kwargs), *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("ending", ["close", "no-close"])
def test_one_client_in_three_asyncio_runs(emulator: Any, transport: str, ending: str) -> None:
    result = run(TWO_RUNS, emulator, transport, ending)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert report["reported"] == []
    assert report["results"] == [
        ["tell me", "tell me", " hi hi"],
        ["tell me about", "tell me about", " hi hi"],
        ["tell me about the", "tell me about the", " hi hi"],
    ]
    assert emulator.signature_failures == 0


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_warnings_on_show_resource_warnings_only(emulator: Any, transport: str) -> None:
    result = run(TWO_RUNS, emulator, transport, "no-close", warnings=True)
    assert result.returncode == 0, result.stderr
    assert_only_resource_warnings(result.stderr)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_module_level_client_never_closed_is_silent_at_exit(emulator: Any, transport: str) -> None:
    quiet = run(MODULE_LEVEL, emulator, transport)
    assert quiet.returncode == 0 and quiet.stdout == "tell me\n"
    assert quiet.stderr == ""
    loud = run(MODULE_LEVEL, emulator, transport, warnings=True)
    assert loud.returncode == 0 and loud.stdout == "tell me\n"
    assert_only_resource_warnings(loud.stderr)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_each_loop_gets_its_own_pool(emulator: Any, transport: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    monkeypatch.setenv("ANTHROPIC_BEDROCK_ASYNC_TRANSPORT", transport)
    client = ab.AsyncAnthropicBedrock(**client_kwargs(emulator))
    copy = client.with_options(max_retries=0)

    async def pool() -> httpx.AsyncClient:
        await client.messages.create(model=MODEL, max_tokens=1, messages=[{"role": "user", "content": "a"}])
        await copy.messages.create(model=MODEL, max_tokens=1, messages=[{"role": "user", "content": "b"}])
        return client._http

    first = asyncio.run(pool())
    second = asyncio.run(pool())
    assert first is not second and copy._http is second  # copies share the pool of the loop in use
    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(pool()) is loop.run_until_complete(pool())  # one loop: one pool
        loop.run_until_complete(client.close())
    finally:
        loop.close()
    assert client.is_closed()


def test_a_given_http_client_is_never_replaced(emulator: Any) -> None:
    import asyncio

    given = httpx.AsyncClient()
    client = ab.AsyncAnthropicBedrock(**client_kwargs(emulator), http_client=given)

    async def send() -> httpx.AsyncClient:
        await client.messages.create(model=MODEL, max_tokens=1, messages=[{"role": "user", "content": "a"}])
        http = client._http
        await client.close()  # the caller's pool stays open: it is the caller's to close
        assert not given.is_closed
        await given.aclose()
        return http

    assert asyncio.run(send()) is given


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_two_open_loops_in_turn(emulator: Any, transport: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Loops kept open and driven in turn, as a test harness does: each switch builds a pool for the
    # loop in use and closes the other's idle connections, reporting nothing.
    import asyncio

    monkeypatch.setenv("ANTHROPIC_BEDROCK_ASYNC_TRANSPORT", transport)
    # Garbage of earlier tests first: `anthropic`'s client, collected inside a running loop,
    # schedules its own close there, which these loops would report.
    gc.collect()
    client = ab.AsyncAnthropicBedrock(**client_kwargs(emulator))
    loops = [asyncio.new_event_loop(), asyncio.new_event_loop()]
    reported: list[Any] = []
    for loop in loops:
        loop.set_exception_handler(lambda loop, context: reported.append(context))

    async def ask(n: int) -> str:
        message = await client.messages.create(
            model=MODEL, max_tokens=n, messages=[{"role": "user", "content": "a b c d"}]
        )
        return str(message.content[0].text)

    try:
        answers = [loops[n % 2].run_until_complete(ask(n % 4 + 1)) for n in range(6)]
        loops[1].run_until_complete(client.close())
    finally:
        for loop in loops:
            loop.run_until_complete(asyncio.sleep(0))
            loop.close()
    assert answers == ["a", "a b", "a b c", "a b c d", "a", "a b"]
    assert reported == []


def test_letting_a_pool_go_lets_its_proxy_transports_go_too() -> None:
    from anthropic_bedrock._http.loops import abandon

    class Released(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self.abandoned = False

        def abandon(self) -> None:
            self.abandoned = True

    direct, proxied = Released(), Released()
    http = httpx.AsyncClient(transport=direct, mounts={"https://": proxied, "http://": None})
    abandon(http)
    assert direct.abandoned and proxied.abandoned

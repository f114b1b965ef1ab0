"""A process forked from one that has used a client gets connections of its own: parent and child
never interleave requests on one inherited socket. Run with `os.fork` in a child interpreter, so a
failure (or a hang) stays there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from drivers import MODES, TRANSPORT

# The parent leaves an idle keep-alive connection in its pool, then forks. The child streams a slow
# answer on whatever connection its pool gives it; meanwhile the parent makes calls on its own pool.
# Sharing the inherited socket, the parent's requests read the child's stream (and the child loses
# frames to the parent).
SYNC = textwrap.dedent(
    """
    import json, os, sys
    import anthropic_bedrock as ab

    emu = json.loads(os.environ["EMU"])
    client = ab.AnthropicBedrock(
        aws_access_key=emu["access_key"], aws_secret_key=emu["secret_key"], aws_region=emu["region"],
        base_url=emu["url"], max_retries=0, timeout=20,
    )
    model = "anthropic.claude-3-5-haiku-20241022-v1:0"
    hello = [{"role": "user", "content": " ".join(f"w{i}" for i in range(20))}]
    client.messages.create(model=model, max_tokens=3, messages=hello)
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            stream = client.messages.create(
                model=model, max_tokens=8, messages=hello, stream=True,
                extra_headers={"x-emulator-fault": "pace=250"},
            )
            events = iter(stream)
            next(events)
            os.write(ready_w, b"1")
            os.read(go_r, 1)
            rest = list(events)
            code = 0 if rest and rest[-1].type == "message_stop" else 2
        except BaseException as exc:
            print("child:", repr(exc), file=sys.stderr)
        os._exit(code)
    os.read(ready_r, 1)
    failures = 0
    for _ in range(3):
        try:
            assert client.messages.create(model=model, max_tokens=3, messages=hello).usage.output_tokens == 3
        except Exception as exc:
            print("parent:", repr(exc), file=sys.stderr)
            failures += 1
    os.write(go_w, b"1")
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"parent_failures": failures, "child_exit": os.waitstatus_to_exitcode(status)}))
    """
)

# An async client used in the parent's event loop, then a forked child running its own loop.
ASYNC = textwrap.dedent(
    """
    import asyncio, json, os, sys, warnings
    import anthropic_bedrock as ab

    warnings.simplefilter("ignore", ResourceWarning)
    emu = json.loads(os.environ["EMU"])
    model = "anthropic.claude-3-5-haiku-20241022-v1:0"
    hello = [{"role": "user", "content": "one two three"}]

    async def make():
        return ab.AsyncAnthropicBedrock(
            aws_access_key=emu["access_key"], aws_secret_key=emu["secret_key"], aws_region=emu["region"],
            base_url=emu["url"], max_retries=0, timeout=20,
        )

    async def call(client):
        stream = await client.messages.create(model=model, max_tokens=4, messages=hello, stream=True)
        events = [event async for event in stream]
        return events[-1].type

    client = asyncio.run(make())
    asyncio.run(call(client))
    inherited = client._pool.created
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = 0 if asyncio.run(call(client)) == "message_stop" and client._pool.created is not inherited else 2
        except BaseException as exc:
            print("child:", repr(exc), file=sys.stderr)
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"parent_failures": 0, "child_exit": os.waitstatus_to_exitcode(status)}))
    """
)


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.parametrize("mode", MODES)
def test_a_forked_child_gets_connections_of_its_own(emulator: Any, mode: str) -> None:
    env = dict(os.environ)
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
    script = SYNC if mode == "sync" else ASYNC
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=100)
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"parent_failures": 0, "child_exit": 0}, result.stderr[-2000:]

"""The async client never stalls the event loop: a ticker task that sleeps 1 ms at a time records
the longest gap while a fresh process makes its first request.

Each case runs in a new interpreter (the costs are first-time costs: CA bundle, lazy imports,
credential resolution) against the emulator in this process. Target: under 10 ms. The bounds are
looser because a shared 2-core CI box adds scheduling noise, and each case takes the best of three
runs; before the blocking work left the loop, every run stalled 137 ms or more.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BOUND_MS = 40.0
# Resolving a credential_process profile imports botocore in a worker thread; the import holds the
# GIL for up to ~25 ms at a time (unmarshalling large modules), which the loop thread must wait out.
# Measured 28-30 ms after the change, 173 ms before it.
CREDENTIAL_PROCESS_BOUND_MS = 80.0

TICKER = r"""
import asyncio, json, sys, time
import anthropic_bedrock as ab
Client = ab.AsyncAnthropicBedrock  # imported before the loop runs, as an application would

async def ticker(gaps, stop):
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(0.001)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now

async def main(kwargs):
    gaps, stop = [], asyncio.Event()
    task = asyncio.create_task(ticker(gaps, stop))
    await asyncio.sleep(0.02)
    gaps.clear()
    client = Client(**kwargs)
    try:
        await client.completions.create(
            model="anthropic.claude-v2", prompt="\n\nHuman: hi\n\nAssistant:", max_tokens_to_sample=3, max_retries=0
        )
        ok = True
    except ab.APIConnectionError:
        ok = False
    stop.set()
    await task
    await client.close()
    print(json.dumps({"gap_ms": max(gaps) * 1000, "ok": ok}))

asyncio.run(main(json.loads(sys.argv[1])))
"""


def largest_gap_ms(
    kwargs: dict[str, Any], env: dict[str, str], expect_ok: bool = True, bound: float = BOUND_MS
) -> float:
    best = float("inf")
    for _ in range(3):
        result = subprocess.run(
            [sys.executable, "-c", TICKER, json.dumps(kwargs)], capture_output=True, text=True, env=env, timeout=120
        )
        assert result.returncode == 0, result.stderr
        out = json.loads(result.stdout.strip().splitlines()[-1])
        assert out["ok"] is expect_ok
        best = min(best, out["gap_ms"])
        if best < bound:
            break
    return best


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_EC2_METADATA_DISABLED="true", **extra)
    return env


def test_first_request_of_a_new_client(emulator: Any) -> None:
    kwargs = {
        "aws_access_key": emulator.access_key,
        "aws_secret_key": emulator.secret_key,
        "aws_region": emulator.region,
        "base_url": emulator.url,
    }
    assert largest_gap_ms(kwargs, clean_env()) < BOUND_MS


def test_first_request_to_an_https_endpoint() -> None:
    # Nothing listens there: the TLS set-up path (SSL context, CA bundle) runs, then the connection fails.
    kwargs = {"aws_access_key": "a", "aws_secret_key": "b", "base_url": "https://127.0.0.1:9"}
    assert largest_gap_ms(kwargs, clean_env(), expect_ok=False) < BOUND_MS


def test_credential_process_profile(emulator: Any, tmp_path: Path) -> None:
    expiry = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    creds = {
        "Version": 1,
        "AccessKeyId": emulator.access_key,
        "SecretAccessKey": emulator.secret_key,
        "Expiration": expiry,
    }
    script = tmp_path / "creds.py"
    script.write_text(f"print({json.dumps(creds)!r})\n")
    config = tmp_path / "config"
    config.write_text(f"[profile proc]\ncredential_process = {sys.executable} {script}\nregion = us-east-1\n")
    env = clean_env(AWS_CONFIG_FILE=str(config), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))
    kwargs = {"aws_profile": "proc", "base_url": emulator.url}
    assert largest_gap_ms(kwargs, env, bound=CREDENTIAL_PROCESS_BOUND_MS) < CREDENTIAL_PROCESS_BOUND_MS


@pytest.mark.parametrize("library", ["asyncio"])
def test_worker_helper_runs_off_the_loop(library: str) -> None:
    import asyncio
    import threading

    from anthropic_bedrock._http.offloop import run_in_worker

    async def main() -> int | None:
        return await run_in_worker(threading.get_ident)

    assert asyncio.run(main()) != threading.get_ident()

"""Client CPU per streamed event, for the stream study (scripts/bench_stream_cpu.py): one long stream, read to
its end, with the sync or the async client, the Messages API or text completions.

Imported by worker.py inside an anchor's venv; standard library only, the worker's adapters duck-typed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

COMPLETION_PROMPT = "\n\nHuman: hi\n\nAssistant:"
MAX_TOKENS_TO_SAMPLE = 4096


def _measure(read: Callable[[], int], wanted: int) -> dict[str, Any]:
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    events = read()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    if events < wanted * 0.9:
        raise RuntimeError(f"only {events} events for {wanted} deltas")
    return {"events": events, "wall_s": wall, "cpu_s": cpu, "cpu_us_per_event": cpu / events * 1e6}


def fig_study_stream(a: Any) -> dict[str, Any]:
    """`api` (messages | completions) in `mode` (sync | async): one stream of `chunks` deltas, every event read."""
    api = a.p.get("api", "messages")
    mode = a.p.get("mode", "sync")
    chunks = int(a.p.get("chunks", 20000))
    if api == "completions":
        chunks = min(chunks, MAX_TOKENS_TO_SAMPLE)  # Bedrock's limit on max_tokens_to_sample
    fault = f"chunks={chunks}"
    a.do_import()
    a.prepare_messages()
    if mode == "sync":
        client = a.client()
        if api == "messages":

            def read() -> int:
                return sum(1 for _ in a.message_events(client, fault, chunks))

        else:

            def read() -> int:
                return sum(1 for _ in a.stream(client, fault, chunks, every_event=True))

        # A short stream first: the connection and every lazy import are warm before the clock starts.
        if api == "messages":
            sum(1 for _ in a.message_events(client, "chunks=2", 16))
        else:
            sum(1 for _ in a.stream(client, "chunks=2", 16))
        out = _measure(read, chunks)
        a.close(client)
    else:

        async def main() -> dict[str, Any]:
            client = a.async_client()

            async def read_async(fault: str, max_tokens: int) -> int:
                if api == "messages":
                    return sum([1 async for _ in a.amessage_events(client, fault, max_tokens)])
                stream = await client.completions.create(
                    model=a.model,
                    prompt=COMPLETION_PROMPT,
                    max_tokens_to_sample=max_tokens,
                    stream=True,
                    extra_headers={"x-emulator-fault": fault},
                )
                async with stream:
                    return sum([1 async for _ in stream])

            await read_async("chunks=2", 16)
            cpu0 = time.process_time()
            t0 = time.perf_counter()
            events = await read_async(fault, chunks)
            wall = time.perf_counter() - t0
            cpu = time.process_time() - cpu0
            await a.aclose(client)
            if events < chunks * 0.9:
                raise RuntimeError(f"only {events} events for {chunks} deltas")
            return {"events": events, "wall_s": wall, "cpu_s": cpu, "cpu_us_per_event": cpu / events * 1e6}

        out = asyncio.run(main())
    out.update(api=api, mode=mode, chunks=chunks)
    return out


FIGURES: dict[str, Callable[[Any], dict[str, Any]]] = {"study_stream": fig_study_stream}

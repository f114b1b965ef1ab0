"""The scale figures: thousands of concurrent calls and hundreds of open streams on one client.

Imported by worker.py inside an anchor's venv, so it uses only the standard library and duck-types the
worker's adapters. Each figure measures one window (from the first call to the last answer) and reports, for
that window, the client's wall and CPU time, its resident memory, and the CPU the emulator's processes spent
(read from /proc), so the report can show the server was not the bottleneck.
"""

from __future__ import annotations

import asyncio
import os
import resource
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_now_mb() -> float:
    """The resident set of this process now (not its peak)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE / 1e6
    except OSError:
        return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far (0 when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command name: state is field 3, utime field 14, stime field 15 (1-based, man 5 proc).
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _machine_busy() -> tuple[float, float]:
    """CPU seconds the whole machine spent busy and in total (all cores), from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values) - idle) / _TICKS, sum(values) / _TICKS


class Window:
    """Wall, client CPU and emulator CPU between `start()` and `stop()`."""

    def __init__(self, emulator_pids: list[int]) -> None:
        self.pids = emulator_pids

    def start(self) -> None:
        self.emu0 = [_cpu_of(pid) for pid in self.pids]
        self.machine0 = _machine_busy()
        self.cpu0 = time.process_time()
        self.t0 = time.perf_counter()

    def stop(self) -> dict[str, Any]:
        wall = time.perf_counter() - self.t0
        cpu = time.process_time() - self.cpu0
        emu = [_cpu_of(pid) - before for pid, before in zip(self.pids, self.emu0, strict=True)]
        busy = _machine_busy()[0] - self.machine0[0]
        cores = os.cpu_count() or 1
        return {
            "wall_s": wall,
            "cpu_s": cpu,
            "client_cpu_pct": cpu / wall * 100,
            "emu_processes": len(self.pids),
            "emu_cpu_s": sum(emu),
            # The emulator's CPU over the window, in % of one core: summed over its processes, and its busiest one.
            "emu_cpu_pct": sum(emu) / wall * 100 if self.pids else None,
            "emu_cpu_pct_max": max(emu) / wall * 100 if self.pids else None,
            # Everything else the machine ran meanwhile (other work shares these cores), in % of one core.
            "other_cpu_pct": max(0.0, busy - cpu - sum(emu)) / wall * 100,
            "machine_cores": cores,
        }


def fig_scale_create(a: Any) -> dict[str, Any]:
    """`n` concurrent `messages.create` calls on one client (boto3: a pool of `threads` threads)."""
    n = int(a.p.get("n", 2000))
    window = Window([int(pid) for pid in a.p.get("emu_pids", [])])
    a.do_import()
    a.prepare_messages()
    if a.anchor == "boto3":
        threads = int(a.p.get("threads", 200))
        client = a._client(pool=threads)
        a.message(client)  # a warm client: the first call's lazy loading is not part of the window
        rss0 = rss_now_mb()
        window.start()
        with ThreadPoolExecutor(threads) as pool:
            texts = list(pool.map(lambda _: a.message(client), range(n)))
        out = window.stop()
        a.close(client)
        mode = f"threads x{threads}"
    else:

        async def main() -> tuple[list[str], dict[str, Any], float]:
            client = a.async_client()
            await a.amessage(client)
            rss0 = rss_now_mb()
            window.start()
            texts = await asyncio.gather(*(a.amessage(client) for _ in range(n)))
            out = window.stop()
            await a.aclose(client)
            return texts, out, rss0

        texts, out, rss0 = asyncio.run(main())
        mode = "asyncio"
    ok = sum(1 for t in texts if t)
    if ok != n:
        raise RuntimeError(f"only {ok} answers of {n}")
    out.update(n=n, mode=mode, cpu_us_per_call=out["cpu_s"] / n * 1e6, rss_before_mb=rss0, rss_mb=peak_rss_mb())
    return out


def fig_scale_stream(a: Any) -> dict[str, Any]:
    """`n` concurrent `create(stream=True)` calls of `chunks` text deltas each, all open at once.

    Every stream reads its first event, then waits until all `n` have; the resident memory then, over the one
    before the first call, divided by `n`, is the memory one open stream costs. Then all are read to the end.
    """
    n = int(a.p.get("n", 200))
    chunks = int(a.p.get("chunks", 500))
    fault = f"chunks={chunks}"
    window = Window([int(pid) for pid in a.p.get("emu_pids", [])])
    a.do_import()
    a.prepare_messages()
    if a.anchor == "boto3":
        client = a._client(pool=n)
        for _ in a.message_events(client, "chunks=2", 16):
            pass
        all_open = threading.Barrier(n + 1)
        go = threading.Event()

        def one() -> int:
            events = a.message_events(client, fault, chunks)
            next(events)
            all_open.wait()
            go.wait()
            return 1 + sum(1 for _ in events)

        rss0 = rss_now_mb()
        window.start()
        with ThreadPoolExecutor(n) as pool:
            futures = [pool.submit(one) for _ in range(n)]
            all_open.wait()
            rss_open = rss_now_mb()
            go.set()
            counts = [f.result() for f in futures]
        out = window.stop()
        a.close(client)
        mode = f"threads x{n}"
    else:

        async def main() -> tuple[list[int], dict[str, Any], float, float]:
            client = a.async_client()
            async for _ in a.amessage_events(client, "chunks=2", 16):
                pass
            opened = 0
            all_open = asyncio.Event()
            go = asyncio.Event()

            async def one() -> int:
                nonlocal opened
                events = a.amessage_events(client, fault, chunks)
                await events.__anext__()
                opened += 1
                if opened == n:
                    all_open.set()
                await go.wait()
                count = 1
                async for _ in events:
                    count += 1
                return count

            rss0 = rss_now_mb()
            window.start()
            tasks = asyncio.gather(*(one() for _ in range(n)))
            await all_open.wait()
            rss_open = rss_now_mb()
            go.set()
            counts = await tasks
            out = window.stop()
            await a.aclose(client)
            return counts, out, rss0, rss_open

        counts, out, rss0, rss_open = asyncio.run(main())
        mode = "asyncio"
    events = sum(counts)
    if min(counts) < chunks:
        raise RuntimeError(f"a stream gave only {min(counts)} events for {chunks} deltas")
    out.update(
        n=n,
        chunks=chunks,
        events=events,
        mode=mode,
        events_per_s=events / out["wall_s"],
        cpu_us_per_event=out["cpu_s"] / events * 1e6,
        rss_before_mb=rss0,
        rss_open_mb=rss_open,
        rss_per_stream_kb=(rss_open - rss0) * 1e3 / n,
        rss_mb=peak_rss_mb(),
    )
    return out


FIGURES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "scale_create": fig_scale_create,
    "scale_stream": fig_scale_stream,
}

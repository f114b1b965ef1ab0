"""Measure this SDK side by side with its anchors and print one table with ratios.

Anchors, each in its own virtualenv under .bench/venvs/ (built from PyPI on first use, reused while the pins
are unchanged): anthropic-bedrock 0.8.0, the latest `anthropic`, `boto3`, and raw `httpx` with requests signed
once in advance (the floor, in our venv). Our SDK is installed non-editable into a fresh venv of its own.

Every figure is measured in a fresh interpreter inside the anchor's venv (scripts/benchlib/worker.py) against the
project's Bedrock emulator running in a separate process on 127.0.0.1. Results go to .bench/results.json.

    make bench                        # the full run (several minutes on 2 cores)
    .venv/bin/python scripts/bench.py --quick
    .venv/bin/python scripts/bench.py --only import,footprint --anchors ours,v080
    .venv/bin/python scripts/bench.py --profile --only stream --anchors ours   # cProfile top entries
    .venv/bin/python scripts/bench.py --quick --only messages --anchors ours,anthropic   # the Messages rows
    .venv/bin/python scripts/bench.py --only scale,concurrency --anchors ours,anthropic,boto3   # under load

The Messages figures (msg_*) run `messages.create`, `create(stream=True)` and `messages.stream(...).text_stream`
in ours and in `anthropic`'s `AnthropicBedrock`, and boto3's `invoke_model` / `invoke_model_with_response_stream`
and the floor with a Messages JSON body; anthropic-bedrock 0.8.0 predates the Messages API.

The scale figures (`--only scale`) load one client with 2,000 concurrent `messages.create` calls and with 200
concurrent streams of 500 deltas each, all open at once: ours on aiohttp and on httpx's own async pool (what the
default install gets), `anthropic`'s AsyncAnthropicBedrock, and boto3 in a thread pool. They get emulators of
their own, `--emulators` processes on one port (SO_REUSEPORT), and each run reports the CPU those processes and
the rest of the machine spent in its window, so a reader can see the server was not the bottleneck.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import report, venvs
from benchlib.emulator import Emulator, EmulatorGroup

WORKER = Path(__file__).resolve().parent / "benchlib" / "worker.py"
CHART = Path(__file__).resolve().parent / "benchlib" / "chart.py"
RESULT_MARK = "BENCH-RESULT "
MESSAGES_FIGURES = ("msg_cold", "msg_requests", "msg_stream", "msg_text", "msg_first")
SCALE_FIGURES = ("scale_create", "scale_stream")
FIGURES = (
    "footprint",
    "import",
    "requests",
    "stream",
    "pace",
    "concurrency",
    "tokens",
    *MESSAGES_FIGURES,
    *SCALE_FIGURES,
)
# Names `--only` accepts for several figures at once.
GROUPS = {"messages": MESSAGES_FIGURES, "scale": SCALE_FIGURES}
# The figures that also run ours with the async client on httpx's own pool (what the default install gets).
HTTPX_POOL_FIGURES = {"concurrency", *SCALE_FIGURES}
# The cold-start figures time their import at the top of the worker, outside any profiler.
COLD = {"import", "msg_cold"}
# The import figure also times the client's construction, which wants the emulator's URL.
NEEDS_SERVER = {
    "import",
    "requests",
    "stream",
    "wire",
    "pace",
    "concurrency",
    "tokens",
    *MESSAGES_FIGURES,
    *SCALE_FIGURES,
}
# Which venv runs each anchor; the floor and ours on httpx's pool live in ours.
VENV_OF = {
    "ours": "ours",
    "ours_httpx": "ours",
    "v080": "v080",
    "anthropic": "anthropic",
    "boto3": "boto3",
    "raw": "ours",
}
# Where an anchor has nothing to measure: 0.8.0 has no Messages API, and only the SDKs have `messages.stream`.
NOT_APPLICABLE = {
    ("tokens", "anthropic"),
    ("tokens", "boto3"),
    ("tokens", "raw"),
    ("footprint", "raw"),
    *((figure, "v080") for figure in MESSAGES_FIGURES),
    ("msg_text", "boto3"),
    ("msg_text", "raw"),
    *((figure, anchor) for figure in SCALE_FIGURES for anchor in ("v080", "raw")),
}
# Figures whose first run is preceded by one untimed run of the floor (of this figure), so the emulator's own
# first-use costs land on nobody.
WARM_WITH = {
    "requests": "requests",
    "stream": "stream",
    "concurrency": "concurrency",
    "msg_requests": "msg_requests",
    "msg_stream": "msg_stream",
    "msg_text": "msg_stream",
    "msg_first": "msg_first",
}


def parameters(quick: bool) -> dict[str, Any]:
    """Runs per figure and each figure's worker parameters (the Messages figures mirror their completions twins)."""
    if quick:
        runs = {"import": 3, "requests": 3, "stream": 2, "pace": 1, "concurrency": 1, "tokens": 1}
        runs.update(msg_cold=3, msg_requests=3, msg_stream=2, msg_text=2, msg_first=2)
        params: dict[str, Any] = {
            "runs": runs,
            "requests": {"n": 200, "warmup": 10, "batches": 10},
            "stream": {"chunks": 20000},
            "pace": {"chunks": 6, "pace_ms": 200},
            "concurrency": {"n": 500, "threads": 50},
            "tokens": {"text_bytes": 1_000_000},
            "msg_first": {"n": 40, "warmup": 5, "chunks": 8},
        }
    else:
        runs = {"import": 9, "requests": 7, "stream": 7, "pace": 3, "concurrency": 5, "tokens": 3}
        runs.update(msg_cold=9, msg_requests=7, msg_stream=7, msg_text=5, msg_first=5)
        params = {
            "runs": runs,
            "requests": {"n": 800, "warmup": 40, "batches": 16},
            "stream": {"chunks": 20000},
            "pace": {"chunks": 10, "pace_ms": 200},
            "concurrency": {"n": 500, "threads": 50},
            "tokens": {"text_bytes": 1_000_000},
            "msg_first": {"n": 200, "warmup": 10, "chunks": 8},
        }
    # Scale: boto3 gets a pool of threads for the calls and one thread per stream for the streams.
    params["scale_create"] = {"n": 2000, "threads": 200}
    params["scale_stream"] = {"n": 200, "chunks": 500}
    params["runs"].update(scale_create=1 if quick else 5, scale_stream=1 if quick else 5)
    params["msg_requests"] = dict(params["requests"])
    params["msg_stream"] = dict(params["stream"])
    params["msg_text"] = dict(params["stream"])
    return params


def worker_env() -> dict[str, str]:
    """The environment workers run in: no proxies, no AWS settings of the machine, no metadata lookups."""
    env = {
        k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy") and not k.startswith(("AWS_", "PYTHON"))
    }
    env.update(
        {
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }
    )
    return env


class Runner:
    def __init__(self, args: argparse.Namespace, params: dict[str, Any]) -> None:
        self.args = args
        self.params = params
        self.env = worker_env()
        self.runs: report.Runs = {}
        self.errors: list[str] = []
        self.server: Emulator | None = None
        self.scale_server: EmulatorGroup | None = None  # the scale figures' emulators, several on one port

    def worker(
        self, figure: str, anchor: str, extra: dict[str, Any] | None = None, timeout: float = 240
    ) -> dict[str, Any]:
        python = str(venvs.VENVS[VENV_OF[anchor]].python)
        spec: dict[str, Any] = dict(extra or {})
        server = self.server_for(figure)
        if figure in NEEDS_SERVER and server is not None:
            spec.update(url=server.url, creds=server.creds, emu_pids=server.pids)
        cmd = [python, "-I", str(WORKER), figure, anchor, json.dumps(spec)]
        preexec = None
        if self.args.pin and hasattr(os, "sched_setaffinity"):

            def preexec() -> None:
                os.sched_setaffinity(0, {0})

        try:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=timeout,
                env=self.env,
                preexec_fn=preexec,
                cwd=venvs.BENCH_DIR,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"timed out after {timeout:.0f}s"}
        for line in reversed(proc.stdout.splitlines()):
            if line.startswith(RESULT_MARK):
                return json.loads(line[len(RESULT_MARK) :])  # type: ignore[no-any-return]
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"error": f"exit {proc.returncode}: {tail[:300]}", "stderr": proc.stderr[-4000:]}

    def record(self, figure: str, anchor: str, result: dict[str, Any]) -> None:
        self.runs.setdefault(figure, {}).setdefault(anchor, []).append(result)
        if "error" in result:
            msg = f"{figure}/{anchor}: {result['error']}"
            if msg not in self.errors:
                self.errors.append(msg)
                print(f"    ! {msg}", flush=True)

    def server_for(self, figure: str) -> Emulator | EmulatorGroup | None:
        return self.scale_server if figure in SCALE_FIGURES else self.server

    def measure(self, figure: str, anchors: list[str], runs: int, extra: dict[str, Any] | None = None) -> None:
        todo = [a for a in anchors if (figure, a) not in NOT_APPLICABLE]
        if figure in HTTPX_POOL_FIGURES and "ours" in todo:
            todo.insert(todo.index("ours") + 1, "ours_httpx")
        if not todo:
            return
        t0 = time.perf_counter()
        print(f"  {figure}: {runs} run(s) x {', '.join(todo)}", end="", flush=True)
        failed: set[str] = set()
        server = self.server_for(figure)
        if figure in WARM_WITH and server is not None:
            # One untimed run of the floor first, so the emulator's own first-use costs land on nobody.
            self.worker(WARM_WITH[figure], "raw", extra)
        elif figure in SCALE_FIGURES and server is not None:
            # No floor here: a small untimed run of ours warms every emulator process instead.
            self.worker(figure, "ours", {**(extra or {}), "n": 40})
        # Interleave the anchors run by run, starting each run one anchor further, so a burst of noise on the
        # machine (or a slow first call) spreads over all of them.
        for run in range(runs):
            for anchor in todo[run % len(todo) :] + todo[: run % len(todo)]:
                if anchor in failed:
                    continue
                if figure in NEEDS_SERVER and server is not None and not server.alive():
                    server = self.restart_server(figure)
                result = self.worker(figure, anchor, extra)
                self.record(figure, anchor, result)
                if "error" in result:
                    failed.add(anchor)  # one failure is enough; don't burn time on the rest of its runs
        print(f"  ({time.perf_counter() - t0:.0f}s)", flush=True)

    def restart_server(self, figure: str) -> Emulator | EmulatorGroup:
        print("    ! the emulator died; restarting it", flush=True)
        if figure in SCALE_FIGURES:
            assert self.scale_server is not None
            self.scale_server.stop()
            self.scale_server = self.start_scale_server()
            return self.scale_server
        assert self.server is not None
        self.server.stop()
        self.server = self.start_server()
        return self.server

    def start_server(self) -> Emulator:
        log = venvs.BENCH_DIR / "emulator.log"
        server = Emulator(sys.executable, log, cpu=1 if self.args.pin else None)
        server.start()
        return server

    def start_scale_server(self) -> EmulatorGroup:
        group = EmulatorGroup(sys.executable, venvs.BENCH_DIR, self.args.emulators, stem="emulator-scale")
        group.start()
        return group


def post_process(runs: report.Runs, params: dict[str, Any]) -> None:
    """Figures derived from others: overhead over the floor and stream MB/s from the wire size."""
    for figure in ("requests", "msg_requests"):
        req = runs.get(figure, {})
        floor = [r for r in req.get("raw", []) if "error" not in r]
        if floor:
            base = statistics.median(r["us_per_req"] for r in floor)
            base_cpu = statistics.median(r["cpu_us_per_req"] for r in floor)
            for results in req.values():
                for r in results:
                    if "error" not in r:
                        r["overhead_us"] = r["us_per_req"] - base
                        r["cpu_overhead_us"] = r["cpu_us_per_req"] - base_cpu
    wire = runs.get("wire", {}).get("raw", [{}])[0]
    for anchor, results in runs.get("stream", {}).items():
        size = wire.get("messages_bytes" if anchor == "anthropic" else "completion_bytes")
        for r in results:
            if "error" not in r and size:
                r["wire_bytes"] = size
                r["wire_mb_per_s"] = size / r["wall_s"] / 1e6


def profile(runner: Runner, figures: list[str], anchors: list[str]) -> int:
    figures = [f for f in figures if f in NEEDS_SERVER and f not in COLD]
    runner.server = runner.start_server()
    try:
        for figure in figures:
            for anchor in anchors:
                if (figure, anchor) in NOT_APPLICABLE:
                    continue
                out = venvs.BENCH_DIR / f"profile-{figure}-{anchor}.txt"
                extra = {**runner.params.get(figure, {}), "profile_to": str(out)}
                if figure in WARM_WITH:  # as in `measure`: the emulator's first-use costs are not the client's
                    runner.worker(WARM_WITH[figure], "raw", runner.params.get(WARM_WITH[figure], {}))
                result = runner.worker(figure, anchor, extra)
                status = result.get("error") or "ok"
                print(f"  {figure}/{anchor}: {status} -> {os.path.relpath(out)}", flush=True)
    finally:
        runner.server.stop()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer runs and smaller N: a smoke run of a few minutes")
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated figures to run, of: {', '.join(FIGURES)}; or "
        + ", ".join(f"{name} (= {','.join(group)})" for name, group in GROUPS.items()),
    )
    parser.add_argument("--anchors", default="", help=f"comma-separated columns, of: {', '.join(report.ANCHORS)}")
    parser.add_argument("--runs", type=int, default=0, help="runs per figure (overrides the mode's defaults)")
    parser.add_argument("--pin", action="store_true", help="pin the client to CPU 0 and the emulator to CPU 1")
    parser.add_argument(
        "--emulators",
        type=int,
        default=2,
        help="emulator processes on one port for the scale figures (default: %(default)s)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead of the table: run each chosen figure once per chosen anchor under cProfile and write the "
        "top entries to .bench/profile-FIGURE-ANCHOR.txt",
    )
    parser.add_argument("--output", default=str(venvs.BENCH_DIR / "results.json"), help="where the JSON goes")
    parser.add_argument(
        "--chart",
        default=str(venvs.BENCH_DIR / "bench.png"),
        help="where the chart (PNG) goes; '' for none (default: %(default)s)",
    )
    parser.add_argument(
        "--render",
        metavar="RESULTS_JSON",
        default="",
        help="measure nothing: print the table of a saved run again and redraw its chart",
    )
    args = parser.parse_args()
    if args.render:
        return render_saved(Path(args.render), args.chart)

    chosen = [f.strip() for f in args.only.split(",") if f.strip()]
    figures = list(dict.fromkeys(g for f in chosen for g in GROUPS.get(f, (f,)))) or list(FIGURES)
    anchors = [a.strip() for a in args.anchors.split(",") if a.strip()] or list(report.ANCHORS)
    for name, allowed, given in (("figure", FIGURES, figures), ("anchor", report.ANCHORS, anchors)):
        bad = [x for x in given if x not in allowed]
        if bad:
            parser.error(f"unknown {name}(s): {', '.join(bad)}")
    params = parameters(args.quick)
    params["emulators"] = args.emulators
    if args.runs:
        params["runs"] = dict.fromkeys(params["runs"], args.runs)

    started = time.perf_counter()
    venvs.BENCH_DIR.mkdir(exist_ok=True)
    meta = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "mode": "quick" if args.quick else "full",
        "pinned": bool(args.pin),
        "params": params,
    }
    print(f"bench: {meta['date']}, {meta['nproc']} cores, Python {meta['python']}, {meta['mode']} mode")

    print("virtualenvs (.bench/venvs):", flush=True)
    for name in dict.fromkeys(VENV_OF[a] for a in anchors):
        try:
            built = venvs.ensure(venvs.VENVS[name], venvs.BENCH_DIR / "pip.log")
        except subprocess.CalledProcessError as exc:
            print(f"  ! building venv {name} failed ({exc}); see .bench/pip.log", flush=True)
            return 2
        print(f"  {name}: {'built' if built else 'reused'}", flush=True)

    runner = Runner(args, params)
    if args.profile:
        return profile(runner, figures, anchors)
    runs_of = params["runs"]
    print("measuring:", flush=True)
    if "footprint" in figures:
        runner.measure("footprint", anchors, 1)
    if any(f in NEEDS_SERVER and f not in SCALE_FIGURES for f in figures):
        try:
            runner.server = runner.start_server()
        except Exception as exc:
            print(f"  ! could not start the emulator: {exc}", flush=True)
            figures = [f for f in figures if f not in NEEDS_SERVER or f == "import"]
        else:
            print(f"  emulator at {runner.server.url} (region {runner.server.creds['region']})", flush=True)
    try:
        if "import" in figures:
            for anchor in anchors:  # one untimed run first: compiled bytecode and the OS file cache are warm
                runner.worker("import", anchor)
            runner.measure("import", anchors, runs_of["import"])
        if "msg_cold" in figures:
            for anchor in anchors:  # as for import: one untimed run first
                if ("msg_cold", anchor) not in NOT_APPLICABLE:
                    runner.worker("msg_cold", anchor)
            runner.measure("msg_cold", anchors, runs_of["msg_cold"])
        for figure, wants_floor in (("requests", {"ours"}), ("msg_requests", {"ours", "anthropic"})):
            if figure in figures:
                # The overhead rows need the floor.
                with_floor = [*anchors, "raw"] if "raw" not in anchors and wants_floor & set(anchors) else anchors
                runner.measure(figure, with_floor, runs_of[figure], params[figure])
        if "stream" in figures:
            wire = runner.worker("wire", "raw", params["stream"])
            runner.record("wire", "raw", wire)
            runner.measure("stream", anchors, runs_of["stream"], params["stream"])
        for figure in ("msg_stream", "msg_text", "msg_first"):
            if figure in figures:
                runner.measure(figure, anchors, runs_of[figure], params[figure])
        if "pace" in figures:
            runner.measure("pace", anchors, runs_of["pace"], params["pace"])
        if "concurrency" in figures:
            runner.measure("concurrency", anchors, runs_of["concurrency"], params["concurrency"])
        if "tokens" in figures:
            runner.measure("tokens", anchors, runs_of["tokens"], params["tokens"])
        if any(f in SCALE_FIGURES for f in figures):
            # Its own emulators, several behind one port, so that the server is not what the scale rows measure.
            runner.scale_server = runner.start_scale_server()
            print(
                f"  scale emulators: {args.emulators} process(es) at {runner.scale_server.url}, "
                f"pids {runner.scale_server.pids}",
                flush=True,
            )
            for figure in SCALE_FIGURES:
                if figure in figures:
                    runner.measure(figure, anchors, runs_of[figure], params[figure])
    finally:
        if runner.server is not None:
            meta["emulator_banner"] = runner.server.banner[:10]
            runner.server.stop()
        if runner.scale_server is not None:
            runner.scale_server.stop()

    if "footprint" in runner.runs:
        meta["installed"] = {
            a: r[0].get("dists", {}) for a, r in runner.runs["footprint"].items() if r and "error" not in r[0]
        }
    post_process(runner.runs, params)
    table = report.compute(runner.runs, params)
    verdicts = report.targets(table)
    tokens = runner.runs.get("tokens", {})
    counts = {a: r[0].get("tokens") for a, r in tokens.items() if r and "error" not in r[0]}

    print()
    print(f"date {meta['date']}   nproc {meta['nproc']}   Python {meta['python']}   mode {meta['mode']}")
    print(report.render(table, params))
    installed = meta.get("installed", {})
    if installed:
        shown = []
        for anchor, (dist, extra) in {
            "ours": ("anthropic-bedrock", "httpx"),
            "v080": ("anthropic-bedrock", "httpx"),
            "anthropic": ("anthropic", "httpx2"),
            "boto3": ("boto3", "botocore"),
        }.items():
            dists = installed.get(anchor, {})
            if dist in dists:
                label = "ours" if anchor == "ours" else dist
                shown.append(f"{label} {dists[dist]}" + (f" ({extra} {dists[extra]})" if extra in dists else ""))
        print("versions: " + "; ".join(shown))
    if len(set(counts.values())) > 1:
        print(f"note: count_tokens disagree on the same text: {counts}")
    if runner.errors:
        print("errors:")
        for e in runner.errors:
            print(f"  {e}")
    elapsed = time.perf_counter() - started
    print(f"done in {elapsed:.0f}s; JSON in {os.path.relpath(args.output)}")

    meta["elapsed_s"] = elapsed
    out = {
        "meta": meta,
        "table": {
            key: {a: (c.as_dict() if isinstance(c, report.Stat) else c) for a, c in cells.items()}
            for key, cells in table.items()
        },
        "rows": report.describe(params),
        "targets": {k: {"verdict": v, "target": d} for k, (v, d) in verdicts.items()},
        "token_counts": counts,
        "errors": runner.errors,
        "runs": runner.runs,
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(out, indent=2, default=str))
    if args.chart:
        draw_chart(Path(args.output), Path(args.chart))
    return 0


def render_saved(path: Path, chart: str) -> int:
    """The table and chart of a saved results.json, with today's rows and targets."""
    saved = json.loads(path.read_text())
    params = saved["meta"]["params"]
    params.setdefault("emulators", 1)
    table = report.compute(saved["runs"], params)
    print(report.render(table, params))
    saved["rows"] = report.describe(params)
    saved["table"] = {
        key: {a: (c.as_dict() if isinstance(c, report.Stat) else c) for a, c in cells.items()}
        for key, cells in table.items()
    }
    path.write_text(json.dumps(saved, indent=2, default=str))
    if chart:
        draw_chart(path, Path(chart))
    return 0


def draw_chart(results: Path, png: Path) -> None:
    """The PNG of the ratios, drawn by scripts/benchlib/chart.py in a venv of its own (matplotlib only)."""
    try:
        venvs.ensure(venvs.VENVS["chart"], venvs.BENCH_DIR / "pip.log", quiet=True)
    except subprocess.CalledProcessError as exc:
        print(f"chart: building its venv failed ({exc}); see .bench/pip.log", flush=True)
        return
    png.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [str(venvs.VENVS["chart"].python), "-I", str(CHART), str(results), str(png)],
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        print(f"chart: failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]}", flush=True)
    else:
        print(f"chart in {os.path.relpath(png)}", flush=True)


if __name__ == "__main__":
    sys.exit(main())

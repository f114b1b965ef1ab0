"""Which async connection pool the default install should get: N concurrent `messages.create` calls per option.

Options: ours on aiohttp (the extra), ours on httpx's own pool with its default limits and with other limits
(given to the SDK as `http_client=httpx.AsyncClient(limits=...)`), and boto3 in a pool of threads for reference.
Each run is a fresh interpreter (scripts/benchlib/worker.py, figure `scale_create`) against emulators of their
own; the options are interleaved run by run, and the table gives the median with min..max.

    .venv/bin/python scripts/bench_pool.py [--n 500] [--runs 5] [--emulators 2] [--limits 50,100,200]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import RESULT_MARK, WORKER, worker_env
from benchlib import venvs
from benchlib.emulator import EmulatorGroup


def run(python: Path, anchor: str, spec: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run(
        [str(python), "-I", str(WORKER), "scale_create", anchor, json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=600,
        env=worker_env(),
        cwd=venvs.BENCH_DIR,
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK) :])  # type: ignore[no-any-return]
    return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500, help="concurrent calls per run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--emulators", type=int, default=2)
    parser.add_argument("--threads", type=int, default=50, help="boto3's thread pool")
    parser.add_argument("--limits", default="50,100,200", help="max_connections to try on httpx's pool (= keep-alive)")
    args = parser.parse_args()

    for name in ("ours", "boto3"):
        venvs.ensure(venvs.VENVS[name], venvs.BENCH_DIR / "pip.log")
    ours, boto3 = venvs.VENVS["ours"].python, venvs.VENVS["boto3"].python
    options: list[tuple[str, Path, str, dict[str, Any]]] = [
        ("ours, aiohttp (the extra)", ours, "ours", {}),
        ("ours, httpx pool, SDK limits 1000/100", ours, "ours_httpx", {}),
        *(
            (f"ours, httpx pool, limits {k}/{k}", ours, "ours_httpx", {"limits": [k, k]})
            for k in (int(x) for x in args.limits.split(",") if x)
        ),
        (f"boto3, {args.threads} threads", boto3, "boto3", {"threads": args.threads}),
    ]
    group = EmulatorGroup(sys.executable, venvs.BENCH_DIR, args.emulators, stem="emulator-pool")
    group.start()
    results: dict[str, list[dict[str, Any]]] = {label: [] for label, *_ in options}
    try:
        base = {"url": group.url, "creds": group.creds, "emu_pids": group.pids, "n": args.n}
        run(ours, "ours", {**base, "n": 40})  # warm the emulators
        for i in range(args.runs):
            for label, python, anchor, extra in options[i % len(options) :] + options[: i % len(options)]:
                results[label].append(run(python, anchor, {**base, **extra}))
            print(f"  run {i + 1}/{args.runs} done", flush=True)
    finally:
        group.stop()

    def cell(values: list[float], fmt: str) -> str:
        if not values:
            return "ERR"
        return f"{statistics.median(values):{fmt}} ({min(values):{fmt}}..{max(values):{fmt}})"

    print(f"\n{args.n} concurrent messages.create, {args.runs} runs, {args.emulators} emulator processes")
    print(f"{'option':<40}{'wall s':>22}{'CPU us/call':>22}{'emulator %':>18}{'other load %':>18}")
    for label, rs in results.items():
        ok = [r for r in rs if "error" not in r]
        print(
            f"{label:<40}{cell([r['wall_s'] for r in ok], '.2f'):>22}{cell([r['cpu_us_per_call'] for r in ok], '.0f'):>22}"
            f"{cell([r['emu_cpu_pct'] for r in ok], '.0f'):>18}{cell([r['other_cpu_pct'] for r in ok], '.0f'):>18}"
        )
        for r in rs:
            if "error" in r:
                print(f"    error: {r['error']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

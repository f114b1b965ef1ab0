"""Rows of the table, their statistics, the targets, and the printed report."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ANCHORS = ("ours", "v080", "anthropic", "boto3", "raw")
MESSAGES_ANCHORS = ("ours", "anthropic", "boto3", "raw")  # anthropic-bedrock 0.8.0 has no Messages API
HEADERS = {"ours": "ours", "v080": "a-b 0.8.0", "anthropic": "anthropic", "boto3": "boto3", "raw": "raw floor"}
RATIO_HEADERS = {"v080": "vs 0.8.0", "anthropic": "vs anthr", "boto3": "vs boto3", "raw": "vs raw"}
RATIO_ANCHORS = ("v080", "anthropic", "boto3", "raw")

Runs = dict[str, dict[str, list[dict[str, Any]]]]  # figure -> anchor -> list of run results


@dataclass
class Row:
    key: str
    title: str
    figure: str
    value: Callable[[dict[str, Any]], float | None]
    lower_is_better: bool = True
    anchors: tuple[str, ...] = ANCHORS
    note: dict[str, str] = field(default_factory=dict)
    section: str = ""  # a heading printed above the first shown row of a new section
    ours_anchor: str = "ours"  # whose runs fill the `ours` column: "ours_httpx" for the default install's pool
    ditto: bool = False  # the other columns repeat the row above: left blank, but the ratios use them
    ratios: bool = True  # False for rows that describe the run rather than the client (the emulator's CPU)


# The chart's panels: one per family of rows, by key (the first prefix that matches).
FAMILIES = (
    # Checked in this order (a row goes to the first family with a matching prefix); panels follow the table.
    (
        "Streams",
        (
            "stream_",
            "msg_eps",
            "msg_cpu_event",
            "msg_tps",
            "msg_cpu_text",
            "msg_first_event",
            "msg_first_text",
            "pace_",
        ),
    ),
    ("Start-up", ("import", "construct", "first_request", "cold", "msg_cold", "msg_first_req")),
    ("Sequential requests", ("req_", "msg_wall", "msg_overhead", "msg_cpu")),
    (
        "Concurrency and scale",
        (
            "concurrency",
            "scale_create_wall",
            "scale_create_cpu",
            "scale_stream_wall",
            "scale_stream_cpu",
            "scale_stream_open",
        ),
    ),
    ("Memory and footprint", ("rss_", "scale_create_rss", "scale_stream_rss", "footprint_")),
    ("Tokenizer", ("tokens_",)),
)


def family(key: str) -> str:
    for name, prefixes in FAMILIES:
        if key.startswith(prefixes):
            return name
    return "Other"


def describe(params: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows as plain data, in order, for results.json and the chart."""
    out: list[dict[str, Any]] = []
    top = label = ""
    for row in rows(params):
        title = row.title.strip()
        if row.ditto:
            label = f"{label}, {title.removesuffix(' (default install)').removesuffix(' (s)')}"
        elif row.title.startswith(" ") and ":" not in title:
            label = f"{top.split(',')[0].split(' (')[0]}: {title}"
        elif row.title.startswith(" "):
            label = title
        else:
            top = label = title
        out.append(
            {
                "key": row.key,
                "title": row.title,
                "label": label,  # the title with the context an indented row takes from the rows above
                "family": family(row.key),
                "lower_is_better": row.lower_is_better,
                "ratios": row.ratios,
            }
        )
    return out


def _get(name: str, scale: float = 1.0) -> Callable[[dict[str, Any]], float | None]:
    def value(run: dict[str, Any]) -> float | None:
        v = run.get(name)
        return None if v is None else float(v) * scale

    return value


def rows(params: dict[str, Any]) -> list[Row]:
    n = params["requests"]["n"]
    conc = params["concurrency"]["n"]
    chunks = params["stream"]["chunks"]
    pace = params["pace"]["pace_ms"]
    threads = params["concurrency"]["threads"]
    mb = params["tokens"]["text_bytes"] / 1e6
    out = completions_rows(n, conc, chunks, pace, threads, mb) + messages_rows(params)
    if "scale_create" in params:
        out += scale_rows(params)
    return out


def completions_rows(n: int, conc: int, chunks: int, pace: float, threads: int, mb: float) -> list[Row]:
    """The first rows: text completions in ours, 0.8.0, boto3 and the floor (the `anthropic` column: Messages)."""
    return [
        Row("import", "import time (ms)", "import", _get("import_s", 1e3)),
        Row("construct", "client construction (ms)", "import", _get("construct_s", 1e3)),
        Row("first_request", "  first request on it (ms)", "import", _get("first_request_s", 1e3)),
        Row("cold", "  cold start: import + client + 1st request (ms)", "import", _get("cold_s", 1e3)),
        Row("req_wall", f"sequential requests, wall (us/req, N={n})", "requests", _get("us_per_req")),
        Row("req_overhead", "  overhead over raw floor (us/req)", "requests", _get("overhead_us")),
        Row("req_cpu", "  client CPU per request (us)", "requests", _get("cpu_us_per_req")),
        Row("stream_cps", f"stream decode, {chunks} chunks (chunks/s)", "stream", _get("chunks_per_s"), False),
        Row("stream_mbps", "  stream decode (wire MB/s)", "stream", _get("wire_mb_per_s"), False),
        Row("stream_cpu", "  client CPU per chunk (us)", "stream", _get("cpu_us_per_chunk")),
        Row("pace_lag", f"paced delivery lag, pace={pace:g}ms (ms)", "pace", _get("lag_ms")),
        Row("pace_gap", "  |inter-arrival - pace| mean (ms)", "pace", _get("gap_dev_ms")),
        Row(
            "concurrency",
            f"{conc} concurrent requests, wall (s)",
            "concurrency",
            _get("wall_s"),
            note={"boto3": f"boto3: a pool of {threads} threads"},
        ),
        Row(
            "concurrency_httpx",
            "  ours on httpx's own pool (default install) (s)",
            "concurrency",
            _get("wall_s"),
            ours_anchor="ours_httpx",
            ditto=True,
        ),
        Row("rss_requests", f"peak RSS after {n} requests (MB)", "requests", _get("rss_mb")),
        Row("rss_concurrency", f"peak RSS after {conc} concurrent (MB)", "concurrency", _get("rss_mb")),
        Row("footprint_pkgs", "installed packages (count)", "footprint", _get("packages"), anchors=ANCHORS[:4]),
        Row("footprint_mb", "site-packages size (MB)", "footprint", _get("site_mb"), anchors=ANCHORS[:4]),
        Row("tokens_first", "count_tokens first load (ms)", "tokens", _get("first_s", 1e3), anchors=("ours", "v080")),
        Row(
            "tokens_mbps",
            f"count_tokens on {mb:.1f} MB text (MB/s)",
            "tokens",
            _get("mb_per_s"),
            False,
            anchors=("ours", "v080"),
        ),
    ]


def messages_rows(params: dict[str, Any]) -> list[Row]:
    """The Messages API rows: `messages.create` and its streams next to `anthropic`, boto3 and the floor."""
    n = params["msg_requests"]["n"]
    chunks = params["msg_stream"]["chunks"]
    first_n = params["msg_first"]["n"]
    every = MESSAGES_ANCHORS
    sdks = ("ours", "anthropic")  # only the SDKs have `messages.stream`
    return [
        Row(
            "msg_cold",
            "cold start: import + client + 1st create (ms)",
            "msg_cold",
            _get("cold_s", 1e3),
            anchors=every,
            section="Messages API: messages.create / .stream (boto3 and the floor: a Messages JSON body)",
        ),
        Row(
            "msg_first_req", "  first messages.create on it (ms)", "msg_cold", _get("first_request_s", 1e3), True, every
        ),
        Row("msg_wall", f"messages.create sequential (us/req, N={n})", "msg_requests", _get("us_per_req"), True, every),
        Row(
            "msg_overhead", "  overhead over raw floor, wall (us/req)", "msg_requests", _get("overhead_us"), True, every
        ),
        Row("msg_cpu", "  client CPU per request (us)", "msg_requests", _get("cpu_us_per_req"), True, every),
        Row(
            "msg_cpu_overhead",
            "  client CPU over raw floor (us/req)",
            "msg_requests",
            _get("cpu_overhead_us"),
            True,
            every,
        ),
        Row(
            "msg_eps",
            f"create(stream=True), {chunks} deltas (events/s)",
            "msg_stream",
            _get("events_per_s"),
            False,
            every,
        ),
        Row("msg_cpu_event", "  client CPU per event (us)", "msg_stream", _get("cpu_us_per_event"), True, every),
        Row("msg_tps", "messages.stream().text_stream (texts/s)", "msg_text", _get("texts_per_s"), False, sdks),
        Row("msg_cpu_text", "  client CPU per text (us)", "msg_text", _get("cpu_us_per_text"), True, sdks),
        Row(
            "msg_first_event",
            f"first event after the call (us, median of {first_n})",
            "msg_first",
            _get("first_event_us"),
            True,
            every,
        ),
        Row(
            "msg_first_text", "  first text delta after the call (us)", "msg_first", _get("first_text_us"), True, every
        ),
    ]


SCALE_ANCHORS = ("ours", "anthropic", "boto3")
HTTPX_NOTE = "ours on httpx's pool: ANTHROPIC_BEDROCK_ASYNC_TRANSPORT=httpx, what the default install (no aiohttp) gets"


def _with_httpx(row: Row) -> list[Row]:
    """The row, and beneath it the same figure with ours on httpx's own async pool."""
    twin = Row(
        row.key + "_httpx",
        "    on httpx's pool" + (" (default install)" if row.title.startswith(("2", "200")) else ""),
        row.figure,
        row.value,
        row.lower_is_better,
        row.anchors,
        ours_anchor="ours_httpx",
        ditto=True,
        ratios=row.ratios,
    )
    return [row, twin]


def scale_rows(params: dict[str, Any]) -> list[Row]:
    """One client under load: many concurrent calls, many streams open at once; the emulator's CPU beside."""
    create, stream = params["scale_create"], params["scale_stream"]
    emulators = int(params.get("emulators", 1))
    section = (
        f"Scale: one client, {create['n']} concurrent calls / {stream['n']} open streams "
        f"(emulator: {emulators} process{'es' if emulators > 1 else ''} on one port; ours on aiohttp, then on httpx's pool)"
    )
    a = SCALE_ANCHORS
    rows_: list[Row] = []
    for row in (
        Row(
            "scale_create_wall",
            f"{create['n']} concurrent messages.create, wall (s)",
            "scale_create",
            _get("wall_s"),
            anchors=a,
            section=section,
            note={
                "boto3s": f"scale rows, boto3: {create['threads']} threads for the calls, one per stream for the streams"
            },
        ),
        Row("scale_create_cpu", "  client CPU per call (us)", "scale_create", _get("cpu_us_per_call"), anchors=a),
        Row("scale_create_rss", "  peak RSS (MB)", "scale_create", _get("rss_mb"), anchors=a),
        Row(
            "scale_create_share",
            "  client CPU in the window (% of a core)",
            "scale_create",
            _get("client_cpu_pct"),
            anchors=a,
            ratios=False,
        ),
        Row(
            "scale_create_emu",
            "  emulator CPU in the window (% of a core)",
            "scale_create",
            _get("emu_cpu_pct"),
            anchors=a,
            ratios=False,
        ),
        Row(
            "scale_create_other",
            "  other load on the machine (% of a core)",
            "scale_create",
            _get("other_cpu_pct"),
            anchors=a,
            ratios=False,
        ),
        Row(
            "scale_stream_wall",
            f"{stream['n']} concurrent streams x {stream['chunks']} deltas, wall (s)",
            "scale_stream",
            _get("wall_s"),
            anchors=a,
        ),
        Row("scale_stream_cpu", "  client CPU per event (us)", "scale_stream", _get("cpu_us_per_event"), anchors=a),
        Row("scale_stream_rss", "  peak RSS (MB)", "scale_stream", _get("rss_mb"), anchors=a),
        Row("scale_stream_open", "  RSS per open stream (KB)", "scale_stream", _get("rss_per_stream_kb"), anchors=a),
        Row(
            "scale_stream_share",
            "  client CPU in the window (% of a core)",
            "scale_stream",
            _get("client_cpu_pct"),
            anchors=a,
            ratios=False,
        ),
        Row(
            "scale_stream_emu",
            "  emulator CPU in the window (% of a core)",
            "scale_stream",
            _get("emu_cpu_pct"),
            anchors=a,
            ratios=False,
        ),
        Row(
            "scale_stream_other",
            "  other load on the machine (% of a core)",
            "scale_stream",
            _get("other_cpu_pct"),
            anchors=a,
            ratios=False,
        ),
    ):
        rows_ += _with_httpx(row)
    rows_[-1].note = {"httpx": HTTPX_NOTE}
    return rows_


@dataclass
class Stat:
    median: float
    low: float
    high: float
    runs: int

    def as_dict(self) -> dict[str, float | int]:
        return {"median": self.median, "min": self.low, "max": self.high, "runs": self.runs}


def stat(values: list[float]) -> Stat | None:
    if not values:
        return None
    return Stat(statistics.median(values), min(values), max(values), len(values))


def compute(runs: Runs, params: dict[str, Any]) -> dict[str, dict[str, Stat | str]]:
    """row key -> anchor -> Stat, or a string saying why there is none ("n/a", "ERR", "skipped")."""
    out: dict[str, dict[str, Stat | str]] = {}
    for row in rows(params):
        cells: dict[str, Stat | str] = {}
        for anchor in ANCHORS:
            if anchor not in row.anchors:
                cells[anchor] = "n/a"
                continue
            results = runs.get(row.figure, {}).get(row.ours_anchor if anchor == "ours" else anchor)
            if results is None:
                cells[anchor] = "-"
                continue
            values = [v for r in results if "error" not in r and (v := row.value(r)) is not None]
            st = stat(values)
            if st is None:
                cells[anchor] = "ERR" if any("error" in r for r in results) else "n/a"
            else:
                cells[anchor] = st
        out[row.key] = cells
    return out


def fmt(v: float) -> str:
    a = abs(v)
    if v == int(v) and a < 1e4:
        s = str(int(v))
    elif a >= 1e6:
        s = f"{v / 1e6:.3g}M"
    elif a >= 1e4:
        s = f"{v / 1e3:.3g}k"
    elif a >= 100:
        s = f"{v:.0f}"
    elif a >= 10:
        s = f"{v:.1f}"
    elif a >= 1:
        s = f"{v:.2f}"
    elif a == 0:
        s = "0"
    else:
        s = f"{v:.3f}"
    return s


def fmt_ratio(r: float | None) -> str:
    if r is None:
        return ""
    if r >= 10:
        return f"{r:.0f}x"
    if r >= 0.1:
        return f"{r:.2f}x"
    return f"{r:.1g}x"


def ratio(ours: Stat | str | None, other: Stat | str | None) -> float | None:
    if not isinstance(ours, Stat) or not isinstance(other, Stat) or other.median == 0:
        return None
    return ours.median / other.median


def targets(table: dict[str, dict[str, Stat | str]]) -> dict[str, tuple[str, str]]:
    """row key -> (PASS/MISS/?, description)."""

    def m(key: str, anchor: str) -> float | None:
        cell = table.get(key, {}).get(anchor)
        return cell.median if isinstance(cell, Stat) else None

    def verdict(ok: bool | None) -> str:
        return "?" if ok is None else ("PASS" if ok else "MISS")

    res: dict[str, tuple[str, str]] = {}

    def against(key: str, desc: str, *tests: tuple[str, Callable[[float, float], bool]]) -> None:
        """PASS when ours meets the test against every anchor measured; "?" when there is nothing to compare."""
        o = m(key, "ours")
        oks = [ok(o, other) for anchor, ok in tests if o is not None and (other := m(key, anchor)) is not None]
        res[key] = (verdict(all(oks) if oks else None), desc)

    against(
        "import",
        "<= 1/2 of 0.8.0, <= 1/5 of anthropic",
        ("v080", lambda o, v: o <= v / 2),
        ("anthropic", lambda o, a: o <= a / 5),
    )
    o, v, a = m("req_overhead", "ours"), m("req_overhead", "v080"), m("req_overhead", "anthropic")
    ok = None if o is None or v is None else (o <= v / 10 and (a is None or o < a))
    res["req_overhead"] = (verdict(ok), "<= 1/10 of 0.8.0, < anthropic")
    o, v = m("stream_cps", "ours"), m("stream_cps", "v080")
    res["stream_cps"] = (verdict(None if o is None or v is None else o >= 2 * v), ">= 2x 0.8.0")
    for key in ("msg_overhead", "msg_cpu_overhead"):
        against(key, "<= 1/10 of anthropic", ("anthropic", lambda o, a: o <= a / 10))
    for key in ("msg_eps", "msg_tps"):
        against(key, ">= 2x anthropic", ("anthropic", lambda o, a: o >= 2 * a))
    # Ahead of boto3 wherever the SDK competes with it on CPU, and under load on either async pool.
    for key in ("stream_cpu", "msg_cpu_event", "concurrency", "concurrency_httpx"):
        against(key, "<= boto3", ("boto3", lambda o, b: o <= b))
    for key in ("stream_cps", "msg_eps"):
        if key in res:
            o = m(key, "ours")
            b = m(key, "boto3")
            verdict_, desc = res[key]
            if o is not None and b is not None and verdict_ != "?":
                res[key] = (verdict(verdict_ == "PASS" and o >= b), desc + ", >= boto3")
    for base in ("scale_create_wall", "scale_create_cpu", "scale_stream_wall", "scale_stream_cpu", "scale_stream_open"):
        for key in (base, base + "_httpx"):
            against(key, "<= boto3, < anthropic", ("boto3", lambda o, b: o <= b), ("anthropic", lambda o, a: o < a))
    o, v = m("footprint_pkgs", "ours"), m("footprint_pkgs", "v080")
    res["footprint_pkgs"] = (verdict(None if o is None or v is None else o < v), "< 0.8.0")
    o, v = m("footprint_mb", "ours"), m("footprint_mb", "v080")
    res["footprint_mb"] = (verdict(None if o is None or v is None else o < v), "< 0.8.0")
    return res


def render(table: dict[str, dict[str, Stat | str]], params: dict[str, Any], show_ranges: bool = True) -> str:
    row_defs = rows(params)
    verdicts = targets(table)
    title_w = max(len(r.title) for r in row_defs) + 3
    cell_w = 13
    ratio_w = 9
    head = (
        f"{'figure':<{title_w}}"
        + "".join(f"{HEADERS[a]:>{cell_w}}" for a in ANCHORS)
        + "".join(f"{RATIO_HEADERS[a]:>{ratio_w}}" for a in RATIO_ANCHORS)
        + "  target"
    )
    lines = [head, "-" * len(head)]
    notes: list[str] = []
    section = shown_section = ""
    for row in row_defs:
        section = row.section or section
        cells = table.get(row.key, {})
        if all(not isinstance(c, Stat) and c in ("-", "n/a") for c in cells.values()):
            continue
        if section != shown_section:
            lines.append(f"[{section}]")
            shown_section = section
        arrow = " " if not row.ratios else "v" if row.lower_is_better else "^"
        line = f"{row.title:<{title_w - 2}}{arrow} "
        rng = " " * title_w
        for a in ANCHORS:
            c = cells.get(a, "-")
            if row.ditto and a != "ours":
                c = ""  # the row above shows these
            if isinstance(c, Stat):
                line += f"{fmt(c.median):>{cell_w}}"
                rng += f"{fmt(c.low) + '..' + fmt(c.high):>{cell_w}}" if c.runs > 1 else " " * cell_w
            else:
                line += f"{c:>{cell_w}}"
                rng += " " * cell_w
        for a in RATIO_ANCHORS:
            r = ratio(cells.get("ours"), cells.get(a)) if row.ratios else None
            line += f"{fmt_ratio(r):>{ratio_w}}"
        if row.key in verdicts:
            v, desc = verdicts[row.key]
            line += f"  {v} ({desc})"
        lines.append(line.rstrip())
        if show_ranges and rng.strip():
            lines.append(rng.rstrip())
        notes.extend(row.note.values())
    lines.append("-" * len(head))
    lines.append(
        "cells: median over runs, with min..max beneath; v lower is better, ^ higher is better; "
        "ratio columns = ours / that column."
    )
    for n in dict.fromkeys(notes):
        lines.append(f"note: {n}")
    return "\n".join(lines)

"""Draw a bench run's results.json as one PNG: how many times better ours is than each anchor, row by row.

Run by bench.py in its own virtualenv (.bench/venvs/chart, matplotlib only), never in the project's:

    .bench/venvs/chart/bin/python scripts/benchlib/chart.py .bench/results.json out.png

One panel per family of rows; in each, one line per row and one marker per anchor at the factor by which ours is
ahead (the anchor's cost over ours for lower-is-better rows, ours over the anchor's for higher-is-better ones), on
a log axis: right of 1 ours is ahead, left of it behind. The whisker spans the worst to the best pairing of the
two columns' min..max over runs.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

ANCHOR_STYLE = {
    "v080": ("anthropic-bedrock 0.8.0", "#7f7f7f", "s"),
    "anthropic": ("anthropic", "#d62728", "o"),
    "boto3": ("boto3", "#1f77b4", "D"),
    "raw": ("raw httpx floor", "#2ca02c", "^"),
}
# Rows whose ratio says nothing: differences over the floor (the floor's own is zero by definition).
SKIP = {"req_overhead", "msg_overhead", "msg_cpu_overhead"}


def advantage(row: dict[str, Any], ours: dict[str, float], other: dict[str, float]) -> tuple[float, float, float]:
    """(median, worst, best) factor by which ours is ahead of `other`."""
    if row["lower_is_better"]:
        return other["median"] / ours["median"], other["min"] / ours["max"], other["max"] / ours["min"]
    return ours["median"] / other["median"], ours["min"] / other["max"], ours["max"] / other["min"]


def points(results: dict[str, Any]) -> dict[str, list[tuple[str, list[tuple[str, float, float, float]]]]]:
    """family -> [(row title, [(anchor, median, worst, best)])], in the table's order."""
    families: dict[str, list[tuple[str, list[tuple[str, float, float, float]]]]] = {}
    for row in results["rows"]:
        if not row["ratios"] or row["key"] in SKIP:
            continue
        cells = results["table"].get(row["key"], {})
        ours = cells.get("ours")
        if not isinstance(ours, dict) or min(ours["median"], ours["min"]) <= 0:
            continue
        marks = []
        for anchor in ANCHOR_STYLE:
            other = cells.get(anchor)
            if isinstance(other, dict) and min(other["median"], other["min"]) > 0:
                marks.append((anchor, *advantage(row, ours, other)))
        if marks:
            title = textwrap.fill(row.get("label") or row["title"].strip(), 50)
            families.setdefault(row["family"], []).append((title, marks))
    return families


def draw(results: dict[str, Any], out: Path) -> None:
    families = points(results)
    if not families:
        raise SystemExit("nothing to draw: no row has ours and an anchor")
    heights = [sum(1 + 0.45 * title.count("\n") for title, _ in rows) + 1.2 for rows in families.values()]
    fig, axes = plt.subplots(
        len(families),
        1,
        figsize=(12, 0.34 * sum(heights) + 1.6),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    lo = min(w for rows in families.values() for _, marks in rows for *_, w, _b in marks)
    hi = max(b for rows in families.values() for _, marks in rows for *_, b in marks)
    span = (min(lo, 0.5) / 1.5, max(hi, 2.0) * 1.5)
    anchors = list(ANCHOR_STYLE)
    for ax, (family, rows) in zip(axes[:, 0], families.items(), strict=True):
        ax.axvspan(1, span[1], color="#2ca02c", alpha=0.06)
        ax.axvline(1, color="black", lw=0.8)
        for y, (_title, marks) in enumerate(rows):
            for anchor, median, worst, best in marks:
                label, color, marker = ANCHOR_STYLE[anchor]
                dy = (anchors.index(anchor) - 1.5) * 0.16
                ax.errorbar(
                    median,
                    y + dy,
                    xerr=[[median - worst], [best - median]],
                    fmt=marker,
                    color=color,
                    ms=4.5,
                    lw=1,
                    capsize=2,
                    label=label,
                )
        ax.set_xscale("log")
        ax.set_xlim(*span)
        ax.set_yticks(range(len(rows)), [title for title, _ in rows], fontsize=7.5)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_title(family, fontsize=9.5, loc="left", fontweight="bold")
        ax.grid(axis="x", which="major", alpha=0.3)
        ax.tick_params(axis="x", labelsize=7.5)
    axes[-1, 0].set_xlabel("times ours is ahead of the anchor (log; right of 1: ours ahead; whiskers: min..max)")
    handles: dict[str, Any] = {}
    for ax in axes[:, 0]:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, handle)
    fig.legend(handles.values(), handles.keys(), loc="upper right", ncol=len(handles), fontsize=8, frameon=False)
    meta = results.get("meta", {})
    fig.suptitle(
        f"anthropic_bedrock against its anchors: {meta.get('date', '')}, {meta.get('nproc', '?')} cores, "
        f"Python {meta.get('python', '?')}, {meta.get('mode', '')} run",
        x=0.01,
        ha="left",
        fontsize=10,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(out, dpi=110)


def main() -> int:
    if len(sys.argv) != 3:
        raise SystemExit("usage: chart.py RESULTS.json OUT.png")
    draw(json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

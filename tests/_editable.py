"""Stop the run early, with the fix, when the editable install misses a source file.

`make install` installs the package in setuptools' strict editable mode: a link tree of the files
the wheel would hold, which mypy and pyright can follow. A module added since then is not in the
tree until it is re-linked (`make` targets do it by themselves; a bare `pytest` does not), and a
new package folder is in neither the tree nor the wheel until `pyproject.toml` lists it. Without
this check either shows up as a puzzling `ModuleNotFoundError` somewhere in the run.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {"": ROOT / "overlays" / "anthropic_bedrock", "_generated": ROOT / "generated"}


def unlinked_sources() -> list[str]:
    """The package's modules missing from a strict editable install's link tree (none otherwise)."""
    spec = importlib.util.find_spec("anthropic_bedrock")
    if spec is None or spec.origin is None or "__editable__" not in spec.origin:
        return []
    tree = Path(spec.origin).parent
    missing = []
    for prefix, source in SOURCES.items():
        for path in source.rglob("*.py"):
            relative = path.relative_to(source)
            if "__pycache__" in relative.parts or (prefix == "" and relative.parts[0] == "_generated"):
                continue
            if not (tree / prefix / relative).exists():
                missing.append(str(Path(prefix) / relative))
    return sorted(missing)


def check_editable_install() -> None:
    missing = unlinked_sources()
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise SystemExit(
            f"The editable install lacks {len(missing)} module(s) added since it was made ({shown}): run "
            "`make install` to re-link it (a new package folder must also be listed in pyproject.toml)."
        )

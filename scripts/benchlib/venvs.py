"""The anchors' virtualenvs under .bench/venvs/, created from PyPI and reused while their pins are unchanged."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / ".bench"
VENVS_DIR = BENCH_DIR / "venvs"
STAMP = ".bench-stamp.json"

# What goes into the wheel of this checkout; a change to any of it rebuilds our venv.
SOURCE_PATHS = ("pyproject.toml", "LICENSE", "README.md", "overlays", "generated")


@dataclass(frozen=True)
class Venv:
    name: str
    pins: tuple[str, ...]  # pip requirement specifiers; "." stands for this checkout (".[extra]" with extras)

    @property
    def path(self) -> Path:
        return VENVS_DIR / self.name

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"


VENVS = {
    # The default install (aiohttp included).
    "ours": Venv("ours", (".",)),
    "v080": Venv("v080", ("anthropic-bedrock==0.8.0", "httpx<0.28")),
    "anthropic": Venv("anthropic", ("anthropic[bedrock]",)),
    "boto3": Venv("boto3", ("boto3",)),
    # Draws the chart; a bench-only dependency, kept out of the project's own venv.
    "chart": Venv("chart", ("matplotlib>=3.8,<4",)),
}


def _base_python() -> str:
    """The interpreter venvs are made from: the one this script runs on, outside any venv."""
    base = getattr(sys, "_base_executable", None) or sys.executable
    return base if Path(base).exists() else "python3"


def source_hash() -> str:
    digest = hashlib.sha256()
    for rel in SOURCE_PATHS:
        path = ROOT / rel
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []
        for f in files:
            if "__pycache__" in f.parts or f.suffix == ".pyc":
                continue
            digest.update(str(f.relative_to(ROOT)).encode() + b"\0")
            digest.update(f.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _wanted_stamp(venv: Venv) -> dict[str, object]:
    stamp: dict[str, object] = {"pins": list(venv.pins), "python": sys.version.split()[0]}
    if any(pin.startswith(".") for pin in venv.pins):
        stamp["source"] = source_hash()
    return stamp


def _read_stamp(venv: Venv) -> dict[str, object] | None:
    try:
        return json.loads((venv.path / STAMP).read_text())  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return None


def _copy_checkout(dest: Path) -> Path:
    """A copy of what the wheel is built from, so the build writes nothing into the work tree."""
    src = dest / "src"
    src.mkdir(parents=True)
    for rel in SOURCE_PATHS:
        path = ROOT / rel
        if path.is_dir():
            shutil.copytree(path, src / rel, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        elif path.is_file():
            shutil.copy2(path, src / rel)
    if not (src / "README.md").exists():
        (src / "README.md").write_text("anthropic-bedrock\n")  # the build needs the readme named in pyproject
    return src


def ensure(venv: Venv, log: Path, quiet: bool = False) -> bool:
    """Create or reuse `venv`; True when it was (re)built."""
    wanted = _wanted_stamp(venv)
    if _read_stamp(venv) == wanted and venv.python.exists():
        return False
    if not quiet:
        print(f"  building venv {venv.name}: {' '.join(venv.pins)}", flush=True)
    if venv.path.exists():
        shutil.rmtree(venv.path)
    VENVS_DIR.mkdir(parents=True, exist_ok=True)
    with open(log, "a") as out:
        subprocess.run([_base_python(), "-m", "venv", str(venv.path)], check=True, stdout=out, stderr=out)
        pip = [str(venv.python), "-m", "pip", "--disable-pip-version-check", "--no-input", "install", "--quiet"]
        with tempfile.TemporaryDirectory(prefix="bench-src-") as tmp:
            args = [str(_copy_checkout(Path(tmp))) + pin[1:] if pin.startswith(".") else pin for pin in venv.pins]
            subprocess.run(pip + args, check=True, stdout=out, stderr=out, timeout=900)
    (venv.path / STAMP).write_text(json.dumps(wanted))
    return True

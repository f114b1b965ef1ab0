"""The same typing checks as tests/test_typing_readme.py against an installed wheel: built with
`python -m build` (the sdist, then the wheel from it) and installed in a fresh virtualenv, so the
wheel must carry `py.typed` and both halves of the package."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from typecheck import ROOT, assert_as_expected, check_all


@pytest.mark.slow
@pytest.mark.timeout(900)  # type checkers and a wheel build: minutes on a busy machine
def test_user_programs_type_check_against_the_installed_wheel(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], check=True, capture_output=True, timeout=900
    )
    (wheel,) = dist.glob("anthropic_bedrock-*.whl")
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=900)
    where = subprocess.run(
        [str(python), "-c", "import anthropic_bedrock, sys; print(anthropic_bedrock.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert str(env) in where and "__editable__" not in where
    programs = tmp_path / "programs"
    programs.mkdir()
    assert_as_expected(check_all(programs, python))

"""The import contracts (`[tool.importlinter]` in pyproject.toml, run by `make lint`) hold for the
package as it is, and break on a deliberately added upward import or a generated-code import
outside `types/` and `_operations/`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from vendor import vendor  # noqa: E402

LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")

pytestmark = pytest.mark.skipif(shutil.which(LINT_IMPORTS) is None, reason="import-linter is not installed")


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINT_IMPORTS, str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tree,
    )


def test_the_package_keeps_its_contracts(tmp_path: Path) -> None:
    vendor(tmp_path)
    result = lint(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_breaks_the_layers(tmp_path: Path) -> None:
    package = vendor(tmp_path)
    signer = package / "_aws" / "sigv4.py"
    # Even one only for type checking: the signer (bottom) naming the public client (top).
    signer.write_text(
        signer.read_text() + "\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .._client import Client\n"
    )
    result = lint(tmp_path)
    assert result.returncode != 0
    assert "one spine of layers" in result.stdout and "BROKEN" in result.stdout
    assert "anthropic_bedrock._aws.sigv4 -> anthropic_bedrock._client" in result.stdout


def test_generated_code_stays_behind_its_seam(tmp_path: Path) -> None:
    package = vendor(tmp_path)
    stream = package / "_streaming" / "stream.py"
    stream.write_text(stream.read_text() + "\nfrom .._generated.types import UNSET\n")
    result = lint(tmp_path)
    assert result.returncode != 0
    assert "Only types/ and _operations/ touch the generated code BROKEN" in result.stdout

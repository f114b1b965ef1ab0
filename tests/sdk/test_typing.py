"""User code written with plain dicts type-checks under `mypy --strict`, and mistakes in it do not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = Path(__file__).resolve().parent / "typing" / "tool_conversation.py"

MISTAKES = """
from anthropic_bedrock import AnthropicBedrock
from anthropic_bedrock.types import MessageParam

client = AnthropicBedrock()
bad_role: MessageParam = {"role": "system", "content": "x"}
bad_block: MessageParam = {"role": "user", "content": [{"type": "image", "source": {"type": "base64", "media_type": "image/bmp", "data": "x"}}]}
client.messages.create(model="m", max_tokens="5", messages=[bad_role])
client.messages.create(model="m", messages=[bad_block])
message = client.messages.create(model="m", max_tokens=5, messages=[bad_role])
message.content[0].text
"""


def mypy(tmp_path: Path, program: Path) -> subprocess.CompletedProcess[str]:
    package = tmp_path / "pkg"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "vendor.py"), str(package), "--link"], check=True, capture_output=True
    )
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(program),
        ],
        capture_output=True,
        text=True,
        env={"MYPYPATH": str(package), "PATH": ""},
        cwd=tmp_path,
        timeout=300,
    )


@pytest.mark.slow
def test_a_tool_conversation_from_plain_dicts_passes_mypy_strict(tmp_path: Path) -> None:
    result = mypy(tmp_path, PROGRAM)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mistakes_are_caught(tmp_path: Path) -> None:
    program = tmp_path / "mistakes.py"
    program.write_text(MISTAKES)
    result = mypy(tmp_path, program)
    assert result.returncode == 1
    out = result.stdout
    # One error per mistake: a bad role, a bad media type, max_tokens as a string, max_tokens
    # missing, and `.text` on a block that may not be text.
    for line in (6, 7, 8, 9, 11):
        assert f"mistakes.py:{line}: error" in out, out
    assert "mistakes.py:10: error" not in out, out

"""The README's Messages API examples run as written against the emulator: each is a whole program
(with the prelude the typing tests give it for the names it takes from the text around it), run in
a fresh interpreter whose environment points the client at the emulator. The batch example, which
needs an S3 bucket and a service role, is left to tests/batch (it is type-checked with the rest)."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from typecheck import readme_programs

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PROGRAMS = {name: code for name, code in readme_programs().items() if ".batches." not in code}


def run(emu: Any, folder: Path, source: str) -> subprocess.CompletedProcess[str]:
    (folder / "cat.png").write_bytes(PNG)
    (folder / "example.py").write_text(source)
    env = dict(os.environ)
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_BEARER_TOKEN_BEDROCK", "PYTHONWARNINGS"):
        env.pop(name, None)
    env.update(
        AWS_ACCESS_KEY_ID=emu.access_key,
        AWS_SECRET_ACCESS_KEY=emu.secret_key,
        ANTHROPIC_BEDROCK_BASE_URL=emu.url,
        ANTHROPIC_BEDROCK_MANTLE_BASE_URL=emu.url + "/anthropic",  # the emulator serves the native routes too
    )
    env.pop("ANTHROPIC_AWS_API_KEY", None)
    return subprocess.run(
        [sys.executable, "example.py"], cwd=folder, capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_readme_example_runs(emulator: Any, tmp_path: Path, name: str) -> None:
    result = run(emulator, tmp_path, PROGRAMS[name])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert emulator.log and all(entry.status == 200 for entry in emulator.log)


def test_the_tools_example_calls_the_tool_then_answers(emulator: Any, tmp_path: Path) -> None:
    (source,) = [code for code in PROGRAMS.values() if "while answer.stop_reason" in code]
    result = run(emulator, tmp_path, source)
    assert result.returncode == 0, result.stderr
    first, second = (entry.json() for entry in emulator.requests("invoke"))
    assert len(first["messages"]) == 1 and len(second["messages"]) == 3
    assert second["messages"][2]["content"][0]["type"] == "tool_result"
    assert result.stdout.startswith("Sunny in emulated")  # the weather function's answer, echoed


def test_the_tools_example_handles_an_answer_without_a_tool_call(emulator: Any, tmp_path: Path) -> None:
    (source,) = [code for code in PROGRAMS.values() if "while answer.stop_reason" in code]
    plain = source.replace("Use a tool.", "Tell me.")
    assert plain != source
    result = run(emulator, tmp_path, plain)
    assert result.returncode == 0, result.stderr
    assert len(emulator.requests("invoke")) == 1
    assert result.stdout.startswith("What is the weather in Paris? Tell me.")


def test_every_messages_section_is_covered() -> None:
    joined = "\n".join(PROGRAMS.values())
    for snippet in (
        "client.messages.stream(",
        "stream=True",
        "while answer.stop_reason",
        "count_tokens(",
        "with_raw_response",
        "with_streaming_response",
        "client.beta.messages.create(",
        'Path("cat.png")',
    ):
        assert snippet in joined, snippet

"""Whole programs written for `anthropic`'s `AnthropicBedrock` run with only the import changed.

Each program in `programs/` is user code as an `anthropic` user writes it (`from anthropic import
AnthropicBedrock`, a client built from the environment): a streaming helper ending in `to_json()`,
an image read from a `Path`, `client.beta.messages`, a chat loop, a tool-use agent loop and an async
fan-out. Each runs twice in a fresh interpreter against the emulator: as written, with `anthropic`
2.14 (a dev-only dependency), and with `anthropic` replaced by `anthropic_bedrock` in its import
lines and nowhere else. Both runs must print the same and send the same bodies.

The one thing the harness changes for the reference run is outside the program: `anthropic` 2.14
puts its own API version in the body, where Bedrock documents `bedrock-2023-05-31` (which this
SDK sends and the emulator requires), so the reference run is told to send that. JSON the programs
print is compared as data, with null fields left out: `anthropic` 2.14's models list their fields
in alphabetical order and declare fields Bedrock never sends (`container`, `diagnostics`, ...:
null), where this SDK's follow the API's order and hold what the API describes.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("anthropic")

PROGRAMS = Path(__file__).resolve().parent / "programs"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
REFERENCE = (
    "import runpy, sys\n"
    "import anthropic.lib.bedrock._client as bedrock\n"
    "bedrock.ANTHROPIC_API_VERSION = 'bedrock-2023-05-31'\n"
    "runpy.run_path(sys.argv[1], run_name='__main__')\n"
)
STDIN = {"chat.py": "tell me about the sea\nand the waves\nthanks\n"}
TRANSPORTS = {"sync-or-httpx": "httpx", "aiohttp": "aiohttp"}


def ported(source: str) -> str:
    """The program with `anthropic` swapped for `anthropic_bedrock` in its imports only."""
    return re.sub(r"^(from|import) anthropic\b", r"\1 anthropic_bedrock", source, flags=re.M)


def run(emu: Any, command: list[str], stdin: str, transport: str) -> str:
    env = dict(os.environ)
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_BEARER_TOKEN_BEDROCK", "PYTHONWARNINGS"):
        env.pop(name, None)
    env.update(
        AWS_ACCESS_KEY_ID=emu.access_key,
        AWS_SECRET_ACCESS_KEY=emu.secret_key,
        AWS_REGION=emu.region,
        ANTHROPIC_BEDROCK_BASE_URL=emu.url,
        ANTHROPIC_BEDROCK_ASYNC_TRANSPORT=transport,
    )
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr  # no warnings, no noise at exit
    return result.stdout


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def as_data(output: str) -> str:
    """`output` with each JSON object in it rewritten canonically (sorted keys, no nulls)."""
    decoder = json.JSONDecoder()
    out, index = [], 0
    while index < len(output):
        if output[index] == "{":
            try:
                value, end = decoder.raw_decode(output, index)
            except ValueError:
                pass
            else:
                out.append(json.dumps(_without_nulls(value), sort_keys=True))
                index = end
                continue
        out.append(output[index])
        index += 1
    return "".join(out)


def bodies(emu: Any) -> list[str]:
    """The request bodies as canonical JSON, in a stable order (the fan-out sends concurrently)."""
    return sorted(json.dumps(entry.json(), sort_keys=True) for entry in emu.log)


def test_the_programs_are_anthropic_code() -> None:
    names = sorted(path.name for path in PROGRAMS.glob("*.py"))
    assert names == ["agent.py", "beta_messages.py", "chat.py", "fanout.py", "images.py", "messages_stream.py"]
    for path in PROGRAMS.glob("*.py"):
        source = path.read_text()
        assert "anthropic_bedrock" not in source and re.search(r"^from anthropic import", source, re.M)
        # Only import lines change.
        changed = [(a, b) for a, b in zip(source.splitlines(), ported(source).splitlines(), strict=False) if a != b]
        assert changed and all(line.startswith(("from ", "import ")) for line, _ in changed)


@pytest.mark.parametrize("transport", list(TRANSPORTS), ids=list(TRANSPORTS))
@pytest.mark.parametrize("name", sorted(path.name for path in PROGRAMS.glob("*.py")))
def test_same_program_same_output_same_wire(emulator: Any, tmp_path: Path, name: str, transport: str) -> None:
    source = (PROGRAMS / name).read_text()
    if transport == "aiohttp" and "Async" not in source:
        pytest.skip("a sync program: the async transport plays no part")
    theirs, ours = tmp_path / "theirs" / name, tmp_path / "ours" / name
    for path, text in ((theirs, source), (ours, ported(source))):
        path.parent.mkdir()
        path.write_text(text)
        (path.parent / "logo.png").write_bytes(PNG)
    stdin = STDIN.get(name, "")

    expected = run(emulator, [sys.executable, "-c", REFERENCE, str(theirs)], stdin, TRANSPORTS[transport])
    reference_bodies = bodies(emulator)
    emulator.reset()
    output = run(emulator, [sys.executable, str(ours)], stdin, TRANSPORTS[transport])
    assert as_data(output) == as_data(expected)
    assert bodies(emulator) == reference_bodies  # the same JSON on the wire
    assert emulator.signature_failures == 0 and all(entry.status == 200 for entry in emulator.log)
    assert output.strip()

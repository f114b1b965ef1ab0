"""The codegen drill: a spec change reaches users with no hand edit of `overlays/`.

On a copy of the spec, add a response content block kind, a stream delta kind, an optional request
field and an optional response field; generate; then, in a fresh process over the package merged
from the untouched overlays and the new generated code: the new classes import from
`anthropic_bedrock.types` and parse (from a response body and from an event stream) with their
typed fields, the new request field is checked by the SDK, accepted by the emulator (which checks
requests against the same shapes) and reaches the wire, and the new response field reads back.
The drill's wall time is printed (`pytest -s`).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from vendor import vendor  # noqa: E402


def _drilled_spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load((ROOT / "spec" / "bedrock-runtime.yaml").read_text())
    schemas = spec["components"]["schemas"]
    schemas["SparkleBlock"] = {
        "type": "object",
        "description": "A block of a kind added by the drill.",
        "required": ["type", "sparkle"],
        "additionalProperties": True,
        "properties": {
            "type": {"const": "sparkle"},
            "sparkle": {"type": "string"},
            "brightness": {"type": "integer"},
        },
    }
    schemas["ContentBlock"]["discriminator"]["mapping"]["sparkle"] = "#/components/schemas/SparkleBlock"
    schemas["GlitterDelta"] = {
        "type": "object",
        "description": "A delta of a kind added by the drill.",
        "required": ["type", "glitter"],
        "additionalProperties": True,
        "properties": {"type": {"const": "glitter_delta"}, "glitter": {"type": "string"}},
    }
    schemas["ContentBlockDelta"]["discriminator"]["mapping"]["glitter_delta"] = "#/components/schemas/GlitterDelta"
    request_part = next(part for part in schemas["MessageRequest"]["allOf"] if "properties" in part)
    request_part["properties"]["drill_mode"] = {"type": "string", "enum": ["calm", "lively"]}
    schemas["Message"]["properties"]["drill_note"] = {"type": "string", "description": "Added by the drill."}
    return spec


PROGRAM = r"""
import base64, json, sys
import httpx
from anthropic_bedrock import AnthropicBedrock
from anthropic_bedrock.emulator import emulator
from anthropic_bedrock.types import GlitterDelta, Message, SparkleBlock, parse_message_stream_event

body = {
    "id": "msg_1", "type": "message", "role": "assistant", "model": "m", "stop_reason": "end_turn",
    "stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 2}, "drill_note": "noted",
    "content": [{"type": "sparkle", "sparkle": "bright", "brightness": 7}],
}
message = Message.from_dict(body)
block = message.content[0]
assert isinstance(block, SparkleBlock) and block.sparkle == "bright" and block.brightness == 7, block
assert message.drill_note == "noted" and "drill_note" not in message.additional_properties

event = parse_message_stream_event(
    {"type": "content_block_delta", "index": 0, "delta": {"type": "glitter_delta", "glitter": "g"}}
)
assert isinstance(event.delta, GlitterDelta) and event.delta.glitter == "g", event

with emulator() as emu:
    client = AnthropicBedrock(
        aws_access_key=emu.access_key, aws_secret_key=emu.secret_key, aws_region=emu.region, base_url=emu.url
    )
    try:
        client.messages.create(model="anthropic.claude-x", max_tokens=5, messages=[{"role": "user", "content": "hi"}], drill_mode="wild")
    except ValueError as exc:
        assert "drill_mode" in str(exc), exc
    else:
        raise AssertionError("the SDK let a bad drill_mode through")
    answer = client.messages.create(
        model="anthropic.claude-x", max_tokens=5, messages=[{"role": "user", "content": "hi"}], drill_mode="lively"
    )
    assert answer.content, answer
    sent = json.loads(emu.requests("invoke")[-1].body)
    assert sent["drill_mode"] == "lively", sent
    # A field the (drilled) spec does not know is still refused by the emulator, as Bedrock refuses it.
    raw = httpx.post(
        emu.url + "/model/anthropic.claude-x/invoke", headers={"authorization": "Bearer " + emu.api_key},
        json={"anthropic_version": "bedrock-2023-05-31", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}], "drill_unknown": 1},
    )
    assert raw.status_code == 400 and "drill_unknown" in raw.text, raw.text
    stream = client.messages.create(
        model="anthropic.claude-x", max_tokens=5, messages=[{"role": "user", "content": "hi"}], drill_mode="calm", stream=True
    )
    assert stream.get_final_message().content
print("drill ok")
"""


def test_spec_change_reaches_users_with_no_hand_edit(tmp_path: Path) -> None:
    started = time.monotonic()
    spec_path = tmp_path / "spec.yaml"
    spec_path.write_text(yaml.safe_dump(_drilled_spec(), sort_keys=False))
    out = tmp_path / "generated"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate"), "--spec", str(spec_path), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    generated = time.monotonic()
    app = tmp_path / "app"
    vendor(app, generated=out)
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=300, cwd=app, env=_env(app)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "drill ok" in result.stdout
    done = time.monotonic()
    print(
        f"\ncodegen drill: generate {generated - started:.1f} s, use {done - generated:.1f} s, total {done - started:.1f} s"
    )


def _env(app: Path) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANTHROPIC_BEDROCK"))}
    env["PYTHONPATH"] = str(app)
    return env

"""The build pipeline: regeneration, vendoring, the wheel and a light import."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from vendor import vendor  # noqa: E402

GENERATE = [sys.executable, str(ROOT / "scripts" / "generate")]


def run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)  # type: ignore[call-overload,no-any-return]


def test_committed_tree_matches_a_fresh_generation() -> None:
    result = run([*GENERATE, "--check"])
    assert result.returncode == 0, result.stderr


def test_hand_edit_is_caught(tmp_path: Path) -> None:
    copy = tmp_path / "generated"
    run(["cp", "-r", str(ROOT / "generated"), str(copy)])
    target = copy / "models" / "completion.py"
    target.write_text(target.read_text() + "\n# edited by hand\n")
    (copy / "models" / "stray.py").write_text("x = 1\n")
    result = run([*GENERATE, "--check", "--output", str(copy)])
    assert result.returncode != 0
    assert "models/completion.py" in result.stderr
    assert "unexpected file: generated/models/stray.py" in result.stderr


def test_every_generated_file_has_the_header() -> None:
    for path in (ROOT / "generated").rglob("*.py"):
        assert path.read_text().startswith("# DO NOT EDIT"), path


def test_new_optional_spec_property_becomes_a_typed_field(tmp_path: Path) -> None:
    spec = (ROOT / "spec" / "bedrock-runtime.yaml").read_text()
    anchor = '        stop:\n          type: [string, "null"]\n          description: The stop sequence that ended the completion, if one did.\n    InvocationMetrics:'
    assert anchor in spec
    spec = spec.replace(
        anchor,
        anchor.replace(
            "    InvocationMetrics:",
            "        log_id:\n          type: string\n          description: An id for the log line.\n    InvocationMetrics:",
        ),
    )
    spec_path = tmp_path / "spec.yaml"
    spec_path.write_text(spec)
    out = tmp_path / "gen"
    result = run([*GENERATE, "--spec", str(spec_path), "--output", str(out)])
    assert result.returncode == 0, result.stderr
    source = (out / "models" / "completion.py").read_text()
    assert "log_id: str | None = None" in source
    app = tmp_path / "app"
    vendor(app, generated=out)
    code = (
        "from anthropic_bedrock._generated.models.completion import Completion\n"
        "c = Completion.from_dict({'completion': 'x', 'stop_reason': None, 'stop': None, 'log_id': 'L'})\n"
        "assert c.log_id == 'L' and 'log_id' not in c.additional_properties, c\n"
        "assert c.to_dict()['log_id'] == 'L'\n"
    )
    result = run([sys.executable, "-c", code], cwd=app)
    assert result.returncode == 0, result.stderr


def test_vendored_copy_works_under_another_parent(tmp_path: Path) -> None:
    vendor_dir = tmp_path / "app" / "_vendor"
    vendor_dir.mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    (vendor_dir / "__init__.py").write_text("")
    vendor(vendor_dir)
    code = (
        "import app._vendor.anthropic_bedrock as ab\n"
        f"assert ab.__file__.startswith({str(tmp_path)!r}), ab.__file__\n"
        "from app._vendor.anthropic_bedrock.types import Completion\n"
        "c = Completion.from_dict({'completion': ' hi', 'stop_reason': 'max_tokens', 'stop': None, 'extra': 1})\n"
        "assert Completion.from_dict(c.model_dump()) == c\n"
        "assert c.model_dump(exclude_unset=True) == {'completion': ' hi', 'stop_reason': 'max_tokens', 'stop': None, 'extra': 1}\n"
        "client = ab.AnthropicBedrock(aws_access_key='a', aws_secret_key='b', aws_region='eu-west-1')\n"
        "assert client.base_url == 'https://bedrock-runtime.eu-west-1.amazonaws.com'\n"
        "import sys; assert 'anthropic_bedrock' not in sys.modules\n"
    )
    result = run([sys.executable, "-c", code], cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_import_is_light() -> None:
    code = (
        "import sys, anthropic_bedrock\n"
        "assert 'botocore' not in sys.modules\n"
        "client = anthropic_bedrock.AnthropicBedrock(aws_access_key='a', aws_secret_key='b')\n"
        "assert 'botocore' not in sys.modules, 'botocore imported before it is needed'\n"
        "assert 'anthropic_bedrock.tokenizer' not in sys.modules\n"
        # The Messages models load on the first Messages call, and a sync program never loads asyncio.
        "assert 'anthropic_bedrock._generated.models.message' not in sys.modules\n"
        "assert 'anthropic_bedrock._operations.messages' not in sys.modules\n"
        "assert 'asyncio' not in sys.modules\n"
        "from anthropic_bedrock.types import MessageParam, TextBlock\n"
        "assert 'anthropic_bedrock._generated.models.text_block' in sys.modules\n"
        "assert 'anthropic_bedrock._generated.models.message' not in sys.modules  # only what is asked for\n"
    )
    result = run([sys.executable, "-c", code])
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_wheel_holds_both_halves_and_imports(tmp_path: Path) -> None:
    result = run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "dist"), str(ROOT)])
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "anthropic_bedrock/__init__.py",
        "anthropic_bedrock/py.typed",
        "anthropic_bedrock/_generated/models/completion.py",
        "anthropic_bedrock/_generated/api/runtime/invoke_model.py",
        "anthropic_bedrock/emulator/__init__.py",
        "anthropic_bedrock/tokenizer/tokenizer.json",
    ):
        assert required in names, required
    on_disk = {
        str(p.relative_to(ROOT / "generated"))
        for p in (ROOT / "generated").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert {f"anthropic_bedrock/_generated/{n}" for n in on_disk} <= names, (
        "a generated subpackage is missing from the wheel"
    )
    target = tmp_path / "site"
    result = run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)])
    assert result.returncode == 0, result.stderr
    code = (
        "import anthropic_bedrock, anthropic_bedrock.types as t\n"
        f"assert anthropic_bedrock.__file__.startswith({str(target)!r}), anthropic_bedrock.__file__\n"
        "assert t.Completion.from_dict({'completion': 'a', 'stop_reason': None, 'stop': None}).completion == 'a'\n"
    )
    result = run([sys.executable, "-c", code], env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr

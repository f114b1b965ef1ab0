"""The `anthropic-bedrock` command line against the emulator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from anthropic_bedrock._cli import main


@pytest.fixture
def aws_env(emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", emulator.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", emulator.secret_key)
    monkeypatch.setenv("AWS_REGION", emulator.region)
    monkeypatch.setenv("ANTHROPIC_BEDROCK_BASE_URL", emulator.url)
    for var in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_BEARER_TOKEN_BEDROCK"):
        monkeypatch.delenv(var, raising=False)
    return emulator


def test_complete_prints_the_completion(aws_env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["complete", "hello there sea", "--max-tokens", "5"]) == 0
    out = capsys.readouterr().out
    assert out.split() == ["hello", "there", "sea", "hello", "there"]
    body = aws_env.requests("invoke")[0].json()
    assert body["prompt"] == "\n\nHuman: hello there sea\n\nAssistant:"
    assert body["max_tokens_to_sample"] == 5


def test_complete_streams(aws_env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["complete", "one two", "--max-tokens", "4", "--stream"]) == 0
    assert capsys.readouterr().out.split() == ["one", "two", "one", "two"]
    assert len(aws_env.requests("stream")) == 1


def test_messages_prints_the_answer(aws_env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["messages", "hello there sea", "--max-tokens", "5", "--system", "be brief"]) == 0
    assert capsys.readouterr().out.split() == ["hello", "there", "sea", "hello", "there"]
    (entry,) = aws_env.requests("invoke")
    body = entry.json()
    assert body["messages"] == [{"role": "user", "content": "hello there sea"}]
    assert body["system"] == "be brief" and body["max_tokens"] == 5
    assert "/model/us.anthropic.claude-" in entry.path  # a current model's inference profile by default


def test_messages_streams(aws_env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["messages", "one two", "--max-tokens", "4", "--stream", "--stop", "zzz"]) == 0
    assert capsys.readouterr().out.split() == ["one", "two", "one", "two"]
    assert aws_env.requests("stream")[0].json()["stop_sequences"] == ["zzz"]


@pytest.mark.parametrize(("endpoint", "service"), [("mantle", "bedrock-mantle"), ("runtime", "bedrock")])
def test_messages_on_the_anthropic_native_endpoints(
    aws_env: Any, capsys: pytest.CaptureFixture[str], endpoint: str, service: str
) -> None:
    # runtime: ANTHROPIC_BEDROCK_BASE_URL under /anthropic; mantle: its own base URL
    extra = ["--base-url", aws_env.url + "/anthropic"] if endpoint == "mantle" else []
    assert main(["messages", "one two", "--max-tokens", "3", "--stream", "--endpoint", endpoint, *extra]) == 0
    assert capsys.readouterr().out.split() == ["one", "two", "one"]
    assert main(["count-tokens", "one two", "--endpoint", endpoint, *extra]) == 0
    assert capsys.readouterr().out.strip() == "2"
    streamed, counted = aws_env.log
    assert streamed.path == "/anthropic/v1/messages" and streamed.json()["stream"] is True
    assert counted.path == "/anthropic/v1/messages/count_tokens"
    assert f"/{service}/aws4_request" in (streamed.header("authorization") or "")


def test_errors_are_one_line_with_nonzero_exit(aws_env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["complete", "hi", "--model", "nonexistent.model"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: NotFoundError:") and "\n" not in err
    assert main(["complete", "hi", "--max-tokens", "0"]) == 2
    assert "max_tokens_to_sample" in capsys.readouterr().err
    assert main(["messages", "hi", "--max-tokens", "0"]) == 2
    assert "max_tokens" in capsys.readouterr().err


def test_unreachable_endpoint(aws_env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["complete", "hi", "--base-url", "http://127.0.0.1:9", "--max-retries", "0"])
    assert code == 1
    assert capsys.readouterr().err.startswith("error: APIConnectionError:")


def test_console_script(aws_env: Any) -> None:
    script = Path(sys.executable).parent / "anthropic-bedrock"
    env = dict(os.environ)
    result = subprocess.run(
        [str(script), "complete", "alpha beta", "--max-tokens", "3", "--stream"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["alpha", "beta", "alpha"]


def test_emulator_subcommand_serves_until_terminated(tmp_path: Path) -> None:
    import signal

    import httpx

    script = Path(sys.executable).parent / "anthropic-bedrock"
    proc = subprocess.Popen([str(script), "emulator", "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        # Unsigned request: the emulator is up and refuses it the way Bedrock would.
        response = httpx.post(url + "/model/anthropic.claude-v2/invoke", json={}, timeout=10)
        assert response.status_code == 403
        assert response.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_complete_does_not_import_the_emulator() -> None:
    code = (
        "import sys\n"
        "from anthropic_bedrock._cli import _parser\n"
        "_parser().parse_args(['complete', 'hi'])\n"
        "assert 'anthropic_bedrock.emulator' not in sys.modules\n"
    )
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import anthropic_bedrock

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"anthropic-bedrock {anthropic_bedrock.__version__}"


@pytest.mark.parametrize("command", [[], ["messages"], ["count-tokens"], ["complete"], ["emulator"]])
def test_every_help_ends_with_examples(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    examples = out[out.index("examples:") :].splitlines()[1:]
    assert examples and all(
        line.strip().startswith(("anthropic-bedrock", "echo", "cat", "ANTHROPIC_")) for line in examples
    )


@pytest.mark.parametrize("command", ["messages", "count-tokens", "complete"])
def test_a_dash_reads_the_prompt_from_stdin(
    aws_env: Any, command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64
    import io
    import json

    monkeypatch.setattr("sys.stdin", io.StringIO("  from the pipe\n"))
    assert main([command, "-"]) == 0
    body = aws_env.log[-1].json()
    if "input" in body:  # CountTokens carries the InvokeModel body base64-encoded
        body = json.loads(base64.b64decode(body["input"]["invokeModel"]["body"]))
    text = str(body)
    assert "from the pipe" in text and "'-'" not in text
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert main([command, "-"]) == 2
    assert "the prompt read from stdin is empty" in capsys.readouterr().err


def test_json_output(aws_env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["messages", "hello there", "--max-tokens", "3", "--json"]) == 0
    message = json.loads(capsys.readouterr().out)
    assert message["type"] == "message" and message["content"] == [{"type": "text", "text": "hello there hello"}]
    assert main(["messages", "hello there", "--max-tokens", "2", "--json", "--stream"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert events[0]["type"] == "message_start" and events[-1]["type"] == "message_stop"
    assert main(["count-tokens", "hello there", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"input_tokens": 2}
    assert main(["complete", "one two", "--max-tokens", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["completion"] == " one two"
    assert main(["complete", "one two", "--max-tokens", "2", "--json", "--stream"]) == 0
    chunks = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [chunk["completion"] for chunk in chunks] == [" one", " two"]


def test_connection_errors_name_the_url(aws_env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["messages", "hi", "--base-url", "http://127.0.0.1:9", "--max-retries", "0"])
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: APIConnectionError:") and "\n" not in err
    assert "http://127.0.0.1:9/model/" in err

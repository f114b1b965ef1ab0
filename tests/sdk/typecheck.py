"""Run mypy and pyright, both strict, over user programs against an installed `anthropic_bedrock`.

The programs are the README's Messages API examples (each with a prelude that defines the names
it takes from the text around it), a tool conversation, and a file of known mistakes. They are
checked as a user's project would be: from a folder outside the checkout, against the package
installed in a Python environment (the editable install of `make install`, or a wheel).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PROGRAMS = Path(__file__).resolve().parent / "typing"

# Names the README's examples take from the text around them, defined only when a block uses them
# without defining them.
PRELUDE = {
    "AnthropicBedrock": "from anthropic_bedrock import AnthropicBedrock",
    "client": "from anthropic_bedrock import AnthropicBedrock\nclient = AnthropicBedrock(aws_region='us-east-1')",
    "MODEL": "MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'",
    "messages": (
        "from anthropic_bedrock.types import MessageParam\n"
        "messages: list[MessageParam] = [{'role': 'user', 'content': 'Hello'}]"
    ),
    "tools": (
        "from anthropic_bedrock.types import ToolParam\n"
        "tools: list[ToolParam] = [{'name': 'get_weather', 'input_schema': {'type': 'object'}}]"
    ),
    "weather": "def weather(city: str) -> str:\n    return f'Sunny in {city}'",
}


def readme_programs() -> dict[str, str]:
    """The README's Python examples that call the Messages API, each made a whole program."""
    text = (ROOT / "README.md").read_text()
    programs = {}
    for number, block in enumerate(re.findall(r"```python\n(.*?)```", text, re.S)):
        if ".messages." not in block:
            continue
        defined = set(re.findall(r"^(\w+)\s*(?::[^=\n]*)?=", block, re.M))
        defined |= set(re.findall(r"^def (\w+)", block, re.M))
        for names in re.findall(r"^(?:from \S+ )?import (.+)$", block, re.M):
            defined |= {name.split()[-1] for name in names.split(",")}
        used = set(re.findall(r"\b(\w+)\b", block))
        prelude = [code for name, code in PRELUDE.items() if name in used and name not in defined]
        programs[f"readme_{number}.py"] = "\n".join([*prelude, block])
    return programs


@dataclass
class Finding:
    checker: str
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.checker}: {self.file}:{self.line}: {self.message}"


def run_mypy(folder: Path, files: list[str], python: Path | None = None) -> list[Finding]:
    """mypy --strict over `files` in `folder`, finding packages in `python`'s environment."""
    command = [str(BIN / "mypy"), "--strict", "--no-incremental", "--cache-dir", str(folder / ".mypy-cache")]
    command += ["--config-file", "", "--hide-error-context", "--no-error-summary", "--show-error-codes"]
    if python is not None:
        command += ["--python-executable", str(python)]
    result = subprocess.run([*command, *files], cwd=folder, capture_output=True, text=True, timeout=600)
    findings = []
    for line in result.stdout.splitlines():
        match = re.match(r"(.+?):(\d+): error: (.*)", line)
        if match:
            findings.append(Finding("mypy", Path(match[1]).name, int(match[2]), match[3]))
    if result.returncode not in (0, 1) or (result.returncode == 1 and not findings):
        raise RuntimeError(f"mypy failed: {result.stdout}{result.stderr}")
    return findings


def run_pyright(folder: Path, files: list[str], python: Path) -> list[Finding]:
    """pyright in strict mode over `files` in `folder`, with `python`'s environment."""
    config = {"typeCheckingMode": "strict", "pythonVersion": "3.11", "include": files}
    (folder / "pyrightconfig.json").write_text(json.dumps(config))
    command = [str(BIN / "pyright"), "--outputjson", "--project", str(folder), "--pythonpath", str(python)]
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        raise RuntimeError(f"pyright failed: {result.stdout}{result.stderr}") from None
    if report["summary"]["filesAnalyzed"] != len(files):
        raise RuntimeError(f"pyright analysed {report['summary']['filesAnalyzed']} of {len(files)} files")
    return [
        Finding("pyright", Path(d["file"]).name, d["range"]["start"]["line"] + 1, d["message"])
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    ]


def write_programs(folder: Path) -> list[str]:
    """The README programs, the tool conversation and the mistakes file, written into `folder`."""
    programs = readme_programs()
    for name in ("tool_conversation.py", "stream_events.py", "mistakes.py"):
        programs[name] = (PROGRAMS / name).read_text()
    for name, source in programs.items():
        (folder / name).write_text(source)
    return sorted(programs)


def check_all(folder: Path, python: Path) -> list[Finding]:
    """Both checkers over every program, against the package installed for `python`."""
    files = write_programs(folder)
    mypy = run_mypy(folder, files, None if python == Path(sys.executable) else python)
    return mypy + run_pyright(folder, files, python)


def marked_mistakes() -> set[int]:
    """The lines of mistakes.py marked `# error`."""
    lines = (PROGRAMS / "mistakes.py").read_text().splitlines()
    return {number for number, line in enumerate(lines, 1) if line.endswith("# error")}


def assert_as_expected(findings: list[Finding]) -> None:
    """The clean programs have no error, and each checker flags mistakes.py at its marked lines only."""
    unexpected = [str(f) for f in findings if f.file != "mistakes.py"]
    assert not unexpected, "\n".join(unexpected)
    for checker in ("mypy", "pyright"):
        flagged = {f.line for f in findings if f.checker == checker}
        assert flagged == marked_mistakes(), (checker, sorted(flagged ^ marked_mistakes()))

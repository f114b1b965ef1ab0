"""The README's Messages API examples, a tool conversation and a streaming program type-check under
`mypy --strict` and pyright's strict mode against the editable install (`make install`), with no
cast: comparing `type` narrows a block, an event or a delta to its kind. A file of known mistakes
is flagged at its marked lines, by both checkers, and nowhere else."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from typecheck import assert_as_expected, check_all, readme_programs


def test_the_readme_examples_are_found() -> None:
    programs = readme_programs()
    assert len(programs) >= 7, sorted(programs)
    joined = "\n".join(programs.values())
    for snippet in ('block.type == "tool_use"', 'event.delta.type == "text_delta"', "count_tokens", "stream("):
        assert snippet in joined


@pytest.mark.slow
@pytest.mark.timeout(900)  # type checkers and a wheel build: minutes on a busy machine
def test_user_programs_type_check_against_the_editable_install(tmp_path: Path) -> None:
    # The editable install is a static link tree (setuptools' strict mode), which both checkers
    # follow; setuptools' default import hook leaves them without the package.
    spec = importlib.util.find_spec("anthropic_bedrock")
    assert spec is not None and spec.origin is not None
    if "__editable__" not in spec.origin:
        pytest.skip(f"not an editable install: {spec.origin}")
    assert_as_expected(check_all(tmp_path, Path(sys.executable)))

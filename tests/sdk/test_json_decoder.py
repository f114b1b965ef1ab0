"""The one JSON decoder: its fast path for compact text gives what `json.loads` gives, errors included."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anthropic_bedrock._json import JSONNestingError, loads

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(values, st.sampled_from([(",", ":"), (", ", ": ")]), st.sampled_from(["", " ", "\n", "\t "]))
def test_same_value_as_json_loads(value: object, separators: tuple[str, str], pad: str) -> None:
    for text in (json.dumps(value, separators=separators), pad + json.dumps(value) + pad):
        assert loads(text) == json.loads(text)
        assert loads(text.encode()) == json.loads(text)


@pytest.mark.parametrize(
    "text",
    ["", " ", '{"a": }', '{"a": 1} x', '{"a": 1}{', "[1, 2", "nul", '"unterminated', '{"a": 1,}', "1 2"],
)
def test_same_error_as_json_loads(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(json.JSONDecodeError) as got:
        loads(text)
    assert (got.value.msg, got.value.pos) == (expected.value.msg, expected.value.pos)


def test_deep_nesting_is_a_value_error() -> None:
    with pytest.raises(JSONNestingError):
        loads("[" * 200_000 + "]" * 200_000)

"""The partial-JSON parser behind tool input in streams: what a cut document gives (as jiter's partial
mode, which `anthropic` uses, gives it), what is refused, and that it never recurses."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jiter import from_json

from anthropic_bedrock._streaming.partial_json import MAX_DEPTH, NO_VALUE, PartialJSONError, parse_partial

CUT = [
    ("", NO_VALUE),
    ("   ", NO_VALUE),
    ("{", {}),
    ('{"ci', {}),
    ('{"city"', {}),
    ('{"city": ', {}),
    ('{"city": "Par', {}),
    ('{"city": "Paris"', {"city": "Paris"}),
    ('{"city": "Paris", "days": 1', {"city": "Paris", "days": 1}),
    ('{"n": 1.', {}),
    ('{"n": -', {}),
    ('{"n": 2e', {}),
    ('{"n": -0', {"n": 0}),
    ('{"n": tr', {}),
    ('{"n": null', {"n": None}),
    ('[1, "ab', [1]),
    ("[1,", [1]),
    ('[1, {"a": [', [1, {"a": []}]),
    ('{"a": [1] ,"b', {"a": [1]}),
    ('{"a": "x\\', {}),
    ('{"a": "\\u00', {}),
    ('"abc', NO_VALUE),
    ("12", 12),
    ("tru", NO_VALUE),
]


@pytest.mark.parametrize(("text", "value"), CUT)
def test_what_a_cut_document_gives(text: str, value: Any) -> None:
    assert parse_partial(text) == value


BAD = [
    '{"a": 1}}',
    '{"a": 1} x',
    '{"a" 1}',
    "[1,]",
    '{"a": 1,}',
    "[1 2",
    '{"a": 1, 12',
    '["a\\qb", 1',
    "NaN",
    "[Infinity",
    "{[",
    "[}",
    '{"n": 01',
    '["\x01"]',
]


@pytest.mark.parametrize("text", BAD)
def test_what_cannot_be_json_is_refused(text: str) -> None:
    with pytest.raises(PartialJSONError):
        parse_partial(text)


def test_nesting_is_bounded_without_recursion() -> None:
    deep = "[" * MAX_DEPTH
    assert parse_partial(deep) is not NO_VALUE
    for text in ("[" * (MAX_DEPTH + 1), "[" * 100_000, '{"a": ' * 100_000, "[" * 100_000 + "]" * 100_000):
        with pytest.raises(PartialJSONError, match="nested"):
            parse_partial(text)


def test_whole_documents_parse_as_the_json_module_parses_them() -> None:
    document = {"s": 'q"\\\u00e9\U0001f600\n', "big": 10**40, "f": -1.5e-7, "l": [True, False, None, {}, []]}
    text = json.dumps(document)
    assert parse_partial(text) == json.loads(text) == document
    assert parse_partial(" \n" + text + "\t ") == document


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


def _no_surrogates(value: Any) -> bool:
    return "\\ud" not in json.dumps(value).lower()  # jiter refuses lone surrogates, which json allows


@settings(max_examples=300, deadline=None)
@given(JSON, st.data(), st.booleans())
def test_every_cut_gives_what_jiter_gives(value: Any, data: st.DataObject, ascii_only: bool) -> None:
    if not _no_surrogates(value):
        return
    text = json.dumps(value, ensure_ascii=ascii_only)
    cut = data.draw(st.integers(0, len(text)))
    prefix = text[:cut]
    ours = parse_partial(prefix)
    try:
        theirs = from_json(prefix.encode(), partial_mode=True)
    except ValueError:
        # jiter refuses a cut lone scalar or an empty text; here those hold no value yet.
        assert ours is NO_VALUE
        return
    assert ours == theirs or (ours is NO_VALUE and prefix.strip() == "")
    if cut == len(text):
        assert ours == value or value != value  # a float that is not equal to itself never comes from JSON


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='{}[],:"\\ 0123456789.eE-+truefalsnabc', max_size=40))
def test_any_text_either_parses_or_raises_a_value_error(text: str) -> None:
    try:
        parse_partial(text)
    except PartialJSONError as exc:
        assert isinstance(exc, ValueError) and 0 <= exc.position <= len(text)

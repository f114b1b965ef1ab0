"""A dict or list in a request that contains itself is refused at once, naming where, on every
entry point that takes one: `extra_body`, a tool's `input_schema`, a `tool_use` block's `input`
and `count_tokens`' tools. (Looking for the place used to walk the cycle for ever, eating memory.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from drivers import Driver

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
HELLO = [{"role": "user", "content": "one two three"}]


def _helper(d: Driver, **kw: Any) -> Any:
    # The arguments are checked when `stream()` is called, before anything is sent.
    return d.client.messages.stream(model=MODEL, max_tokens=5, **kw)


CALLS: dict[str, Callable[..., Any]] = {
    "create": lambda d, **kw: d.run(d.client.messages.create(model=MODEL, max_tokens=5, **kw)),
    "create(stream=True)": lambda d, **kw: d.run(
        d.client.messages.create(model=MODEL, max_tokens=5, stream=True, **kw)
    ),
    "with_raw_response.create": lambda d, **kw: d.run(
        d.client.messages.with_raw_response.create(model=MODEL, max_tokens=5, **kw)
    ),
    "stream()": _helper,
    "count_tokens": lambda d, **kw: d.run(d.client.messages.count_tokens(model=MODEL, **kw)),
}


def _dict_cycle() -> dict[str, Any]:
    loop: dict[str, Any] = {"type": "object"}
    loop["properties"] = {"self": loop}
    return loop


def _list_cycle() -> list[Any]:
    items: list[Any] = [1]
    items.append(items)
    return items


def cases() -> dict[str, tuple[dict[str, Any], str]]:
    """Arguments holding a cycle, and the place the error must name."""
    tool_use = {"type": "tool_use", "id": "toolu_1", "name": "get", "input": {"list": _list_cycle()}}
    return {
        "extra_body dict": ({"messages": HELLO, "extra_body": {"note": _dict_cycle()}}, r"note\.properties\.self"),
        "extra_body list": ({"messages": HELLO, "extra_body": {"note": _list_cycle()}}, r"note\[1\]"),
        "input_schema": (
            {"messages": HELLO, "tools": [{"name": "get", "input_schema": _dict_cycle()}]},
            r"tools\[0\]\.input_schema\.properties\.self",
        ),
        "tool_use input": (
            {
                "messages": [
                    {"role": "user", "content": "go"},
                    {"role": "assistant", "content": [tool_use]},
                    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}]},
                ]
            },
            r"messages\[1\]\.content\[0\]\.input\.list\[1\]",
        ),
    }


@pytest.mark.timeout(20)
@pytest.mark.parametrize("case", list(cases()))
@pytest.mark.parametrize("call", list(CALLS))
def test_a_request_that_contains_itself_is_refused_at_once(driver: Driver, emulator: Any, call: str, case: str) -> None:
    kwargs, place = cases()[case]
    with pytest.raises(ValueError, match=place + " contains itself"):
        CALLS[call](driver, **kwargs)
    assert emulator.log == []

"""Where a request is wrong, and how: the place (`Path`) and the error a failed check raises.

A failed check raises `CheckTypeError` (a `TypeError`) or `CheckValueError` (a `ValueError`),
whose message names the place the Python way (`messages[1].content[0].source.media_type`) and
which also carry the place, the rule broken and its details as data. The SDK shows the message;
the emulator, which validates what it receives with the same checks, words it as Bedrock does
(`#/messages/1/content/0/source/media_type: ...`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["CheckError", "CheckTypeError", "CheckValueError", "Path", "keys", "pointer", "render"]

# A place in a request: None at the top, else (parent, key or index). Built per node, rendered only
# when something is wrong, so a passing check never formats a string.
Path = tuple[Any, str | int] | None


def keys(path: Path) -> list[str | int]:
    """The keys and indexes from the top of the request down to `path`."""
    parts: list[str | int] = []
    while path is not None:
        path, key = path
        parts.append(key)
    parts.reverse()
    return parts


def render(path: Path) -> str:
    """`messages[1].content[0]`; "the request" at the top."""
    text = ""
    for key in keys(path):
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else key)
    return text or "the request"


def pointer(path: Path) -> str:
    """The JSON pointer of `path` in the form Bedrock's messages use (`#/messages/1/content/0`)."""
    return "#" + "".join(f"/{key}" for key in keys(path))


class CheckError(Exception):
    """A request failed a check: `path` is where, `rule` which check (`type`, `missing`, `enum`,
    `const`, `finite`, `minimum`, `maximum`, `min_length`, `max_length`, `pattern`, `min_items`,
    `max_items`, `base64`, `extraneous`, `kind`, `encoding`), `info` its details (`value`,
    `expected`, `key`, `bound`, `allowed`; for `missing`, `keys`: every required key the object
    lacks)."""

    def __init__(self, message: str, path: Path, rule: str, info: dict[str, Any]) -> None:
        super().__init__(message)
        self.path = path
        self.rule = rule
        self.info = info


class CheckTypeError(CheckError, TypeError):
    """A value of the wrong type, or a missing or unexpected key."""


class CheckValueError(CheckError, ValueError):
    """A value of the right type that breaks a rule (an enumeration, a bound, a pattern)."""

"""Best-effort parsing of JSON that may be cut short: a tool call's input while it streams in, or
after `max_tokens` stopped the model in the middle of it.

The rule is the one `anthropic` follows (it parses tool input with jiter's partial mode): what is
complete is kept, what is cut is left out.

- Open arrays and objects are closed where the text ends: `{"a": [1, 2` is `{"a": [1, 2]}`.
- A string cut before its closing quote is left out, and so is its key, or a key cut short:
  `{"city": "Paris", "unit": "cel` is `{"city": "Paris"}`.
- A number is kept when its text is already a whole number (`12`, `-0`, `1.5`, `2e3`) and left out
  when it is not (`-`, `1.`, `2e`); a cut `true`, `false` or `null` is left out, as is a key whose
  value has not started (`{"a":`).
- Text with no value yet (empty, or only whitespace, or a cut scalar) gives `NO_VALUE`.

Anything that cannot be the beginning of a JSON document raises `PartialJSONError` (a `ValueError`)
saying where: an unexpected character, a bad escape, a trailing comma, `NaN`, or any text after a
complete value (which jiter ignores). A cut document nests at most `MAX_DEPTH` deep (jiter's limit
too), so the result can be walked, copied and sent back without running out of stack.

Pure, and linear in the length of the text, with no recursion of its own: a whole document goes to
the `json` module (C speed); a cut one is scanned once with regular expressions for the containers
left open, its last element is judged token by token with an explicit stack, and the text before
it, with the open containers closed, goes to the `json` module, which finds any error in it. A
400,000-character cut document parses in tens of milliseconds.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

__all__ = ["MAX_DEPTH", "NO_VALUE", "PartialJSONError", "parse_partial"]

MAX_DEPTH: Final = 200


class _NoValue:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE: Final = _NoValue()
"""What `parse_partial` returns for text that holds no value yet."""


class PartialJSONError(ValueError):
    """The text is not the beginning of a JSON document; `position` is where it goes wrong."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at character {position}")
        self.position = position


_WHITESPACE = re.compile(r"[ \t\n\r]+")
# A whole string; its body (group 1) without escapes is the value itself.
_STRING = re.compile(r'"((?:[^"\\\x00-\x1f]++|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*+)"')
# The beginning of a string that the text cuts before its closing quote.
_CUT_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]++|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*+(?:\\(?:u[0-9a-fA-F]{0,3})?)?')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
# The beginning of a number (what a number cut anywhere looks like).
_CUT_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)?(?:\.[0-9]*)?(?:[eE][+-]?[0-9]*)?")
_LITERALS: Final = {"t": ("true", True), "f": ("false", False), "n": ("null", None)}

# What the parser expects next.
_VALUE, _VALUE_OR_CLOSE, _KEY, _KEY_OR_CLOSE, _COLON, _COMMA_OR_CLOSE, _DONE = range(7)
_CUT = object()  # a scalar the text cut short: left out


def _scalar(text: str, pos: int, char: str) -> tuple[object, int]:
    """The string, number or literal at `pos` and the position after it; `_CUT` when the text
    ends inside it."""
    if char == '"':
        match = _STRING.match(text, pos)
        if match is not None:
            body = match.group(1)
            return (json.loads(match.group()) if "\\" in body else body), match.end()
        cut = _CUT_STRING.match(text, pos)
        if cut is not None and cut.end() == len(text):
            return _CUT, len(text)
        raise PartialJSONError("invalid string (a bad escape or an unescaped control character)", pos)
    if char == "-" or "0" <= char <= "9":
        match = _NUMBER.match(text, pos)
        if match is not None and match.end() == len(text):
            return _number(match), match.end()
        cut = _CUT_NUMBER.match(text, pos)
        if cut is not None and cut.end() == len(text):
            return _CUT, len(text)  # `-`, `1.`, `2e+`: not a number yet
        if match is None:
            raise PartialJSONError("invalid number", pos)
        return _number(match), match.end()
    literal = _LITERALS.get(char)
    if literal is not None:
        word, value = literal
        if text.startswith(word, pos):
            return value, pos + len(word)
        if word.startswith(text[pos : pos + len(word)]) and pos + len(word) > len(text):
            return _CUT, len(text)
    raise PartialJSONError(f"unexpected {char!r}", pos)


def _skip(text: str, pos: int) -> int:
    """The position of the first character at or after `pos` that is not JSON whitespace."""
    match = _WHITESPACE.match(text, pos)
    return pos if match is None else match.end()


def _number(match: re.Match[str]) -> object:
    text = match.group()
    return float(text) if match.group(1) or match.group(2) else int(text)


def _parse_tokens(text: str, max_depth: int = MAX_DEPTH) -> object:
    """`parse_partial` token by token: used for the few tokens the fast path cannot settle."""
    root: object = NO_VALUE
    stack: list[dict[str, object] | list[object]] = []
    key: str | None = None  # the key waiting for its value, in the innermost object
    state = _VALUE
    size = len(text)
    pos = _skip(text, 0)
    while pos < size:
        char = text[pos]
        if state in (_VALUE, _VALUE_OR_CLOSE):
            if char == "]" and state == _VALUE_OR_CLOSE:
                stack.pop()
                state = _COMMA_OR_CLOSE if stack else _DONE
                pos += 1
            else:
                value: object
                if char == "{" or char == "[":
                    if len(stack) >= max_depth:
                        raise PartialJSONError(f"nested deeper than {max_depth} levels", pos)
                    value = {} if char == "{" else []
                    pos += 1
                else:
                    value, pos = _scalar(text, pos, char)
                    if value is _CUT:
                        break
                if not stack:
                    root = value
                elif key is not None:
                    stack[-1][key] = value  # type: ignore[call-overload]
                    key = None
                else:
                    stack[-1].append(value)  # type: ignore[union-attr]
                if char == "{":
                    stack.append(value)  # type: ignore[arg-type]
                    state = _KEY_OR_CLOSE
                elif char == "[":
                    stack.append(value)  # type: ignore[arg-type]
                    state = _VALUE_OR_CLOSE
                else:
                    state = _COMMA_OR_CLOSE if stack else _DONE
        elif state in (_KEY, _KEY_OR_CLOSE):
            if char == "}" and state == _KEY_OR_CLOSE:
                stack.pop()
                state = _COMMA_OR_CLOSE if stack else _DONE
                pos += 1
            elif char == '"':
                name, pos = _scalar(text, pos, char)
                if name is _CUT:
                    break
                key = name  # type: ignore[assignment]
                state = _COLON
            else:
                raise PartialJSONError("trailing comma" if char == "}" else f"expected a string key, got {char!r}", pos)
        elif state == _COLON:
            if char != ":":
                raise PartialJSONError(f"expected ':', got {char!r}", pos)
            state = _VALUE
            pos += 1
        elif state == _COMMA_OR_CLOSE:
            container = stack[-1]
            if char == ",":
                state = _KEY if isinstance(container, dict) else _VALUE
                pos += 1
                after = _skip(text, pos)
                if after < size and text[after] in "]}":
                    raise PartialJSONError("trailing comma", after)
            elif char == ("}" if isinstance(container, dict) else "]"):
                stack.pop()
                state = _COMMA_OR_CLOSE if stack else _DONE
                pos += 1
            else:
                closing = "'}'" if isinstance(container, dict) else "']'"
                raise PartialJSONError(f"expected ',' or {closing}, got {char!r}", pos)
        else:
            raise PartialJSONError("text after the end of the value", pos)
        pos = _skip(text, pos)
    return root


def _reject_constant(name: str) -> object:
    raise PartialJSONError(f"{name} is not JSON", 0)


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
# What the structural scan stops at: a whole string (or one the text cuts), a bracket or a comma.
# Numbers, literals, colons and whitespace in between are skipped in C.
_STRUCTURE = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)|[\[\]{},]', re.DOTALL)


def _decode(text: str, length: int) -> object:
    """`text` by the `json` module; an error's position is kept within the `length` characters
    that came from the caller (the rest are the brackets added to close what was open)."""
    try:
        return _DECODER.decode(text)
    except PartialJSONError:
        raise
    except json.JSONDecodeError as exc:
        raise PartialJSONError(exc.msg, min(exc.pos, length)) from None
    except ValueError as exc:  # an integer with more digits than Python converts
        raise PartialJSONError(str(exc), 0) from None
    except RecursionError:
        raise PartialJSONError("nested too deeply", 0) from None


def parse_partial(text: str, *, max_depth: int = MAX_DEPTH) -> object:
    """The value of `text`, JSON that may be cut anywhere (see the module docstring for the rule);
    `NO_VALUE` when it holds no value yet. Raises PartialJSONError when it cannot be JSON.

    Whole JSON is parsed by the `json` module. Cut JSON is scanned once for its structure (the
    containers left open, where the innermost one's last element starts); that element alone is
    judged token by token, and the text up to it, with the open containers closed, goes to the
    `json` module, which also finds any error in it."""
    try:
        return _DECODER.decode(text)
    except (ValueError, RecursionError):
        pass
    # Each open container: [its closing bracket, where it opens, its last comma, where its last
    # child container closed].
    stack: list[list[Any]] = []
    closed_root = False
    for match in _STRUCTURE.finditer(text):
        pos = match.start()
        char = text[pos]
        if char == '"':
            continue
        if closed_root:
            raise PartialJSONError("text after the end of the value", pos)
        if char == ",":
            if not stack:
                raise PartialJSONError("unexpected ','", pos)
            stack[-1][2] = pos
        elif char == "{" or char == "[":
            if len(stack) >= max_depth:
                raise PartialJSONError(f"nested deeper than {max_depth} levels", pos)
            stack.append(["}" if char == "{" else "]", pos, -1, -1])
        else:
            if not stack or stack[-1][0] != char:
                raise PartialJSONError(f"unexpected {char!r}", pos)
            stack.pop()
            if stack:
                stack[-1][3] = pos + 1
            else:
                closed_root = True
    if not stack:
        # A whole container with something wrong in it, or a lone scalar (perhaps cut).
        return _decode(text, len(text)) if closed_root else _parse_tokens(text, max_depth)
    closer, opened, comma, child_end = stack[-1]
    start = max(opened, comma)
    cut = len(text)
    if child_end <= start:  # the last element is a scalar (or key and scalar): keep it if whole
        try:
            element = _parse_tokens(("{" if closer == "}" else "[") + text[start + 1 :], max_depth)
        except PartialJSONError as exc:
            raise PartialJSONError(str(exc).rsplit(" at character ", 1)[0], exc.position + start) from None
        if not element:
            cut = start if start == comma else start + 1
    return _decode(text[:cut] + "".join(entry[0] for entry in reversed(stack)), cut)

"""The input token count of a Messages body: what InvokeModel's ``usage.input_tokens`` and
CountTokens' ``inputTokens`` both report for it, so a test can predict either exactly.

Tokens are counted with :func:`._generate.count_tokens` (words; a word over 64 characters counts
once per 64-character slice) over:

* the system prompt (a string, or each text block's ``text``);
* each message's string content, and in content blocks: ``text`` blocks' text; ``tool_use`` blocks'
  ``name`` plus ``json.dumps(input)``; ``tool_result`` blocks' string content or their text blocks;
  ``search_result`` blocks' ``title`` and text blocks;
* each tool's ``name``, ``description`` and ``json.dumps(input_schema)`` (Python's default
  separators ``", "`` and ``": "``, so ``{"type": "object"}`` is two words);

plus :data:`IMAGE_TOKENS` per image and :data:`DOCUMENT_TOKENS` per document, wherever they are
(tool results included). ``thinking`` and ``redacted_thinking`` blocks of earlier turns count
nothing (Claude drops them from the context), nor do ``tool_choice``, ``thinking`` and the
sampling parameters.
"""

from __future__ import annotations

import json
from typing import Any, Final

from ._generate import count_tokens
from ._schema import JSONObject

__all__ = ["DOCUMENT_TOKENS", "IMAGE_TOKENS", "cache_writes", "count_message_tokens"]

IMAGE_TOKENS: Final = 1000
DOCUMENT_TOKENS: Final = 2000


def count_message_tokens(body: JSONObject) -> int:
    """Input tokens of a validated Messages body."""
    total = _content(body.get("system", ""))
    for message in body["messages"]:  # type: ignore[attr-defined]
        total += _content(message["content"])
    for tool in body.get("tools", []):  # type: ignore[attr-defined]
        total += _tool(tool)
    return total


def _tool(tool: JSONObject) -> int:
    tokens = count_tokens(tool["name"]) + count_tokens(tool.get("description", ""))  # type: ignore[arg-type]
    if "input_schema" in tool:
        tokens += count_tokens(json.dumps(tool["input_schema"]))
    return tokens


def cache_writes(body: JSONObject) -> dict[str, int] | None:
    """The input tokens written to the prompt cache, by TTL (``5m``, ``1h``), or None when no block
    has ``cache_control``. The prompt is read in the cache's order -- tools, system, messages -- and
    the tokens up to each ``cache_control`` breakpoint (since the previous one) are written with that
    breakpoint's ``ttl`` (default ``5m``); what follows the last breakpoint is not cached."""
    writes = {"5m": 0, "1h": 0}
    found = False
    running = 0
    document: dict[str, Any] = body  # validated: the shapes below are the description's
    items: list[tuple[int, object]] = [(_tool(tool), tool.get("cache_control")) for tool in document.get("tools", [])]
    system = document.get("system", "")
    if isinstance(system, str):
        items.append((count_tokens(system), None))
    else:
        items += [(_block(block), block.get("cache_control")) for block in system]
    for message in document["messages"]:
        content = message["content"]
        if isinstance(content, str):
            items.append((count_tokens(content), None))
        else:
            items += [(_block(block), block.get("cache_control")) for block in content]
    for tokens, control in items:
        running += tokens
        if isinstance(control, dict):
            found = True
            writes[str(control.get("ttl", "5m"))] += running
            running = 0
    return writes if found else None


def _content(content: object) -> int:
    if isinstance(content, str):
        return count_tokens(content)
    if not isinstance(content, list):
        return 0
    return sum(_block(block) for block in content)


def _block(block: JSONObject) -> int:
    kind = block["type"]
    if kind == "text":
        return count_tokens(block["text"])  # type: ignore[arg-type]
    if kind == "image":
        return IMAGE_TOKENS
    if kind == "document":
        return DOCUMENT_TOKENS
    if kind == "tool_use":
        return count_tokens(block["name"]) + count_tokens(json.dumps(block["input"]))  # type: ignore[arg-type]
    if kind == "tool_result":
        return _content(block.get("content"))
    if kind == "search_result":
        return count_tokens(block["title"]) + _content(block["content"])  # type: ignore[arg-type]
    return 0

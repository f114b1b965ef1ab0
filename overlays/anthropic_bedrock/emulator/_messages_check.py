"""Validation of a Messages API body as Bedrock and Claude apply it.

What the API description says of each field (keys, types, block and tool kinds, enumerations,
bounds) is checked against the generated ``MessagesInvokeBody``, strictly (:func:`._schema.check`),
so a field added to the description is accepted here with no edit, and one it does not know is
refused. Written here is only what the description cannot say:

* rules between fields: the first message is a user's; blocks of the other role's kinds (a
  ``tool_use`` from the user, an ``image`` from the assistant) are refused; every ``tool_result``
  answers a ``tool_use`` of the message before and every such ``tool_use`` gets one; text is not
  blank but in a last assistant turn; tool names are unique and ``tool_choice`` names one of them;
  thinking needs ``budget_tokens`` below ``max_tokens``, ``temperature`` 1, no ``top_k``, ``top_p``
  of at least 0.95 and no forced tool; a custom tool's ``input_schema`` is an object schema;
* the per-model limit on ``max_tokens``, and beta names that are not empty;
* counts and sizes: at most 20 images of at most 3.75 MB each (base64 that decodes) and 5
  documents per request (Bedrock's figures for Claude).

A failure raises :class:`~._schema.BodyError` whose message names the field by JSON pointer.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass, field
from typing import Any, Final

from ..types import MessagesInvokeBody
from ._betas import beta_fields
from ._schema import JSONObject, check, invalid, upper_bound

__all__ = ["MAX_OUTPUT_TOKENS", "MessagesRequest", "validate"]

# Bedrock documents a max_tokens limit per model only (32,000 or 64,000 for current Claude models);
# 128,000 is the largest any Claude model accepts, so it stands for all here.
MAX_OUTPUT_TOKENS: Final = 128_000
MAX_IMAGES: Final = 20
MAX_IMAGE_BYTES: Final = 3_932_160  # 3.75 MB
MAX_DOCUMENTS: Final = 5

# Kinds only one role may send (the description lists every kind in one union); a kind named in
# neither set is allowed in both turns.
_ONLY_FROM: Final = {
    "image": "user",
    "document": "user",
    "tool_result": "user",
    "tool_use": "assistant",
    "thinking": "assistant",
    "redacted_thinking": "assistant",
}


@dataclass(frozen=True, slots=True)
class MessagesRequest:
    """A validated Messages body and what the answer depends on."""

    body: JSONObject
    max_tokens: int
    stop_sequences: list[str]
    last_user_text: str  # text, and tool_result text, of the last user message, in order
    after_tool_result: bool  # the last user message carries a tool_result
    message_count: int
    tools: list[JSONObject]
    tool_choice: JSONObject | None
    thinking_budget: int | None


@dataclass(slots=True)
class _Counts:
    images: int = 0
    documents: int = 0
    tool_uses: list[dict[str, str]] = field(default_factory=list)  # per message: tool_use id -> path
    tool_results: list[dict[str, str]] = field(default_factory=list)  # per message: tool_use_id -> path


def validate(body: JSONObject) -> MessagesRequest:
    """Check ``body`` as Bedrock would; raises BodyError naming the field."""
    betas = beta_fields(body)  # beta-only fields its anthropic_beta admits, checked apart
    check(MessagesInvokeBody, {k: v for k, v in body.items() if k not in betas} if betas else body)
    document: dict[str, Any] = body  # of the shape just checked
    max_tokens: int = document["max_tokens"]
    if max_tokens > MAX_OUTPUT_TOKENS:
        raise invalid("#/max_tokens", upper_bound(max_tokens, MAX_OUTPUT_TOKENS))
    for index, beta in enumerate(document.get("anthropic_beta", ())):
        if not beta:
            raise invalid(f"#/anthropic_beta/{index}", "expected a non-empty beta name")
    system = document.get("system")
    if isinstance(system, list):
        for index, block in enumerate(system):
            _text(block["text"], f"#/system/{index}/text")
    tools = _tools(document.get("tools", []))
    tool_choice = _tool_choice(document.get("tool_choice"), tools)
    thinking_budget = _thinking(document, max_tokens, tool_choice)
    messages, last_user, after_tool_result = _messages(document["messages"])
    return MessagesRequest(
        body=body,
        max_tokens=max_tokens,
        stop_sequences=list(document.get("stop_sequences", ())),
        last_user_text=last_user,
        after_tool_result=after_tool_result,
        message_count=messages,
        tools=tools,
        tool_choice=tool_choice,
        thinking_budget=thinking_budget,
    )


def _messages(messages: list[Any]) -> tuple[int, str, bool]:
    counts = _Counts()
    last_user: list[str] = []
    after_tool_result = False
    for index, message in enumerate(messages):
        path = f"#/messages/{index}"
        role = message["role"]
        if index == 0 and role != "user":
            raise invalid(f"{path}/role", "the first message must use the user role")
        final_assistant = index == len(messages) - 1 and role == "assistant"
        counts.tool_uses.append({})
        counts.tool_results.append({})
        content = message["content"]
        texts: list[str] = []
        if isinstance(content, str):
            if not content.strip() and not final_assistant:
                raise invalid(f"{path}/content", "text content must contain non-whitespace text")
            texts.append(content)
        else:
            if not content and not final_assistant:
                raise invalid(f"{path}/content", "expected minimum item count: 1, found: 0")
            for position, block in enumerate(content):
                texts += _block(block, f"{path}/content/{position}", role, counts)
        if role == "user":
            last_user = texts
            after_tool_result = bool(counts.tool_results[-1])
    _check_tool_pairs(counts)
    return len(messages), " ".join(last_user), after_tool_result


def _check_tool_pairs(counts: _Counts) -> None:
    for index, results in enumerate(counts.tool_results):
        previous = counts.tool_uses[index - 1] if index else {}
        for tool_use_id, path in results.items():
            if tool_use_id not in previous:
                raise invalid(f"{path}/tool_use_id", f"no tool_use block with id {tool_use_id} in the previous message")
    for index, uses in enumerate(counts.tool_uses[:-1]):
        following = counts.tool_results[index + 1]
        for tool_use_id, path in uses.items():
            if tool_use_id not in following:
                raise invalid(path, f"tool_use {tool_use_id} has no tool_result block in the next message")


def _block(block: Any, path: str, role: str, counts: _Counts) -> list[str]:
    """The rules of one (well-formed) block; returns the text it contributes to the conversation."""
    kind = block["type"]
    only = _ONLY_FROM.get(kind, role)
    if only != role:
        raise invalid(f"{path}/type", f"{kind} blocks are only allowed in {only} messages")
    if kind == "text":
        return [_text(block["text"], f"{path}/text")]
    if kind == "image":
        counts.images += 1
        if counts.images > MAX_IMAGES:
            raise invalid(path, f"at most {MAX_IMAGES} images are allowed in a request")
        _base64_source(block["source"], f"{path}/source", MAX_IMAGE_BYTES)
    elif kind == "document":
        counts.documents += 1
        if counts.documents > MAX_DOCUMENTS:
            raise invalid(path, f"at most {MAX_DOCUMENTS} documents are allowed in a request")
        _base64_source(block["source"], f"{path}/source", None)
    elif kind == "tool_use":
        counts.tool_uses[-1][block["id"]] = path
    elif kind == "tool_result":
        counts.tool_results[-1][block["tool_use_id"]] = path
        content = block.get("content")
        if isinstance(content, str):
            return [content]
        texts: list[str] = []
        for index, inner in enumerate(content or ()):
            texts += _block(inner, f"{path}/content/{index}", "user", counts)
        return texts
    return []


def _text(text: str, path: str) -> str:
    if not text.strip():
        raise invalid(path, "text content blocks must contain non-whitespace text")
    return text


def _base64_source(source: Any, path: str, max_bytes: int | None) -> None:
    if source["type"] != "base64":
        return  # a text document (or a source kind the description adds) has no bytes to decode
    try:
        decoded = binascii.a2b_base64(source["data"], strict_mode=True)
    except binascii.Error:
        raise invalid(f"{path}/data", "the data is not valid base64") from None
    if max_bytes is not None and len(decoded) > max_bytes:
        raise invalid(f"{path}/data", f"the image is {len(decoded)} bytes; at most {max_bytes} are allowed")


def _tools(tools: list[Any]) -> list[JSONObject]:
    names: set[str] = set()
    for index, tool in enumerate(tools):
        path = f"#/tools/{index}"
        if tool.get("type", "custom") == "custom":
            kind = tool["input_schema"].get("type")
            if kind != "object":
                raise invalid(f"{path}/input_schema/type", f"expected: object, found: {kind}")
        name = tool["name"]
        if name in names:
            raise invalid(f"{path}/name", f"tool names must be unique; {name} is used twice")
        names.add(name)
    return tools


def _tool_choice(choice: Any, tools: list[JSONObject]) -> JSONObject | None:
    if choice is None:
        return None
    if not tools:
        raise invalid("#/tool_choice", "tool_choice may only be specified while providing tools")
    if choice["type"] == "tool" and choice["name"] not in {tool["name"] for tool in tools}:
        raise invalid("#/tool_choice/name", f"no tool named {choice['name']} in tools")
    result: JSONObject = choice
    return result


def _thinking(body: dict[str, Any], max_tokens: int, tool_choice: JSONObject | None) -> int | None:
    thinking = body.get("thinking")
    if thinking is None or thinking["type"] != "enabled":
        return None
    budget: int = thinking["budget_tokens"]
    if budget >= max_tokens:
        raise invalid("#/thinking/budget_tokens", f"{budget} must be less than max_tokens ({max_tokens})")
    if body.get("temperature", 1) != 1:
        raise invalid("#/temperature", "temperature may only be set to 1 when thinking is enabled")
    if "top_k" in body:
        raise invalid("#/top_k", "top_k may not be set when thinking is enabled")
    if body.get("top_p", 1) < 0.95:
        raise invalid("#/top_p", "top_p must be at least 0.95 when thinking is enabled")
    if tool_choice is not None and tool_choice["type"] in ("any", "tool"):
        raise invalid("#/tool_choice/type", "thinking may not be enabled when tool_choice forces tool use")
    return budget

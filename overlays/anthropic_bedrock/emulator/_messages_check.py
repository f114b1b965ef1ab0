"""Validation of a Messages API body as Bedrock and Claude apply it, field by field.

Required keys, types, enums and ranges of every documented field (roles, block types per role,
image and document sources, tools, ``tool_choice``, ``thinking``), and the rules between fields:
the first message is a user's, every ``tool_result`` answers a ``tool_use`` of the message before
and every such ``tool_use`` gets one, thinking needs ``budget_tokens`` below ``max_tokens`` and
no forced tool, ``temperature`` 1, no ``top_k`` and ``top_p`` of at least 0.95. Limits: at most 20
images of at most 3.75 MB each and 5 documents per request (Bedrock's figures for Claude).
A failure raises :class:`~._schema.BodyError` whose message names the field by JSON pointer.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass, field
from typing import Final

from ._betas import beta_keys
from ._schema import (
    JSONObject,
    check_common,
    check_keys,
    check_number,
    expect_array,
    expect_enum,
    expect_object,
    expect_string,
    invalid,
    type_name,
)

__all__ = ["MAX_OUTPUT_TOKENS", "MessagesRequest", "validate"]

# Bedrock documents a max_tokens limit per model only (32,000 or 64,000 for current Claude models);
# 128,000 is the largest any Claude model accepts, so it stands for all here.
MAX_OUTPUT_TOKENS: Final = 128_000
MAX_IMAGES: Final = 20
MAX_IMAGE_BYTES: Final = 3_932_160  # 3.75 MB
MAX_DOCUMENTS: Final = 5
MIN_THINKING_BUDGET: Final = 1024

_KEYS: Final = frozenset(
    {
        "messages",
        "max_tokens",
        "anthropic_version",
        "anthropic_beta",
        "system",
        "stop_sequences",
        "temperature",
        "top_p",
        "top_k",
        "metadata",
        "tools",
        "tool_choice",
        "thinking",
    }
)
_BLOCK_KEYS: Final = {
    "text": ({"type", "text", "cache_control", "citations"}, ("text",)),
    "image": ({"type", "source", "cache_control"}, ("source",)),
    "document": ({"type", "source", "title", "context", "citations", "cache_control"}, ("source",)),
    "tool_use": ({"type", "id", "name", "input", "cache_control"}, ("id", "name", "input")),
    "tool_result": ({"type", "tool_use_id", "content", "is_error", "cache_control"}, ("tool_use_id",)),
    "thinking": ({"type", "thinking", "signature"}, ("thinking", "signature")),
    "redacted_thinking": ({"type", "data"}, ("data",)),
}
_ROLE_BLOCKS: Final = {
    "user": ("text", "image", "document", "tool_result"),
    "assistant": ("text", "tool_use", "thinking", "redacted_thinking"),
}
_CUSTOM_TOOL_KEYS: Final = ("type", "name", "description", "input_schema", "cache_control")
_IMAGE_TYPES: Final = ("image/jpeg", "image/png", "image/gif", "image/webp")
_TOOL_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_TOOL_ID = re.compile(r"[a-zA-Z0-9_-]+")
_SERVER_TOOL_TYPE = re.compile(r"[a-z][a-z0-9_]*_[0-9]{8}")


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
    stops = check_common(body, _KEYS | beta_keys(body), ("anthropic_version", "max_tokens", "messages"))
    max_tokens = int(check_number(body, "max_tokens", "#", 1, MAX_OUTPUT_TOKENS, integer=True) or 0)
    for index, beta in enumerate(expect_array(body.get("anthropic_beta", []), "#/anthropic_beta")):
        if not expect_string(beta, f"#/anthropic_beta/{index}"):
            raise invalid(f"#/anthropic_beta/{index}", "expected a non-empty beta name")
    if "metadata" in body:
        metadata = expect_object(body["metadata"], "#/metadata")
        check_keys(metadata, "#/metadata", ("user_id",))
        if metadata.get("user_id") is not None:
            expect_string(metadata["user_id"], "#/metadata/user_id")
    if "system" in body and not isinstance(body["system"], str):
        counts = _Counts()
        for index, block in enumerate(expect_array(body["system"], "#/system")):
            path = f"#/system/{index}"
            expect_enum(expect_object(block, path).get("type"), f"{path}/type", ("text",))
            _block(block, path, "user", counts)
    tools = _tools(body)
    tool_choice = _tool_choice(body, tools)
    thinking_budget = _thinking(body, max_tokens, tool_choice)
    messages, last_user, after_tool_result = _messages(body)
    return MessagesRequest(
        body=body,
        max_tokens=max_tokens,
        stop_sequences=stops,
        last_user_text=last_user,
        after_tool_result=after_tool_result,
        message_count=messages,
        tools=tools,
        tool_choice=tool_choice,
        thinking_budget=thinking_budget,
    )


def _messages(body: JSONObject) -> tuple[int, str, bool]:
    messages = expect_array(body["messages"], "#/messages")
    if not messages:
        raise invalid("#/messages", "expected minimum item count: 1, found: 0")
    counts = _Counts()
    last_user: list[str] = []
    after_tool_result = False
    for index, item in enumerate(messages):
        path = f"#/messages/{index}"
        message = expect_object(item, path)
        check_keys(message, path, ("role", "content"), ("role", "content"))
        role = expect_enum(message["role"], f"{path}/role", ("user", "assistant"))
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
        elif isinstance(content, list):
            if not content and not final_assistant:
                raise invalid(f"{path}/content", "expected minimum item count: 1, found: 0")
            for position, block in enumerate(content):
                texts += _block(block, f"{path}/content/{position}", role, counts)
        else:
            raise invalid(f"{path}/content", f"expected type: String or JSONArray, found: {type_name(content)}")
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


def _block(value: object, path: str, role: str, counts: _Counts) -> list[str]:
    """Check one content block; returns the text it contributes to the conversation."""
    block = expect_object(value, path)
    if "type" not in block:
        raise invalid(path, "required key [type] not found")
    kind = expect_enum(block["type"], f"{path}/type", tuple(_BLOCK_KEYS))
    if kind not in _ROLE_BLOCKS[role]:
        raise invalid(f"{path}/type", f"{kind} blocks are only allowed in {_other(role)} messages")
    allowed, required = _BLOCK_KEYS[kind]
    check_keys(block, path, allowed, required)
    if "cache_control" in block:
        control = expect_object(block["cache_control"], f"{path}/cache_control")
        check_keys(control, f"{path}/cache_control", ("type", "ttl"), ("type",))
        expect_enum(control["type"], f"{path}/cache_control/type", ("ephemeral",))
        if "ttl" in control:
            expect_enum(control["ttl"], f"{path}/cache_control/ttl", ("5m", "1h"))
    if kind == "text":
        text = expect_string(block["text"], f"{path}/text")
        if not text.strip():
            raise invalid(f"{path}/text", "text content blocks must contain non-whitespace text")
        if block.get("citations") is not None:
            expect_array(block["citations"], f"{path}/citations")
        return [text]
    if kind == "image":
        counts.images += 1
        if counts.images > MAX_IMAGES:
            raise invalid(path, f"at most {MAX_IMAGES} images are allowed in a request")
        _base64_source(block["source"], f"{path}/source", _IMAGE_TYPES, MAX_IMAGE_BYTES)
    elif kind == "document":
        counts.documents += 1
        if counts.documents > MAX_DOCUMENTS:
            raise invalid(path, f"at most {MAX_DOCUMENTS} documents are allowed in a request")
        _document(block, path)
    elif kind == "tool_use":
        tool_id = expect_string(block["id"], f"{path}/id")
        if not _TOOL_ID.fullmatch(tool_id):
            raise invalid(f"{path}/id", f"string [{tool_id}] does not match pattern ^[a-zA-Z0-9_-]+$")
        expect_string(block["name"], f"{path}/name")
        expect_object(block["input"], f"{path}/input")
        counts.tool_uses[-1][tool_id] = path
    elif kind == "tool_result":
        counts.tool_results[-1][expect_string(block["tool_use_id"], f"{path}/tool_use_id")] = path
        if "is_error" in block and not isinstance(block["is_error"], bool):
            raise invalid(f"{path}/is_error", f"expected type: Boolean, found: {type_name(block['is_error'])}")
        return _tool_result_content(block.get("content"), f"{path}/content", counts)
    elif kind == "thinking":
        expect_string(block["thinking"], f"{path}/thinking")
        expect_string(block["signature"], f"{path}/signature")
    else:
        expect_string(block["data"], f"{path}/data")
    return []


def _other(role: str) -> str:
    return "assistant" if role == "user" else "user"


def _tool_result_content(content: object, path: str, counts: _Counts) -> list[str]:
    if content is None:
        return []
    if isinstance(content, str):
        return [content]
    texts: list[str] = []
    for index, block in enumerate(expect_array(content, path)):
        inner = f"{path}/{index}"
        expect_enum(expect_object(block, inner).get("type"), f"{inner}/type", ("text", "image", "document"))
        texts += _block(block, inner, "user", counts)
    return texts


def _document(block: JSONObject, path: str) -> None:
    source = expect_object(block["source"], f"{path}/source")
    kind = expect_enum(source.get("type"), f"{path}/source/type", ("base64", "text"))
    if kind == "base64":
        _base64_source(source, f"{path}/source", ("application/pdf",), None)
    else:
        check_keys(source, f"{path}/source", ("type", "media_type", "data"), ("media_type", "data"))
        expect_enum(source["media_type"], f"{path}/source/media_type", ("text/plain",))
        expect_string(source["data"], f"{path}/source/data")
    for key in ("title", "context"):
        if block.get(key) is not None:
            expect_string(block[key], f"{path}/{key}")
    if "citations" in block:
        citations = expect_object(block["citations"], f"{path}/citations")
        check_keys(citations, f"{path}/citations", ("enabled",))
        if not isinstance(citations.get("enabled", False), bool):
            raise invalid(f"{path}/citations/enabled", "expected type: Boolean")


def _base64_source(value: object, path: str, media_types: tuple[str, ...], max_bytes: int | None) -> None:
    source = expect_object(value, path)
    check_keys(source, path, ("type", "media_type", "data"), ("type", "media_type", "data"))
    expect_enum(source["type"], f"{path}/type", ("base64",))
    expect_enum(source["media_type"], f"{path}/media_type", media_types)
    data = expect_string(source["data"], f"{path}/data")
    try:
        decoded = binascii.a2b_base64(data, strict_mode=True)
    except binascii.Error:
        raise invalid(f"{path}/data", "the data is not valid base64") from None
    if max_bytes is not None and len(decoded) > max_bytes:
        raise invalid(f"{path}/data", f"the image is {len(decoded)} bytes; at most {max_bytes} are allowed")


def _tools(body: JSONObject) -> list[JSONObject]:
    tools: list[JSONObject] = []
    names: set[str] = set()
    for index, item in enumerate(expect_array(body.get("tools", []), "#/tools")):
        path = f"#/tools/{index}"
        tool = expect_object(item, path)
        kind = expect_string(tool.get("type", "custom"), f"{path}/type")
        if kind == "custom":
            check_keys(tool, path, _CUSTOM_TOOL_KEYS, ("name", "input_schema"))
            schema = expect_object(tool["input_schema"], f"{path}/input_schema")
            if schema.get("type") != "object":
                raise invalid(f"{path}/input_schema/type", f"expected: object, found: {schema.get('type')}")
            if "description" in tool:
                expect_string(tool["description"], f"{path}/description")
        elif not _SERVER_TOOL_TYPE.fullmatch(kind):
            raise invalid(f"{path}/type", f"{kind} is not custom or a versioned tool type such as bash_20250124")
        else:
            check_keys(tool, path, tool, ("name",))  # a server tool's own settings are its business
        name = expect_string(tool["name"], f"{path}/name")
        if not _TOOL_NAME.fullmatch(name):
            raise invalid(f"{path}/name", f"string [{name}] does not match pattern ^[a-zA-Z0-9_-]{{1,64}}$")
        if name in names:
            raise invalid(f"{path}/name", f"tool names must be unique; {name} is used twice")
        names.add(name)
        tools.append(tool)
    return tools


def _tool_choice(body: JSONObject, tools: list[JSONObject]) -> JSONObject | None:
    if "tool_choice" not in body:
        return None
    choice = expect_object(body["tool_choice"], "#/tool_choice")
    if not tools:
        raise invalid("#/tool_choice", "tool_choice may only be specified while providing tools")
    if "type" not in choice:
        raise invalid("#/tool_choice", "required key [type] not found")
    kind = expect_enum(choice["type"], "#/tool_choice/type", ("auto", "any", "tool", "none"))
    allowed = ("type", "name", "disable_parallel_tool_use") if kind == "tool" else ("type", "disable_parallel_tool_use")
    check_keys(choice, "#/tool_choice", allowed, ("name",) if kind == "tool" else ())
    if kind == "tool":
        name = expect_string(choice["name"], "#/tool_choice/name")
        if name not in {tool["name"] for tool in tools}:
            raise invalid("#/tool_choice/name", f"no tool named {name} in tools")
    if "disable_parallel_tool_use" in choice and not isinstance(choice["disable_parallel_tool_use"], bool):
        raise invalid("#/tool_choice/disable_parallel_tool_use", "expected type: Boolean")
    return choice


def _thinking(body: JSONObject, max_tokens: int, tool_choice: JSONObject | None) -> int | None:
    if "thinking" not in body:
        return None
    thinking = expect_object(body["thinking"], "#/thinking")
    if "type" not in thinking:
        raise invalid("#/thinking", "required key [type] not found")
    if expect_enum(thinking["type"], "#/thinking/type", ("enabled", "disabled")) == "disabled":
        check_keys(thinking, "#/thinking", ("type",))
        return None
    check_keys(thinking, "#/thinking", ("type", "budget_tokens"), ("budget_tokens",))
    budget = int(check_number(thinking, "budget_tokens", "#/thinking", MIN_THINKING_BUDGET, None, integer=True) or 0)
    if budget >= max_tokens:
        raise invalid("#/thinking/budget_tokens", f"{budget} must be less than max_tokens ({max_tokens})")
    if body.get("temperature", 1) != 1:
        raise invalid("#/temperature", "temperature may only be set to 1 when thinking is enabled")
    if "top_k" in body:
        raise invalid("#/top_k", "top_k may not be set when thinking is enabled")
    top_p = body.get("top_p", 1)
    if isinstance(top_p, int | float) and top_p < 0.95:
        raise invalid("#/top_p", "top_p must be at least 0.95 when thinking is enabled")
    if tool_choice is not None and tool_choice["type"] in ("any", "tool"):
        raise invalid("#/tool_choice/type", "thinking may not be enabled when tool_choice forces tool use")
    return budget

"""What a caller may pass where the Messages API expects plain data, turned into that data before
the checks, as `anthropic` accepts it:

- the `data` of an image or document `source` as `bytes`, a `pathlib.Path` (any `os.PathLike`) or
  a binary file object: read, then base64-encoded (kept as text for a `text` source), its
  `media_type` taken from the file name when not given;
- the SDK's own response models where a block is expected (`message.content` sent back, a
  `TextBlock` in a `tool_result` or in `system`): their JSON.

A whole `Message` in `messages` is refused with what to send instead. Only the places that can
hold a block are walked (messages, their content, `tool_result` content, `system`), and nothing the
caller owns is changed: a container is copied only when something in it is replaced.
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from .._generated.types import Model
from .checks import CheckTypeError, CheckValueError, Path, render

__all__ = ["message_inputs"]

# Media types by file suffix, for the kinds Bedrock takes (a fixed table: the system's MIME
# database differs from machine to machine).
MEDIA_TYPES: Final = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
}


def message_inputs(arguments: dict[str, Any], root: Path = None) -> dict[str, Any]:
    """`arguments` with files read and SDK models turned into their JSON (a new dict if anything
    changed); errors name places under `root` (a batch request's `requests[3].params`)."""
    out = arguments
    messages = arguments.get("messages")
    if messages is not None and messages.__class__ is not str:
        if not _is_list(messages) and isinstance(messages, Iterable) and not isinstance(messages, bytes | Mapping):
            messages = out["messages"] = list(messages)  # a generator, read once: the checks see the list
        if _is_list(messages):
            new = _messages(messages, (root, "messages"))
            if new is not messages:
                out = {**out, "messages": new}
    system = arguments.get("system")
    if system is not None and _is_list(system):
        new = _blocks(system, (root, "system"))
        if new is not system:
            out = {**out, "system": new}
    return out


def _is_list(value: Any) -> bool:
    # Exact types first: this runs for every message and block of every request.
    cls = value.__class__
    if cls is list or cls is tuple:
        return True
    if cls is str or cls is dict:
        return False
    return isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray)


def _messages(messages: Sequence[Any], where: Path) -> Sequence[Any]:
    out: list[Any] | None = None
    for index, message in enumerate(messages):
        if message.__class__ is not dict:
            if isinstance(message, Model) and hasattr(message, "content") and hasattr(message, "role"):
                path: Path = (where, index)
                raise CheckTypeError(
                    f"{render(path)} must be a dict, not {type(message).__name__}: to send an answer back,"
                    ' pass {"role": message.role, "content": message.content}',
                    path,
                    "type",
                    {"value": message, "expected": "object"},
                )
            if not isinstance(message, Mapping):
                continue  # the checks say what is wrong with it
        content = message.get("content")
        if content is None or content.__class__ is str or not _is_list(content):
            continue
        new = _blocks(content, ((where, index), "content"))
        if new is not content:
            if out is None:
                out = list(messages)
            out[index] = {**message, "content": new}
    return messages if out is None else out


def _blocks(blocks: Sequence[Any], path: Path) -> Sequence[Any]:
    out: list[Any] | None = None
    for index, block in enumerate(blocks):
        new = _block(block, path, index)
        if new is not block:
            if out is None:
                out = list(blocks)
            out[index] = new
    return blocks if out is None else out


def _block(block: Any, parent: Path, index: int) -> Any:
    if block.__class__ is not dict:
        if isinstance(block, Model):
            return block.to_dict()  # a block of an earlier answer, sent back as the JSON it came as
        if not isinstance(block, Mapping):
            return block
    source = block.get("source")
    content = block.get("content")  # a tool_result's blocks
    if source is None and (content is None or content.__class__ is str):
        return block  # the usual case: nothing to turn into data
    out = block
    path: Path = (parent, index)
    if isinstance(source, Mapping) and "data" in source and not isinstance(source["data"], str):
        out = {**out, "source": _source(source, (path, "source"))}
    if content is not None and _is_list(content):
        new = _blocks(content, (path, "content"))
        if new is not content:
            out = {**out, "content": new}
    return out


def _source(source: Mapping[str, Any], path: Path) -> dict[str, Any]:
    """The source with its file data read and encoded, and its media type filled in from the name."""
    where: Path = (path, "data")
    data, name = _read(source["data"], where)
    out = dict(source)
    if source.get("type") == "text":
        try:
            out["data"] = data.decode()
        except UnicodeDecodeError as exc:
            raise CheckValueError(
                f"{render(where)} must be UTF-8 text for a text source: {exc}", where, "encoding", {"reason": "utf-8"}
            ) from None
    else:
        out["data"] = base64.b64encode(data).decode("ascii")
    if "media_type" not in source and name is not None:
        media_type = MEDIA_TYPES.get(os.path.splitext(name)[1].lower())
        if media_type is not None:
            out["media_type"] = media_type
    return out


def _read(data: Any, where: Path) -> tuple[bytes, str | None]:
    """The bytes of `data` and the file name they came from, if any."""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data), None
    if isinstance(data, os.PathLike):
        name = os.fsdecode(data)
        try:
            with open(name, "rb") as file:
                return file.read(), name
        except OSError as exc:
            raise CheckValueError(
                f"{render(where)}: cannot read {name!r}: {exc.strerror or exc}", where, "file", {"value": data}
            ) from exc
    read = getattr(data, "read", None)
    if callable(read):
        file_name = getattr(data, "name", None)
        if isinstance(data, io.TextIOBase):
            content: Any = ""
        else:
            try:
                content = read()
            except (OSError, ValueError) as exc:  # a closed file raises ValueError
                raise CheckValueError(
                    f"{render(where)}: cannot read the file: {exc}", where, "file", {"value": data}
                ) from exc
        if isinstance(content, str):
            raise CheckTypeError(
                f"{render(where)} is a file opened in text mode: open it in binary mode ('rb')",
                where,
                "type",
                {"value": data, "expected": "binary file"},
            )
        if not isinstance(content, bytes | bytearray | memoryview):
            raise CheckTypeError(
                f"{render(where)}: reading the file gave {type(content).__name__}, not bytes",
                where,
                "type",
                {"value": data, "expected": "binary file"},
            )
        return bytes(content), file_name if isinstance(file_name, str) else None
    raise CheckTypeError(
        f"{render(where)} must be a base64 string, bytes, a pathlib.Path or a binary file, not {type(data).__name__}",
        where,
        "type",
        {"value": data, "expected": "string"},
    )

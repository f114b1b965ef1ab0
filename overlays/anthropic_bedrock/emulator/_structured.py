"""Structured outputs as the emulated model answers them: ``output_config.format`` checked as
Bedrock checks it, and a deterministic JSON value valid against its schema.

The schema is refused (400 ValidationException naming the place by JSON pointer) when it uses what
Bedrock's structured outputs do not take, by the same rules the SDK applies before sending
(``_operations.structured``, from Bedrock's user guide "structured-output"), and when citations are
enabled too. The value, for a schema: its ``const``, else its first ``enum`` value, else the first
``anyOf`` variant that is not ``null``, else by type: an object with every property, an array of
one item, a string ``"emulated"`` (or a fixed value of its ``format``: ``2025-01-01T00:00:00Z``,
``2025-01-01``, ``00:00:00``, ``P1D``, ``emulated@example.com``, ``example.com``,
``https://example.com/``, ``192.0.2.1``, ``2001:db8::1``,
``00000000-0000-4000-8000-000000000000``), integer ``1``, number ``1.5``, boolean ``true``,
``null``; ``$ref`` followed, ``allOf`` objects merged. The answer's one text block is that value as
``json.dumps`` writes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .._operations.checks import CheckError, pointer
from .._operations.structured import check_output_config
from ._schema import BodyError, JSONObject

__all__ = ["check", "sample", "schema_of"]

_FORMATS: Final = {
    "date-time": "2025-01-01T00:00:00Z",
    "date": "2025-01-01",
    "time": "00:00:00",
    "duration": "P1D",
    "email": "emulated@example.com",
    "hostname": "example.com",
    "uri": "https://example.com/",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uuid": "00000000-0000-4000-8000-000000000000",
}
_SCALARS: Final[dict[str, object]] = {"integer": 1, "number": 1.5, "boolean": True, "null": None}
_MAX_DEPTH: Final = 32


def schema_of(body: JSONObject) -> Mapping[str, Any] | None:
    """The JSON schema the answer must follow, or None."""
    config = body.get("output_config")
    fmt = config.get("format") if isinstance(config, dict) else None
    schema = fmt.get("schema") if isinstance(fmt, dict) else None
    return schema if isinstance(schema, dict) else None


def check(body: JSONObject) -> None:
    """Refuse an output format Bedrock refuses (BodyError naming the place)."""
    if "output_config" not in body:
        return
    try:
        check_output_config(body)
    except CheckError as exc:
        detail = str(exc).split(" ", 1)[1] if " " in str(exc) else str(exc)
        raise BodyError(
            f"Malformed input request: {pointer(exc.path)}: {detail}, please reformat your input and try again."
        ) from None


def sample(schema: Mapping[str, Any], root: Mapping[str, Any] | None = None, depth: int = 0) -> object:
    """A deterministic value valid against ``schema`` (already checked)."""
    root = schema if root is None else root
    if depth > _MAX_DEPTH:
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str):
        _, section, name = ref.split("/", 2)
        return sample(root[section][name], root, depth + 1)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    variants = schema.get("anyOf")
    if variants:
        chosen = next((v for v in variants if v.get("type") != "null"), variants[0])
        return sample(chosen, root, depth + 1)
    parts = schema.get("allOf")
    if parts:
        merged: dict[str, object] = {}
        for part in parts:
            value = sample(part, root, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties") or {}
        return {name: sample(sub, root, depth + 1) for name, sub in properties.items()}
    if kind == "array":
        return [sample(schema.get("items") or {}, root, depth + 1)]
    if kind in _SCALARS:
        return _SCALARS[kind]
    return _FORMATS.get(schema.get("format", ""), "emulated")

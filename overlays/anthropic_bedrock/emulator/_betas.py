"""Body fields Bedrock takes only when the request names their beta in ``anthropic_beta``.

Context editing is the one Bedrock documents for Claude: ``context_management`` (an object whose
``edits`` are objects with a ``type``) is accepted when a ``context-management-...`` beta is named,
and refused as an extraneous key otherwise (the body check does that, as Bedrock does). The
emulated answer does not change.
"""

from __future__ import annotations

from typing import Final

from ._schema import JSONObject, invalid, type_name

__all__ = ["beta_fields"]

# field -> the prefix of the beta name that admits it
_BETA_FIELDS: Final = {"context_management": "context-management-"}


def beta_fields(body: JSONObject) -> frozenset[str]:
    """The beta-only fields present in ``body`` that its ``anthropic_beta`` admits, each checked."""
    betas = body.get("anthropic_beta")
    names = [name for name in betas if isinstance(name, str)] if isinstance(betas, list) else []
    present = frozenset(
        field
        for field, prefix in _BETA_FIELDS.items()
        if field in body and any(name.startswith(prefix) for name in names)
    )
    if "context_management" in present:
        _context_management(body["context_management"])
    return present


def _context_management(config: object) -> None:
    if not isinstance(config, dict):
        raise invalid("#/context_management", f"expected type: JSONObject, found: {type_name(config)}")
    edits = config.get("edits", [])
    if not isinstance(edits, list):
        raise invalid("#/context_management/edits", f"expected type: JSONArray, found: {type_name(edits)}")
    for index, edit in enumerate(edits):
        path = f"#/context_management/edits/{index}"
        if not isinstance(edit, dict):
            raise invalid(path, f"expected type: JSONObject, found: {type_name(edit)}")
        if not isinstance(edit.get("type"), str):
            raise invalid(f"{path}/type", f"expected type: String, found: {type_name(edit.get('type'))}")

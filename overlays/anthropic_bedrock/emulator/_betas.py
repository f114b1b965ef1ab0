"""Body fields Bedrock takes only when the request names their beta in ``anthropic_beta``.

Context editing is the one Bedrock documents for Claude: ``context_management`` (an object whose
``edits`` are objects with a ``type``) is accepted when a ``context-management-...`` beta is named,
and refused as an extraneous key otherwise, as Bedrock does. The emulated answer does not change.
"""

from __future__ import annotations

from typing import Final

from ._schema import JSONObject, expect_array, expect_object, expect_string

__all__ = ["beta_keys"]

# field -> the prefix of the beta name that admits it
_BETA_FIELDS: Final = {"context_management": "context-management-"}


def beta_keys(body: JSONObject) -> frozenset[str]:
    """The beta-only fields ``body`` may carry, given its ``anthropic_beta``; those present are checked."""
    betas = body.get("anthropic_beta")
    names = [name for name in betas if isinstance(name, str)] if isinstance(betas, list) else []
    allowed = frozenset(
        field for field, prefix in _BETA_FIELDS.items() if any(name.startswith(prefix) for name in names)
    )
    if "context_management" in allowed and "context_management" in body:
        config = expect_object(body["context_management"], "#/context_management")
        for index, edit in enumerate(expect_array(config.get("edits", []), "#/context_management/edits")):
            path = f"#/context_management/edits/{index}"
            expect_string(expect_object(edit, path).get("type"), f"{path}/type")
    return allowed

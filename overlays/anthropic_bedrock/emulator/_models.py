"""Which model ids the emulator knows: the router checks a model id in the path, the
Anthropic-native handler the ``model`` in the body, by the same rule."""

from __future__ import annotations

__all__ = ["known_model"]


def known_model(model_id: str) -> bool:
    """Anthropic model ids, inference profiles and ARNs are known; anything ``nonexistent`` is not."""
    lowered = model_id.lower()
    if "nonexistent" in lowered or "does-not-exist" in lowered:
        return False
    if "anthropic" in lowered or "claude" in lowered:
        return True
    return lowered.startswith("arn:") and any(
        kind in lowered
        for kind in (":provisioned-model/", ":custom-model/", ":application-inference-profile/", ":imported-model/")
    )

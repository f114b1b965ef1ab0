"""`beta.messages.create` and `beta.messages.count_tokens`: the Messages operations with the beta
arguments, and a body hook that moves `betas` into the body's `anthropic_beta`.

Nothing else differs: the same endpoints, parsers, streams and engine as `messages` (a beta call
is a Messages call that names its betas), so a beta call is never a second request path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import attrs

from ..types import Message, MessageStreamEvent, MessageTokensCount
from ..types.beta import BetaMessageInput, BetaMessageRequest
from .base import Operation
from .messages import COUNT_TOKENS, MESSAGES

__all__ = ["BETA_COUNT_TOKENS", "BETA_MESSAGES", "merge_betas"]

Body = Callable[[dict[str, Any], Mapping[str, str]], dict[str, Any]]


def merge_betas(betas: Iterable[str], headers: Mapping[str, str]) -> tuple[list[str], dict[str, str]]:
    """The beta names of `betas` then those of the headers' `anthropic-beta` (the call's over the
    client's), each once, in that order; and the headers without `anthropic-beta`."""
    names = list(betas)
    rest: dict[str, str] = {}
    header = ""
    for key, value in headers.items():
        if key.lower() == "anthropic-beta":
            header = value
        else:
            rest[key] = value
    names.extend(name.strip() for name in header.split(","))
    return [name for name in dict.fromkeys(names) if name], rest


def _with_betas(body: Body) -> Body:
    """`body`, with `betas` handed to it as the one `anthropic-beta` header it already reads."""

    def beta_body(arguments: dict[str, Any], headers: Mapping[str, str]) -> dict[str, Any]:
        arguments = dict(arguments)
        names, rest = merge_betas(arguments.pop("betas", ()), headers)
        if names:
            rest["anthropic-beta"] = ",".join(names)
        return body(arguments, rest)

    return beta_body


BETA_MESSAGES: Final[Operation[Message, MessageStreamEvent]] = attrs.evolve(
    MESSAGES, name="beta.messages.create", arguments=BetaMessageRequest, body=_with_betas(MESSAGES.body)
)
BETA_COUNT_TOKENS: Final[Operation[MessageTokensCount, None]] = attrs.evolve(
    COUNT_TOKENS,
    name="beta.messages.count_tokens",
    arguments=BetaMessageInput,
    body=_with_betas(COUNT_TOKENS.body),
)

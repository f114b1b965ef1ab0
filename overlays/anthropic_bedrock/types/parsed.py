"""What `messages.parse` returns: the `Message` with each text block's JSON parsed into the type the
caller asked for (`parsed_output`), named and shaped as in `anthropic` (`ParsedMessage`,
`ParsedTextBlock`). Dumps leave `parsed_output` out, as `anthropic`'s do: they give back what came.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeAlias, TypeVar

import attrs

from .._generated.models.content_block import ContentBlock
from .._generated.models.message import Message
from .._generated.models.text_block import TextBlock

__all__ = ["ParsedContentBlock", "ParsedMessage", "ParsedTextBlock"]

T = TypeVar("T")


@attrs.define
class ParsedTextBlock(TextBlock, Generic[T]):
    """A text block whose text was parsed as the requested output format."""

    parsed_output: T | None = attrs.field(default=None, kw_only=True, eq=False)
    """The text as the requested type (a pydantic model, TypedDict, dataclass or, for a JSON
    schema, the decoded JSON)."""


ParsedContentBlock: TypeAlias = ParsedTextBlock[T] | ContentBlock
"""A content block of a `ParsedMessage`: text blocks are `ParsedTextBlock`s, others as in `Message`."""


@attrs.define
class ParsedMessage(Message, Generic[T]):
    """A `Message` whose text blocks carry `parsed_output`."""

    if TYPE_CHECKING:
        content: list[ParsedContentBlock[T]]

    @property
    def parsed_output(self) -> T | None:
        """The first text block's parsed output (the whole answer, for a structured output)."""
        for block in self.content:
            if isinstance(block, ParsedTextBlock) and block.parsed_output is not None:
                return block.parsed_output
        return None

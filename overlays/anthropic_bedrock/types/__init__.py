"""Public request and response types, named as in `anthropic.types` so that code moves over.

Everything the API description (`spec/`) defines is here under its own name, generated: response
models (attrs classes), request shapes (TypedDicts: write plain dicts, `mypy --strict` checks them),
the `Unknown...` class of each union of kinds and its `parse_...` function. A kind added to the
description is importable from here with no hand edit. Written by hand are only the keyword-argument
shapes of the methods (`model`, `stream` and per-call options are not body fields) and aliases.

Each name loads its module on first use, so code that uses only text completions never loads the
Messages API's models.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._generated.models import *  # noqa: F403  (every model and shape of the API description)
    from ._common import *  # noqa: F403
    from .batches import *  # noqa: F403
    from .completions import *  # noqa: F403
    from .messages import *  # noqa: F403
    from .parsed import *  # noqa: F403

# Where a name not generated is written, cheapest module first (`.messages` loads Messages models).
_WRITTEN = ("._common", ".completions", ".messages", ".parsed", ".batches")
# Submodules reachable as attributes before anything imported them (`anthropic_bedrock.types.beta.X`).
_SUBMODULES = frozenset({"beta", "completion", "completion_create_params"})


def _generated() -> Any:
    return import_module(".._generated.models", __name__)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        value: Any = import_module(f".{name}", __name__)
    elif name == "__all__":
        names = set(_generated().__all__)
        for module in _WRITTEN:
            names.update(import_module(module, __name__).__all__)
        value = sorted(names)
    else:
        models = _generated()
        if name in models._MODULES:
            value = getattr(models, name)
        else:
            for module in _WRITTEN:
                written = import_module(module, __name__)
                if name in written.__all__:
                    value = getattr(written, name)
                    break
            else:
                raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__getattr__("__all__"))

"""The caps every generator keeps to, its error, and what breaking a value yields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import SioSpecError

SOFT_DEPTH = 4
#: A schema that needs more levels than this has no finite value.
HARD_DEPTH = 40
#: Longest string, array and object drawn when the schema sets no maximum.
STRING_CAP = 40
ARRAY_CAP = 5
OBJECT_CAP = 4
#: Integers stay within what every JSON parser reads exactly (JavaScript's safe range).
SAFE_INT = 2**53 - 1
#: Floats drawn without bounds stay within +-this.
FLOAT_CAP = 1e9
_ATTEMPTS = 20


class GenerationError(SioSpecError):
    """A schema has no value the generator can produce (``false``, an empty
    ``enum``, contradictory bounds, unbounded recursion); the message says where."""


# -- results of breaking -----------------------------------------------------------------------


@dataclass(frozen=True)
class Broken:
    """A value broken in one place."""

    value: Any
    path: tuple[str | int, ...]
    """Where it is broken (property names and array positions from the top)."""
    reason: str
    """What was done, e.g. ``"letters for an integer"``; never quotes the value."""


@dataclass(frozen=True)
class BrokenArguments:
    """Event arguments with one of them broken in one place."""

    values: tuple[Any, ...]
    path: tuple[str | int, ...]
    """Starts with the argument's position."""
    reason: str

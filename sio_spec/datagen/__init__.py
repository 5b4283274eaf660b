"""Values for the schemas of a contract: valid ones, and ones broken in one place.

One generator serves two callers: ``sio-spec fuzz`` (values drawn through
hypothesis, so a finding shrinks to a minimal payload) and ``sio-spec mock``
(acks answered with values from a seeded :class:`random.Random`, no hypothesis
needed). The generator is written against :class:`Source`, a small draw
interface with two implementations: :class:`RandomSource` and
:class:`HypothesisSource`. Every choice is a draw whose smallest answer is the
simplest value (no optional property, the shortest array, the first branch),
which is what hypothesis shrinks towards.

Each schema is compiled once (:func:`generator`, :func:`arguments`): references
resolved, ``allOf`` merged, bounds computed. Then:

- :meth:`Generator.valid` draws a value the schema accepts: objects with their
  required and some optional properties, arrays and tuples, unions (a
  discriminator's property set to match its branch), ``enum`` / ``const``,
  numbers within bounds and ``multipleOf``, strings within lengths, ``pattern``
  (generated from the regular expression) and common ``format`` values, bytes
  for ``format: binary``, ``null`` where allowed; recursion is bounded (past
  :data:`SOFT_DEPTH` levels optional parts are left out).
- :meth:`Generator.broken` draws a valid value and breaks it in exactly one
  place, in a way no lax validator accepts either: letters for a number, an
  object for a string, a missing required property, a number out of range, a
  string too long or too short, an array with too many or too few items, an
  unknown property where none is allowed. Coercions a lax validator performs
  (``"5"`` or ``true`` for an integer, ``1.0`` for an integer, a number for a
  string, a string for bytes, duplicates where a set is declared) are never used
  as breakage; ``format`` is never broken (JSON Schema validators do not check it
  by default).

Every value returned is checked against the schema's own JSON Schema
validator (``jsonschema``, draft 7, bytes counted as strings) whenever the
schema uses a keyword the generator does not model exactly.
"""

from __future__ import annotations

from .base import ARRAY_CAP as ARRAY_CAP
from .base import FLOAT_CAP as FLOAT_CAP
from .base import HARD_DEPTH as HARD_DEPTH
from .base import OBJECT_CAP as OBJECT_CAP
from .base import SAFE_INT as SAFE_INT
from .base import SOFT_DEPTH as SOFT_DEPTH
from .base import STRING_CAP as STRING_CAP
from .base import Broken, BrokenArguments, GenerationError
from .generators import ArgumentsGenerator, Generator, arguments, generator
from .sources import HypothesisSource, RandomSource, Source

__all__ = [
    "ArgumentsGenerator",
    "Broken",
    "BrokenArguments",
    "GenerationError",
    "Generator",
    "HypothesisSource",
    "RandomSource",
    "Source",
    "arguments",
    "generator",
]

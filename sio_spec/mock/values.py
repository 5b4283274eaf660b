"""The values a mock server answers and emits with.

Each event's acks (and each server event's emits) take the message's examples first,
in the order the document gives them, then values generated to fit the schema by
:mod:`sio_spec.datagen`, the generator ``sio-spec fuzz`` uses too. Every event draws
from its own random generator seeded from the mock's seed and the event's name, so
with a fixed seed the n-th answer of an event is the same whatever else the clients
did in between.

An event's generator is compiled when the event first needs a generated value, so a
large document costs nothing here at start-up.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import datagen
from ..contract import Argument, JsonSchema
from ..server.payload import PayloadInvalid
from ..server.signature import Arguments

__all__ = ["Pick", "Values", "event_seed", "shown"]


@dataclass(frozen=True)
class Pick:
    """One answer: the argument values and where they come from."""

    values: tuple[Any, ...]
    source: str
    """``"example N"`` (1-based, as the document lists them) or ``"generated"``."""


def event_seed(seed: int | str, direction: str, namespace: str, event: str) -> str:
    """The seed of one event's generator: the same for the same seed and event,
    whatever happened before (string seeds are hashed the same way in every run)."""
    return f"{seed}\x00{direction}\x00{namespace}\x00{event}"


class Values:
    """The values of one argument list (an ack's or a server event's): examples
    first, then generated ones."""

    def __init__(
        self,
        args: tuple[Argument, ...] | None,
        examples: tuple[tuple[Any, ...], ...],
        checker: Arguments | None,
        schemas: Mapping[str, JsonSchema],
        seed: str,
    ) -> None:
        self.args = args
        self.schemas = schemas
        self.seed = seed
        self.examples = tuple(
            (number, example)
            for number, example in enumerate(examples, 1)
            if _fits(checker, example)
        )
        self.skipped = len(examples) - len(self.examples)
        """How many of the document's examples do not match their schema (never sent)."""
        self.taken = 0
        self._source: datagen.RandomSource | None = None
        self._generator: datagen.ArgumentsGenerator | None = None

    def next(self) -> Pick:
        """The next answer. Raises :class:`~sio_spec.datagen.GenerationError` when
        the schema has no value the generator can draw."""
        if self.taken < len(self.examples):
            number, example = self.examples[self.taken]
            self.taken += 1
            return Pick(example, f"example {number}")
        self.taken += 1
        return Pick(self.generate(), "generated")

    def generate(self) -> tuple[Any, ...]:
        """Values generated to fit the argument list (nothing declared: no values)."""
        if not self.args:
            return ()
        if self._generator is None or self._source is None:
            self._generator = datagen.arguments(self.args, self.schemas)
            self._source = datagen.RandomSource(self.seed)
        return self._generator.valid(self._source)


def _fits(checker: Arguments | None, example: tuple[Any, ...]) -> bool:
    if checker is None:
        return True
    try:
        checker.validate(example)
    except PayloadInvalid:
        return False
    return True


def shown(value: Any) -> Any:
    """``value`` as JSON can carry it: bytes as ``{"$base64": ...}``."""
    if isinstance(value, bytes):
        return {"$base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, (list, tuple)):
        return [shown(v) for v in value]
    if isinstance(value, dict):
        return {k: shown(v) for k, v in value.items()}
    return value

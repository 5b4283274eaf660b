"""Where choices come from: a seeded random source, or Hypothesis."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, Protocol

from .base import _ATTEMPTS, GenerationError

# -- sources of choices ----------------------------------------------------------------------


class Source(Protocol):
    """Where a generator's choices come from. Smaller answers mean simpler values."""

    def integer(self, lo: int, hi: int) -> int:
        """An integer in ``[lo, hi]``."""
        ...

    def boolean(self) -> bool:
        """``False`` is the simpler answer."""
        ...

    def floating(self, lo: float, hi: float, exclude_lo: bool, exclude_hi: bool) -> float:
        """A finite float within the bounds."""
        ...

    def text(self, min_size: int, max_size: int) -> str:
        """A string of ``min_size`` to ``max_size`` code points (no surrogates)."""
        ...

    def binary(self, min_size: int, max_size: int) -> bytes:
        """Bytes of ``min_size`` to ``max_size`` length."""
        ...


_ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_EXTRA = " -_.!é€中😀"


class RandomSource:
    """Choices from ``random.Random(seed)``: the same seed gives the same values."""

    def __init__(self, seed: int | str | None = None) -> None:
        self.random = random.Random(seed)

    def integer(self, lo: int, hi: int) -> int:
        if hi - lo > 200 and self.random.random() < 0.7:
            centre = min(max(0, lo), hi)
            return self.random.randint(max(lo, centre - 100), min(hi, centre + 100))
        return self.random.randint(lo, hi)

    def boolean(self) -> bool:
        return self.random.random() < 0.5

    def floating(self, lo: float, hi: float, exclude_lo: bool, exclude_hi: bool) -> float:
        for _ in range(_ATTEMPTS):
            value = round(self.random.uniform(lo, hi), 6)
            if (
                lo < value < hi
                or (value == lo and not exclude_lo)
                or (value == hi and not exclude_hi)
            ):
                return value
        middle = lo / 2 + hi / 2
        if lo < middle < hi or (middle == lo and not exclude_lo):
            return middle
        raise GenerationError(f"no float within ({lo}, {hi})")

    def text(self, min_size: int, max_size: int) -> str:
        size = self.random.randint(min_size, min(max_size, min_size + 12))
        chars = []
        for _ in range(size):
            pool = _ASCII if self.random.random() < 0.9 else _EXTRA
            chars.append(pool[self.random.randrange(len(pool))])
        return "".join(chars)

    def binary(self, min_size: int, max_size: int) -> bytes:
        return self.random.randbytes(self.random.randint(min_size, max_size))


class HypothesisSource:
    """Choices drawn by hypothesis: ``draw`` is ``data.draw`` of ``st.data()`` or the
    ``draw`` of a ``@st.composite`` function. Values shrink as hypothesis shrinks
    its choices."""

    #: strategies by their arguments, shared by every source (building one costs
    #: more than drawing from it)
    _cache: dict[tuple[Any, ...], Any] = {}

    def __init__(self, draw: Callable[[Any], Any]) -> None:
        from hypothesis import strategies

        self.draw = draw
        self.st = strategies

    def _strategy(self, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) > 4096:
                self._cache.clear()
            found = self._cache[key] = build()
        return found

    def integer(self, lo: int, hi: int) -> int:
        value: int = self.draw(self._strategy(("i", lo, hi), lambda: self.st.integers(lo, hi)))
        return value

    def boolean(self) -> bool:
        value: bool = self.draw(self._strategy(("b",), self.st.booleans))
        return value

    def floating(self, lo: float, hi: float, exclude_lo: bool, exclude_hi: bool) -> float:
        value: float = self.draw(
            self._strategy(
                ("f", lo, hi, exclude_lo, exclude_hi),
                lambda: self.st.floats(
                    lo,
                    hi,
                    allow_nan=False,
                    allow_infinity=False,
                    exclude_min=exclude_lo,
                    exclude_max=exclude_hi,
                ),
            )
        )
        return value

    def text(self, min_size: int, max_size: int) -> str:
        value: str = self.draw(
            self._strategy(
                ("t", min_size, max_size),
                # hypothesis' default alphabet: every code point UTF-8 can encode
                lambda: self.st.text(min_size=min_size, max_size=max_size),
            )
        )
        return value

    def binary(self, min_size: int, max_size: int) -> bytes:
        value: bytes = self.draw(
            self._strategy(
                ("y", min_size, max_size),
                lambda: self.st.binary(min_size=min_size, max_size=max_size),
            )
        )
        return value

    def reject(self) -> None:
        """Discard the example being drawn (a value failed its schema's check)."""
        from hypothesis import reject

        reject()

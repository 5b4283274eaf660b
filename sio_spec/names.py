"""Keys of the AsyncAPI document: sanitized and unique.

Every key used in a ``$ref`` (channels, messages, operations, schemas, servers)
must match ``^[A-Za-z0-9._-]+$``. :func:`sanitize` maps anything else to that
alphabet and :class:`Names` makes the result unique with a ``_2``, ``_3`` ...
suffix, in the order keys are requested (which the builder keeps sorted, so
the rule is deterministic).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .jsonschema_keywords import escape_pointer as escape_pointer

__all__ = ["Names", "channel_key", "escape_pointer", "sanitize", "sanitize_server"]

_BAD = re.compile(r"[^A-Za-z0-9._-]+")
_SERVER_BAD = re.compile(r"[^A-Za-z0-9_-]+")


def sanitize(text: str, fallback: str = "x") -> str:
    """``text`` with every run of characters outside ``[A-Za-z0-9._-]`` as ``_``."""
    out = _BAD.sub("_", text).strip("_")
    return out or fallback


def sanitize_server(text: str, fallback: str = "server") -> str:
    """Server keys allow no dots: ``[A-Za-z0-9_-]`` only."""
    out = _SERVER_BAD.sub("_", text).strip("_")
    return out or fallback


def channel_key(namespace: str) -> str:
    """``/`` -> ``root``, ``/chat`` -> ``chat``, ``/a/b`` -> ``a.b``."""
    inner = namespace.strip("/").replace("/", ".")
    return sanitize(inner, "root") if inner else "root"


class Names:
    """Hands out unique keys: the first request for a name gets it as is, later
    ones get ``name_2``, ``name_3``..."""

    __slots__ = ("_taken",)

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken: set[str] = set(taken)

    def __contains__(self, name: str) -> bool:
        return name in self._taken

    def take(self, name: str) -> str:
        """Reserve ``name`` (already sanitized) or the first free variant of it."""
        if name not in self._taken:
            self._taken.add(name)
            return name
        i = 2
        while f"{name}_{i}" in self._taken:
            i += 1
        out = f"{name}_{i}"
        self._taken.add(out)
        return out

    def reserve(self, names: Iterable[str]) -> None:
        """Mark ``names`` as taken (as they are: no variant is made)."""
        self._taken.update(names)

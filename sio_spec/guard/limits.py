"""The limits of what is read, and the one-line refusals past them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import SpecError
from ..jsonschema_keywords import escape_pointer

MAX_BYTES = 16 * 1024 * 1024
#: Values (mappings, lists, scalars, keys not counted) of a document with YAML aliases
#: expanded.
MAX_NODES = 2_000_000
#: Levels of nested mappings and lists.
MAX_DEPTH = 200
#: Decimal digits of an integer.
MAX_NUMBER_DIGITS = 300


class ContractError(SpecError):
    """An AsyncAPI document could not be read: unreadable, not AsyncAPI, malformed, or
    past one of the reading limits.

    The message is one line naming the problem and where it is.
    """


@dataclass(frozen=True)
class Limits:
    """The limits of reading one document; each has a keyword of the same name on
    :meth:`~sio_spec.SocketIOSpec.from_document`, :class:`~sio_spec.ClientSpec` and
    :meth:`~sio_spec.ClientSpec.from_url`, and a ``--max-...`` option of the CLI."""

    max_bytes: int = MAX_BYTES
    max_nodes: int = MAX_NODES
    max_depth: int = MAX_DEPTH
    max_number_digits: int = MAX_NUMBER_DIGITS

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_nodes", "max_depth", "max_number_digits"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise SpecError(f"{name} must be a positive integer")


DEFAULT_LIMITS = Limits()


def limits_of(
    max_bytes: int | None = None,
    max_nodes: int | None = None,
    max_depth: int | None = None,
    max_number_digits: int | None = None,
) -> Limits:
    """:class:`Limits` from keywords, ``None`` meaning the default."""
    return Limits(
        max_bytes=MAX_BYTES if max_bytes is None else max_bytes,
        max_nodes=MAX_NODES if max_nodes is None else max_nodes,
        max_depth=MAX_DEPTH if max_depth is None else max_depth,
        max_number_digits=MAX_NUMBER_DIGITS if max_number_digits is None else max_number_digits,
    )


def _one_line(text: Any, size: int = 200) -> str:
    return " ".join(str(text).split())[:size]


def pointer_of(path: list[Any]) -> str:
    """A JSON pointer (``/a/b/0``; ``/`` for the whole document) from its segments,
    on one line and at most about 200 characters (the middle elided)."""
    if not path:
        return "/"
    text = "".join("/" + escape_pointer(str(p)) for p in path)
    text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= 200 else text[:100] + "/.../" + text[-95:]


class _Refused(Exception):
    """A value past a limit; ``path`` is filled in while the stack unwinds."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.path: list[Any] = []


def _too_deep(where: str, limits: Limits) -> str:
    return f"{where} nests deeper than {limits.max_depth} levels (raise the limit with max_depth)"


def _too_many_digits(limits: Limits) -> str:
    return (
        f"a number with more than {limits.max_number_digits} digits "
        "(raise the limit with max_number_digits)"
    )


def _too_many_nodes(limits: Limits) -> str:
    return (
        f"more than {limits.max_nodes} values with its aliases expanded "
        "(raise the limit with max_nodes)"
    )


def _digits_over(value: int, digits: int) -> bool:
    """Whether ``value`` has more than ``digits`` decimal digits (computed without
    ``str()``, which refuses integers of more than 4,300 digits)."""
    return bool(abs(value) >= 10**digits)

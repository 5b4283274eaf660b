"""Plain data shared by every layer: document info, event specs, AsyncAPI versions.

This module sits below everything else in the package: it imports no other
``sio_spec`` module at run time, so the registry, the document builder and every
reader or generator depend on this data rather than on :class:`~sio_spec.SocketIOSpec`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .server.signature import Arguments

#: The AsyncAPI versions sio-spec writes; the first is the default.
VERSIONS: tuple[str, ...] = ("3.0.0", "3.1.0", "2.6.0")
DEFAULT_VERSION = VERSIONS[0]

Direction = Literal["receive", "send"]
"""Where an event goes, from the server's point of view: ``receive`` for events
clients send, ``send`` for events the server emits."""


@dataclass(frozen=True)
class Info:
    """Document-level information: ``info`` and ``servers`` of the AsyncAPI document."""

    title: str
    version: str
    description: str | None = None
    servers: Any = None
    contact: Mapping[str, Any] | None = None
    license: Mapping[str, Any] | None = None
    tags: tuple[Any, ...] = ()
    external_docs: Mapping[str, Any] | None = None
    terms_of_service: str | None = None


@dataclass(frozen=True)
class EventSpec:
    """One event in one direction, as validated and documented.

    ``direction`` is from the server's point of view: ``receive`` for events
    clients send (handlers, and ``connect`` whose ``args`` is the auth payload),
    ``send`` for events the server emits. ``args`` is the payload (``None``: not
    validated), ``ack`` the acknowledgement (for ``receive`` the handler's
    return value, for ``send`` the client's reply; ``None``: not declared).
    """

    namespace: str
    event: str
    direction: Direction
    args: Arguments | None
    ack: Arguments | None = None
    summary: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    examples: tuple[Any, ...] | None = None
    deprecated: bool = False
    handler_name: str | None = None

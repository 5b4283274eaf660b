"""Validated emits from processes that are not Socket.IO servers.

With several server processes behind a message queue, an emit published by one
process is delivered by the others straight from the queue; it never passes
their ``emit``. It must be valid before it is published: server processes with a
spec attached validate their own emits, and a worker process wraps its
``write_only=True`` manager with :meth:`SocketIOSpec.emitter`.

:class:`BaseEmitter` prepares every emit; :class:`Emitter` and
:class:`AsyncEmitter` only publish it (the second awaits).
"""

from __future__ import annotations

from typing import Any

from ..adapters import Layout
from .pipeline import Pipeline, serialize_any


class BaseEmitter:
    """What both emitters share: the preparation of an emit for ``manager.emit``.

    ``emit`` takes the arguments of ``Server.emit``: ``event, data=None, to=None,
    room=None, skip_sid=None, namespace=None, callback=None``, and any keyword the
    manager accepts.
    """

    def __init__(self, pipeline: Pipeline, manager: Any, *, validate: bool = True) -> None:
        self.pipeline = pipeline
        self.manager = manager
        self.validate = validate

    def _prepare(
        self, event: str, data: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[tuple[Any, Any], dict[str, Any]]:
        """The arguments of ``manager.emit(event, data, **kwargs)`` for an emit:
        ``data`` validated (raises ``EmitValidationError``) and serialized,
        ``callback`` wrapped to see only a valid reply. With validation off, models
        are still serialized (a message queue needs JSON-compatible data)."""
        kw = Layout.SERVER_EMIT.named((event, data, *args), kwargs)
        namespace = kw.pop("namespace", None) or "/"
        callback = kw.pop("callback", None)
        if self.validate:
            kw["data"], callback = self.pipeline.outgoing(event, namespace, kw["data"], callback)
        else:
            kw["data"] = serialize_any(kw["data"], check=False)
        to, room = kw.pop("to", None), kw.pop("room", None)
        kw.update(namespace=namespace, room=to or room, callback=callback)
        return (kw.pop("event"), kw.pop("data")), kw


class Emitter(BaseEmitter):
    """Validates and serializes emits, then publishes them through a manager.

    Built by :meth:`SocketIOSpec.emitter` for a synchronous manager such as
    ``socketio.RedisManager(url, write_only=True)``.
    """

    def emit(self, event: str, data: Any = None, *args: Any, **kwargs: Any) -> None:
        """Like ``Server.emit`` (see :class:`BaseEmitter`): raises
        ``EmitValidationError`` and publishes nothing when ``data`` does not match
        what ``spec.emits`` declared for the event.

        ``callback`` needs a manager that belongs to a server: a ``write_only=True``
        manager cannot receive the client's reply (python-socketio raises
        ``RuntimeError`` and publishes nothing)."""
        positional, kw = self._prepare(event, data, args, kwargs)
        self.manager.emit(*positional, **kw)

    def send(self, data: Any, *args: Any, **kwargs: Any) -> None:
        """Emit the ``message`` event."""
        self.emit("message", data, *args, **kwargs)


class AsyncEmitter(BaseEmitter):
    """The asyncio front end of :class:`BaseEmitter`, for
    ``socketio.AsyncRedisManager`` and other asynchronous managers."""

    async def emit(self, event: str, data: Any = None, *args: Any, **kwargs: Any) -> None:
        """Like ``AsyncServer.emit``; see :meth:`Emitter.emit`."""
        positional, kw = self._prepare(event, data, args, kwargs)
        await self.manager.emit(*positional, **kw)

    async def send(self, data: Any, *args: Any, **kwargs: Any) -> None:
        """Emit the ``message`` event."""
        await self.emit("message", data, *args, **kwargs)

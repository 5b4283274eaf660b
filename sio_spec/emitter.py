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

from collections.abc import Callable
from typing import Any

from .pipeline import Pipeline, serialize_any


class BaseEmitter:
    """What both emitters share: the preparation of an emit for ``manager.emit``."""

    def __init__(self, pipeline: Pipeline, manager: Any, *, validate: bool = True) -> None:
        self.pipeline = pipeline
        self.manager = manager
        self.validate = validate

    def _prepare(
        self,
        event: str,
        data: Any,
        to: Any,
        room: Any,
        skip_sid: Any,
        namespace: str | None,
        callback: Callable[..., Any] | None,
        kwargs: dict[str, Any],
    ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """The arguments of ``manager.emit`` for an emit: ``data`` validated (raises
        ``EmitValidationError``) and serialized, ``callback`` wrapped to see only a
        valid reply. With validation off, models are still serialized (a message
        queue needs JSON-compatible data)."""
        namespace = namespace or "/"
        if self.validate:
            data, callback = self.pipeline.outgoing(event, namespace, data, callback)
        else:
            data = serialize_any(data, check=False)
        kwargs.update(namespace=namespace, room=to or room, skip_sid=skip_sid, callback=callback)
        return (event, data), kwargs


class Emitter(BaseEmitter):
    """Validates and serializes emits, then publishes them through a manager.

    Built by :meth:`SocketIOSpec.emitter` for a synchronous manager such as
    ``socketio.RedisManager(url, write_only=True)``.
    """

    def emit(
        self,
        event: str,
        data: Any = None,
        to: Any = None,
        room: Any = None,
        skip_sid: Any = None,
        namespace: str | None = None,
        callback: Callable[..., Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Like ``Server.emit``: raises ``EmitValidationError`` and publishes nothing
        when ``data`` does not match what ``spec.emits`` declared for the event.

        ``callback`` needs a manager that belongs to a server: a ``write_only=True``
        manager cannot receive the client's reply (python-socketio raises
        ``RuntimeError`` and publishes nothing)."""
        args, kw = self._prepare(event, data, to, room, skip_sid, namespace, callback, kwargs)
        self.manager.emit(*args, **kw)

    def send(
        self,
        data: Any,
        to: Any = None,
        room: Any = None,
        skip_sid: Any = None,
        namespace: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Emit the ``message`` event."""
        self.emit(
            "message", data, to=to, room=room, skip_sid=skip_sid, namespace=namespace, **kwargs
        )


class AsyncEmitter(BaseEmitter):
    """The asyncio front end of :class:`BaseEmitter`, for
    ``socketio.AsyncRedisManager`` and other asynchronous managers."""

    async def emit(
        self,
        event: str,
        data: Any = None,
        to: Any = None,
        room: Any = None,
        skip_sid: Any = None,
        namespace: str | None = None,
        callback: Callable[..., Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Like ``AsyncServer.emit``; see :meth:`Emitter.emit`."""
        args, kw = self._prepare(event, data, to, room, skip_sid, namespace, callback, kwargs)
        await self.manager.emit(*args, **kw)

    async def send(
        self,
        data: Any,
        to: Any = None,
        room: Any = None,
        skip_sid: Any = None,
        namespace: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Emit the ``message`` event."""
        await self.emit(
            "message", data, to=to, room=room, skip_sid=skip_sid, namespace=namespace, **kwargs
        )

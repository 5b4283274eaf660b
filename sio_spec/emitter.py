"""Validated emits from processes that are not Socket.IO servers.

With several server processes behind a message queue, an emit published by one
process is delivered by the others straight from the queue; it never passes
their ``emit``. It must be valid before it is published: server processes with a
spec attached validate their own emits, and a worker process wraps its
``write_only=True`` manager with :meth:`SocketIOSpec.emitter`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .pipeline import Pipeline, serialize_any


def _prepare(
    pipeline: Pipeline,
    validate: bool,
    event: str,
    namespace: str,
    data: Any,
    callback: Callable[..., Any] | None,
) -> tuple[Any, Callable[..., Any] | None]:
    """What the server hook does to an emit; with validation off, models are still
    serialized (a message queue needs JSON-compatible data)."""
    if not validate:
        return serialize_any(data, check=False), callback
    return pipeline.outgoing(event, namespace, data, callback)


class Emitter:
    """Validates and serializes emits, then publishes them through a manager.

    Built by :meth:`SocketIOSpec.emitter` for a synchronous manager such as
    ``socketio.RedisManager(url, write_only=True)``.
    """

    def __init__(self, pipeline: Pipeline, manager: Any, *, validate: bool = True) -> None:
        self.pipeline = pipeline
        self.manager = manager
        self.validate = validate

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
        namespace = namespace or "/"
        data, callback = _prepare(self.pipeline, self.validate, event, namespace, data, callback)
        self.manager.emit(
            event,
            data,
            namespace=namespace,
            room=to or room,
            skip_sid=skip_sid,
            callback=callback,
            **kwargs,
        )

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


class AsyncEmitter:
    """The asyncio twin of :class:`Emitter`, for ``socketio.AsyncRedisManager`` and
    other asynchronous managers."""

    def __init__(self, pipeline: Pipeline, manager: Any, *, validate: bool = True) -> None:
        self.pipeline = pipeline
        self.manager = manager
        self.validate = validate

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
        namespace = namespace or "/"
        data, callback = _prepare(self.pipeline, self.validate, event, namespace, data, callback)
        await self.manager.emit(
            event,
            data,
            namespace=namespace,
            room=to or room,
            skip_sid=skip_sid,
            callback=callback,
            **kwargs,
        )

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

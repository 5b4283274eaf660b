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
from .registry import EventSpec


def _prepare(
    pipeline: Pipeline,
    validate: bool,
    event: str,
    namespace: str,
    data: Any,
    callback: Callable[..., Any] | None,
) -> tuple[Any, Callable[..., Any] | None]:
    """Validate and serialize ``data`` (raises ``EmitValidationError``) and wrap a
    ``callback`` so it only sees a valid client reply, as the server hook does."""
    spec: EventSpec | None
    if validate:
        data, spec = pipeline.emit(event, namespace, data)
    else:
        data, spec = serialize_any(data), None
    if callback is not None and spec is not None:
        callback = pipeline.wrap_callback(spec, callback)
    return data, callback


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

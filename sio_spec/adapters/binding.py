"""How sio-spec attaches to the object given to ``SocketIOSpec``, chosen once.

:func:`bind` looks at the object once and returns a :class:`Binding` that knows,
for that kind of server, where its handlers are found, how ``spec.on`` registers
one, which hooks validate (sync or asyncio) and who answers validation errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..server.pipeline import ErrorHandler, Pipeline
from ..server.registry import HandlerSource
from . import Hooks, check_server
from . import async_server as async_impl
from . import flask as flask_impl
from . import server as sync_impl
from .handlers import SocketIOHandlers


class Binding:
    """A ``socketio.Server``: handlers read with python-socketio's own lookup,
    registered with ``server.on``, validated by the synchronous hooks."""

    hooks = staticmethod(sync_impl.hooks)

    def __init__(self, target: Any) -> None:
        self.target = target

    def source(self) -> HandlerSource:
        """Where the registry finds the handlers (read again after :meth:`when_ready`)."""
        return SocketIOHandlers(self.target)

    def register(self, event: str, namespace: str, handler: Callable[..., Any]) -> None:
        """Register ``handler`` the way this kind of server registers one."""
        self.target.on(event, handler, namespace=namespace)

    def fallback(self, default: ErrorHandler) -> ErrorHandler:
        """The error handler used when the user declared none."""
        return default

    def when_ready(self, attach: Callable[[Any], None]) -> Callable[[], None] | None:
        """Call ``attach(server)`` with the python-socketio server, now or as soon as
        it exists; returns what cancels a later call (``None``: nothing to cancel)."""
        attach(self.target)
        return None

    def install(self, server: Any, pipeline: Pipeline) -> Hooks:
        """Put the validating hooks on ``server``."""
        hooks = self.hooks(server, pipeline)
        hooks.install()
        return hooks


class AsyncBinding(Binding):
    """A ``socketio.AsyncServer``: the asyncio hooks."""

    hooks = staticmethod(async_impl.hooks)


class FlaskBinding(Binding):
    """A ``flask_socketio.SocketIO``, also before ``init_app`` built its server:
    handlers registered and read with Flask-SocketIO's conventions, validation
    errors answered by its ``@on_error`` handlers when there are some."""

    def source(self) -> HandlerSource:
        return flask_impl.FlaskHandlers(self.target)

    def register(self, event: str, namespace: str, handler: Callable[..., Any]) -> None:
        self.target.on(event, namespace=namespace)(handler)

    def fallback(self, default: ErrorHandler) -> ErrorHandler:
        return flask_impl.error_router(self.target, default)

    def when_ready(self, attach: Callable[[Any], None]) -> Callable[[], None] | None:
        if self.target.server is None:
            return flask_impl.on_init_app(self.target, attach)
        attach(self.target.server)
        return None


def bind(target: Any) -> Binding:
    """The binding for a ``socketio.Server``, ``socketio.AsyncServer`` or
    ``flask_socketio.SocketIO``; raises ``SpecError`` for anything else."""
    if flask_impl.is_flask_socketio(target):
        return FlaskBinding(target)
    check_server(target)
    if target.is_asyncio_based():
        return AsyncBinding(target)
    return Binding(target)

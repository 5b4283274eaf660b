"""Flask-SocketIO specifics: late ``init_app`` and error handlers in request context.

Nothing here imports Flask: the ``SocketIO`` object is used through its attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._socketio_internals import flask_handle_event
from ..errors import ValidationError
from ..server.pipeline import ErrorHandler
from ..server.registry import Target
from .handlers import SocketIOHandlers, namespace_methods


def is_flask_socketio(obj: Any) -> bool:
    """True for a ``flask_socketio.SocketIO`` (or subclass) instance."""
    return any(
        c.__module__.split(".")[0] == "flask_socketio" and c.__name__ == "SocketIO"
        for c in type(obj).__mro__
    )


def _from_flask_socketio(obj: Any) -> bool:
    return any(c.__module__.split(".")[0] == "flask_socketio" for c in type(obj).__mro__)


def user_handler(fn: Any) -> Any:
    """The user's function when ``fn`` is the wrapper ``SocketIO.on`` registers
    (it pushes a request context and calls the function without the sid), else
    ``None``."""
    code = getattr(fn, "__code__", None)
    wrapped = getattr(fn, "__wrapped__", None)
    if (
        wrapped is not None
        and code is not None
        and code.co_name == "_handler"
        and "flask_socketio" in code.co_filename
    ):
        return wrapped
    return None


class FlaskHandlers(SocketIOHandlers):
    """The handlers of a ``flask_socketio.SocketIO``: those of its server once
    ``init_app`` built it (with Flask-SocketIO's calling conventions), before that
    the ones it has queued."""

    def __init__(self, socketio: Any) -> None:
        self.socketio = socketio
        server = socketio.server
        if server is not None:
            super().__init__(server)
        else:
            self.server = None
            self.handlers = {}
            self.namespace_handlers = {}

    def target(self, event: Any, namespace: str) -> Target | None:
        if self.server is not None:
            return super().target(event, namespace)
        for ev, fn, ns in list(self.socketio.handlers):
            if ev == event and (ns or "/") == namespace:
                func = user_handler(fn) or fn
                return Target(fn, func, 0, False)
        for ns_obj in list(self.socketio.namespace_handlers):
            if (ns_obj.namespace or "/") == namespace:
                method = getattr(ns_obj, "on_" + (event or ""), None)
                if method is not None:
                    return Target(ns_obj, method, 0, False)
        return None

    def function_target(
        self, fn: Callable[..., Any], shifted: int, event: Any, namespace: str
    ) -> Target:
        user = user_handler(fn)
        if user is None:
            return super().function_target(fn, shifted, event, namespace)
        # Flask-SocketIO calls the user's function without the sid or the namespace;
        # a catch-all event handler gets the event name first.
        any_event = shifted == 2 or fn is self.handlers.get(namespace, {}).get("*")
        return Target(fn, user, 1 if any_event else 0, False)

    def method_target(
        self, ns_obj: Any, method: Callable[..., Any], shifted: int, event: Any
    ) -> Target:
        if _from_flask_socketio(ns_obj):  # its methods get the payload only
            return Target(ns_obj, method, 0, False)
        return super().method_target(ns_obj, method, shifted, event)

    def names(self) -> list[tuple[str, str]]:
        if self.server is not None:
            return super().names()
        out = [(ns or "/", event) for event, _fn, ns in list(self.socketio.handlers)]
        for ns_obj in list(self.socketio.namespace_handlers):
            out.extend((ns_obj.namespace or "/", event) for event in namespace_methods(ns_obj))
        return out

    def fingerprint(self) -> tuple[Any, ...]:
        if self.server is not None:
            return super().fingerprint()
        return (len(self.socketio.handlers), len(self.socketio.namespace_handlers))


def on_init_app(socketio: Any, attach: Callable[[Any], None]) -> Callable[[], None]:
    """Call ``attach(server)`` right after ``socketio.init_app`` builds the server.

    Returns a function that removes the hook again.
    """
    original = socketio.init_app

    def init_app(app: Any, **kwargs: Any) -> None:
        original(app, **kwargs)
        attach(socketio.server)

    socketio.init_app = init_app

    def undo() -> None:
        if socketio.__dict__.get("init_app") is init_app:
            del socketio.__dict__["init_app"]

    return undo


def error_router(socketio: Any, fallback: ErrorHandler) -> ErrorHandler:
    """Send validation errors to Flask-SocketIO's ``@on_error`` / ``@on_error_default``
    handlers, inside the client's request context, as Flask-SocketIO does for
    exceptions raised by handlers; their return value becomes the ack. Without such
    a handler, ``fallback`` answers.
    """

    def route(error: ValidationError, sid: str) -> Any:
        namespace = error.namespace
        if (
            socketio.exception_handlers.get(namespace) is None
            and socketio.default_exception_handler is None
        ):
            return fallback(error, sid)

        def raise_error(*_: Any) -> Any:
            raise error

        # Flask-SocketIO pushes the request context (request.sid, request.namespace,
        # the session) and calls the error handler for exceptions of the handler.
        return flask_handle_event(socketio, raise_error, error.event, namespace, sid)

    return route

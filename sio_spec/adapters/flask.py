"""Flask-SocketIO specifics: late ``init_app`` and error handlers in request context.

Nothing here imports Flask: the ``SocketIO`` object is used through its attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import ValidationError
from ..pipeline import ErrorHandler


def is_flask_socketio(obj: Any) -> bool:
    """True for a ``flask_socketio.SocketIO`` (or subclass) instance."""
    return any(
        c.__module__.split(".")[0] == "flask_socketio" and c.__name__ == "SocketIO"
        for c in type(obj).__mro__
    )


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
        return socketio._handle_event(raise_error, error.event, namespace, sid)

    return route

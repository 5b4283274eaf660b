"""The former name of :mod:`sio_spec.adapters.flask_socketio` (Flask-SocketIO's
side of the binding), kept so existing imports work. Not to be confused with
:mod:`sio_spec.flask`, the sio-asyncapi drop-in."""

from typing import Any

from .. import flask_socketio as _current
from ..flask_socketio import (
    FlaskHandlers,
    error_router,
    is_flask_socketio,
    on_init_app,
    user_handler,
)

__all__ = ["FlaskHandlers", "error_router", "is_flask_socketio", "on_init_app", "user_handler"]


def __getattr__(name: str) -> Any:
    """Every other name of the module under its current name."""
    return getattr(_current, name)

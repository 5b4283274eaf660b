"""The former name of :mod:`sio_spec.adapters.flask_socketio` (Flask-SocketIO's
side of the binding), kept so existing imports work. Not to be confused with
:mod:`sio_spec.flask`, the sio-asyncapi drop-in."""

from .flask_socketio import (
    FlaskHandlers,
    error_router,
    is_flask_socketio,
    on_init_app,
    user_handler,
)

__all__ = ["FlaskHandlers", "error_router", "is_flask_socketio", "on_init_app", "user_handler"]

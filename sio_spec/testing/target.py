"""What is under test: the python-socketio server behind what a test passed in."""

from __future__ import annotations

from typing import Any

from .._socketio_internals import flask_app_of, is_server
from ..adapters import flask_socketio as flask_adapter
from ..client import ClientSpec
from ..errors import SpecError, SpecTypeError
from ..spec import SocketIOSpec

__all__ = ["Target"]


class Target:
    """The python-socketio server behind whatever the test passed in."""

    def __init__(self, obj: Any, flask_app: Any = None) -> None:
        spec: SocketIOSpec | None = None
        if isinstance(obj, SocketIOSpec):
            spec = obj
            obj = obj._target  # the server, or the Flask-SocketIO object it was given
            if obj is None:
                raise SpecError("the spec is not attached to a server; call spec.attach() first")
        socketio_ext = None
        if hasattr(obj, "extensions") and hasattr(obj, "wsgi_app"):  # a Flask app
            flask_app = flask_app or obj
            obj = obj.extensions.get("socketio")
            if obj is None:
                raise SpecError("this Flask app has no flask_socketio.SocketIO (init_app)")
        if flask_adapter.is_flask_socketio(obj):
            socketio_ext = obj
            if obj.server is None:
                raise SpecError("this SocketIO has no server yet; call init_app(app) first")
            flask_app = flask_app or flask_app_of(obj)
            if flask_app is None:
                raise SpecError("pass flask_app=... for a SocketIO initialised without an app")
            obj = obj.server
        for attr in ("engineio_server", "engineio_app"):  # socketio.ASGIApp / WSGIApp
            inner = getattr(obj, attr, None)
            if is_server(inner):
                obj = inner
        if not is_server(obj):
            raise SpecTypeError(
                "expected a socketio.Server, socketio.AsyncServer, flask_socketio.SocketIO, "
                f"a Flask app, socketio.ASGIApp/WSGIApp or a SocketIOSpec; got {type(obj).__name__}"
            )
        self.server: Any = obj
        self.flask: Any = socketio_ext
        self.flask_app: Any = flask_app
        self.spec: SocketIOSpec | None = spec or getattr(obj, "_sio_spec", None)
        if self.spec is None and socketio_ext is not None:
            self.spec = getattr(socketio_ext, "_sio_spec", None)

    def client_spec(self, client: Any) -> ClientSpec:
        """A :class:`ClientSpec` holding ``client`` to the server's own spec."""
        if self.spec is None:
            raise SpecError("validate=True needs a SocketIOSpec attached to the server")
        return ClientSpec(client, self.spec, on_invalid_event=client._report_invalid)

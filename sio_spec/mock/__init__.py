"""``sio-spec mock``: a running Socket.IO server from an AsyncAPI document.

:func:`app` gives the ASGI application (serve it with uvicorn or any ASGI server);
:class:`Mock` holds it with the python-socketio server, the spec that validates it,
and :meth:`Mock.push` to emit a server event. No ASGI server is imported here.
"""

from .server import DOCS_PATH, EMIT_PATH, Mock, app

__all__ = ["DOCS_PATH", "EMIT_PATH", "Mock", "app"]

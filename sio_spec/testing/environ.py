"""The request environ a handler sees for a test client's handshake.

Built as the server's web layer would build it: WSGI keys, ``asgi.scope`` too in
ASGI mode, and Flask's own test environ (with ``flask.app``) for Flask-SocketIO.
Flask is imported only for a Flask-SocketIO server.
"""

from __future__ import annotations

import io
import urllib.parse
from collections.abc import Mapping
from typing import Any

from .._socketio_internals import add_flask_cookies
from .target import Target

__all__ = ["DEFAULT_URL", "build_environ"]

#: Default URL of a test client: only its path, query and host reach the environ.
DEFAULT_URL = "http://testserver"


def build_environ(
    target: Target,
    url: Any,
    headers: Mapping[str, str],
    engineio_path: str,
    query_string: str | None,
    extra: Mapping[str, Any] | None,
    flask_test_client: Any,
) -> dict[str, Any]:
    """The request environ of the websocket handshake, as the server's web layer
    would build it (WSGI keys; ``asgi.scope`` too in ASGI mode; Flask's own
    environ with ``flask.app`` for Flask-SocketIO)."""
    parts = urllib.parse.urlsplit(str(url) if url else DEFAULT_URL)
    scheme = "https" if parts.scheme in ("https", "wss") else "http"
    host = parts.hostname or "testserver"
    port = parts.port or (443 if scheme == "https" else 80)
    path = "/" + engineio_path.strip("/") + "/"
    query = "&".join(q for q in (parts.query, query_string or "") if q)
    query = f"{query}&transport=websocket&EIO=4" if query else "transport=websocket&EIO=4"
    header_items = [(str(k), str(v)) for k, v in dict(headers).items()]
    if target.flask is not None:
        from flask.testing import EnvironBuilder

        # Flask's test environ (server name "localhost" unless the URL names a
        # host), so cookies of a Flask test client match
        base_url = None if url in (None, DEFAULT_URL) else f"{scheme}://{parts.netloc}"
        environ: dict[str, Any] = EnvironBuilder(
            target.flask_app,
            path=path,
            base_url=base_url,
            query_string=query,
            headers=header_items,
        ).get_environ()
        environ["flask.app"] = target.flask_app
        if flask_test_client is not None:
            add_flask_cookies(flask_test_client, environ)
    else:
        environ = {
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "RAW_URI": f"{path}?{query}",
            "SERVER_NAME": host,
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "REMOTE_PORT": "50000",
            "HTTP_HOST": host if parts.port is None else f"{host}:{port}",
            "HTTP_CONNECTION": "Upgrade",
            "HTTP_UPGRADE": "websocket",
            "wsgi.url_scheme": scheme,
            "wsgi.input": io.BytesIO(b""),
        }
        for name, value in header_items:
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value
            else:
                environ["HTTP_" + key] = value
        if target.server.async_mode == "asgi":
            environ["asgi.scope"] = {
                "type": "websocket",
                "scheme": "wss" if scheme == "https" else "ws",
                "path": path,
                "raw_path": path.encode(),
                "query_string": query.encode(),
                "root_path": "",
                "headers": [(k.lower().encode(), v.encode()) for k, v in header_items]
                + [(b"host", environ["HTTP_HOST"].encode())],
                "client": ("127.0.0.1", 50000),
                "server": (host, port),
            }
    if extra:
        environ.update(extra)
    return environ

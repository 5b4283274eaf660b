"""The docs as a plain ASGI application (no framework needed)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .page import DocsRoutes, Response, SpecOrDocument, not_found

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _route_path(scope: Scope) -> str:
    """The request path relative to where the app is mounted (``root_path``)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "") or ""
    if root and path.startswith(root) and (len(path) == len(root) or path[len(root)] == "/"):
        return path[len(root) :]
    return path


class DocsASGIApp:
    """Serves the docs routes and hands everything else to ``app``."""

    def __init__(self, routes: DocsRoutes, app: ASGIApp | None) -> None:
        self.routes = routes
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            kind = self.routes.match(_route_path(scope))
            if kind is not None:
                query = scope.get("query_string", b"").decode("latin-1")
                response = self.routes.respond(
                    kind, scope["method"], query, scope.get("root_path", "") or ""
                )
                await _send(send, response, scope["method"])
                return
        if self.app is not None:
            await self.app(scope, receive, send)
        elif scope["type"] == "http":
            await _send(send, not_found(), scope["method"])
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1000})
        elif scope["type"] == "lifespan":
            await _lifespan(receive, send)


async def _send(send: Send, response: Response, method: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": response.status,
            "headers": [
                (k.lower().encode("latin-1"), v.encode("latin-1"))
                for k, v in response.header_list()
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else response.body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def asgi_docs(
    spec: SpecOrDocument,
    app: ASGIApp | None = None,
    *,
    path: str = "/asyncapi",
    **page_options: Any,
) -> ASGIApp:
    """An ASGI app serving the docs of ``spec``.

    ``GET <path>`` is the HTML page, ``<path>.json`` and ``<path>.yaml`` the
    document (``?version=2.6.0``, ``3.0.0`` or ``3.1.0`` picks the AsyncAPI
    version). Every other request, and ``websocket`` / ``lifespan`` scopes, go to
    ``app`` (404 when there is none). Use it as
    ``socketio.ASGIApp(sio, other_asgi_app=asgi_docs(spec))``, around another ASGI
    app (``asgi_docs(spec, fastapi_app)``) or mounted under a prefix
    (``starlette_app.mount("/docs", asgi_docs(spec))`` serves ``/docs/asyncapi``).
    ``page_options``: ``title``, ``viewer``, ``console``, ``socketio_path``,
    ``bundle_url``, ``stylesheet_url`` as for :func:`docs_html`. The page is sent with
    a Content-Security-Policy header (:func:`content_security_policy`).
    """
    return DocsASGIApp(DocsRoutes(spec, path, **page_options), app)

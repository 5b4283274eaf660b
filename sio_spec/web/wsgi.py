"""The docs as WSGI middleware (no framework needed)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .page import REASONS, DocsRoutes, SpecOrDocument, not_found

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    WSGIApp = WSGIApplication


class DocsWSGIApp:
    """Serves the docs routes and hands everything else to ``app``."""

    def __init__(self, routes: DocsRoutes, app: WSGIApp | None) -> None:
        self.routes = routes
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        kind = self.routes.match(environ.get("PATH_INFO", ""))
        if kind is None:
            if self.app is not None:
                return self.app(environ, start_response)
            response = not_found()
        else:
            response = self.routes.respond(
                kind,
                environ.get("REQUEST_METHOD", "GET"),
                environ.get("QUERY_STRING", ""),
                environ.get("SCRIPT_NAME", ""),
            )
        status = f"{response.status} {REASONS.get(response.status, '')}".rstrip()
        start_response(status, response.header_list())
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else response.body]


def wsgi_docs(
    spec: SpecOrDocument,
    app: WSGIApp | None = None,
    *,
    path: str = "/asyncapi",
    **page_options: Any,
) -> WSGIApp:
    """A WSGI app serving the docs of ``spec``.

    Same routes as :func:`~sio_spec.web.asgi_docs`; every other request goes to
    ``app`` (404 when there is none). Use it as
    ``socketio.WSGIApp(sio, wsgi_docs(spec))`` or around a Flask
    app: ``flask_app.wsgi_app = wsgi_docs(spec, flask_app.wsgi_app)``.
    """
    return DocsWSGIApp(DocsRoutes(spec, path, **page_options), app)

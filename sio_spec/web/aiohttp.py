"""The docs on an ``aiohttp.web.Application`` (aiohttp is imported only when called)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .page import DocsRoutes, Kind, SpecOrDocument

if TYPE_CHECKING:
    from aiohttp import web


def aiohttp_docs(
    spec: SpecOrDocument, app: web.Application, *, path: str = "/asyncapi", **page_options: Any
) -> None:
    """Add the docs routes of ``spec`` to an aiohttp application.

    ``GET``/``HEAD <path>`` is the HTML page, ``<path>.json`` and ``<path>.yaml``
    the document (``?version=`` picks the AsyncAPI version). Works beside
    ``sio.attach(app)`` and in sub-applications.
    """
    from aiohttp import web

    routes = DocsRoutes(spec, path, **page_options)

    def handler(kind: Kind, route: str) -> Any:
        async def handle(request: web.Request) -> web.StreamResponse:
            prefix = (
                request.path[: len(request.path) - len(route)]
                if request.path.endswith(route)
                else ""
            )
            response = routes.respond(kind, request.method, request.query_string, prefix)
            if request.method == "HEAD":
                return web.Response(status=response.status, headers=dict(response.header_list()))
            return web.Response(
                status=response.status, body=response.body, headers=dict(response.header_list())
            )

        return handle

    for route, kind in routes.routes.items():
        app.router.add_get(route, handler(kind, route))

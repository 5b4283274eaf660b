"""The docs page, and the framework-neutral routing shared by the ASGI, WSGI and aiohttp mounts.

Nothing here imports a web framework: each mount turns a request into
``(path, query string, prefix)``, asks :class:`DocsRoutes` for a :class:`Response`
and writes it back its own way.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal, Protocol, runtime_checkable
from urllib.parse import parse_qs, quote

from ..asyncapi import dump_yaml
from ..errors import SpecError, SpecTypeError, SpecValueError
from ..model import VERSIONS
from .view import view_model_of_document

#: Version of ``@asyncapi/react-component`` the default asset URLs point at.
REACT_COMPONENT_VERSION = "3.2.1"
_CDN = f"https://cdn.jsdelivr.net/npm/@asyncapi/react-component@{REACT_COMPONENT_VERSION}"
#: The component's standalone bundle (global ``AsyncApiStandalone``, parser included).
DEFAULT_BUNDLE_URL = f"{_CDN}/browser/standalone/index.js"
#: The component's stylesheet.
DEFAULT_STYLESHEET_URL = f"{_CDN}/styles/default.min.css"

Kind = Literal["html", "json", "yaml"]


@runtime_checkable
class DocumentProvider(Protocol):
    """Anything that can give its AsyncAPI document, such as a :class:`~sio_spec.SocketIOSpec`.

    Each method takes one of :data:`sio_spec.model.VERSIONS` (``None``: the
    provider's default) and is called per request, so the pages always show the
    current document; cache inside the provider when building it is costly. A
    provider that serves only some versions says which in a ``published_versions``
    tuple (as ``SocketIOSpec`` does); the pages then offer only those.
    """

    def asyncapi(self, version: str | None = None) -> Mapping[str, Any]:
        """The document as a dict."""
        ...

    def to_json(self, version: str | None = None, indent: int | None = 2) -> str:
        """The document as JSON."""
        ...

    def to_yaml(self, version: str | None = None) -> str:
        """The document as YAML."""
        ...


SpecOrDocument = DocumentProvider | Mapping[str, Any]
Viewer = Literal["sio-spec", "asyncapi-react"]
#: The viewers a page can use: sio-spec's own page (default, works offline, has the
#: console) or the AsyncAPI React component (loaded from ``bundle_url``).
VIEWERS: tuple[Viewer, ...] = ("sio-spec", "asyncapi-react")
#: Where the page's console connects by default (python-socketio's default path).
DEFAULT_SOCKETIO_PATH = "/socket.io/"

HTML_TYPE = "text/html; charset=utf-8"
JSON_TYPE = "application/json"
YAML_TYPE = "application/yaml"
TEXT_TYPE = "text/plain; charset=utf-8"

_JSON_ESCAPES = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


logger = logging.getLogger("sio_spec.web")


class UnknownVersion(SpecValueError):
    """The requested AsyncAPI version cannot be served."""


def script_json(document: Mapping[str, Any]) -> str:
    """``document`` as JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>``, ``&``, U+2028 and U+2029 only ever occur inside JSON strings,
    where their ``\\u003c``-style escapes mean the same: no ``</script>`` can close the
    element early and ``JSON.parse`` gives back the exact document.
    """
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_JSON_ESCAPES)


class DocumentSource:
    """The document behind the pages: a live :class:`DocumentProvider` such as a
    ``SocketIOSpec`` (asked per request, so always current) or a fixed document dict."""

    def __init__(self, spec_or_document: SpecOrDocument) -> None:
        if isinstance(spec_or_document, Mapping):
            self.spec: DocumentProvider | None = None
            self.fixed: Mapping[str, Any] | None = spec_or_document
        elif isinstance(spec_or_document, DocumentProvider):
            self.spec = spec_or_document
            self.fixed = None
        else:
            raise SpecTypeError(
                "expected a SocketIOSpec or an AsyncAPI document (a mapping), "
                f"got {type(spec_or_document).__name__}"
            )

    @property
    def versions(self) -> tuple[str, ...]:
        """The AsyncAPI versions that can be requested: a document dict's own version;
        a provider's ``published_versions`` when it has them (a
        :meth:`~sio_spec.SocketIOSpec.from_document` spec serves only its document's
        version), else every one of :data:`~sio_spec.model.VERSIONS`."""
        if self.fixed is not None:
            return (str(self.fixed.get("asyncapi", "")),)
        published = getattr(self.spec, "published_versions", None)
        if isinstance(published, (tuple, list)) and all(isinstance(v, str) for v in published):
            return tuple(published)
        return VERSIONS

    def _check(self, version: str | None) -> None:
        if version is not None and version not in self.versions:
            raise UnknownVersion(version)

    def document(self, version: str | None = None) -> Mapping[str, Any]:
        self._check(version)
        if self.spec is not None:
            return self.spec.asyncapi(version)
        assert self.fixed is not None
        return self.fixed

    def json(self, version: str | None = None) -> str:
        self._check(version)
        if self.spec is not None:
            return self.spec.to_json(version)
        return json.dumps(self.document(version), indent=2, ensure_ascii=False)

    def yaml(self, version: str | None = None) -> str:
        self._check(version)
        if self.spec is not None:
            return self.spec.to_yaml(version)
        return dump_yaml(dict(self.document(version)))


def docs_html(
    spec_or_document: SpecOrDocument,
    *,
    title: str | None = None,
    viewer: Viewer = "sio-spec",
    console: bool = True,
    socketio_path: str = DEFAULT_SOCKETIO_PATH,
    bundle_url: str = DEFAULT_BUNDLE_URL,
    stylesheet_url: str = DEFAULT_STYLESHEET_URL,
    version: str | None = None,
    json_url: str = "asyncapi.json",
    yaml_url: str = "asyncapi.yaml",
) -> str:
    """The HTML docs page for a spec (or a document dict).

    The default viewer is sio-spec's own page: everything it needs is inside it (no
    CDN, nothing else to serve), it renders the document's namespaces, events and
    schemas, and with ``console=True`` it has a console that connects to the Socket.IO
    server at ``socketio_path`` of the page's own origin. The page carries its
    Content-Security-Policy in a ``<meta>`` element; the mounts also send it as a
    header (:func:`content_security_policy`).

    ``viewer="asyncapi-react"`` renders with ``@asyncapi/react-component`` loaded from
    ``bundle_url`` / ``stylesheet_url`` (a pinned CDN version by default) instead, and
    shows links to ``json_url`` / ``yaml_url`` when it cannot be loaded.
    ``version`` picks the AsyncAPI version (default: the spec's).
    """
    _check_viewer(viewer)
    document = DocumentSource(spec_or_document).document(version)
    if viewer == "asyncapi-react":
        return _render(
            document,
            title=title,
            bundle_url=bundle_url,
            stylesheet_url=stylesheet_url,
            json_url=json_url,
            yaml_url=yaml_url,
        )
    return render_page(
        document,
        title=title,
        console=console,
        socketio_path=socketio_path,
        json_url=json_url,
        yaml_url=yaml_url,
    )


def _check_viewer(viewer: str) -> None:
    if viewer not in VIEWERS:
        raise SpecValueError(f"unknown viewer {viewer!r}; expected one of: {', '.join(VIEWERS)}")


# -- sio-spec's own page -----------------------------------------------------------------------


@cache
def _asset(name: str) -> str:
    return (resources.files(__package__) / "static" / name).read_text(encoding="utf-8")


def _digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@cache
def _page_assets(console: bool) -> tuple[str, str, str]:
    """The page's script and stylesheet, and the policy that allows exactly them."""
    script = (_asset("sio.js") if console else "") + _asset("app.js")
    style = _asset("app.css")
    policy = "; ".join(
        (
            "default-src 'none'",
            f"script-src {_digest(script)}",
            f"style-src {_digest(style)}",
            "connect-src 'self'" if console else "connect-src 'none'",
            "img-src 'self' data:",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    return script, style, policy


def content_security_policy(console: bool = True) -> str:
    """The Content-Security-Policy of sio-spec's docs page.

    Scripts and styles run only when they are the page's own (by hash): no inline
    script it did not write and no script from anywhere else. With the console, the
    page may connect to its own origin (the Socket.IO server); without it, nowhere.
    """
    return _page_assets(console)[2] + "; frame-ancestors 'self'"


def render_page(
    document: Mapping[str, Any],
    *,
    title: str | None = None,
    console: bool = True,
    socketio_path: str = DEFAULT_SOCKETIO_PATH,
    json_url: str = "asyncapi.json",
    yaml_url: str = "asyncapi.yaml",
    mock_emit: str | None = None,
) -> str:
    """sio-spec's docs page for an AsyncAPI document (3.0, 3.1 or 2.6). ``mock_emit``:
    the URL a mock server emits server events at (:mod:`sio_spec.mock`); the console
    then has a control to send them."""
    model = view_model_of_document(document)
    if title is None:
        title = model["title"] or "AsyncAPI"
    script, style, policy = _page_assets(console)
    config = {
        "console": console,
        "socketioPath": socketio_path,
        "json": json_url,
        "yaml": yaml_url,
    }
    if mock_emit is not None and console:
        config["mockEmit"] = mock_emit
    return _NATIVE_PAGE.format(
        policy=html.escape(policy, quote=True),
        title=html.escape(title, quote=True),
        style=style,
        console_button=_CONSOLE_BUTTON if console else "",
        console_panel='<aside id="console" aria-label="Console"></aside>' if console else "",
        json_url=html.escape(json_url, quote=True),
        yaml_url=html.escape(yaml_url, quote=True),
        model=script_json(model),
        config=script_json(config),
        script=script,
    )


_CONSOLE_BUTTON = '<button type="button" id="console-toggle">Console</button>'

_NATIVE_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<div class="top"><input type="search" id="filter" placeholder="Filter events" \
aria-label="Filter events"><span id="filter-count"></span><span class="spacer"></span>\
{console_button}</div>
<nav id="nav" aria-label="Events"><button type="button" id="nav-toggle" \
aria-expanded="false" aria-controls="nav-list">Events</button><ul id="nav-list"></ul></nav>
<main id="docs"><noscript><p>This page needs JavaScript. The document is available as
<a href="{json_url}">JSON</a> and <a href="{yaml_url}">YAML</a>.</p></noscript></main>
{console_panel}
<script type="application/json" id="sio-spec-model">{model}</script>
<script type="application/json" id="sio-spec-config">{config}</script>
<script>{script}</script>
</body>
</html>
"""


# -- the AsyncAPI React component --------------------------------------------------------------


def _render(
    document: Mapping[str, Any],
    *,
    title: str | None,
    bundle_url: str,
    stylesheet_url: str,
    json_url: str,
    yaml_url: str,
) -> str:
    if title is None:
        info = document.get("info")
        title = str(info.get("title", "AsyncAPI")) if isinstance(info, Mapping) else "AsyncAPI"

    def attr(value: str) -> str:
        return html.escape(value, quote=True)

    return _PAGE.format(
        title=html.escape(title, quote=True),
        stylesheet=attr(stylesheet_url),
        bundle=attr(bundle_url),
        json_url=attr(json_url),
        yaml_url=attr(yaml_url),
        document=script_json(document),
    )


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{stylesheet}">
<style>
  #asyncapi-fallback {{ font-family: sans-serif; margin: 2rem; }}
</style>
</head>
<body>
<div id="asyncapi"></div>
<div id="asyncapi-fallback" hidden>
  <p>The AsyncAPI documentation viewer could not be loaded from
  <a href="{bundle}">{bundle}</a>.</p>
  <p>The document itself is available as <a href="{json_url}">JSON</a>
  and <a href="{yaml_url}">YAML</a>.</p>
</div>
<noscript>
  <p>This page needs JavaScript. The document is available as
  <a href="{json_url}">JSON</a> and <a href="{yaml_url}">YAML</a>.</p>
</noscript>
<script type="application/json" id="asyncapi-document">{document}</script>
<script src="{bundle}"></script>
<script>
(function () {{
  var fallback = document.getElementById("asyncapi-fallback");
  if (typeof AsyncApiStandalone === "undefined") {{
    fallback.hidden = false;
    return;
  }}
  try {{
    var schema = JSON.parse(document.getElementById("asyncapi-document").textContent);
    AsyncApiStandalone.render(
      {{schema: schema, config: {{show: {{sidebar: true, errors: true}}}}}},
      document.getElementById("asyncapi"));
  }} catch (error) {{
    fallback.hidden = false;
  }}
}})();
</script>
</body>
</html>
"""


# -- routing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """A response; mounts send no body for ``HEAD`` but the same headers."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    def header_list(self) -> list[tuple[str, str]]:
        """Every header, ``Content-Type`` and ``Content-Length`` included."""
        return [
            ("Content-Type", self.content_type),
            ("Content-Length", str(len(self.body))),
            *self.headers,
        ]


REASONS = {
    200: "OK",
    301: "Moved Permanently",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
}
_NO_CACHE = (("Cache-Control", "no-cache"), ("X-Content-Type-Options", "nosniff"))


def _normalize_path(path: str) -> str:
    path = path.rstrip("/")
    if path and not path.startswith("/"):
        path = "/" + path
    return path


_PAGE_OPTIONS = frozenset(
    {"title", "viewer", "console", "socketio_path", "bundle_url", "stylesheet_url", "mock_emit"}
)


class DocsRoutes:
    """``<path>`` (and ``<path>/``): the HTML page; ``<path>.json`` / ``<path>.yaml``:
    the document. With ``path=""`` (mounted under a prefix) the page is at ``/``
    and the documents at ``/asyncapi.json`` / ``/asyncapi.yaml``."""

    def __init__(
        self, spec_or_document: SpecOrDocument, path: str = "/asyncapi", **page_options: Any
    ) -> None:
        self.source = DocumentSource(spec_or_document)
        self.path = _normalize_path(path)
        self.page_options = page_options
        unknown = set(page_options) - _PAGE_OPTIONS
        if unknown:
            raise SpecTypeError(f"unknown page option(s): {', '.join(sorted(unknown))}")
        _check_viewer(page_options.get("viewer", "sio-spec"))
        base = self.path or "/asyncapi"
        self.routes: dict[str, Kind] = {
            self.path or "/": "html",
            self.path + "/": "html",
            base + ".json": "json",
            base + ".yaml": "yaml",
        }
        self.page = self.path or "/"
        self.document_base = base

    def match(self, path: str) -> Kind | None:
        """The kind of resource at ``path`` (relative to the mount), or ``None``."""
        return self.routes.get(path or "/")

    def respond(self, kind: Kind, method: str, query_string: str, prefix: str = "") -> Response:
        """Answer a request for ``kind``; ``prefix`` is where the mount lives
        (ASGI ``root_path``, WSGI ``SCRIPT_NAME``), used for the page's links."""
        if method not in ("GET", "HEAD"):
            return Response(405, TEXT_TYPE, b"Method Not Allowed\n", (("Allow", "GET, HEAD"),))
        values = parse_qs(query_string, keep_blank_values=True).get("version")
        version = values[-1] if values else None
        try:
            if kind == "html":
                response = self._page(version, prefix)
            elif kind == "json":
                response = Response(
                    200, JSON_TYPE, _text(self.source.json(version)).encode(), _NO_CACHE
                )
            else:
                response = Response(
                    200, YAML_TYPE, _text(self.source.yaml(version)).encode(), _NO_CACHE
                )
        except UnknownVersion:
            message = (
                "unknown AsyncAPI version; available: " + ", ".join(self.source.versions) + "\n"
            )
            response = Response(400, TEXT_TYPE, message.encode())
        except SpecError as exc:
            # the provider could not build its document: one line in the log, none of
            # it (nor a traceback) in the response
            logger.error("the AsyncAPI document could not be built: %s", _one_line(str(exc)))
            response = Response(500, TEXT_TYPE, b"the AsyncAPI document could not be built\n")
        return response

    def _page(self, version: str | None, prefix: str) -> Response:
        query = "" if version is None else "?version=" + quote(version, safe="")
        base = prefix.rstrip("/") + self.document_base
        options = dict(self.page_options)
        json_url = base + ".json" + query
        yaml_url = base + ".yaml" + query
        document = self.source.document(version)
        if options.get("viewer", "sio-spec") == "asyncapi-react":
            page = _render(
                document,
                title=options.get("title"),
                bundle_url=options.get("bundle_url", DEFAULT_BUNDLE_URL),
                stylesheet_url=options.get("stylesheet_url", DEFAULT_STYLESHEET_URL),
                json_url=json_url,
                yaml_url=yaml_url,
            )
            return Response(200, HTML_TYPE, page.encode(), _NO_CACHE)
        console = bool(options.get("console", True))
        page = render_page(
            document,
            title=options.get("title"),
            console=console,
            socketio_path=options.get("socketio_path", DEFAULT_SOCKETIO_PATH),
            json_url=json_url,
            yaml_url=yaml_url,
            mock_emit=options.get("mock_emit"),
        )
        headers = (
            *_NO_CACHE,
            ("Content-Security-Policy", content_security_policy(console)),
            ("Referrer-Policy", "no-referrer"),
        )
        return Response(200, HTML_TYPE, page.encode(), headers)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def _text(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def not_found() -> Response:
    return Response(404, TEXT_TYPE, b"Not Found\n")

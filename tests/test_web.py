"""The docs page and documents served by the ASGI, WSGI and aiohttp mounts, over real HTTP."""

from __future__ import annotations

import asyncio
import html
import json
import re
import subprocess
import sys
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import socketio
from pydantic import BaseModel
from support.servers import run_aiohttp, run_asgi, run_flask_socketio, run_wsgi, url

from sio_spec import SocketIOSpec, SpecError
from sio_spec.contract import read_contract
from sio_spec.web import (
    DEFAULT_BUNDLE_URL,
    DEFAULT_STYLESHEET_URL,
    aiohttp_docs,
    asgi_docs,
    docs_html,
    view_model,
    wsgi_docs,
)

TIMEOUT = 5
HOSTILE = "</script><script>alert(1)</script> & \u2028 \u2029 <!-- x"


class Move(BaseModel):
    game_id: int
    x: int
    y: int


class MoveAck(BaseModel):
    ok: bool


class Board(BaseModel):
    cells: list[str]


def _declare(spec: SocketIOSpec) -> None:
    spec.emits("move_made", Board, summary="The board after a move.")


def async_spec(async_mode: str) -> tuple[socketio.AsyncServer, SocketIOSpec]:
    sio = socketio.AsyncServer(async_mode=async_mode)
    spec = SocketIOSpec(sio, title="Game API", version="1.0.0")

    @sio.on("make_move")
    async def make_move(sid: str, move: Move) -> MoveAck:
        """Play one move."""
        return MoveAck(ok=move.x >= 0)

    _declare(spec)
    return sio, spec


def sync_spec() -> tuple[socketio.Server, SocketIOSpec]:
    sio = socketio.Server(async_mode="threading")
    spec = SocketIOSpec(sio, title="Game API", version="1.0.0")

    @sio.on("make_move")
    def make_move(sid: str, move: Move) -> MoveAck:
        return MoveAck(ok=move.x >= 0)

    _declare(spec)
    return sio, spec


def embedded_document(page: str) -> Any:
    """The document embedded in a page of the ``asyncapi-react`` viewer."""
    match = re.search(
        r'<script type="application/json" id="asyncapi-document">(.*?)</script>', page, re.S
    )
    assert match is not None, page
    return json.loads(match.group(1))


def embedded_model(page: str) -> Any:
    """The view model embedded in a page of sio-spec's own viewer."""
    match = re.search(
        r'<script type="application/json" id="sio-spec-model">(.*?)</script>', page, re.S
    )
    assert match is not None, page
    return json.loads(match.group(1))


def model_of(document: Any) -> Any:
    return json.loads(json.dumps(view_model(read_contract(document))))


def check_docs(base: str, spec: SocketIOSpec) -> None:
    """Every route of a mount at ``base`` (e.g. ``http://host:port/asyncapi``)."""
    page = requests.get(base, timeout=TIMEOUT)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert embedded_model(page.text) == model_of(spec.asyncapi())
    assert "script-src 'sha256-" in page.headers["content-security-policy"]
    assert "http://" not in page.text and "https://" not in page.text  # nothing from elsewhere
    path = urlsplit(base).path
    assert f'href="{path}.json"' in page.text
    assert f'href="{path}.yaml"' in page.text

    as_json = requests.get(base + ".json", timeout=TIMEOUT)
    assert as_json.status_code == 200
    assert as_json.headers["content-type"] == "application/json"
    assert as_json.json() == spec.asyncapi()
    assert as_json.text == spec.to_json().rstrip("\n") + "\n"
    assert as_json.json()["asyncapi"] == "3.0.0"

    as_yaml = requests.get(base + ".yaml", timeout=TIMEOUT)
    assert as_yaml.status_code == 200
    assert as_yaml.headers["content-type"] == "application/yaml"
    assert as_yaml.text == spec.to_yaml().rstrip("\n") + "\n"
    assert as_yaml.text.startswith("asyncapi: 3.0.0")

    old = requests.get(base + ".json?version=2.6.0", timeout=TIMEOUT)
    assert old.status_code == 200
    assert old.json()["asyncapi"] == "2.6.0"
    assert old.json() == spec.asyncapi("2.6.0")
    old_yaml = requests.get(base + ".yaml", params={"version": "2.6.0"}, timeout=TIMEOUT)
    assert old_yaml.text.startswith("asyncapi: 2.6.0")
    assert requests.get(base + ".json?version=3.1.0", timeout=TIMEOUT).json()["asyncapi"] == "3.1.0"
    old_page = requests.get(base + "?version=2.6.0", timeout=TIMEOUT)
    assert embedded_model(old_page.text)["asyncapi"] == "2.6.0"
    assert ".json?version=2.6.0" in old_page.text

    for suffix in ("", ".json", ".yaml"):
        bad = requests.get(base + suffix, params={"version": "<b>9.9</b>"}, timeout=TIMEOUT)
        assert bad.status_code == 400
        assert bad.headers["content-type"].startswith("text/plain")
        assert "9.9" not in bad.text  # client input is never echoed
        assert "3.0.0" in bad.text

    head = requests.head(base + ".yaml", timeout=TIMEOUT)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == "application/yaml"
    assert int(head.headers["content-length"]) == len(as_yaml.content)

    post = requests.post(base + ".json", timeout=TIMEOUT)
    assert post.status_code == 405


def sync_client_roundtrip(port: int) -> None:
    client = socketio.Client(reconnection=False)
    try:
        client.connect(url(port), transports=["websocket"], wait_timeout=TIMEOUT)
        assert client.call("make_move", {"game_id": 1, "x": 0, "y": 2}, timeout=TIMEOUT) == {
            "ok": True
        }
        invalid = client.call("make_move", {"game_id": "nope"}, timeout=TIMEOUT)
        assert invalid["error"] == "validation_error"
    finally:
        client.disconnect()


# -- the page itself -------------------------------------------------------------------------


def test_page_embeds_hostile_text_inertly() -> None:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio, title=f"Title {HOSTILE}", version="1.0.0", description=HOSTILE)
    spec.emits("news", Board, description=HOSTILE)

    page = docs_html(spec, viewer="asyncapi-react")

    # only the page's own three script elements: none opened or closed by the document
    assert page.count("<script") == 3
    assert page.count("</script>") == 3
    raw = page.split('id="asyncapi-document">', 1)[1].split("</script>", 1)[0]
    assert not set(raw) & {"<", ">", "&", "\u2028", "\u2029"}
    assert "\\u003c/script\\u003e" in raw
    # the embedded JSON gives back the exact document
    assert embedded_document(page) == spec.asyncapi()
    assert embedded_document(page)["info"]["description"] == HOSTILE
    # the title is escaped text
    assert f"<title>{html.escape('Title ' + HOSTILE)}</title>" in page


def test_page_options() -> None:
    document = {"asyncapi": "3.0.0", "info": {"title": "Plain", "version": "2"}}
    page = docs_html(
        document,
        title='My "docs"',
        viewer="asyncapi-react",
        bundle_url="/static/a.js?x=1&y=2",
        stylesheet_url="/static/a.css",
    )
    assert "<title>My &quot;docs&quot;</title>" in page
    assert 'src="/static/a.js?x=1&amp;y=2"' in page
    assert 'href="/static/a.css"' in page
    assert DEFAULT_STYLESHEET_URL not in page
    assert "show: {sidebar: true, errors: true}" in page
    assert "AsyncApiStandalone.render(" in page
    assert embedded_document(page) == document
    assert "<title>Plain</title>" in docs_html(document)
    assert "<title>Plain</title>" in docs_html(document, viewer="asyncapi-react")


def test_default_assets_pin_the_tested_component_version() -> None:
    import pathlib

    package = json.loads((pathlib.Path(__file__).parent / "js" / "package.json").read_text())
    pinned = package["dependencies"]["@asyncapi/react-component"]
    assert DEFAULT_BUNDLE_URL.endswith(
        f"/@asyncapi/react-component@{pinned}/browser/standalone/index.js"
    )
    assert DEFAULT_STYLESHEET_URL.endswith(
        f"/@asyncapi/react-component@{pinned}/styles/default.min.css"
    )


def test_importing_web_imports_no_framework() -> None:
    code = (
        "import sys, sio_spec, sio_spec.web, sio_spec.cli; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'aiohttp', 'flask', 'starlette', 'uvicorn', 'werkzeug', 'fastapi', "
        "'opentelemetry', 'hypothesis', 'redis'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]"


def test_unknown_page_option_is_an_error() -> None:
    with pytest.raises(TypeError, match="titel"):
        asgi_docs({"asyncapi": "3.0.0"}, titel="x")


# -- ASGI --------------------------------------------------------------------------------


def test_asgi_alone_serves_docs_and_404_elsewhere() -> None:
    _, spec = async_spec("asgi")
    # lifespan="on": uvicorn refuses to start unless the app completes the lifespan protocol
    with run_asgi(asgi_docs(spec), lifespan="on") as port:
        check_docs(url(port, "/asyncapi"), spec)
        assert requests.get(url(port, "/asyncapi/"), timeout=TIMEOUT).status_code == 200
        for other in ("/", "/other", "/asyncapi.txt", "/asyncapix"):
            response = requests.get(url(port, other), timeout=TIMEOUT)
            assert response.status_code == 404, other


def test_asgi_with_socketio_asgiapp() -> None:
    sio, spec = async_spec("asgi")
    app = socketio.ASGIApp(sio, other_asgi_app=asgi_docs(spec, path="/docs/events"))
    with run_asgi(app, lifespan="on") as port:
        check_docs(url(port, "/docs/events"), spec)
        assert requests.get(url(port, "/asyncapi"), timeout=TIMEOUT).status_code == 404
        sync_client_roundtrip(port)


def test_asgi_document_is_current_on_every_request() -> None:
    sio, spec = async_spec("asgi")
    with run_asgi(socketio.ASGIApp(sio, other_asgi_app=asgi_docs(spec))) as port:
        before = requests.get(url(port, "/asyncapi.json"), timeout=TIMEOUT).text
        assert "late_event" not in before

        @sio.on("late_event")
        async def late_event(sid: str, move: Move) -> None:
            return None

        after = requests.get(url(port, "/asyncapi.json"), timeout=TIMEOUT).text
        assert "late_event" in after
        assert "late_event" in requests.get(url(port, "/asyncapi"), timeout=TIMEOUT).text


def test_asgi_mounted_in_starlette() -> None:
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Mount, Route

    sio, spec = async_spec("asgi")

    async def hello(request: Any) -> PlainTextResponse:
        return PlainTextResponse("hello")

    starlette_app = Starlette(
        routes=[
            Route("/hello", hello),
            Mount("/docs", asgi_docs(spec)),
            Mount("/root-docs", asgi_docs(spec, path="")),
        ]
    )
    app = socketio.ASGIApp(sio, other_asgi_app=starlette_app)
    with run_asgi(app) as port:
        check_docs(url(port, "/docs/asyncapi"), spec)
        # path="": the page at the mount point, the documents beside it
        root_page = requests.get(url(port, "/root-docs/"), timeout=TIMEOUT)
        assert root_page.status_code == 200
        assert 'href="/root-docs/asyncapi.json"' in root_page.text
        assert requests.get(url(port, "/root-docs/asyncapi.yaml"), timeout=TIMEOUT).text.startswith(
            "asyncapi: 3.0.0"
        )
        assert requests.get(url(port, "/hello"), timeout=TIMEOUT).text == "hello"
        assert requests.get(url(port, "/docs/nothing"), timeout=TIMEOUT).status_code == 404
        sync_client_roundtrip(port)


def test_asgi_wrapping_starlette_app_and_root_path() -> None:
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    _, spec = async_spec("asgi")

    async def hello(request: Any) -> PlainTextResponse:
        return PlainTextResponse("hello")

    app = asgi_docs(spec, Starlette(routes=[Route("/hello", hello)]))
    # behind a proxy that strips /api: links in the page keep the prefix
    with run_asgi(app, root_path="/api", lifespan="on") as port:
        page = requests.get(url(port, "/asyncapi"), timeout=TIMEOUT)
        assert page.status_code == 200
        assert 'href="/api/asyncapi.json"' in page.text
        assert requests.get(url(port, "/asyncapi.json"), timeout=TIMEOUT).json() == spec.asyncapi()
        assert requests.get(url(port, "/hello"), timeout=TIMEOUT).text == "hello"


def test_asgi_behind_auth_wrapper() -> None:
    """The README's example: wrap the docs app to protect it."""
    _, spec = async_spec("asgi")
    docs = asgi_docs(spec)

    async def protected(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and (b"authorization", b"Bearer s3cret") not in scope["headers"]:
            await send({"type": "http.response.start", "status": 401, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await docs(scope, receive, send)

    with run_asgi(protected) as port:
        assert requests.get(url(port, "/asyncapi"), timeout=TIMEOUT).status_code == 401
        ok = requests.get(
            url(port, "/asyncapi"), timeout=TIMEOUT, headers={"Authorization": "Bearer s3cret"}
        )
        assert ok.status_code == 200


# -- WSGI --------------------------------------------------------------------------------


def test_wsgi_alone() -> None:
    _, spec = sync_spec()
    with run_wsgi(wsgi_docs(spec)) as port:
        check_docs(url(port, "/asyncapi"), spec)
        assert requests.get(url(port, "/"), timeout=TIMEOUT).status_code == 404


def test_wsgi_with_socketio_wsgiapp() -> None:
    sio, spec = sync_spec()
    with run_wsgi(socketio.WSGIApp(sio, wsgi_docs(spec))) as port:
        check_docs(url(port, "/asyncapi"), spec)
        assert requests.get(url(port, "/elsewhere"), timeout=TIMEOUT).status_code == 404
        sync_client_roundtrip(port)


def test_wsgi_around_flask_socketio_app() -> None:
    from flask import Flask
    from flask_socketio import SocketIO

    flask_app = Flask(__name__)
    sock = SocketIO(flask_app, async_mode="threading")
    spec = SocketIOSpec(sock, title="Game API", version="1.0.0")

    @sock.on("make_move")
    def make_move(move: Move) -> MoveAck:
        return MoveAck(ok=move.x >= 0)

    _declare(spec)

    @flask_app.get("/hello")
    def hello() -> str:
        return "hello from flask"

    flask_app.wsgi_app = wsgi_docs(spec, flask_app.wsgi_app)  # type: ignore[method-assign,assignment]
    with run_flask_socketio(flask_app, sock) as port:
        check_docs(url(port, "/asyncapi"), spec)
        assert "make_move" in requests.get(url(port, "/asyncapi.yaml"), timeout=TIMEOUT).text
        assert requests.get(url(port, "/hello"), timeout=TIMEOUT).text == "hello from flask"
        assert requests.get(url(port, "/nothing"), timeout=TIMEOUT).status_code == 404
        sync_client_roundtrip(port)


def test_flask_routes_with_before_request_auth() -> None:
    """The README's Flask example: docs served by Flask views, protected by before_request."""
    from flask import Flask, Response, abort, request

    _, spec = sync_spec()
    flask_app = Flask(__name__)

    @flask_app.before_request
    def require_token() -> None:
        if (
            request.path.startswith("/asyncapi")
            and request.headers.get("Authorization") != "Bearer s3cret"
        ):
            abort(401)

    @flask_app.get("/asyncapi")
    def asyncapi_page() -> str:
        return docs_html(spec)

    @flask_app.get("/asyncapi.json")
    def asyncapi_json() -> Response:
        return Response(spec.to_json(), mimetype="application/json")

    with run_wsgi(flask_app) as port:
        assert requests.get(url(port, "/asyncapi"), timeout=TIMEOUT).status_code == 401
        auth = {"Authorization": "Bearer s3cret"}
        page = requests.get(url(port, "/asyncapi"), headers=auth, timeout=TIMEOUT)
        assert embedded_model(page.text) == model_of(spec.asyncapi())
        assert (
            requests.get(url(port, "/asyncapi.json"), headers=auth, timeout=TIMEOUT).json()
            == spec.asyncapi()
        )


# -- aiohttp -----------------------------------------------------------------------------


def test_aiohttp_app() -> None:
    from aiohttp import web

    sio, spec = async_spec("aiohttp")
    app = web.Application()
    sio.attach(app)
    aiohttp_docs(spec, app)
    sub = web.Application()
    aiohttp_docs(spec, sub, path="/spec")
    app.add_subapp("/v1", sub)
    with run_aiohttp(app) as port:
        check_docs(url(port, "/asyncapi"), spec)
        check_docs(url(port, "/v1/spec"), spec)
        assert requests.get(url(port, "/other"), timeout=TIMEOUT).status_code == 404
        sync_client_roundtrip(port)

        async def async_roundtrip() -> Any:
            client = socketio.AsyncClient(reconnection=False)
            await client.connect(url(port), transports=["websocket"], wait_timeout=TIMEOUT)
            try:
                return await client.call(
                    "make_move", {"game_id": 1, "x": 1, "y": 1}, timeout=TIMEOUT
                )
            finally:
                await client.disconnect()

        assert asyncio.run(async_roundtrip()) == {"ok": True}


# -- a fixed document --------------------------------------------------------------------


def test_plain_document_serves_only_its_own_version() -> None:
    document = {"asyncapi": "3.0.0", "info": {"title": "Saved", "version": "1.0.0"}, "channels": {}}
    with run_wsgi(wsgi_docs(document)) as port:
        page = requests.get(url(port, "/asyncapi"), timeout=TIMEOUT)
        assert embedded_model(page.text) == model_of(document)
        assert requests.get(url(port, "/asyncapi.json"), timeout=TIMEOUT).json() == document
        as_yaml = requests.get(url(port, "/asyncapi.yaml"), timeout=TIMEOUT)
        assert as_yaml.text.startswith("asyncapi: 3.0.0\ninfo:\n")
        assert (
            requests.get(url(port, "/asyncapi.json?version=3.0.0"), timeout=TIMEOUT).status_code
            == 200
        )
        assert (
            requests.get(url(port, "/asyncapi.json?version=2.6.0"), timeout=TIMEOUT).status_code
            == 400
        )


# -- a contract-first spec and a provider that fails --------------------------------------


@pytest.mark.parametrize("version", ["3.1.0", "2.6.0"])
def test_contract_first_spec_serves_only_its_documents_version(version: str) -> None:
    _, model = async_spec("asgi")
    document = model.asyncapi(version)
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec.from_document(sio, document)
    other = "3.0.0"
    app = socketio.ASGIApp(sio, other_asgi_app=asgi_docs(spec))
    with run_asgi(app, lifespan="on") as port:
        as_json = requests.get(url(port, "/asyncapi.json"), timeout=TIMEOUT)
        assert as_json.status_code == 200 and as_json.json() == document
        own = requests.get(url(port, "/asyncapi.json"), params={"version": version}, timeout=5)
        assert own.status_code == 200 and own.json() == document
        page = requests.get(url(port, "/asyncapi"), timeout=TIMEOUT)
        assert embedded_model(page.text) == model_of(document)
        for suffix in ("", ".json", ".yaml"):
            refused = requests.get(
                url(port, "/asyncapi" + suffix), params={"version": other}, timeout=TIMEOUT
            )
            assert refused.status_code == 400
            assert refused.headers["content-type"].startswith("text/plain")
            assert refused.text == f"unknown AsyncAPI version; available: {version}\n"


class BrokenProvider:
    """A document provider that cannot build its document."""

    def asyncapi(self, version: str | None = None) -> dict[str, Any]:
        raise SpecError("the model Secret-7f3a cannot be documented")

    def to_json(self, version: str | None = None, indent: int | None = 2) -> str:
        return json.dumps(self.asyncapi(version), indent=indent)

    def to_yaml(self, version: str | None = None) -> str:
        raise SpecError("the model Secret-7f3a cannot be documented")


def test_a_document_that_cannot_be_built_is_a_plain_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with run_wsgi(wsgi_docs(BrokenProvider())) as port:
        for path in ("/asyncapi", "/asyncapi.json", "/asyncapi.yaml?version=2.6.0"):
            caplog.clear()
            with caplog.at_level("ERROR", logger="sio_spec.web"):
                response = requests.get(url(port, path), timeout=TIMEOUT)
            assert response.status_code == 500, path
            assert response.headers["content-type"].startswith("text/plain")
            assert response.text == "the AsyncAPI document could not be built\n"
            records = [r for r in caplog.records if r.name == "sio_spec.web"]
            assert len(records) == 1 and records[0].levelname == "ERROR"
            assert "Secret-7f3a" in records[0].getMessage()
            assert records[0].exc_info is None  # one line, no traceback

"""The ``asyncapi-react`` viewer rendered by real headless Chromium with the real AsyncAPI
React component.

The component's bundle and stylesheet are served locally from the test
``node_modules`` (through the page's ``bundle_url`` / ``stylesheet_url`` options),
so the page renders offline.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path
from typing import Any

import socketio
from pydantic import BaseModel
from support.browser import chromium_flags
from support.external import chromium, node_modules
from support.servers import run_asgi, url

from sio_spec import SocketIOSpec
from sio_spec.web import asgi_docs

PWN = "</script><script>window.__pwned=1;document.documentElement.dataset.pwned='1'</script>"


class Move(BaseModel):
    game_id: int
    x: int
    y: int


class MoveAck(BaseModel):
    error: str | None = None


class Board(BaseModel):
    cells: list[str]
    turn: str


class Chat(BaseModel):
    text: str


def game_spec(title: str = "Tic-Tac-Toe API", description: str | None = None) -> SocketIOSpec:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio, title=title, version="1.0.0", description=description)

    @sio.on("make_move")
    async def make_move(sid: str, move: Move) -> MoveAck:
        """Play one move."""
        return MoveAck()

    @sio.on("join_game", namespace="/lobby")
    async def join_game(sid: str, game_id: int) -> None:
        return None

    spec.emits("move_made", Board, summary="The board after a move.")
    spec.emits("chat_message", Chat, namespace="/lobby")
    return spec


def serve_assets(modules: Path) -> Any:
    """An ASGI app serving the React component's files under ``/assets/``."""
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    root = modules / "@asyncapi" / "react-component"
    return Starlette(routes=[Mount("/assets", StaticFiles(directory=root))])


def dump_dom(page_url: str, tmp_path: Path) -> str:
    exe = chromium()
    proc = subprocess.run(
        [
            exe,
            *chromium_flags(tmp_path / "chromium-profile"),
            "--virtual-time-budget=15000",
            "--dump-dom",
            page_url,
        ],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def local_docs(spec: SocketIOSpec, modules: Path, **options: Any) -> Any:
    options.setdefault("viewer", "asyncapi-react")
    options.setdefault("bundle_url", "/assets/browser/standalone/index.js")
    options.setdefault("stylesheet_url", "/assets/styles/default.min.css")
    return asgi_docs(spec, serve_assets(modules), **options)


def rendered_body(dom: str) -> str:
    """The DOM without the page's embedded document (which names every event too)."""
    return re.sub(
        r'<script type="application/json" id="asyncapi-document">.*?</script>', "", dom, flags=re.S
    )


def test_react_component_renders_every_event(tmp_path: Path) -> None:
    modules = node_modules()
    spec = game_spec()
    with run_asgi(local_docs(spec, modules)) as port:
        dom = dump_dom(url(port, "/asyncapi"), tmp_path)
    body = rendered_body(dom)
    assert "aui-root" in body, body[:2000]
    assert "Tic-Tac-Toe API" in body
    assert 'id="asyncapi-fallback" hidden' in body
    for event in ("make_move", "join_game", "move_made", "chat_message"):
        assert event in body, event
    # the component lists document errors (show.errors): there are none
    assert "errors in your Asyncapi document" not in body


def test_react_component_renders_asyncapi_2_6(tmp_path: Path) -> None:
    modules = node_modules()
    spec = game_spec()
    with run_asgi(local_docs(spec, modules)) as port:
        dom = dump_dom(url(port, "/asyncapi?version=2.6.0"), tmp_path)
    body = rendered_body(dom)
    assert "aui-root" in body
    for event in ("make_move", "join_game", "move_made", "chat_message"):
        assert event in body, event


def test_invalid_document_shows_its_errors(tmp_path: Path) -> None:
    """Never a blank page: errors of a (hand-written) document are listed."""
    modules = node_modules()
    document = {
        "asyncapi": "3.0.0",
        "info": {"title": "Broken"},
        "operations": {"x": {"action": "shout"}},
    }
    app = asgi_docs(
        document,
        serve_assets(modules),
        viewer="asyncapi-react",
        bundle_url="/assets/browser/standalone/index.js",
        stylesheet_url="/assets/styles/default.min.css",
    )
    with run_asgi(app) as port:
        body = rendered_body(dump_dom(url(port, "/asyncapi"), tmp_path))
    assert "aui-root" in body
    assert "errors in your Asyncapi document" in body
    assert "shout" in body or "allowed values" in body


def test_hostile_text_renders_as_text(tmp_path: Path) -> None:
    modules = node_modules()
    spec = game_spec(title=f"Game {PWN}", description=f"About {PWN}")
    with run_asgi(local_docs(spec, modules, title="Docs")) as port:
        dom = dump_dom(url(port, "/asyncapi"), tmp_path)
    body = rendered_body(dom)
    assert "aui-root" in body
    # the title is rendered by the component as text (the page's own <title> is "Docs")
    assert html.escape(f"Game {PWN}", quote=False) in body
    assert "data-pwned" not in re.search(r"<html[^>]*>", dom).group(0)  # type: ignore[union-attr]
    scripts = re.findall(r"<script\b[^>]*>", dom)
    assert not [
        s for s in scripts if "src" not in s and "application/json" not in s and s != "<script>"
    ], scripts
    assert len(scripts) == 3, scripts


def test_bundle_missing_shows_links(tmp_path: Path) -> None:
    modules = node_modules()
    spec = game_spec()
    app = local_docs(spec, modules, bundle_url="/assets/missing.js")
    with run_asgi(app) as port:
        dom = dump_dom(url(port, "/asyncapi"), tmp_path)
    assert 'id="asyncapi-fallback" hidden' not in dom
    assert 'id="asyncapi-fallback"' in dom
    assert 'href="/asyncapi.json"' in dom and 'href="/asyncapi.yaml"' in dom
    assert "aui-root" not in dom

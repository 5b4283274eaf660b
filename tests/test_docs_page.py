"""sio-spec's own docs page, as served: self-contained, its policy, its view model.

What the page looks like in a browser is in ``test_docs_console.py``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from pydantic import BaseModel, Field
from support.servers import run_asgi, url

from sio_spec import SocketIOSpec
from sio_spec.contract import contract_of, load_document, read_contract
from sio_spec.web import (
    VIEWERS,
    asgi_docs,
    content_security_policy,
    docs_html,
    view_model,
    wsgi_docs,
)

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "</script><script>alert(1)</script> & \u2028 \u2029 <!-- x"


class Move(BaseModel):
    game_id: int = Field(examples=[7])
    x: int = Field(ge=0, le=2, examples=[1])
    y: int = Field(ge=0, le=2, examples=[2])


class MoveAck(BaseModel):
    ok: bool


class Board(BaseModel):
    cells: list[str]


class Auth(BaseModel):
    token: str = Field(min_length=1, examples=["secret"])


def game_spec(**info: Any) -> SocketIOSpec:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio, title=info.pop("title", "Game API"), version="1.0.0", **info)

    @sio.on("make_move")
    async def make_move(sid: str, move: Move) -> MoveAck:
        """Play one move."""
        return MoveAck(ok=True)

    @sio.on("ping_all", namespace="/lobby")
    async def ping_all(sid: str) -> None:
        return None

    @sio.on("typing", namespace="/lobby")
    async def typing(sid: str, room: str, active: bool = True) -> None:
        return None

    @sio.on("connect", namespace="/lobby")
    async def connect(sid: str, environ: dict[str, Any], auth: Auth) -> None:
        return None

    spec.emits("move_made", Board, summary="The board after a move.", tags=["game"])
    spec.emits("old_news", Board, namespace="/lobby", deprecated=True)
    return spec


def page_parts(page: str) -> dict[str, Any]:
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert meta is not None
    return {
        "inline": [body for attrs, body in scripts if "application/json" not in attrs],
        "data": {
            re.search(r'id="([^"]+)"', attrs).group(1): json.loads(body)  # type: ignore[union-attr]
            for attrs, body in scripts
            if "application/json" in attrs
        },
        "styles": styles,
        "meta": meta.group(1).replace("&#x27;", "'"),
        "script_tags": page.count("<script"),
    }


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


# -- the page and its policy -----------------------------------------------------------------


@pytest.mark.parametrize("console", [True, False])
def test_policy_allows_exactly_the_pages_own_script_and_style(console: bool) -> None:
    spec = game_spec()
    with run_asgi(asgi_docs(spec, console=console)) as port:
        response = requests.get(url(port, "/asyncapi"), timeout=5)
    page = response.text
    parts = page_parts(page)
    header = directives(response.headers["content-security-policy"])
    assert [*parts["inline"]] and len(parts["inline"]) == 1 and len(parts["styles"]) == 1
    assert parts["script_tags"] == 3  # the model, the settings, the page's own script
    assert header["script-src"] == [sha256(parts["inline"][0])]
    assert header["style-src"] == [sha256(parts["styles"][0])]
    assert header["default-src"] == ["'none'"]
    assert header["connect-src"] == (["'self'"] if console else ["'none'"])
    assert header["frame-ancestors"] == ["'self'"]
    assert header["base-uri"] == ["'none'"]
    policy = response.headers["content-security-policy"]
    assert "unsafe" not in policy and "http" not in policy and "*" not in policy
    # the same policy travels inside the page (for docs_html served by your own route)
    assert directives(parts["meta"]) == {k: v for k, v in header.items() if k != "frame-ancestors"}
    assert policy == content_security_policy(console)
    # nothing is loaded from anywhere: no URL in the page, no src= or <link>
    assert "http://" not in page and "https://" not in page
    assert " src=" not in page and "<link" not in page
    assert response.headers["referrer-policy"] == "no-referrer"
    assert parts["data"]["sio-spec-config"]["console"] is console
    assert ("var SioWire =" in parts["inline"][0]) is console
    assert ('id="console-toggle"' in page) is console


def test_chat_example_page_is_small() -> None:
    document = load_document(ROOT / "examples" / "chat_aiohttp" / "asyncapi.yaml")
    page = docs_html(document).encode()
    assert len(page) < 200_000, len(page)


def test_page_options() -> None:
    spec = game_spec()
    page = docs_html(
        spec, title="My <docs>", socketio_path="/ws/", json_url="/d.json", yaml_url="/d.yaml"
    )
    assert "<title>My &lt;docs&gt;</title>" in page
    config = page_parts(page)["data"]["sio-spec-config"]
    assert config == {
        "console": True,
        "socketioPath": "/ws/",
        "json": "/d.json",
        "yaml": "/d.yaml",
    }
    assert "AsyncApiStandalone" not in page
    assert "AsyncApiStandalone" in docs_html(spec, viewer="asyncapi-react")
    assert VIEWERS == ("sio-spec", "asyncapi-react")
    with pytest.raises(ValueError, match="viewer"):
        docs_html(spec, viewer="swagger")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="viewer"):
        wsgi_docs(spec, viewer="swagger")


def test_hostile_text_stays_inside_the_json() -> None:
    spec = game_spec(title=f"T {HOSTILE}", description=HOSTILE)
    spec.emits(f"news{HOSTILE}", Board, description=HOSTILE, namespace="/n" + HOSTILE)
    page = docs_html(spec, title=None)
    parts = page_parts(page)
    assert parts["script_tags"] == 3
    for raw in re.findall(r'type="application/json" id="[^"]+">(.*?)</script>', page, re.S):
        assert not set(raw) & {"<", ">", "&", "\u2028", "\u2029"}
    model = parts["data"]["sio-spec-model"]
    assert model["title"] == f"T {HOSTILE}"
    assert model["description"] == HOSTILE
    names = {e["name"] for ns in model["namespaces"] for e in ns["events"]}
    assert f"news{HOSTILE}" in names


# -- the view model --------------------------------------------------------------------------


def test_view_model_carries_what_the_page_shows() -> None:
    spec = game_spec()
    model = page_parts(docs_html(spec))["data"]["sio-spec-model"]
    assert model == json.loads(json.dumps(view_model(contract_of(spec))))
    assert model["title"] == "Game API" and model["asyncapi"] == "3.0.0"
    by_path = {ns["path"]: ns for ns in model["namespaces"]}
    assert list(by_path) == ["/", "/lobby"]
    root = {(e["dir"], e["name"]): e for e in by_path["/"]["events"]}
    move = root[("c", "make_move")]
    assert move["args"][0]["schema"] == {"$ref": "#/components/schemas/Move"}
    assert move["summary"] == "Play one move."
    assert move["ack"]["args"][0]["schema"] == {"$ref": "#/components/schemas/MoveAck"}
    assert move["ack"]["errors"] == ["SioSpecValidationError", "SioSpecInternalError"]
    assert move["examples"] == [[{"game_id": 7, "x": 1, "y": 2}]]
    made = root[("s", "move_made")]
    assert made["tags"] == ["game"] and "ack" not in made
    lobby = {(e["dir"], e["name"]): e for e in by_path["/lobby"]["events"]}
    assert len(lobby[("c", "typing")]["args"]) == 2
    assert lobby[("c", "typing")]["args"][1]["required"] is False
    assert lobby[("s", "old_news")]["deprecated"] is True
    assert by_path["/lobby"]["auth"] == {"$ref": "#/components/schemas/Auth"}
    for name in ("Move", "MoveAck", "Board", "Auth", "SioSpecValidationError"):
        assert name in model["schemas"], name


def test_every_version_gives_the_same_events() -> None:
    spec = game_spec()

    def events(model: dict[str, Any]) -> set[tuple[str, str, str]]:
        return {
            (ns["path"], e["dir"], e["name"]) for ns in model["namespaces"] for e in ns["events"]
        }

    models = {
        version: page_parts(docs_html(spec, version=version))["data"]["sio-spec-model"]
        for version in ("2.6.0", "3.0.0", "3.1.0")
    }
    assert {m["asyncapi"] for m in models.values()} == {"2.6.0", "3.0.0", "3.1.0"}
    assert events(models["2.6.0"]) == events(models["3.0.0"]) == events(models["3.1.0"])
    assert len(events(models["3.0.0"])) == 5


@pytest.mark.parametrize(
    "path",
    [
        "examples/chat_aiohttp/asyncapi.yaml",
        "examples/asgi/asyncapi.yaml",
        "examples/plain_wsgi/asyncapi.yaml",
        "examples/tictactoe/chat_gpt_asyncapi.yaml",
    ],
)
def test_saved_documents_render(path: str) -> None:
    document = load_document(ROOT / path)
    model = page_parts(docs_html(document))["data"]["sio-spec-model"]
    expected = {(e.namespace, e.name) for e in read_contract(document).events()}
    assert {(ns["path"], e["name"]) for ns in model["namespaces"] for e in ns["events"]} == (
        expected
    )
    assert "error" not in model


def test_unreadable_document_shows_the_readers_message() -> None:
    document = {"asyncapi": "3.0.0", "info": {"title": "Broken", "version": "1"}, "channels": 5}
    model = page_parts(docs_html(document))["data"]["sio-spec-model"]
    assert model["namespaces"] == []
    assert model["title"] == "Broken"
    assert isinstance(model["error"], str) and model["error"]

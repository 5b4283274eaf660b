"""sio-spec's docs page and console in real headless Chromium that can reach only 127.0.0.1.

One browser (and one tab) serves the whole module; the servers are started once per
module too. Each page is checked for every event of its contract; the console is driven
the way a user would (click, type, click) against python-socketio on aiohttp, ASGI
(uvicorn), WSGI (werkzeug) and Flask-SocketIO.
"""

from __future__ import annotations

import contextlib
import json
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest
import socketio
from pydantic import BaseModel, Field
from support.browser import Browser, Page
from support.servers import run_aiohttp, run_asgi, run_flask_socketio, run_wsgi, url

from sio_spec import SocketIOSpec
from sio_spec.contract import contract_of
from sio_spec.loader import find_spec
from sio_spec.web import asgi_docs, wsgi_docs

ROOT = Path(__file__).resolve().parent.parent
PWN = "</script><script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>"
READY = "document.body.dataset.ready === '1'"


def load_example(name: str) -> Any:
    import importlib.util

    module_name = f"docs_example_{name}_{uuid.uuid4().hex}"
    module_spec = importlib.util.spec_from_file_location(
        module_name, ROOT / "examples" / name / "app.py"
    )
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_name] = module
    module_spec.loader.exec_module(module)
    return module


# -- a Flask-SocketIO server of our own (the tictactoe example answers errors its own way) --


class Move(BaseModel):
    game_id: int
    x: int = Field(ge=0, le=2)
    y: int = Field(ge=0, le=2)


class MoveAck(BaseModel):
    ok: bool


class Board(BaseModel):
    cells: list[str]
    turn: Literal["X", "O"]


def flask_game() -> tuple[Any, Any, SocketIOSpec]:
    from flask import Flask
    from flask_socketio import SocketIO, emit

    flask_app = Flask(__name__)
    sock = SocketIO(flask_app, async_mode="threading")
    spec = SocketIOSpec(sock, title="Game API", version="1.0.0")
    spec.emits("move_made", Board, summary="The board after a move.")

    @sock.on("make_move")
    def make_move(move: Move) -> MoveAck:
        """Play one move."""
        emit("move_made", {"cells": ["X", "", "", "", "", "", "", "", ""], "turn": "O"})
        return MoveAck(ok=True)

    flask_app.wsgi_app = wsgi_docs(spec, flask_app.wsgi_app)  # type: ignore[method-assign]
    return flask_app, sock, spec


# -- module-wide browser and servers ---------------------------------------------------------


@dataclass
class Served:
    base: str
    spec: SocketIOSpec


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    with Browser(tmp_path_factory.mktemp("chromium")) as running:
        yield running


@pytest.fixture(scope="module")
def tab(browser: Browser) -> Iterator[Page]:
    page = browser.page()
    yield page
    page.close()


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, Served]]:
    chat = load_example("chat_aiohttp")
    notes = load_example("asgi")
    counters = load_example("plain_wsgi")
    flask_app, sock, game = flask_game()
    with contextlib.ExitStack() as stack:
        out = {
            "aiohttp": Served(url(stack.enter_context(run_aiohttp(chat.app))), chat.spec),
            "asgi": Served(url(stack.enter_context(run_asgi(notes.app))), notes.spec),
            "wsgi": Served(url(stack.enter_context(run_wsgi(counters.app))), counters.spec),
            "flask": Served(url(stack.enter_context(run_flask_socketio(flask_app, sock))), game),
        }
        yield out


def open_docs(tab: Page, address: str) -> None:
    tab.goto(address, ready=READY)


def event_ids(spec_or_contract: Any) -> set[str]:
    contract = contract_of(spec_or_contract)
    return {
        ("send:" if e.direction == "client-to-server" else "receive:") + e.namespace + ":" + e.name
        for e in contract.events()
    }


def shown_ids(tab: Page) -> set[str]:
    return set(tab.evaluate("Array.from(document.querySelectorAll('section.event'), e => e.id)"))


# -- every example's page renders every event ------------------------------------------------


@pytest.fixture(scope="module")
def example_pages() -> Iterator[tuple[int, dict[str, SocketIOSpec]]]:
    """Every example's docs on one ASGI server, each under ``/<example>/asyncapi``."""
    from starlette.applications import Starlette
    from starlette.routing import Mount

    specs: dict[str, SocketIOSpec] = {}
    for name in ("chat_aiohttp", "asgi", "plain_wsgi", "tictactoe"):
        module = load_example(name)
        found = find_spec(getattr(module, "socketio" if name == "tictactoe" else "spec"))
        assert found is not None
        specs[name] = found
    app = Starlette(routes=[Mount(f"/{name}", asgi_docs(spec)) for name, spec in specs.items()])
    with run_asgi(app) as port:
        yield port, specs


@pytest.mark.parametrize("name", ["chat_aiohttp", "asgi", "plain_wsgi", "tictactoe"])
def test_example_page_renders_every_event(
    tab: Page, example_pages: tuple[int, dict[str, SocketIOSpec]], name: str
) -> None:
    port, specs = example_pages
    expected = event_ids(specs[name])
    assert expected
    for version in ("", "?version=2.6.0", "?version=3.1.0"):
        open_docs(tab, url(port, f"/{name}/asyncapi{version}"))
        assert shown_ids(tab) == expected, version
        nav = tab.evaluate("document.querySelectorAll('#nav-list .nav-ev').length")
        assert nav == len(expected)
        assert tab.evaluate("document.title") == specs[name].asyncapi()["info"]["title"]
    errors = [line for line in tab.logs() if "exception" in line or "Content Security" in line]
    assert not errors, errors


def test_page_shows_auth_acks_errors_examples_and_links(
    tab: Page, servers: dict[str, Served]
) -> None:
    open_docs(tab, servers["aiohttp"].base + "/asyncapi")
    card = "document.getElementById('send:/chat:join')"
    text = tab.evaluate(card + ".textContent")
    for part in ("Arguments", "Acknowledgement", "Error acknowledgement", "Example", "general"):
        assert part in text, part
    assert "SioSpecValidationError" in text
    auth = tab.evaluate(
        "document.getElementById('namespace:/chat').querySelector('.auth').textContent"
    )
    assert "username" in auth and "required" in auth
    # the stable link of an event, and the filter box
    open_docs(tab, servers["aiohttp"].base + "/asyncapi#" + "send%3A%2Fchat%3Aupload")
    assert tab.evaluate(
        "document.querySelector(':target') && document.querySelector(':target').id"
    ) == ("send:/chat:upload")
    tab.evaluate(
        "var f = document.getElementById('filter'); f.value = 'upload';"
        " f.dispatchEvent(new Event('input'))"
    )
    tab.wait("document.getElementById('filter-count').textContent !== ''")
    visible = tab.evaluate(
        "Array.from(document.querySelectorAll('section.event'))"
        ".filter(e => !e.hidden).map(e => e.id)"
    )
    assert visible == ["send:/chat:upload"]
    assert "binary" in tab.evaluate("document.getElementById('send:/chat:upload').textContent")


class Node(BaseModel):
    """A tree."""

    label: str = Field(min_length=1, max_length=10)
    kind: Literal["leaf", "branch"] = "leaf"
    weight: float | None = None
    children: list[Node] = []


class Circle(BaseModel):
    shape: Literal["circle"]
    radius: float = Field(gt=0)


class Square(BaseModel):
    shape: Literal["square"]
    side: int = Field(ge=1)


def test_schema_trees(tab: Page) -> None:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio, title="Trees", version="1")

    @sio.on("plant", namespace="/garden")
    async def plant(sid: str, tree: Node, shape: Circle | Square) -> None:
        return None

    with run_asgi(asgi_docs(spec)) as port:
        open_docs(tab, url(port, "/asyncapi"))
        card = "document.getElementById('send:/garden:plant')"
        # open every node once (recursion stops at the first repeat of a schema)
        for _ in range(6):
            tab.evaluate(
                card + ".querySelectorAll('details:not([open])').forEach(d => d.open = true)"
            )
        text = tab.evaluate(card + ".textContent")
        assert "recursive: Node" in text
        assert "nullable" in text and "optional" in text and "required" in text
        assert "min length 1" in text and "max length 10" in text and "> 0" in text
        assert '"leaf"' in text and '"branch"' in text
        assert "one of" in text or "any of" in text
        assert "Circle" in text and "Square" in text
        # a constant (the document's one-value enum) reads as the value it is
        assert '= "circle"' in text and '= "square"' in text
        assert tab.evaluate(card + ".querySelectorAll('details').length") < 200


# -- the console -----------------------------------------------------------------------------


@dataclass
class Case:
    namespace: str
    auth: Any
    event: str
    valid: Any
    invalid: Any
    loc: list[Any]
    ack_has: str
    server_event: str
    first: tuple[str, Any] | None = None  # an event to send before (e.g. join a room)


CASES = {
    "aiohttp": Case(
        "/chat",
        {"username": "ada"},
        "send",
        {"room": "general", "text": "hello"},
        {"room": "general", "text": 5},
        ["text"],
        '"id"',
        "message",
        ("join", {"room": "general"}),
    ),
    "asgi": Case(
        "/",
        None,
        "add_note",
        {"title": "Groceries", "tags": ["home"]},
        {"title": "", "tags": ["a"]},
        ["title"],
        '"created_at"',
        "note_added",
    ),
    "wsgi": Case(
        "/",
        None,
        "increment",
        {"name": "visits", "by": 2},
        {"name": "visits", "by": 500},
        ["by"],
        '"value"',
        "counter_changed",
    ),
    "flask": Case(
        "/",
        None,
        "make_move",
        {"game_id": 1, "x": 1, "y": 1},
        {"game_id": 1, "x": 7, "y": 1},
        ["x"],
        '"ok"',
        "move_made",
    ),
}


def set_value(tab: Page, element: str, value: str, event: str = "input") -> None:
    tab.evaluate(
        f"var e = document.getElementById({json.dumps(element)}); e.value = {json.dumps(value)};"
        f" e.dispatchEvent(new Event({json.dumps(event)}))"
    )


def click(tab: Page, element: str) -> None:
    tab.evaluate(f"document.getElementById({json.dumps(element)}).click()")


def text_of(tab: Page, element: str) -> str:
    return str(tab.evaluate(f"document.getElementById({json.dumps(element)}).textContent"))


@pytest.mark.parametrize("kind", ["aiohttp", "asgi", "wsgi", "flask"])
def test_console_connects_sends_and_logs(tab: Page, servers: dict[str, Served], kind: str) -> None:
    served, case = servers[kind], CASES[kind]
    open_docs(tab, served.base + "/asyncapi")
    # "Try it" on the event opens the console with its editor prefilled
    tab.evaluate(
        f"document.getElementById({json.dumps('send:' + case.namespace + ':' + case.event)})"
        ".querySelector('button.try').click()"
    )
    assert tab.evaluate("document.body.classList.contains('console-open')")
    assert tab.evaluate("document.getElementById('console-namespace').value") == case.namespace
    assert tab.evaluate("document.getElementById('console-event').value") == case.event
    json.loads(tab.evaluate("document.getElementById('console-payload').value"))
    if case.auth is not None:
        # the auth editor is prefilled from the auth schema (its examples)
        assert (
            json.loads(tab.evaluate("document.getElementById('console-auth').value")) == case.auth
        )

    click(tab, "console-connect")
    tab.wait("document.getElementById('console-status').textContent.startsWith('Connected')")
    assert tab.evaluate("document.getElementById('console-send').disabled") is False

    if case.first is not None:
        set_value(tab, "console-event", case.first[0], "change")
        set_value(tab, "console-payload", json.dumps(case.first[1]))
        click(tab, "console-send")
        tab.wait("!!document.querySelector('#console-result pre.ack')")
        set_value(tab, "console-event", case.event, "change")

    # a valid payload: the ack is shown, and the server event arrives in the log
    set_value(tab, "console-payload", json.dumps(case.valid))
    assert tab.evaluate("document.getElementById('console-with-ack').checked")
    click(tab, "console-send")
    tab.wait("!!document.querySelector('#console-result pre.ack')")
    assert tab.evaluate("document.getElementById('console-result').className") == "result ok"
    assert case.ack_has in text_of(tab, "console-result")
    tab.wait(
        "Array.from(document.querySelectorAll('#console-log .log-name'))"
        f".some(e => e.textContent === {json.dumps(case.server_event)})"
    )

    # an invalid payload: the error ack, each loc pointing at its field in the editor
    set_value(tab, "console-payload", json.dumps(case.invalid))
    click(tab, "console-send")
    tab.wait("!!document.getElementById('console-errors')")
    result = text_of(tab, "console-result")
    assert "validation_error" in result
    first = tab.evaluate(
        "(() => { var i = document.querySelector('#console-errors li');"
        " return {loc: i.querySelector('.loc').textContent, line: i.dataset.line}; })()"
    )
    assert first["loc"] == " → ".join(map(str, case.loc))
    editor = tab.evaluate(
        "(() => { var e = document.getElementById('console-payload');"
        " return {text: e.value, start: e.selectionStart, end: e.selectionEnd}; })()"
    )
    selected = editor["text"][editor["start"] : editor["end"]]
    assert selected.startswith(json.dumps(case.loc[-1])), selected
    assert editor["text"][: editor["start"]].count("\n") + 1 == int(first["line"])

    # the log: filter, pause, clear
    set_value(tab, "console-log-filter", "no-such-event-name")
    assert tab.evaluate(
        "Array.from(document.querySelectorAll('#console-log li')).every(e => e.hidden)"
    )
    set_value(tab, "console-log-filter", "")
    click(tab, "console-clear")
    assert tab.evaluate("document.querySelectorAll('#console-log li').length") == 0
    # paused, server events are not logged (the server emits before it acks)
    click(tab, "console-pause")
    set_value(tab, "console-payload", json.dumps(case.valid))
    click(tab, "console-send")
    tab.wait("!!document.querySelector('#console-result pre.ack')")
    assert tab.evaluate("document.querySelectorAll('#console-log li').length") == 0
    click(tab, "console-pause")

    click(tab, "console-disconnect")
    tab.wait("!document.getElementById('console-status').textContent.startsWith('Connected')")
    assert tab.evaluate("document.getElementById('console-send').disabled") is True


def test_console_refused_auth_and_binary_upload(tab: Page, servers: dict[str, Served]) -> None:
    open_docs(tab, servers["aiohttp"].base + "/asyncapi")
    click(tab, "console-toggle")
    set_value(tab, "console-namespace", "/chat", "change")
    set_value(tab, "console-auth", json.dumps({"username": "no spaces allowed"}))
    click(tab, "console-connect")
    tab.wait("document.getElementById('console-status').className.includes('bad')")
    status = text_of(tab, "console-status")
    assert "Connection refused" in status
    assert tab.evaluate("document.querySelector('#console-auth-errors .loc').textContent") == (
        "username"
    )

    set_value(tab, "console-auth", json.dumps({"username": "ada"}))
    click(tab, "console-connect")
    tab.wait("document.getElementById('console-status').textContent.startsWith('Connected')")
    set_value(tab, "console-event", "upload", "change")
    set_value(tab, "console-payload", json.dumps(["notes.txt", "hello"]))
    click(tab, "console-send")
    tab.wait("!!document.querySelector('#console-result pre.ack')")
    ack = json.loads(tab.evaluate("document.querySelector('#console-result pre.ack').textContent"))
    # the server hashed the five bytes it received as a binary attachment
    assert ack["size"] == 5
    assert ack["sha256"] == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    click(tab, "console-disconnect")


def test_console_off(tab: Page) -> None:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio, title="Quiet", version="1")
    spec.emits("tick", Board)
    with run_asgi(socketio.ASGIApp(sio, other_asgi_app=asgi_docs(spec, console=False))) as port:
        open_docs(tab, url(port, "/asyncapi"))
        assert shown_ids(tab) == {"receive:/:tick"}
        assert tab.evaluate("document.getElementById('console-toggle') === null")
        assert tab.evaluate("document.getElementById('console') === null")
        assert tab.evaluate("typeof SioWire") == "undefined"


# -- hostile documents -----------------------------------------------------------------------


class Evil(BaseModel):
    mode: Literal["plain", "</script><script>window.__pwned=3</script>"] = Field(
        description=PWN, examples=["</script><script>window.__pwned=3</script>"]
    )


def test_hostile_document_renders_as_text_and_runs_no_script(tab: Page) -> None:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio, title=f"Docs {PWN}", version=PWN, description=PWN)
    spec.emits(f"evil{PWN}", Evil, summary=PWN, description=PWN, namespace="/x" + PWN)

    @sio.on(f"go{PWN}")
    async def go(sid: str, data: Evil) -> Evil:
        return data

    with run_asgi(socketio.ASGIApp(sio, other_asgi_app=asgi_docs(spec))) as port:
        open_docs(tab, url(port, "/asyncapi"))
        for _ in range(3):
            tab.evaluate(
                "document.querySelectorAll('details:not([open])').forEach(d => d.open = true)"
            )
        assert tab.evaluate("typeof window.__pwned") == "undefined"
        assert tab.evaluate("document.querySelectorAll('img').length") == 0
        assert tab.evaluate("document.querySelectorAll('script').length") == 3
        assert tab.evaluate("document.title") == f"Docs {PWN}"
        assert tab.evaluate("document.querySelector('h1').textContent").startswith(f"Docs {PWN}")
        body = tab.evaluate("document.getElementById('docs').textContent")
        assert body.count(PWN) >= 5
        assert "</script><script>window.__pwned=3</script>" in body
        assert shown_ids(tab) == event_ids(spec)
        # the Content-Security-Policy stops scripts the page did not write itself
        tab.evaluate(
            "var s = document.createElement('script'); s.textContent = 'window.__pwned = 4';"
            " document.body.appendChild(s);"
            " var r = document.createElement('script'); r.src = 'http://127.0.0.1:9/x.js';"
            " document.body.appendChild(r);"
        )
        assert tab.evaluate("typeof window.__pwned") == "undefined"
        assert any("Content Security Policy" in line for line in tab.logs()), tab.logs()


def test_phone_width(tab: Page, servers: dict[str, Served]) -> None:
    tab.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": 380, "height": 800, "deviceScaleFactor": 2, "mobile": True},
    )
    try:
        open_docs(tab, servers["aiohttp"].base + "/asyncapi")
        click(tab, "console-toggle")
        assert tab.evaluate("document.documentElement.scrollWidth") <= 380
        width = tab.evaluate("document.getElementById('console').getBoundingClientRect().width")
        assert 300 <= width <= 380
    finally:
        tab.send("Emulation.clearDeviceMetricsOverride")


def test_console_binary_both_ways_and_without_ack(tab: Page) -> None:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio, title="Blobs", version="1")
    spec.emits("blob", bytes, summary="The bytes just received")

    @sio.on("echo")
    async def echo(sid: str, data: bytes) -> bytes:
        await sio.emit("blob", data, to=sid)
        return data

    with run_asgi(socketio.ASGIApp(sio, other_asgi_app=asgi_docs(spec))) as port:
        open_docs(tab, url(port, "/asyncapi"))
        click(tab, "console-toggle")
        click(tab, "console-connect")
        tab.wait("document.getElementById('console-status').textContent.startsWith('Connected')")
        assert tab.evaluate("document.getElementById('console-event').value") == "echo"
        # without the ack: sent, and the server's binary event arrives in the log
        tab.evaluate("document.getElementById('console-with-ack').checked = false")
        set_value(tab, "console-payload", json.dumps("hello"))
        click(tab, "console-send")
        assert text_of(tab, "console-result") == "Sent echo."
        tab.wait("!!document.querySelector('#console-log .log-event pre')")
        logged = json.loads(tab.evaluate("document.querySelector('#console-log pre').textContent"))
        assert logged == {"$binary": "5 bytes", "$base64": "aGVsbG8="}
        # with the ack: a binary ack
        tab.evaluate("document.getElementById('console-with-ack').checked = true")
        set_value(tab, "console-payload", json.dumps({"$base64": "AAEC/w=="}))
        click(tab, "console-send")
        tab.wait("!!document.querySelector('#console-result pre.ack')")
        ack = json.loads(tab.evaluate("document.querySelector('#console-result pre').textContent"))
        assert ack == {"$binary": "4 bytes", "$base64": "AAEC/w=="}
        click(tab, "console-disconnect")

"""The mock's docs console in headless Chromium: "Send this server event" pushes an event
that a python-socketio client connected to the mock receives; the control is there only
on a mock's page."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import socketio
from support.browser import Browser, Page
from support.servers import run_asgi, url

from sio_spec.contract import load_document
from sio_spec.mock import Mock
from sio_spec.web import asgi_docs

ROOT = Path(__file__).resolve().parent.parent
CHAT = ROOT / "examples" / "mock" / "asyncapi.yaml"
DOCUMENT = load_document(CHAT)
READY = "document.body.dataset.ready === '1'"
TIMEOUT = 15


@pytest.fixture(scope="module")
def tab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    with Browser(tmp_path_factory.mktemp("chromium")) as running:
        page = running.page()
        yield page
        page.close()


def set_value(tab: Page, element: str, value: str, event: str = "input") -> None:
    tab.evaluate(
        f"var e = document.getElementById({json.dumps(element)}); e.value = {json.dumps(value)};"
        f" e.dispatchEvent(new Event({json.dumps(event)}))"
    )


def click(tab: Page, element: str) -> None:
    tab.evaluate(f"document.getElementById({json.dumps(element)}).click()")


class Listener:
    """A python-socketio client connected to ``/chat`` in a thread of its own,
    collecting the server events it receives."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.events: list[tuple[str, Any]] = []
        self.ready = threading.Event()
        self.done = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self.run()), daemon=True)

    async def run(self) -> None:
        client = socketio.AsyncClient(reconnection=False)
        for name in ("message", "presence"):
            client.on(
                name, lambda data, name=name: self.events.append((name, data)), namespace="/chat"
            )
        await client.connect(
            url(self.port),
            namespaces=["/chat"],
            auth={"token": "browser-test"},
            transports=["websocket"],
            wait_timeout=TIMEOUT,
        )
        self.ready.set()
        while not self.done.is_set():
            await asyncio.sleep(0.02)
        await client.disconnect()

    def __enter__(self) -> Listener:
        self.thread.start()
        assert self.ready.wait(TIMEOUT)
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join(TIMEOUT)


def test_the_console_pushes_a_server_event_to_a_connected_client(tab: Page) -> None:
    presence = jsonschema.Draft7Validator(
        {"components": DOCUMENT["components"], "$ref": "#/components/schemas/Presence"}
    )
    example = DOCUMENT["channels"]["chat"]["messages"]["message"]["examples"][0]["payload"]
    mock = Mock(CHAT, seed=11)
    with run_asgi(mock.app) as port, Listener(port) as listener:
        tab.goto(url(port, "/asyncapi"), ready=READY)
        click(tab, "console-toggle")
        set_value(tab, "console-namespace", "/chat", "change")
        options = tab.evaluate(
            "Array.from(document.querySelectorAll('#mock-event option')).map(o => o.value)"
        )
        assert options == ["message", "presence"]  # the server events of /chat
        set_value(tab, "console-namespace", "/", "change")  # none there
        assert tab.evaluate("document.getElementById('mock-send').disabled") is True
        set_value(tab, "console-namespace", "/chat", "change")
        assert tab.evaluate("document.getElementById('mock-send').disabled") is False

        # nothing typed: the mock sends the document's example
        set_value(tab, "mock-event", "message", "change")
        click(tab, "mock-send")
        tab.wait("document.getElementById('mock-result').className === 'result ok'", TIMEOUT)
        assert "Sent message to 1 client(s) (example 1)" in tab.evaluate(
            "document.getElementById('mock-result').textContent"
        )
        # no example: a generated value that fits the schema
        set_value(tab, "mock-event", "presence", "change")
        click(tab, "mock-send")
        tab.wait(
            "document.getElementById('mock-result').textContent.includes('generated')", TIMEOUT
        )
        # arguments typed in the console, and invalid ones refused with their details
        set_value(tab, "mock-args", json.dumps([{"user": "ada", "online": True}]))
        click(tab, "mock-send")
        tab.wait("document.getElementById('mock-result').textContent.includes('(given)')", TIMEOUT)
        set_value(tab, "mock-args", json.dumps([{"user": ""}]))
        click(tab, "mock-send")
        tab.wait("document.getElementById('mock-result').className === 'result bad'", TIMEOUT)
        assert "invalid arguments" in tab.evaluate(
            "document.getElementById('mock-result').textContent"
        )
        for _ in range(int(TIMEOUT / 0.05)):
            if len(listener.events) >= 3:
                break
            threading.Event().wait(0.05)
    assert [name for name, _ in listener.events] == ["message", "presence", "presence"]
    assert listener.events[0][1] == example
    presence.validate(listener.events[1][1])
    assert listener.events[2][1] == {"user": "ada", "online": True}


def test_the_control_is_only_on_a_mock_page(tab: Page) -> None:
    with run_asgi(asgi_docs(DOCUMENT)) as port:
        tab.goto(url(port, "/asyncapi"), ready=READY)
        assert tab.evaluate("!!document.getElementById('console-event')")
        assert tab.evaluate("document.getElementById('mock-send') === null")

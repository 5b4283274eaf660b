"""The docs page in real headless Chromium with documents and links made to break it:
for every document the reader accepts, the page renders, or shows its one-line error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import socketio
from pydantic import BaseModel, Field
from support.browser import Browser, Page
from support.servers import run_asgi, url

from sio_spec import SocketIOSpec
from sio_spec.web import asgi_docs

READY = "document.body.dataset.ready === '1'"


@pytest.fixture(scope="module")
def tab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    with Browser(tmp_path_factory.mktemp("chromium")) as browser:
        page = browser.page()
        yield page
        page.close()


def document(name: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    ref = "#/components/schemas/" + name.replace("~", "~0").replace("/", "~1")
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Odd names", "version": "1"},
        "channels": {
            "root": {"address": "/", "messages": {"go": {"name": "go", "payload": {"$ref": ref}}}}
        },
        "operations": {
            "go": {
                "action": "receive",
                "channel": {"$ref": "#/channels/root"},
                "messages": [{"$ref": "#/channels/root/messages/go"}],
            }
        },
        "components": {
            "schemas": {name: {"type": "object", "properties": {"n": {"type": "integer"}}}}
        },
        **(extra or {}),
    }


def serve(source: Any) -> Any:
    return run_asgi(
        socketio.ASGIApp(socketio.AsyncServer(async_mode="asgi"), other_asgi_app=asgi_docs(source))
    )


def exceptions(tab: Page) -> list[str]:
    return [line for line in tab.logs() if line.startswith("exception")]


@pytest.mark.parametrize("name", ["100%", "%E0%A4%A", "50% off/now"])
def test_components_whose_names_are_not_percent_encoding_render(tab: Page, name: str) -> None:
    spec = SocketIOSpec.from_document(None, document(name))
    with serve(spec) as port:
        tab.goto(url(port, "/asyncapi"), ready=READY)
        tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        body = tab.evaluate("document.getElementById('docs').textContent")
        assert name in body
        assert "n" in body
        assert exceptions(tab) == []


@pytest.mark.parametrize("fragment", ["%E0%A4%A", "%", "send%3A%2F%3Ago%ZZ"])
def test_malformed_hashes_do_not_stop_the_page(tab: Page, fragment: str) -> None:
    spec = SocketIOSpec.from_document(None, document("Move"))
    with serve(spec) as port:
        tab.goto(url(port, "/asyncapi#" + fragment), ready=READY)
        assert "go" in tab.evaluate("document.getElementById('docs').textContent")
        assert exceptions(tab) == []


def test_a_document_with_nan_shows_its_one_line_error(tab: Page) -> None:
    doc = document("Move")
    doc["components"]["schemas"]["Move"]["properties"]["n"]["maximum"] = float("nan")
    with serve(doc) as port:
        tab.goto(url(port, "/asyncapi"), ready=READY)
        error = tab.evaluate("document.querySelector('.doc-error').textContent")
        assert error.startswith("This document cannot be shown: ")
        assert "NaN or an infinite number" in error
        assert "\n" not in error
        assert exceptions(tab) == []


class Odd(BaseModel):
    ratio: float = Field(default=float("nan"))


def test_a_spec_whose_document_holds_nan_shows_its_one_line_error(tab: Page) -> None:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio)

    @sio.on("odd")
    async def odd(sid: str, data: Odd) -> None:
        return None

    with run_asgi(socketio.ASGIApp(sio, other_asgi_app=asgi_docs(spec))) as port:
        tab.goto(url(port, "/asyncapi"), ready=READY)
        error = tab.evaluate("(document.querySelector('.doc-error') || {}).textContent || ''")
        body = tab.evaluate("document.getElementById('docs').textContent")
        assert error.startswith("This document cannot be shown") or "odd" in body
        assert exceptions(tab) == []

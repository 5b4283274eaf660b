"""Reading sio-spec's docs page in real headless Chromium (reachable hosts: 127.0.0.1 only).

Descriptions are CommonMark rendered safely (a hostile description stays inert text), reST
literals from docstrings show as code, the error acks are described once and linked from
every event, union members carry the document's names, a filter leaves no empty heading,
the console opens on the first documented namespace, and at phone width the event list
is folded.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio
from pydantic import BaseModel, Field
from support.browser import Browser, Page
from support.servers import run_asgi, url

from sio_spec import SocketIOSpec
from sio_spec.web import asgi_docs

ROOT = Path(__file__).resolve().parent.parent
READY = "document.body.dataset.ready === '1'"

MARKDOWN = """Moves a piece. Uses ``auth`` from the `connect` step, see :class:`Board`.

## Rules

Only **empty** cells, and *never* twice: the_cell_name stays as typed.

- first item with `code`
- second item, [the spec](https://www.asyncapi.com/docs "AsyncAPI") and <mailto:ops@example.com>
  continued on a second line

1. one
2. two

```json
{"x": 1, "y": "<b>2</b>"}
```

Example::

    sio.emit("move", {"x": 1})

> A quote with [a link to the board](#receive:/:board).
"""

HOSTILE = """<script>window.__pwned = 1</script>
<img src=x onerror="window.__pwned = 2">
[click me](javascript:window.__pwned=3) and [upper](JAVASCRIPT:window.__pwned=4)
and [spaced]( java&#9;script:window.__pwned=5) and [data](data:text/html,<script>x</script>)
and <javascript:window.__pwned=6> and ![pic](http://127.0.0.1:1/pixel.png)
and [vb](vbscript:msgbox) and **<i onmouseover="window.__pwned=7">bold</i>**
"""


#: Unclosed delimiters by the thousand, and spans nested far deeper than anyone writes.
PATHOLOGICAL = (
    "*a " * 20000
    + "[x" * 20000
    + "`b " * 20000
    + "<http:" * 5000
    + "**" * 5000
    + "*x" * 3000
    + "y*" * 3000
    + "\n\n"
    + "".join("    " * i + "- item\n" for i in range(300))
    + "\n    code\n" * 3000
)


class Move(BaseModel):
    """One move on the board."""

    x: int = Field(description="The column, see ``Board.cells``; **0-based**.")
    y: int = Field(description=HOSTILE)


class Posted(BaseModel):
    id: int


class Occupied(BaseModel):
    error: str = Field(default="occupied", pattern="^occupied$")


class Board(BaseModel):
    cells: list[str]


def reading_spec() -> SocketIOSpec:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(
        sio, title="Reading", version="1.0.0", description="The **game** API.\n\n" + HOSTILE
    )

    @spec.on("move", namespace="/game", summary="Move with `code` and *emphasis*")
    async def move(sid: str, move: Move) -> Posted | Occupied:
        return Posted(id=1)

    @sio.on("hostile", namespace="/game")
    async def hostile(sid: str, text: str) -> Posted:
        return Posted(id=2)

    hostile.__doc__ = "A hostile description.\n\n" + HOSTILE

    @sio.on("rules", namespace="/game")
    async def rules(sid: str, move: Move) -> Posted:
        return Posted(id=3)

    rules.__doc__ = "The rules.\n\n" + MARKDOWN

    @sio.on("pathological", namespace="/game")
    async def pathological(sid: str, text: str) -> None:
        return None

    pathological.__doc__ = "Pathological.\n\n" + PATHOLOGICAL

    @sio.on("look", namespace="/other")
    async def look(sid: str) -> Board:
        """Look at the board."""
        return Board(cells=[])

    spec.emits("board", Board, namespace="/other", summary="The board after a move")
    return spec


def load_chat() -> Any:
    name = f"reading_chat_{uuid.uuid4().hex}"
    module_spec = importlib.util.spec_from_file_location(
        name, ROOT / "examples" / "chat_aiohttp" / "app.py"
    )
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    module_spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    with Browser(tmp_path_factory.mktemp("chromium")) as browser:
        page = browser.page()
        yield page
        page.close()


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """The reading spec under ``/reading`` and the chat example under ``/chat``."""
    from starlette.applications import Starlette
    from starlette.routing import Mount

    chat = load_chat()
    app = Starlette(
        routes=[
            Mount("/reading", asgi_docs(reading_spec())),
            Mount("/chat", asgi_docs(chat.spec)),
        ]
    )
    with contextlib.ExitStack() as stack:
        port = stack.enter_context(run_asgi(app))
        yield url(port)
        sys.modules.pop(chat.__name__, None)


def desktop(tab: Page) -> None:
    tab.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1440, "height": 900, "deviceScaleFactor": 1, "mobile": False},
    )


def phone(tab: Page) -> None:
    tab.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )


def open_page(tab: Page, address: str) -> None:
    desktop(tab)
    tab.goto(address, ready=READY)


def js(value: str) -> str:
    return json.dumps(value)


def card(event_id: str) -> str:
    return f"document.getElementById({js(event_id)})"


def filter_events(tab: Page, words: str) -> None:
    """Type ``words`` into the filter box and wait until the page has applied them."""
    count = "document.getElementById('filter-count')"
    tab.evaluate(
        f"{count}.textContent = {js('' if words else 'pending')};"
        f" var f = document.getElementById('filter'); f.value = {js(words)};"
        " f.dispatchEvent(new Event('input'))"
    )
    tab.wait(f"{count}.textContent {'!==' if words else '==='} ''")


# -- CommonMark ------------------------------------------------------------------------------


def test_descriptions_are_rendered_as_commonmark(tab: Page, base: str) -> None:
    open_page(tab, base + "/reading/asyncapi")
    desc = card("send:/game:rules") + ".querySelector('.md')"
    assert tab.evaluate(desc + ".querySelector('h5, h6').textContent") == "Rules"
    codes = tab.evaluate(
        f"Array.from({desc}.querySelectorAll('p code, li code'), c => c.textContent)"
    )
    # reST literals (``auth``), Markdown code (`connect`) and reST roles (:class:`Board`)
    assert codes[:3] == ["auth", "connect", "Board"]
    assert "code" in codes
    assert tab.evaluate(desc + ".querySelector('strong').textContent") == "empty"
    assert tab.evaluate(desc + ".querySelector('em').textContent") == "never"
    text = tab.evaluate(desc + ".textContent")
    assert "the_cell_name stays as typed" in text  # no emphasis inside words
    assert "``" not in text and ":class:" not in text and "**" not in text
    items = tab.evaluate(f"Array.from({desc}.querySelectorAll('ul > li'), li => li.textContent)")
    assert len(items) == 2
    assert "continued on a second line" in items[1]
    assert tab.evaluate(f"{desc}.querySelectorAll('ol > li').length") == 2
    links = tab.evaluate(
        f"Array.from({desc}.querySelectorAll('a'), a => [a.textContent, a.getAttribute('href')])"
    )
    assert ["the spec", "https://www.asyncapi.com/docs"] in links
    assert ["mailto:ops@example.com", "mailto:ops@example.com"] in links
    assert ["a link to the board", "#receive:/:board"] in links
    blocks = tab.evaluate(f"Array.from({desc}.querySelectorAll('pre code'), c => c.textContent)")
    assert blocks == ['{"x": 1, "y": "<b>2</b>"}', 'sio.emit("move", {"x": 1})']
    assert tab.evaluate(f"{desc}.querySelectorAll('b').length") == 0
    assert "Example:" in text and "Example::" not in text
    assert tab.evaluate(desc + ".querySelector('blockquote') !== null")
    # the summary is inline Markdown, schema descriptions too
    summary = card("send:/game:move") + ".querySelector('.summary')"
    assert tab.evaluate(summary + ".querySelector('code').textContent") == "code"
    assert tab.evaluate(summary + ".querySelector('em').textContent") == "emphasis"
    field = tab.evaluate(
        f"Array.from({card('send:/game:rules')}.querySelectorAll('.node-desc'), d => d.innerHTML)"
        ".join(' ')"
    )
    assert "<code>Board.cells</code>" in field and "<strong>0-based</strong>" in field


def test_a_hostile_description_stays_inert_text(tab: Page, base: str) -> None:
    open_page(tab, base + "/reading/asyncapi")
    for where in ("document.querySelector('.doc-head')", card("send:/game:hostile")):
        text = tab.evaluate(where + ".textContent")
        assert "<script>window.__pwned = 1</script>" in text
        assert "<img src=x" in text
        assert "click me" in text and "pic" in text
    docs = "document.getElementById('docs')"
    assert tab.evaluate(f"{docs}.querySelectorAll('script, img, iframe, i, object').length") == 0
    hrefs = tab.evaluate(
        f"Array.from({docs}.querySelectorAll('.md a[href]'), a => a.getAttribute('href'))"
    )
    assert hrefs
    for href in hrefs:
        assert href.startswith(("#", "http://", "https://", "mailto:")), href
    assert not [h for h in hrefs if "pwned" in h or "pixel" in h]
    # the refused links are text: clicking them does nothing
    tab.evaluate(f"Array.from({docs}.querySelectorAll('.md-unsafe-link')).forEach(s => s.click())")
    attributes = tab.evaluate(
        f"Array.from({docs}.querySelectorAll('*')).some(e => Array.from(e.attributes)"
        ".some(a => a.name.startsWith('on') || /script:/i.test(a.value)))"
    )
    assert attributes is False
    assert tab.evaluate("window.__pwned === undefined")
    # the field description (a schema's description) is inert too
    nodes = tab.evaluate(card("send:/game:hostile") + ".querySelectorAll('.md-unsafe-link').length")
    assert nodes >= 4


# -- error acks, unions ----------------------------------------------------------------------


def test_error_acks_are_described_once_and_linked(tab: Page, base: str) -> None:
    open_page(tab, base + "/chat/asyncapi")
    described = tab.evaluate(
        "Array.from(document.querySelectorAll('#error-acks .error-ack'), e => e.id)"
    )
    assert described == ["error-ack:SioSpecValidationError", "error-ack:SioSpecInternalError"]
    # the detail schema appears in the error-ack section only
    holders = tab.evaluate(
        "Array.from(document.querySelectorAll('.prop, .type'))"
        ".filter(e => e.textContent.indexOf('SioSpecErrorDetail') >= 0)"
        ".map(e => e.closest('.event').id)"
    )
    assert holders and set(holders) == {"error-ack:SioSpecValidationError"}
    links = tab.evaluate(card("send:/chat:join") + ".querySelectorAll('a.error-ack-link').length")
    assert links == 2
    tab.evaluate(card("send:/chat:join") + ".querySelector('a.error-ack-link').click()")
    tab.wait("location.hash === '#error-ack%3ASioSpecValidationError'")
    assert tab.evaluate("document.querySelector(':target').id") == (
        "error-ack:SioSpecValidationError"
    )


def test_union_members_are_named_as_the_document_names_them(tab: Page, base: str) -> None:
    open_page(tab, base + "/chat/asyncapi")
    ack = card("send:/chat:send") + ".querySelectorAll('.args')[1]"
    text = tab.evaluate(ack + ".textContent")
    assert "Posted" in text and "NotInRoom" in text
    labels = tab.evaluate(f"Array.from({ack}.querySelectorAll('.member-name'), e => e.textContent)")
    assert labels == ["Posted", "NotInRoom"]
    assert "or 1" not in text and "or 2" not in text
    open_page(tab, base + "/reading/asyncapi")
    ack = card("send:/game:move") + ".querySelectorAll('.args')[1]"
    labels = tab.evaluate(f"Array.from({ack}.querySelectorAll('.member-name'), e => e.textContent)")
    assert labels == ["Posted", "Occupied"]


# -- filter, console, phone ------------------------------------------------------------------


def visible_headings(tab: Page) -> list[str]:
    return tab.evaluate(
        "Array.from(document.querySelectorAll('#docs h2, #docs h3.group'))"
        ".filter(h => h.offsetParent !== null).map(h => h.textContent)"
    )


def test_a_filter_leaves_no_empty_heading(tab: Page, base: str) -> None:
    open_page(tab, base + "/reading/asyncapi")
    everything = visible_headings(tab)
    assert any("/other" in h for h in everything)
    filter_events(tab, "no-such-event-zz")
    assert visible_headings(tab) == []
    assert tab.evaluate("document.getElementById('no-match').offsetParent !== null")
    assert tab.evaluate(
        "Array.from(document.querySelectorAll('#nav-list > li')).every(li => li.hidden)"
    )
    filter_events(tab, "look")
    shown = visible_headings(tab)
    assert shown == ["#Namespace /other", "Client → server events", "#Error acknowledgements"]
    assert tab.evaluate("document.getElementById('no-match').offsetParent === null")
    filter_events(tab, "")
    assert visible_headings(tab) == everything


def test_the_console_opens_on_the_first_documented_namespace(tab: Page, base: str) -> None:
    open_page(tab, base + "/chat/asyncapi")
    first = tab.evaluate("document.querySelector('#docs section.namespace h2 code').textContent")
    assert first == "/admin"  # the chat example's document lists /admin, then /chat
    tab.evaluate("document.getElementById('console-toggle').click()")
    assert tab.evaluate("document.getElementById('console-namespace').value") == first
    assert set(
        tab.evaluate("Array.from(document.getElementById('console-event').options, o => o.value)")
    ) == {"stats", "announce", ""}
    tab.evaluate(
        "var s = document.getElementById('console-namespace'); s.value = '/chat';"
        " s.dispatchEvent(new Event('change'))"
    )
    events = tab.evaluate(
        "Array.from(document.getElementById('console-event').options, o => o.value)"
    )
    assert set(events[:-1]) == {"join", "leave", "send", "typing", "upload"}
    assert events[-1] == ""  # "other event..." last
    options = tab.evaluate(
        "Array.from(document.getElementById('console-namespace').options, o => o.value)"
    )
    assert options == ["/admin", "/chat", "/"]
    assert "username" in tab.evaluate("document.getElementById('console-auth').value")


def test_at_phone_width_the_event_list_is_folded(tab: Page, base: str) -> None:
    phone(tab)
    try:
        tab.goto(base + "/chat/asyncapi", ready=READY)
        listed = "getComputedStyle(document.getElementById('nav-list')).display"
        assert tab.evaluate(listed) == "none"
        toggle = "document.getElementById('nav-toggle')"
        count = tab.evaluate("document.querySelectorAll('#nav-list .nav-ev').length")
        assert tab.evaluate(toggle + ".textContent") == f"Events ({count})"
        # the first event card starts on the first screen
        top = tab.evaluate("document.querySelector('section.event').getBoundingClientRect().top")
        assert top < 844
        tab.evaluate(toggle + ".click()")
        assert tab.evaluate(listed) == "block"
        assert tab.evaluate(toggle + ".getAttribute('aria-expanded')") == "true"
        tab.evaluate("document.querySelector('#nav-list .nav-ev a').click()")
        assert tab.evaluate(listed) == "none"
    finally:
        desktop(tab)
    tab.goto(base + "/chat/asyncapi", ready=READY)
    assert tab.evaluate("getComputedStyle(document.getElementById('nav-list')).display") != "none"
    assert tab.evaluate("getComputedStyle(document.getElementById('nav-toggle')).display") == "none"


def test_a_pathological_description_renders(tab: Page, base: str) -> None:
    """Unclosed and deeply nested delimiters render as text; the page does not stall."""
    open_page(tab, base + "/reading/asyncapi")
    text = tab.evaluate(card("send:/game:pathological") + ".querySelector('.md').textContent")
    assert text.count("[x") == 20000
    assert tab.evaluate(card("send:/game:pathological") + ".querySelectorAll('ul').length") >= 1
    assert not [line for line in tab.logs() if "exception" in line]

"""The final server of the sio-asyncapi blog post, with only its imports changed
(``examples/tictactoe/app.py``), runs on sio-spec: a game is played with a real
client, invalid moves are answered by the server's own ``default_error_handler``,
and its document passes the official AsyncAPI parser."""

from __future__ import annotations

import importlib.util
import queue
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import socketio
from support.external import asyncapi_validate
from support.servers import run_flask_socketio, url

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "examples" / "tictactoe" / "app.py"
# shared/ lies beside the repository (a developer's checkout and CI's clone alike)
SEEDS = [
    ROOT.parent / "shared" / "seed" / "sio-asyncapi-blog.md",
    Path("/work/shared/seed/sio-asyncapi-blog.md"),
]


def load_example(path: Path) -> ModuleType:
    """Import an example by file path under a fresh module name."""
    name = f"example_{path.parent.name}_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


@pytest.fixture(scope="module")
def tictactoe() -> Iterator[ModuleType]:
    module = load_example(APP)
    yield module
    sys.modules.pop(module.__name__, None)


@pytest.fixture(scope="module")
def server_url(tictactoe: ModuleType) -> Iterator[str]:
    with run_flask_socketio(tictactoe.app, tictactoe.socketio) as port:
        yield url(port)


@pytest.fixture
def client(server_url: str) -> Iterator[tuple[socketio.Client, queue.Queue[tuple[str, Any]]]]:
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    sio = socketio.Client(reconnection=False)
    sio.on("*", lambda event, *args: events.put((event, args)))
    sio.connect(server_url, transports=["websocket"], wait_timeout=5)
    try:
        yield sio, events
    finally:
        sio.disconnect()


def next_event(events: queue.Queue[tuple[str, Any]]) -> tuple[str, Any]:
    return events.get(timeout=5)


def test_only_the_import_lines_differ_from_the_blog_post() -> None:
    seed = next((p for p in SEEDS if p.exists()), None)
    if seed is None:
        pytest.skip("the seed post is not on this machine")
    text = seed.read_text(encoding="utf-8")
    final = text[text.index("### Final Code and Specification") :]
    start = final.index("```python\n") + len("```python\n")
    original = final[start : final.index("```\n", start)].splitlines()
    ours = APP.read_text(encoding="utf-8").splitlines()
    removed = [line for line in original if line not in ours]
    added = [line for line in ours if line not in original]
    assert all(
        "sio_asyncapi" in line or line.strip() == "ResponseValidationError)" for line in removed
    ), removed
    assert added == [
        "from sio_spec.flask import AsyncAPISocketIO as SocketIO",
        "from sio_spec import EmitValidationError, RequestValidationError, ResponseValidationError",
    ]


def test_play_a_game_until_a_diagonal_wins(client: Any) -> None:
    sio, events = client
    assert sio.call("create_game", timeout=5) is None
    event, args = next_event(events)
    assert event == "game_created"
    game_id = args[0]["game_id"]
    assert isinstance(game_id, int)

    board_turns = []
    # X (0,0), O (0,1), X (1,1), O (0,2), X (2,2): X completes the diagonal
    for x, y in [(0, 0), (0, 1), (1, 1), (0, 2)]:
        # the handler returns None: the ack is empty, not an ack validation error
        assert sio.call("make_move", {"game_id": game_id, "x": x, "y": y}, timeout=5) is None
        event, args = next_event(events)
        assert event == "move_made"
        board_turns.append(args[0]["board"][x][y])
    assert board_turns == ["X", "O", "X", "O"]

    assert sio.call("make_move", {"game_id": game_id, "x": 2, "y": 2}, timeout=5) is None
    assert next_event(events) == ("game_won", ({"winner": "X"},))


def test_invalid_moves_get_the_error_ack_of_the_servers_own_handler(client: Any) -> None:
    sio, events = client
    missing = sio.call("make_move", {"x": 0, "y": 0}, timeout=5)
    assert set(missing) == {"error"}
    assert "game_id" in missing["error"]
    assert "Field required" in missing["error"]

    secret = "not-a-number-7f3a"
    wrong_type = sio.call("make_move", {"game_id": secret, "x": 0, "y": 0}, timeout=5)
    assert set(wrong_type) == {"error"}
    assert "game_id" in wrong_type["error"]
    assert "integer" in wrong_type["error"]
    assert secret not in wrong_type["error"]  # the client's input is never echoed
    assert events.empty()  # the handler did not run: nothing was emitted


def test_the_document_passes_the_official_parser(tictactoe: ModuleType) -> None:
    text = tictactoe.socketio.asyncapi_doc.get_yaml()
    assert text.startswith("asyncapi: 3.1.0")
    doc = tictactoe.socketio.spec.asyncapi()
    assert doc["info"]["title"] == "Tic-Tac-Toe API"
    assert list(doc["servers"]) == ["TIC_TAC_TOE_BACKEND"]
    # what the server's ``__main__`` writes is the committed, checked document
    assert text == (APP.parent / "chat_gpt_asyncapi.yaml").read_text(encoding="utf-8")
    result = asyncapi_validate(text)
    assert (result.errors, result.warnings) == (0, 0), result.messages("error") + result.messages(
        "warning"
    )


def test_importing_the_example_reports_no_pydantic_deprecations() -> None:
    """The post's ``Field(example=...)`` stays (the document shows its examples), and
    the test configuration keeps pydantic's deprecation of it out of every report."""
    import warnings

    from pydantic import PydanticDeprecatedSince20

    with warnings.catch_warnings(record=True) as caught:
        module = load_example(APP)
    try:
        assert not [w for w in caught if issubclass(w.category, PydanticDeprecatedSince20)]
        document = module.socketio.spec.asyncapi()
        assert document["components"]["schemas"]["MakeMoveData"]["properties"]["x"]["example"] == 0
    finally:
        sys.modules.pop(module.__name__, None)

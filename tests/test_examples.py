"""The examples in ``examples/``: each runs with one command, answers a real client,
serves its docs, and its committed AsyncAPI document is kept honest by
``sio-spec check`` (the drift gate users copy into their CI)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import queue
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests
import socketio
from support.servers import free_port, run_aiohttp, run_asgi, run_wsgi, url, wait_for

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

#: example -> (attribute naming it for the CLI, committed document)
DOCUMENTS = {
    "chat_aiohttp": ("spec", "asyncapi.yaml"),
    "asgi": ("app", "asyncapi.yaml"),
    "plain_wsgi": ("sio", "asyncapi.yaml"),
    "tictactoe": ("socketio", "chat_gpt_asyncapi.yaml"),
}
RUNNABLE = ["chat_aiohttp", "asgi", "plain_wsgi"]


def load(name: str) -> ModuleType:
    """Import ``examples/<name>/app.py`` under a fresh module name (no server starts)."""
    path = EXAMPLES / name / "app.py"
    module_name = f"example_{name}_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def sio_spec_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sio_spec", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


class Recorder:
    """Events received by a client, per namespace."""

    def __init__(self, client: socketio.Client, namespace: str) -> None:
        self.items: queue.Queue[tuple[str, tuple[Any, ...]]] = queue.Queue()
        client.on("*", lambda event, *args: self.items.put((event, args)), namespace=namespace)

    def next(self) -> tuple[str, tuple[Any, ...]]:
        return self.items.get(timeout=5)


def client_for(
    base: str, namespace: str = "/", auth: Any = None
) -> tuple[socketio.Client, Recorder]:
    client = socketio.Client(reconnection=False)
    recorder = Recorder(client, namespace)
    client.connect(
        base, namespaces=[namespace], auth=auth, transports=["websocket"], wait_timeout=5
    )
    return client, recorder


def check_docs(base: str, spec: Any) -> None:
    page = requests.get(f"{base}/asyncapi", timeout=5)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    document = requests.get(f"{base}/asyncapi.json", timeout=5)
    assert document.status_code == 200
    assert document.json() == spec.asyncapi()
    text = requests.get(f"{base}/asyncapi.yaml", timeout=5)
    assert text.status_code == 200 and text.text.rstrip("\n") == spec.to_yaml().rstrip("\n")


# -- the committed documents -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_committed_document_is_current(name: str) -> None:
    attr, document = DOCUMENTS[name]
    result = sio_spec_cli("check", f"examples/{name}/app.py:{attr}", f"examples/{name}/{document}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stderr


def test_check_fails_with_a_diff_when_the_document_is_stale(tmp_path: Path) -> None:
    stale = tmp_path / "asyncapi.yaml"
    current = (EXAMPLES / "plain_wsgi" / "asyncapi.yaml").read_text(encoding="utf-8")
    stale.write_text(
        current.replace("title: Counter API", "title: Old Counter API"), encoding="utf-8"
    )
    result = sio_spec_cli("check", "examples/plain_wsgi/app.py:sio", str(stale))
    assert result.returncode == 1
    assert "-  title: Old Counter API" in result.stdout
    assert "+  title: Counter API" in result.stdout


# -- one command each ------------------------------------------------------------------------


@pytest.mark.parametrize("name", RUNNABLE)
def test_runs_with_one_command_and_prints_the_docs_url(name: str) -> None:
    port = free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, str(EXAMPLES / name / "app.py"), "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        docs = f"http://127.0.0.1:{port}/asyncapi"
        assert line == f"AsyncAPI docs: {docs}"

        def served() -> requests.Response | None:
            if proc.poll() is not None:
                raise AssertionError(f"{name} exited with {proc.returncode}")
            try:
                return requests.get(f"{docs}.json", timeout=2)
            except requests.ConnectionError:
                return None

        response = wait_for(served, timeout=20, interval=0.1)
        assert response.status_code == 200
        assert response.json()["asyncapi"] == "3.0.0"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def test_examples_import_without_starting_a_server() -> None:
    for name in DOCUMENTS:
        code = (
            f"import runpy, sys; runpy.run_path({str(EXAMPLES / name / 'app.py')!r}, "
            "run_name='imported'); print('imported')"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().endswith("imported")


# -- chat on aiohttp -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chat() -> Iterator[tuple[ModuleType, str]]:
    module = load("chat_aiohttp")
    with run_aiohttp(module.app) as port:
        yield module, url(port)


def test_chat_rooms_messages_typing_and_uploads(chat: tuple[ModuleType, str]) -> None:
    _, base = chat
    ada, ada_events = client_for(base, "/chat", {"username": "ada"})
    bob, bob_events = client_for(base, "/chat", {"username": "bob"})
    try:
        assert ada.call("join", {"room": "general"}, namespace="/chat", timeout=5) == {
            "room": "general",
            "members": 1,
        }
        assert bob.call("join", {"room": "general"}, namespace="/chat", timeout=5) == {
            "room": "general",
            "members": 2,
        }

        ack = ada.call("send", {"room": "general", "text": "hello"}, namespace="/chat", timeout=5)
        event, (message,) = bob_events.next()
        assert event == "message"
        assert message["id"] == ack["id"]
        assert (message["room"], message["author"], message["text"]) == ("general", "ada", "hello")
        assert isinstance(message["sent_at"], str)  # the datetime went out as ISO text
        assert ada_events.next()[0] == "message"  # the author is in the room too

        assert ada.call(
            "send", {"room": "elsewhere", "text": "hi"}, namespace="/chat", timeout=5
        ) == {"error": "not_in_room"}

        # an event with two arguments
        bob.emit("typing", ("general", True), namespace="/chat")
        assert ada_events.next() == (
            "typing",
            ({"room": "general", "username": "bob", "active": True},),
        )

        # a file name and raw bytes
        content = bytes(range(256)) * 4
        assert ada.call("upload", ("notes.bin", content), namespace="/chat", timeout=5) == {
            "filename": "notes.bin",
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        }
        rejected = ada.call("upload", ("notes.bin", "not bytes"), namespace="/chat", timeout=5)
        assert rejected["error"] == "validation_error"
        assert [d["loc"] for d in rejected["detail"]] == [[1]]
    finally:
        ada.disconnect()
        bob.disconnect()


def test_chat_connect_auth_is_validated(chat: tuple[ModuleType, str]) -> None:
    _, base = chat
    client = socketio.Client(reconnection=False)
    refused: queue.Queue[Any] = queue.Queue()
    client.on("connect_error", refused.put, namespace="/chat")
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            base,
            namespaces=["/chat"],
            auth={"username": "not valid!"},
            transports=["websocket"],
            wait_timeout=5,
        )
    data = refused.get(timeout=5)
    assert data["message"] == "validation_error"
    assert data["data"]["detail"][0]["loc"] == ["username"]
    client.disconnect()


def test_chat_admin_namespace(chat: tuple[ModuleType, str]) -> None:
    module, base = chat
    carol, carol_events = client_for(base, "/chat", {"username": "carol"})
    admin, _ = client_for(base, "/admin", {"token": module.ADMIN_TOKEN})
    try:
        carol.call("join", {"room": "ops"}, namespace="/chat", timeout=5)
        stats = admin.call("stats", namespace="/admin", timeout=5)
        assert stats["users"] >= 1 and stats["rooms"]["ops"] == 1
        assert (
            admin.call("announce", {"text": "maintenance at noon"}, namespace="/admin", timeout=5)
            is None
        )
        event, (announcement,) = carol_events.next()
        assert event == "announcement" and announcement["text"] == "maintenance at noon"
    finally:
        carol.disconnect()
        admin.disconnect()


def test_chat_docs(chat: tuple[ModuleType, str]) -> None:
    module, base = chat
    check_docs(base, module.spec)
    channels = module.spec.asyncapi()["channels"]
    assert {c["address"] for c in channels.values()} == {"/admin", "/chat"}


# -- ASGI under uvicorn, next to Starlette -----------------------------------------------------


def test_asgi_example() -> None:
    module = load("asgi")
    with run_asgi(module.app) as port:
        base = url(port)
        client, events = client_for(base)
        try:
            note = client.call("add_note", {"title": "Groceries", "tags": ["home"]}, timeout=5)
            assert note["title"] == "Groceries" and note["id"] >= 1
            assert events.next() == ("note_added", (note,))
            assert client.call("list_notes", "home", timeout=5) == [note]
            assert client.call("list_notes", "work", timeout=5) == []
            bad = client.call("add_note", {"title": ""}, timeout=5)
            assert bad["error"] == "validation_error"
            assert client.call("delete_note", {"id": note["id"]}, timeout=5) == {"deleted": True}
        finally:
            client.disconnect()
        # Starlette still serves its own routes
        assert requests.get(f"{base}/notes", timeout=5).json() == []
        check_docs(base, module.spec)


# -- plain WSGI, threaded ----------------------------------------------------------------------


def test_plain_wsgi_example() -> None:
    module = load("plain_wsgi")
    with run_wsgi(module.app) as port:
        base = url(port)
        client, events = client_for(base)
        try:
            assert client.call("increment", {"name": "visits", "by": 2}, timeout=5) == {
                "name": "visits",
                "value": 2,
            }
            assert events.next() == ("counter_changed", ({"name": "visits", "value": 2},))
            assert client.call("get", "visits", timeout=5) == {"name": "visits", "value": 2}
            bad = client.call("increment", {"name": "visits", "by": 0}, timeout=5)
            assert bad["detail"][0]["loc"] == ["by"]
            assert client.call("reset", "visits", timeout=5) == {"name": "visits", "value": 0}
        finally:
            client.disconnect()
        check_docs(base, module.spec)
        assert requests.get(f"{base}/elsewhere", timeout=5).status_code == 404

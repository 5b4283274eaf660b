"""sio_spec.testing: in-process TestClient / AsyncTestClient on real python-socketio servers."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
from typing import Any

import pytest
import socketio
from pydantic import BaseModel
from socketio.exceptions import ConnectionRefusedError as Refused

from sio_spec import (
    AckValidationError,
    EmitValidationError,
    RemoteInternalError,
    SocketIOSpec,
    SpecError,
)
from sio_spec.testing import AsyncTestClient, Received, TestClient

#: python-socketio 5.12 added disconnect reasons and names failed namespaces.
REASONS = hasattr(socketio.Server, "reason")
CLIENT_LEFT = "client disconnect" if REASONS else None
SERVER_LEFT = "server disconnect" if REASONS else None
FAILED = "One or more namespaces failed to connect"


class Move(BaseModel):
    game_id: int
    x: int


class MoveAck(BaseModel):
    accepted: bool


class News(BaseModel):
    title: str


class Token(BaseModel):
    token: str


def make_server(**options: Any) -> socketio.Server:
    sio = socketio.Server(async_mode="threading", namespaces="*", **options)
    log: list[tuple[str, Any]] = []
    sio.log = log  # type: ignore[attr-defined]

    @sio.event
    def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> Any:
        log.append(("connect", sid))
        if auth == {"deny": True}:
            raise Refused("denied", {"reason": "told to"})
        if auth == {"false": True}:
            return False
        return None

    @sio.event
    def disconnect(sid: str, reason: str | None = None) -> None:
        log.append(("disconnect", reason))  # python-socketio < 5.12 gives no reason

    @sio.event
    def add(sid: str, data: dict[str, int]) -> int:
        total = data["a"] + data["b"]
        sio.emit("sum", total, to=sid)
        return total

    @sio.event
    def join(sid: str, room: str) -> str:
        sio.enter_room(sid, room)
        return "joined"

    @sio.event
    def shout(sid: str, room: str, text: str) -> None:
        sio.emit("shouted", (text, room), to=room, skip_sid=sid)

    @sio.event
    def everyone(sid: str, text: str) -> None:
        sio.emit("all", text)

    @sio.event
    def ask(sid: str, question: str) -> Any:
        return sio.call("question", question, to=sid, timeout=5)

    @sio.event
    def pair(sid: str, a: int, b: str) -> tuple[int, str]:
        return a * 2, b.upper()

    @sio.event
    def blob(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        sio.emit("blob_back", {"data": data["data"][::-1], "more": [b"\x00", b"\xff"]}, to=sid)
        return {"size": len(data["data"]), "raw": data["data"]}

    @sio.event
    def boom(sid: str) -> None:
        raise RuntimeError("handler failed")

    @sio.event
    def kick(sid: str) -> None:
        sio.disconnect(sid)

    @sio.event
    def where(sid: str) -> dict[str, Any]:
        env = sio.get_environ(sid)
        return {
            "path": env["PATH_INFO"],
            "query": env["QUERY_STRING"],
            "agent": env.get("HTTP_USER_AGENT"),
            "custom": env.get("custom.key"),
        }

    @sio.on("hello", namespace="/chat")
    def chat_hello(sid: str, name: str) -> str:
        return f"hello {name} on /chat"

    return sio


@pytest.fixture(params=[True, False], ids=["async_handlers", "inline_handlers"])
def sio(request: pytest.FixtureRequest) -> socketio.Server:
    return make_server(async_handlers=request.param)


@pytest.fixture
def client(sio: socketio.Server) -> Any:
    with TestClient(sio) as client:
        client.connect()
        yield client


# -- life cycle ------------------------------------------------------------------------------


def test_connect_call_emit_received_disconnect(sio: Any) -> None:
    client = TestClient(sio)
    assert not client.connected
    client.connect(namespaces=["/", "/chat"])
    assert client.connected
    assert client.sid is not None
    assert client.get_sid("/") != client.get_sid("/chat")
    assert sio.manager.is_connected(client.get_sid("/"), "/")
    assert client.call("add", {"a": 2, "b": 3}) == 5
    assert client.call("hello", "ann", namespace="/chat") == "hello ann on /chat"
    assert client.received() == [Received("sum", [5], "/")]
    assert client.received() == []
    client.emit("add", {"a": 1, "b": 1})
    assert client.received("/chat") == []
    assert client.received("/") == [("sum", [2], "/")]
    client.disconnect()
    assert not client.connected
    assert ("disconnect", CLIENT_LEFT) in sio.log
    assert sio.eio.sockets == {}
    assert "start_background_task" not in sio.__dict__


def test_already_connected_and_bad_namespace(client: Any) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError, match="Already connected"):
        client.connect()
    with pytest.raises(socketio.exceptions.BadNamespaceError):
        client.emit("hello", "x", namespace="/chat")


def test_client_handlers_and_server_call(client: Any, sio: Any) -> None:
    seen: list[Any] = []
    client.on("question", lambda q: (seen.append(q), q + "!")[1])
    if not sio.async_handlers:
        # python-socketio refuses call() without async handlers; the test sees it
        with pytest.raises(RuntimeError, match="async_handlers is False"):
            client.call("ask", "why?")
        return
    assert client.call("ask", "why?") == "why?!"
    assert seen == ["why?"]
    # the test thread calls the client directly
    assert sio.call("question", "direct?", to=client.get_sid()) == "direct?!"


def test_multiple_arguments_and_binary(client: Any) -> None:
    assert client.call("pair", (21, "ab")) == (42, "AB")
    data = bytes(range(256))
    assert client.call("blob", {"data": data}) == {"size": 256, "raw": data}
    assert client.received() == [
        ("blob_back", [{"data": data[::-1], "more": [b"\x00", b"\xff"]}], "/")
    ]


def test_rooms_broadcast_skip_sid(sio: Any) -> None:
    with TestClient(sio) as a, TestClient(sio) as b, TestClient(sio) as c:
        for x in (a, b, c):
            x.connect()
        assert a.call("join", "r1") == "joined"
        assert b.call("join", "r1") == "joined"
        a.emit("shout", ("r1", "hi"))
        assert b.received() == [("shouted", ["hi", "r1"], "/")]
        assert a.received() == []
        assert c.received() == []
        c.emit("everyone", "news")
        for x in (a, b, c):
            assert x.received() == [("all", ["news"], "/")]


def test_connect_refused_with_server_data(sio: Any) -> None:
    errors: list[Any] = []
    with TestClient(sio) as client:
        client.on("connect_error", lambda *args: errors.append(args))
        with pytest.raises(socketio.exceptions.ConnectionError) as info:
            client.connect(auth={"deny": True})
        assert str(info.value) == (f"{FAILED}: /" if REASONS else FAILED)
        assert errors == [({"message": "denied", "data": {"reason": "told to"}},)]
        assert not client.connected
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(auth={"false": True})
        assert errors[-1] == ({"message": "Connection rejected by server"},)
        client.connect()  # the same client connects afterwards
        assert client.call("add", {"a": 1, "b": 0}) == 1
    assert sio.eio.sockets == {}


def test_server_disconnect_reaches_client(client: Any, sio: Any) -> None:
    reasons: list[str | None] = []
    client.on("disconnect", lambda reason=None: reasons.append(reason))
    client.emit("kick")
    client.received()
    assert not client.connected
    assert reasons == [SERVER_LEFT]
    assert ("disconnect", SERVER_LEFT) in sio.log


def test_server_disconnect_from_test_code(client: Any, sio: Any) -> None:
    sio.disconnect(client.get_sid())
    client.received()
    assert not client.connected
    assert ("disconnect", SERVER_LEFT) in sio.log


def test_server_exceptions_are_raised_in_the_test(client: Any) -> None:
    with pytest.raises(RuntimeError, match="handler failed"):
        client.call("boom")
    assert client.call("add", {"a": 1, "b": 1}) == 2  # the connection is still usable


def test_server_exceptions_can_be_logged_instead(
    sio: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with TestClient(sio, raise_server_exceptions=False) as client:
        client.connect()
        with pytest.raises(socketio.exceptions.TimeoutError):
            client.call("boom", timeout=0.2)
        assert client.call("add", {"a": 1, "b": 1}) == 2


def test_environ_from_url_headers_and_options(sio: Any) -> None:
    with TestClient(
        sio, headers={"User-Agent": "pytest"}, environ={"custom.key": 7}, query_string="a=1"
    ) as client:
        client.connect("http://example.org/?room=3", socketio_path="/ws")
        info = client.call("where")
    assert info["path"] == "/ws/"
    assert info["query"].startswith("room=3&a=1&")
    assert info["agent"] == "pytest"
    assert info["custom"] == 7


def test_accepts_wsgi_app_and_spec() -> None:
    sio = make_server()
    spec = SocketIOSpec(sio)
    for target in (socketio.WSGIApp(sio), spec):
        with TestClient(target) as client:
            client.connect()
            assert client.call("add", {"a": 1, "b": 2}) == 3
            assert client.server is sio


def test_wrong_targets() -> None:
    with pytest.raises(TypeError, match="AsyncTestClient"):
        TestClient(socketio.AsyncServer())
    with pytest.raises(TypeError, match="use TestClient"):
        AsyncTestClient(socketio.Server())
    with pytest.raises(TypeError, match=r"expected a socketio\.Server"):
        TestClient(object())
    with pytest.raises(SpecError, match="not attached"):
        TestClient(SocketIOSpec())
    with pytest.raises(SpecError, match="validate=True"):
        TestClient(socketio.Server(), validate=True)


def test_works_next_to_a_real_socket_client() -> None:
    from support.servers import run_wsgi, url

    sio = make_server()
    with run_wsgi(socketio.WSGIApp(sio)) as port:
        real = socketio.Client(reconnection=False)
        got = threading.Event()
        real.on("shouted", lambda *args: got.set())
        real.connect(url(port), transports=["websocket"])
        try:
            real.call("join", "lobby")
            with TestClient(sio) as client:
                client.connect()
                client.call("join", "lobby")
                client.emit("shout", ("lobby", "to the socket"))
                assert got.wait(5)
                real.emit("shout", ("lobby", "to the test client"))
                real.call("add", {"a": 0, "b": 0})  # the server handled the shout
                client.received()
        finally:
            real.disconnect()


# -- a spec attached --------------------------------------------------------------------------


def spec_server(server_validates: bool = True) -> tuple[socketio.Server, SocketIOSpec]:
    sio = socketio.Server(async_mode="threading")
    spec = SocketIOSpec(sio, validate=server_validates)
    spec.emits("news", News)

    @sio.event
    def connect(sid: str, environ: Any, auth: Token) -> None:
        pass

    @sio.event
    def move(sid: str, move: Move) -> MoveAck:
        return MoveAck(accepted=move.x >= 0)

    @sio.event
    def bad_ack(sid: str, move: Move) -> MoveAck:
        return {"accepted": "not a bool"}  # type: ignore[return-value]

    @sio.event
    def publish(sid: str, title: Any) -> None:
        sio.emit("news", {"title": title}, to=sid)

    return sio, spec


def test_spec_validation_errors_reach_the_client_unvalidated_client() -> None:
    sio, _ = spec_server()
    with TestClient(sio) as client:
        client.connect(auth={"token": "t"})
        assert client.call("move", {"game_id": 1, "x": 2}) == {"accepted": True}
        error = client.call("move", {"game_id": "nope"})
        assert error["error"] == "validation_error"
        assert {tuple(d["loc"]) for d in error["detail"]} == {("game_id",), ("x",)}
    errors: list[Any] = []
    with TestClient(sio) as client:
        client.on("connect_error", lambda *args: errors.append(args))
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(auth={"wrong": 1})
    assert errors[0][0]["message"] == "validation_error"
    assert errors[0][0]["data"]["detail"][0]["loc"] == ["token"]


def test_validate_checks_what_the_client_sends() -> None:
    sio, _ = spec_server()
    with TestClient(sio, validate=True) as client:
        with pytest.raises(EmitValidationError) as info:
            client.connect(auth={"wrong": 1})
        assert info.value.event == "connect"
        assert not client.connected
        client.connect(auth=Token(token="t"))  # models are serialized
        with pytest.raises(EmitValidationError) as info:
            client.emit("move", {"game_id": "x", "x": 1})
        assert info.value.errors()[0]["loc"] == ["game_id"]
        assert client.call("move", Move(game_id=1, x=-1)) == MoveAck(accepted=False)


def test_validate_checks_what_the_client_receives(caplog: pytest.LogCaptureFixture) -> None:
    sio, _ = spec_server(server_validates=False)
    with TestClient(sio, validate=True) as client:
        client.connect(auth={"token": "t"})
        seen: list[Any] = []
        client.on("news", lambda *args: seen.append(args))
        client.emit("publish", "fine")
        assert client.received() == [("news", [{"title": "fine"}], "/")]
        with caplog.at_level(logging.WARNING, logger="sio_spec"):
            with pytest.raises(EmitValidationError) as info:
                client.emit("publish", ["not", "a", "title"])
        assert info.value.event == "news"
        # the handler got the server's model, and never the invalid event
        assert seen == [(News(title="fine"),)]
        assert client.received() == [("news", [{"title": ["not", "a", "title"]}], "/")]
        with pytest.raises(AckValidationError):
            client.call("bad_ack", {"game_id": 1, "x": 1})
    # a validating server answers an invalid ack with its error ack: part of the contract
    sio, _ = spec_server(server_validates=True)
    with TestClient(sio, validate=True) as client:
        client.connect(auth={"token": "t"})
        with caplog.at_level(logging.CRITICAL, logger="sio_spec"):
            with pytest.raises(RemoteInternalError):
                client.call("bad_ack", {"game_id": 1, "x": 1})


# -- Flask-SocketIO --------------------------------------------------------------------------


def make_flask() -> tuple[Any, Any]:
    import flask
    from flask_socketio import SocketIO, emit, join_room

    app = flask.Flask(__name__)
    app.config["SECRET_KEY"] = "test"
    socketio_ext = SocketIO(app, async_mode="threading")

    @app.route("/login")
    def login() -> str:
        flask.session["user"] = "ann"
        return "ok"

    @socketio_ext.on("connect")
    def on_connect(auth: Any) -> Any:
        if auth == {"deny": True}:
            return False
        flask.session["auth"] = auth
        return None

    @socketio_ext.on("whoami")
    def whoami() -> dict[str, Any]:
        return {
            "sid": flask.request.sid,  # type: ignore[attr-defined]
            "user": flask.session.get("user"),
            "auth": flask.session.get("auth"),
            "room": flask.request.args.get("room"),
        }

    @socketio_ext.on("join")
    def join(room: str) -> None:
        join_room(room)
        emit("joined", room, to=room, include_self=False)

    return app, socketio_ext


def test_flask_socketio_request_context_and_session() -> None:
    app, socketio_ext = make_flask()
    flask_client = app.test_client()
    flask_client.get("/login")
    with TestClient(app, flask_test_client=flask_client) as client:
        client.connect("http://localhost/?room=9", auth={"k": 1})
        info = client.call("whoami")
    assert info == {"sid": info["sid"], "user": "ann", "auth": {"k": 1}, "room": "9"}
    assert info["sid"]
    with TestClient(socketio_ext) as a, TestClient(socketio_ext) as b:
        a.connect()
        b.connect()
        a.emit("join", "r")
        b.emit("join", "r")
        assert a.received() == [("joined", ["r"], "/")]
        assert b.received() == []
        with TestClient(socketio_ext) as refused:
            with pytest.raises(socketio.exceptions.ConnectionError):
                refused.connect(auth={"deny": True})


# -- AsyncServer -------------------------------------------------------------------------------


def make_async_server() -> socketio.AsyncServer:
    sio = socketio.AsyncServer(async_mode="asgi")

    @sio.event
    async def connect(sid: str, environ: Any, auth: Any) -> None:
        if auth == {"deny": True}:
            raise Refused("denied", {"reason": "async"})

    @sio.event
    async def echo(sid: str, *args: Any) -> Any:
        await asyncio.sleep(0.01)  # the handler task yields before it answers
        await sio.emit("echoed", args, to=sid)
        return args

    @sio.event
    async def join(sid: str, room: str) -> None:
        await sio.enter_room(sid, room)

    @sio.event
    async def shout(sid: str, room: str, text: str) -> None:
        await sio.emit("shouted", text, to=room, skip_sid=sid)

    @sio.event
    async def ask(sid: str, question: str) -> Any:
        return await sio.call("question", question, to=sid, timeout=5)

    @sio.event
    async def boom(sid: str) -> None:
        raise RuntimeError("async handler failed")

    @sio.event
    async def scope(sid: str) -> Any:
        return sio.get_environ(sid)["asgi.scope"]["path"]

    return sio


def test_async_client() -> None:
    async def main() -> None:
        sio = make_async_server()
        errors: list[Any] = []
        async with AsyncTestClient(socketio.ASGIApp(sio)) as a, AsyncTestClient(sio) as b:
            a.on("connect_error", lambda *args: errors.append(args))
            with pytest.raises(socketio.exceptions.ConnectionError):
                await a.connect(auth={"deny": True})
            assert errors == [({"message": "denied", "data": {"reason": "async"}},)]
            await a.connect()
            await b.connect()
            assert await a.call("echo", (1, b"\x01", {"k": [b"\x02"]})) == (
                1,
                b"\x01",
                {"k": [b"\x02"]},
            )
            assert await a.received() == [("echoed", [1, b"\x01", {"k": [b"\x02"]}], "/")]
            await a.emit("echo", "no ack")  # emit waits for the handler task
            assert await a.received() == [("echoed", ["no ack"], "/")]
            await a.emit("join", "r")
            await b.emit("join", "r")
            await a.emit("shout", ("r", "hey"))
            assert await b.received() == [("shouted", ["hey"], "/")]
            assert await a.received() == []

            async def answer(question: str) -> str:
                return question.upper()

            b.on("question", answer)
            assert await b.call("ask", "what") == "WHAT"
            with pytest.raises(RuntimeError, match="async handler failed"):
                await b.call("boom")
            assert await b.call("scope") == "/socket.io/"
            await sio.disconnect(b.get_sid())
            await b.received()
            assert not b.connected
        assert sio.eio.sockets == {}
        assert "start_background_task" not in sio.__dict__

    asyncio.run(main())


def test_import_pulls_no_web_framework() -> None:
    # python-socketio's own package imports the aiohttp client library for its
    # AsyncClient; sio_spec.testing adds no framework to what socketio imports
    code = (
        "import sys, socketio\n"
        "before = set(sys.modules)\n"
        "import sio_spec.testing\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "bad = new & {'flask', 'aiohttp', 'uvicorn', 'starlette', 'werkzeug'}\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- the documentation's pytest examples, run as written ----------------------------------------

CHAT_ASGI = """
import socketio
from pydantic import BaseModel
from sio_spec import SocketIOSpec


class Auth(BaseModel):
    token: str


class Joined(BaseModel):
    room: str
    members: int


class Say(BaseModel):
    room: str
    text: str


sio = socketio.AsyncServer(async_mode="asgi")
spec = SocketIOSpec(sio, title="chat")
spec.emits("said", Say)
app = socketio.ASGIApp(sio)


@sio.event
async def connect(sid: str, environ: dict, auth: Auth) -> None:
    if auth.token != "secret":
        raise socketio.exceptions.ConnectionRefusedError("bad token")


@sio.event
async def join(sid: str, room: str) -> Joined:
    await sio.enter_room(sid, room)
    return Joined(room=room, members=len(sio.manager.rooms["/"][room]))


@sio.event
async def say(sid: str, message: Say) -> None:
    await sio.emit("said", message, to=message.room, skip_sid=sid)
"""

CHAT_FLASK = """
from flask import Flask, request
from flask_socketio import ConnectionRefusedError, SocketIO, emit, join_room, leave_room

app = Flask(__name__)
socketio = SocketIO(app, async_mode="threading")


@socketio.on("connect")
def connect(auth):
    if (auth or {}).get("token") != "secret":
        raise ConnectionRefusedError("bad token")


@socketio.on("join")
def join(room):
    join_room(room)
    return {"room": room, "members": len(socketio.server.manager.rooms["/"][room])}


@socketio.on("leave")
def leave(room):
    answer = socketio.call("confirm", f"leave {room}?", to=request.sid)
    leave_room(room)
    emit("left", room)
    return {"left": room, "confirmed": answer}
"""


def readme_block(first_line: str) -> str:
    from pathlib import Path

    page = Path(__file__).resolve().parent.parent / "docs" / "topics" / "testing.rst"
    text = page.read_text(encoding="utf-8")
    start = text.index("    " + first_line + "\n")
    lines = []
    for line in text[start:].splitlines():
        if line and not line.startswith("    "):
            break
        lines.append(line[4:])
    return "\n".join(lines).strip() + "\n"


def test_readme_pytest_examples(tmp_path: Any) -> None:
    import os

    (tmp_path / "chat.py").write_text(CHAT_ASGI)
    (tmp_path / "chat_flask.py").write_text(CHAT_FLASK)
    (tmp_path / "test_chat.py").write_text(readme_block("# test_chat.py"))
    (tmp_path / "test_chat_flask.py").write_text(readme_block("# test_chat_flask.py"))
    root = str(__import__("pathlib").Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), root]))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "."],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout, result.stdout


def test_connect_handler_exception_is_raised_by_connect() -> None:
    sio = socketio.Server(async_mode="threading")

    @sio.event
    def connect(sid: str, environ: Any) -> None:
        raise LookupError("no such user")

    with TestClient(sio) as client:
        with pytest.raises(LookupError, match="no such user"):
            client.connect()
        assert not client.connected
    assert sio.eio.sockets == {}

    asio = socketio.AsyncServer(async_mode="asgi")

    @asio.event
    async def connect(sid: str, environ: Any) -> None:  # noqa: F811
        raise LookupError("no such async user")

    async def main() -> None:
        async with AsyncTestClient(asio) as client:
            with pytest.raises(LookupError, match="no such async user"):
                await client.connect()
            assert not client.connected
        assert asio.eio.sockets == {}

    asyncio.run(main())


def test_namespace_refusal_and_unknown_namespace() -> None:
    sio = make_server()
    sio.namespaces = ["/"]  # no catch-all: only namespaces with handlers
    errors: list[Any] = []
    with TestClient(sio) as client:
        client.on("connect_error", lambda *args: errors.append(args), namespace="/nowhere")
        with pytest.raises(socketio.exceptions.ConnectionError, match=FAILED):
            client.connect(namespaces=["/", "/nowhere"])
        assert errors == [("Unable to connect",)]
        assert not client.connected

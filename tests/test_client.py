"""``ClientSpec``: python-socketio clients held to the server's contract, over loopback.

The server (uvicorn ASGI, and Flask-SocketIO for the document fetched from a running
server) records what reaches its handlers, so "nothing was sent" is proved on the
server side. A second copy of the same server runs with validation off, to play a
server that breaks its own contract.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import socketio
from pydantic import BaseModel, Field, field_validator
from support.servers import run_asgi, run_flask_socketio, url, wait_for

from sio_spec import (
    AckValidationError,
    ClientAckValidationError,
    ClientSpec,
    EmitValidationError,
    RemoteValidationError,
    SocketIOSpec,
)
from sio_spec.web import asgi_docs, wsgi_docs

TIMEOUT = 5


class Auth(BaseModel):
    token: str = Field(min_length=3)


class Move(BaseModel):
    game_id: int
    x: int = Field(ge=0, le=2)


class MoveAck(BaseModel):
    accepted: bool
    note: str = ""


class Named(BaseModel):
    name: str

    @field_validator("name")
    @classmethod
    def not_forbidden(cls, value: str) -> str:
        # a rule only the server's code knows: documents cannot carry it
        if value == "forbidden":
            raise ValueError("this name is reserved")
        return value


class Note(BaseModel):
    """An ack whose fields are all optional: an error ack would fit it too."""

    error: str | None = None


class News(BaseModel):
    title: str
    count: int


class Question(BaseModel):
    text: str


class Answer(BaseModel):
    choice: int


def build_server(validate: bool) -> tuple[Any, SocketIOSpec, dict[str, list[Any]]]:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio, title="Game", version="1.0.0", validate=validate)
    spec.emits("news", News)
    spec.emits("ask", Question, ack=Answer)
    seen: dict[str, list[Any]] = {"connect": [], "move": [], "named": [], "pair": [], "asked": []}

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Auth) -> None:
        seen["connect"].append(auth)

    @sio.on("move")
    async def move(sid: str, move: Move) -> MoveAck:
        seen["move"].append(move)
        return MoveAck(accepted=True)

    @sio.on("named")
    async def named(sid: str, data: Named) -> None:
        seen["named"].append(data)

    @sio.on("named_note")
    async def named_note(sid: str, data: Named) -> Note:
        seen["named"].append(data)
        return Note()

    @sio.on("pair")
    async def pair(sid: str, a: int, b: str = "x") -> str:
        seen["pair"].append((a, b))
        return f"{a}{b}"

    @sio.on("blob")
    async def blob(sid: str, data: bytes) -> int:
        return len(data)

    @sio.on("send_news")
    async def send_news(sid: str, news: dict[str, Any]) -> None:
        await sio.emit("news", news, to=sid)

    @sio.on("ask_me")
    async def ask_me(sid: str) -> None:
        try:
            answer = await sio.call("ask", Question(text="?"), to=sid, timeout=TIMEOUT)
            seen["asked"].append(answer)
        except ClientAckValidationError as err:
            seen["asked"].append(("rejected", err.errors()))

    return sio, spec, seen


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, Any]]:
    sio, spec, seen = build_server(validate=True)
    loose_sio, _, loose_seen = build_server(validate=False)
    app = socketio.ASGIApp(sio, other_asgi_app=asgi_docs(spec))
    with run_asgi(app) as port, run_asgi(socketio.ASGIApp(loose_sio)) as loose_port:
        yield {
            "url": url(port),
            "spec": spec,
            "seen": seen,
            "loose_url": url(loose_port),
            "loose_seen": loose_seen,
        }


@pytest.fixture(autouse=True)
def _clear(servers: dict[str, Any]) -> None:
    for table in (servers["seen"], servers["loose_seen"]):
        for values in table.values():
            values.clear()


async def connected(
    servers: dict[str, Any], source: Any = None, *, loose: bool = False
) -> tuple[socketio.AsyncClient, ClientSpec]:
    client = socketio.AsyncClient()
    checked = ClientSpec(client, servers["spec"] if source is None else source)
    target = servers["loose_url"] if loose else servers["url"]
    await client.connect(target, auth={"token": "abcd"}, transports=["websocket"])
    return client, checked


def test_shared_spec_call_returns_models_and_serializes(servers: dict[str, Any]) -> None:
    async def main() -> None:
        client, _ = await connected(servers)
        try:
            ack = await client.call("move", Move(game_id=1, x=2), timeout=TIMEOUT)
            assert ack == MoveAck(accepted=True)
            assert await client.call("pair", (3, "y"), timeout=TIMEOUT) == "3y"
            assert await client.call("blob", b"\x00\x01\x02", timeout=TIMEOUT) == 3
        finally:
            await client.disconnect()

    asyncio.run(main())
    assert servers["seen"]["move"] == [Move(game_id=1, x=2)]
    assert isinstance(servers["seen"]["connect"][0], Auth)


def test_invalid_emits_never_reach_the_server(servers: dict[str, Any]) -> None:
    async def main() -> None:
        client, _ = await connected(servers)
        try:
            with pytest.raises(EmitValidationError) as raised:
                await client.call("move", {"game_id": "one", "x": 9}, timeout=TIMEOUT)
            assert {tuple(e["loc"]) for e in raised.value.errors()} == {("game_id",), ("x",)}
            with pytest.raises(EmitValidationError):
                await client.emit("pair", ("not a number",))
            with pytest.raises(EmitValidationError):
                await client.emit("pair", (1, "b", "too many"))
            # a valid emit afterwards arrives: the connection is intact
            assert await client.call("pair", 5, timeout=TIMEOUT) == "5x"
        finally:
            await client.disconnect()

    asyncio.run(main())
    assert servers["seen"]["move"] == []
    assert servers["seen"]["pair"] == [(5, "x")]


def test_connect_auth_is_checked_before_connecting(servers: dict[str, Any]) -> None:
    async def main() -> None:
        client = socketio.AsyncClient()
        ClientSpec(client, servers["spec"])
        with pytest.raises(EmitValidationError) as raised:
            await client.connect(servers["url"], auth={"token": "x"}, transports=["websocket"])
        assert raised.value.event == "connect"
        assert not client.connected

    asyncio.run(main())
    assert servers["seen"]["connect"] == []


def test_remote_validation_error_carries_the_server_details(servers: dict[str, Any]) -> None:
    async def main() -> None:
        # from the document: the server's field validator is not in it, so only the
        # server can refuse the name
        client, _ = await connected(servers, servers["spec"].asyncapi())
        try:
            with pytest.raises(RemoteValidationError) as raised:
                await client.call("named", {"name": "forbidden"}, timeout=TIMEOUT)
        finally:
            await client.disconnect()
        err = raised.value
        assert (err.event, err.namespace) == ("named", "/")
        assert [e["loc"] for e in err.errors()] == [["name"]]
        assert "forbidden" not in str(err)

    asyncio.run(main())
    assert servers["seen"]["named"] == []


def test_an_error_ack_is_raised_even_when_the_ack_model_would_accept_it(
    servers: dict[str, Any],
) -> None:
    async def main() -> None:
        client, _ = await connected(servers, servers["spec"].asyncapi())
        try:
            assert await client.call("named_note", {"name": "fine"}, timeout=TIMEOUT) == {
                "error": None
            }
            with pytest.raises(RemoteValidationError) as raised:
                await client.call("named_note", {"name": "forbidden"}, timeout=TIMEOUT)
            assert [e["loc"] for e in raised.value.errors()] == [["name"]]
        finally:
            await client.disconnect()

    asyncio.run(main())


def test_server_events_are_checked_before_handlers(
    servers: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    got: list[Any] = []
    arrived = threading.Event()

    async def main() -> None:
        client = socketio.AsyncClient()

        @client.on("news")
        async def news(item: News) -> None:
            got.append(item)
            arrived.set()

        ClientSpec(client, servers["spec"])
        await client.connect(servers["loose_url"], auth={"token": "abcd"}, transports=["websocket"])
        try:
            # the loose server sends what the contract forbids: dropped, logged
            await client.emit("send_news", {"title": "t", "count": "many"})
            await client.emit("send_news", {"title": "ok", "count": 2})
            for _ in range(100):
                if arrived.is_set():
                    break
                await asyncio.sleep(0.05)
        finally:
            await client.disconnect()

    with caplog.at_level(logging.WARNING, logger="sio_spec.client"):
        asyncio.run(main())
    assert got == [News(title="ok", count=2)]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("news" in r.getMessage() for r in warnings)
    assert not any("many" in r.getMessage() for r in caplog.records)


class StrictAck(BaseModel):
    accepted: bool
    note: str = Field(min_length=5)


def test_ack_outside_the_contract_raises(servers: dict[str, Any]) -> None:
    # a contract that expects more of the ack than the server sends
    sio = socketio.AsyncServer()
    other = SocketIOSpec(sio, title="Game", version="1.0.0")

    @sio.on("move")
    async def move(sid: str, move: Move) -> StrictAck:
        raise AssertionError("never called")

    async def main() -> None:
        client, _ = await connected(servers, other.asyncapi())
        try:
            with pytest.raises(AckValidationError) as raised:
                await client.call("move", {"game_id": 1, "x": 0}, timeout=TIMEOUT)
            assert raised.value.errors()[0]["loc"] == ["note"]
        finally:
            await client.disconnect()

    asyncio.run(main())


def test_client_replies_to_server_calls_are_checked(servers: dict[str, Any]) -> None:
    async def main(answer: Any) -> None:
        client = socketio.AsyncClient()

        @client.on("ask")
        async def ask(question: Question) -> Any:
            assert isinstance(question, Question)
            return answer

        ClientSpec(client, servers["spec"])
        await client.connect(servers["url"], auth={"token": "abcd"}, transports=["websocket"])
        try:
            await client.emit("ask_me")
            await asyncio.to_thread(
                wait_for, lambda: bool(servers["seen"]["asked"]), timeout=TIMEOUT
            )
        finally:
            await client.disconnect()

    asyncio.run(main(Answer(choice=2)))
    assert servers["seen"]["asked"] == [Answer(choice=2)]
    servers["seen"]["asked"].clear()
    asyncio.run(main({"choice": "first"}))
    # the invalid reply was not sent: the server got the client's internal_error ack
    [(what, errors)] = servers["seen"]["asked"]
    assert what == "rejected"
    assert [e["loc"] for e in errors] == [["choice"]]  # {"error": "internal_error", ...}


def test_document_from_a_running_server(servers: dict[str, Any]) -> None:
    async def main() -> None:
        client = socketio.AsyncClient()
        checked = ClientSpec.from_url(client, servers["url"] + "/asyncapi.json")
        assert checked.contract.title == "Game"
        await client.connect(servers["url"], auth={"token": "abcd"}, transports=["websocket"])
        try:
            ack = await client.call("move", {"game_id": 4, "x": 1}, timeout=TIMEOUT)
            assert ack == {"accepted": True, "note": ""}
            with pytest.raises(EmitValidationError):
                await client.emit("move", {"game_id": 4, "x": 7})
        finally:
            await client.disconnect()

    asyncio.run(main())
    assert servers["seen"]["move"] == [Move(game_id=4, x=1)]


def test_a_client_held_to_a_document_sends_models_serialized(
    servers: dict[str, Any],
) -> None:
    async def main() -> None:
        client, _ = await connected(servers, servers["spec"].asyncapi())
        try:
            ack = await client.call("move", Move(game_id=5, x=0), timeout=TIMEOUT)
            assert ack == {"accepted": True, "note": ""}
            with pytest.raises(EmitValidationError):
                await client.emit("move", Move.model_construct(game_id=5, x=9))
        finally:
            await client.disconnect()

    asyncio.run(main())
    assert servers["seen"]["move"] == [Move(game_id=5, x=0)]


def test_detach_restores_the_client(servers: dict[str, Any]) -> None:
    async def main() -> None:
        client = socketio.AsyncClient()
        before = {name: client.__dict__.get(name) for name in ("emit", "call", "connect")}
        checked = ClientSpec(client, servers["spec"])
        checked.detach()
        assert {name: client.__dict__.get(name) for name in before} == before
        await client.connect(servers["url"], auth={"token": "abcd"}, transports=["websocket"])
        try:
            ack = await client.call("move", {"game_id": 1, "x": 9}, timeout=TIMEOUT)
            assert ack["error"] == "validation_error"  # sent unchecked, refused by the server
        finally:
            await client.disconnect()

    asyncio.run(main())


# -- sync clients, Flask-SocketIO ------------------------------------------------------------


@pytest.fixture(scope="module")
def flask_server() -> Iterator[dict[str, Any]]:
    import flask
    from flask_socketio import SocketIO

    app = flask.Flask(__name__)
    socketio_ = SocketIO(app, async_mode="threading")
    spec = SocketIOSpec(socketio_, title="Flask game", version="1.0.0")
    seen: list[Any] = []

    @socketio_.on("move")
    def move(data: Move) -> MoveAck:
        seen.append(data)
        return MoveAck(accepted=data.x == 1)

    app.wsgi_app = wsgi_docs(spec, app.wsgi_app)  # type: ignore[method-assign]
    with run_flask_socketio(app, socketio_) as port:
        yield {"url": url(port), "seen": seen}


def test_sync_client_from_a_flask_socketio_document(flask_server: dict[str, Any]) -> None:
    flask_server["seen"].clear()
    client = socketio.Client()
    ClientSpec.from_url(client, flask_server["url"] + "/asyncapi.yaml")
    client.connect(flask_server["url"], transports=["websocket"])
    try:
        assert client.call("move", {"game_id": 2, "x": 1}, timeout=TIMEOUT) == {
            "accepted": True,
            "note": "",
        }
        with pytest.raises(EmitValidationError):
            client.call("move", {"game_id": 2}, timeout=TIMEOUT)
    finally:
        client.disconnect()
    assert flask_server["seen"] == [Move(game_id=2, x=1)]


def test_simple_client(flask_server: dict[str, Any]) -> None:
    flask_server["seen"].clear()
    with socketio.SimpleClient() as client:
        ClientSpec.from_url(client, flask_server["url"] + "/asyncapi.json")
        client.connect(flask_server["url"], transports=["websocket"])
        with pytest.raises(EmitValidationError):
            client.emit("move", {"x": 1})
        assert client.call("move", {"game_id": 3, "x": 0}, timeout=TIMEOUT)["accepted"] is False
    assert flask_server["seen"] == [Move(game_id=3, x=0)]


class Headline(BaseModel):
    """The same shape as the server's News, but the client's own class."""

    title: str
    count: int


def test_handler_hints_give_the_handlers_own_models_whenever_registered(
    servers: dict[str, Any],
) -> None:
    got: list[Any] = []
    arrived = threading.Event()

    async def main() -> None:
        client = socketio.AsyncClient()
        ClientSpec(client, servers["spec"])  # before the handler exists

        @client.on("news")
        async def news(item: Headline) -> None:
            got.append(item)
            arrived.set()

        await client.connect(servers["url"], auth={"token": "abcd"}, transports=["websocket"])
        try:
            await client.emit("send_news", {"title": "t", "count": 1})
            for _ in range(100):
                if arrived.is_set():
                    break
                await asyncio.sleep(0.05)
        finally:
            await client.disconnect()

    asyncio.run(main())
    assert got == [Headline(title="t", count=1)]

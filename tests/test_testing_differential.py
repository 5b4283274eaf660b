"""Differential proof for sio_spec.testing: every scenario runs twice, once through
the in-process test client and once through a real socket (python-socketio
``Client`` over websocket to uvicorn / Flask-SocketIO), and the outcomes (acks,
events received, connect errors, validation errors) must be identical."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import pytest
import socketio
from pydantic import BaseModel, Field
from socketio.exceptions import ConnectionRefusedError as Refused
from support.servers import run_asgi, run_flask_socketio, url, wait_for

from sio_spec import SocketIOSpec
from sio_spec.testing import AsyncTestClient, TestClient

TIMEOUT = 5
KINDS = ["asgi", "flask"]
MODES = ["in_process", "socket"]


class Token(BaseModel):
    token: str


class Move(BaseModel):
    game_id: int
    x: int = Field(ge=0, le=2)
    y: int = Field(ge=0, le=2)


class MoveAck(BaseModel):
    accepted: bool
    cell: int


class Blob(BaseModel):
    name: str
    data: bytes


def check_auth(auth: Token) -> None:
    if auth.token != "good":
        raise Refused("denied", {"reason": "bad token"})


def move_ack(move: Move) -> MoveAck:
    return MoveAck(accepted=True, cell=move.y * 3 + move.x)


def build(kind: str) -> tuple[Any, Callable[[], contextlib.AbstractContextManager[int]]]:
    """A server of ``kind`` with a spec attached: (test client target, socket runner)."""
    if kind == "asgi":
        sio = socketio.AsyncServer(async_mode="asgi")
        SocketIOSpec(sio, title="differential")

        @sio.event
        async def connect(sid: str, environ: Any, auth: Token) -> None:
            check_auth(auth)

        @sio.event
        async def move(sid: str, move: Move) -> MoveAck:
            return move_ack(move)

        @sio.event
        async def join(sid: str, room: str) -> str:
            await sio.enter_room(sid, room)
            return "joined"

        @sio.event
        async def shout(sid: str, room: str, text: str) -> int:
            await sio.emit("shouted", (text, room), to=room, skip_sid=sid)
            return len(text)

        @sio.event
        async def blob(sid: str, blob: Blob) -> Blob:
            await sio.emit("blob_back", Blob(name=blob.name, data=blob.data[::-1]), to=sid)
            return Blob(name=blob.name.upper(), data=blob.data)

        @sio.event
        async def ask(sid: str, question: str) -> str:
            reply = await sio.call("question", question, to=sid, timeout=TIMEOUT)
            return f"server heard {reply}"

        @sio.event
        async def pair(sid: str, a: int, b: str) -> tuple[int, str]:
            return a * 2, b.upper()

        @sio.event
        async def mark(sid: str) -> None:
            await sio.emit("marked", to=sid)

        app = socketio.ASGIApp(sio)
        return sio, lambda: run_asgi(app)

    import flask
    from flask_socketio import SocketIO, join_room

    flask_app = flask.Flask(__name__)
    ext = SocketIO(flask_app, async_mode="threading")
    SocketIOSpec(ext, title="differential")

    def sid() -> str:
        return flask.request.sid  # type: ignore[attr-defined,no-any-return]

    @ext.on("connect")
    def f_connect(auth: Token) -> None:
        check_auth(auth)

    @ext.on("move")
    def f_move(move: Move) -> MoveAck:
        return move_ack(move)

    @ext.on("join")
    def f_join(room: str) -> str:
        join_room(room)
        return "joined"

    @ext.on("shout")
    def f_shout(room: str, text: str) -> int:
        ext.emit("shouted", (text, room), to=room, skip_sid=sid())
        return len(text)

    @ext.on("blob")
    def f_blob(blob: Blob) -> Blob:
        ext.emit("blob_back", Blob(name=blob.name, data=blob.data[::-1]), to=sid())
        return Blob(name=blob.name.upper(), data=blob.data)

    @ext.on("ask")
    def f_ask(question: str) -> str:
        reply = ext.call("question", question, to=sid(), timeout=TIMEOUT)
        return f"server heard {reply}"

    @ext.on("pair")
    def f_pair(a: int, b: str) -> tuple[int, str]:
        return a * 2, b.upper()

    @ext.on("mark")
    def f_mark() -> None:
        ext.emit("marked", to=sid())

    return flask_app, lambda: run_flask_socketio(flask_app, ext)


# -- one client API over both transports ---------------------------------------------------------


class LoopThread:
    """An event loop in a thread, for driving AsyncTestClient from sync scenarios."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(30)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


class Conn:
    """A connected-or-not client, the same for the test client and a real socket.

    Events are recorded by a catch-all handler, in both modes; ``events()`` first
    does a round trip that ends with a ``marked`` event, so everything the server
    sent before it has arrived (a real socket delivers in order)."""

    def __init__(self, raw: Any, loop: LoopThread | None, port: int | None) -> None:
        self.raw = raw
        self.loop = loop
        self.port = port
        self.records: list[tuple[str, str, list[Any]]] = []
        self.connect_errors: list[tuple[Any, ...]] = []
        raw.on("*", self._record)  # every scenario event is in namespace "/"
        raw.on("connect_error", lambda *args: self.connect_errors.append(args))

    def _record(self, event: str, *args: Any) -> None:
        self.records.append((event, "/", list(args)))

    def _do(self, result: Any) -> Any:
        if self.loop is not None:
            return self.loop.run(result)
        return result

    def on(self, event: str, handler: Callable[..., Any]) -> None:
        self.raw.on(event, handler)

    def connect(self, auth: Any, wait_timeout: float = TIMEOUT) -> None:
        if self.port is None:
            self._do(self.raw.connect(auth=auth, wait_timeout=wait_timeout))
        else:
            self.raw.connect(
                url(self.port), transports=["websocket"], auth=auth, wait_timeout=wait_timeout
            )

    def call(self, event: str, data: Any = None) -> Any:
        return self._do(self.raw.call(event, data, timeout=TIMEOUT))

    def events(self) -> list[tuple[str, str, list[Any]]]:
        marks = sum(1 for r in self.records if r[0] == "marked")
        self.call("mark")
        wait_for(
            lambda: sum(1 for r in self.records if r[0] == "marked") > marks,
            timeout=TIMEOUT,
            message="no mark came back",
        )
        out = [r for r in self.records if r[0] != "marked"]
        self.records = []
        return out

    @property
    def connected(self) -> bool:
        return bool(self.raw.connected)

    def disconnect(self) -> None:
        self._do(self.raw.disconnect())


class Transport:
    def __init__(self, kind: str, mode: str) -> None:
        self.kind = kind
        self.mode = mode
        self.target, runner = build(kind)
        self.port: int | None = None
        self.loop: LoopThread | None = None
        self._stack = contextlib.ExitStack()
        if mode == "socket":
            self.port = self._stack.enter_context(runner())
        elif kind == "asgi":
            self.loop = LoopThread()
            self._stack.callback(self.loop.close)

    def client(self) -> Conn:
        if self.mode == "socket":
            return Conn(socketio.Client(reconnection=False), None, self.port)
        if self.loop is not None:
            loop = self.loop

            async def make() -> AsyncTestClient:
                return AsyncTestClient(self.target)

            return Conn(loop.run(make()), loop, None)
        return Conn(TestClient(self.target), None, None)

    @contextlib.contextmanager
    def clients(self, count: int, auth: Any = None) -> Iterator[list[Conn]]:
        conns = [self.client() for _ in range(count)]
        try:
            if auth is not None:
                for conn in conns:
                    conn.connect(auth)
            yield conns
        finally:
            for conn in conns:
                if conn.connected:
                    conn.disconnect()

    def close(self) -> None:
        self._stack.close()


@pytest.fixture(scope="module", params=KINDS)
def transports(request: pytest.FixtureRequest) -> Iterator[dict[str, Transport]]:
    made = {mode: Transport(request.param, mode) for mode in MODES}
    try:
        yield made
    finally:
        for transport in made.values():
            transport.close()


GOOD = {"token": "good"}

# -- scenarios: each returns its outcome ----------------------------------------------------------


def valid_call(t: Transport) -> Any:
    with t.clients(1, GOOD) as (a,):
        return a.call("move", {"game_id": 1, "x": 2, "y": 1}), a.events()


def invalid_payload(t: Transport) -> Any:
    with t.clients(1, GOOD) as (a,):
        return (
            a.call("move", {"game_id": "one", "x": 5}),
            a.call("move", "not an object"),
            a.call("move"),
            a.events(),
        )


def connect_refused(t: Transport) -> Any:
    outcomes = []
    for auth in ({"token": "bad"}, {"no_token": 1}, None):
        with t.clients(1) as (a,):
            with pytest.raises(socketio.exceptions.ConnectionError) as info:
                # python-socketio < 5.12 waits the whole wait_timeout after a refusal
                a.connect(auth, wait_timeout=1)
            outcomes.append((str(info.value), a.connect_errors, a.connected))
    return outcomes


def room_broadcast(t: Transport) -> Any:
    with t.clients(3, GOOD) as (a, b, c):
        joined = [a.call("join", "r1"), b.call("join", "r1")]
        acks = [a.call("shout", ("r1", "hello")), c.call("shout", ("r1", "from outside"))]
        return joined, acks, a.events(), b.events(), c.events()


def binary_payload(t: Transport) -> Any:
    data = bytes(range(256)) * 4
    with t.clients(1, GOOD) as (a,):
        return a.call("blob", {"name": "bin", "data": data}), a.events()


def server_calls_client(t: Transport) -> Any:
    with t.clients(1, GOOD) as (a,):
        a.on("question", lambda question: question[::-1])
        return a.call("ask", "abc"), a.events()


def multiple_args(t: Transport) -> Any:
    with t.clients(1, GOOD) as (a,):
        return a.call("pair", (21, "ab")), a.call("pair", (21,)), a.call("pair", ("x", 1))


SCENARIOS: dict[str, Callable[[Transport], Any]] = {
    "valid_call": valid_call,
    "invalid_payload": invalid_payload,
    "connect_refused": connect_refused,
    "room_broadcast": room_broadcast,
    "binary_payload": binary_payload,
    "server_calls_client": server_calls_client,
    "multiple_args": multiple_args,
}

#: What every scenario must produce (on both transports), so identical outcomes
#: cannot come from both sides failing the same way.
EXPECTED_HEADS: dict[str, Callable[[Any], bool]] = {
    "valid_call": lambda o: o == ({"accepted": True, "cell": 5}, []),
    "invalid_payload": lambda o: (
        o[0]["error"] == "validation_error"
        and {tuple(d["loc"]) for d in o[0]["detail"]} == {("game_id",), ("x",), ("y",)}
        and o[2]["detail"][0]["type"] == "missing"
    ),
    "connect_refused": lambda o: (
        o[0][0].startswith("One or more namespaces failed to connect")
        and o[0][1] == [({"message": "denied", "data": {"reason": "bad token"}},)]
        and o[1][1][0][0]["message"] == "validation_error"
        and o[0][2] is False
    ),
    "room_broadcast": lambda o: (
        o[2] == [("shouted", "/", ["from outside", "r1"])]
        and o[3] == [("shouted", "/", ["hello", "r1"]), ("shouted", "/", ["from outside", "r1"])]
        and o[4] == []
    ),
    "binary_payload": lambda o: (
        o[0] == {"name": "BIN", "data": bytes(range(256)) * 4}
        and o[1] == [("blob_back", "/", [{"name": "bin", "data": (bytes(range(256)) * 4)[::-1]}])]
    ),
    "server_calls_client": lambda o: o == ("server heard cba", []),
    "multiple_args": lambda o: (
        o[0] == (42, "AB")
        and o[1]["detail"][0]["loc"] == [1]
        and o[2]["error"] == "validation_error"
    ),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_same_outcome_in_process_and_over_a_socket(
    transports: dict[str, Transport], name: str
) -> None:
    scenario = SCENARIOS[name]
    in_process = scenario(transports["in_process"])
    over_socket = scenario(transports["socket"])
    assert EXPECTED_HEADS[name](over_socket), over_socket
    assert in_process == over_socket

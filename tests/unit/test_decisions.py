"""Typed decisions on the client side and in the Flask drop-in's direct call.

The client finds its handlers the way python-socketio's client does (a handler
source), so a class-based namespace's ``on_<event>`` methods and ``*`` handlers get
their type hints validated too; the drop-in's direct call goes through the same
pipeline steps as a call by the server.
"""

from __future__ import annotations

from typing import Any

import pytest
import socketio
from pydantic import BaseModel

from sio_spec import (
    ClientSpec,
    EmitValidationError,
    RequestValidationError,
    ResponseValidationError,
    SocketIOSpec,
)
from sio_spec.pipeline import Answer, Call, Pass


class Move(BaseModel):
    x: int


class Moved(BaseModel):
    x: int
    seen: bool = False


def server_spec() -> SocketIOSpec:
    spec = SocketIOSpec(socketio.AsyncServer())
    spec.emits("moved", Move)
    spec.emits("moved", Move, namespace="/game")
    return spec


def test_a_class_namespace_handler_gets_its_own_hints_on_the_client() -> None:
    client = socketio.Client()

    class Game(socketio.ClientNamespace):
        def on_moved(self, move: Moved) -> None: ...

    client.register_namespace(Game("/game"))
    pipeline = ClientSpec(client, server_spec()).pipeline
    call = pipeline.before("moved", "/game", ({"x": "3"},))
    assert isinstance(call, Call) and call.args == (Moved(x=3),)


def test_a_catch_all_handler_gets_its_hints_after_the_event_name() -> None:
    client = socketio.Client()

    @client.on("*")
    def anything(event: str, move: Moved) -> None: ...

    pipeline = ClientSpec(client, server_spec()).pipeline
    call = pipeline.before("moved", "/", ({"x": 1},))
    assert isinstance(call, Call) and call.args == (Moved(x=1),)
    answer = pipeline.before("moved", "/", ({"x": "no"},))
    assert isinstance(answer, Answer) and answer.value["error"] == "validation_error"


def test_events_the_client_triggers_itself_pass_through() -> None:
    client = socketio.Client()
    pipeline = ClientSpec(client, server_spec()).pipeline
    for event in ("connect", "connect_error", "disconnect"):
        decision = pipeline.before(event, "/", ("anything",))
        assert isinstance(decision, Pass) and decision.args == ("anything",)


def test_an_emit_outside_the_contract_raises_before_sending() -> None:
    client = socketio.Client()
    sent: list[Any] = []
    client.namespaces = {"/": "sid"}
    client.connected = True
    client.eio.state = "connected"
    client.eio.send = sent.append
    server = server_spec()

    @server.server.on("move")
    async def move(sid: str, move: Move) -> None: ...

    ClientSpec(client, server)
    with pytest.raises(EmitValidationError):
        client.emit("move", {"x": "no"})
    client.emit("move", Move(x=1))
    assert sent == ['2["move",{"x":1}]']


def test_the_flask_drop_in_direct_call_goes_through_the_pipeline() -> None:
    from flask import Flask

    from sio_spec.flask import AsyncAPISocketIO

    sio = AsyncAPISocketIO(Flask(__name__))

    @sio.on("move", get_from_typehint=True)
    def move(data: Move) -> Moved:
        return Moved(x=data.x, seen=True)

    assert move({"x": "2"}) == {"x": 2, "seen": True}
    with pytest.raises(RequestValidationError) as request:
        move({"x": "no"})
    assert request.value.model is Move
    calls: list[Any] = []

    @sio.on("broken", get_from_typehint=True)
    def broken(data: Move) -> Moved:
        calls.append(data)
        return "not a Moved"  # type: ignore[return-value]

    with pytest.raises(ResponseValidationError) as reply:
        broken({"x": 1})
    assert reply.value.model is Moved and calls == [Move(x=1)]


def test_a_declaration_after_the_client_spec_reaches_the_clients_checks() -> None:
    client = socketio.Client()
    client.namespaces = {"/": "sid"}
    client.connected = True
    client.eio.state = "connected"
    client.eio.send = lambda data: None
    server = server_spec()
    ClientSpec(client, server)
    with pytest.raises(EmitValidationError) as unknown:
        client.emit("later", {"x": "no"})  # not described yet
    assert unknown.value.errors()[0]["type"] == "unknown_event"

    async def later(sid: str, move: Move) -> None: ...

    server.on("later")(later)  # a declaration: the client's plans go stale
    with pytest.raises(EmitValidationError) as invalid:
        client.emit("later", {"x": "no"})
    assert invalid.value.errors()[0]["loc"] == ["x"]

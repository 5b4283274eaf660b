"""``spec.emitter(manager)``: emits validated and serialized before the manager
publishes them, on the managers of servers reached through the in-process test
clients (no socket)."""

from __future__ import annotations

import asyncio

import pytest
import socketio
from pydantic import BaseModel

from sio_spec import AsyncEmitter, Emitter, EmitValidationError, SocketIOSpec
from sio_spec.testing import AsyncTestClient, Received, TestClient


class Score(BaseModel):
    points: int


def declared(server: socketio.Server | socketio.AsyncServer, validate: bool = True) -> SocketIOSpec:
    spec = SocketIOSpec(server, validate=validate)
    spec.emits("score", Score)
    spec.emits("message", str)
    return spec


def test_a_synchronous_manager_gets_an_emitter_that_validates() -> None:
    sio = socketio.Server(async_mode="threading")
    emitter = declared(sio).emitter(sio.manager)
    assert type(emitter) is Emitter
    with TestClient(sio) as client:
        client.connect()
        emitter.emit("score", Score(points=3), to=client.get_sid("/"))
        emitter.emit("score", {"points": 4}, room=client.get_sid("/"))
        with pytest.raises(EmitValidationError) as raised:
            emitter.emit("score", {"points": "many"}, to=client.get_sid("/"))
        assert raised.value.event == "score" and raised.value.errors()[0]["loc"] == ["points"]
        emitter.send("hello", to=client.get_sid("/"))
        assert client.received() == [
            Received("score", [{"points": 3}], "/"),
            Received("score", [{"points": 4}], "/"),
            Received("message", ["hello"], "/"),
        ]


def test_skip_sid_and_namespace_reach_the_manager() -> None:
    sio = socketio.Server(async_mode="threading")
    emitter = declared(sio).emitter(sio.manager)
    with TestClient(sio) as first, TestClient(sio) as second:
        first.connect()
        second.connect()
        emitter.emit("score", Score(points=1), skip_sid=first.get_sid("/"))
        assert first.received() == []
        assert second.received() == [Received("score", [{"points": 1}], "/")]


def test_without_validation_models_are_still_serialized() -> None:
    sio = socketio.Server(async_mode="threading")
    emitter = declared(sio, validate=False).emitter(sio.manager)
    with TestClient(sio) as client:
        client.connect()
        emitter.emit("score", {"points": "many"}, to=client.get_sid("/"))  # not checked
        emitter.emit("score", Score(points=2), to=client.get_sid("/"))
        assert client.received() == [
            Received("score", [{"points": "many"}], "/"),
            Received("score", [{"points": 2}], "/"),
        ]


def test_an_asynchronous_manager_gets_an_emitter_whose_methods_await() -> None:
    async def main() -> None:
        sio = socketio.AsyncServer(async_mode="asgi")
        emitter = declared(sio).emitter(sio.manager)
        assert type(emitter) is AsyncEmitter
        async with AsyncTestClient(sio) as client:
            await client.connect()
            await emitter.emit("score", Score(points=5), to=client.get_sid("/"))
            with pytest.raises(EmitValidationError):
                await emitter.emit("score", {"points": None}, to=client.get_sid("/"))
            await emitter.send("hi", to=client.get_sid("/"))
            assert await client.received() == [
                Received("score", [{"points": 5}], "/"),
                Received("message", ["hi"], "/"),
            ]

    asyncio.run(main())

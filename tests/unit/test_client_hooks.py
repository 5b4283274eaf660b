"""The hooks a ``ClientSpec`` installs on python-socketio's four clients, on
clients that never connect: what is checked before anything would be sent, what
reaches the handlers, and how detach unwinds."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
import socketio
from pydantic import BaseModel

from sio_spec import ClientSpec, EmitValidationError, SocketIOSpec, ValidationError
from sio_spec._socketio_internals import TRIGGER_EVENT, trigger_event


class Move(BaseModel):
    x: int


class Score(BaseModel):
    points: int


class Token(BaseModel):
    token: str


def server_spec() -> SocketIOSpec:
    sio = socketio.Server(async_mode="threading")
    spec = SocketIOSpec(sio)

    @spec.event
    def connect(sid: str, environ: dict[str, Any], auth: Token) -> None: ...

    @spec.event
    def move(sid: str, data: Move) -> bool:
        return True

    spec.emits("score", Score)
    return spec


@pytest.fixture(params=["spec", "document"])
def source(request: pytest.FixtureRequest) -> Any:
    spec = server_spec()
    return spec if request.param == "spec" else spec.asyncapi()


def test_emits_calls_and_auth_are_checked_before_anything_is_sent(source: Any) -> None:
    client = socketio.Client()
    ClientSpec(client, source)
    with pytest.raises(EmitValidationError) as raised:
        client.emit("move", {"x": "left"})
    assert raised.value.event == "move" and raised.value.errors()[0]["loc"] == ["x"]
    with pytest.raises(EmitValidationError):
        client.call("move", {"x": None})
    with pytest.raises(EmitValidationError) as refused:
        client.connect("http://127.0.0.1:9", auth={"token": 5})
    assert refused.value.event == "connect"
    # valid: handed to python-socketio, which refuses to send on a closed client
    with pytest.raises(socketio.exceptions.BadNamespaceError):
        client.emit("move", {"x": 1})


def test_server_events_reach_handlers_as_models_or_not_at_all(
    source: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = socketio.Client()
    invalid: list[ValidationError] = []
    ClientSpec(client, source, on_invalid_event=invalid.append)
    seen: list[Any] = []

    @client.on("score")
    def score(data: Score) -> None:
        seen.append(data)

    dispatch = trigger_event(client)
    dispatch("score", "/", {"points": 2})
    with caplog.at_level(logging.WARNING, logger="sio_spec.client"):
        dispatch("score", "/", {"points": "two"})
    assert seen == [Score(points=2)]
    assert [(e.event, e.errors()[0]["loc"]) for e in invalid] == [("score", ["points"])]
    assert "score" in caplog.text and "two" not in caplog.text


def test_detach_restores_the_client() -> None:
    client = socketio.Client()
    before = set(client.__dict__)
    attached = ClientSpec(client, server_spec())
    assert TRIGGER_EVENT in client.__dict__
    attached.detach()
    assert set(client.__dict__) == before
    with pytest.raises(socketio.exceptions.BadNamespaceError):
        client.emit("move", {"x": "left"})  # not checked any more
    ClientSpec(client, server_spec()).detach()  # attachable again


def test_a_second_client_spec_is_refused() -> None:
    from sio_spec import SpecError

    client = socketio.Client()
    ClientSpec(client, server_spec())
    with pytest.raises(SpecError, match="already has a ClientSpec"):
        ClientSpec(client, server_spec())


def test_the_async_client_is_checked_the_same_way() -> None:
    async def main() -> None:
        client = socketio.AsyncClient()
        invalid: list[ValidationError] = []
        ClientSpec(client, server_spec(), on_invalid_event=invalid.append)
        seen: list[Any] = []

        @client.on("score")
        async def score(data: Score) -> None:
            seen.append(data)

        with pytest.raises(EmitValidationError):
            await client.emit("move", {"x": "left"})
        with pytest.raises(EmitValidationError):
            await client.call("move", {"x": "left"})
        with pytest.raises(EmitValidationError):
            await client.connect("http://127.0.0.1:9", auth={"token": 5})
        await trigger_event(client)("score", "/", {"points": 3})
        await trigger_event(client)("score", "/", {"points": []})
        assert seen == [Score(points=3)] and len(invalid) == 1

    asyncio.run(main())


def test_the_simple_clients_check_what_they_send() -> None:
    # (a valid emit would wait for a connection: the simple clients block until one)
    simple = socketio.SimpleClient()
    ClientSpec(simple, server_spec())
    with pytest.raises(EmitValidationError):
        simple.emit("move", {"x": "left"})
    with pytest.raises(EmitValidationError):
        simple.call("move", {"x": "left"})

    async def main() -> None:
        simple = socketio.AsyncSimpleClient()
        ClientSpec(simple, server_spec())
        with pytest.raises(EmitValidationError):
            await simple.emit("move", {"x": "left"})
        with pytest.raises(EmitValidationError):
            await simple.call("move", {"x": "left"})

    asyncio.run(main())

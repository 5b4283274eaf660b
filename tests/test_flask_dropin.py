"""``sio_spec.flask.AsyncAPISocketIO``: sio-asyncapi's API on the sio-spec core,
exercised with a real Flask-SocketIO server and a real python-socketio client."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import flask
import pytest
import socketio
from flask_socketio import emit
from pydantic import BaseModel, Field
from support.servers import run_flask_socketio, url

from sio_spec import EmitValidationError, RequestValidationError, ResponseValidationError
from sio_spec.flask import AsyncAPISocketIO


class Move(BaseModel):
    game_id: int
    x: int = Field(ge=0, le=2)
    y: int = Field(ge=0, le=2)


class MoveAck(BaseModel):
    accepted: bool
    note: str | None = None


class Board(BaseModel):
    cells: list[str]


class Seen:
    """What server-side handlers observed, for the test to read."""

    def __init__(self) -> None:
        self.items: queue.Queue[tuple[str, Any]] = queue.Queue()

    def put(self, what: str, value: Any) -> None:
        self.items.put((what, value))

    def get(self) -> tuple[str, Any]:
        return self.items.get(timeout=5)


def build(seen: Seen, **options: Any) -> tuple[flask.Flask, AsyncAPISocketIO]:
    app = flask.Flask(__name__)
    sio = AsyncAPISocketIO(
        app,
        async_mode="threading",
        title="Compat",
        version="2.0.0",
        server_url="http://localhost:5000",
        server_name="BACKEND",
        **options,
    )

    @sio.doc_emit("board", Board)
    @sio.on("hinted", get_from_typehint=True)
    def hinted(move: Move) -> MoveAck:
        seen.put("hinted", move)
        emit("board", {"cells": ["X"] * 9})
        return MoveAck(accepted=True)

    @sio.on("explicit", request_model=Move, response_model=MoveAck)
    def explicit(move):  # type: ignore[no-untyped-def]
        seen.put("explicit", move)
        return {"accepted": move.x == move.y}

    @sio.on("plain")
    def plain(move: Move) -> MoveAck:
        # no get_from_typehint and no models: documented, not validated (sio-asyncapi)
        seen.put("plain", move)
        return "not an ack model"  # type: ignore[return-value]

    @sio.on("bad_ack", request_model=Move, response_model=MoveAck)
    def bad_ack(move):  # type: ignore[no-untyped-def]
        return {"accepted": "maybe"}

    @sio.on("bad_emit", namespace="/game")
    def bad_emit() -> None:
        emit("board", {"cells": "not a list"}, namespace="/game")
        seen.put("after bad emit", None)

    @sio.on("move", namespace="/game", get_from_typehint=True)
    def game_move(move: Move) -> None:
        seen.put("game move", move)

    sio.doc_emit("board", Board, namespace="/game")(bad_emit)
    return app, sio


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def served(seen: Seen) -> Iterator[tuple[AsyncAPISocketIO, str]]:
    app, sio = build(seen)

    @sio.on_error("/game")
    def game_errors(e: Exception) -> Any:
        seen.put("game error", (type(e), flask.request.sid, flask.request.namespace))
        return {"error": str(e), "where": "on_error"}

    @sio.on_error_default
    def default_errors(e: Exception) -> Any:
        seen.put("default error", (type(e), flask.request.sid))
        if isinstance(e, RequestValidationError):
            return {"error": str(e)}
        if isinstance(e, ResponseValidationError):
            return {"error": "server bug"}
        raise e

    with run_flask_socketio(app, sio) as port:
        yield sio, url(port)


def connect(base: str, namespaces: list[str] | None = None) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    received: queue.Queue[tuple[str, Any]] = queue.Queue()
    client.on("*", lambda event, *args: received.put((event, args)))
    client.on("*", lambda event, *args: received.put((event, args)), namespace="/game")
    client.received = received  # type: ignore[attr-defined]
    client.connect(base, transports=["websocket"], namespaces=namespaces or ["/"], wait_timeout=5)
    return client


def test_typehint_models_reach_the_handler_as_instances_and_acks_as_objects(
    served: tuple[AsyncAPISocketIO, str], seen: Seen
) -> None:
    _, base = served
    client = connect(base)
    try:
        ack = client.call("hinted", {"game_id": 3, "x": "1", "y": 2}, timeout=5)
        assert ack == {"accepted": True, "note": None}  # an object, not a JSON string
        what, move = seen.get()
        assert what == "hinted" and move == Move(game_id=3, x=1, y=2)
        assert client.received.get(timeout=5) == ("board", ({"cells": ["X"] * 9},))
    finally:
        client.disconnect()


def test_explicit_request_and_response_models(
    served: tuple[AsyncAPISocketIO, str], seen: Seen
) -> None:
    _, base = served
    client = connect(base)
    try:
        assert client.call("explicit", {"game_id": 1, "x": 2, "y": 2}, timeout=5) == {
            "accepted": True,
            "note": None,
        }
        assert seen.get() == ("explicit", Move(game_id=1, x=2, y=2))
    finally:
        client.disconnect()


def test_without_models_the_handler_is_not_validated(
    served: tuple[AsyncAPISocketIO, str], seen: Seen
) -> None:
    _, base = served
    client = connect(base)
    try:
        assert client.call("plain", {"anything": [1, 2]}, timeout=5) == "not an ack model"
        assert seen.get() == ("plain", {"anything": [1, 2]})
    finally:
        client.disconnect()


def test_request_errors_reach_on_error_default_in_request_context(
    served: tuple[AsyncAPISocketIO, str], seen: Seen
) -> None:
    _, base = served
    client = connect(base)
    try:
        ack = client.call("hinted", {"game_id": "secret-value-42", "x": 9}, timeout=5)
        assert set(ack) == {"error"}
        assert "game_id" in ack["error"] and "y" in ack["error"]
        assert "secret-value-42" not in ack["error"]
        kind, sid = seen.get()[1]
        assert kind is RequestValidationError
        assert sid == client.get_sid("/")
    finally:
        client.disconnect()


def test_ack_errors_reach_the_error_handler(
    served: tuple[AsyncAPISocketIO, str], seen: Seen
) -> None:
    _, base = served
    client = connect(base)
    try:
        assert client.call("bad_ack", {"game_id": 1, "x": 0, "y": 0}, timeout=5) == {
            "error": "server bug"
        }
        assert seen.get()[1] == (ResponseValidationError, client.get_sid("/"))
    finally:
        client.disconnect()


def test_namespace_error_handler_gets_request_and_emit_errors(
    served: tuple[AsyncAPISocketIO, str], seen: Seen
) -> None:
    _, base = served
    client = connect(base, ["/game"])
    try:
        sid = client.get_sid("/game")
        ack = client.call("move", {"game_id": 1, "x": 5, "y": 0}, namespace="/game", timeout=5)
        assert ack["where"] == "on_error" and "x" in ack["error"]
        assert seen.get() == ("game error", (RequestValidationError, sid, "/game"))

        # an emit that does not match doc_emit's model raises in the handler; the
        # namespace's error handler answers, and nothing was sent
        ack = client.call("bad_emit", namespace="/game", timeout=5)
        assert ack["where"] == "on_error" and "cells" in ack["error"]
        assert seen.get() == ("game error", (EmitValidationError, sid, "/game"))
        assert seen.items.empty()  # the handler stopped at the emit
        assert client.received.empty()
    finally:
        client.disconnect()


def test_without_error_handlers_the_standard_error_payload_is_sent(seen: Seen) -> None:
    app, sio = build(seen)
    with run_flask_socketio(app, sio) as port:
        client = connect(url(port))
        try:
            ack = client.call("hinted", {"x": 0, "y": 0}, timeout=5)
            assert ack == {
                "error": "validation_error",
                "message": "invalid payload for event 'hinted'",
                "event": "hinted",
                "namespace": "/",
                "detail": [{"loc": ["game_id"], "msg": "Field required", "type": "missing"}],
            }
        finally:
            client.disconnect()


def test_app_factory_and_validate_false(seen: Seen) -> None:
    sio = AsyncAPISocketIO(validate=False, async_mode="threading")

    @sio.on("hinted", get_from_typehint=True)
    def hinted(move: Move) -> MoveAck:
        seen.put("hinted", move)
        return MoveAck(accepted=False)

    app = flask.Flask(__name__)
    sio.init_app(app)
    assert sio.spec.server is sio.server
    with run_flask_socketio(app, sio) as port:
        client = connect(url(port))
        try:
            # validation is off: the raw payload reaches the handler, and the
            # returned model is still sent as an object
            ack = client.call("hinted", {"x": "nope"}, timeout=5)
            assert ack == {"accepted": False, "note": None}
            assert seen.get() == ("hinted", {"x": "nope"})
        finally:
            client.disconnect()


def test_constructor_arguments_shape_the_spec(seen: Seen) -> None:
    _, sio = build(seen)
    info = sio.spec.info
    assert (info.title, info.version) == ("Compat", "2.0.0")
    assert info.servers == {"BACKEND": "http://localhost:5000"}
    assert sio.spec.validate is True
    assert sio.spec.asyncapi_version == "3.1.0"  # as sio-asyncapi 1.0
    events = {(s.namespace, s.event, s.direction): s for s in sio.spec.specs()}
    assert events[("/", "plain", "receive")].args is None  # documented, no payload
    assert events[("/", "hinted", "receive")].args is not None
    assert events[("/", "board", "send")].args is not None
    assert ("/game", "board", "send") in events
    # a None return is a valid (empty) ack even with an ack model declared
    ack = events[("/", "explicit", "receive")].ack
    assert ack is not None and ack.validate(()) == ()


def test_asyncapi_doc_follows_the_spec(seen: Seen) -> None:
    _, sio = build(seen)
    doc = json.loads(sio.asyncapi_doc.get_json())
    assert doc == sio.spec.asyncapi()
    assert doc["asyncapi"] == "3.1.0"
    assert sio.asyncapi_doc.get_yaml() == sio.spec.to_yaml()
    assert sio.asyncapi_doc.get_yaml("2.6.0").startswith("asyncapi: 2.6.0")


def test_import_sio_spec_does_not_import_flask_socketio() -> None:
    code = (
        "import sys, sio_spec; "
        "print(sorted(m for m in ('flask', 'flask_socketio') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]"

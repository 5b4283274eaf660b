"""Outgoing validation on every kind of server: emit / send / call and client replies.

Failure rows of API.md: an invalid server emit raises ``EmitValidationError`` in the
caller and nothing is sent to anyone; a client's invalid reply makes ``call()`` raise
``ClientAckValidationError`` and keeps a ``callback=`` from being called (logged).
"Nothing sent" is proved by order: the socket delivers in order, so once a valid
emit made *after* the rejected one has arrived, the rejected one would have too.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import socketio
from core_apps import (
    KINDS,
    MARKER,
    WHEN,
    WHEN_ISO,
    App,
    Board,
    MoveAck,
    ack_args,
    connected,
    move_ack,
    recording_client,
    records_text,
)
from pydantic import BaseModel
from support.servers import wait_for

BAD_BOARD = {"cells": [1, MARKER], "turn": 3}
BAD_BOARD_ERRORS = [
    {
        "loc": ["cells", 1],
        "msg": "Input should be a valid integer, unable to parse string as an integer",
        "type": "int_parsing",
    },
    {"loc": ["turn"], "msg": "Input should be a valid string", "type": "string_type"},
]
GOOD_BOARD = {"cells": [1, 2], "turn": "O"}


class Question(BaseModel):
    reply: Any


class Answer(BaseModel):
    choice: int


def emitter_calls(app: App, how: str, sid: str, data: Any) -> list[Any]:
    """The steps of one emit, addressed as ``how`` says."""
    t = app.target
    if how == "to_sid":
        return [(t.emit, ("board", data), {"to": sid})]
    if how == "room":
        return [
            (app.sio.enter_room, (sid, "room1"), {}),
            (t.emit, ("board", data), {"to": "room1"}),
        ]
    if how == "broadcast":
        return [(t.emit, ("board", data), {})]
    if how == "other_namespace":
        return [(t.emit, ("board", data), {"namespace": "/chat"})]
    if how == "send":
        return [(t.send, (data,), {"to": sid})]
    if how == "call":
        return [(t.call, ("board", data), {"to": sid, "timeout": 5})]
    raise ValueError(how)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("how", ["to_sid", "room", "broadcast", "other_namespace", "send", "call"])
def test_invalid_server_emit_raises_in_the_caller_and_sends_nothing(kind: str, how: str) -> None:
    app = App(kind)
    spec = app.spec()
    namespace = "/chat" if how == "other_namespace" else "/"
    event = "message" if how == "send" else "board"
    spec.emits(event, Board, namespace=namespace)
    if how == "other_namespace":
        spec.emits("board", dict[str, str])  # "/" declares something else entirely
    app.on_trigger(lambda sid, data: emitter_calls(app, how, sid, data))

    with app.run() as port:
        sender, got = recording_client()
        other, other_got = recording_client()
        if how == "call":

            def answer(data: Any) -> str:
                got.add("board", "/", (data,))
                return "thanks"

            sender.on("board", answer)
        with (
            connected(port, sender, namespaces=["/", "/chat"]),
            connected(port, other, namespaces=["/", "/chat"]),
        ):
            (report,) = ack_args(sender, "trigger", BAD_BOARD)
            assert report == {
                "raised": "EmitValidationError",
                "event": event,
                "namespace": namespace,
                "errors": BAD_BOARD_ERRORS,
            }
            (report,) = ack_args(sender, "trigger", GOOD_BOARD)
            assert report["raised"] is None
            assert got.wait(event) == [(GOOD_BOARD,)]
            if how in ("broadcast", "other_namespace"):
                assert other_got.wait(event) == [(GOOD_BOARD,)]
                assert other_got.items == [(event, namespace, (GOOD_BOARD,))]
            assert got.items == [(event, namespace, (GOOD_BOARD,))]
            if how == "call":
                assert report["results"] == ["thanks"]


@pytest.mark.parametrize("kind", KINDS)
def test_emits_are_serialized_and_normalized_for_declared_models(kind: str) -> None:
    app = App(kind)
    spec = app.spec()
    spec.emits("ack_like", MoveAck)
    spec.emits("board", Board)
    spec.emits("pair", [Board, int])
    spec.emits("ping", [])
    app.on_trigger(
        lambda sid, data: [
            (app.target.emit, ("ack_like", move_ack()), {"to": sid}),
            (
                app.target.emit,
                ("board", {"cells": ["1", 2.0], "turn": "X", "extra": MARKER}),
                {"to": sid},
            ),
            (app.target.emit, ("pair", (Board(cells=[], turn="X"), "7")), {"to": sid}),
            (app.target.emit, ("ping",), {"to": sid}),
            (app.target.emit, ("free", {"anything": WHEN.isoformat()}), {"to": sid}),
            (app.target.emit, ("model_undeclared", Board(cells=[5], turn="O")), {"to": sid}),
        ]
    )
    app.on_trigger(
        lambda sid, data: [(app.target.emit, ("pair", (GOOD_BOARD, "x")), {})], event="bad_pair"
    )

    with app.run() as port:
        client, got = recording_client()
        with connected(port, client):
            assert ack_args(client, "trigger")[0]["raised"] is None
            got.wait("model_undeclared")
            (report,) = ack_args(client, "bad_pair")
    assert got.items == [
        ("ack_like", "/", ({"accepted": True, "at": WHEN_ISO, "color": "blue"},)),
        ("board", "/", ({"cells": [1, 2], "turn": "X"},)),
        ("pair", "/", ({"cells": [], "turn": "X"}, 7)),
        ("ping", "/", ()),
        ("free", "/", ({"anything": WHEN.isoformat()},)),
        ("model_undeclared", "/", ({"cells": [5], "turn": "O"},)),
    ]
    assert report["raised"] == "EmitValidationError"
    assert report["errors"] == [
        {
            "loc": [1],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "type": "int_parsing",
        }
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_strict_emits_rejects_undeclared_events(kind: str) -> None:
    app = App(kind)
    spec = app.spec(strict_emits=True)
    spec.emits("declared", Board)
    app.on_trigger(lambda sid, data: [(app.target.emit, (data, GOOD_BOARD), {"to": sid})])

    with app.run() as port:
        client, got = recording_client()
        with connected(port, client):
            (report,) = ack_args(client, "trigger", "undeclared")
            assert report["raised"] == "EmitValidationError"
            assert report["event"] == "undeclared"
            assert report["errors"][0]["type"] == "undeclared_event"
            assert ack_args(client, "trigger", "declared")[0]["raised"] is None
            got.wait("declared")
    assert got.events() == ["declared"]


@pytest.mark.parametrize("kind", KINDS)
def test_invalid_client_reply_to_call_raises_client_ack_validation_error(kind: str) -> None:
    app = App(kind)
    spec = app.spec()
    spec.emits("ask", Question, ack=Answer)
    app.on_trigger(
        lambda sid, data: [(app.target.call, ("ask", {"reply": data}), {"to": sid, "timeout": 5})]
    )

    with app.run() as port:
        client = socketio.Client(reconnection=False)
        client.on("ask", lambda question: question["reply"])
        with connected(port, client):
            (report,) = ack_args(client, "trigger", {"choice": MARKER})
            assert report == {
                "raised": "ClientAckValidationError",
                "event": "ask",
                "namespace": "/",
                "errors": [
                    {
                        "loc": ["choice"],
                        "msg": "Input should be a valid integer, "
                        "unable to parse string as an integer",
                        "type": "int_parsing",
                    }
                ],
            }
            (report,) = ack_args(client, "trigger", {"choice": "3"})
            assert report == {
                "raised": None,
                "results": [{"type": "Answer", "value": {"choice": 3}}],
            }


@pytest.mark.parametrize("kind", KINDS)
def test_invalid_client_reply_to_a_callback_is_logged_and_the_callback_not_called(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sio_spec")
    app = App(kind)
    spec = app.spec()
    spec.emits("ask", Question, ack=Answer)
    answers: list[tuple[Any, ...]] = []

    def callback(*args: Any) -> None:
        answers.append(args)

    app.on_trigger(
        lambda sid, data: [
            (app.target.emit, ("ask", {"reply": data}), {"to": sid, "callback": callback})
        ]
    )

    with app.run() as port:
        client = socketio.Client(reconnection=False)
        client.on("ask", lambda question: question["reply"])
        with connected(port, client):
            assert ack_args(client, "trigger", {"choice": MARKER})[0]["raised"] is None
            record = wait_for(lambda: [r for r in caplog.records if r.name == "sio_spec"])[0]
            assert record.levelno >= logging.WARNING
            assert "ask" in record.getMessage()
            assert answers == []
            assert ack_args(client, "trigger", {"choice": 4})[0]["raised"] is None
            wait_for(lambda: answers)
    assert answers == [(Answer(choice=4),)]
    assert MARKER not in records_text(caplog)


@pytest.mark.parametrize("kind", KINDS)
def test_namespace_class_emit_is_validated(kind: str) -> None:
    app = App(kind)
    spec = app.spec()
    spec.emits("board", Board, namespace="/game")
    reports: list[Any] = []

    def attempt(emit: Any, data: Any) -> Any:
        try:
            return emit("board", data)
        except Exception as err:
            reports.append((type(err).__name__, getattr(err, "errors", list)()))
            return None

    if kind in ("aiohttp", "asgi"):

        class AsyncGame(socketio.AsyncNamespace):
            async def on_play(self, sid: str, data: Any) -> None:
                try:
                    await self.emit("board", data, to=sid)
                except Exception as err:
                    reports.append((type(err).__name__, err.errors()))  # type: ignore[attr-defined]

        app.sio.register_namespace(AsyncGame("/game"))
    elif kind == "wsgi":

        class Game(socketio.Namespace):
            def on_play(self, sid: str, data: Any) -> None:
                attempt(lambda e, d: self.emit(e, d, to=sid), data)

        app.sio.register_namespace(Game("/game"))
    else:
        import flask_socketio

        class FlaskGame(flask_socketio.Namespace):
            def on_play(self, data: Any) -> None:
                attempt(lambda e, d: self.emit(e, d), data)

        app.target.on_namespace(FlaskGame("/game"))

    with app.run() as port:
        client, got = recording_client()
        with connected(port, client, namespaces=["/game"]):
            ack_args(client, "play", BAD_BOARD, namespace="/game")
            ack_args(client, "play", GOOD_BOARD, namespace="/game")
            got.wait("board")
    assert reports == [("EmitValidationError", BAD_BOARD_ERRORS)]
    assert got.items == [("board", "/game", (GOOD_BOARD,))]


def test_flask_socketio_emit_inside_a_handler_is_validated() -> None:
    import flask_socketio

    app = App("flask")
    spec = app.spec()
    spec.emits("board", Board)

    @app.target.on("play")
    def play(data: Any) -> Any:
        try:
            flask_socketio.emit("board", data)
        except Exception as err:
            return {"raised": type(err).__name__, "errors": err.errors()}  # type: ignore[attr-defined]
        return {"raised": None}

    with app.run() as port:
        client, got = recording_client()
        with connected(port, client):
            assert ack_args(client, "play", BAD_BOARD) == (
                {"raised": "EmitValidationError", "errors": BAD_BOARD_ERRORS},
            )
            assert ack_args(client, "play", GOOD_BOARD) == ({"raised": None},)
            got.wait("board")
    assert got.items == [("board", "/", (GOOD_BOARD,))]
    assert MARKER not in json.dumps(got.items)

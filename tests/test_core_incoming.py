"""The incoming rows of API.md's failure table, on every kind of server.

- invalid event payload: handler not called, error payload as ack, INFO log;
- invalid connect ``auth``: connection refused with ``validation_error`` data;
- invalid handler ack: ``internal_error`` ack, ``ResponseValidationError`` at ERROR;
- ``@spec.error_handler`` (global and per namespace) replaces the default;
- error acks and logs never contain client input.
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
    WHEN_ISO,
    App,
    Move,
    MoveAck,
    Strict,
    ack_args,
    connected,
    move_ack,
    records_text,
)
from pydantic import BaseModel

from sio_spec import RequestValidationError, ResponseValidationError, ValidationError

pytestmark = pytest.mark.parametrize("kind", KINDS)


class Token(BaseModel):
    token: str


def sio_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "sio_spec"]


def test_invalid_payload_is_answered_with_the_error_ack_and_the_handler_is_not_called(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sio_spec")
    app = App(kind)
    app.spec()
    seen: list[Any] = []

    @app.on("make_move")
    def make_move(sid: str, move: Move) -> MoveAck:
        seen.append(move)
        return move_ack()

    with app.run() as port, connected(port) as client:
        (ack,) = ack_args(client, "make_move", {"game_id": 1, "x": 7})
        assert seen == []
        assert ack == {
            "error": "validation_error",
            "message": "invalid payload for event 'make_move'",
            "event": "make_move",
            "namespace": "/",
            "detail": [
                {
                    "loc": ["x"],
                    "msg": "Input should be less than or equal to 2",
                    "type": "less_than_equal",
                },
                {"loc": ["y"], "msg": "Field required", "type": "missing"},
            ],
        }
        (info,) = sio_records(caplog)
        assert info.levelno == logging.INFO
        assert "make_move" in info.getMessage()

        # a valid payload reaches the handler as a model instance
        (ack,) = ack_args(client, "make_move", {"game_id": 1, "x": 2, "y": 0})
        assert ack == {"accepted": True, "at": WHEN_ISO, "color": "blue"}
        assert seen == [Move(game_id=1, x=2, y=0)]
        assert type(seen[0]) is Move


def test_error_locations_start_with_the_argument_position_for_several_arguments(kind: str) -> None:
    app = App(kind)
    app.spec()
    seen: list[Any] = []

    @app.on("place")
    def place(sid: str, move: Move, note: str, times: int = 1) -> str:
        seen.append((move, note, times))
        return f"{note}x{times}"

    with app.run() as port, connected(port) as client:
        (ack,) = ack_args(client, "place", {"x": 0, "y": 0}, 5)
        assert ack["error"] == "validation_error"
        assert ack["detail"] == [
            {"loc": [0, "game_id"], "msg": "Field required", "type": "missing"},
            {"loc": [1], "msg": "Input should be a valid string", "type": "string_type"},
        ]
        (ack,) = ack_args(client, "place", {"game_id": 3, "x": 0, "y": 0})
        assert ack["detail"] == [{"loc": [1], "msg": "Field required", "type": "missing"}]
        (ack,) = ack_args(client, "place", {"game_id": 3, "x": 0, "y": 0}, "n", 2, "extra")
        assert ack["detail"] == [
            {"loc": [], "msg": "Expected at most 3 argument(s)", "type": "arguments_count"}
        ]
        assert seen == []
        assert ack_args(client, "place", {"game_id": 3, "x": 0, "y": 1}, "n") == ("nx1",)
        assert ack_args(client, "place", {"game_id": 3, "x": 0, "y": 1}, "n", "4") == ("nx4",)
        assert seen[1] == (Move(game_id=3, x=0, y=1), "n", 4)


def test_invalid_connect_auth_is_refused_with_validation_error_data(kind: str) -> None:
    app = App(kind)
    app.spec()
    seen: list[Any] = []
    if kind == "flask":

        @app.target.on("connect")
        def flask_connect(auth: Token) -> None:
            seen.append(auth)
    else:

        def connect(sid: str, environ: dict[str, Any], auth: Token) -> None:
            seen.append(auth)

        app.sio.on("connect", connect)

    with app.run() as port:
        client = socketio.Client(reconnection=False)
        errors: list[Any] = []

        @client.event
        def connect_error(data: Any) -> None:
            errors.append(data)

        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(
                f"http://127.0.0.1:{port}",
                transports=["websocket"],
                auth={"tok": MARKER},
                wait_timeout=5,
            )
        assert errors == [
            {
                "message": "validation_error",
                "data": {
                    "detail": [{"loc": ["token"], "msg": "Field required", "type": "missing"}]
                },
            }
        ]
        assert MARKER not in json.dumps(errors)
        assert seen == []
        client.disconnect()

        with connected(port, auth={"token": "abc"}) as good:
            assert good.connected
        assert seen == [Token(token="abc")]


def test_invalid_handler_ack_sends_internal_error_and_logs_at_error_with_traceback(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sio_spec")
    app = App(kind)
    app.spec()

    @app.on("bad_ack")
    def bad_ack(sid: str, move: Move) -> MoveAck:
        return {"accepted": MARKER, "at": "never", "color": "green"}  # type: ignore[return-value]

    with app.run() as port, connected(port) as client:
        (ack,) = ack_args(client, "bad_ack", {"game_id": 1, "x": 0, "y": 0})
    assert set(ack) == {"error", "message"}
    assert ack["error"] == "internal_error"
    assert isinstance(ack["message"], str)
    assert MARKER not in json.dumps(ack)
    (record,) = sio_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    err = record.exc_info[1]
    assert isinstance(err, ResponseValidationError)
    assert (err.event, err.namespace) == ("bad_ack", "/")
    assert {tuple(e["loc"]) for e in err.errors()} == {("accepted",), ("at",), ("color",)}
    text = records_text(caplog)
    assert "Traceback" in text
    assert MARKER not in text


def test_error_handler_replaces_the_default_globally_and_per_namespace(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sio_spec")
    app = App(kind)
    spec = app.spec()
    got: list[tuple[str, ValidationError, str]] = []

    @spec.error_handler
    def everywhere(error: ValidationError, sid: str) -> Any:
        got.append(("global", error, sid))
        return {"custom": "global", "n": len(error.errors())}

    @spec.error_handler("/chat")
    def chat_only(error: ValidationError, sid: str) -> Any:
        got.append(("chat", error, sid))
        return ("chat", error.event)

    @app.on("say", namespace="/chat")
    @app.on("say")
    def say(sid: str, item: Strict) -> str:
        return item.name

    with app.run() as port, connected(port, namespaces=["/", "/chat"]) as client:
        bad = {"name": MARKER, "count": MARKER, MARKER: 1}
        assert ack_args(client, "say", bad) == ({"custom": "global", "n": 2},)
        assert ack_args(client, "say", bad, namespace="/chat") == ("chat", "say")
        assert ack_args(client, "say", {"name": "ok", "count": 1}) == ("ok",)
        sids = (client.get_sid("/"), client.get_sid("/chat"))
    assert [(w, sid) for w, _, sid in got] == [("global", sids[0]), ("chat", sids[1])]
    for _, error, _ in got:
        assert isinstance(error, RequestValidationError)
        assert error.event == "say"
        assert error.errors() == [
            {
                "loc": ["count"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "type": "int_parsing",
            },
            {"loc": ["*"], "msg": "Extra inputs are not permitted", "type": "extra_forbidden"},
        ]
        assert MARKER not in repr(error.errors()) + str(error)
    assert [e.namespace for _, e, _ in got] == ["/", "/chat"]
    assert sio_records(caplog) == []  # the default handler (which logs) was replaced


def test_error_acks_and_logs_never_contain_client_input(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sio_spec")
    app = App(kind)
    app.spec()

    @app.on("strict")
    def strict(sid: str, item: Strict, tags: list[int]) -> None:
        raise AssertionError("must not be called")

    with app.run() as port, connected(port) as client:
        (ack,) = ack_args(
            client,
            "strict",
            {"name": MARKER, "count": MARKER, MARKER: MARKER},
            [1, MARKER, {MARKER: MARKER}],
        )
    assert ack["error"] == "validation_error"
    assert MARKER not in json.dumps(ack)
    locs = [d["loc"] for d in ack["detail"]]
    assert locs == [[0, "count"], [0, "*"], [1, 1], [1, 2]]
    for detail in ack["detail"]:
        assert set(detail) == {"loc", "msg", "type"}
    text = records_text(caplog)
    assert "strict" in text
    assert MARKER not in text

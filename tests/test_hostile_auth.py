"""Hostile connect ``auth``: missing, of the wrong type, with extra or wrong fields.

The connection is refused with ``connect_error`` data
``{"message": "validation_error", "data": {"detail": [...]}}``, the connect handler is
not called, the client's values are not echoed, and a user ``@spec.error_handler``
that returns something truthy cannot let the client in.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
import socketio
from pydantic import BaseModel, ConfigDict
from support.servers import run_asgi, run_flask_socketio, url

from sio_spec import SocketIOSpec, ValidationError

MARKER = "AUTH-MARKER-77aa"
TIMEOUT = 5


class Auth(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str
    user_id: int


@contextlib.contextmanager
def serve(kind: str, error_handler: Any = None) -> Iterator[tuple[int, list[Any]]]:
    """A server whose connect handler takes ``auth: Auth``; yields the port and the
    auths the handler accepted."""
    seen: list[Any] = []
    if kind == "asgi":
        sio = socketio.AsyncServer(async_mode="asgi")
        spec = SocketIOSpec(sio)

        async def connect(sid: str, environ: dict[str, Any], auth: Auth) -> None:
            seen.append(auth)

        sio.on("connect", connect)
        server: Any = run_asgi(socketio.ASGIApp(sio))
    else:
        import flask
        from flask_socketio import SocketIO

        app = flask.Flask(__name__)
        sock = SocketIO(app, async_mode="threading")
        spec = SocketIOSpec(sock)

        @sock.on("connect")
        def connect_(auth: Auth) -> None:
            seen.append(auth)

        server = run_flask_socketio(app, sock)
    if error_handler is not None:
        spec.error_handler(error_handler)
    with server as port:
        yield port, seen


def refusal(port: int, auth: Any) -> Any:
    """Connect with ``auth``; returns the ``connect_error`` data (the connection must
    be refused)."""
    client = socketio.Client(reconnection=False)
    errors: list[Any] = []
    client.on("connect_error", errors.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(url(port), transports=["websocket"], auth=auth, wait_timeout=TIMEOUT)
    assert not client.connected
    client.disconnect()
    assert len(errors) == 1
    return errors[0]


def missing(*names: str) -> list[dict[str, Any]]:
    return [{"loc": [n], "msg": "Field required", "type": "missing"} for n in names]


MODEL_TYPE = [
    {
        "loc": [],
        "msg": "Input should be a valid dictionary or model instance",  # no class name
        "type": "model_type",
    }
]
BAD_AUTHS = [
    pytest.param(None, MODEL_TYPE, id="missing"),
    # the python-socketio client sends no auth at all for an empty dict
    pytest.param({}, MODEL_TYPE, id="empty"),
    pytest.param({"user_id": 1}, missing("token"), id="missing-field"),
    pytest.param(MARKER, MODEL_TYPE, id="string"),
    pytest.param([MARKER, 1], MODEL_TYPE, id="list"),
    pytest.param(12345, MODEL_TYPE, id="number"),
    pytest.param(
        {"token": MARKER, "user_id": MARKER},
        [
            {
                "loc": ["user_id"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "type": "int_parsing",
            }
        ],
        id="wrong-field-type",
    ),
    pytest.param(
        {"token": "t", "user_id": 1, MARKER: MARKER, "admin": True},
        [
            {"loc": ["*"], "msg": "Extra inputs are not permitted", "type": "extra_forbidden"},
            {"loc": ["*"], "msg": "Extra inputs are not permitted", "type": "extra_forbidden"},
        ],
        id="extra-fields",
    ),
    pytest.param(
        {"token": {MARKER: MARKER}, "user_id": [1]},
        [
            {"loc": ["token"], "msg": "Input should be a valid string", "type": "string_type"},
            {"loc": ["user_id"], "msg": "Input should be a valid integer", "type": "int_type"},
        ],
        id="nested-wrong-types",
    ),
]


@pytest.mark.parametrize("kind", ["asgi", "flask"])
def test_invalid_auth_of_every_shape_is_refused_with_the_validation_error_data(kind: str) -> None:
    with serve(kind) as (port, seen):
        for param in BAD_AUTHS:
            auth, detail = param.values
            data = refusal(port, auth)
            assert data == {"message": "validation_error", "data": {"detail": detail}}, param.id
            assert MARKER not in json.dumps(data)
        assert seen == []
        good = socketio.Client(reconnection=False)
        good.connect(
            url(port),
            transports=["websocket"],
            auth={"token": "t", "user_id": 7},
            wait_timeout=TIMEOUT,
        )
        good.disconnect()
        assert seen == [Auth(token="t", user_id=7)]


@pytest.mark.parametrize("kind", ["asgi", "flask"])
@pytest.mark.parametrize("answer", [True, {"allow": True}, "ok", 1])
def test_a_truthy_error_handler_cannot_let_an_invalid_client_in(kind: str, answer: Any) -> None:
    called: list[tuple[str, str]] = []

    def lenient(error: ValidationError, sid: str) -> Any:
        called.append((error.event, type(error).__name__))
        return answer

    with serve(kind, error_handler=lenient) as (port, seen):
        data = refusal(port, {"token": MARKER})
        assert data == {"message": "validation_error", "data": {"detail": missing("user_id")}}
        assert seen == []
    assert called == [("connect", "RequestValidationError")]


@pytest.mark.parametrize("kind", ["asgi", "flask"])
def test_an_error_handler_may_refuse_with_its_own_message(kind: str) -> None:
    def custom(error: ValidationError, sid: str) -> Any:
        raise socketio.exceptions.ConnectionRefusedError("go away", {"code": 4401})

    with serve(kind, error_handler=custom) as (port, seen):
        assert refusal(port, {"user_id": MARKER}) == {"message": "go away", "data": {"code": 4401}}
        assert seen == []

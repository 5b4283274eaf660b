"""The pipeline steps around a handler call (``Pipeline.before`` / ``after``) and
before an emit, on un-started python-socketio servers: no socket, no event loop.

Each test states a decision the adapters act on; the real-server suite shows the
same decisions on the wire.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
import socketio
from pydantic import BaseModel

from sio_spec import (
    ClientAckValidationError,
    EmitValidationError,
    RequestValidationError,
    ResponseValidationError,
    SocketIOSpec,
)
from sio_spec.adapters.handlers import SocketIOHandlers
from sio_spec.errors import MAX_NAME
from sio_spec.pipeline import ANSWER, CALL, PASS, REFUSE, Pipeline
from sio_spec.registry import Registry


class Move(BaseModel):
    x: int


class MoveAck(BaseModel):
    ok: bool


class Token(BaseModel):
    token: str


class NotAModel:
    """pydantic cannot build a validator for this."""


@pytest.fixture
def sio() -> socketio.Server:
    return socketio.Server()


def pipeline_of(server: Any) -> Pipeline:
    return SocketIOSpec(server).pipeline


def test_a_valid_payload_is_called_with_validated_arguments(sio: socketio.Server) -> None:
    @sio.on("move")
    def move(sid: str, move: Move) -> MoveAck:
        return MoveAck(ok=True)

    action, value, spec = pipeline_of(sio).before("move", "/", ("sid1", {"x": "3"}))
    assert action == CALL and value == ("sid1", Move(x=3))
    assert spec is not None and spec.event == "move"


def test_an_invalid_payload_is_answered_without_calling(sio: socketio.Server) -> None:
    @sio.on("move")
    def move(sid: str, move: Move) -> None: ...

    action, value, spec = pipeline_of(sio).before("move", "/", ("sid1", {"x": "no"}))
    assert action == ANSWER and spec is None
    assert value["error"] == "validation_error" and value["event"] == "move"
    assert value["detail"][0]["loc"] == ["x"]


def test_the_answer_is_the_error_handlers_return_value(sio: socketio.Server) -> None:
    spec = SocketIOSpec(sio)
    seen: list[tuple[type, str]] = []

    @spec.error_handler
    def handle(error: Any, sid: str) -> Any:
        seen.append((type(error), sid))
        return "custom"

    @sio.on("move")
    def move(sid: str, move: Move) -> None: ...

    assert spec.pipeline.before("move", "/", ("sid1", [])) == (ANSWER, "custom", None)
    assert seen == [(RequestValidationError, "sid1")]


def test_disconnect_and_unknown_events_are_left_alone(sio: socketio.Server) -> None:
    pipeline = pipeline_of(sio)
    args = ("sid1", "client disconnect")
    assert pipeline.before("disconnect", "/", args) == (PASS, args, None)
    # no handler at all: call through, python-socketio answers as it would
    assert pipeline.before("nothing", "/", ("sid1", 1)) == (CALL, ("sid1", 1), None)


def test_an_unannotated_handler_is_called_as_is_and_models_it_returns_are_dumped(
    sio: socketio.Server,
) -> None:
    sio.on("free", lambda sid, data: MoveAck(ok=True))
    pipeline = pipeline_of(sio)
    action, value, spec = pipeline.before("free", "/", ("sid1", {"any": 1}))
    assert (action, value, spec) == (CALL, ("sid1", {"any": 1}), None)
    assert pipeline.after(None, MoveAck(ok=True), "sid1") == (True, {"ok": True})


def test_after_validates_and_serializes_the_ack(sio: socketio.Server) -> None:
    @sio.on("move")
    def move(sid: str, move: Move) -> MoveAck:
        return MoveAck(ok=True)

    pipeline = pipeline_of(sio)
    _, _, spec = pipeline.before("move", "/", ("sid1", {"x": 1}))
    assert pipeline.after(spec, MoveAck(ok=True), "sid1") == (True, {"ok": True})
    ok, answer = pipeline.after(spec, {"ok": "maybe"}, "sid1")
    assert not ok and answer["error"] == "internal_error"


def test_after_routes_an_invalid_ack_to_the_error_handler(sio: socketio.Server) -> None:
    spec = SocketIOSpec(sio)
    spec.error_handler(lambda error, sid: type(error).__name__)

    @sio.on("move")
    def move(sid: str, move: Move) -> MoveAck:
        return MoveAck(ok=True)

    _, _, event = spec.pipeline.before("move", "/", ("sid1", {"x": 1}))
    assert spec.pipeline.after(event, "not an ack", "sid1") == (
        False,
        ResponseValidationError.__name__,
    )


def test_connect_auth_is_validated_and_an_invalid_one_refused(sio: socketio.Server) -> None:
    @sio.on("connect")
    def connect(sid: str, environ: dict[str, Any], auth: Token) -> None: ...

    pipeline = pipeline_of(sio)
    environ: dict[str, Any] = {}
    action, value, _ = pipeline.before("connect", "/", ("sid1", environ, {"token": "t"}))
    assert action == PASS and value == ("sid1", environ, Token(token="t"))
    action, error, _ = pipeline.before("connect", "/", ("sid1", environ, {"token": 5}))
    assert action == REFUSE and isinstance(error, RequestValidationError)
    message, data = pipeline.refusal(error)
    assert message == "validation_error" and data["detail"][0]["loc"] == ["token"]


def test_an_unusable_handler_is_answered_and_logged_in_constant_size(
    sio: socketio.Server, caplog: pytest.LogCaptureFixture
) -> None:
    @sio.on("*")
    def anything(event: str, sid: str, data: NotAModel) -> None: ...

    pipeline = pipeline_of(sio)
    caplog.set_level(logging.ERROR, logger="sio_spec")
    answers = [
        pipeline.before(f"{'n' * 50_000}{i}", "/", ("sid1", {"payload": i})) for i in range(40)
    ]
    assert {a[0] for a in answers} == {ANSWER}
    assert {a[1]["error"] for a in answers} == {"internal_error"}
    records = [r for r in caplog.records if r.name == "sio_spec"]
    # the cause once with its traceback, then short lines, then rate-limited
    assert records[0].exc_info is not None
    assert all(r.exc_info is None for r in records[1:])
    assert len(records) < 20
    # names are cut: sizes do not depend on the 50 kB event names
    assert len(records[0].getMessage()) < 2000
    assert max(len(r.getMessage()) for r in records[1:]) < 3 * MAX_NAME + 200
    assert len(pipeline.registry._broken) == 1


def test_an_unusable_connect_handler_refuses(sio: socketio.Server) -> None:
    @sio.on("connect")
    def connect(sid: str, environ: dict[str, Any], auth: NotAModel) -> None: ...

    pipeline = pipeline_of(sio)
    action, error, _ = pipeline.before("connect", "/", ("sid1", {}, None))
    assert action == REFUSE and pipeline.refusal(error) == ("internal_error",)


@pytest.mark.parametrize("event", [None, 0, False, [], {}])
def test_falsy_names_on_a_class_namespace_go_to_python_socketio(
    sio: socketio.Server, event: Any
) -> None:
    class Game(socketio.Namespace):
        def on_move(self, sid: str, move: Move) -> None: ...

    sio.register_namespace(Game("/"))
    action, value, spec = pipeline_of(sio).before(event, "/", ("sid1", {}))
    assert action in (CALL, PASS) and value == ("sid1", {}) and spec is None


def test_a_catch_all_validates_non_string_names_too(sio: socketio.Server) -> None:
    @sio.on("*")
    def anything(event: Any, sid: str, move: Move) -> None: ...

    action, value, _ = pipeline_of(sio).before(0, "/", ("sid1", {"x": "bad"}))
    assert action == ANSWER and value["error"] == "validation_error"


def test_a_long_event_name_is_cut_in_the_error_ack(sio: socketio.Server) -> None:
    @sio.on("*")
    def anything(event: str, sid: str, move: Move) -> None: ...

    name = "e" * 1_000_000
    action, value, _ = pipeline_of(sio).before(name, "/", ("sid1", {"x": "bad"}))
    assert action == ANSWER
    assert value["event"] == "e" * MAX_NAME + "..."
    assert len(value["message"]) < 2 * MAX_NAME + 100


def test_after_detach_events_pass_through(sio: socketio.Server) -> None:
    @sio.on("move")
    def move(sid: str, move: Move) -> None: ...

    spec = SocketIOSpec(sio)
    spec.detach()
    assert spec.pipeline.before("move", "/", ("sid1", "raw")) == (CALL, ("sid1", "raw"), None)


# -- outgoing ---------------------------------------------------------------------------


def test_outgoing_validates_serializes_and_wraps_the_callback(sio: socketio.Server) -> None:
    spec = SocketIOSpec(sio)
    spec.emits("moved", Move, ack=MoveAck)
    replies: list[Any] = []
    data, callback = spec.pipeline.outgoing("moved", "/", Move(x=1), replies.append)
    assert data == {"x": 1} and callback is not None
    callback({"ok": "maybe"})  # invalid reply: logged, the callback is not called
    callback({"ok": True})
    assert replies == [MoveAck(ok=True)]
    with pytest.raises(EmitValidationError):
        spec.pipeline.outgoing("moved", "/", {"x": "bad"}, None)


def test_call_result_checks_the_clients_reply(sio: socketio.Server) -> None:
    spec = SocketIOSpec(sio)
    spec.emits("moved", Move, ack=MoveAck)
    assert spec.pipeline.call_result("moved", None, {"ok": True}) == MoveAck(ok=True)
    with pytest.raises(ClientAckValidationError):
        spec.pipeline.call_result("moved", "/", {"ok": "maybe"})
    assert spec.pipeline.call_result("undeclared", "/", {"ok": "maybe"}) == {"ok": "maybe"}


def test_the_error_classes_of_each_direction_can_be_swapped(sio: socketio.Server) -> None:
    """A client-side pipeline reuses the steps with the directions swapped."""

    class Swapped(Pipeline):
        request_error = EmitValidationError
        emit_error = RequestValidationError

    spec = SocketIOSpec(sio)
    spec.emits("moved", Move)

    @sio.on("move")
    def move(sid: str, move: Move) -> None: ...

    swapped = Swapped(spec.registry)
    seen: list[type] = []
    swapped.fallback = lambda error, sid: seen.append(type(error))
    swapped.before("move", "/", ("sid1", {"x": "bad"}))
    assert seen == [EmitValidationError]
    with pytest.raises(RequestValidationError):
        swapped.outgoing("moved", "/", {"x": "bad"}, None)


def test_a_client_side_pipeline_reuses_the_steps_with_the_directions_swapped(
    sio: socketio.Server,
) -> None:
    """What a validated client needs: it receives what the server emits, sends what
    the server's handlers accept, and its handlers get the payload without a sid."""

    @sio.on("move")
    def move(sid: str, move: Move) -> MoveAck:
        return MoveAck(ok=True)

    server = SocketIOSpec(sio)
    server.emits("moved", Move)

    class ClientSide(Pipeline):
        sid_first = False
        request_error = EmitValidationError  # the server sent something invalid
        emit_error = RequestValidationError  # the client is about to send it

    registry = server.registry
    client = ClientSide(registry, received=registry.emit_spec, sent=registry.incoming)
    seen: list[tuple[type, str]] = []
    client.fallback = lambda error, sid: seen.append((type(error), sid))
    action, value, _ = client.before("moved", "/", ({"x": "4"},))
    assert (action, value) == (CALL, (Move(x=4),))
    action, _, _ = client.before("moved", "/", ({"x": "no"},))
    assert action == ANSWER and seen == [(EmitValidationError, "")]
    replies: list[Any] = []
    data, callback = client.outgoing("move", "/", Move(x=1), replies.append)
    assert data == {"x": 1} and callback is not None
    callback({"ok": True})  # the server's ack, checked against its handler's return type
    assert replies == [MoveAck(ok=True)]
    with pytest.raises(RequestValidationError):
        client.outgoing("move", "/", {"x": "bad"}, None)


def test_handler_sources_serve_a_client_too() -> None:
    client = socketio.Client()

    @client.on("moved")
    def moved(move: Move) -> None: ...

    class ClientHandlers(SocketIOHandlers):
        leading = 0
        connect_environ = False

    spec = Registry(source=ClientHandlers(client)).incoming("moved", "/")
    assert spec is not None and spec.args is not None
    assert spec.args.validate(({"x": "4"},)) == (Move(x=4),)

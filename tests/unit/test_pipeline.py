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
from sio_spec.pipeline import Answer, Call, Pass, Pipeline, Refuse
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

    decision = pipeline_of(sio).before("move", "/", ("sid1", {"x": "3"}))
    assert isinstance(decision, Call) and decision.args == ("sid1", Move(x=3))
    assert decision.spec is not None and decision.spec.event == "move"


def test_an_invalid_payload_is_answered_without_calling(sio: socketio.Server) -> None:
    @sio.on("move")
    def move(sid: str, move: Move) -> None: ...

    decision = pipeline_of(sio).before("move", "/", ("sid1", {"x": "no"}))
    assert isinstance(decision, Answer)
    value = decision.value
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

    decision = spec.pipeline.before("move", "/", ("sid1", []))
    assert isinstance(decision, Answer) and decision.value == "custom"
    assert seen == [(RequestValidationError, "sid1")]


def test_disconnect_and_unknown_events_are_left_alone(sio: socketio.Server) -> None:
    pipeline = pipeline_of(sio)
    args = ("sid1", "client disconnect")
    decision = pipeline.before("disconnect", "/", args)
    assert isinstance(decision, Pass) and decision.args == args
    # no handler at all: call through, python-socketio answers as it would
    call = pipeline.before("nothing", "/", ("sid1", 1))
    assert isinstance(call, Call) and (call.args, call.spec) == (("sid1", 1), None)


def test_an_unannotated_handler_is_called_as_is_and_models_it_returns_are_dumped(
    sio: socketio.Server,
) -> None:
    sio.on("free", lambda sid, data: MoveAck(ok=True))
    pipeline = pipeline_of(sio)
    call = pipeline.before("free", "/", ("sid1", {"any": 1}))
    assert isinstance(call, Call) and (call.args, call.spec) == (("sid1", {"any": 1}), None)
    assert pipeline.after(call, MoveAck(ok=True)) == {"ok": True}


def test_after_validates_and_serializes_the_ack(sio: socketio.Server) -> None:
    @sio.on("move")
    def move(sid: str, move: Move) -> MoveAck:
        return MoveAck(ok=True)

    pipeline = pipeline_of(sio)
    call = pipeline.before("move", "/", ("sid1", {"x": 1}))
    assert isinstance(call, Call)
    assert pipeline.after(call, MoveAck(ok=True)) == {"ok": True}
    answer = pipeline.after(call, {"ok": "maybe"})
    assert isinstance(answer, Answer) and answer.value["error"] == "internal_error"


def test_after_routes_an_invalid_ack_to_the_error_handler(sio: socketio.Server) -> None:
    spec = SocketIOSpec(sio)
    spec.error_handler(lambda error, sid: type(error).__name__)

    @sio.on("move")
    def move(sid: str, move: Move) -> MoveAck:
        return MoveAck(ok=True)

    call = spec.pipeline.before("move", "/", ("sid1", {"x": 1}))
    assert isinstance(call, Call)
    answer = spec.pipeline.after(call, "not an ack")
    assert isinstance(answer, Answer) and answer.value == ResponseValidationError.__name__


def test_connect_auth_is_validated_and_an_invalid_one_refused(sio: socketio.Server) -> None:
    @sio.on("connect")
    def connect(sid: str, environ: dict[str, Any], auth: Token) -> None: ...

    pipeline = pipeline_of(sio)
    environ: dict[str, Any] = {}
    passed = pipeline.before("connect", "/", ("sid1", environ, {"token": "t"}))
    assert isinstance(passed, Pass) and passed.args == ("sid1", environ, Token(token="t"))
    refused = pipeline.before("connect", "/", ("sid1", environ, {"token": 5}))
    assert isinstance(refused, Refuse) and isinstance(refused.error, RequestValidationError)
    message, data = pipeline.refusal(refused.error)
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
    assert {type(a) for a in answers} == {Answer}
    assert {a.value["error"] for a in answers if isinstance(a, Answer)} == {"internal_error"}
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
    refused = pipeline.before("connect", "/", ("sid1", {}, None))
    assert isinstance(refused, Refuse) and pipeline.refusal(refused.error) == ("internal_error",)


@pytest.mark.parametrize("event", [None, 0, False, [], {}])
def test_falsy_names_on_a_class_namespace_go_to_python_socketio(
    sio: socketio.Server, event: Any
) -> None:
    class Game(socketio.Namespace):
        def on_move(self, sid: str, move: Move) -> None: ...

    sio.register_namespace(Game("/"))
    decision = pipeline_of(sio).before(event, "/", ("sid1", {}))
    assert isinstance(decision, (Call, Pass)) and decision.args == ("sid1", {})
    assert not isinstance(decision, Call) or decision.spec is None


def test_a_catch_all_validates_non_string_names_too(sio: socketio.Server) -> None:
    @sio.on("*")
    def anything(event: Any, sid: str, move: Move) -> None: ...

    decision = pipeline_of(sio).before(0, "/", ("sid1", {"x": "bad"}))
    assert isinstance(decision, Answer) and decision.value["error"] == "validation_error"


def test_a_long_event_name_is_cut_in_the_error_ack(sio: socketio.Server) -> None:
    @sio.on("*")
    def anything(event: str, sid: str, move: Move) -> None: ...

    name = "e" * 1_000_000
    decision = pipeline_of(sio).before(name, "/", ("sid1", {"x": "bad"}))
    assert isinstance(decision, Answer)
    value = decision.value
    assert value["event"] == "e" * MAX_NAME + "..."
    assert len(value["message"]) < 2 * MAX_NAME + 100


def test_after_detach_events_pass_through(sio: socketio.Server) -> None:
    @sio.on("move")
    def move(sid: str, move: Move) -> None: ...

    spec = SocketIOSpec(sio)
    spec.detach()
    call = spec.pipeline.before("move", "/", ("sid1", "raw"))
    assert isinstance(call, Call) and (call.args, call.spec) == (("sid1", "raw"), None)


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
    call = client.before("moved", "/", ({"x": "4"},))
    assert isinstance(call, Call) and call.args == (Move(x=4),)
    answer = client.before("moved", "/", ({"x": "no"},))
    assert isinstance(answer, Answer) and seen == [(EmitValidationError, "")]
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

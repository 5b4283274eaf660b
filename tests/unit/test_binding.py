"""``adapters.bind``: the kind of server is decided once, and the binding says where
handlers are found, how one is registered, which hooks validate and who answers
validation errors. ``Layout``: the wrapped emit/call arguments are read once."""

from __future__ import annotations

from typing import Any

import pytest
import socketio
from flask import Flask
from flask_socketio import SocketIO
from pydantic import BaseModel

from sio_spec import EmitValidationError, SocketIOSpec, SpecError
from sio_spec.adapters import Layout, async_server, bind, server
from sio_spec.adapters.binding import AsyncBinding, Binding, FlaskBinding
from sio_spec.adapters.flask import FlaskHandlers
from sio_spec.adapters.handlers import SocketIOHandlers
from sio_spec.pipeline import Call, default_error_handler


class Move(BaseModel):
    x: int


def test_a_server_gets_the_synchronous_hooks() -> None:
    sio = socketio.Server()
    binding = bind(sio)
    assert type(binding) is Binding and binding.hooks is server.hooks
    assert isinstance(binding.source(), SocketIOHandlers)
    assert binding.fallback(default_error_handler) is default_error_handler


def test_an_async_server_gets_the_asyncio_hooks() -> None:
    binding = bind(socketio.AsyncServer())
    assert type(binding) is AsyncBinding and binding.hooks is async_server.hooks


def test_a_flask_socketio_object_is_bound_before_init_app() -> None:
    socketio_ = SocketIO()
    binding = bind(socketio_)
    assert type(binding) is FlaskBinding and isinstance(binding.source(), FlaskHandlers)
    attached: list[Any] = []
    undo = binding.when_ready(attached.append)
    assert attached == [] and undo is not None
    socketio_.init_app(Flask(__name__))
    assert attached == [socketio_.server]
    assert binding.fallback(default_error_handler) is not default_error_handler


def test_anything_else_is_refused_at_bind() -> None:
    with pytest.raises(SpecError, match="does not look like a python-socketio server"):
        bind(object())
    with pytest.raises(SpecError):
        bind(socketio.Client())  # a client has handlers and emit, but no server parts


def test_spec_on_registers_through_the_binding_once_attached() -> None:
    spec = SocketIOSpec()

    def move(sid: str, move: Move) -> None: ...

    spec.on("move")(move)  # queued: nothing to register with yet
    sio = socketio.Server()
    spec.attach(sio)
    assert sio.handlers["/"]["move"] is move
    call = spec.pipeline.before("move", "/", ("sid1", {"x": "2"}))
    assert isinstance(call, Call) and call.args == ("sid1", Move(x=2))


def test_the_hooks_chosen_by_the_binding_are_installed_and_removed() -> None:
    sio = socketio.AsyncServer()
    spec = SocketIOSpec(sio)
    assert {"_trigger_event", "emit", "call"} <= set(vars(sio))
    spec.detach()
    assert not {"_trigger_event", "emit", "call"} & set(vars(sio))


# -- Layout ---------------------------------------------------------------------------


def prepared(
    layout: Layout, event: Any, data: Any = None, *rest: Any, **kwargs: Any
) -> tuple[Any, tuple[Any, ...], dict[str, Any]]:
    spec = SocketIOSpec(socketio.Server())
    spec.emits("moved", Move, ack=Move)
    data, rest = layout.outgoing(spec.pipeline, event, data, rest, kwargs)
    return data, rest, kwargs


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("moved", Move(x=1)), {"to": "sid1"}),
        (("moved",), {"data": Move(x=1), "to": "sid1"}),
        ((), {"event": "moved", "data": Move(x=1), "to": "sid1"}),
        (("moved", Move(x=1), "sid1"), {}),
    ],
)
def test_the_data_is_replaced_wherever_it_was_given(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    """The wrappers take ``(event, data=None, *rest, **kwargs)``: Python binds event
    and data however they were given."""
    sio = socketio.Server()
    sent: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    sio.emit = lambda *a, **k: sent.append((a, k))  # type: ignore[method-assign]
    SocketIOSpec(sio).emits("moved", Move)  # its hook calls through to the lambda
    sio.emit(*args, **kwargs)
    ((positional, named),) = sent
    bound = dict(zip(("event", "data", "to"), positional, strict=False)) | named
    assert bound == {"event": "moved", "data": {"x": 1}, "to": "sid1"}


def test_a_positional_or_keyword_callback_is_wrapped_in_place() -> None:
    def reply(*values: Any) -> None: ...

    data, rest, kw = prepared(Layout.SERVER_EMIT, "moved", Move(x=1), None, None, None, "/", reply)
    assert data == {"x": 1} and rest[4] is not reply and callable(rest[4]) and kw == {}
    data, rest, kw = prepared(Layout.CLIENT_EMIT, "moved", Move(x=1), callback=reply)
    assert kw["callback"] is not reply and rest == () and data == {"x": 1}


def test_the_namespace_is_read_from_its_position_or_the_layouts_function() -> None:
    sio = socketio.Server()
    spec = SocketIOSpec(sio)
    spec.emits("moved", Move, namespace="/game")
    with pytest.raises(EmitValidationError):
        Layout.SERVER_EMIT.outgoing(
            spec.pipeline, "moved", {"x": "no"}, (None, None, None, "/game"), {}
        )
    with pytest.raises(EmitValidationError):
        Layout.SERVER_EMIT.outgoing(spec.pipeline, "moved", {"x": "no"}, (), {"namespace": "/game"})
    # another namespace: nothing declared there, sent as it is
    assert Layout.SERVER_EMIT.outgoing(spec.pipeline, "moved", {"x": "no"}, (), {}) == (
        {"x": "no"},
        (),
    )
    simple = Layout("event", "data", namespace=lambda: "/game")
    with pytest.raises(EmitValidationError):
        simple.outgoing(spec.pipeline, "moved", {"x": "no"}, (), {})

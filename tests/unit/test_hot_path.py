"""The hot path's shortcuts keep every guarantee.

- A model instance whose fields were assigned wrong types is refused whatever the
  process's warnings filters say (the serializer's warning is an exception through
  a filter scoped to sio-spec's module, or its checking mode when that filter is not
  in force).
- NaN and infinities are refused in and out.
- A hook sitting right on python-socketio's own dispatch calls the handler itself;
  one that is not (a subclass overrides the dispatch, or something wrapped it
  before sio-spec) calls through, so other instrumentation still sees every event.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import warnings
from typing import Any

import pytest
import socketio
from pydantic import BaseModel

from sio_spec import EmitValidationError, SocketIOSpec
from sio_spec.adapters import own_dispatch
from sio_spec.payload import MISMATCH_FILTER, PayloadInvalid
from sio_spec.pipeline import Answer, Call
from sio_spec.sendable import filter_in_force
from sio_spec.signature import payload_for


class Move(BaseModel):
    x: int
    speed: float = 1.0


def mutated() -> Move:
    move = Move(x=1)
    move.x = "not a number"  # type: ignore[assignment]
    return move


def test_the_filter_is_in_force_in_a_fresh_process() -> None:
    code = "import sio_spec.payload as p; print(p.filter_in_force())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


@pytest.mark.parametrize(
    "change",
    [
        lambda: None,
        lambda: warnings.simplefilter("ignore"),
        lambda: warnings.filterwarnings("ignore", category=UserWarning),
        warnings.resetwarnings,
    ],
    ids=["as-imported", "simplefilter-ignore", "ignore-user-warnings", "resetwarnings"],
)
def test_a_mutated_instance_is_refused_whatever_the_filters(change: Any) -> None:
    payload = payload_for(Move)
    with warnings.catch_warnings():
        change()
        with pytest.raises(PayloadInvalid) as refused:
            payload.dump(mutated())
    assert refused.value.details[0]["loc"] == ["x"]


def test_a_later_global_ignore_puts_the_checking_mode_in_charge() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert not filter_in_force()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="sio_spec")
        assert not filter_in_force()


def test_filters_that_cannot_catch_the_warning_leave_the_filter_in_force() -> None:
    with warnings.catch_warnings():
        # (pytest restores the filters of the test session, where sio-spec's may
        # have been dropped: put it back for this block)
        warnings.filters.insert(0, MISMATCH_FILTER)
        assert filter_in_force()
        # as libraries do on import, and as pytest does per test
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module="some_library")
        warnings.filterwarnings("error", category=UserWarning)
        assert filter_in_force()


def test_nan_is_refused_on_the_way_in_and_out() -> None:
    sio = socketio.Server()
    spec = SocketIOSpec(sio)
    spec.emits("moved", Move)

    @sio.on("move")
    def move(sid: str, move: Move) -> Move:
        return Move(x=1, speed=float("inf"))  # pydantic itself allows it by default

    decision = spec.pipeline.before("move", "/", ("sid1", {"x": 1, "speed": float("nan")}))
    assert isinstance(decision, Answer)
    assert decision.value["detail"][0]["loc"] == ["speed"]
    call = spec.pipeline.before("move", "/", ("sid1", {"x": 1}))
    assert isinstance(call, Call)
    answer = spec.pipeline.after(call, move("sid1", call.args[1]))
    assert isinstance(answer, Answer) and answer.value["error"] == "internal_error"
    with pytest.raises(EmitValidationError):
        sio.emit("moved", Move(x=1, speed=float("nan")))
    with pytest.raises(EmitValidationError):
        sio.emit("moved", mutated())


def test_the_hook_on_python_socketios_own_dispatch_calls_the_handler() -> None:
    sio = socketio.Server()
    seen: list[Any] = []

    @sio.on("move")
    def move(sid: str, move: Move) -> None:
        seen.append(move)

    assert own_dispatch(sio)
    spec = SocketIOSpec(sio)
    call = spec.pipeline.before("move", "/", ("sid1", {"x": "2"}))
    assert isinstance(call, Call) and call.handler is move and not call.coroutine
    assert sio._trigger_event("move", "/", "sid1", {"x": "2"}) is None
    assert seen == [Move(x=2)]


def test_an_overridden_or_wrapped_dispatch_is_called_through() -> None:
    dispatched: list[Any] = []

    class Instrumented(socketio.Server):
        def _trigger_event(self, event: str, namespace: str, *args: Any) -> Any:
            dispatched.append(event)
            return super()._trigger_event(event, namespace, *args)

    wrapped = socketio.Server()
    inner = wrapped._trigger_event

    def instrumentation(event: str, namespace: str, *args: Any) -> Any:
        dispatched.append(event)
        return inner(event, namespace, *args)

    wrapped._trigger_event = instrumentation  # type: ignore[method-assign]
    for sio in (Instrumented(), wrapped):
        sio.on("move", lambda sid, move: None)
        assert not own_dispatch(sio)
        SocketIOSpec(sio)
        sio._trigger_event("move", "/", "sid1", {"x": 1})
    assert dispatched == ["move", "move"]


def test_an_async_handler_is_awaited_directly() -> None:
    sio = socketio.AsyncServer()

    @sio.on("move")
    async def move(sid: str, move: Move) -> Move:
        return move

    spec = SocketIOSpec(sio)
    call = spec.pipeline.before("move", "/", ("sid1", {"x": "3"}))
    assert isinstance(call, Call) and call.handler is move and call.coroutine
    result = asyncio.run(sio._trigger_event("move", "/", "sid1", {"x": "3"}))
    assert result == {"x": 3, "speed": 1.0}


@pytest.mark.parametrize("kind", [socketio.Server, socketio.AsyncServer])
def test_the_hooks_common_path_refuses_what_the_pipeline_refuses(kind: Any) -> None:
    sio = kind()
    spec = SocketIOSpec(sio)
    spec.emits("moved", Move)
    replies: list[Move] = []

    def move(sid: str, move: Move) -> Move:
        return replies.pop()

    sio.on("move", move)

    def trigger(data: Any) -> Any:
        result = sio._trigger_event("move", "/", "sid1", data)
        return asyncio.run(result) if asyncio.iscoroutine(result) else result

    def emitted(data: Any) -> Any:
        result = sio.emit("moved", data)
        return asyncio.run(result) if asyncio.iscoroutine(result) else result

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # later user code: the guarantees still hold
        replies.append(Move(x=3))
        assert trigger({"x": "2"}) == {"x": 3, "speed": 1.0}
        assert trigger({"x": 1, "speed": float("nan")})["detail"][0]["loc"] == ["speed"]
        for bad in (mutated(), Move(x=1, speed=float("inf"))):
            replies.append(bad)
            assert trigger({"x": 1})["error"] == "internal_error"
            with pytest.raises(EmitValidationError):
                emitted(bad)

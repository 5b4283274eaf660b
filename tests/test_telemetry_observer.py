"""``sio_spec.observe``: the observer protocol telemetry is built on, without
OpenTelemetry. A recording observer on a real ``socketio.Server`` driven in process
by ``sio_spec.testing.TestClient`` sees each event's direction, namespace, name,
outcome and handler time; removing it restores the plain hooks."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import pytest
import socketio
from pydantic import BaseModel

from sio_spec import EmitValidationError, SocketIOSpec
from sio_spec.observe import Observer, Outcome, observe, observer_of, unobserve
from sio_spec.testing import TestClient


class Move(BaseModel):
    x: int


class Recording:
    """Every observation as ``(direction, namespace, event, sid, outcome)``."""

    def __init__(self) -> None:
        self.seen: list[tuple[Any, ...]] = []
        self.durations: dict[str, list[float | None]] = {}
        self.lock = threading.Lock()

    def begin(
        self,
        direction: str,
        namespace: str,
        event: str,
        sid: str | None,
        *,
        room: str | None = None,
        carrier: Mapping[str, Any] | None = None,
    ) -> Any:
        return (direction, namespace, event, sid is not None)

    def end(self, token: Any, outcome: Outcome) -> None:
        with self.lock:
            self.seen.append((*token, outcome.outcome, outcome.error_type))
            self.durations.setdefault(token[2], []).append(outcome.duration)

    def carrier(self) -> dict[str, str]:
        return {}


def server() -> tuple[socketio.Server, SocketIOSpec]:
    sio = socketio.Server(async_mode="threading")
    spec = SocketIOSpec(sio)
    spec.emits("moved", Move)

    @sio.on("move")
    def move(sid: str, m: Move) -> Move:
        return m

    @sio.on("relay")
    def relay(sid: str, x: int) -> bool:
        try:
            sio.emit("moved", {"x": "nope"} if x < 0 else Move(x=x), to=sid)
        except EmitValidationError:
            return False
        return True

    return sio, spec


def test_a_recording_observer_sees_every_decision() -> None:
    sio, spec = server()
    recording = Recording()
    observer: Observer = recording
    observe(spec, observer)
    assert observer_of(spec) is recording
    client = TestClient(sio)
    client.connect()
    assert client.call("move", {"x": 1}) == {"x": 1}
    assert client.call("move", {"x": "y"})["error"] == "validation_error"
    assert client.call("relay", 3) is True
    assert client.call("relay", -1) is False
    client.disconnect()
    assert recording.seen == [
        ("receive", "/", "connect", True, "ok", None),
        ("receive", "/", "move", True, "ok", None),
        ("receive", "/", "move", True, "validation_error", "RequestValidationError"),
        ("send", "/", "moved", True, "ok", None),
        ("receive", "/", "relay", True, "ok", None),
        ("send", "/", "moved", True, "validation_error", "EmitValidationError"),
        ("receive", "/", "relay", True, "ok", None),
        ("receive", "/", "disconnect", True, "ok", None),
    ]
    moves = recording.durations["move"]
    assert moves[0] is not None and moves[0] >= 0  # the handler ran
    assert moves[1] is None  # it did not: the payload was refused first
    assert recording.durations["moved"] == [None, None]  # emits run no handler


def test_unobserve_restores_the_plain_hooks() -> None:
    sio, spec = server()
    plain = {name: sio.__dict__[name].__qualname__ for name in ("_trigger_event", "emit", "call")}
    recording = Recording()
    observe(spec, recording)
    unobserve(spec)
    assert observer_of(spec) is None
    assert {n: sio.__dict__[n].__qualname__ for n in plain} == plain
    client = TestClient(sio)
    client.connect()
    assert client.call("move", {"x": "y"})["error"] == "validation_error"
    client.disconnect()
    assert recording.seen == []


@pytest.mark.parametrize("again", [False, True])
def test_observing_again_replaces_the_observer(again: bool) -> None:
    sio, spec = server()
    first, second = Recording(), Recording()
    observe(spec, first)
    if again:
        observe(spec, first)
    observe(spec, second)
    client = TestClient(sio)
    client.connect()
    client.call("move", {"x": 1})
    client.disconnect()
    assert first.seen == []
    assert [s[2] for s in second.seen] == ["connect", "move", "disconnect"]

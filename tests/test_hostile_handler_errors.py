"""A handler that raises its own exception is not swallowed or disguised.

On ``AsyncServer`` python-socketio runs each event in a task; an exception raised by
the handler ends that task, the client gets no ack (its ``call`` times out) and asyncio
logs "Task exception was never retrieved" with the exception. With sio-spec attached
the client sees exactly the same, the same exception is logged by asyncio, and no
``validation_error`` ack or ``sio_spec`` log record appears. Invalid payloads still
get the error ack (the handler is not called).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
import socketio
from pydantic import BaseModel
from support.servers import run_asgi, url, wait_for

from sio_spec import SocketIOSpec

TIMEOUT = 5


class Point(BaseModel):
    x: int
    y: int


class HandlerBug(RuntimeError):
    pass


class Trap(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self.guard:
            self.records.append(record)

    def outcome(self) -> list[tuple[str, int, str | None]]:
        with self.guard:
            return [
                (
                    r.name,
                    r.levelno,
                    type(r.exc_info[1]).__name__ if r.exc_info and r.exc_info[1] else None,
                )
                for r in self.records
                if r.levelno >= logging.WARNING
            ]


def run(with_spec: bool, caplog: pytest.LogCaptureFixture) -> dict[str, Any]:
    """Call a raising handler on a plain or a spec'd server; returns what was seen."""
    caplog.set_level(logging.INFO, logger="sio_spec")
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio) if with_spec else None
    calls: list[Any] = []

    async def explode(sid: str, p: Point) -> Point:
        calls.append(p)
        raise HandlerBug("the handler's own bug")

    sio.on("explode", explode)
    trap = Trap()
    root = logging.getLogger()
    root.addHandler(trap)
    seen: dict[str, Any] = {}
    try:
        with run_asgi(socketio.ASGIApp(sio)) as port:
            client = socketio.Client(reconnection=False)
            client.connect(url(port), transports=["websocket"], wait_timeout=TIMEOUT)
            try:
                with pytest.raises(socketio.exceptions.TimeoutError):
                    client.call("explode", {"x": 1, "y": 2}, timeout=1)
                wait_for(lambda: trap.outcome(), timeout=TIMEOUT)
                seen["raised"] = trap.outcome()
                seen["messages"] = [
                    r.getMessage() for r in trap.records if r.levelno >= logging.WARNING
                ]
                if spec is not None:
                    seen["invalid"] = client.call("explode", {"x": "?"}, timeout=TIMEOUT)
                seen["alive"] = client.connected
            finally:
                client.disconnect()
    finally:
        root.removeHandler(trap)
    seen["calls"] = calls
    seen["sio_spec"] = [r for r in trap.records if r.name == "sio_spec"]
    return seen


def test_a_raising_handler_behaves_as_without_sio_spec(caplog: pytest.LogCaptureFixture) -> None:
    plain = run(False, caplog)
    spec = run(True, caplog)
    # same client-visible outcome: no ack (timeout), connection alive
    assert plain["alive"] and spec["alive"]
    # the same exception, logged the same way, by asyncio
    assert plain["raised"] == spec["raised"] == [("asyncio", logging.ERROR, "HandlerBug")]
    assert "Task exception was never retrieved" in spec["messages"][0]
    assert [type(c).__name__ for c in spec["calls"]] == ["Point"]
    # not disguised: sio_spec logged nothing for the handler's own exception
    assert [r.levelname for r in spec["sio_spec"]] == ["INFO"]  # the invalid call only
    assert spec["invalid"]["error"] == "validation_error"
    assert len(spec["calls"]) == 1  # the invalid call did not reach the handler

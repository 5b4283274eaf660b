"""Hostile sizes: deep nesting, huge strings, huge arrays, invented event names.

What happens, measured here (python-socketio 5.18, python-engineio 4.15, pydantic 2.x,
CPython 3.11 with the default recursion limit of 1000):

- JSON nested deeper than about 1,000 levels never reaches sio-spec: python-socketio's
  packet decoder (``json.loads``) raises ``RecursionError``; engine.io catches it and
  logs ``message (async) handler error`` at ERROR on ``engineio.server``. The packet is
  dropped (no ack), the connection and the server stay up.
- Recursive models stop at pydantic-core's depth guard (about 255 levels): a
  ``recursion_depth_exceeded`` error ack.
- pydantic refuses to serialize values nested deeper than about 255 levels (e.g. an
  ``Any`` field echoed in an ack): the client gets the ``internal_error`` ack and
  ``ResponseValidationError`` is logged at ERROR; nothing escapes into the event loop.
- A message above engine.io's ``max_http_buffer_size`` (default 1,000,000 bytes) is
  not decoded at all: engine.io closes that client's connection.
- A payload with many invalid items gets at most 100 error details plus one
  ``too_many_errors`` entry (an ack about as large as the input, not 25 times larger).
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import socketio
from pydantic import BaseModel
from support.servers import run_asgi, run_flask_socketio, url, wait_for

import sio_spec.registry
from sio_spec import SocketIOSpec
from sio_spec.payload import MAX_ERRORS

TIMEOUT = 5
MARKER = "LIMITS-MARKER-91cd"


class Point(BaseModel):
    x: int
    y: int


class Numbers(BaseModel):
    values: list[int]


class Node(BaseModel):
    name: str
    children: list[Node] = []


class Loose(BaseModel):
    data: Any


class Text(BaseModel):
    text: str


def handlers() -> dict[str, Any]:
    def point(p: Point) -> Point:
        return p

    def numbers(n: Numbers) -> int:
        return len(n.values)

    def tree(node: Node) -> str:
        return node.name

    def echo(item: Loose) -> Loose:
        return item

    def text(t: Text) -> int:
        return len(t.text)

    return {f.__name__: f for f in (point, numbers, tree, echo, text)}


@contextlib.contextmanager
def serve(kind: str) -> Iterator[tuple[int, SocketIOSpec, Any]]:
    """A server of ``kind`` with the handlers above; yields ``(port, spec, server)``."""
    if kind == "asgi":
        sio = socketio.AsyncServer(async_mode="asgi")
        spec = SocketIOSpec(sio)
        for name, fn in handlers().items():
            sio.on(name, _async_with_sid(fn))
        with run_asgi(socketio.ASGIApp(sio)) as port:
            yield port, spec, sio
    else:
        import flask
        from flask_socketio import SocketIO

        app = flask.Flask(__name__)
        sock = SocketIO(app, async_mode="threading")
        spec = SocketIOSpec(sock)
        for name, fn in handlers().items():
            sock.on(name)(fn)
        with run_flask_socketio(app, sock) as port:
            yield port, spec, sock.server


def _async_with_sid(fn: Any) -> Any:
    ann = dict(fn.__annotations__)

    async def handler(sid: str, value: Any) -> Any:
        return fn(value)

    handler.__annotations__ = {
        "sid": str,
        "value": next(iter(ann.values())),
        "return": ann["return"],
    }
    handler.__name__ = fn.__name__
    return handler


@contextlib.contextmanager
def client_for(port: int) -> Iterator[socketio.Client]:
    client = socketio.Client(reconnection=False)
    client.connect(url(port), transports=["websocket"], wait_timeout=TIMEOUT)
    try:
        yield client
    finally:
        client.disconnect()


class Trap(logging.Handler):
    """Every record at INFO+ of every logger, and exceptions escaping threads."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []
        self.thread_errors: list[BaseException | None] = []
        self._old: Any = None
        self._levels: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __enter__(self) -> Trap:
        for name in ("", "uvicorn", "sio_spec"):
            logger = logging.getLogger(name)
            logger.addHandler(self)
        self._levels["sio_spec"] = logging.getLogger("sio_spec").level
        logging.getLogger("sio_spec").setLevel(logging.INFO)
        self._old = threading.excepthook
        threading.excepthook = lambda args: self.thread_errors.append(args.exc_value)
        return self

    def __exit__(self, *exc: Any) -> None:
        for name in ("", "uvicorn", "sio_spec"):
            logging.getLogger(name).removeHandler(self)
        logging.getLogger("sio_spec").setLevel(self._levels["sio_spec"])
        threading.excepthook = self._old

    def at_least(self, level: int) -> list[logging.LogRecord]:
        # sio_spec records reach this handler twice (its own logger and the root)
        seen: dict[int, logging.LogRecord] = {id(r): r for r in self.records}
        return [r for r in seen.values() if r.levelno >= level]


KINDS = ["asgi", "flask"]


@contextlib.contextmanager
def recursion_limit(limit: int) -> Iterator[None]:
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(limit)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


@pytest.mark.parametrize("kind", KINDS)
def test_json_nested_10000_levels_is_dropped_by_the_packet_decoder_and_the_server_stays_up(
    kind: str,
) -> None:
    deep = '{"x":' * 10_000 + "1" + "}" * 10_000
    with Trap() as trap, serve(kind) as (port, _, _), client_for(port) as client:
        # the python-socketio client cannot even encode it: send the raw packet
        client.eio.send('42["point",' + deep + "]")
        wait_for(lambda: trap.at_least(logging.ERROR), timeout=TIMEOUT)
        assert client.call("point", {"x": 1, "y": 2}, timeout=TIMEOUT) == {"x": 1, "y": 2}
        assert client.connected
    errors = trap.at_least(logging.WARNING)
    assert [r.name for r in errors] == ["engineio.server"]
    (record,) = errors
    assert record.exc_info is not None and isinstance(record.exc_info[1], RecursionError)
    assert "handler error" in record.getMessage()
    assert not [r for r in trap.records if r.name == "sio_spec"]  # never reached the hook
    assert trap.thread_errors == []


@pytest.mark.parametrize("kind", KINDS)
def test_deep_payloads_that_decode_are_answered_with_bounded_acks(kind: str) -> None:
    nested_list: Any = MARKER
    for _ in range(300):  # python-socketio's client recurses twice per level to send it
        nested_list = [nested_list]
    tree: dict[str, Any] = {"name": MARKER}
    for _ in range(300):
        tree = {"name": MARKER, "children": [tree]}
    with Trap() as trap, serve(kind) as (port, _, _), client_for(port) as client:
        # 300 levels where an int is expected
        ack = client.call("point", {"x": nested_list, "y": 1}, timeout=TIMEOUT)
        assert ack["error"] == "validation_error"
        assert ack["detail"] == [
            {"loc": ["x"], "msg": "Input should be a valid integer", "type": "int_type"}
        ]
        # a recursive model: pydantic-core's depth guard, not a RecursionError (600 JSON
        # levels: python-socketio's client needs a higher recursion limit to encode it)
        with recursion_limit(3000):
            ack = client.call("tree", tree, timeout=TIMEOUT)
        assert ack["error"] == "validation_error"
        assert [d["type"] for d in ack["detail"]] == ["recursion_depth_exceeded"]
        assert MARKER not in json.dumps(ack)
        assert (
            client.call("tree", {"name": "leaf", "children": [{"name": "a"}]}, timeout=TIMEOUT)
            == "leaf"
        )
        # accepted as Any, but too deep for pydantic to serialize in the ack
        ack = client.call("echo", {"data": nested_list}, timeout=TIMEOUT)
        assert ack == {
            "error": "internal_error",
            "message": "the server could not produce a valid ack for event 'echo'",
        }
        assert client.call("echo", {"data": [[1]]}, timeout=TIMEOUT) == {"data": [[1]]}
        assert client.connected
    bad = trap.at_least(logging.WARNING)
    assert [(r.name, r.levelname) for r in bad] == [("sio_spec", "ERROR")]
    assert "could not be serialized" in bad[0].getMessage()
    assert MARKER not in "\n".join(r.getMessage() for r in trap.records if r.name == "sio_spec")
    assert trap.thread_errors == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_message_above_max_http_buffer_size_closes_that_connection_only(kind: str) -> None:
    with Trap() as trap, serve(kind) as (port, _, server):
        assert server.eio.max_http_buffer_size == 1_000_000  # engine.io's default
        with client_for(port) as client:
            assert client.call("text", {"text": "x" * 900_000}, timeout=TIMEOUT) == 900_000
            with pytest.raises(socketio.exceptions.SocketIOError):
                # 10 MB: engine.io refuses the frame and closes this connection
                client.call("text", {"text": MARKER * 600_000}, timeout=TIMEOUT)
            wait_for(lambda: not client.connected, timeout=TIMEOUT)
        with client_for(port) as other:
            assert other.call("text", {"text": "still up"}, timeout=TIMEOUT) == 8
    # the closed client's own engine.io may log that it lost its queue (a matter of
    # timing); the server logs nothing at WARNING or above
    server_side = [r for r in trap.at_least(logging.WARNING) if r.name != "engineio.client"]
    assert server_side == []
    assert MARKER not in "\n".join(r.getMessage() for r in trap.records)
    assert trap.thread_errors == []


@pytest.mark.parametrize("kind", KINDS)
def test_huge_arrays_are_validated_and_errors_are_capped(kind: str) -> None:
    with Trap() as trap, serve(kind) as (port, _, _), client_for(port) as client:
        assert client.call("numbers", {"values": list(range(150_000))}, timeout=TIMEOUT) == 150_000
        bad = {"values": [0, *["a"] * 190_000]}  # 760 kB, 190,000 wrong items
        ack = client.call("numbers", bad, timeout=TIMEOUT)
        assert ack["error"] == "validation_error"
        detail = ack["detail"]
        assert len(detail) == MAX_ERRORS + 1
        assert detail[0] == {
            "loc": ["values", 1],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "type": "int_parsing",
        }
        assert detail[-1]["type"] == "too_many_errors"
        assert len(json.dumps(ack)) < 20_000
        # several arguments add up: still capped
        many = tuple({"x": MARKER} for _ in range(300))
        ack = client.call("point", many, timeout=TIMEOUT)
        assert [d["type"] for d in ack["detail"]] == ["arguments_count"]
    infos = [r for r in trap.records if r.name == "sio_spec"]
    assert {r.levelname for r in infos} == {"INFO"}
    assert max(len(r.getMessage()) for r in infos) < 1_000  # the log line is bounded too


def test_a_catch_all_handler_cannot_be_made_to_cache_unbounded_plans(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sio_spec.registry, "MAX_PLANS", 20)
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio)

    async def anything(event: str, sid: str, p: Point) -> str:
        return event

    sio.on("*", anything)
    with run_asgi(socketio.ASGIApp(sio)) as port, client_for(port) as client:
        for i in range(120):
            name = f"invented-{i}"
            assert client.call(name, {"x": i, "y": 0}, timeout=TIMEOUT) == name
            ack = client.call(name, {"x": "no"}, timeout=TIMEOUT)
            assert ack["error"] == "validation_error" and ack["event"] == name
            assert len(spec.registry._plans) <= 20

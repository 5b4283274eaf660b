"""Shared pieces of the core test suite: models, real servers of every kind, clients.

``make_app(kind)`` builds a server of one of the four kinds the core supports:

- ``aiohttp``: ``socketio.AsyncServer`` mounted on an aiohttp application;
- ``asgi``: ``socketio.AsyncServer`` in ``socketio.ASGIApp`` served by uvicorn;
- ``flask``: ``flask_socketio.SocketIO`` (threading mode, websocket transport);
- ``wsgi``: ``socketio.Server`` in ``socketio.WSGIApp`` (threading) served by werkzeug.

``App.on(event)`` registers a handler written once, as a plain ``(sid, ...)``
function, in the native style of the kind: an ``async def`` on AsyncServers, a
Flask-SocketIO ``@socketio.on`` handler (no ``sid`` parameter, sid read from
``flask.request``) under Flask, the function itself on ``socketio.Server``.
``App.on_trigger(plan)`` registers a handler that performs server emits/calls and
reports what they raised, so the failure rows of outgoing validation are checked
in the caller, on every kind.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import inspect
import logging
import threading
import typing
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

import socketio
from pydantic import BaseModel, ConfigDict, Field
from support.servers import run_aiohttp, run_asgi, run_flask_socketio, run_wsgi, url, wait_for

from sio_spec import SocketIOSpec, ValidationError

KINDS = ["aiohttp", "asgi", "flask", "wsgi"]
ASYNC_KINDS = ["aiohttp", "asgi"]
SYNC_KINDS = ["flask", "wsgi"]
TIMEOUT = 5

#: A value that must never come back to a client or reach a log.
MARKER = "SECRET-MARKER-7f3a9c"


# -- models ---------------------------------------------------------------------------------


class Color(str, enum.Enum):
    RED = "red"
    BLUE = "blue"


class Move(BaseModel):
    game_id: int
    x: int = Field(ge=0, le=2)
    y: int = Field(ge=0, le=2)


class MoveAck(BaseModel):
    accepted: bool
    at: datetime
    color: Color


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    count: int


class Board(BaseModel):
    cells: list[int]
    turn: str


class Blob(BaseModel):
    name: str
    data: bytes


WHEN = datetime(2024, 5, 17, 12, 30, tzinfo=timezone.utc)
WHEN_ISO = "2024-05-17T12:30:00Z"


def move_ack() -> MoveAck:
    return MoveAck(accepted=True, at=WHEN, color=Color.BLUE)


# -- servers --------------------------------------------------------------------------------


class App:
    """One real server of ``kind``, not yet running."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.flask_app: Any = None
        self.web_app: Any = None
        if kind in ASYNC_KINDS:
            self.sio: Any = socketio.AsyncServer(async_mode=kind, namespaces="*")
            self.target: Any = self.sio
            if kind != "aiohttp":  # aiohttp: a fresh Application per run()
                self.web_app = socketio.ASGIApp(self.sio)
        elif kind == "wsgi":
            self.sio = socketio.Server(async_mode="threading", namespaces="*")
            self.target = self.sio
            self.web_app = socketio.WSGIApp(self.sio)
        elif kind == "flask":
            import flask
            from flask_socketio import SocketIO

            self.flask_app = flask.Flask(__name__)
            self.target = SocketIO(self.flask_app, async_mode="threading", namespaces="*")
            self.sio = self.target.server
        else:
            raise ValueError(kind)

    @property
    def is_async(self) -> bool:
        return self.kind in ASYNC_KINDS

    def spec(self, **options: Any) -> SocketIOSpec:
        return SocketIOSpec(self.target, **options)

    # -- handlers -------------------------------------------------------------------------
    def on(self, event: str, namespace: str = "/") -> Callable[[Callable[..., Any]], Any]:
        """Register ``func(sid, ...)`` natively for this kind of server."""

        def decorator(func: Callable[..., Any]) -> Any:
            handler = native_handler(self.kind, func)
            if self.kind == "flask":
                self.target.on(event, namespace=namespace)(handler)
            else:
                self.sio.on(event, handler, namespace=namespace)
            return func

        return decorator

    def on_trigger(
        self, plan: Callable[[str, Any], list[Step]], event: str = "trigger", namespace: str = "/"
    ) -> None:
        """A handler that runs the steps ``plan(sid, data)`` returns (each
        ``(callable, args, kwargs)``, awaited when it returns an awaitable) and acks
        ``{"raised": None, "results": [...]}`` or the validation error it caught."""

        def report(err: ValidationError) -> dict[str, Any]:
            return {
                "raised": type(err).__name__,
                "event": err.event,
                "namespace": err.namespace,
                "errors": err.errors(),
            }

        if self.is_async:

            async def trigger(sid: str, data: Any = None) -> Any:
                results = []
                try:
                    for fn, args, kwargs in plan(sid, data):
                        result = fn(*args, **kwargs)
                        if inspect.isawaitable(result):
                            result = await result
                        results.append(describe(result))
                except ValidationError as err:
                    return report(err)
                return {"raised": None, "results": results}

            self.sio.on(event, trigger, namespace=namespace)
        else:

            def sync_trigger(sid: str, data: Any = None) -> Any:
                results = []
                try:
                    for fn, args, kwargs in plan(sid, data):
                        results.append(describe(fn(*args, **kwargs)))
                except ValidationError as err:
                    return report(err)
                return {"raised": None, "results": results}

            if self.kind == "flask":
                self.target.on(event, namespace=namespace)(native_handler("flask", sync_trigger))
            else:
                self.sio.on(event, sync_trigger, namespace=namespace)

    # -- running --------------------------------------------------------------------------
    @contextlib.contextmanager
    def run(self) -> Iterator[int]:
        if self.kind == "aiohttp":
            from aiohttp import web

            self.web_app = web.Application()
            self.sio.attach(self.web_app)
            with run_aiohttp(self.web_app, shutdown_timeout=0.2) as port:
                yield port
        elif self.kind == "asgi":
            with run_asgi(self.web_app) as port:
                yield port
        elif self.kind == "flask":
            with run_flask_socketio(self.flask_app, self.target) as port:
                yield port
        else:
            with run_wsgi(self.web_app) as port:
                yield port


Step = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]


def describe(value: Any) -> Any:
    """A server-side value made reportable in an ack: models as ``{type, value}``."""
    if isinstance(value, BaseModel):
        return {"type": type(value).__name__, "value": value.model_dump(mode="json")}
    if isinstance(value, tuple):
        return [describe(v) for v in value]
    return value


def native_handler(kind: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func(sid, ...)`` as a handler of ``kind``, keeping its signature and hints."""
    if kind in ASYNC_KINDS:

        @functools.wraps(func)
        async def async_handler(*args: Any) -> Any:
            return func(*args)

        return async_handler
    if kind == "flask":
        hints = typing.get_type_hints(func, include_extras=True)
        sig = inspect.signature(func)
        params = list(sig.parameters.values())
        sid_name = params[0].name

        def flask_handler(*args: Any) -> Any:
            import flask

            return func(flask.request.sid, *args)  # type: ignore[attr-defined]

        flask_handler.__signature__ = sig.replace(parameters=params[1:])  # type: ignore[attr-defined]
        flask_handler.__annotations__ = {k: v for k, v in hints.items() if k != sid_name}
        flask_handler.__name__ = func.__name__
        flask_handler.__qualname__ = func.__qualname__
        flask_handler.__doc__ = func.__doc__
        return flask_handler
    return func


# -- clients --------------------------------------------------------------------------------


@dataclasses.dataclass
class Received:
    """Events a client received, in order, as ``(event, namespace, args)``."""

    items: list[tuple[str, str, tuple[Any, ...]]] = dataclasses.field(default_factory=list)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def add(self, event: str, namespace: str, args: tuple[Any, ...]) -> None:
        with self.lock:
            self.items.append((event, namespace, args))

    def events(self) -> list[str]:
        with self.lock:
            return [e for e, _, _ in self.items]

    def args_of(self, event: str) -> list[tuple[Any, ...]]:
        with self.lock:
            return [a for e, _, a in self.items if e == event]

    def wait(self, event: str, count: int = 1) -> list[tuple[Any, ...]]:
        wait_for(
            lambda: len(self.args_of(event)) >= count,
            timeout=TIMEOUT,
            message=f"client did not receive {event!r}; got {self.events()}",
        )
        return self.args_of(event)


def recording_client(namespaces: list[str] | None = None) -> tuple[socketio.Client, Received]:
    """A client whose every received event (any namespace) is recorded."""
    client = socketio.Client(reconnection=False)
    received = Received()

    def catch_all(event: str, namespace: str, *args: Any) -> None:
        received.add(event, namespace, args)

    client.on("*", catch_all, namespace="*")
    return client, received


@contextlib.contextmanager
def connected(
    port: int,
    client: socketio.Client | None = None,
    *,
    namespaces: list[str] | None = None,
    auth: Any = None,
) -> Iterator[socketio.Client]:
    """A python-socketio ``Client`` connected over websocket; disconnected on exit."""
    client = client or socketio.Client(reconnection=False)
    client.connect(
        url(port), transports=["websocket"], namespaces=namespaces, auth=auth, wait_timeout=TIMEOUT
    )
    try:
        yield client
    finally:
        client.disconnect()


def ack_args(
    client: socketio.Client, event: str, *data: Any, namespace: str = "/"
) -> tuple[Any, ...]:
    """Emit ``event`` with ``data`` as arguments and return every ack argument."""
    done = threading.Event()
    box: list[tuple[Any, ...]] = []

    def callback(*args: Any) -> None:
        box.append(args)
        done.set()

    payload: Any = data[0] if len(data) == 1 else (tuple(data) if data else None)
    client.emit(event, payload, namespace=namespace, callback=callback)
    assert done.wait(TIMEOUT), f"no ack for {event!r}"
    return box[0]


def records_text(caplog: Any) -> str:
    """Every sio_spec log record, formatted with its traceback."""
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    return "\n".join(formatter.format(r) for r in caplog.records if r.name.startswith("sio_spec"))

"""How the fuzz runner reaches a server: in process through :mod:`sio_spec.testing`,
or over a real connection with python-socketio's client.

A channel keeps one client per namespace, connected with that namespace's auth,
and reconnects it when the server dropped it. :meth:`Channel.send` emits one
event and reports what came back: the ack's arguments, a disconnect, an exception
a handler raised (in process only) and the events the server sent meanwhile.
"""

from __future__ import annotations

import abc
import asyncio
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

import socketio

from .._socketio_internals import engineio_connect_failed
from ..errors import SioSpecError

__all__ = [
    "AsyncLocalChannel",
    "Channel",
    "LocalChannel",
    "Outcome",
    "RemoteChannel",
    "Unreachable",
]


@dataclass
class Outcome:
    """What happened after one emit."""

    answered: bool = False
    ack: tuple[Any, ...] | None = None
    disconnected: bool = False
    raised: str | None = None
    """In process: the type of the exception a server handler raised."""
    events: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    """Events the server sent to this namespace's client meanwhile."""
    earlier: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    """Events it sent before the emit (on connect, or late for an earlier emit)."""


class _Conn:
    """One client connected to one namespace, and what it received."""

    def __init__(self, client: Any, namespace: str) -> None:
        self.client = client
        self.namespace = namespace
        self.events: list[tuple[str, tuple[Any, ...]]] = []
        self.lock = threading.Lock()
        self.refusal: Any = None
        self.dropped = threading.Event()
        self.waiter: Any = None
        #: set when the namespace's connect is answered (accepted or refused) or the
        #: connection drops
        self.settled = threading.Event()

        def on_any(event: str, *args: Any) -> None:
            with self.lock:
                self.events.append((event, args))

        def on_connected(*_: Any) -> None:
            self.settled.set()

        def on_refused(data: Any = None, *_: Any) -> None:
            self.refusal = data
            self.settled.set()

        def on_dropped(*_: Any) -> None:
            self.dropped.set()
            self.settled.set()
            waiter = self.waiter
            if waiter is not None:
                waiter.done.set()

        client.on("*", on_any, namespace=namespace)
        client.on("connect", on_connected, namespace=namespace)
        client.on("connect_error", on_refused, namespace=namespace)
        client.on("disconnect", on_dropped, namespace=namespace)

    def take(self) -> list[tuple[str, tuple[Any, ...]]]:
        with self.lock:
            out, self.events = self.events, []
        return out

    def connected(self) -> bool:
        return bool(self.client.connected) and self.namespace in self.client.namespaces


class Channel(abc.ABC):
    """The interface of a way to reach a server."""

    #: seconds any single wait on the server may last (the fuzzer's ``--timeout``)
    timeout: float = 5.0

    @abc.abstractmethod
    def open(self, namespace: str, auth: Any) -> Any:
        """Connect this namespace's client with ``auth``; ``None`` when connected,
        else the server's refusal (its ``connect_error`` data, or a description)."""

    @abc.abstractmethod
    def send(
        self, namespace: str, event: str, values: tuple[Any, ...], *, ack: bool, timeout: float
    ) -> Outcome:
        """Emit ``event`` with ``values`` as its arguments (asking for an ack when
        ``ack``) and wait up to ``timeout`` for the ack."""

    @abc.abstractmethod
    def try_auth(self, namespace: str, auth: Any) -> tuple[bool, Any]:
        """Connect a fresh client with ``auth`` and disconnect it: (accepted, refusal)."""

    def pending(self, namespace: str) -> list[tuple[str, tuple[Any, ...]]]:
        """Events the namespace's client received since the last emit returned."""
        return []

    @abc.abstractmethod
    def close(self) -> None:
        """Disconnect every client."""


class Unreachable(SioSpecError):
    """The server cannot be reached at all (no Socket.IO server answers at the URL)."""


def _refusal(conn: _Conn, exc: BaseException) -> Any:
    """What a failed connect says: the server's ``connect_error`` data, or, in
    process, ``{"raised": "<type>"}`` for an exception the connect handler raised."""
    if conn.refusal is not None:
        return conn.refusal
    if not isinstance(exc, socketio.exceptions.SocketIOError):
        return {"raised": type(exc).__name__}
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"


class _Box:
    """Where an ack lands; a disconnect wakes the waiter too."""

    def __init__(self) -> None:
        self.values: tuple[Any, ...] | None = None
        self.done = threading.Event()

    def __call__(self, *args: Any) -> None:
        self.values = args
        self.done.set()


class _Base(Channel):
    """One client per namespace, reconnected when dropped. Subclasses say how to
    make, connect, disconnect a client and emit with it."""

    #: seconds to wait, after an event that expects no ack, for a disconnect
    grace = 0.0

    def __init__(self) -> None:
        self.conns: dict[str, _Conn] = {}
        self.auth: dict[str, Any] = {}
        self.timeout = 5.0

    # what subclasses provide
    @abc.abstractmethod
    def new_client(self) -> Any:
        """A client, not connected yet."""

    @abc.abstractmethod
    def do_connect(self, client: Any, namespace: str, auth: Any) -> None:
        """Connect ``client`` to ``namespace`` with ``auth`` (raises when refused)."""

    @abc.abstractmethod
    def do_disconnect(self, client: Any) -> None:
        """Disconnect ``client``."""

    @abc.abstractmethod
    def do_emit(
        self, client: Any, event: str, values: tuple[Any, ...], namespace: str, box: _Box | None
    ) -> None:
        """Emit with ``client``; ``box`` receives the ack (``None``: no ack asked)."""

    # the shared logic
    def _connect(self, namespace: str, auth: Any) -> tuple[_Conn, Any]:
        conn = _Conn(self.new_client(), namespace)
        try:
            self.do_connect(conn.client, namespace, auth)
            self.await_namespace(conn)
        except Exception as exc:
            refusal = _refusal(conn, exc)
            self._drop(conn)
            if self.unreachable(exc):
                raise Unreachable("no Socket.IO server answers there") from None
            return conn, refusal
        if not conn.connected():
            self._drop(conn)
            return conn, conn.refusal if conn.refusal is not None else "refused"
        return conn, None

    def _drop(self, conn: _Conn) -> None:
        try:
            self.do_disconnect(conn.client)
        except Exception:  # already gone
            pass

    def open(self, namespace: str, auth: Any) -> Any:
        old = self.conns.pop(namespace, None)
        if old is not None:
            self._drop(old)
        self.auth[namespace] = auth
        conn, refusal = self._connect(namespace, auth)
        if refusal is None:
            self.conns[namespace] = conn
        return refusal

    def conn(self, namespace: str) -> _Conn:
        conn = self.conns.get(namespace)
        if conn is None or not conn.connected():
            refusal = self.open(namespace, self.auth.get(namespace))
            if refusal is not None:
                raise ConnectionError(
                    f"the server refused to reconnect to namespace {namespace} with the same auth"
                )
            conn = self.conns[namespace]
        return conn

    def try_auth(self, namespace: str, auth: Any) -> tuple[bool, Any]:
        conn, refusal = self._connect(namespace, auth)
        if refusal is None:
            self._drop(conn)
            return True, None
        return False, refusal

    def send(
        self, namespace: str, event: str, values: tuple[Any, ...], *, ack: bool, timeout: float
    ) -> Outcome:
        self.timeout = timeout
        conn = self.conn(namespace)
        out = Outcome(earlier=conn.take())
        conn.dropped.clear()
        box = _Box()
        conn.waiter = box
        try:
            self.do_emit(conn.client, event, values, namespace, box if ack else None)
        except socketio.exceptions.SocketIOError:
            out.disconnected = True
        except Exception as exc:  # a server handler's, re-raised in process
            out.raised = type(exc).__name__
        if not out.disconnected:
            if ack:
                box.done.wait(self.wait_for_ack(timeout))
            elif self.grace:
                conn.dropped.wait(self.grace)
        conn.waiter = None
        out.answered = box.values is not None
        out.ack = box.values
        out.disconnected = out.disconnected or conn.dropped.is_set() or not conn.connected()
        out.events = conn.take()
        return out

    def pending(self, namespace: str) -> list[tuple[str, tuple[Any, ...]]]:
        conn = self.conns.get(namespace)
        return conn.take() if conn is not None else []

    def wait_for_ack(self, timeout: float) -> float:
        """How long to block for an ack once the emit returned."""
        return timeout

    def unreachable(self, exc: BaseException) -> bool:
        """Whether a failed connect means nothing answers (not a refusal)."""
        return False

    def await_namespace(self, conn: _Conn) -> None:
        """Block, after ``do_connect`` returned, until the namespace's connect is
        answered (nothing to do where ``do_connect`` already waited)."""

    def close(self) -> None:
        for conn in self.conns.values():
            self._drop(conn)
        self.conns.clear()


class LocalChannel(_Base):
    """In process, to a ``socketio.Server`` / Flask-SocketIO app, with
    :class:`sio_spec.testing.TestClient` (an emit returns once the server handled it)."""

    def __init__(self, app: Any) -> None:
        super().__init__()
        self.app = app

    def new_client(self) -> Any:
        from ..testing.clients import TestClient

        return TestClient(self.app, raise_server_exceptions=True, settle_timeout=self.timeout)

    def do_connect(self, client: Any, namespace: str, auth: Any) -> None:
        client.connect(namespaces=[namespace], auth=auth)

    def do_disconnect(self, client: Any) -> None:
        client.disconnect()

    def do_emit(
        self, client: Any, event: str, values: tuple[Any, ...], namespace: str, box: _Box | None
    ) -> None:
        client._settle_timeout = self.timeout
        client.emit(event, values, namespace=namespace, callback=box)

    def wait_for_ack(self, timeout: float) -> float:
        return 0.0  # the emit waited for the server's handlers already


class AsyncLocalChannel(_Base):
    """In process, to a ``socketio.AsyncServer`` (ASGI), with
    :class:`sio_spec.testing.AsyncTestClient` on an event loop of its own."""

    def __init__(self, app: Any) -> None:
        super().__init__()
        self.app = app
        self.loop = asyncio.new_event_loop()

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return self.loop.run_until_complete(coro)

    def new_client(self) -> Any:
        from ..testing.clients import AsyncTestClient

        async def make() -> Any:
            return AsyncTestClient(
                self.app, raise_server_exceptions=True, settle_timeout=self.timeout
            )

        return self.run(make())

    def do_connect(self, client: Any, namespace: str, auth: Any) -> None:
        self.run(client.connect(namespaces=[namespace], auth=auth))

    def do_disconnect(self, client: Any) -> None:
        self.run(client.disconnect())

    def do_emit(
        self, client: Any, event: str, values: tuple[Any, ...], namespace: str, box: _Box | None
    ) -> None:
        client._settle_timeout = self.timeout
        self.run(client.emit(event, values, namespace=namespace, callback=box))

    def wait_for_ack(self, timeout: float) -> float:
        return 0.0

    def close(self) -> None:
        super().close()
        try:
            pending = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
            for task in pending:
                task.cancel()
            if pending:
                self.run(asyncio.wait(pending, timeout=1.0))
        finally:
            self.loop.close()


class RemoteChannel(_Base):
    """Over a real connection, with python-socketio's ``Client``."""

    grace = 0.05

    def __init__(
        self,
        url: str,
        *,
        socketio_path: str = "socket.io",
        headers: dict[str, str] | None = None,
        transports: list[str] | None = None,
        connect_timeout: float | None = None,
    ) -> None:
        super().__init__()
        self.url = url
        self.socketio_path = socketio_path
        self.headers = headers or {}
        self.transports = transports
        self.connect_timeout = connect_timeout

    def new_client(self) -> Any:
        return socketio.Client(reconnection=False)

    def bound(self) -> float:
        """Seconds a connect or a disconnect may take."""
        return self.connect_timeout if self.connect_timeout is not None else self.timeout

    def unreachable(self, exc: BaseException) -> bool:
        # engine.io could not connect: no refusal, nothing there
        return engineio_connect_failed(exc)

    def do_connect(self, client: Any, namespace: str, auth: Any) -> None:
        # python-socketio's own wait for the namespaces differs between versions (up
        # to 5.11 a refused namespace still waits out the whole timeout), so the
        # client returns once engine.io is connected and ``await_namespace`` waits
        client.connect(
            self.url,
            headers=self.headers,
            auth=auth,
            transports=self.transports,
            namespaces=[namespace],
            socketio_path=self.socketio_path,
            wait=False,
        )

    def await_namespace(self, conn: _Conn) -> None:
        if not conn.settled.wait(self.bound()):
            conn.refusal = f"no answer to the connect within {self.bound():g} s"

    def do_disconnect(self, client: Any) -> None:
        # a disconnect joins the client's reader thread: never wait on it unbounded
        closing = threading.Thread(target=client.disconnect, daemon=True)
        closing.start()
        closing.join(self.bound())

    def do_emit(
        self, client: Any, event: str, values: tuple[Any, ...], namespace: str, box: _Box | None
    ) -> None:
        client.emit(event, values, namespace=namespace, callback=box)

"""In-process test clients for python-socketio servers.

:class:`TestClient` (``socketio.Server`` and Flask-SocketIO) and
:class:`AsyncTestClient` (``socketio.AsyncServer``, in the test's event loop) are
python-socketio's own ``Client`` and ``AsyncClient`` with the network transport
replaced by an in-process one: an engine.io socket registered in the server's
``eio.sockets``. Every packet is encoded and decoded as on the wire (JSON text
and binary attachments) and enters the server through its registered engine.io
``message`` handler (``_handle_eio_message``), so rooms, broadcasts,
``skip_sid``, server ``call()``\\ s and connect refusals behave as over a socket.

::

    with TestClient(sio) as client:
        client.connect(auth={"token": "abc"})
        assert client.call("add", {"a": 1, "b": 2}) == 3
        assert client.received() == [("sum", [3], "/")]

Delivery is synchronous: an emit returns after the server handled it (also
when the server runs handlers in background tasks, which the client waits
for, up to ``settle_timeout``), so :meth:`TestClient.received` lists what the
server sent in reply. Packets that change a connection (connect, disconnect,
refusal) reach the client after the server finished the step that sent them,
as they would across a socket.

This module adds no web framework to what python-socketio itself imports;
Flask is imported only to build the request environ of a Flask-SocketIO server.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import io
import logging
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, NamedTuple

import engineio
import socketio
from engineio import packet as eio_packet
from engineio.async_socket import AsyncSocket
from engineio.socket import Socket
from socketio import exceptions as sio_exceptions
from socketio import packet as sio_packet

from .adapters import flask as flask_adapter
from .client import ClientSpec
from .errors import SpecError, ValidationError

__all__ = ["AsyncTestClient", "Received", "TestClient"]

logger = logging.getLogger("sio_spec.testing")

#: Default URL of a test client: only its path, query and host reach the environ.
DEFAULT_URL = "http://testserver"
_HUB_ATTR = "_sio_spec_testing"


class _Reasons:
    """engine.io's disconnect reasons (``engineio.Client.reason`` in recent releases)."""

    CLIENT_DISCONNECT = "client disconnect"
    SERVER_DISCONNECT = "server disconnect"


_CLOSE_REASON: Any = getattr(engineio.Client, "reason", _Reasons)


def _takes_reason(handler: Callable[..., Any]) -> bool:
    """Whether an engine.io disconnect handler takes the reason (python-socketio 5.12+)."""
    try:
        return bool(inspect.signature(handler).parameters)
    except (TypeError, ValueError):
        return True


class Received(NamedTuple):
    """One event the server sent to a test client."""

    name: str
    args: list[Any]
    namespace: str


# -- what is under test ---------------------------------------------------------------------


class _Target:
    """The python-socketio server behind whatever the test passed in."""

    def __init__(self, obj: Any, flask_app: Any = None) -> None:
        from .spec import SocketIOSpec

        spec: SocketIOSpec | None = None
        if isinstance(obj, SocketIOSpec):
            spec = obj
            obj = obj._target  # the server, or the Flask-SocketIO object it was given
            if obj is None:
                raise SpecError("the spec is not attached to a server; call spec.attach() first")
        socketio_ext = None
        if hasattr(obj, "extensions") and hasattr(obj, "wsgi_app"):  # a Flask app
            flask_app = flask_app or obj
            obj = obj.extensions.get("socketio")
            if obj is None:
                raise SpecError("this Flask app has no flask_socketio.SocketIO (init_app)")
        if flask_adapter.is_flask_socketio(obj):
            socketio_ext = obj
            if obj.server is None:
                raise SpecError("this SocketIO has no server yet; call init_app(app) first")
            middleware = getattr(obj, "sockio_mw", None)
            flask_app = flask_app or getattr(middleware, "flask_app", None)
            if flask_app is None:
                raise SpecError("pass flask_app=... for a SocketIO initialised without an app")
            obj = obj.server
        for attr in ("engineio_server", "engineio_app"):  # socketio.ASGIApp / WSGIApp
            inner = getattr(obj, attr, None)
            if isinstance(inner, socketio.base_server.BaseServer):
                obj = inner
        if not isinstance(obj, socketio.base_server.BaseServer):
            raise TypeError(
                "expected a socketio.Server, socketio.AsyncServer, flask_socketio.SocketIO, "
                f"a Flask app, socketio.ASGIApp/WSGIApp or a SocketIOSpec; got {type(obj).__name__}"
            )
        self.server: Any = obj
        self.flask: Any = socketio_ext
        self.flask_app: Any = flask_app
        self.spec: SocketIOSpec | None = spec or getattr(obj, "_sio_spec", None)
        if self.spec is None and socketio_ext is not None:
            self.spec = getattr(socketio_ext, "_sio_spec", None)

    def client_spec(self, client: Any) -> ClientSpec:
        """A :class:`ClientSpec` holding ``client`` to the server's own spec."""
        if self.spec is None:
            raise SpecError("validate=True needs a SocketIOSpec attached to the server")
        return ClientSpec(client, self.spec, on_invalid_event=client._report_invalid)


# -- steps: what the server is doing for a test client ----------------------------------------


class _Step:
    """One unit of server work started by a test client (handling a packet, or a
    handler running as a background task). Connection packets the server sends
    during a step reach the client when the step ends."""

    __slots__ = ("active", "deferred")

    def __init__(self) -> None:
        self.active = True
        self.deferred: list[_Link] = []


_step: contextvars.ContextVar[_Step | None] = contextvars.ContextVar(
    "sio_spec_testing_step", default=None
)


def _in_step() -> bool:
    step = _step.get()
    return step is not None and step.active


def _wire(pkt: eio_packet.Packet) -> eio_packet.Packet:
    """The packet as the other side decodes it from the wire."""
    return eio_packet.Packet(encoded_packet=pkt.encode())


class _Hub:
    """The test clients of one server, and the hook that lets them wait for
    handlers the server runs as background tasks."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.links: dict[str, _Link] = {}
        self.is_async = bool(server.is_asyncio_based())
        self.cond = threading.Condition()
        self.running = 0  # sync: background handlers and deliveries in flight
        self.tasks: set[asyncio.Future[Any]] = set()  # async: the same, as tasks
        self.previous: Any = None
        self.wrapper: Any = None

    @classmethod
    def of(cls, server: Any) -> _Hub:
        hub: _Hub | None = server.__dict__.get(_HUB_ATTR)
        if hub is None:
            hub = cls(server)
            server.__dict__[_HUB_ATTR] = hub
        return hub

    # -- the start_background_task hook (present while links are open) --------------------
    def add(self, link: _Link) -> None:
        self.links[link.eio_sid] = link
        if self.wrapper is None:
            self.previous = self.server.__dict__.get("start_background_task")
            start = self.server.start_background_task
            self.wrapper = self._wrap(start)
            self.server.start_background_task = self.wrapper

    def remove(self, link: _Link) -> None:
        self.links.pop(link.eio_sid, None)
        if not self.links and self.wrapper is not None:
            if self.server.__dict__.get("start_background_task") is self.wrapper:
                if self.previous is None:
                    del self.server.__dict__["start_background_task"]
                else:
                    self.server.start_background_task = self.previous
                self.wrapper = None
                self.previous = None
            if self.server.__dict__.get(_HUB_ATTR) is self and self.wrapper is None:
                del self.server.__dict__[_HUB_ATTR]

    def _link_of(self, target: Any, args: tuple[Any, ...]) -> _Link | None:
        # python-socketio runs a handler as _handle_event_internal(server, sid, eio_sid, ...)
        if getattr(target, "__name__", None) != "_handle_event_internal" or len(args) < 3:
            return None
        return self.links.get(args[2])

    def _wrap(self, start: Callable[..., Any]) -> Callable[..., Any]:
        hub = self
        if self.is_async:

            def start_async(target: Any, *args: Any, **kwargs: Any) -> Any:
                link = hub._link_of(target, args) if hub.wrapper is not None else None
                if link is None:
                    return start(target, *args, **kwargs)

                async def run() -> None:
                    step = _Step()
                    token = _step.set(step)
                    try:
                        await target(*args, **kwargs)
                    except Exception as exc:
                        link.server_error(exc)
                    finally:
                        step.active = False
                        _step.reset(token)
                        await _flush_async(step)

                task = start(run)
                hub.tasks.add(task)
                task.add_done_callback(hub.tasks.discard)
                return task

            return start_async

        def start_sync(target: Any, *args: Any, **kwargs: Any) -> Any:
            link = hub._link_of(target, args) if hub.wrapper is not None else None
            if link is None:
                return start(target, *args, **kwargs)

            def run() -> None:
                step = _Step()
                token = _step.set(step)
                try:
                    target(*args, **kwargs)
                except Exception as exc:
                    link.server_error(exc)
                finally:
                    step.active = False
                    _step.reset(token)
                    _flush(step)
                    hub.done()

            hub.begin()
            try:
                return start(run)
            except BaseException:
                hub.done()
                raise

        return start_sync

    # -- waiting for the server ---------------------------------------------------------------
    def begin(self) -> None:
        with self.cond:
            self.running += 1

    def done(self) -> None:
        with self.cond:
            self.running -= 1
            self.cond.notify_all()

    def settle(self, timeout: float) -> None:
        if _in_step():  # called from inside server work: waiting would wait for itself
            return
        with self.cond:
            self.cond.wait_for(lambda: self.running <= 0, timeout)

    async def settle_async(self, timeout: float) -> None:
        if _in_step():
            return
        # a handler task usually finishes within a few loop iterations
        for _ in range(4):
            if not any(not task.done() for task in self.tasks):
                return
            await asyncio.sleep(0)
        deadline = time.monotonic() + timeout
        while pending := {task for task in self.tasks if not task.done()}:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            await asyncio.wait(pending, timeout=remaining)


def _connection_packet(server: Any, pkt: eio_packet.Packet) -> bool:
    """Whether a packet changes the connection (engine.io close, Socket.IO connect,
    disconnect, connect error): the server updates its state after sending one."""
    if pkt.packet_type == eio_packet.CLOSE:
        return True
    if pkt.packet_type != eio_packet.MESSAGE:
        return False
    data = pkt.data
    if isinstance(data, str):
        return data[:1] in ("0", "1", "4")
    if server.packet_class is sio_packet.Packet:
        return False  # binary data of the default serializer is an attachment
    try:
        kind = server.packet_class(encoded_packet=data).packet_type
    except Exception:
        return False
    return kind in (sio_packet.CONNECT, sio_packet.DISCONNECT, sio_packet.CONNECT_ERROR)


class _Link:
    """One in-process engine.io connection: a socket in the server's ``eio.sockets``
    on one side, a test client's engine.io client on the other."""

    def __init__(self, hub: _Hub, client_eio: Any, raise_errors: bool) -> None:
        self.hub = hub
        self.client_eio = client_eio
        self.raise_errors = raise_errors
        self.eio_sid: str = hub.server.eio.generate_id()
        self.lock = threading.Lock()
        self.pending: deque[eio_packet.Packet] | None = None
        self.errors: list[BaseException] = []
        self.cond = threading.Condition()
        self.error_event: asyncio.Event | None = None

    # -- errors raised by the server while handling this client -----------------------------
    def server_error(self, exc: BaseException) -> None:
        if not self.raise_errors:
            self.hub.server.eio.logger.error("message handler error", exc_info=exc)
            return
        self.report(exc)

    def report(self, exc: BaseException) -> None:
        """Keep ``exc`` to raise it in the test from the client's next call."""
        with self.cond:
            self.errors.append(exc)
            self.cond.notify_all()
        if self.error_event is not None:
            self.error_event.set()

    def pop_error(self) -> BaseException | None:
        with self.cond:
            if not self.errors:
                return None
            error = self.errors.pop(0)
            self.errors.clear()
            return error

    # -- server -> client ---------------------------------------------------------------------
    def _defer(self, pkt: eio_packet.Packet) -> bool:
        """Queue ``pkt`` behind earlier deferred packets, or when it changes the
        connection in the middle of server work; True when queued."""
        step = _step.get()
        in_step = step is not None and step.active
        with self.lock:
            if self.pending is None:
                if not _connection_packet(self.hub.server, pkt):
                    return False
                self.pending = deque()
                if step is not None and in_step:
                    step.deferred.append(self)
                else:
                    self._later()
            self.pending.append(pkt)
            return True

    def _next(self) -> eio_packet.Packet | None:
        with self.lock:
            if not self.pending:
                self.pending = None
                return None
            return self.pending.popleft()

    def _later(self) -> None:
        """Deliver deferred packets once the server code that sent them (outside any
        step: called directly by the test or by a background task) moved on."""
        if self.hub.is_async:
            task = asyncio.ensure_future(self.flush_async())
            self.hub.tasks.add(task)
            task.add_done_callback(self.hub.tasks.discard)
            return
        self.hub.begin()

        def run() -> None:
            try:
                self.flush()
            finally:
                self.hub.done()

        threading.Thread(target=run, name="sio-spec-testclient", daemon=True).start()

    def send_sync(self, pkt: eio_packet.Packet) -> None:
        pkt = _wire(pkt)
        if not self._defer(pkt):
            self.client_eio.receive(pkt)

    def flush(self) -> None:
        while (pkt := self._next()) is not None:
            self.client_eio.receive(pkt)

    async def send_async(self, pkt: eio_packet.Packet) -> None:
        pkt = _wire(pkt)
        if not self._defer(pkt):
            await self.client_eio.receive(pkt)

    async def flush_async(self) -> None:
        while (pkt := self._next()) is not None:
            await self.client_eio.receive(pkt)


def _flush(step: _Step) -> None:
    for link in step.deferred:
        link.flush()


async def _flush_async(step: _Step) -> None:
    for link in step.deferred:
        await link.flush_async()


# -- the server side: engine.io sockets that deliver in process --------------------------------


class _ServerSocket(Socket):  # type: ignore[misc]
    """A server-side engine.io socket whose transport is a :class:`_Link`."""

    closed: bool
    closing: bool

    def __init__(self, server: Any, link: _Link) -> None:
        super().__init__(server, link.eio_sid)
        self.link = link
        self.connected = True
        self.last_ping = None  # no ping cycle in process: never timed out

    def send(self, pkt: eio_packet.Packet) -> None:
        if not self.closed:
            self.link.send_sync(pkt)

    def receive(self, pkt: eio_packet.Packet) -> None:
        if pkt.packet_type != eio_packet.MESSAGE:
            super().receive(pkt)
            return
        handler = self.server.handlers.get("message")
        if handler is None:
            return
        step = _Step()
        token = _step.set(step)
        try:
            handler(self.sid, pkt.data)
        except Exception as exc:
            self.link.server_error(exc)
        finally:
            step.active = False
            _step.reset(token)
            _flush(step)

    def schedule_ping(self) -> None:
        pass

    def close(self, wait: bool = True, abort: bool = False, reason: Any = None) -> None:
        if self.closed or self.closing:
            return
        self.closing = True
        self.server._trigger_event(
            "disconnect", self.sid, reason or _CLOSE_REASON.SERVER_DISCONNECT, run_async=False
        )
        if not abort:
            self.link.send_sync(eio_packet.Packet(eio_packet.CLOSE))
        self.closed = True
        if self.server.sockets.get(self.sid) is self:
            del self.server.sockets[self.sid]


class _AsyncServerSocket(AsyncSocket):  # type: ignore[misc]
    """The asyncio twin of :class:`_ServerSocket`."""

    closed: bool
    closing: bool

    def __init__(self, server: Any, link: _Link) -> None:
        super().__init__(server, link.eio_sid)
        self.link = link
        self.connected = True
        self.last_ping = None

    async def send(self, pkt: eio_packet.Packet) -> None:
        if not self.closed:
            await self.link.send_async(pkt)

    async def receive(self, pkt: eio_packet.Packet) -> None:
        if pkt.packet_type != eio_packet.MESSAGE:
            await super().receive(pkt)
            return
        handler = self.server.handlers.get("message")
        if handler is None:
            return
        step = _Step()
        token = _step.set(step)
        try:
            await handler(self.sid, pkt.data)
        except Exception as exc:
            self.link.server_error(exc)
        finally:
            step.active = False
            _step.reset(token)
            await _flush_async(step)

    def schedule_ping(self) -> None:
        pass

    async def close(self, wait: bool = True, abort: bool = False, reason: Any = None) -> None:
        if self.closed or self.closing:
            return
        self.closing = True
        await self.server._trigger_event(
            "disconnect", self.sid, reason or _CLOSE_REASON.SERVER_DISCONNECT, run_async=False
        )
        if not abort:
            await self.link.send_async(eio_packet.Packet(eio_packet.CLOSE))
        self.closed = True
        if self.server.sockets.get(self.sid) is self:
            del self.server.sockets[self.sid]


def _refused(ret: Any) -> bool:
    return ret is not None and ret is not True


# -- the client side: engine.io clients without a network ---------------------------------------


class _EngineIOClient:
    """The part of ``engineio.Client`` python-socketio's ``Client`` uses, over a link."""

    reason = _CLOSE_REASON

    def __init__(self, owner: TestClient, **_: Any) -> None:
        self.owner = owner
        self.handlers: dict[str, Callable[..., Any]] = {}
        self.state = "disconnected"
        self.sid: str | None = None
        self.link: _Link | None = None
        self.closed = threading.Event()

    def on(self, event: str, handler: Callable[..., Any] | None = None) -> Any:
        if handler is None:
            return lambda h: self.on(event, h)
        self.handlers[event] = handler
        return handler

    def connect(
        self,
        url: Any,
        headers: Any = None,
        transports: Any = None,
        engineio_path: str = "engine.io",
    ) -> bool:
        if self.state != "disconnected":
            raise ValueError("Client is not in a disconnected state")
        owner = self.owner
        server = owner._target.server
        environ = owner._environ(url, headers or {}, engineio_path)
        hub = _Hub.of(server)
        link = _Link(hub, self, owner._raise_server_exceptions)
        sock = _ServerSocket(server.eio, link)
        server.eio.sockets[link.eio_sid] = sock
        hub.add(link)
        if _refused(server.eio._trigger_event("connect", link.eio_sid, environ, run_async=False)):
            server.eio.sockets.pop(link.eio_sid, None)
            hub.remove(link)
            raise engineio.exceptions.ConnectionError(
                "Unexpected status code 401 in server response", None
            )
        self.link, self.sid, self.state = link, link.eio_sid, "connected"
        self.closed.clear()
        self.handlers["connect"]()
        return True

    def send(self, data: Any) -> None:
        if self.state == "connected" and self.link is not None:
            self._to_server(eio_packet.Packet(eio_packet.MESSAGE, data=data))

    def _to_server(self, pkt: eio_packet.Packet) -> None:
        link = self.link
        if link is None:
            return
        sock = link.hub.server.eio.sockets.get(link.eio_sid)
        if sock is not None and not sock.closed:
            sock.receive(_wire(pkt))

    def receive(self, pkt: eio_packet.Packet) -> None:
        if pkt.packet_type == eio_packet.MESSAGE:
            handler = self.handlers.get("message")
            if handler is not None:
                try:
                    handler(pkt.data)
                except Exception:
                    self.owner.logger.exception("message handler error")
        elif pkt.packet_type == eio_packet.CLOSE:
            self.disconnect(abort=True, reason=self.reason.SERVER_DISCONNECT)

    def disconnect(self, abort: bool = False, reason: Any = None) -> None:
        if self.state == "connected":
            self._to_server(eio_packet.Packet(eio_packet.CLOSE))
            self.state = "disconnecting"
            handler = self.handlers["disconnect"]
            if _takes_reason(handler):
                handler(reason or self.reason.CLIENT_DISCONNECT)
            else:
                handler()
            self.state = "disconnected"
        self._detach()

    def _detach(self) -> None:
        link, self.link = self.link, None
        if link is not None:
            link.hub.server.eio.sockets.pop(link.eio_sid, None)
            link.hub.remove(link)
        self.sid = None
        self.state = "disconnected"
        self.closed.set()

    def transport(self) -> str:
        return "websocket"

    def create_event(self) -> threading.Event:
        return threading.Event()

    def start_background_task(self, target: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        thread = threading.Thread(target=target, args=args, kwargs=kwargs, daemon=True)
        thread.start()
        return thread

    def sleep(self, seconds: float = 0) -> None:
        time.sleep(seconds)

    def wait(self) -> None:
        self.closed.wait()


class _AsyncEngineIOClient:
    """The part of ``engineio.AsyncClient`` python-socketio's ``AsyncClient`` uses."""

    reason = _CLOSE_REASON

    def __init__(self, owner: AsyncTestClient, **_: Any) -> None:
        self.owner = owner
        self.handlers: dict[str, Callable[..., Any]] = {}
        self.state = "disconnected"
        self.sid: str | None = None
        self.link: _Link | None = None
        self.closed: asyncio.Event | None = None

    def on(self, event: str, handler: Callable[..., Any] | None = None) -> Any:
        if handler is None:
            return lambda h: self.on(event, h)
        self.handlers[event] = handler
        return handler

    async def connect(
        self,
        url: Any,
        headers: Any = None,
        transports: Any = None,
        engineio_path: str = "engine.io",
    ) -> bool:
        if self.state != "disconnected":
            raise ValueError("Client is not in a disconnected state")
        owner = self.owner
        server = owner._target.server
        environ = owner._environ(url, headers or {}, engineio_path)
        hub = _Hub.of(server)
        link = _Link(hub, self, owner._raise_server_exceptions)
        link.error_event = asyncio.Event()
        sock = _AsyncServerSocket(server.eio, link)
        server.eio.sockets[link.eio_sid] = sock
        hub.add(link)
        ret = await server.eio._trigger_event("connect", link.eio_sid, environ, run_async=False)
        if _refused(ret):
            server.eio.sockets.pop(link.eio_sid, None)
            hub.remove(link)
            raise engineio.exceptions.ConnectionError(
                "Unexpected status code 401 in server response", None
            )
        self.link, self.sid, self.state = link, link.eio_sid, "connected"
        self.closed = asyncio.Event()
        await self.handlers["connect"]()
        return True

    async def send(self, data: Any) -> None:
        if self.state == "connected" and self.link is not None:
            await self._to_server(eio_packet.Packet(eio_packet.MESSAGE, data=data))

    async def _to_server(self, pkt: eio_packet.Packet) -> None:
        link = self.link
        if link is None:
            return
        sock = link.hub.server.eio.sockets.get(link.eio_sid)
        if sock is not None and not sock.closed:
            await sock.receive(_wire(pkt))

    async def receive(self, pkt: eio_packet.Packet) -> None:
        if pkt.packet_type == eio_packet.MESSAGE:
            handler = self.handlers.get("message")
            if handler is not None:
                try:
                    await handler(pkt.data)
                except Exception:
                    self.owner.logger.exception("message handler error")
        elif pkt.packet_type == eio_packet.CLOSE:
            await self.disconnect(abort=True, reason=self.reason.SERVER_DISCONNECT)

    async def disconnect(self, abort: bool = False, reason: Any = None) -> None:
        if self.state == "connected":
            await self._to_server(eio_packet.Packet(eio_packet.CLOSE))
            self.state = "disconnecting"
            handler = self.handlers["disconnect"]
            if _takes_reason(handler):
                await handler(reason or self.reason.CLIENT_DISCONNECT)
            else:
                await handler()
            self.state = "disconnected"
        link, self.link = self.link, None
        if link is not None:
            link.hub.server.eio.sockets.pop(link.eio_sid, None)
            link.hub.remove(link)
        self.sid = None
        self.state = "disconnected"
        if self.closed is not None:
            self.closed.set()

    def transport(self) -> str:
        return "websocket"

    def create_event(self) -> asyncio.Event:
        return asyncio.Event()

    def start_background_task(self, target: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return asyncio.ensure_future(target(*args, **kwargs))

    async def sleep(self, seconds: float = 0) -> None:
        await asyncio.sleep(seconds)

    async def wait(self) -> None:
        if self.closed is not None:
            await self.closed.wait()


# -- the environ a handler sees ---------------------------------------------------------------


def _environ(
    target: _Target,
    url: Any,
    headers: Mapping[str, str],
    engineio_path: str,
    query_string: str | None,
    extra: Mapping[str, Any] | None,
    flask_test_client: Any,
) -> dict[str, Any]:
    """The request environ of the websocket handshake, as the server's web layer
    would build it (WSGI keys; ``asgi.scope`` too in ASGI mode; Flask's own
    environ with ``flask.app`` for Flask-SocketIO)."""
    parts = urllib.parse.urlsplit(str(url) if url else DEFAULT_URL)
    scheme = "https" if parts.scheme in ("https", "wss") else "http"
    host = parts.hostname or "testserver"
    port = parts.port or (443 if scheme == "https" else 80)
    path = "/" + engineio_path.strip("/") + "/"
    query = "&".join(q for q in (parts.query, query_string or "") if q)
    query = f"{query}&transport=websocket&EIO=4" if query else "transport=websocket&EIO=4"
    header_items = [(str(k), str(v)) for k, v in dict(headers).items()]
    if target.flask is not None:
        from flask.testing import EnvironBuilder

        # Flask's test environ (server name "localhost" unless the URL names a
        # host), so cookies of a Flask test client match
        base_url = None if url in (None, DEFAULT_URL) else f"{scheme}://{parts.netloc}"
        environ: dict[str, Any] = EnvironBuilder(
            target.flask_app,
            path=path,
            base_url=base_url,
            query_string=query,
            headers=header_items,
        ).get_environ()
        environ["flask.app"] = target.flask_app
        if flask_test_client is not None:
            flask_test_client._add_cookies_to_wsgi(environ)
    else:
        environ = {
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "RAW_URI": f"{path}?{query}",
            "SERVER_NAME": host,
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "REMOTE_PORT": "50000",
            "HTTP_HOST": host if parts.port is None else f"{host}:{port}",
            "HTTP_CONNECTION": "Upgrade",
            "HTTP_UPGRADE": "websocket",
            "wsgi.url_scheme": scheme,
            "wsgi.input": io.BytesIO(b""),
        }
        for name, value in header_items:
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value
            else:
                environ["HTTP_" + key] = value
        if target.server.async_mode == "asgi":
            environ["asgi.scope"] = {
                "type": "websocket",
                "scheme": "wss" if scheme == "https" else "ws",
                "path": path,
                "raw_path": path.encode(),
                "query_string": query.encode(),
                "root_path": "",
                "headers": [(k.lower().encode(), v.encode()) for k, v in header_items]
                + [(b"host", environ["HTTP_HOST"].encode())],
                "client": ("127.0.0.1", 50000),
                "server": (host, port),
            }
    if extra:
        environ.update(extra)
    return environ


# -- the clients ---------------------------------------------------------------------------------


class _Common:
    """What both test clients add to python-socketio's clients."""

    __test__ = False  # not a pytest test class

    _target: _Target
    _validate: bool
    _raise_server_exceptions: bool
    _settle_timeout: float
    _received: list[Received]
    _received_lock: threading.Lock
    _query_string: str | None
    _extra_environ: Mapping[str, Any] | None
    _flask_test_client: Any

    def _setup(
        self,
        app: Any,
        *,
        flask_app: Any,
        validate: bool,
        raise_server_exceptions: bool,
        settle_timeout: float,
        query_string: str | None,
        environ: Mapping[str, Any] | None,
        flask_test_client: Any,
    ) -> None:
        self._target = _Target(app, flask_app)
        self._validate = validate
        if validate and self._target.spec is None:
            raise SpecError("validate=True needs a SocketIOSpec attached to the server")
        self._raise_server_exceptions = raise_server_exceptions
        self._settle_timeout = settle_timeout
        self._received = []
        self._received_lock = threading.Lock()
        self._query_string = query_string
        self._extra_environ = environ
        self._flask_test_client = flask_test_client

    @property
    def server(self) -> Any:
        """The python-socketio server under test."""
        return self._target.server

    def _environ(self, url: Any, headers: Mapping[str, str], engineio_path: str) -> dict[str, Any]:
        return _environ(
            self._target,
            url,
            headers,
            engineio_path,
            self._query_string,
            self._extra_environ,
            self._flask_test_client,
        )

    def _record(self, namespace: str | None, data: list[Any]) -> None:
        """Record an event from the server, as it was sent."""
        with self._received_lock:
            self._received.append(Received(data[0], list(data[1:]), namespace or "/"))

    def _report_invalid(self, err: ValidationError) -> None:
        """With ``validate=True``: a server event outside the contract is raised from
        the client's next call (its handler was not called)."""
        link = self._link()
        if link is not None:
            link.report(err)

    def _hold_to_spec(self) -> None:
        if self._validate:
            self._target.client_spec(self)

    def _take(self, namespace: str | None) -> list[Received]:
        with self._received_lock:
            if namespace is None:
                out, self._received = self._received, []
            else:
                out = [r for r in self._received if r.namespace == namespace]
                self._received = [r for r in self._received if r.namespace != namespace]
        return out

    def _link(self) -> _Link | None:
        return getattr(self.eio, "link", None)  # type: ignore[attr-defined]

    def _raise_pending(self, link: _Link | None = None) -> None:
        link = link or self._link()
        if link is not None:
            error = link.pop_error()
            if error is not None:
                raise error


def _result(values: tuple[Any, ...]) -> Any:
    """``call()``'s return value for the ack arguments, as python-socketio gives it."""
    if len(values) > 1:
        return values
    return values[0] if values else None


class TestClient(_Common, socketio.Client):  # type: ignore[misc]
    """python-socketio's ``Client``, connected in process to ``app``.

    ``app`` is a ``socketio.Server``, a ``flask_socketio.SocketIO`` (or its Flask
    app), a ``socketio.WSGIApp`` or a :class:`~sio_spec.SocketIOSpec` attached to
    one of them. The API and life cycle are the client's: :meth:`connect` (the
    URL is optional; its path, query and host reach the environ), ``emit``,
    :meth:`call`, ``on``, ``disconnect``, ``sid``, ``get_sid(namespace)``,
    ``connected``; a refused connection raises ``socketio.exceptions.ConnectionError``
    and calls the ``connect_error`` handler with the server's data.

    Options: ``validate=True`` holds the client to the spec attached to the server
    with a :class:`~sio_spec.ClientSpec`: what it sends is checked
    (``EmitValidationError``, nothing sent), handlers and ``call()`` get the
    server's models, an ack outside the contract raises ``AckValidationError``
    and the server's error acks ``RemoteValidationError`` / ``RemoteInternalError``;
    a server event outside the contract is not handed to handlers and its
    ``EmitValidationError`` is raised from the client's next call. ``received()``
    lists events as the server sent them.
    ``raise_server_exceptions=True`` re-raises, in the test, an exception a server
    handler raised for this client (off: it is logged, as the server would).
    ``settle_timeout`` bounds how long a call waits for handlers the server runs
    as background tasks. ``headers`` / ``query_string`` / ``environ`` shape the
    handshake request; ``flask_test_client`` lends a Flask test client's cookies
    (the Flask session) to Flask-SocketIO handlers. Other keyword arguments go to
    ``socketio.Client`` (``reconnection`` defaults to False here).
    """

    def __init__(
        self,
        app: Any,
        *,
        validate: bool = False,
        raise_server_exceptions: bool = True,
        settle_timeout: float = 5.0,
        headers: Mapping[str, str] | None = None,
        query_string: str | None = None,
        environ: Mapping[str, Any] | None = None,
        flask_app: Any = None,
        flask_test_client: Any = None,
        reconnection: bool = False,
        handle_sigint: bool = False,
        **kwargs: Any,
    ) -> None:
        self._setup(
            app,
            flask_app=flask_app,
            validate=validate,
            raise_server_exceptions=raise_server_exceptions,
            settle_timeout=settle_timeout,
            query_string=query_string,
            environ=environ,
            flask_test_client=flask_test_client,
        )
        if self._target.server.is_asyncio_based():
            raise TypeError("this is a socketio.AsyncServer: use AsyncTestClient")
        self._headers = dict(headers or {})
        super().__init__(reconnection=reconnection, handle_sigint=handle_sigint, **kwargs)
        self._hold_to_spec()

    def _engineio_client_class(self) -> Callable[..., Any]:
        return functools.partial(_EngineIOClient, self)

    def __enter__(self) -> TestClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.disconnect()

    def _settle(self) -> None:
        hub = self._target.server.__dict__.get(_HUB_ATTR)
        if hub is not None:
            hub.settle(self._settle_timeout)

    def connect(
        self,
        url: Any = DEFAULT_URL,
        headers: Mapping[str, str] | None = None,
        auth: Any = None,
        transports: Any = None,
        namespaces: Any = None,
        socketio_path: str = "socket.io",
        wait: bool = True,
        wait_timeout: float = 1,
        retry: bool = False,
    ) -> None:
        """Connect to the server in process; arguments as ``socketio.Client.connect``."""
        merged = {**self._headers, **dict(headers or {})}
        super().connect(
            url,
            headers=merged,
            auth=auth,
            transports=transports,
            namespaces=namespaces,
            socketio_path=socketio_path,
            wait=wait,
            wait_timeout=wait_timeout,
            retry=retry,
        )
        self._settle()
        self._raise_pending()

    def _handle_eio_connect(self) -> None:
        # the link exists from here on: keep it to report a server error raised
        # while the namespaces connect, even after the client gave up
        super()._handle_eio_connect()
        link = self._link()
        if link is not None and link.errors:
            error = link.pop_error()
            self.eio.disconnect()
            if error is not None:
                raise error

    def emit(
        self,
        event: str,
        data: Any = None,
        namespace: str | None = None,
        callback: Callable[..., Any] | None = None,
    ) -> None:
        """Send an event (as ``socketio.Client.emit``) and wait until the server
        handled it; raises what a server handler raised for it."""
        super().emit(event, data=data, namespace=namespace, callback=callback)
        self._settle()
        self._raise_pending()

    def call(
        self, event: str, data: Any = None, namespace: str | None = None, timeout: float = 60
    ) -> Any:
        """Send an event and return the server's ack, as ``socketio.Client.call``
        (``socketio.exceptions.TimeoutError`` when none comes within ``timeout``)."""
        link = self._link()
        box: list[tuple[Any, ...]] = []
        cond = link.cond if link is not None else threading.Condition()

        def on_ack(*args: Any) -> None:
            with cond:
                box.append(args)
                cond.notify_all()

        self.emit(event, data, namespace=namespace, callback=on_ack)
        with cond:
            cond.wait_for(lambda: bool(box) or bool(link and link.errors), timeout)
        self._raise_pending(link)
        if not box:
            raise sio_exceptions.TimeoutError()
        return _result(box[0])

    def disconnect(self) -> None:
        """Disconnect from the server, as ``socketio.Client.disconnect``."""
        super().disconnect()
        self._settle()

    def received(self, namespace: str | None = None) -> list[Received]:
        """The events the server sent since the last call, oldest first, as
        :class:`Received` ``(name, args, namespace)`` tuples, and forget them.
        ``namespace`` keeps only that namespace's events (``None``: all)."""
        self._settle()
        self._raise_pending()
        return self._take(namespace)

    def _handle_event(self, namespace: str | None, id: Any, data: list[Any]) -> None:
        self._record(namespace, data)
        super()._handle_event(namespace, id, data)


class AsyncTestClient(_Common, socketio.AsyncClient):  # type: ignore[misc]
    """python-socketio's ``AsyncClient``, connected in process to a
    ``socketio.AsyncServer`` (or a ``socketio.ASGIApp`` / :class:`SocketIOSpec`
    around one), running in the test's own event loop. Same options and
    behaviour as :class:`TestClient`; the methods are coroutines, except
    :meth:`received`, which is one too so it can wait for the server's tasks.
    """

    def __init__(
        self,
        app: Any,
        *,
        validate: bool = False,
        raise_server_exceptions: bool = True,
        settle_timeout: float = 5.0,
        headers: Mapping[str, str] | None = None,
        query_string: str | None = None,
        environ: Mapping[str, Any] | None = None,
        reconnection: bool = False,
        handle_sigint: bool = False,
        **kwargs: Any,
    ) -> None:
        self._setup(
            app,
            flask_app=None,
            validate=validate,
            raise_server_exceptions=raise_server_exceptions,
            settle_timeout=settle_timeout,
            query_string=query_string,
            environ=environ,
            flask_test_client=None,
        )
        if not self._target.server.is_asyncio_based():
            raise TypeError("this is a synchronous socketio.Server: use TestClient")
        self._headers = dict(headers or {})
        super().__init__(reconnection=reconnection, handle_sigint=handle_sigint, **kwargs)
        self._hold_to_spec()

    def _engineio_client_class(self) -> Callable[..., Any]:
        return functools.partial(_AsyncEngineIOClient, self)

    async def __aenter__(self) -> AsyncTestClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.disconnect()

    async def _settle(self) -> None:
        hub = self._target.server.__dict__.get(_HUB_ATTR)
        if hub is not None:
            await hub.settle_async(self._settle_timeout)

    async def connect(
        self,
        url: Any = DEFAULT_URL,
        headers: Mapping[str, str] | None = None,
        auth: Any = None,
        transports: Any = None,
        namespaces: Any = None,
        socketio_path: str = "socket.io",
        wait: bool = True,
        wait_timeout: float = 1,
        retry: bool = False,
    ) -> None:
        """Connect to the server in process; arguments as ``socketio.AsyncClient.connect``."""
        merged = {**self._headers, **dict(headers or {})}
        await super().connect(
            url,
            headers=merged,
            auth=auth,
            transports=transports,
            namespaces=namespaces,
            socketio_path=socketio_path,
            wait=wait,
            wait_timeout=wait_timeout,
            retry=retry,
        )
        await self._settle()
        self._raise_pending()

    async def _handle_eio_connect(self) -> None:
        await super()._handle_eio_connect()
        link = self._link()
        if link is not None and link.errors:
            error = link.pop_error()
            await self.eio.disconnect()
            if error is not None:
                raise error

    async def emit(
        self,
        event: str,
        data: Any = None,
        namespace: str | None = None,
        callback: Callable[..., Any] | None = None,
    ) -> None:
        """Send an event and wait until the server handled it."""
        await super().emit(event, data=data, namespace=namespace, callback=callback)
        await self._settle()
        self._raise_pending()

    async def call(
        self, event: str, data: Any = None, namespace: str | None = None, timeout: float = 60
    ) -> Any:
        """Send an event and return the server's ack, as ``socketio.AsyncClient.call``."""
        link = self._link()
        box: list[tuple[Any, ...]] = []
        acked = asyncio.Event()

        def on_ack(*args: Any) -> None:
            box.append(args)
            acked.set()

        await self.emit(event, data, namespace=namespace, callback=on_ack)
        if not box:
            waiters: list[Awaitable[Any]] = [acked.wait()]
            if link is not None and link.error_event is not None:
                waiters.append(link.error_event.wait())
            tasks = [asyncio.ensure_future(w) for w in waiters]
            try:
                await asyncio.wait(tasks, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in tasks:
                    task.cancel()
        if link is not None and link.error_event is not None:
            link.error_event.clear()
        self._raise_pending(link)
        if not box:
            raise sio_exceptions.TimeoutError()
        return _result(box[0])

    async def disconnect(self) -> None:
        """Disconnect from the server, as ``socketio.AsyncClient.disconnect``."""
        await super().disconnect()
        await self._settle()

    async def received(self, namespace: str | None = None) -> list[Received]:
        """The events the server sent since the last call (see
        :meth:`TestClient.received`), after the server's pending tasks ran."""
        await self._settle()
        self._raise_pending()
        return self._take(namespace)

    async def _handle_event(self, namespace: str | None, id: Any, data: list[Any]) -> None:
        self._record(namespace, data)
        await super()._handle_event(namespace, id, data)


from .fuzz import fuzz as fuzz  # noqa: E402  (sio_spec.testing.fuzz: the contract fuzzer)

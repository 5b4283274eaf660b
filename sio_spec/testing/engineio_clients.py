"""The client side of the test transport: engine.io clients without a network.

python-socketio's ``Client`` / ``AsyncClient`` talk to an engine.io client; the
test clients give them these instead, which open a :class:`~.transport.Link` to
the server and register a server socket for it. The sync and asyncio clients
differ only where one awaits.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import engineio
from engineio import packet as eio_packet

from .._socketio_internals import eio_sockets, trigger_event
from ..errors import SpecValueError
from .sockets import CLOSE_REASON, AsyncServerSocket, ServerSocket, register
from .target import Target
from .transport import Hub, Link, wire

__all__ = ["AsyncEngineIOClient", "EngineIOClient"]


class Owner(Protocol):
    """What an engine.io client reads from the test client that owns it."""

    _target: Target
    _raise_server_exceptions: bool
    logger: Any

    def _environ(
        self, url: Any, headers: Mapping[str, str], engineio_path: str
    ) -> dict[str, Any]: ...


def takes_reason(handler: Callable[..., Any]) -> bool:
    """Whether an engine.io disconnect handler takes the reason (python-socketio 5.12+)."""
    try:
        return bool(inspect.signature(handler).parameters)
    except (TypeError, ValueError):
        return True


def refused(ret: Any) -> bool:
    """Whether a connect handler's return value refuses the connection."""
    return ret is not None and ret is not True


class _Base:
    """What both engine.io clients share: the link's life cycle."""

    reason = CLOSE_REASON

    def __init__(self, owner: Owner, **_: Any) -> None:
        self.owner = owner
        self.handlers: dict[str, Callable[..., Any]] = {}
        self.state = "disconnected"
        self.sid: str | None = None
        self.link: Link | None = None

    def on(self, event: str, handler: Callable[..., Any] | None = None) -> Any:
        if handler is None:
            return lambda h: self.on(event, h)
        self.handlers[event] = handler
        return handler

    def _open(
        self, url: Any, headers: Mapping[str, str] | None, engineio_path: str
    ) -> tuple[Link, dict[str, Any]]:
        """A link to the server with its socket registered, and the handshake environ."""
        if self.state != "disconnected":
            raise SpecValueError("Client is not in a disconnected state")
        owner = self.owner
        server = owner._target.server
        environ = owner._environ(url, headers or {}, engineio_path)
        hub = Hub.of(server)
        link = Link(hub, self, owner._raise_server_exceptions)
        if hub.is_async:
            link.error_event = asyncio.Event()
            register(server, AsyncServerSocket(server.eio, link))
        else:
            register(server, ServerSocket(server.eio, link))
        hub.add(link)
        return link, environ

    def _refuse(self, link: Link) -> None:
        eio_sockets(link.hub.server).pop(link.eio_sid, None)
        link.hub.remove(link)
        raise engineio.exceptions.ConnectionError(
            "Unexpected status code 401 in server response", None
        )

    def _opened(self, link: Link) -> None:
        self.link, self.sid, self.state = link, link.eio_sid, "connected"

    def _server_socket(self) -> Any:
        """The server's socket of this link, while it is open."""
        link = self.link
        if link is None:
            return None
        sock = eio_sockets(link.hub.server).get(link.eio_sid)
        return None if sock is None or sock.closed else sock

    def _disconnect_handler(self, reason: Any) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        """python-socketio's disconnect handler and its arguments."""
        handler = self.handlers["disconnect"]
        if takes_reason(handler):
            return handler, (reason or self.reason.CLIENT_DISCONNECT,)
        return handler, ()

    def _detach(self) -> None:
        link, self.link = self.link, None
        if link is not None:
            eio_sockets(link.hub.server).pop(link.eio_sid, None)
            link.hub.remove(link)
        self.sid = None
        self.state = "disconnected"

    def transport(self) -> str:
        return "websocket"


class EngineIOClient(_Base):
    """The part of ``engineio.Client`` python-socketio's ``Client`` uses, over a link."""

    def __init__(self, owner: Owner, **kwargs: Any) -> None:
        super().__init__(owner, **kwargs)
        self.closed = threading.Event()

    def connect(
        self,
        url: Any,
        headers: Any = None,
        transports: Any = None,
        engineio_path: str = "engine.io",
    ) -> bool:
        link, environ = self._open(url, headers, engineio_path)
        connect = trigger_event(link.hub.server.eio)
        if refused(connect("connect", link.eio_sid, environ, run_async=False)):
            self._refuse(link)
        self._opened(link)
        self.closed.clear()
        self.handlers["connect"]()
        return True

    def send(self, data: Any) -> None:
        if self.state == "connected" and self.link is not None:
            self._to_server(eio_packet.Packet(eio_packet.MESSAGE, data=data))

    def _to_server(self, pkt: eio_packet.Packet) -> None:
        sock = self._server_socket()
        if sock is not None:
            sock.receive(wire(pkt))

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
            handler, args = self._disconnect_handler(reason)
            handler(*args)
            self.state = "disconnected"
        self._detach()
        self.closed.set()

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


class AsyncEngineIOClient(_Base):
    """The part of ``engineio.AsyncClient`` python-socketio's ``AsyncClient`` uses."""

    def __init__(self, owner: Owner, **kwargs: Any) -> None:
        super().__init__(owner, **kwargs)
        self.closed: asyncio.Event | None = None

    async def connect(
        self,
        url: Any,
        headers: Any = None,
        transports: Any = None,
        engineio_path: str = "engine.io",
    ) -> bool:
        link, environ = self._open(url, headers, engineio_path)
        connect = trigger_event(link.hub.server.eio)
        if refused(await connect("connect", link.eio_sid, environ, run_async=False)):
            self._refuse(link)
        self._opened(link)
        self.closed = asyncio.Event()
        await self.handlers["connect"]()
        return True

    async def send(self, data: Any) -> None:
        if self.state == "connected" and self.link is not None:
            await self._to_server(eio_packet.Packet(eio_packet.MESSAGE, data=data))

    async def _to_server(self, pkt: eio_packet.Packet) -> None:
        sock = self._server_socket()
        if sock is not None:
            await sock.receive(wire(pkt))

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
            handler, args = self._disconnect_handler(reason)
            await handler(*args)
            self.state = "disconnected"
        self._detach()
        if self.closed is not None:
            self.closed.set()

    def create_event(self) -> asyncio.Event:
        return asyncio.Event()

    def start_background_task(self, target: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return asyncio.ensure_future(target(*args, **kwargs))

    async def sleep(self, seconds: float = 0) -> None:
        await asyncio.sleep(seconds)

    async def wait(self) -> None:
        if self.closed is not None:
            await self.closed.wait()

"""The server side of the test transport: engine.io sockets that deliver in process.

Each socket sits in the server's ``eio.sockets`` like a websocket's, and hands every
message packet to the server's registered engine.io ``message`` handler inside a
:class:`~.transport.Step`. The sync and asyncio sockets differ only where one awaits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import engineio
from engineio import packet as eio_packet
from engineio.async_socket import AsyncSocket
from engineio.socket import Socket

from .._socketio_internals import eio_sockets, trigger_event
from .transport import Link, Step

__all__ = ["CLOSE_REASON", "AsyncServerSocket", "ServerSocket"]


class _Reasons:
    """engine.io's disconnect reasons (``engineio.Client.reason`` in recent releases)."""

    CLIENT_DISCONNECT = "client disconnect"
    SERVER_DISCONNECT = "server disconnect"


#: engine.io's disconnect reasons, also where the installed release has none.
CLOSE_REASON: Any = getattr(engineio.Client, "reason", _Reasons)


class _InProcess:
    """What both server sockets add to engine.io's: a :class:`Link` as transport."""

    server: Any
    sid: str
    closed: bool
    closing: bool

    def _join(self, link: Link) -> None:
        self.link = link
        self.connected = True
        self.last_ping = None  # no ping cycle in process: never timed out

    def _message_handler(self) -> Callable[..., Any] | None:
        handler: Callable[..., Any] | None = self.server.handlers.get("message")
        return handler

    def _start_closing(self) -> bool:
        """Mark the socket closing; False when it is closed or closing already."""
        if self.closed or self.closing:
            return False
        self.closing = True
        return True

    def _disconnect_args(self, reason: Any) -> tuple[Any, ...]:
        return ("disconnect", self.sid, reason or CLOSE_REASON.SERVER_DISCONNECT)

    def _finish_closing(self) -> None:
        self.closed = True
        sockets = self.server.sockets
        if sockets.get(self.sid) is self:
            del sockets[self.sid]

    def schedule_ping(self) -> None:
        pass


class ServerSocket(_InProcess, Socket):  # type: ignore[misc]
    """A server-side engine.io socket whose transport is a :class:`Link`."""

    def __init__(self, server: Any, link: Link) -> None:
        super().__init__(server, link.eio_sid)
        self._join(link)

    def send(self, pkt: eio_packet.Packet) -> None:
        if not self.closed:
            self.link.send_sync(pkt)

    def receive(self, pkt: eio_packet.Packet) -> None:
        if pkt.packet_type != eio_packet.MESSAGE:
            super().receive(pkt)
            return
        handler = self._message_handler()
        if handler is None:
            return
        with Step(self.link) as step:
            handler(self.sid, pkt.data)
        step.flush()

    def close(self, wait: bool = True, abort: bool = False, reason: Any = None) -> None:
        if not self._start_closing():
            return
        trigger_event(self.server)(*self._disconnect_args(reason), run_async=False)
        if not abort:
            self.link.send_sync(eio_packet.Packet(eio_packet.CLOSE))
        self._finish_closing()


class AsyncServerSocket(_InProcess, AsyncSocket):  # type: ignore[misc]
    """The asyncio twin of :class:`ServerSocket`."""

    def __init__(self, server: Any, link: Link) -> None:
        super().__init__(server, link.eio_sid)
        self._join(link)

    async def send(self, pkt: eio_packet.Packet) -> None:
        if not self.closed:
            await self.link.send_async(pkt)

    async def receive(self, pkt: eio_packet.Packet) -> None:
        if pkt.packet_type != eio_packet.MESSAGE:
            await super().receive(pkt)
            return
        handler = self._message_handler()
        if handler is None:
            return
        with Step(self.link) as step:
            await handler(self.sid, pkt.data)
        await step.flush_async()

    async def close(self, wait: bool = True, abort: bool = False, reason: Any = None) -> None:
        if not self._start_closing():
            return
        await trigger_event(self.server)(*self._disconnect_args(reason), run_async=False)
        if not abort:
            await self.link.send_async(eio_packet.Packet(eio_packet.CLOSE))
        self._finish_closing()


def register(server: Any, sock: ServerSocket | AsyncServerSocket) -> None:
    """Put ``sock`` in the server's engine.io sockets."""
    eio_sockets(server)[sock.sid] = sock

"""The in-process transport of the test clients: links, steps and the hub.

A :class:`Link` is one engine.io connection without a network: a socket in the
server's ``eio.sockets`` on one side (:mod:`.sockets`), a test client's engine.io
client on the other (:mod:`.engineio_clients`). Every packet is encoded and
decoded as on the wire.

A :class:`Step` is one unit of server work started by a test client: handling a
packet, or a handler the server runs as a background task. Packets that change a
connection (connect, disconnect, refusal) sent during a step reach the client
when the step ends, as they would across a socket. The :class:`Hub` of a server
counts the steps in flight so a test client can wait for them.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import Any

from engineio import packet as eio_packet
from socketio import packet as sio_packet

from .._socketio_internals import HANDLE_EVENT_INTERNAL, new_eio_sid

__all__ = ["Hub", "Link", "Step", "in_step", "wire"]

_HUB_ATTR = "_sio_spec_testing"


class Step:
    """One unit of server work for a test client, entered as a context manager.

    Leaving it ends the step; an ``Exception`` raised inside goes to ``link``'s
    :meth:`Link.server_error` instead of propagating. Packets deferred during the
    step are delivered by :meth:`flush` / :meth:`flush_async` after it ends.
    """

    __slots__ = ("active", "deferred", "link", "token")

    def __init__(self, link: Link | None = None) -> None:
        self.active = True
        self.deferred: list[Link] = []
        self.link = link
        self.token: contextvars.Token[Step | None] | None = None

    def __enter__(self) -> Step:
        self.token = _step.set(self)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        self.active = False
        if self.token is not None:
            _step.reset(self.token)
        if isinstance(exc, Exception) and self.link is not None:
            self.link.server_error(exc)
            return True
        return False

    def flush(self) -> None:
        for link in self.deferred:
            link.flush()

    async def flush_async(self) -> None:
        for link in self.deferred:
            await link.flush_async()


_step: contextvars.ContextVar[Step | None] = contextvars.ContextVar(
    "sio_spec_testing_step", default=None
)


def in_step() -> bool:
    """Whether the caller runs inside server work started by a test client."""
    step = _step.get()
    return step is not None and step.active


def wire(pkt: eio_packet.Packet) -> eio_packet.Packet:
    """The packet as the other side decodes it from the wire."""
    return eio_packet.Packet(encoded_packet=pkt.encode())


class Hub:
    """The test clients of one server, and the hook that lets them wait for
    handlers the server runs as background tasks."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.links: dict[str, Link] = {}
        self.is_async = bool(server.is_asyncio_based())
        self.cond = threading.Condition()
        self.running = 0  # sync: background handlers and deliveries in flight
        self.tasks: set[asyncio.Future[Any]] = set()  # async: the same, as tasks
        self.previous: Any = None
        self.wrapper: Any = None

    @classmethod
    def of(cls, server: Any) -> Hub:
        hub = cls.current(server)
        if hub is None:
            hub = cls(server)
            server.__dict__[_HUB_ATTR] = hub
        return hub

    @staticmethod
    def current(server: Any) -> Hub | None:
        """The hub of ``server`` while a test client is connected to it."""
        hub: Hub | None = server.__dict__.get(_HUB_ATTR)
        return hub

    # -- the start_background_task hook (present while links are open) --------------------
    def add(self, link: Link) -> None:
        self.links[link.eio_sid] = link
        if self.wrapper is None:
            self.previous = self.server.__dict__.get("start_background_task")
            start = self.server.start_background_task
            self.wrapper = self._wrap_async(start) if self.is_async else self._wrap_sync(start)
            self.server.start_background_task = self.wrapper

    def remove(self, link: Link) -> None:
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

    def _link_of(self, target: Any, args: tuple[Any, ...]) -> Link | None:
        # python-socketio runs a handler as _handle_event_internal(server, sid, eio_sid, ...)
        if self.wrapper is None or len(args) < 3:
            return None
        if getattr(target, "__name__", None) != HANDLE_EVENT_INTERNAL:
            return None
        return self.links.get(args[2])

    def _wrap_sync(self, start: Callable[..., Any]) -> Callable[..., Any]:
        def start_sync(target: Any, *args: Any, **kwargs: Any) -> Any:
            link = self._link_of(target, args)
            if link is None:
                return start(target, *args, **kwargs)

            def run() -> None:
                step = Step(link)
                try:
                    with step:
                        target(*args, **kwargs)
                finally:
                    step.flush()
                    self.done()

            self.begin()
            try:
                return start(run)
            except BaseException:
                self.done()
                raise

        return start_sync

    def _wrap_async(self, start: Callable[..., Any]) -> Callable[..., Any]:
        def start_async(target: Any, *args: Any, **kwargs: Any) -> Any:
            link = self._link_of(target, args)
            if link is None:
                return start(target, *args, **kwargs)

            async def run() -> None:
                step = Step(link)
                try:
                    with step:
                        await target(*args, **kwargs)
                finally:
                    await step.flush_async()

            task = start(run)
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
            return task

        return start_async

    # -- waiting for the server ---------------------------------------------------------------
    def begin(self) -> None:
        with self.cond:
            self.running += 1

    def done(self) -> None:
        with self.cond:
            self.running -= 1
            self.cond.notify_all()

    def settle(self, timeout: float) -> None:
        if in_step():  # called from inside server work: waiting would wait for itself
            return
        with self.cond:
            self.cond.wait_for(lambda: self.running <= 0, timeout)

    async def settle_async(self, timeout: float) -> None:
        if in_step():
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


def connection_packet(server: Any, pkt: eio_packet.Packet) -> bool:
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


class Link:
    """One in-process engine.io connection: a socket in the server's ``eio.sockets``
    on one side, a test client's engine.io client on the other."""

    def __init__(self, hub: Hub, client_eio: Any, raise_errors: bool) -> None:
        self.hub = hub
        self.client_eio = client_eio
        self.raise_errors = raise_errors
        self.eio_sid: str = new_eio_sid(hub.server)
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
        with self.lock:
            if self.pending is None:
                if not connection_packet(self.hub.server, pkt):
                    return False
                self.pending = deque()
                if step is not None and step.active:
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
        pkt = wire(pkt)
        if not self._defer(pkt):
            self.client_eio.receive(pkt)

    def flush(self) -> None:
        while (pkt := self._next()) is not None:
            self.client_eio.receive(pkt)

    async def send_async(self, pkt: eio_packet.Packet) -> None:
        pkt = wire(pkt)
        if not self._defer(pkt):
            await self.client_eio.receive(pkt)

    async def flush_async(self) -> None:
        while (pkt := self._next()) is not None:
            await self.client_eio.receive(pkt)

"""Shared helpers: stubbed servers driven through their real packet path.

A server is driven through ``_handle_eio_message`` (decode, dispatch, handler,
ack encode) with ``_send_packet`` replaced on the instance by a function that
encodes the packet and drops it, so the measured path is python-socketio's own
plus whatever sio-spec adds, without sockets.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from typing import Any

import socketio
from pydantic import BaseModel

EIO_SID = "bench-eio-sid"

MOVE = {"game_id": 1, "x": 1, "y": 2}


class MakeMove(BaseModel):
    """The 3-field payload every benchmark sends."""

    game_id: int
    x: int
    y: int


class MoveAck(BaseModel):
    """Its ack."""

    ok: bool


def _encode_only(eio_sid: str, pkt: Any) -> None:
    pkt.encode()


async def _aencode_only(eio_sid: str, pkt: Any) -> None:
    pkt.encode()


def connected_server(server: Any) -> str:
    """Connect a fake client to ``/`` on a sync server; returns its sid."""
    server._send_packet = _encode_only
    server._handle_eio_connect(EIO_SID, {"REMOTE_ADDR": "127.0.0.1"})
    server._handle_eio_message(EIO_SID, "0")
    return server.manager.sid_from_eio_sid(EIO_SID, "/")  # type: ignore[no-any-return]


def connected_async_server(server: Any, loop: asyncio.AbstractEventLoop) -> str:
    server._send_packet = _aencode_only
    loop.run_until_complete(server._handle_eio_connect(EIO_SID, {"REMOTE_ADDR": "127.0.0.1"}))
    loop.run_until_complete(server._handle_eio_message(EIO_SID, "0"))
    return server.manager.sid_from_eio_sid(EIO_SID, "/")  # type: ignore[no-any-return]


def sync_server() -> Any:
    return socketio.Server(async_handlers=False)


def async_server() -> Any:
    return socketio.AsyncServer(async_handlers=False)


def interleave(
    variants: dict[str, Callable[[int], float]], *, rounds: int, n: int
) -> dict[str, float]:
    """Run each variant ``n`` times per round, alternating, and return the median
    time per operation in microseconds. ``variant(n)`` returns elapsed seconds."""
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, run in variants.items():
            samples[name].append(run(n) / n * 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}


def timed_sync(step: Callable[[], Any]) -> Callable[[int], float]:
    def run(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            step()
        return time.perf_counter() - start

    return run


def timed_async(step: Callable[[], Any], loop: asyncio.AbstractEventLoop) -> Callable[[int], float]:
    async def many(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            await step()
        return time.perf_counter() - start

    def run(n: int) -> float:
        return loop.run_until_complete(many(n))

    return run

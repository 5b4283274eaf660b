"""Load: 100 clients x 100 concurrent calls, valid and invalid mixed, against one
uvicorn ``AsyncServer``; every ack must belong to its own request.

All clients are ``socketio.AsyncClient`` instances in one asyncio loop. Each request
carries its own id; a valid one is answered with that id, an invalid one with the
error ack whose detail names the field that request got wrong. Sizes can be changed
with ``SIO_SPEC_LOAD_CLIENTS`` / ``SIO_SPEC_LOAD_CALLS``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any

import socketio
from pydantic import BaseModel
from support.servers import run_asgi, url

from sio_spec import SocketIOSpec

CLIENTS = int(os.environ.get("SIO_SPEC_LOAD_CLIENTS", "100"))
CALLS = int(os.environ.get("SIO_SPEC_LOAD_CALLS", "100"))
CALL_TIMEOUT = 60
TOTAL_TIMEOUT = 240


class Request(BaseModel):
    request_id: str
    n: int


class Reply(BaseModel):
    request_id: str
    double: int


def request_for(client: int, call: int) -> tuple[Any, Any]:
    """The payload of one call and the ack it must get."""
    rid = f"c{client}-r{call}"
    kind = (client + call) % 4
    if kind == 0:
        return {"request_id": rid, "n": "not a number"}, ("error", ["n"], "int_parsing")
    if kind == 1:
        return {"n": call}, ("error", ["request_id"], "missing")
    return {"request_id": rid, "n": call}, {"request_id": rid, "double": 2 * call}


def check(ack: Any, expected: Any) -> str | None:
    if isinstance(expected, dict):
        return None if ack == expected else f"{ack!r} != {expected!r}"
    _, loc, kind = expected
    if not (
        isinstance(ack, dict)
        and ack.get("error") == "validation_error"
        and ack.get("event") == "work"
        and [(d["loc"], d["type"]) for d in ack["detail"]] == [(loc, kind)]
    ):
        return f"{ack!r} is not the error for {loc}"
    return None


async def one_client(port: int, index: int) -> list[str]:
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(url(port), transports=["websocket"], wait_timeout=CALL_TIMEOUT)
    try:
        plans = [request_for(index, i) for i in range(CALLS)]
        acks = await asyncio.gather(
            *(client.call("work", payload, timeout=CALL_TIMEOUT) for payload, _ in plans)
        )
    finally:
        await client.disconnect()
    return [
        problem
        for (_, expected), ack in zip(plans, acks, strict=True)
        if (problem := check(ack, expected)) is not None
    ]


async def load(port: int) -> list[str]:
    results = await asyncio.wait_for(
        asyncio.gather(*(one_client(port, i) for i in range(CLIENTS))), TOTAL_TIMEOUT
    )
    return [p for problems in results for p in problems]


def test_concurrent_calls_from_many_clients_each_get_their_own_ack(caplog: Any) -> None:
    caplog.set_level(logging.WARNING)
    sio = socketio.AsyncServer(async_mode="asgi")
    SocketIOSpec(sio)
    handled = 0

    async def work(sid: str, req: Request) -> Reply:
        nonlocal handled
        handled += 1
        await asyncio.sleep(0)  # let other requests interleave
        return Reply(request_id=req.request_id, double=2 * req.n)

    sio.on("work", work)
    with run_asgi(socketio.ASGIApp(sio)) as port:
        started = time.monotonic()
        problems = asyncio.run(load(port))
        elapsed = time.monotonic() - started
    print(f"\n{CLIENTS} clients x {CALLS} calls: {elapsed:.1f} s")
    assert problems == []
    assert handled == sum(1 for c in range(CLIENTS) for i in range(CALLS) if (c + i) % 4 >= 2)
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []

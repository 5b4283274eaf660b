"""A uvicorn AsyncServer for the loopback benchmark.

One process serves both variants: the ``bench_mode`` event attaches or detaches the
SocketIOSpec between blocks of calls, so plain and validated calls are measured on
the same process, socket and connection.

    python benchmarks/loopback_server.py PORT
"""

from __future__ import annotations

import sys
from typing import Any

import socketio
import uvicorn
from common import MakeMove, MoveAck

from sio_spec import SocketIOSpec


def app() -> Any:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(title="bench", version="1")
    mode = {"attached": False}

    @sio.on("make_move")
    async def make_move(sid: str, data: MakeMove) -> MoveAck:
        if mode["attached"]:  # validated: a model in, a model out
            return MoveAck(ok=data.x == 1)
        return {"ok": data["x"] == 1}  # type: ignore[index,return-value]  # plain: dicts

    @sio.on("bench_mode")
    async def bench_mode(sid: str, attached: bool) -> bool:
        if attached and not mode["attached"]:
            spec.attach(sio)
        elif not attached and mode["attached"]:
            spec.detach()
        mode["attached"] = attached
        return attached

    return socketio.ASGIApp(sio)


if __name__ == "__main__":
    uvicorn.run(app(), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", lifespan="off")

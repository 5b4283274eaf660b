"""A uvicorn AsyncServer for the loopback benchmark, plain or with sio-spec.

    python benchmarks/loopback_server.py PORT [--attached]
"""

from __future__ import annotations

import sys
from typing import Any

import socketio
import uvicorn
from pydantic import BaseModel


class MakeMove(BaseModel):
    game_id: int
    x: int
    y: int


class MoveAck(BaseModel):
    ok: bool


def app(attached: bool) -> Any:
    sio = socketio.AsyncServer(async_mode="asgi")
    if attached:
        from sio_spec import SocketIOSpec

        SocketIOSpec(sio, title="bench", version="1")

        @sio.on("make_move")
        async def make_move(sid: str, data: MakeMove) -> MoveAck:
            return MoveAck(ok=data.x == 1)
    else:
        @sio.on("make_move")
        async def make_move_plain(sid: str, data: dict[str, Any]) -> dict[str, bool]:
            return {"ok": data["x"] == 1}

    return socketio.ASGIApp(sio)


if __name__ == "__main__":
    uvicorn.run(app("--attached" in sys.argv), host="127.0.0.1", port=int(sys.argv[1]),
                log_level="warning", lifespan="off")

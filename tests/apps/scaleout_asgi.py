"""Process A of tests/test_scaleout.py: ``socketio.AsyncServer`` served by uvicorn,
sharing clients with the other processes through ``socketio.AsyncRedisManager``.

Usage: ``python scaleout_asgi.py REDIS_URL YAML_PATH READY_PATH``. Writes the
AsyncAPI YAML of its spec to YAML_PATH, starts serving on a free loopback port and
then writes that port to READY_PATH. Runs until terminated.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: support.servers

import socketio
from scaleout_models import TITLE, VERSION, BroadcastRequest, declare, invalid_notice, notice
from support.servers import run_asgi

from sio_spec import EmitValidationError, SocketIOSpec

ORIGIN = "asgi"


def build(redis_url: str) -> tuple[socketio.AsyncServer, SocketIOSpec]:
    sio = socketio.AsyncServer(
        async_mode="asgi", client_manager=socketio.AsyncRedisManager(redis_url)
    )
    spec = SocketIOSpec(sio, title=TITLE, version=VERSION)
    declare(spec)

    @sio.on("join")
    async def join(sid: str, room: str) -> str:
        """Enter a room."""
        await sio.enter_room(sid, room)
        return room

    @sio.on("broadcast")
    async def broadcast(sid: str, request: BroadcastRequest) -> bool:
        """Emit a notice to every client, or to a room, on every server process."""
        await sio.emit("notice", notice(request.text, request.seq, ORIGIN), to=request.room)
        return True

    @sio.on("emit_invalid")
    async def emit_invalid(sid: str, seq: int) -> bool:
        """Try to emit an invalid notice; true when it was refused."""
        try:
            await sio.emit("notice", invalid_notice(seq, ORIGIN))
        except EmitValidationError:
            return True
        return False

    return sio, spec


def main(redis_url: str, yaml_path: str, ready_path: str) -> None:
    sio, spec = build(redis_url)
    Path(yaml_path).write_bytes(spec.to_yaml().encode("utf-8"))
    with run_asgi(socketio.ASGIApp(sio)) as port:
        tmp = ready_path + ".tmp"
        Path(tmp).write_text(str(port))
        os.replace(tmp, ready_path)
        threading.Event().wait()  # until SIGTERM


if __name__ == "__main__":
    main(*sys.argv[1:4])

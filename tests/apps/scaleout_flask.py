"""Process B of tests/test_scaleout.py: Flask-SocketIO (threading mode) served by
werkzeug, sharing clients with the other processes through ``message_queue=``.

Usage: ``python scaleout_flask.py REDIS_URL YAML_PATH READY_PATH``; see
scaleout_asgi.py.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: support.servers

import flask
from flask_socketio import SocketIO, join_room
from scaleout_models import (
    CHANNEL,
    TITLE,
    VERSION,
    BroadcastRequest,
    declare,
    invalid_notice,
    notice,
)
from support.servers import run_flask_socketio

from sio_spec import EmitValidationError, SocketIOSpec

ORIGIN = "flask"


def build(redis_url: str) -> tuple[flask.Flask, SocketIO, SocketIOSpec]:
    app = flask.Flask(__name__)
    # Flask-SocketIO's default channel is "flask-socketio", python-socketio's "socketio":
    # every process must publish and listen on the same one.
    socketio = SocketIO(app, message_queue=redis_url, channel=CHANNEL, async_mode="threading")
    spec = SocketIOSpec(socketio, title=TITLE, version=VERSION)
    declare(spec)

    @socketio.on("join")
    def join(room: str) -> str:
        """Enter a room."""
        join_room(room)
        return room

    @socketio.on("broadcast")
    def broadcast(request: BroadcastRequest) -> bool:
        """Emit a notice to every client, or to a room, on every server process."""
        socketio.emit("notice", notice(request.text, request.seq, ORIGIN), to=request.room)
        return True

    @socketio.on("emit_invalid")
    def emit_invalid(seq: int) -> bool:
        """Try to emit an invalid notice; true when it was refused."""
        try:
            socketio.emit("notice", invalid_notice(seq, ORIGIN))
        except EmitValidationError:
            return True
        return False

    return app, socketio, spec


def main(redis_url: str, yaml_path: str, ready_path: str) -> None:
    app, socketio, spec = build(redis_url)
    Path(yaml_path).write_bytes(spec.to_yaml().encode("utf-8"))
    with run_flask_socketio(app, socketio) as port:
        tmp = ready_path + ".tmp"
        Path(tmp).write_text(str(port))
        os.replace(tmp, ready_path)
        threading.Event().wait()  # until SIGTERM


if __name__ == "__main__":
    main(*sys.argv[1:4])

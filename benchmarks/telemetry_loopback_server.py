"""A uvicorn AsyncServer with a spec attached, for ``bench_telemetry.py --loopback``.

The ``bench_mode`` event instruments the spec (the OpenTelemetry SDK, a simple span
processor, an exporter that drops spans, an in-memory metric reader) or removes the
instrumentation between blocks of calls, so both are measured on the same process,
socket and connection.

    python benchmarks/telemetry_loopback_server.py PORT
"""

from __future__ import annotations

import sys
from typing import Any

import socketio
import uvicorn
from bench_telemetry import providers
from common import MakeMove, MoveAck

from sio_spec import SocketIOSpec
from sio_spec.telemetry import instrument, uninstrument


def app() -> Any:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio, title="bench", version="1")
    tracer_provider, meter_provider = providers()

    @sio.on("make_move")
    async def make_move(sid: str, data: MakeMove) -> MoveAck:
        return MoveAck(ok=data.x == 1)

    @sio.on("bench_mode")
    async def bench_mode(sid: str, instrumented: bool) -> bool:
        if instrumented:
            instrument(spec, tracer_provider=tracer_provider, meter_provider=meter_provider)
        else:
            uninstrument(spec)
        return instrumented

    return socketio.ASGIApp(sio)


if __name__ == "__main__":
    uvicorn.run(app(), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", lifespan="off")

"""A Socket.IO server traced and measured with OpenTelemetry, printing to the console.

    pip install "sio-spec[otel,asgi]" opentelemetry-sdk
    python examples/telemetry/app.py            # serve on http://127.0.0.1:8000
    python examples/telemetry/app.py --demo     # serve, play a short session, print, exit

Every event is a span (SERVER for what clients send, PRODUCER for what the server
emits) with the outcome the validation decided, and a count in ``sio_spec.events``;
handler times go to ``sio_spec.handler.duration``. Spans and metrics are printed as
JSON by the SDK's console exporters; point an OTLP exporter at a collector instead
(see docs/telemetry.rst). The demo client sends its trace context in the connect
``auth``, so the server's spans of its connection join the client's trace.
"""

from __future__ import annotations

import argparse
import threading

import socketio
import uvicorn
from opentelemetry import trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import ConsoleMetricExporter, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
from pydantic import BaseModel, Field

from sio_spec import SocketIOSpec
from sio_spec.telemetry import instrument, traceparent

resource = Resource.create({"service.name": "tictactoe"})
tracer_provider = TracerProvider(resource=resource)
tracer_provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
meter_provider = MeterProvider(
    resource=resource,
    metric_readers=[
        PeriodicExportingMetricReader(ConsoleMetricExporter(), export_interval_millis=60_000)
    ],
)
trace.set_tracer_provider(tracer_provider)  # for the demo client's own span

sio = socketio.AsyncServer(async_mode="asgi")
app = socketio.ASGIApp(sio)
spec = SocketIOSpec(sio, title="Tic-tac-toe", version="1.0.0")


class Move(BaseModel):
    game_id: int
    x: int = Field(ge=0, le=2)
    y: int = Field(ge=0, le=2)


class Board(BaseModel):
    cells: list[str]


spec.emits("board", Board)


@sio.on("make_move")
async def make_move(sid: str, move: Move) -> bool:
    """Play one move; everyone gets the new board."""
    cells = [" "] * 9
    cells[move.y * 3 + move.x] = "X"
    await sio.emit("board", Board(cells=cells))
    return True


instrument(spec, tracer_provider=tracer_provider, meter_provider=meter_provider)


def demo(port: int) -> None:
    """Connect with the current trace context, play a valid and an invalid move."""
    client = socketio.Client(reconnection=False)
    with trace.get_tracer("demo").start_as_current_span("demo session"):
        client.connect(
            f"http://127.0.0.1:{port}", transports=["websocket"], auth=traceparent(), wait_timeout=5
        )
        print("valid move ->", client.call("make_move", {"game_id": 1, "x": 1, "y": 1}))
        answer = client.call("make_move", {"game_id": 1, "x": 7, "y": 1})
        print("invalid move ->", answer["error"])
        client.disconnect()


def main() -> None:
    parser = argparse.ArgumentParser(description="A traced Socket.IO server.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--demo", action="store_true", help="play a short session and exit")
    args = parser.parse_args()
    config = uvicorn.Config(app, host="127.0.0.1", port=args.port, log_level="warning")
    server = uvicorn.Server(config)
    if not args.demo:
        server.run()
        return
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.05)
    try:
        demo(args.port)
    finally:
        server.should_exit = True
        thread.join(10)
        tracer_provider.shutdown()
        meter_provider.shutdown()  # prints the metrics once more


if __name__ == "__main__":
    main()

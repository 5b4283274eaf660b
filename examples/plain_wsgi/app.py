"""Counter server: a synchronous python-socketio ``Server`` as a plain WSGI app (no
Flask), validated and documented by sio-spec, served by werkzeug's threaded server.

- ``increment`` / ``reset`` change named counters; every client receives
  ``counter_changed``. ``get`` reads one.
- ``GET /asyncapi`` is the documentation page, ``/asyncapi.json`` and ``/asyncapi.yaml``
  the document.

Run it: ``python examples/plain_wsgi/app.py [--port 5000]``.
Export its document: ``sio-spec export examples/plain_wsgi/app.py:sio``.
"""

from __future__ import annotations

import argparse
import os
import threading
from typing import Annotated

import socketio
from pydantic import BaseModel, Field

from sio_spec import SocketIOSpec
from sio_spec.web import wsgi_docs

sio = socketio.Server(async_mode="threading", cors_allowed_origins="*")
spec = SocketIOSpec(
    sio,
    title="Counter API",
    version="1.0.0",
    description="Named counters shared by every client.",
    servers={"local": "http://localhost:5000"},
)

CounterName = Annotated[str, Field(min_length=1, max_length=30, pattern=r"^[a-z_]+$")]


class Step(BaseModel):
    name: CounterName = Field(examples=["visits"])
    by: int = Field(default=1, ge=1, le=100)


class Counter(BaseModel):
    """The value of one counter."""

    name: str
    value: int


spec.emits("counter_changed", Counter, summary="A counter changed (sent to every client)")

counters: dict[str, int] = {}
lock = threading.Lock()


@sio.event
def increment(sid: str, step: Step) -> Counter:
    """Add ``by`` to a counter (created at 0)."""
    with lock:
        counters[step.name] = counters.get(step.name, 0) + step.by
        counter = Counter(name=step.name, value=counters[step.name])
    sio.emit("counter_changed", counter)
    return counter


@sio.event
def reset(sid: str, name: CounterName) -> Counter:
    """Set a counter back to 0."""
    with lock:
        counters[name] = 0
    counter = Counter(name=name, value=0)
    sio.emit("counter_changed", counter)
    return counter


@sio.event
def get(sid: str, name: CounterName) -> Counter:
    """The current value of a counter."""
    with lock:
        return Counter(name=name, value=counters.get(name, 0))


# Socket.IO on /socket.io/, the docs on /asyncapi*, 404 elsewhere.
app = socketio.WSGIApp(sio, wsgi_docs(spec, path="/asyncapi"))


def main(argv: list[str] | None = None) -> None:
    from werkzeug.serving import run_simple

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    args = parser.parse_args(argv)
    print(f"AsyncAPI docs: http://{args.host}:{args.port}/asyncapi", flush=True)
    # threaded: one thread per connection, which python-socketio's threading mode needs
    run_simple(args.host, args.port, app, threaded=True)


if __name__ == "__main__":
    main()

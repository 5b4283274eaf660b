"""A scale-out server process of tests/test_telemetry_scaleout.py, instrumented.

Usage: ``python telemetry_scaleout.py KIND REDIS_URL SPANS_PATH READY_PATH``. KIND is
``asgi`` (the AsyncServer of scaleout_asgi.py, ``AsyncRedisManager``) or ``flask``
(the Flask-SocketIO server of scaleout_flask.py, ``message_queue=``). Every span the
process ends is appended to SPANS_PATH as one JSON line; once serving, the port is
written to READY_PATH. Runs until terminated.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: support.servers

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

from sio_spec.telemetry import instrument


class JsonLines(SpanExporter):
    """Appends each span (ids, kind, attributes) to a file, one JSON object a line."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = []
        for span in spans:
            parent = span.parent
            lines.append(
                json.dumps(
                    {
                        "name": span.name,
                        "kind": span.kind.name,
                        "trace_id": f"{span.context.trace_id:032x}",
                        "span_id": f"{span.context.span_id:016x}",
                        "parent_id": None if parent is None else f"{parent.span_id:016x}",
                        "remote_parent": parent is not None and parent.is_remote,
                        "attributes": dict(span.attributes or {}),
                    }
                )
            )
        with self.lock, open(self.path, "a", encoding="utf-8") as out:
            out.write("".join(line + "\n" for line in lines))
        return SpanExportResult.SUCCESS


def main(kind: str, redis_url: str, spans_path: str, ready_path: str) -> None:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(JsonLines(spans_path)))
    if kind == "asgi":
        import socketio
        from scaleout_asgi import build
        from support.servers import run_asgi

        sio, spec = build(redis_url)
        instrument(spec, tracer_provider=provider)
        serving = run_asgi(socketio.ASGIApp(sio))
    else:
        from scaleout_flask import build as build_flask
        from support.servers import run_flask_socketio

        app, socketio_, spec = build_flask(redis_url)
        instrument(spec, tracer_provider=provider)
        serving = run_flask_socketio(app, socketio_)
    with serving as port:
        tmp = ready_path + ".tmp"
        Path(tmp).write_text(str(port))
        os.replace(tmp, ready_path)
        threading.Event().wait()  # until SIGTERM


if __name__ == "__main__":
    main(*sys.argv[1:5])

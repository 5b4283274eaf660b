"""OpenTelemetry across processes: an emit published through Redis carries its trace.

All parts are real, as in tests/test_scaleout.py (whose clients and process helpers
this reuses): a throw-away ``redis-server``, two instrumented server processes
(``apps/telemetry_scaleout.py``: the AsyncServer with ``AsyncRedisManager`` and the
Flask-SocketIO server with ``message_queue=``), and python-socketio clients on each.
Each process writes the spans it ends to its own file.

A client of one process asks it to broadcast; the notice reaches a client of the
other process straight from Redis. The delivering process's span of that notice is
a child of the emitting process's span, and the clients receive exactly what they
receive without telemetry: the context travels in the manager's message, beside
the event.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from apps.scaleout_models import CHANNEL
from support.external import run_redis
from support.servers import HOST, wait_for
from test_scaleout import APPS, TIMEOUT, Recorder, _port, _stop, decode

from sio_spec.observe import CARRIER_KEY


@dataclass
class Process:
    proc: subprocess.Popen[bytes]
    spans_path: Path

    def spans(self) -> list[dict[str, Any]]:
        if not self.spans_path.exists():
            return []
        text = self.spans_path.read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def wait(self, name: str, where: Any = lambda s: True) -> dict[str, Any]:
        return wait_for(
            lambda: next((s for s in self.spans() if s["name"] == name and where(s)), None),
            timeout=TIMEOUT,
            message=f"no span {name!r} in {self.spans_path.name}",
        )


@dataclass
class Cluster:
    redis_url: str
    processes: dict[str, Process] = field(default_factory=dict)
    clients: dict[str, Recorder] = field(default_factory=dict)
    published: list[dict[str, Any]] = field(default_factory=list)


def _start(kind: str, redis_url: str, tmp: Path) -> tuple[Process, Path, Path]:
    spans, ready, log_path = tmp / f"{kind}.jsonl", tmp / f"{kind}.port", tmp / f"{kind}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                str(APPS / "telemetry_scaleout.py"),
                kind,
                redis_url,
                str(spans),
                str(ready),
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=APPS,
        )
    return Process(proc, spans), ready, log_path


def _as_published(raw: bytes) -> dict[str, Any]:
    """A manager's message with an emit's arguments as a list, as the latest
    python-socketio publishes it; older releases (5.11.4 among them) put a single
    argument there as it is (several as a tuple)."""
    message: dict[str, Any] = decode(raw)
    if message.get("method") == "emit" and not isinstance(message.get("data"), list):
        data = message.get("data")
        message["data"] = list(data) if isinstance(data, tuple) else [data]
    return message


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    import redis

    tmp = tmp_path_factory.mktemp("telemetry_scaleout")
    with run_redis() as redis_port:
        cluster = Cluster(f"redis://{HOST}:{redis_port}/0")
        listener = redis.Redis.from_url(cluster.redis_url)
        pubsub = listener.pubsub()
        pubsub.subscribe(CHANNEL)
        stop = threading.Event()

        def listen() -> None:  # every message the managers publish, as published
            while not stop.is_set():
                message = pubsub.get_message(timeout=0.1)
                if message and message["type"] == "message":
                    cluster.published.append(_as_published(message["data"]))

        thread = threading.Thread(target=listen, daemon=True)
        thread.start()
        try:
            started = {kind: _start(kind, cluster.redis_url, tmp) for kind in ("asgi", "flask")}
            ports = {}
            for kind, (process, ready, log) in started.items():
                cluster.processes[kind] = process
                ports[kind] = _port(process.proc, ready, log)
            for name, kind in (("a", "asgi"), ("b", "flask")):
                cluster.clients[name] = Recorder(name, ports[kind])
            wait_for(
                lambda: dict(listener.pubsub_numsub(CHANNEL)).get(CHANNEL.encode()) == 3,
                timeout=TIMEOUT,
                message="servers did not subscribe to Redis",
            )
            yield cluster
        finally:
            stop.set()
            thread.join(5)
            for client in cluster.clients.values():
                client.close()
            for process in cluster.processes.values():
                _stop(process.proc)
            pubsub.close()
            listener.close()


@pytest.mark.parametrize(
    ("sender", "emitter", "receiver", "deliverer"),
    [
        ("a", "asgi", "b", "flask"),
        ("b", "flask", "a", "asgi"),
    ],
)
def test_the_delivering_process_continues_the_emitting_process_trace(
    cluster: Cluster, sender: str, emitter: str, receiver: str, deliverer: str
) -> None:
    seq = 100 if sender == "a" else 200
    assert cluster.clients[sender].call("broadcast", {"text": "hello", "seq": seq}) is True
    got = cluster.clients[receiver].wait(seq)
    # the client receives the notice as it is without telemetry
    assert set(got) == {"text", "seq", "at", "origin"}

    handled = cluster.processes[emitter].wait("/ broadcast process")
    sent = cluster.processes[emitter].wait(
        "/ notice send", lambda s: s["trace_id"] == handled["trace_id"]
    )
    assert sent["kind"] == "PRODUCER" and sent["parent_id"] == handled["span_id"]
    assert "sio_spec.relayed" not in sent["attributes"]

    delivered = cluster.processes[deliverer].wait(
        "/ notice send",
        lambda s: (
            s["attributes"].get("sio_spec.relayed") is True and s["trace_id"] == handled["trace_id"]
        ),
    )
    assert delivered["kind"] == "PRODUCER"
    assert delivered["parent_id"] == sent["span_id"] and delivered["remote_parent"]
    assert delivered["attributes"]["sio_spec.outcome"] == "ok"
    assert delivered["attributes"]["messaging.destination.name"] == "/"

    # in Redis, the context sits beside the event; the data is the notice alone
    (message,) = wait_for(
        lambda: [
            m
            for m in cluster.published
            if m.get("event") == "notice" and m["data"][0]["seq"] == seq
        ],
        timeout=TIMEOUT,
    )
    assert message[CARRIER_KEY]["traceparent"].split("-")[1] == handled["trace_id"]
    assert message["data"] == [got]


@pytest.mark.parametrize("manager_kind", ["sync", "async"])
def test_a_workers_emit_is_continued_by_every_delivering_process(
    cluster: Cluster, manager_kind: str
) -> None:
    import asyncio

    import socketio
    from apps.scaleout_models import TITLE, VERSION, declare, notice
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from sio_spec import SocketIOSpec
    from sio_spec.telemetry import instrument, uninstrument

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    spec = SocketIOSpec(title=TITLE, version=VERSION)
    declare(spec)
    seq = 300 if manager_kind == "sync" else 400
    with provider.get_tracer("worker").start_as_current_span("worker job") as job:
        if manager_kind == "sync":
            emitter = spec.emitter(socketio.RedisManager(cluster.redis_url, write_only=True))
            instrument(emitter, tracer_provider=provider)
            emitter.emit("notice", notice("from a worker", seq, "worker"))
        else:
            manager = socketio.AsyncRedisManager(cluster.redis_url, write_only=True)
            emitter = spec.emitter(manager)
            instrument(emitter, tracer_provider=provider)

            async def emit() -> None:
                await emitter.emit("notice", notice("from a worker", seq, "worker"))

            asyncio.run(emit())
    uninstrument(emitter)
    for client in cluster.clients.values():
        assert set(client.wait(seq)) == {"text", "seq", "at", "origin"}
    (sent,) = [s for s in exporter.get_finished_spans() if s.name == "/ notice send"]
    assert sent.parent is not None and sent.parent.span_id == job.get_span_context().span_id
    assert sent.attributes is not None and sent.attributes["sio_spec.outcome"] == "ok"
    trace_id = f"{sent.context.trace_id:032x}"
    for process in cluster.processes.values():
        delivered = process.wait(
            "/ notice send",
            lambda s: s["trace_id"] == trace_id and s["attributes"].get("sio_spec.relayed"),
        )
        assert delivered["parent_id"] == f"{sent.context.span_id:016x}"

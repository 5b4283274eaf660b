"""Scale-out: validated emits across processes through python-socketio's Redis managers.

All parts are real: a throw-away ``redis-server``, two server processes sharing their
clients through it, and python-socketio clients on each:

- process A (``apps/scaleout_asgi.py``): ``socketio.AsyncServer`` with
  ``client_manager=socketio.AsyncRedisManager(url)`` under uvicorn;
- process B (``apps/scaleout_flask.py``): Flask-SocketIO with ``message_queue=url``
  in threading mode;
- the worker is this test process: ``spec.emitter(socketio.RedisManager(url,
  write_only=True))`` and its asyncio twin with ``AsyncRedisManager``.

Every process declares the same events (``apps/scaleout_models.py``). An emit
published by one process is delivered by the others straight from Redis, never
through their ``emit``; so it must be valid where it is published.

"Nothing was delivered" is proved by order, not by waiting alone: a publisher's
messages reach Redis subscribers in order, each server's listener handles them in
order, and a socket delivers in order. So once a valid *fence* notice published after
the rejected one has reached a client, the rejected one would have reached it first.
A raw Redis subscriber additionally shows that the rejected emit was never published.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import socketio
from apps.scaleout_models import (
    CHANNEL,
    TITLE,
    VERSION,
    WHEN_ISO,
    declare,
    invalid_notice,
    notice,
)
from support.external import run_redis
from support.servers import HOST, wait_for

from sio_spec import AsyncEmitter, Emitter, EmitValidationError, SocketIOSpec

APPS = Path(__file__).resolve().parent / "apps"
TIMEOUT = 5.0
#: How long clients listen for something that must not arrive (the brief's "wait").
QUIET = 1.0

_seq = itertools.count(1)


def next_seq() -> int:
    return next(_seq)


# -- clients ------------------------------------------------------------------------------


class Recorder:
    """A python-socketio client (websocket transport) recording every ``notice``."""

    def __init__(self, name: str, port: int) -> None:
        self.name = name
        self.notices: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("notice", self._on_notice)
        self.client.connect(f"http://{HOST}:{port}", transports=["websocket"], wait_timeout=TIMEOUT)

    def _on_notice(self, data: Any) -> None:
        with self._lock:
            self.notices.append(data)

    def seqs(self) -> list[int]:
        with self._lock:
            return [n["seq"] for n in self.notices]

    def get(self, seq: int) -> dict[str, Any] | None:
        with self._lock:
            return next((n for n in self.notices if n["seq"] == seq), None)

    def wait(self, seq: int) -> dict[str, Any]:
        return wait_for(
            lambda: self.get(seq),
            timeout=TIMEOUT,
            message=f"{self.name} did not receive notice {seq}",
        )

    def call(self, event: str, data: Any) -> Any:
        return self.client.call(event, data, timeout=TIMEOUT)

    def close(self) -> None:
        self.client.disconnect()


# -- the cluster --------------------------------------------------------------------------


@dataclass
class Cluster:
    redis_url: str
    yaml: dict[str, Path]
    clients: dict[str, Recorder] = field(default_factory=dict)

    @property
    def everyone(self) -> list[Recorder]:
        return list(self.clients.values())

    def __getitem__(self, name: str) -> Recorder:
        return self.clients[name]


def _start(script: str, redis_url: str, tmp: Path) -> tuple[subprocess.Popen[bytes], Path, Path]:
    name = Path(script).stem
    yaml_path, ready_path, log_path = (
        tmp / f"{name}.yaml",
        tmp / f"{name}.port",
        tmp / f"{name}.log",
    )
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, str(APPS / script), redis_url, str(yaml_path), str(ready_path)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=APPS,
        )
    return proc, ready_path, log_path


def _port(proc: subprocess.Popen[bytes], ready: Path, log: Path) -> int:
    def ready_or_dead() -> bool:
        return ready.exists() or proc.poll() is not None

    wait_for(ready_or_dead, timeout=30, message=f"{ready.stem} did not start")
    if not ready.exists():
        raise RuntimeError(
            f"{ready.stem} exited with {proc.returncode}:\n"
            f"{log.read_text(errors='replace')[-3000:]}"
        )
    return int(ready.read_text())


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    import redis

    tmp = tmp_path_factory.mktemp("scaleout")
    with run_redis() as redis_port:
        redis_url = f"redis://{HOST}:{redis_port}/0"
        procs: list[subprocess.Popen[bytes]] = []
        cluster = Cluster(redis_url, {})
        try:
            started = {}
            for kind, script in (("A", "scaleout_asgi.py"), ("B", "scaleout_flask.py")):
                proc, ready, log = _start(script, redis_url, tmp)
                procs.append(proc)
                started[kind] = (proc, ready, log)
                cluster.yaml[kind] = tmp / f"{Path(script).stem}.yaml"
            ports = {kind: _port(*started[kind]) for kind in started}
            for name in ("a1", "a2", "b1", "b2"):
                cluster.clients[name] = Recorder(name, ports[name[0].upper()])
            # a server subscribes to Redis when its first client connects: wait for both
            r = redis.Redis.from_url(redis_url)
            try:
                wait_for(
                    lambda: dict(r.pubsub_numsub(CHANNEL)).get(CHANNEL.encode()) == 2,
                    timeout=TIMEOUT,
                    message="servers did not subscribe to Redis",
                )
            finally:
                r.close()
            yield cluster
        finally:
            for client in cluster.clients.values():
                client.close()
            for proc in procs:
                _stop(proc)


@pytest.fixture(scope="module")
def worker_spec() -> SocketIOSpec:
    """The worker's spec: no server, the same declarations."""
    spec = SocketIOSpec(title=TITLE, version=VERSION)
    declare(spec)
    return spec


@pytest.fixture(scope="module")
def emitter(cluster: Cluster, worker_spec: SocketIOSpec) -> Iterator[Emitter]:
    manager = socketio.RedisManager(cluster.redis_url, write_only=True)
    emitter = worker_spec.emitter(manager)
    assert isinstance(emitter, Emitter)
    yield emitter
    if manager.redis is not None:
        manager.redis.close()


def fence(cluster: Cluster, emitter: Emitter) -> None:
    """Publish a valid notice to everyone and wait until every client has it."""
    seq = next_seq()
    emitter.emit("notice", notice("fence", seq, "worker"))
    for client in cluster.everyone:
        client.wait(seq)


# -- server emits ---------------------------------------------------------------------------


def test_server_emits_reach_clients_of_the_other_process(cluster: Cluster) -> None:
    for sender, origin in (("a1", "asgi"), ("b1", "flask")):
        seq = next_seq()
        assert cluster[sender].call("broadcast", {"text": "hello", "seq": seq}) is True
        for client in cluster.everyone:
            # serialized by the publishing process's spec: the datetime is an ISO string
            assert client.wait(seq) == {
                "text": "hello",
                "seq": seq,
                "at": WHEN_ISO,
                "origin": origin,
            }


def test_invalid_server_emits_are_refused_and_reach_no_process(
    cluster: Cluster, emitter: Emitter
) -> None:
    seq_a, seq_b = next_seq(), next_seq()
    assert cluster["a1"].call("emit_invalid", seq_a) is True
    assert cluster["b1"].call("emit_invalid", seq_b) is True
    fence(cluster, emitter)
    for client in cluster.everyone:
        assert seq_a not in client.seqs() and seq_b not in client.seqs(), client.name


# -- worker emits ---------------------------------------------------------------------------


def test_worker_emitter_reaches_clients_of_both_processes(
    cluster: Cluster, emitter: Emitter
) -> None:
    seq = next_seq()
    emitter.emit("notice", notice("from the worker", seq, "worker"))
    for client in cluster.everyone:
        assert client.wait(seq) == {
            "text": "from the worker",
            "seq": seq,
            "at": WHEN_ISO,
            "origin": "worker",
        }
    # a dict is validated and normalized like a model
    seq = next_seq()
    emitter.emit("notice", {"text": "dict", "seq": str(seq), "at": WHEN_ISO, "origin": "worker"})
    for client in cluster.everyone:
        assert client.wait(seq)["seq"] == seq


def test_async_worker_emitter_reaches_clients_of_both_processes(
    cluster: Cluster, worker_spec: SocketIOSpec
) -> None:
    seq, bad = next_seq(), next_seq()

    async def work() -> None:
        manager = socketio.AsyncRedisManager(cluster.redis_url, write_only=True)
        emitter = worker_spec.emitter(manager)
        assert isinstance(emitter, AsyncEmitter)
        try:
            with pytest.raises(EmitValidationError):
                await emitter.emit("notice", invalid_notice(bad, "worker"))
            await emitter.emit("notice", notice("async worker", seq, "worker"))
        finally:
            if manager.redis is not None:
                await manager.redis.aclose()

    asyncio.run(work())
    for client in cluster.everyone:
        assert client.wait(seq)["origin"] == "worker"
        assert bad not in client.seqs(), client.name  # it would have come first


def decode(data: bytes) -> Any:
    """A queue message: JSON since python-socketio 5.12, a pickle before."""
    if data[:1] == b"\x80":
        import pickle

        return pickle.loads(data)  # our own test Redis, our own messages
    return json.loads(data)


def test_invalid_worker_emit_raises_and_publishes_nothing(
    cluster: Cluster, emitter: Emitter
) -> None:
    import redis

    r = redis.Redis.from_url(cluster.redis_url)
    pubsub = r.pubsub()
    try:
        pubsub.subscribe(CHANNEL)
        assert pubsub.get_message(timeout=TIMEOUT)["type"] == "subscribe"  # type: ignore[index]

        bad = next_seq()
        with pytest.raises(EmitValidationError) as info:
            emitter.emit("notice", invalid_notice(bad, "worker"))
        err = info.value
        assert (err.event, err.namespace) == ("notice", "/")
        assert [e["loc"] for e in err.errors()] == [["at"]]
        assert "not a date" not in str(err)  # the offending value is never echoed
        # a write-only manager cannot take the client's reply: refused, nothing published
        with pytest.raises(RuntimeError):
            emitter.emit(
                "notice",
                notice("with callback", bad, "worker"),
                to="r1",
                callback=lambda *args: None,
            )

        time.sleep(QUIET)  # clients of both processes listen; nothing may arrive
        for client in cluster.everyone:
            assert bad not in client.seqs(), client.name

        good = next_seq()
        emitter.emit("notice", notice("after the invalid one", good, "worker"))
        for client in cluster.everyone:
            client.wait(good)  # the channel was live
            assert bad not in client.seqs(), client.name

        published = []
        while True:
            message = pubsub.get_message(timeout=TIMEOUT)
            assert message is not None, "the valid emit was not published"
            if message["type"] != "message":
                continue
            body = decode(message["data"])
            data = body["data"]  # a list of arguments since 5.12, the value before
            published.append((data[0] if isinstance(data, list) else data)["seq"])
            if published[-1] == good:
                break
        assert published == [good]
    finally:
        pubsub.close()
        r.close()


def test_validate_false_worker_publishes_unvalidated(cluster: Cluster) -> None:
    spec = SocketIOSpec(title=TITLE, version=VERSION, validate=False)
    declare(spec)
    manager = socketio.RedisManager(cluster.redis_url, write_only=True)
    try:
        seq = next_seq()
        spec.emitter(manager).emit("notice", invalid_notice(seq, "worker"))
        for client in cluster.everyone:
            assert client.wait(seq)["at"] == "not a date"
    finally:
        if manager.redis is not None:
            manager.redis.close()


# -- rooms ----------------------------------------------------------------------------------


def test_rooms_span_processes(cluster: Cluster, emitter: Emitter) -> None:
    members, others = ["a1", "b1"], ["a2", "b2"]
    for name in members:
        assert cluster[name].call("join", "r1") == "r1"

    from_worker = next_seq()
    emitter.emit("notice", notice("room from the worker", from_worker, "worker"), to="r1")
    from_server = next_seq()
    assert (
        cluster["b2"].call("broadcast", {"text": "room from B", "seq": from_server, "room": "r1"})
        is True
    )
    fence(cluster, emitter)
    for name in members:
        assert cluster[name].get(from_worker) is not None, name
        assert cluster[name].get(from_server) == {
            "text": "room from B",
            "seq": from_server,
            "at": WHEN_ISO,
            "origin": "flask",
        }
    for name in others:
        seqs = cluster[name].seqs()
        assert from_worker not in seqs and from_server not in seqs, name


# -- the document ---------------------------------------------------------------------------


def test_asyncapi_document_is_identical_in_every_process(cluster: Cluster) -> None:
    a, b = (cluster.yaml[kind].read_bytes() for kind in ("A", "B"))
    assert a == b
    text = a.decode()
    for name in ("notice:", "join:", "broadcast:", "emit_invalid:", "BroadcastRequest"):
        assert name in text

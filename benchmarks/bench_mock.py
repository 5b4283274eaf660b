"""``sio-spec mock``: start-up on a 1,000-event document, and the rate it answers at.

Start-up: from starting the process to the first ack a python-socketio client gets,
for ``sio-spec mock`` on a generated document of 1,000 events (500 client events with
acks, 500 server events), interleaved with the same measure for a plain python-socketio
ASGI server under uvicorn (the floor: interpreter, imports, uvicorn).

Answer rate: the packet path (``_handle_eio_message``: decode, validate, handler, ack
encode) of a sio-spec server held to the same document by ``from_document`` whose
handler returns a fixed ack, against the mock answering with an example and with
generated values; interleaved blocks, median microseconds per event and the ratios.

    python benchmarks/bench_mock.py [--events 1000] [--starts 5] [--rounds 9] [--n 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import socketio

from sio_spec import SocketIOSpec
from sio_spec.mock import Mock

try:
    from benchmarks import common
except ImportError:  # run as a script
    import common  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

PLAIN_SERVER = """
import socket, sys, socketio, uvicorn
sio = socketio.AsyncServer(async_mode="asgi")
sio.on("ev0", lambda sid, data: {"ok": True})
sock = socket.socket(); sock.bind(("127.0.0.1", 0)); sock.listen(128)
print(f"at http://127.0.0.1:{sock.getsockname()[1]} ", flush=True)
uvicorn.Server(uvicorn.Config(socketio.ASGIApp(sio), log_level="warning")).run(sockets=[sock])
"""


def document(events: int) -> dict[str, Any]:
    """``events`` events on ``/``: even ones sent by clients with an ack (every tenth
    with an example), odd ones emitted by the server."""
    messages: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for i in range(events):
        schemas[f"Item{i}"] = {
            "type": "object",
            "properties": {
                "id": {"type": "integer", "minimum": 0},
                "name": {"type": "string", "maxLength": 20},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
            },
            "required": ["id", "name"],
        }
        messages[f"ev{i}"] = {
            "name": f"ev{i}",
            "payload": {"$ref": f"#/components/schemas/Item{i}"},
        }
        operation: dict[str, Any] = {
            "action": "receive" if i % 2 == 0 else "send",
            "channel": {"$ref": "#/channels/root"},
            "messages": [{"$ref": f"#/channels/root/messages/ev{i}"}],
        }
        if i % 2 == 0:
            ack: dict[str, Any] = {
                "payload": {
                    "type": "object",
                    "properties": {"ok": {"type": "boolean"}, "at": {"type": "string"}},
                    "required": ["ok"],
                }
            }
            if i % 10 == 0:
                ack["examples"] = [{"payload": {"ok": True}}]
            messages[f"ev{i}Ack"] = ack
            operation["reply"] = {
                "channel": {"$ref": "#/channels/root"},
                "messages": [{"$ref": f"#/channels/root/messages/ev{i}Ack"}],
            }
        operations[f"ev{i}"] = operation
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Big", "version": "1.0.0"},
        "channels": {"root": {"address": "/", "messages": messages}},
        "operations": operations,
        "components": {"schemas": schemas},
    }


# -- start-up --------------------------------------------------------------------------------


def first_ack(command: list[str]) -> float:
    """Seconds from starting ``command`` to the first ack of ``ev0``."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        address = line.split(" at ", 1)[1].split()[0] if " at " in line else line.split()[1]
        client = socketio.SimpleClient()
        client.connect(address, transports=["websocket"])
        client.call("ev0", {"id": 1, "name": "x"}, timeout=10)
        elapsed = time.perf_counter() - start
        client.disconnect()
        return elapsed
    finally:
        proc.terminate()
        proc.wait(10)


def startup(path: Path, starts: int) -> None:
    mock = [sys.executable, "-m", "sio_spec", "mock", str(path), "--port", "0"]
    plain = [sys.executable, "-c", PLAIN_SERVER]
    samples: dict[str, list[float]] = {"plain python-socketio": [], "sio-spec mock": []}
    for _ in range(starts):
        samples["plain python-socketio"].append(first_ack(plain))
        samples["sio-spec mock"].append(first_ack(mock))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    print(f"start-up to the first ack (median of {starts}, interleaved)")
    for name, value in medians.items():
        print(f"  {name:<24} {value:6.2f} s")
    ratio = medians["sio-spec mock"] / medians["plain python-socketio"]
    print(f"  mock / plain             {ratio:6.2f}x")


# -- answer rate ---------------------------------------------------------------------------------


def packet(event: str, data: Any) -> str:
    return "21" + json.dumps([event, data], separators=(",", ":"))


def answer_rate(doc: dict[str, Any], rounds: int, n: int) -> None:
    loop = asyncio.new_event_loop()
    server = common.async_server()
    SocketIOSpec.from_document(server, doc)

    async def fixed(sid: str, data: Any) -> dict[str, Any]:
        return {"ok": True}

    server.on("ev0", fixed)
    server.on("ev2", fixed)
    mock = Mock(doc, seed=1)
    mock.server.async_handlers = False
    common.connected_async_server(server, loop)
    common.connected_async_server(mock.server, loop)
    payload = {"id": 1, "name": "x", "tags": ["a"]}
    example, generated = packet("ev0", payload), packet("ev2", payload)
    root = mock.contract.namespace("/")
    assert root is not None
    ev0 = root.event("ev0", "client-to-server")
    assert ev0 is not None
    values = mock._values_of(ev0, "ack")

    def timed(target: Any, message: str, rewind: bool = False) -> Any:
        def run(count: int) -> float:
            async def block() -> None:
                for _ in range(count):
                    if rewind:  # ev0 answers with its example every time
                        values.taken = 0
                    await target._handle_eio_message(common.EIO_SID, message)

            start = time.perf_counter()
            loop.run_until_complete(block())
            return time.perf_counter() - start

        return run

    medians = common.interleave(
        {
            "sio-spec server (fixed ack)": timed(server, generated),
            "mock (example ack)": timed(mock.server, example, rewind=True),
            "mock (generated ack)": timed(mock.server, generated),
        },
        rounds=rounds,
        n=n,
    )
    base = medians["sio-spec server (fixed ack)"]
    print(f"answer rate, packet path (median of {rounds} interleaved blocks of {n})")
    for name, value in medians.items():
        print(f"  {name:<30} {value:8.1f} us/event  {value / base:5.2f}x")
    loop.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    doc = document(args.events)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        startup(path, args.starts)
    answer_rate(doc, args.rounds, args.n)


if __name__ == "__main__":
    main()

"""Test client: 1,000 sequential ``call()``\\ s in process vs. over a loopback socket.

Each kind of server (``socketio.Server`` in threading mode, ``socketio.AsyncServer``
in ASGI mode) has a sio-spec spec attached and one validated handler. The same
server answers a :class:`sio_spec.testing.TestClient` / ``AsyncTestClient`` and a
python-socketio ``Client`` / ``AsyncClient`` connected over websocket to werkzeug /
uvicorn on 127.0.0.1, in alternating blocks so drift cancels out. Reported: the
median time of a block of calls for each, and the ratio socket / test client.

    python benchmarks/bench_testclient.py [--rounds 7] [--calls 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import socketio

from sio_spec import SocketIOSpec
from sio_spec.testing import AsyncTestClient, TestClient

try:
    from benchmarks import common
except ImportError:  # run as a script
    import common  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from support.servers import run_asgi, run_wsgi, url  # noqa: E402


def sync_server() -> socketio.Server:
    sio = socketio.Server(async_mode="threading")
    SocketIOSpec(sio)

    @sio.event
    def make_move(sid: str, move: common.MakeMove) -> common.MoveAck:
        return common.MoveAck(ok=True)

    return sio


def async_server() -> socketio.AsyncServer:
    sio = socketio.AsyncServer(async_mode="asgi")
    SocketIOSpec(sio)

    @sio.event
    async def make_move(sid: str, move: common.MakeMove) -> common.MoveAck:
        return common.MoveAck(ok=True)

    return sio


def timed(call: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        assert call() == {"ok": True}
    return time.perf_counter() - start


async def timed_async(call: Callable[[], Awaitable[Any]], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        assert await call() == {"ok": True}
    return time.perf_counter() - start


def report(kind: str, times: dict[str, list[float]], calls: int) -> None:
    inproc = statistics.median(times["test client"])
    sock = statistics.median(times["socket"])
    print(f"{kind}: {calls} sequential call()s, median of {len(times['socket'])} blocks")
    print(f"  test client  {inproc * 1000:8.1f} ms  ({inproc / calls * 1e6:6.1f} us/call)")
    print(f"  socket       {sock * 1000:8.1f} ms  ({sock / calls * 1e6:6.1f} us/call)")
    print(f"  socket / test client = {sock / inproc:.1f}x")


def bench_sync(rounds: int, calls: int) -> None:
    sio = sync_server()
    times: dict[str, list[float]] = {"test client": [], "socket": []}
    with run_wsgi(socketio.WSGIApp(sio)) as port, TestClient(sio) as inproc:
        real = socketio.Client(reconnection=False)
        real.connect(url(port), transports=["websocket"])
        inproc.connect()
        try:
            runs = {
                "test client": lambda: inproc.call("make_move", common.MOVE),
                "socket": lambda: real.call("make_move", common.MOVE, timeout=10),
            }
            for name in runs:  # warm-up
                timed(runs[name], 100)
            for i in range(rounds):
                order = list(runs) if i % 2 == 0 else list(reversed(runs))
                for name in order:
                    times[name].append(timed(runs[name], calls))
        finally:
            real.disconnect()
    report("socketio.Server (threading; werkzeug for the socket)", times, calls)


async def bench_async(rounds: int, calls: int) -> None:
    sio = async_server()
    times: dict[str, list[float]] = {"test client": [], "socket": []}
    with run_asgi(socketio.ASGIApp(sio)) as port:
        # uvicorn serves the server on its own loop; the test client runs here
        inproc_sio = async_server()
        async with AsyncTestClient(inproc_sio) as inproc:
            await inproc.connect()
            real = socketio.AsyncClient(reconnection=False)
            await real.connect(url(port), transports=["websocket"])
            try:
                runs = {
                    "test client": lambda: inproc.call("make_move", common.MOVE),
                    "socket": lambda: real.call("make_move", common.MOVE, timeout=10),
                }
                for name in runs:
                    await timed_async(runs[name], 100)
                for i in range(rounds):
                    order = list(runs) if i % 2 == 0 else list(reversed(runs))
                    for name in order:
                        times[name].append(await timed_async(runs[name], calls))
            finally:
                await real.disconnect()
    report("socketio.AsyncServer (ASGI; uvicorn for the socket)", times, calls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    bench_sync(args.rounds, args.calls)
    asyncio.run(bench_async(args.rounds, args.calls))


if __name__ == "__main__":
    main()

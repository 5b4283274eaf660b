"""Loopback: python-socketio AsyncClient call() round trips against uvicorn.

One server process; between blocks of calls the client switches it between plain
python-socketio and sio-spec attached (``spec.attach`` / ``spec.detach``), in the
order plain, sio-spec, sio-spec, plain, ... so drift cancels out. Reported per
variant: median throughput (calls/s) and median server CPU time per event (from
/proc), and the ratios sio-spec / plain.

    python benchmarks/bench_loopback.py [--rounds 10] [--calls 3000] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import socketio

HERE = Path(__file__).resolve().parent
MOVE = {"game_id": 1, "x": 1, "y": 2}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def block(client: socketio.AsyncClient, calls: int, concurrency: int) -> float:
    left = calls

    async def worker() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            ack = await client.call("make_move", MOVE, timeout=10)
            assert ack == {"ok": True}, ack

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - start


async def run(rounds: int, calls: int, concurrency: int) -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(HERE / "loopback_server.py"), str(port)])
    client = socketio.AsyncClient()
    try:
        for _ in range(100):
            try:
                await client.connect(f"http://127.0.0.1:{port}", transports=["websocket"])
                break
            except socketio.exceptions.ConnectionError:
                await asyncio.sleep(0.1)
        rate: dict[str, list[float]] = {"plain": [], "sio-spec": []}
        cpu: dict[str, list[float]] = {"plain": [], "sio-spec": []}
        for attached in (False, True):  # warm-up both
            await client.call("bench_mode", attached)
            await block(client, 500, concurrency)
        for i in range(rounds):
            order = (False, True) if i % 2 == 0 else (True, False)
            for attached in order:
                assert await client.call("bench_mode", attached) is attached
                name = "sio-spec" if attached else "plain"
                before = cpu_seconds(proc.pid)
                elapsed = await block(client, calls, concurrency)
                cpu[name].append((cpu_seconds(proc.pid) - before) / calls * 1e6)
                rate[name].append(calls / elapsed)
        print("samples (calls/s):", {k: [round(x) for x in v] for k, v in rate.items()})
        print(f"{'variant':<10} {'calls/s':>9} {'server CPU us/event':>20}")
        for name in rate:
            print(
                f"{name:<10} {statistics.median(rate[name]):>9.0f} "
                f"{statistics.median(cpu[name]):>20.1f}"
            )
        rate_ratio = statistics.median(rate["sio-spec"]) / statistics.median(rate["plain"])
        cpu_ratio = statistics.median(cpu["sio-spec"]) / statistics.median(cpu["plain"])
        print(f"throughput ratio sio-spec/plain: {rate_ratio:.3f}")
        print(f"server CPU ratio sio-spec/plain: {cpu_ratio:.3f}")
    finally:
        await client.disconnect()
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(run(args.rounds, args.calls, args.concurrency))


if __name__ == "__main__":
    main()

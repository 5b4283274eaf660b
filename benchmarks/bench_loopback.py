"""Loopback: python-socketio AsyncClient call() round trips against uvicorn.

Two server processes (plain, and with sio-spec attached) run side by side; the
client sends blocks of calls to each in turn. Reported per variant: median
throughput (calls/s) and median server CPU time per event (from /proc), and the
ratios attached / plain.

    python benchmarks/bench_loopback.py [--rounds 9] [--calls 1000] [--concurrency 20]
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
    procs = {}
    clients = {}
    try:
        for name in ("plain", "sio-spec"):
            port = free_port()
            cmd = [sys.executable, str(HERE / "loopback_server.py"), str(port)]
            if name == "sio-spec":
                cmd.append("--attached")
            procs[name] = (subprocess.Popen(cmd), port)
        for name, (_proc, port) in procs.items():
            client = socketio.AsyncClient()
            for _ in range(100):
                try:
                    await client.connect(f"http://127.0.0.1:{port}", transports=["websocket"])
                    break
                except socketio.exceptions.ConnectionError:
                    await asyncio.sleep(0.1)
            clients[name] = client
            await block(client, 200, concurrency)  # warm-up
        rate: dict[str, list[float]] = {n: [] for n in procs}
        cpu: dict[str, list[float]] = {n: [] for n in procs}
        for _ in range(rounds):
            for name, (proc, _port) in procs.items():
                before = cpu_seconds(proc.pid)
                elapsed = await block(clients[name], calls, concurrency)
                cpu[name].append((cpu_seconds(proc.pid) - before) / calls * 1e6)
                rate[name].append(calls / elapsed)
        plain_rate = statistics.median(rate["plain"])
        plain_cpu = statistics.median(cpu["plain"])
        print(f"{'variant':<10} {'calls/s':>9} {'server CPU us/event':>20}")
        for name in procs:
            print(f"{name:<10} {statistics.median(rate[name]):>9.0f} "
                  f"{statistics.median(cpu[name]):>20.1f}")
        rate_ratio = statistics.median(rate["sio-spec"]) / plain_rate
        cpu_ratio = statistics.median(cpu["sio-spec"]) / plain_cpu
        print(f"throughput ratio sio-spec/plain: {rate_ratio:.3f}")
        print(f"server CPU ratio sio-spec/plain: {cpu_ratio:.3f}")
    finally:
        for client in clients.values():
            await client.disconnect()
        for proc, _port in procs.values():
            proc.terminate()
            proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(run(args.rounds, args.calls, args.concurrency))


if __name__ == "__main__":
    main()

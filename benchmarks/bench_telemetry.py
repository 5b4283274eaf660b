"""Telemetry: what ``sio_spec.telemetry.instrument`` costs per event and per emit.

Four servers of each kind (``socketio.Server``, ``socketio.AsyncServer``), driven
through their real packet path (see ``common``) in interleaved blocks:

- ``plain``: python-socketio alone;
- ``sio-spec``: the spec attached, never instrumented;
- ``observed``: the spec observed by an observer that does nothing
  (:mod:`sio_spec.observe`): the cost of the observed hooks alone;
- ``otel``: the spec instrumented with the OpenTelemetry SDK (a tracer provider
  with a simple span processor and an exporter that drops spans, a meter provider
  with an in-memory reader): every span and measurement is really made;
- ``removed``: the spec instrumented, then ``uninstrument``-ed.

Reported: median microseconds per event and the ratios to ``sio-spec``.

With ``--loopback``, a real connection instead: a python-socketio ``AsyncClient``
makes ``call()`` round trips to a uvicorn server process
(``telemetry_loopback_server.py``) that is instrumented and uninstrumented between
blocks of calls, in alternating order. Reported: median throughput and server CPU
time per event, and their ratios.

    python benchmarks/bench_telemetry.py [--rounds 15] [--n 2000]
    python benchmarks/bench_telemetry.py --loopback [--rounds 9] [--n 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
from collections.abc import Callable, Sequence
from typing import Any

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

from sio_spec import SocketIOSpec
from sio_spec.observe import observe
from sio_spec.telemetry import instrument, uninstrument

try:
    from benchmarks import common
except ImportError:  # run as a script
    import common  # type: ignore[no-redef]

VARIANTS = ("plain", "sio-spec", "observed", "otel", "removed")
MOVE_MODEL = common.MakeMove(**common.MOVE)
PACKET = "21" + json.dumps(["make_move", common.MOVE], separators=(",", ":"))


class Nothing:
    """An observer that does nothing."""

    def begin(self, *args: Any, **kwargs: Any) -> None:
        return None

    def end(self, token: Any, outcome: Any) -> None:
        pass

    def carrier(self) -> dict[str, str]:
        return {}


class Dropped(SpanExporter):
    """An exporter that exports nothing."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def providers() -> tuple[TracerProvider, MeterProvider]:
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(Dropped()))
    return tracer_provider, MeterProvider(metric_readers=[InMemoryMetricReader()])


def build(server: Any, variant: str) -> Any:
    if variant == "plain":

        def move(sid: str, data: Any) -> Any:
            return {"ok": data["x"] == 1}

    else:
        spec = SocketIOSpec(server, title="bench", version="1")
        spec.emits("move_made", common.MakeMove)

        def move(sid: str, data: common.MakeMove) -> common.MoveAck:  # type: ignore[misc]
            return common.MoveAck(ok=data.x == 1)

        if variant == "observed":
            observe(spec, Nothing())
        if variant in ("otel", "removed"):
            tracer_provider, meter_provider = providers()
            instrument(spec, tracer_provider=tracer_provider, meter_provider=meter_provider)
            if variant == "removed":
                uninstrument(spec)
    if server.is_asyncio_based():

        async def handler(sid: str, data: Any) -> Any:
            return move(sid, data)

        handler.__annotations__ = move.__annotations__
        server.on("make_move", handler)
    else:
        server.on("make_move", move)
    return server


def emit_of(server: Any, variant: str, sid: str) -> Any:
    data = common.MOVE if variant == "plain" else MOVE_MODEL
    return lambda: server.emit("move_made", data, to=sid)


Row = tuple[str, str, dict[str, float]]


def interleave(
    variants: dict[str, Callable[[int], float]], *, rounds: int, n: int
) -> dict[str, float]:
    """Like ``common.interleave``, but each round starts with the next variant: the
    garbage the instrumented variant leaves is not always collected in the same
    neighbour's block."""
    names = list(variants)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            samples[name].append(variants[name](n) / n * 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}


def bench_sync(rounds: int, n: int) -> list[Row]:
    servers = {v: build(common.sync_server(), v) for v in VARIANTS}
    sids = {v: common.connected_server(s) for v, s in servers.items()}
    event = {
        v: common.timed_sync(lambda s=s: s._handle_eio_message(common.EIO_SID, PACKET))
        for v, s in servers.items()
    }
    emit = {v: common.timed_sync(emit_of(s, v, sids[v])) for v, s in servers.items()}
    return [
        ("Server", "event + ack", interleave(event, rounds=rounds, n=n)),
        ("Server", "emit to one sid", interleave(emit, rounds=rounds, n=n)),
    ]


def bench_async(rounds: int, n: int) -> list[Row]:
    loop = asyncio.new_event_loop()
    servers = {v: build(common.async_server(), v) for v in VARIANTS}
    sids = {v: common.connected_async_server(s, loop) for v, s in servers.items()}
    event = {
        v: common.timed_async(lambda s=s: s._handle_eio_message(common.EIO_SID, PACKET), loop)
        for v, s in servers.items()
    }
    emit = {v: common.timed_async(emit_of(s, v, sids[v]), loop) for v, s in servers.items()}
    rows = [
        ("AsyncServer", "event + ack", interleave(event, rounds=rounds, n=n)),
        ("AsyncServer", "emit to one sid", interleave(emit, rounds=rounds, n=n)),
    ]
    loop.close()
    return rows


async def loopback(rounds: int, calls: int, concurrency: int = 20) -> None:
    import subprocess
    import sys
    from pathlib import Path

    import socketio

    try:
        from benchmarks.bench_loopback import block, cpu_seconds, free_port
    except ImportError:  # run as a script
        from bench_loopback import block, cpu_seconds, free_port  # type: ignore[no-redef]

    here = Path(__file__).resolve().parent
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(here / "telemetry_loopback_server.py"), str(port)], cwd=here
    )
    client = socketio.AsyncClient()
    names = {False: "sio-spec", True: "otel"}
    rate: dict[str, list[float]] = {name: [] for name in names.values()}
    cpu: dict[str, list[float]] = {name: [] for name in names.values()}
    try:
        for _ in range(100):
            try:
                await client.connect(f"http://127.0.0.1:{port}", transports=["websocket"])
                break
            except socketio.exceptions.ConnectionError:
                await asyncio.sleep(0.1)
        for instrumented in (False, True):  # warm-up both
            await client.call("bench_mode", instrumented)
            await block(client, 500, concurrency)
        for i in range(rounds):
            for instrumented in (False, True) if i % 2 == 0 else (True, False):
                assert await client.call("bench_mode", instrumented) is instrumented
                before = cpu_seconds(proc.pid)
                elapsed = await block(client, calls, concurrency)
                cpu[names[instrumented]].append((cpu_seconds(proc.pid) - before) / calls * 1e6)
                rate[names[instrumented]].append(calls / elapsed)
    finally:
        await client.disconnect()
        proc.terminate()
        proc.wait(10)
    print(f"{'variant':<10} {'calls/s':>9} {'server CPU us/event':>20}")
    for name in rate:
        print(
            f"{name:<10} {statistics.median(rate[name]):>9.0f} "
            f"{statistics.median(cpu[name]):>20.1f}"
        )
    rate_ratio = statistics.median(rate["otel"]) / statistics.median(rate["sio-spec"])
    cpu_ratio = statistics.median(cpu["otel"]) / statistics.median(cpu["sio-spec"])
    print(f"throughput ratio otel/sio-spec: {rate_ratio:.3f}")
    print(f"server CPU ratio otel/sio-spec: {cpu_ratio:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--loopback", action="store_true", help="over a real connection")
    args = parser.parse_args()
    if args.loopback:
        asyncio.run(loopback(args.rounds, args.n))
        return
    rows = bench_sync(args.rounds, args.n) + bench_async(args.rounds, args.n)
    print(f"{'server':<12} {'case':<16}" + "".join(f"{v:>10}" for v in VARIANTS), end="")
    print("   ratios to sio-spec: observed  otel  removed   (us per event)")
    for kind, case, t in rows:
        base = t["sio-spec"]
        print(
            f"{kind:<12} {case:<16}"
            + "".join(f"{t[v]:>10.2f}" for v in VARIANTS)
            + f"   {t['observed'] / base:>27.2f}x {t['otel'] / base:>5.2f}x"
            + f" {t['removed'] / base:>7.2f}x"
        )


if __name__ == "__main__":
    main()

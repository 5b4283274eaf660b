"""sio-spec against validation written by hand and pydantic-socketio, interleaved.

Every row runs four variants in one process, in alternating blocks:

- ``plain``: python-socketio with dicts and no validation;
- ``by-hand``: python-socketio validating in the handler or before ``emit``
  (``model_validate`` / ``model_dump``, a prebuilt ``jsonschema`` validator): what
  one writes without a library;
- ``sio-spec``: models in the signatures, ``SocketIOSpec`` / ``ClientSpec`` attached;
- ``pydantic-socketio``: its ``Server`` / ``AsyncServer`` / ``Client`` with the same
  typed handlers (when it is installed; it has no JSON Schema dict models).

Servers run their real packet path (``_handle_eio_message``: decode, dispatch,
validation, handler, ack encode) with sending replaced by encoding; the emit row
emits a model to one connected sid; the client rows emit a dict checked before it
is sent and receive a server event into a typed handler. Each block is timed with
the CPU time of this thread, so other processes on a shared machine do not count;
a ratio is the median of the per-round ratios (each round runs every variant once).

    python benchmarks/compare.py [--rounds 21] [--n 2000] [--out docs/_static/bench]

With ``--out``, writes ``comparison.json``, ``comparison.rst`` (a table for the
documentation) and ``comparison.svg`` (a bar chart, no plotting library needed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import socketio
from pydantic import BaseModel

try:
    from benchmarks import bench_packet, common
except ImportError:  # run as a script
    import bench_packet  # type: ignore[no-redef]
    import common  # type: ignore[no-redef]

from sio_spec import ClientSpec, SocketIOSpec

try:
    import pydantic_socketio
except ImportError:  # the comparison runs without it, one column short
    pydantic_socketio = None

PEER = "pydantic-socketio"
VARIANTS = ["plain", "by-hand", "sio-spec"] + ([PEER] if pydantic_socketio else [])
MakeMove, MoveAck, Order = common.MakeMove, common.MoveAck, bench_packet.Order
MOVE, MOVE_MODEL = common.MOVE, bench_packet.MOVE_MODEL
Step = Callable[[int], float]
Row = tuple[str, str, dict[str, list[float]]]


def cpu_sync(step: Callable[[], Any]) -> Step:
    def run(n: int) -> float:
        start = time.thread_time()
        for _ in range(n):
            step()
        return (time.thread_time() - start) / n * 1e6

    return run


def cpu_async(step: Callable[[], Any], loop: asyncio.AbstractEventLoop) -> Step:
    async def many(n: int) -> float:
        start = time.thread_time()
        for _ in range(n):
            await step()
        return (time.thread_time() - start) / n * 1e6

    return lambda n: loop.run_until_complete(many(n))


def rounds_of(variants: dict[str, Step], rounds: int, n: int) -> dict[str, list[float]]:
    """Microseconds per operation of each variant, one sample per round."""
    for run in variants.values():
        run(max(n // 4, 50))  # warm up: plans built, caches filled
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, run in variants.items():
            samples[name].append(run(n))
    return samples


# -- servers ------------------------------------------------------------------------------


def peer_server(is_async: bool) -> Any:
    """pydantic-socketio's server with the same typed handlers."""
    assert pydantic_socketio is not None
    kind = pydantic_socketio.AsyncServer if is_async else pydantic_socketio.Server
    server = kind(async_handlers=False)

    def move(sid: str, data: MakeMove) -> MoveAck:
        return MoveAck(ok=data.x == 1)

    def order(sid: str, data: Order) -> MoveAck:
        return MoveAck(ok=len(data.items) == 20)

    for event, func in (("make_move", move), ("order", order)):
        server.on(event, bench_packet._as_coroutine(func) if is_async else func)
    server.register_emit("move_made", MakeMove)
    return server


def make_server(is_async: bool, variant: str) -> Any:
    if variant == PEER:
        return peer_server(is_async)
    server = common.async_server() if is_async else common.sync_server()
    bench_packet.register(server, variant)
    return server


def emit_step(server: Any, variant: str, sid: str) -> Callable[[], Any]:
    if variant == PEER:
        return lambda: server.emit("move_made", MOVE_MODEL, to=sid)
    return bench_packet.emit_step(server, variant, sid)  # type: ignore[no-any-return]


def server_rows(is_async: bool, rounds: int, n: int) -> list[Row]:
    kind = "AsyncServer" if is_async else "Server"
    loop = asyncio.new_event_loop()
    servers = {v: make_server(is_async, v) for v in VARIANTS}
    sids = {
        v: common.connected_async_server(s, loop) if is_async else common.connected_server(s)
        for v, s in servers.items()
    }

    def timed(step: Callable[[], Any]) -> Step:
        return cpu_async(step, loop) if is_async else cpu_sync(step)

    rows: list[Row] = []
    for case, pkt in bench_packet.CASES.items():
        variants = {
            v: timed(lambda s=s, p=pkt: s._handle_eio_message(common.EIO_SID, p))
            for v, s in servers.items()
            if not (v == PEER and "JSON Schema" in case)
        }
        rows.append((kind, case, rounds_of(variants, rounds, n)))
    variants = {v: timed(emit_step(s, v, sids[v])) for v, s in servers.items()}
    rows.append((kind, "emit of a model to one sid", rounds_of(variants, rounds, n)))
    loop.close()
    return rows


# -- client -------------------------------------------------------------------------------


class MoveMade(BaseModel):
    turn: str
    cell: int


INCOMING = '2["move_made",{"turn":"O","cell":7}]'


def connected_client(client: Any) -> Any:
    client.namespaces = {"/": "bench-sid"}
    client.connected = True
    client.eio.state = "connected"
    client.eio.send = lambda data: None
    return client


def client_rows(rounds: int, n: int) -> list[Row]:
    server = SocketIOSpec(socketio.AsyncServer())
    server.emits("move_made", MoveMade)

    @server.server.on("make_move")
    async def make_move(sid: str, move: MakeMove) -> None:
        return None

    sink: list[Any] = []
    clients = {v: connected_client(socketio.Client()) for v in VARIANTS if v != PEER}
    clients["plain"].on("move_made", sink.append)
    clients["by-hand"].on("move_made", lambda data: sink.append(MoveMade.model_validate(data)))
    ClientSpec(clients["sio-spec"], server)

    def typed(data: MoveMade) -> None:
        sink.append(data)

    clients["sio-spec"].on("move_made", typed)
    emits: dict[str, Callable[[], Any]] = {
        "plain": lambda: clients["plain"].emit("make_move", dict(MOVE)),
        "by-hand": lambda: clients["by-hand"].emit(
            "make_move", MakeMove.model_validate(MOVE).model_dump(mode="json")
        ),
        "sio-spec": lambda: clients["sio-spec"].emit("make_move", dict(MOVE)),
    }
    if pydantic_socketio is not None:
        peer = clients[PEER] = connected_client(pydantic_socketio.Client())
        peer.register_emit("make_move", MakeMove)
        peer.on("move_made", typed)
        emits[PEER] = lambda: peer.emit("make_move", dict(MOVE))
    receives = {v: (lambda c=c: c._handle_eio_message(INCOMING)) for v, c in clients.items()}
    return [
        (
            "Client",
            "emit a dict checked before sending",
            rounds_of({v: cpu_sync(f) for v, f in emits.items()}, rounds, n),
        ),
        (
            "Client",
            "receive into a typed handler",
            rounds_of({v: cpu_sync(f) for v, f in receives.items()}, rounds, n),
        ),
    ]


# -- report -------------------------------------------------------------------------------


def ratio(samples: dict[str, list[float]], a: str, b: str) -> float | None:
    if a not in samples or b not in samples:
        return None
    return statistics.median(x / y for x, y in zip(samples[a], samples[b], strict=True))


def summary(rows: list[Row]) -> list[dict[str, Any]]:
    out = []
    for kind, case, samples in rows:
        out.append(
            {
                "kind": kind,
                "case": case,
                "us": {v: round(statistics.median(s), 2) for v, s in samples.items()},
                "vs_by_hand": {
                    v: round(r, 3)
                    for v in samples
                    if v != "by-hand" and (r := ratio(samples, v, "by-hand")) is not None
                },
            }
        )
    return out


def _cell(row: dict[str, Any], variant: str) -> str:
    us = row["us"]
    if variant not in us:
        return "n/a"
    if variant == "by-hand":
        return f"{us[variant]:.2f}"
    return f"{us[variant]:.2f} ({row['vs_by_hand'][variant]:.2f}x)"


def rst_table(results: list[dict[str, Any]]) -> str:
    head = ["Endpoint", "Case", "plain", "by hand", "sio-spec", PEER]
    lines = [
        ".. list-table:: Microseconds per operation (median) and ratio to validating by hand",
        "   :header-rows: 1",
        "",
        "   * - " + "\n     - ".join(head),
    ]
    for r in results:
        cells = [
            r["kind"],
            r["case"],
            *(_cell(r, v) for v in ("plain", "by-hand", "sio-spec", PEER)),
        ]
        lines.append("   * - " + "\n     - ".join(cells))
    return "\n".join(lines) + "\n"


COLORS = {"sio-spec": "#2f6fb0", PEER: "#d08a2a", "plain": "#8a8a8a"}


def svg_chart(results: list[dict[str, Any]]) -> str:
    """Horizontal bars: each variant's time relative to validating by hand (1.0)."""
    shown = [v for v in ("sio-spec", PEER, "plain") if any(v in r["us"] for r in results)]
    bar, gap, left, width = 12, 10, 330, 360
    group = bar * len(shown) + gap
    top = 40
    height = top + group * len(results) + 50
    scale = width / 1.6  # the axis runs from 0 to 1.6x
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 80}" '
        f'height="{height}" font-family="sans-serif" font-size="11">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{left}" y="16" font-size="13">Time relative to validating by hand '
        "(lower is faster)</text>",
    ]
    for tick in (0.0, 0.5, 1.0, 1.5):
        x = left + tick * scale
        dash = "" if tick == 1.0 else ' stroke-dasharray="2,3"'
        out.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 40}" '
            f'stroke="#444"{dash}/>'
        )
        out.append(f'<text x="{x:.1f}" y="{height - 26}" text-anchor="middle">{tick:.1f}x</text>')
    for i, r in enumerate(results):
        y0 = top + i * group
        label = escape(f"{r['kind']}: {r['case']}")
        out.append(
            f'<text x="{left - 8}" y="{y0 + group / 2 + 2:.1f}" text-anchor="end">{label}</text>'
        )
        for j, v in enumerate(shown):
            value = r["vs_by_hand"].get(v)
            if value is None:
                continue
            y = y0 + j * bar
            w = min(value, 1.6) * scale
            out.append(
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar - 2}" '
                f'fill="{COLORS[v]}"><title>{escape(v)} {value:.2f}x</title></rect>'
            )
            out.append(f'<text x="{left + w + 4:.1f}" y="{y + bar - 3}">{value:.2f}x</text>')
    x = left
    for v in shown:
        out.append(f'<rect x="{x}" y="{height - 14}" width="10" height="10" fill="{COLORS[v]}"/>')
        out.append(f'<text x="{x + 14}" y="{height - 5}">{escape(v)}</text>')
        x += 20 + 7 * len(v)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=None, help="write json, rst and svg here")
    args = parser.parse_args()
    rows = (
        server_rows(False, args.rounds, args.n)
        + server_rows(True, args.rounds, args.n)
        + client_rows(args.rounds, args.n)
    )
    results = summary(rows)
    print(f"{'':12s} {'case':36s} " + " ".join(f"{v:>18s}" for v in VARIANTS))
    for r in results:
        cells = []
        for v in VARIANTS:
            if v not in r["us"]:
                cells.append(f"{'n/a':>18s}")
            elif v == "by-hand":
                cells.append(f"{r['us'][v]:>10.2f}        ")
            else:
                cells.append(f"{r['us'][v]:>10.2f} ({r['vs_by_hand'][v]:.2f}x)")
        print(f"{r['kind']:12s} {r['case']:36s} " + " ".join(cells))
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        meta = {"rounds": args.rounds, "n": args.n, "clock": "thread CPU time"}
        (args.out / "comparison.json").write_text(
            json.dumps({"settings": meta, "rows": results}, indent=2) + "\n"
        )
        (args.out / "comparison.rst").write_text(rst_table(results))
        (args.out / "comparison.svg").write_text(svg_chart(results))
        print(f"wrote {args.out}/comparison.json, .rst, .svg")


if __name__ == "__main__":
    main()

"""Packet path: plain python-socketio vs the same server with sio-spec attached.

Each case builds two servers, one plain and one with a SocketIOSpec, with the
idiomatic handler for each (dicts for plain, models for sio-spec), and drives
both through ``_handle_eio_message`` in interleaved blocks. Reported: median
microseconds per event and the ratio attached / plain.

    python benchmarks/bench_packet.py [--rounds 15] [--n 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from pydantic import BaseModel

from sio_spec import SocketIOSpec

try:
    from benchmarks import common
except ImportError:  # run as a script
    import common  # type: ignore[no-redef]


class MakeMove(BaseModel):
    game_id: int
    x: int
    y: int


class MoveAck(BaseModel):
    ok: bool


class Item(BaseModel):
    name: str
    qty: int
    price: float


class Order(BaseModel):
    order_id: int
    items: list[Item]


MOVE_SCHEMA = {
    "type": "object",
    "properties": {"game_id": {"type": "integer"}, "x": {"type": "integer"},
                   "y": {"type": "integer"}},
    "required": ["game_id", "x", "y"],
}

MOVE = {"game_id": 1, "x": 1, "y": 2}
MOVE_MODEL = MakeMove(**MOVE)
ORDER = {"order_id": 7, "items": [{"name": f"item{i}", "qty": i, "price": 1.5}
                                  for i in range(20)]}


def packet(event: str, data: Any) -> str:
    return "21" + json.dumps([event, data], separators=(",", ":"))


def register(server: Any, attached: bool) -> None:
    """The same events on a plain server (dict handlers) or an attached one (models)."""
    is_async = server.is_asyncio_based()
    if attached:
        spec = SocketIOSpec(server, title="bench", version="1")
        spec.emits("move_made", MakeMove)

        def move(sid: str, data: MakeMove) -> MoveAck:
            return MoveAck(ok=data.x == 1)

        def order(sid: str, data: Order) -> MoveAck:
            return MoveAck(ok=len(data.items) == 20)

        def move_schema(sid: str, data: dict[str, Any]) -> dict[str, bool]:
            return {"ok": data["x"] == 1}

        spec.on("move_schema", request=MOVE_SCHEMA)(move_schema)
    else:
        def move(sid: str, data: dict[str, Any]) -> dict[str, bool]:  # type: ignore[misc]
            return {"ok": data["x"] == 1}

        def order(sid: str, data: dict[str, Any]) -> dict[str, bool]:  # type: ignore[misc]
            return {"ok": len(data["items"]) == 20}

        server.on("move_schema", move)
    if is_async:
        async def amove(sid: str, data: Any) -> Any:
            return move(sid, data)

        async def aorder(sid: str, data: Any) -> Any:
            return order(sid, data)

        amove.__annotations__ = move.__annotations__
        aorder.__annotations__ = order.__annotations__
        server.on("make_move", amove)
        server.on("order", aorder)
    else:
        server.on("make_move", move)
        server.on("order", order)


CASES = {
    "3-field model + model ack": packet("make_move", MOVE),
    "nested: list of 20 sub-models": packet("order", ORDER),
    "JSON Schema dict model": packet("move_schema", MOVE),
}


def bench_sync(rounds: int, n: int) -> list[tuple[str, str, float, float]]:
    rows = []
    servers = {}
    sids = {}
    for attached in (False, True):
        server = common.sync_server()
        register(server, attached)
        sids[attached] = common.connected_server(server)
        servers[attached] = server
    for case, pkt in CASES.items():
        variants = {
            str(attached): common.timed_sync(
                lambda s=servers[attached], p=pkt: s._handle_eio_message(common.EIO_SID, p))
            for attached in (False, True)
        }
        result = common.interleave(variants, rounds=rounds, n=n)
        rows.append(("Server", case, result["False"], result["True"]))
    emit_variants = {
        "False": common.timed_sync(lambda: servers[False].emit("move_made", MOVE,
                                                               to=sids[False])),
        "True": common.timed_sync(lambda: servers[True].emit("move_made", MOVE_MODEL,
                                                             to=sids[True])),
    }
    result = common.interleave(emit_variants, rounds=rounds, n=n)
    rows.append(("Server", "emit of a model to one sid", result["False"], result["True"]))
    return rows


def bench_async(rounds: int, n: int) -> list[tuple[str, str, float, float]]:
    loop = asyncio.new_event_loop()
    rows = []
    servers = {}
    sids = {}
    for attached in (False, True):
        server = common.async_server()
        register(server, attached)
        sids[attached] = common.connected_async_server(server, loop)
        servers[attached] = server
    for case, pkt in CASES.items():
        variants = {
            str(attached): common.timed_async(
                lambda s=servers[attached], p=pkt: s._handle_eio_message(common.EIO_SID, p),
                loop)
            for attached in (False, True)
        }
        result = common.interleave(variants, rounds=rounds, n=n)
        rows.append(("AsyncServer", case, result["False"], result["True"]))
    emit_variants = {
        "False": common.timed_async(
            lambda: servers[False].emit("move_made", MOVE, to=sids[False]), loop),
        "True": common.timed_async(
            lambda: servers[True].emit("move_made", MOVE_MODEL, to=sids[True]), loop),
    }
    result = common.interleave(emit_variants, rounds=rounds, n=n)
    rows.append(("AsyncServer", "emit of a model to one sid", result["False"], result["True"]))
    loop.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    rows = bench_sync(args.rounds, args.n) + bench_async(args.rounds, args.n)
    print(f"{'server':<12} {'case':<32} {'plain us':>9} {'sio-spec us':>12} {'ratio':>6}")
    for kind, case, plain, attached in rows:
        print(f"{kind:<12} {case:<32} {plain:>9.2f} {attached:>12.2f} {attached / plain:>6.2f}")


if __name__ == "__main__":
    main()

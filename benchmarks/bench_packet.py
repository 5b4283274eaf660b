"""Packet path: plain python-socketio vs the same server with sio-spec attached.

Each case builds three servers (see ``register``): plain python-socketio with
dicts, plain python-socketio validating by hand in the handler, and sio-spec with
models in the signature; all are driven through ``_handle_eio_message`` in
interleaved blocks. Reported: median microseconds per event and the ratios of
sio-spec to plain and to by-hand.

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


MakeMove = common.MakeMove
MoveAck = common.MoveAck


class Item(BaseModel):
    name: str
    qty: int
    price: float


class Order(BaseModel):
    order_id: int
    items: list[Item]


MOVE_SCHEMA = {
    "type": "object",
    "properties": {
        "game_id": {"type": "integer"},
        "x": {"type": "integer"},
        "y": {"type": "integer"},
    },
    "required": ["game_id", "x", "y"],
}

MOVE = {"game_id": 1, "x": 1, "y": 2}
MOVE_MODEL = MakeMove(**MOVE)
ORDER = {"order_id": 7, "items": [{"name": f"item{i}", "qty": i, "price": 1.5} for i in range(20)]}


def packet(event: str, data: Any) -> str:
    return "21" + json.dumps([event, data], separators=(",", ":"))


VARIANTS = ("plain", "by-hand", "sio-spec")


def register(server: Any, variant: str) -> None:
    """The same events three ways: ``plain`` python-socketio with dicts and no
    validation; ``by-hand``, plain python-socketio with the same validation written
    in each handler (``model_validate`` / ``model_dump``, a prebuilt jsonschema
    validator); ``sio-spec``, models in the signature and the spec attached."""
    is_async = server.is_asyncio_based()
    handlers: dict[str, Any] = {}
    if variant == "sio-spec":
        spec = SocketIOSpec(server, title="bench", version="1")
        spec.emits("move_made", MakeMove)

        def move(sid: str, data: MakeMove) -> MoveAck:
            return MoveAck(ok=data.x == 1)

        def order(sid: str, data: Order) -> MoveAck:
            return MoveAck(ok=len(data.items) == 20)

        def move_schema(sid: str, data: dict[str, Any]) -> dict[str, bool]:
            return {"ok": data["x"] == 1}

        spec.on("move_schema", request=MOVE_SCHEMA)(move_schema)
    elif variant == "by-hand":
        import jsonschema

        checker = jsonschema.Draft202012Validator(MOVE_SCHEMA)

        def move(sid: str, data: Any) -> Any:  # type: ignore[misc]
            m = MakeMove.model_validate(data)
            return MoveAck(ok=m.x == 1).model_dump(mode="json")

        def order(sid: str, data: Any) -> Any:  # type: ignore[misc]
            o = Order.model_validate(data)
            return MoveAck(ok=len(o.items) == 20).model_dump(mode="json")

        def move_schema(sid: str, data: Any) -> Any:
            checker.validate(data)
            return {"ok": data["x"] == 1}

        handlers["move_schema"] = move_schema
    else:

        def move(sid: str, data: Any) -> Any:  # type: ignore[misc]
            return {"ok": data["x"] == 1}

        def order(sid: str, data: Any) -> Any:  # type: ignore[misc]
            return {"ok": len(data["items"]) == 20}

        handlers["move_schema"] = move
    handlers["make_move"] = move
    handlers["order"] = order
    for event, func in handlers.items():
        if is_async:
            server.on(event, _as_coroutine(func))
        else:
            server.on(event, func)


def _as_coroutine(func: Any) -> Any:
    async def handler(sid: str, data: Any) -> Any:
        return func(sid, data)

    handler.__annotations__ = func.__annotations__
    return handler


def emit_step(server: Any, variant: str, sid: str) -> Any:
    """One emit of the move to one sid, the way each variant would write it."""
    if variant == "sio-spec":
        return lambda: server.emit("move_made", MOVE_MODEL, to=sid)
    if variant == "by-hand":
        return lambda: server.emit("move_made", MOVE_MODEL.model_dump(mode="json"), to=sid)
    return lambda: server.emit("move_made", MOVE, to=sid)


CASES = {
    "3-field model + model ack": packet("make_move", MOVE),
    "nested: list of 20 sub-models": packet("order", ORDER),
    "JSON Schema dict model": packet("move_schema", MOVE),
}


Row = tuple[str, str, dict[str, float]]


def bench_sync(rounds: int, n: int) -> list[Row]:
    servers: dict[str, Any] = {}
    sids: dict[str, str] = {}
    for variant in VARIANTS:
        servers[variant] = server = common.sync_server()
        register(server, variant)
        sids[variant] = common.connected_server(server)
    rows: list[Row] = []
    for case, pkt in CASES.items():
        variants = {
            v: common.timed_sync(
                lambda s=servers[v], p=pkt: s._handle_eio_message(common.EIO_SID, p)
            )
            for v in VARIANTS
        }
        rows.append(("Server", case, common.interleave(variants, rounds=rounds, n=n)))
    variants = {v: common.timed_sync(emit_step(servers[v], v, sids[v])) for v in VARIANTS}
    rows.append(
        ("Server", "emit of a model to one sid", common.interleave(variants, rounds=rounds, n=n))
    )
    return rows


def bench_async(rounds: int, n: int) -> list[Row]:
    loop = asyncio.new_event_loop()
    servers: dict[str, Any] = {}
    sids: dict[str, str] = {}
    for variant in VARIANTS:
        servers[variant] = server = common.async_server()
        register(server, variant)
        sids[variant] = common.connected_async_server(server, loop)
    rows: list[Row] = []
    for case, pkt in CASES.items():
        variants = {
            v: common.timed_async(
                lambda s=servers[v], p=pkt: s._handle_eio_message(common.EIO_SID, p), loop
            )
            for v in VARIANTS
        }
        rows.append(("AsyncServer", case, common.interleave(variants, rounds=rounds, n=n)))
    variants = {v: common.timed_async(emit_step(servers[v], v, sids[v]), loop) for v in VARIANTS}
    rows.append(
        (
            "AsyncServer",
            "emit of a model to one sid",
            common.interleave(variants, rounds=rounds, n=n),
        )
    )
    loop.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    rows = bench_sync(args.rounds, args.n) + bench_async(args.rounds, args.n)
    print(
        f"{'server':<12} {'case':<32} {'plain':>7} {'by-hand':>8} {'sio-spec':>9} "
        f"{'vs plain':>9} {'vs by-hand':>11}   (us per event)"
    )
    for kind, case, t in rows:
        print(
            f"{kind:<12} {case:<32} {t['plain']:>7.2f} {t['by-hand']:>8.2f} "
            f"{t['sio-spec']:>9.2f} {t['sio-spec'] / t['plain']:>8.2f}x "
            f"{t['sio-spec'] / t['by-hand']:>10.2f}x"
        )


if __name__ == "__main__":
    main()

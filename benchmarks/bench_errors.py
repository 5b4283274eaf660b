"""Rejected payloads: the cost of a payload with a huge number of problems.

A payload of 0.7-0.9 MB (below engine.io's default ``max_http_buffer_size``) for a
model with a list of sub-models holds up to a million validation errors. Each case
drives python-socketio's packet path (``_handle_eio_message``: decode, dispatch,
handler, ack encode) on three servers, interleaved:

- *by-hand*: plain python-socketio whose handler calls ``model_validate`` and answers a
  fixed error on ``ValidationError`` (pydantic's own validation cost, the baseline);
- *errors()*: the same handler answering ``exc.errors()[:100]`` (what converting every
  error before cutting the list costs);
- *sio-spec*: the model in the signature, the spec attached (100 details and a
  ``too_many_errors`` entry).

Reported: median milliseconds per packet and the ratio of sio-spec to by-hand.

    python benchmarks/bench_errors.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import pydantic
from pydantic import BaseModel

from sio_spec import SocketIOSpec

try:
    from benchmarks import common
except ImportError:  # run as a script
    import common  # type: ignore[no-redef]


class Item(BaseModel):
    a: int
    b: str
    c: float


class Order(BaseModel):
    items: list[Item]


ITEMS_SCHEMA = {
    "type": "object",
    "properties": {
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "a": {"type": "integer"},
                    "b": {"type": "string"},
                    "c": {"type": "number"},
                },
                "required": ["a", "b", "c"],
            },
        }
    },
    "required": ["items"],
}

NO_EXTRAS = {"include_url": False, "include_context": False, "include_input": False}


def packet(event: str, data: Any) -> str:
    return "21" + json.dumps([event, data], separators=(",", ":"))


CASES = {
    # 30,000 items with three wrong fields each: 90,000 errors, 720 kB
    "90k wrong fields": ("order", {"items": [{"a": "x", "b": 1, "c": "y"}] * 30_000}),
    # 300,000 empty items: 900,000 "missing" errors, 900 kB
    "900k missing fields": ("order", {"items": [{}] * 300_000}),
    "JSON Schema, 90k wrong": ("schema", {"items": [{"a": "x", "b": 1, "c": "y"}] * 30_000}),
}
VARIANTS = ("by-hand", "errors()", "sio-spec")


def register(server: Any, variant: str) -> None:
    import jsonschema

    checker = jsonschema.Draft202012Validator(ITEMS_SCHEMA)
    if variant == "sio-spec":
        spec = SocketIOSpec(server, title="bench", version="1")

        def order(sid: str, data: Order) -> int:
            return len(data.items)

        server.on("order", order)
        spec.on("schema", request=ITEMS_SCHEMA)(lambda sid, data: len(data["items"]))
        return
    full = variant == "errors()"

    def by_hand(sid: str, data: Any) -> Any:
        try:
            return len(Order.model_validate(data).items)
        except pydantic.ValidationError as exc:
            detail = exc.errors(**NO_EXTRAS)[:100] if full else []  # type: ignore[arg-type]
            return {"error": "validation_error", "detail": detail}

    def schema_by_hand(sid: str, data: Any) -> Any:
        if checker.is_valid(data):
            return len(data["items"])
        errors = checker.iter_errors(data)
        detail = [e.message for e in (list(errors)[:100] if full else [])]
        return {"error": "validation_error", "detail": detail}

    server.on("order", by_hand)
    server.on("schema", schema_by_hand)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    servers: dict[str, Any] = {}
    for variant in VARIANTS:
        servers[variant] = server = common.sync_server()
        register(server, variant)
        common.connected_server(server)
    print(
        f"{'case':<26} {'by-hand':>8} {'errors()':>9} {'sio-spec':>9} {'vs by-hand':>11}"
        "   (ms per packet)"
    )
    for case, (event, data) in CASES.items():
        pkt = packet(event, data)
        variants = {
            v: common.timed_sync(
                lambda s=servers[v], p=pkt: s._handle_eio_message(common.EIO_SID, p)
            )
            for v in VARIANTS
        }
        t = common.interleave(variants, rounds=args.rounds, n=1)
        ms = {k: v / 1000 for k, v in t.items()}
        print(
            f"{case:<26} {ms['by-hand']:>8.1f} {ms['errors()']:>9.1f} {ms['sio-spec']:>9.1f} "
            f"{t['sio-spec'] / t['by-hand']:>10.2f}x"
        )


if __name__ == "__main__":
    main()

"""Building the AsyncAPI document for a large server.

1,000 handled events on 10 namespaces, each with its own request model (nested:
a list of line items and an address, shared models) and its own ack model,
plus 100 declared emits. Models are created before timing (they are the user's
code); each round uses fresh model classes so pydantic's caches do not help.

- cold: new server, new SocketIOSpec, 1,000 handlers registered, first
  ``spec.asyncapi()`` (handler inspection, schema generation, example checks);
- document only: the first ``spec.asyncapi()`` call within the cold round;
- cached: a second ``spec.asyncapi()`` call (registry fingerprint + cache hit);
- yaml: ``spec.to_yaml()`` of the cached document;
- ruamel: the same document through ruamel.yaml's emitter, which ``to_yaml()``
  matches byte for byte (checked here too), for the ratio.

    python benchmarks/bench_document.py [--events 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import socketio
from pydantic import BaseModel, Field, create_model

from sio_spec import SocketIOSpec
from sio_spec.asyncapi.dump import ruamel_yaml


def make_models(n: int, tag: int) -> list[tuple[type[BaseModel], type[BaseModel]]]:
    address = create_model(
        f"Address{tag}",
        street=(str, Field(examples=["1 Main St"])),
        city=(str, Field(examples=["Springfield"])),
    )
    line = create_model(
        f"Line{tag}", sku=(str, Field(examples=["A-1"])), quantity=(int, Field(ge=1, examples=[1]))
    )
    out = []
    for i in range(n):
        request = create_model(
            f"Request{i}",
            order_id=(int, Field(examples=[i])),
            lines=(list[line], ...),
            ship_to=(address, ...),  # type: ignore[valid-type]
            note=(str | None, None),
        )
        ack = create_model(f"Ack{i}", ok=(bool, Field(examples=[True])), reason=(str | None, None))
        out.append((request, ack))
    return out


def handler_for(request: type[BaseModel], ack: type[BaseModel]) -> Any:
    def handler(sid: str, data: Any) -> Any:
        return None

    handler.__annotations__ = {"sid": str, "data": request, "return": ack}
    return handler


def cold_round(models: list[tuple[type[BaseModel], type[BaseModel]]]) -> dict[str, float]:
    t0 = time.perf_counter()
    sio = socketio.Server()
    spec = SocketIOSpec(
        sio, title="Big API", version="1.0.0", servers="wss://api.example.org/socket.io"
    )
    for i, (request, ack) in enumerate(models):
        sio.on(f"event_{i}", handler_for(request, ack), namespace=f"/ns{i % 10}")
    for i, (_request, ack) in enumerate(models[:100]):
        spec.emits(f"update_{i}", ack, namespace=f"/ns{i % 10}")
    t1 = time.perf_counter()
    doc = spec.asyncapi()
    t2 = time.perf_counter()
    assert len(doc["operations"]) == len(models) + 100
    cached = []
    for _ in range(200):
        c0 = time.perf_counter()
        spec.asyncapi()
        cached.append(time.perf_counter() - c0)
    y0 = time.perf_counter()
    text = spec.to_yaml()
    y1 = time.perf_counter()
    r0 = time.perf_counter()
    reference = ruamel_yaml(doc)
    r1 = time.perf_counter()
    assert text == reference
    return {
        "cold": t2 - t0,
        "document": t2 - t1,
        "cached": statistics.median(cached),
        "yaml": y1 - y0,
        "ruamel": r1 - r0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    results = []
    for r in range(args.rounds):
        models = make_models(args.events, r)
        results.append(cold_round(models))
    print(f"{args.events} events, {args.rounds} rounds (fresh models each round)")
    for key, label, unit, scale in (
        ("cold", "cold (server + spec + handlers + first asyncapi())", "ms", 1e3),
        ("document", "first asyncapi() alone", "ms", 1e3),
        ("cached", "cached asyncapi()", "us", 1e6),
        ("yaml", "to_yaml() of the cached document", "ms", 1e3),
        ("ruamel", "the same through ruamel.yaml's emitter", "ms", 1e3),
    ):
        values = [res[key] * scale for res in results]
        print(
            f"  {label:55s} median {statistics.median(values):9.2f} {unit}"
            f"  (min {min(values):.2f}, max {max(values):.2f})"
        )
    ratios = [res["ruamel"] / res["yaml"] for res in results]
    print(f"  to_yaml() is {statistics.median(ratios):.1f}x faster than ruamel.yaml (median)")


if __name__ == "__main__":
    main()

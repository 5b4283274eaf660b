"""TypeScript types for the large API of ``bench_document.py``.

1,000 handled events on 10 namespaces (nested request models, ack models) plus
100 declared emits. The document is built first (that cost is
``bench_document.py``'s); then, per round:

- contract: ``read_contract()`` of the document;
- render: the TypeScript module written from that contract;
- typescript(): ``spec.typescript()`` as users call it (contract + render);
- json: ``json.dumps(document, indent=2)`` of the same document with the standard
  library, in the same run, for scale (the ratio is what the report gives).

The parts are timed with the garbage collector paused, as ``spec.typescript()``
and ``spec.to_yaml()`` do.

    python benchmarks/bench_typescript.py [--events 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time

import socketio
from bench_document import handler_for, make_models

from sio_spec import SocketIOSpec
from sio_spec.contract import read_contract
from sio_spec.typescript import render


def one_round(events: int, tag: int) -> dict[str, float]:
    models = make_models(events, tag)
    sio = socketio.Server()
    spec = SocketIOSpec(sio, title="Big API", version="1.0.0")
    for i, (request, ack) in enumerate(models):
        sio.on(f"event_{i}", handler_for(request, ack), namespace=f"/ns{i % 10}")
    for i, (_request, ack) in enumerate(models[:100]):
        spec.emits(f"update_{i}", ack, namespace=f"/ns{i % 10}")
    doc = spec.asyncapi("3.0.0")
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        contract = read_contract(doc)
        t1 = time.perf_counter()
        text = render(contract)
        t2 = time.perf_counter()
    finally:
        gc.enable()
    again = spec.typescript()
    t3 = time.perf_counter()
    gc.disable()
    try:
        t4 = time.perf_counter()
        json.dumps(doc, indent=2)
        t5 = time.perf_counter()
    finally:
        gc.enable()
    assert again == text and text.count("callback") >= events
    return {
        "contract": t1 - t0,
        "render": t2 - t1,
        "typescript": t3 - t2,
        "json": t5 - t4,
        "size": float(len(text.encode())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    results = [one_round(args.events, r) for r in range(args.rounds)]
    size = results[0]["size"] / 1024
    print(f"{args.events} events + 100 emits, {args.rounds} rounds; module {size:.0f} KiB")
    for key, label in (
        ("contract", "read_contract() of the document"),
        ("render", "render() of the contract"),
        ("typescript", "spec.typescript() (contract + render)"),
        ("json", "json.dumps() of the same document (for scale)"),
    ):
        values = [res[key] * 1e3 for res in results]
        print(
            f"  {label:45s} median {statistics.median(values):8.1f} ms"
            f"  (min {min(values):.1f}, max {max(values):.1f})"
        )
    ratio = statistics.median(r["typescript"] / r["json"] for r in results)
    print(f"  spec.typescript() / json.dumps(): {ratio:.1f}x")


if __name__ == "__main__":
    main()

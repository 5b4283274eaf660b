"""Comparing two large contracts with ``sio-spec diff``.

Two documents of the 1,000-event API of ``bench_document.py`` (10 namespaces,
nested models, 100 emits): the second has one field added to every 10th request
model. Reported: reading both documents into contracts, and the comparison, as
medians over rounds; and the ratio of the whole ``diff`` to one ``json.loads``
of the two documents (a floor any tool must pay to read them).

    python benchmarks/bench_diff.py [--events 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

import socketio
from bench_document import handler_for, make_models
from pydantic import BaseModel, create_model

from sio_spec import SocketIOSpec
from sio_spec.contract import read_contract
from sio_spec.diff import diff_contracts


def document(models: list[tuple[type[BaseModel], type[BaseModel]]]) -> dict[str, Any]:
    sio = socketio.Server()
    spec = SocketIOSpec(sio, title="Big API", version="1.0.0")
    for i, (request, ack) in enumerate(models):
        sio.on(f"event_{i}", handler_for(request, ack), namespace=f"/ns{i % 10}")
    for i, (_request, ack) in enumerate(models[:100]):
        spec.emits(f"update_{i}", ack, namespace=f"/ns{i % 10}")
    return spec.asyncapi()


def changed(
    models: list[tuple[type[BaseModel], type[BaseModel]]],
) -> list[tuple[type[BaseModel], type[BaseModel]]]:
    out = []
    for i, (request, ack) in enumerate(models):
        if i % 10 == 0:
            request = create_model(f"Request{i}", __base__=request, extra=(int, ...))
        out.append((request, ack))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    models = make_models(args.events, 0)
    old_text = json.dumps(document(models))
    new_text = json.dumps(document(changed(models)))
    reads, compares, loads = [], [], []
    found = 0
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        old_doc, new_doc = json.loads(old_text), json.loads(new_text)
        t1 = time.perf_counter()
        old, new = read_contract(old_doc), read_contract(new_doc)
        t2 = time.perf_counter()
        found = len(diff_contracts(old, new))
        t3 = time.perf_counter()
        loads.append(t1 - t0)
        reads.append(t2 - t1)
        compares.append(t3 - t2)
    total = [r + c for r, c in zip(reads, compares, strict=True)]
    print(f"{args.events} events per document, {found} changes found, {args.rounds} rounds")
    for label, values in (
        ("json.loads of both documents", loads),
        ("read_contract of both documents", reads),
        ("diff_contracts", compares),
        ("read + diff", total),
    ):
        ms = [v * 1e3 for v in values]
        print(f"  {label:35s} median {statistics.median(ms):8.1f} ms  (min {min(ms):.1f})")
    ratio = statistics.median(total) / statistics.median(loads)
    print(f"  read + diff / json.loads: {ratio:.1f}x")


if __name__ == "__main__":
    main()

"""Reading a large YAML contract: bytes per second, and the ratio to ruamel.yaml's
pure-Python safe loader (what documents were read with before), interleaved.

The contract is an AsyncAPI 3.0 document of about 5 MB (``--models`` components,
each an object with nested properties, a pattern, examples and a reference to the
next one, and an event per 20 components). Each round reads it:

- ``pure``: ``YAML(typ="safe", pure=True).load(text)``, the reference;
- ``load``: ``sio_spec.contract.load_document(text)``: the guarded reader (ruamel's
  C parser when ``ruamel.yaml.clib`` is installed, every reading limit checked);
- ``contract``: ``load_document`` plus ``read_contract`` (every schema checked).

Every round also checks that ``load`` gives exactly the data ``pure`` gives.

    python benchmarks/bench_read.py [--models 8000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import time
from typing import Any

from ruamel.yaml import YAML

from sio_spec.contract import _read_contract, load_document
from sio_spec.guard.yaml_reader import _loader_class


def make_document(models: int) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for i in range(models):
        schemas[f"Model{i}"] = {
            "type": "object",
            "description": f"Model number {i}, with a sentence of prose about it.",
            "properties": {
                "id": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
                "name": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "maxLength": 40},
                "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
                "ratio": {"type": "number", "examples": [0.5, 1.25]},
                "active": {"type": "boolean", "default": True},
                "note": {"type": ["string", "null"]},
                "next": {"$ref": f"#/components/schemas/Model{(i + 1) % models}"},
            },
            "required": ["id", "name"],
        }
    messages = {
        f"event_{i}": {"name": f"event_{i}", "payload": {"$ref": f"#/components/schemas/Model{i}"}}
        for i in range(0, models, 20)
    }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Big contract", "version": "1.0.0"},
        "channels": {"root": {"address": "/", "messages": messages}},
        "operations": {
            name: {
                "action": "receive",
                "channel": {"$ref": "#/channels/root"},
                "messages": [{"$ref": f"#/channels/root/messages/{name}"}],
            }
            for name in messages
        },
        "components": {"schemas": schemas},
    }


def as_yaml(document: dict[str, Any]) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def timed(run: Any) -> tuple[float, Any]:
    gc.collect()
    t0 = time.perf_counter()
    value = run()
    return time.perf_counter() - t0, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", type=int, default=8000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    text = as_yaml(make_document(args.models))
    size = len(text.encode())
    print(f"a YAML contract of {size / 1e6:.1f} MB, {args.rounds} rounds (interleaved)")
    print(f"  ruamel.yaml C parser in use: {_loader_class() is not None}")
    times: dict[str, list[float]] = {"pure": [], "load": [], "contract": []}
    for _ in range(args.rounds):
        pure_time, reference = timed(lambda: YAML(typ="safe", pure=True).load(text))
        load_time, loaded = timed(lambda: load_document(text))
        assert loaded == reference, "the guarded reader must give the same data"
        contract_time, _ = timed(lambda: _read_contract(load_document(text), limits=None))
        times["pure"].append(pure_time)
        times["load"].append(load_time)
        times["contract"].append(contract_time)
    for key, label in (
        ("pure", "ruamel.yaml pure safe loader"),
        ("load", "load_document (guarded)"),
        ("contract", "load_document + read_contract"),
    ):
        median = statistics.median(times[key])
        print(f"  {label:35s} median {median:7.2f} s  {size / median / 1e6:6.2f} MB/s")
    ratios = [p / t for p, t in zip(times["pure"], times["load"], strict=True)]
    print(f"  load_document is {statistics.median(ratios):.1f}x faster than the pure loader")
    ratios = [p / t for p, t in zip(times["pure"], times["contract"], strict=True)]
    print(f"  load_document + read_contract: {statistics.median(ratios):.1f}x the pure loader")


if __name__ == "__main__":
    main()

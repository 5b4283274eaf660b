"""Memory: RSS while a server with sio-spec handles 1,000,000 validated events.

Valid and invalid payloads alternate (every tenth is invalid, answered with the
error ack); RSS is sampled every 100,000 events after a 50,000-event warm-up.

    python benchmarks/bench_memory.py [--events 1000000]
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
from pathlib import Path

from sio_spec import SocketIOSpec

try:
    from benchmarks import common
except ImportError:  # run as a script
    import common  # type: ignore[no-redef]


MakeMove = common.MakeMove
MoveAck = common.MoveAck


def rss_mib() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    logging.getLogger("sio_spec").setLevel(logging.WARNING)
    server = common.sync_server()
    SocketIOSpec(server, title="memory", version="1")

    @server.on("make_move")
    def make_move(sid: str, data: MakeMove) -> MoveAck:
        return MoveAck(ok=data.x == 1)

    common.connected_server(server)
    valid = "21" + json.dumps(["make_move", {"game_id": 1, "x": 1, "y": 2}])
    invalid = "21" + json.dumps(["make_move", {"game_id": "nope", "x": [1], "extra": "z" * 100}])
    warmup = 50_000
    samples = []
    for i in range(args.events + warmup):
        server._handle_eio_message(common.EIO_SID, invalid if i % 10 == 9 else valid)
        if i >= warmup and (i - warmup) % 100_000 == 0:
            gc.collect()
            samples.append(rss_mib())
    gc.collect()
    samples.append(rss_mib())
    print("RSS MiB every 100,000 events:", " ".join(f"{s:.1f}" for s in samples))
    print(f"growth after warm-up: {samples[-1] - samples[0]:+.2f} MiB over {args.events:,} events")


if __name__ == "__main__":
    main()

"""The validated client's hot path against the same validation written by hand.

A ``socketio.Client`` whose ``_send_packet`` encodes the packet and drops it (so
python-socketio's own emit path runs, without a socket) emits the 3-field
``MakeMove`` payload, and receives a server event through its real packet path
(``_handle_eio_message``: decode, dispatch, handler). Three variants, interleaved:

- plain: python-socketio with no validation;
- by hand: the user validates with pydantic-core and serializes before ``emit``,
  and validates in the handler (what one writes without sio-spec);
- ClientSpec: a ``ClientSpec`` from the server's spec does both.

Reported: microseconds per operation (medians of rounds) and the ratio
ClientSpec / by hand (target: within 1.05x).

    python benchmarks/bench_client.py [--rounds 15] [--n 3000]
"""

from __future__ import annotations

import argparse
from typing import Any

import socketio
from common import MOVE, MakeMove, interleave, timed_sync
from pydantic import TypeAdapter
from socketio import packet

from sio_spec import ClientSpec, SocketIOSpec


def fake_connected(client: Any) -> None:
    client.namespaces = {"/": "bench-sid"}

    def send(pkt: Any) -> None:
        pkt.encode()

    client._send_packet = send


def server_spec() -> SocketIOSpec:
    sio = socketio.Server()
    spec = SocketIOSpec(sio)

    @sio.on("make_move")
    def make_move(sid: str, move: MakeMove) -> None:
        return None

    spec.emits("moved", MakeMove)
    return spec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--n", type=int, default=3000)
    args = parser.parse_args()

    adapter = TypeAdapter(MakeMove)
    validate = adapter.validator.validate_python
    to_python = adapter.serializer.to_python
    incoming = packet.Packet(packet.EVENT, data=["moved", MOVE]).encode()

    plain = socketio.Client()
    fake_connected(plain)
    plain.on("moved", lambda data: None)

    by_hand = socketio.Client()
    fake_connected(by_hand)
    by_hand.on("moved", lambda data: validate(data))

    checked = socketio.Client()
    fake_connected(checked)
    ClientSpec(checked, server_spec())
    checked.on("moved", lambda move: None)

    emits = interleave(
        {
            "plain": timed_sync(lambda: plain.emit("make_move", MOVE)),
            "by hand": timed_sync(
                lambda: by_hand.emit("make_move", to_python(validate(MOVE), mode="json"))
            ),
            "ClientSpec": timed_sync(lambda: checked.emit("make_move", MOVE)),
        },
        rounds=args.rounds,
        n=args.n,
    )
    receives = interleave(
        {
            "plain": timed_sync(lambda: plain._handle_eio_message(incoming)),
            "by hand": timed_sync(lambda: by_hand._handle_eio_message(incoming)),
            "ClientSpec": timed_sync(lambda: checked._handle_eio_message(incoming)),
        },
        rounds=args.rounds,
        n=args.n,
    )
    for label, result in (("emit", emits), ("receive a server event", receives)):
        print(f"{label}: us per operation (median of {args.rounds} rounds of {args.n})")
        for name, value in result.items():
            print(f"  {name:12s} {value:7.2f}")
        print(f"  ClientSpec / by hand: {result['ClientSpec'] / result['by hand']:.3f}x")


if __name__ == "__main__":
    main()

"""``sio-spec fuzz`` throughput: events sent per second on a 20-event API.

The API: 20 client events, each taking a lax pydantic model (a bounded integer,
a string with a maximum length, a list, an optional number) and an optional
integer, answering an integer. Each round runs one fuzz pass (valid and broken
payloads, ``--examples`` per check) of every variant, in the order below, so
drift affects them alike:

- fuzzer alone: a channel that answers every emit at once with a valid ack (the
  cost of hypothesis, the data generator and the checks, no server);
- in process, ``socketio.Server`` through ``sio_spec.testing.TestClient``;
- in process, ``socketio.AsyncServer`` through ``AsyncTestClient``;
- loopback: the same AsyncServer under uvicorn in another process, reached by
  python-socketio's ``Client`` over 127.0.0.1 (websocket).

Reported per variant: median events per second, seconds per 20 x N run, and the
ratio to the fuzzer alone (how much of the time the server and transport take).

    python benchmarks/bench_fuzz.py [--rounds 3] [--examples 100]
"""

from __future__ import annotations

import argparse
import logging
import socket
import statistics
import subprocess
import sys
import time
from typing import Any

import socketio
from pydantic import BaseModel, Field

from sio_spec import SocketIOSpec
from sio_spec.contract import contract_of
from sio_spec.fuzz import AsyncLocalChannel, LocalChannel, RemoteChannel, run
from sio_spec.fuzz.channels import Channel, Outcome

EVENTS = 20


class Item(BaseModel):
    name: str = Field(max_length=20)
    qty: int = Field(ge=0, le=1000)
    tags: list[str] = []
    price: float | None = None


def build(kind: str) -> Any:
    """The 20-event API on a ``socketio.Server`` (``sync``) or ``AsyncServer``."""
    sio: Any
    if kind == "sync":
        sio = socketio.Server(async_mode="threading")
    else:
        sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio)
    for i in range(EVENTS):
        if kind == "sync":

            def handler(sid: str, item: Item, n: int = 0) -> int:
                return item.qty + n

        else:

            async def handler(sid: str, item: Item, n: int = 0) -> int:  # type: ignore[misc]
                return item.qty + n

        spec.on(f"event{i:02d}")(handler)
    sio.fuzz_contract = contract_of(spec)
    return sio


class Instant(Channel):
    """Answers every emit at once: a valid ack, or an error ack for a broken payload."""

    def __init__(self, contract: Any) -> None:
        from sio_spec import datagen

        self.args = {
            e.name: datagen.arguments(e.args or (), contract.schemas) for e in contract.events()
        }

    def open(self, namespace: str, auth: Any) -> Any:
        return None

    def try_auth(self, namespace: str, auth: Any) -> tuple[bool, Any]:
        return True, None

    def close(self) -> None:
        pass

    def send(
        self, namespace: str, event: str, values: tuple[Any, ...], *, ack: bool, timeout: float
    ) -> Outcome:
        if self.args[event].is_valid(values):
            return Outcome(answered=True, ack=(values[0]["qty"],))
        return Outcome(answered=True, ack=({"error": "validation_error"},))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(port: int) -> None:
    import uvicorn

    uvicorn.run(socketio.ASGIApp(build("async")), host="127.0.0.1", port=port, log_level="error")


def wait_listening(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the loopback server did not start")


def one_pass(variant: str, examples: int, port: int) -> tuple[float, int]:
    """(seconds, events sent) of one fuzz pass of ``variant``."""
    contract = build("sync").fuzz_contract
    channel: Channel
    if variant == "fuzzer alone":
        channel = Instant(contract)
    elif variant == "in process, Server":
        channel = LocalChannel(build("sync"))
    elif variant == "in process, AsyncServer":
        channel = AsyncLocalChannel(build("async"))
    else:
        channel = RemoteChannel(f"http://127.0.0.1:{port}", transports=["websocket"])
    report = run(contract, channel, examples=examples, seed=1)
    assert not report.findings, report.findings
    return report.seconds, report.sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    logging.disable(logging.CRITICAL)
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    try:
        wait_listening(port)
        variants = [
            "fuzzer alone",
            "in process, Server",
            "in process, AsyncServer",
            "loopback, AsyncServer",
        ]
        rates: dict[str, list[float]] = {v: [] for v in variants}
        seconds: dict[str, list[float]] = {v: [] for v in variants}
        for _ in range(args.rounds):
            for variant in variants:
                spent, sent = one_pass(variant, args.examples, port)
                rates[variant].append(sent / spent)
                seconds[variant].append(spent)
    finally:
        server.terminate()
        server.wait(10)
    base = statistics.median(rates["fuzzer alone"])
    print(f"{EVENTS} events x {args.examples} examples, valid and broken ({args.rounds} rounds)")
    print(f"{'variant':<26} {'events/s':>9} {'s/run':>7} {'vs fuzzer alone':>16}")
    for variant in variants:
        rate = statistics.median(rates[variant])
        spent = statistics.median(seconds[variant])
        print(f"{variant:<26} {rate:>9.0f} {spent:>7.1f} {rate / base:>15.2f}x")


if __name__ == "__main__":
    main()

"""``ClientSpec.from_url`` against hostile HTTP servers written here on raw sockets:
``timeout`` is the deadline of the whole fetch and ``max_bytes`` caps what is read."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import socketio

from sio_spec import ClientSpec
from sio_spec.contract import ContractError

DOC = {
    "asyncapi": "3.0.0",
    "info": {"title": "Fetched", "version": "1"},
    "channels": {"root": {"address": "/", "messages": {"go": {"payload": {"type": "string"}}}}},
    "operations": {
        "go": {
            "action": "receive",
            "channel": {"$ref": "#/channels/root"},
            "messages": [{"$ref": "#/channels/root/messages/go"}],
        }
    },
}


def _handle(
    conn: socket.socket, behave: Callable[[socket.socket], None], stop: threading.Event
) -> None:
    with conn:
        conn.settimeout(5)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            behave(conn)
        except OSError:
            pass  # the client hung up: what a hostile server sees


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[socket.socket], None]], str]]:
    """Start a raw TCP server on loopback whose answer to any request is ``behave``."""
    stop = threading.Event()
    threads: list[threading.Thread] = []
    listeners: list[socket.socket] = []

    def start(behave: Callable[[socket.socket], None]) -> str:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.2)
        listeners.append(listener)

        def accept() -> None:
            while not stop.is_set():
                try:
                    conn, _ = listener.accept()
                except OSError:
                    continue
                worker = threading.Thread(target=_handle, args=(conn, behave, stop), daemon=True)
                worker.start()

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        threads.append(thread)
        return f"http://127.0.0.1:{listener.getsockname()[1]}/asyncapi.json"

    yield start
    stop.set()
    for thread in threads:
        thread.join(5)
    for listener in listeners:
        listener.close()


def fetch_in_thread(fetch: Callable[[], Any], bound: float = 60.0) -> BaseException | Any:
    """Run ``fetch`` in a thread; it must return (or raise) within ``bound`` seconds,
    a bound far above the deadline under test: a fetch without a deadline never ends."""
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(fetch())
        except BaseException as exc:
            out.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(bound)
    assert not thread.is_alive(), "the fetch did not end"
    return out[0]


def drip(conn: socket.socket) -> None:
    """Headers, then one byte of a never-ending body every 0.3 s."""
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
    )
    while True:
        conn.sendall(b" ")
        time.sleep(0.3)


def drip_headers(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    while True:
        conn.sendall(b"X")
        time.sleep(0.3)


def endless_chunks(conn: socket.socket) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b" " * 65536
    while True:
        conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))


def answer(body: bytes, content_type: str = "application/json") -> Callable[[socket.socket], None]:
    def behave(conn: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n" % (
            content_type.encode(),
            len(body),
        )
        conn.sendall(head + body)

    return behave


@pytest.mark.parametrize("behave", [drip, drip_headers], ids=["body", "headers"])
def test_a_dripping_server_is_cut_at_the_deadline(serve: Any, behave: Any) -> None:
    address = serve(behave)
    result = fetch_in_thread(lambda: ClientSpec.from_url(socketio.Client(), address, timeout=1.5))
    assert isinstance(result, ContractError)
    assert "no complete answer within 1.5 s" in str(result)
    assert "\n" not in str(result)


def test_an_endless_chunked_body_stops_at_max_bytes(serve: Any) -> None:
    address = serve(endless_chunks)
    result = fetch_in_thread(
        lambda: ClientSpec.from_url(socketio.Client(), address, timeout=60, max_bytes=1_000_000)
    )
    assert isinstance(result, ContractError)
    assert "larger than 1000000 bytes (raise the limit with max_bytes)" in str(result)


def test_a_declared_length_past_max_bytes_is_refused_unread(serve: Any) -> None:
    body = json.dumps({**DOC, "x-pad": "x" * 50_000}).encode()
    address = serve(answer(body))
    with pytest.raises(ContractError, match="larger than 10000 bytes"):
        ClientSpec.from_url(socketio.Client(), address, max_bytes=10_000)
    held = ClientSpec.from_url(socketio.Client(), address, max_bytes=100_000)
    assert held.contract.title == "Fetched"


def test_a_fetched_alias_bomb_is_refused(serve: Any) -> None:
    from test_untrusted_documents import BOMB

    address = serve(answer(BOMB.encode(), "application/yaml"))
    result = fetch_in_thread(lambda: ClientSpec.from_url(socketio.Client(), address))
    assert isinstance(result, ContractError)
    assert "max_nodes" in str(result)


def test_redirects_leave_http_never(serve: Any) -> None:
    def to_file(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\n\r\n"
        )

    address = serve(to_file)
    with pytest.raises(ContractError, match="not an http"):
        ClientSpec.from_url(socketio.Client(), address)
    target = serve(answer(json.dumps(DOC).encode()))

    def to_target(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n" % target.encode()
        )

    held = ClientSpec.from_url(socketio.Client(), serve(to_target))
    assert held.contract.title == "Fetched"

"""Tests of the test infrastructure itself (tests/support), without sio_spec."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import threading
from typing import Any

import pytest
import socketio
from support.external import (
    ParseResult,
    asyncapi_validate,
    chromium,
    redis_server,
    require,
    run_redis,
    sio_client,
)
from support.servers import (
    free_port,
    run_aiohttp,
    run_asgi,
    run_flask_socketio,
    run_wsgi,
    url,
    wait_for,
)

PAYLOAD = {"text": "hello", "n": 1, "items": [1, 2, 3]}


def _port_is_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# ---------------------------------------------------------------- plain helpers


def test_free_port() -> None:
    port = free_port()
    assert 0 < port < 65536
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_wait_for() -> None:
    calls = []

    def predicate() -> int:
        calls.append(1)
        return len(calls) if len(calls) >= 3 else 0

    assert wait_for(predicate) == 3
    with pytest.raises(TimeoutError, match="never"):
        wait_for(lambda: False, timeout=0.05, message="never")


def test_require_skips_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIO_SPEC_REQUIRE_ALL", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not here"):
        require("thing", "not here")


def test_require_fails_when_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIO_SPEC_REQUIRE_ALL", "1")
    with pytest.raises(pytest.fail.Exception, match="thing is required: not here"):
        require("thing", "not here")


# -------------------------------------------------------------- server runners


def _async_server(async_mode: str) -> socketio.AsyncServer:
    sio = socketio.AsyncServer(async_mode=async_mode)

    @sio.event
    async def echo(sid: str, data: Any) -> Any:
        return {"echo": data, "sid_ok": bool(sid)}

    return sio


def _sync_server(sio: Any) -> None:
    @sio.event
    def echo(sid: str, data: Any) -> Any:
        return {"echo": data, "sid_ok": bool(sid)}


def _sync_roundtrip(port: int) -> None:
    client = socketio.Client(reconnection=False)
    try:
        client.connect(url(port), transports=["websocket"], wait_timeout=5)
        assert client.transport() == "websocket"
        assert client.call("echo", PAYLOAD, timeout=5) == {"echo": PAYLOAD, "sid_ok": True}
    finally:
        client.disconnect()


def _async_roundtrip(port: int) -> None:
    async def main() -> Any:
        client = socketio.AsyncClient(reconnection=False)
        try:
            await client.connect(url(port), transports=["websocket"], wait_timeout=5)
            assert client.transport() == "websocket"
            return await client.call("echo", PAYLOAD, timeout=5)
        finally:
            await client.disconnect()

    assert asyncio.run(main()) == {"echo": PAYLOAD, "sid_ok": True}


def test_run_asgi_async_client() -> None:
    sio = _async_server("asgi")
    with run_asgi(socketio.ASGIApp(sio)) as port:
        _async_roundtrip(port)
    assert not _port_is_open(port)


def test_run_asgi_sync_client() -> None:
    sio = _async_server("asgi")
    with run_asgi(socketio.ASGIApp(sio)) as port:
        _sync_roundtrip(port)


def test_run_aiohttp() -> None:
    from aiohttp import web

    sio = _async_server("aiohttp")
    app = web.Application()
    sio.attach(app)
    with run_aiohttp(app) as port:
        _async_roundtrip(port)
    assert not _port_is_open(port)


def test_run_wsgi() -> None:
    sio = socketio.Server(async_mode="threading")
    _sync_server(sio)
    with run_wsgi(socketio.WSGIApp(sio)) as port:
        _sync_roundtrip(port)
    assert not _port_is_open(port)


def test_run_flask_socketio() -> None:
    from flask import Flask
    from flask_socketio import SocketIO

    app = Flask(__name__)
    sock = SocketIO(app, async_mode="threading")

    @sock.on("echo")
    def echo(data: Any) -> Any:
        return {"echo": data, "sid_ok": True}

    with run_flask_socketio(app, sock) as port:
        _sync_roundtrip(port)
    assert not _port_is_open(port)


def test_runner_stops_while_client_still_connected() -> None:
    """Leaving the context with a live websocket must not hang."""
    sio = socketio.Server(async_mode="threading")
    _sync_server(sio)
    client = socketio.Client(reconnection=False)
    with run_wsgi(socketio.WSGIApp(sio)) as port:
        client.connect(url(port), transports=["websocket"], wait_timeout=5)
    # the server is gone; the client's own teardown must not block the test
    threading.Thread(target=client.disconnect, daemon=True).start()
    assert not _port_is_open(port)


# ------------------------------------------------------------- node / asyncapi

MINIMAL_ASYNCAPI: dict[str, Any] = {
    "asyncapi": "3.0.0",
    "info": {"title": "Minimal", "version": "1.0.0"},
    "channels": {
        "root": {
            "address": "/",
            "messages": {"echo": {"payload": {"type": "object"}}},
        }
    },
    "operations": {
        "sendEcho": {
            "action": "receive",
            "channel": {"$ref": "#/channels/root"},
            "messages": [{"$ref": "#/channels/root/messages/echo"}],
        }
    },
}


def test_asyncapi_parser_runs() -> None:
    ok = asyncapi_validate(MINIMAL_ASYNCAPI)
    assert isinstance(ok, ParseResult)
    assert ok.errors == 0, ok.messages()

    broken = {
        "asyncapi": "3.0.0",
        "info": {"title": 42},
        "operations": {"x": {"action": "shout", "channel": {"$ref": "#/channels/nope"}}},
    }
    bad = asyncapi_validate(broken)
    assert bad.errors > 0
    assert all({"severity", "code", "message", "path"} <= set(d) for d in bad.diagnostics)
    assert bad.messages()


def test_asyncapi_parser_accepts_yaml_text() -> None:
    text = 'asyncapi: 3.0.0\ninfo:\n  title: Y\n  version: "1.0.0"\n'
    assert asyncapi_validate(text).errors == 0


def _js_server() -> socketio.AsyncServer:
    sio = socketio.AsyncServer(async_mode="asgi")

    @sio.event
    async def echo(sid: str, data: Any) -> Any:
        return data

    @sio.event
    async def pair(sid: str, a: Any, b: Any) -> Any:
        return a, b

    @sio.on("connect", namespace="/private")
    async def private_connect(sid: str, environ: Any, auth: Any) -> None:
        if not auth or auth.get("token") != "secret":
            raise socketio.exceptions.ConnectionRefusedError(
                "unauthorized", {"reason": "bad token"}
            )

    @sio.on("whoami", namespace="/private")
    async def whoami(sid: str, data: Any) -> Any:
        return {"ns": "/private", "data": data}

    return sio


def test_node_socketio_client_roundtrip() -> None:
    with run_asgi(socketio.ASGIApp(_js_server())) as port:
        base = url(port)
        assert sio_client(base, "/", "echo", PAYLOAD) == {"ack": PAYLOAD, "args": [PAYLOAD]}

        # binary payload: the Buffer arrives as bytes and comes back as binary
        result = sio_client(base, "/", "echo", "héllo", binary=True)
        assert result["ack"] == {"$base64": "aMOpbGxv"}

        # several arguments / several ack values
        assert sio_client(base, "/", "pair", [1, "two"], spread=True)["args"] == [1, "two"]

        # namespaces + auth + connect_error
        ok = sio_client(base, "/private", "whoami", 7, auth={"token": "secret"})
        assert ok["ack"] == {"ns": "/private", "data": 7}
        refused = sio_client(base, "/private", "whoami", 7, auth={"token": "wrong"})
        assert refused == {
            "connect_error": {"message": "unauthorized", "data": {"reason": "bad token"}}
        }

        # the polling transport works too
        assert sio_client(base, "/", "echo", 1, transport="polling")["ack"] == 1


# ------------------------------------------------------------- chromium, redis


def test_chromium_renders_html() -> None:
    exe = chromium()
    script = "document.getElementById('x').textContent = 'js ran'"
    page = f"data:text/html,<p id=x>hi</p><script>{script}</script>"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
    proc = subprocess.run(
        [exe, *flags, "--dump-dom", page],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "js ran" in proc.stdout


def test_run_redis() -> None:
    redis_server()
    with run_redis() as port:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"SET k v\r\nGET k\r\n")
            data = b""
            while b"$1\r\nv\r\n" not in data:
                chunk = sock.recv(1024)
                assert chunk
                data += chunk
        assert data.startswith(b"+OK")
    assert not _port_is_open(port)

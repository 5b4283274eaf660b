"""A handler that takes nothing after ``sid`` declares an event without data.

Its document message says so (``x-sio-spec-arguments: []``, no payload), unlike an
unannotated handler's (data not declared), and data sent to it gets the validation
error ack instead of reaching python-socketio's call of the handler.
"""

from __future__ import annotations

import asyncio
from typing import Any

import socketio
from support.servers import run_asgi, url

from sio_spec import SocketIOSpec


def test_an_event_without_data_is_documented_and_checked() -> None:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio)

    @sio.on("ping")
    async def ping(sid: str) -> str:
        return "pong"

    @sio.on("anything")
    async def anything(sid: str, data):  # type: ignore[no-untyped-def]
        return "ok"

    channels = spec.asyncapi()["channels"]
    ping_message = channels["root_ping"]["messages"]["ping"]
    assert ping_message["x-sio-spec-arguments"] == [] and "payload" not in ping_message
    anything_message = channels["root_anything"]["messages"]["anything"]
    assert "x-sio-spec-arguments" not in anything_message and "payload" not in anything_message

    async def main() -> list[Any]:
        client = socketio.AsyncClient()
        await client.connect(url(port), transports=["websocket"])
        try:
            return [
                await client.call("ping", timeout=5),
                await client.call("ping", {"unexpected": 1}, timeout=5),
                await client.call("anything", {"any": 1}, timeout=5),
            ]
        finally:
            await client.disconnect()

    with run_asgi(socketio.ASGIApp(sio)) as port:
        pong, refused, ok = asyncio.run(main())
    assert pong == "pong" and ok == "ok"
    assert refused["error"] == "validation_error"
    assert refused["detail"] == [
        {"loc": [], "msg": "Expected at most 0 argument(s)", "type": "arguments_count"}
    ]

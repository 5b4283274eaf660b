"""``socketio.AsyncServer`` with ``async def`` handlers, driven by ``socketio.AsyncClient``.

Covers what only exists on the asyncio side: coroutine handlers and coroutine error
handlers, ``await sio.call()`` answered by an async client, and the connect refusal
seen by an ``AsyncClient``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import socketio
from core_apps import ASYNC_KINDS, MARKER, WHEN_ISO, App, Move, MoveAck, move_ack
from pydantic import BaseModel
from support.servers import url

from sio_spec import ClientAckValidationError, EmitValidationError, ValidationError

pytestmark = pytest.mark.parametrize("kind", ASYNC_KINDS)


class Token(BaseModel):
    token: str


class Question(BaseModel):
    reply: Any


class Answer(BaseModel):
    choice: int


def build(kind: str) -> tuple[App, list[Any]]:
    app = App(kind)
    sio = app.sio
    spec = app.spec()
    spec.emits("ask", Question, ack=Answer)
    seen: list[Any] = []

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Token) -> None:
        seen.append(auth)

    @sio.on("make_move")
    async def make_move(sid: str, move: Move) -> MoveAck:
        await asyncio.sleep(0)
        seen.append(move)
        return move_ack()

    @sio.on("bad_ack")
    async def bad_ack(sid: str) -> MoveAck:
        return {"accepted": "maybe"}  # type: ignore[return-value]

    @sio.on("ask_client")
    async def ask_client(sid: str, reply: Any) -> Any:
        try:
            answer = await sio.call("ask", {"reply": reply}, to=sid, timeout=5)
        except ClientAckValidationError as err:
            return {"raised": type(err).__name__, "errors": err.errors()}
        return {"choice": answer.choice, "type": type(answer).__name__}

    @sio.on("bad_emit")
    async def bad_emit(sid: str) -> Any:
        try:
            await sio.emit("ask", "not an object", to=sid)
        except EmitValidationError as err:
            return {"raised": type(err).__name__, "event": err.event}
        return {"raised": None}

    @spec.error_handler
    async def on_error(error: ValidationError, sid: str) -> Any:
        await asyncio.sleep(0)
        return {"handled_by": "coroutine", "event": error.event, "kind": type(error).__name__}

    return app, seen


def test_async_handlers_and_a_coroutine_error_handler(kind: str) -> None:
    app, seen = build(kind)

    async def scenario(port: int) -> None:
        client = socketio.AsyncClient(reconnection=False)
        refused: list[Any] = []

        @client.event
        async def connect_error(data: Any) -> None:
            refused.append(data)

        with pytest.raises(socketio.exceptions.ConnectionError):
            await client.connect(
                url(port), transports=["websocket"], auth={"token": 1}, wait_timeout=5
            )
        assert refused == [
            {
                "message": "validation_error",
                "data": {
                    "detail": [
                        {
                            "loc": ["token"],
                            "msg": "Input should be a valid string",
                            "type": "string_type",
                        }
                    ]
                },
            }
        ]
        await client.disconnect()

        client = socketio.AsyncClient(reconnection=False)
        await client.connect(
            url(port), transports=["websocket"], auth={"token": "t"}, wait_timeout=5
        )
        try:
            assert await client.call("make_move", {"game_id": 1, "x": 1, "y": 1}, timeout=5) == {
                "accepted": True,
                "at": WHEN_ISO,
                "color": "blue",
            }
            assert await client.call("make_move", {"game_id": MARKER}, timeout=5) == {
                "handled_by": "coroutine",
                "event": "make_move",
                "kind": "RequestValidationError",
            }
            assert await client.call("bad_ack", timeout=5) == {
                "handled_by": "coroutine",
                "event": "bad_ack",
                "kind": "ResponseValidationError",
            }
            assert await client.call("bad_emit", timeout=5) == {
                "raised": "EmitValidationError",
                "event": "ask",
            }
        finally:
            await client.disconnect()
        assert seen == [Token(token="t"), Move(game_id=1, x=1, y=1)]

    with app.run() as port:
        asyncio.run(scenario(port))


def test_awaited_call_validates_the_async_clients_reply(kind: str) -> None:
    app, _ = build(kind)

    async def scenario(port: int) -> None:
        client = socketio.AsyncClient(reconnection=False)

        @client.on("ask")
        async def ask(question: Any) -> Any:
            await asyncio.sleep(0)
            return question["reply"]

        await client.connect(
            url(port), transports=["websocket"], auth={"token": "t"}, wait_timeout=5
        )
        try:
            assert await client.call("ask_client", {"choice": "12"}, timeout=5) == {
                "choice": 12,
                "type": "Answer",
            }
            assert await client.call("ask_client", {"choice": [MARKER]}, timeout=5) == {
                "raised": "ClientAckValidationError",
                "errors": [
                    {
                        "loc": ["choice"],
                        "msg": "Input should be a valid integer",
                        "type": "int_type",
                    }
                ],
            }
        finally:
            await client.disconnect()

    with app.run() as port:
        asyncio.run(scenario(port))

"""The ASGI server driven by node's socket.io-client (tests/js/client_roundtrip.mjs):
what a JavaScript client sees of validation, acks, refusals and binary payloads."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from core_apps import MARKER, WHEN_ISO, App, Move, MoveAck, move_ack
from pydantic import BaseModel
from support.external import node_modules, sio_client
from support.servers import url


class Token(BaseModel):
    token: str


class Upload(BaseModel):
    name: str
    data: bytes


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[Any]]]:
    node_modules()  # skips (or fails in CI) without node / npm
    app = App("asgi")
    sio = app.sio
    app.spec()
    seen: list[Any] = []

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Token | None = None) -> None:
        seen.append(auth)

    @sio.on("make_move")
    async def make_move(sid: str, move: Move) -> MoveAck:
        seen.append(move)
        return move_ack()

    @sio.on("reverse")
    async def reverse(sid: str, blob: bytes) -> bytes:
        seen.append(blob)
        return blob[::-1]

    @sio.on("upload")
    async def upload(sid: str, item: Upload) -> Upload:
        seen.append(item)
        return Upload(name=item.name.upper(), data=item.data * 2)

    with app.run() as port:
        yield url(port), seen


def b64(data: bytes) -> dict[str, str]:
    return {"$base64": base64.b64encode(data).decode()}


def test_valid_call_gets_the_serialized_ack(server: tuple[str, list[Any]]) -> None:
    base, seen = server
    seen.clear()
    result = sio_client(base, "/", "make_move", {"game_id": 3, "x": 0, "y": 2})
    assert result == {
        "ack": {"accepted": True, "at": WHEN_ISO, "color": "blue"},
        "args": [{"accepted": True, "at": WHEN_ISO, "color": "blue"}],
    }
    assert seen == [None, Move(game_id=3, x=0, y=2)]


def test_invalid_payload_gets_the_error_ack(server: tuple[str, list[Any]]) -> None:
    base, seen = server
    seen.clear()
    result = sio_client(base, "/", "make_move", {"game_id": MARKER, "x": 5, "y": 0})
    assert result["args"] == [
        {
            "error": "validation_error",
            "message": "invalid payload for event 'make_move'",
            "event": "make_move",
            "namespace": "/",
            "detail": [
                {
                    "loc": ["game_id"],
                    "msg": "Input should be a valid integer, unable to parse string as an integer",
                    "type": "int_parsing",
                },
                {
                    "loc": ["x"],
                    "msg": "Input should be less than or equal to 2",
                    "type": "less_than_equal",
                },
            ],
        }
    ]
    assert MARKER not in repr(result)
    assert seen == [None]


def test_invalid_auth_is_refused_with_connect_error_data(server: tuple[str, list[Any]]) -> None:
    base, seen = server
    seen.clear()
    result = sio_client(base, "/", "make_move", {}, auth={"token": [MARKER]})
    assert result == {
        "connect_error": {
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
    }
    assert seen == []
    result = sio_client(
        base, "/", "make_move", {"game_id": 1, "x": 1, "y": 1}, auth={"token": "ok"}
    )
    assert result["ack"]["accepted"] is True
    assert seen[0] == Token(token="ok")


def test_binary_payload_is_validated_and_answered_in_binary(server: tuple[str, list[Any]]) -> None:
    base, seen = server
    seen.clear()
    result = sio_client(base, "/", "reverse", "abc", binary=True)
    assert result == {"ack": b64(b"cba"), "args": [b64(b"cba")]}
    assert [s for s in seen if s is not None] == [b"abc"]

    result = sio_client(base, "/", "upload", {"name": "f", "data": b64(b"\x00\xff")})
    assert result["ack"] == {"name": "F", "data": b64(b"\x00\xff\x00\xff")}
    assert [s for s in seen if s is not None] == [b"abc", Upload(name="f", data=b"\x00\xff")]

    result = sio_client(base, "/", "upload", {"name": "n", "data": [1, 2]})
    assert result["ack"]["error"] == "validation_error"
    assert [d["loc"] for d in result["ack"]["detail"]] == [["data"]]

"""``SocketIOSpec.from_document``: servers held to a contract written first.

Handlers carry no type hints: the document alone decides what is valid, in an
asynction-style AsyncAPI 2.x file and in sio-spec's own 2.6 and 3.0 documents.
Real servers (uvicorn ASGI, Flask-SocketIO) and python-socketio clients over loopback.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import socketio
from pydantic import BaseModel, Field
from support.servers import run_asgi, run_flask_socketio, url

from sio_spec import EmitValidationError, SocketIOSpec

TIMEOUT = 5

ASYNCTION_STYLE = """
asyncapi: 2.3.0
info:
  title: Echo
  version: 1.0.0
channels:
  /:
    publish:
      message:
        oneOf:
          - $ref: '#/components/messages/Echo'
          - $ref: '#/components/messages/Sum'
    subscribe:
      message:
        $ref: '#/components/messages/Notice'
components:
  messages:
    Echo:
      name: echo
      payload:
        type: string
        maxLength: 10
      x-ack:
        args:
          type: string
    Sum:
      name: sum
      payload:
        type: array
        prefixItems:
          - type: integer
          - type: integer
      x-ack:
        args:
          type: integer
    Notice:
      name: notice
      payload:
        $ref: '#/components/schemas/Notice'
  schemas:
    Notice:
      type: object
      properties:
        text: {type: string}
      required: [text]
"""


def asynction_server() -> tuple[Any, SocketIOSpec, list[Any]]:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec.from_document(sio, ASYNCTION_STYLE)
    seen: list[Any] = []

    @sio.on("echo")
    async def echo(sid, text):  # type: ignore[no-untyped-def]
        seen.append(text)
        return text if text != "liar" else 42  # an ack the contract forbids

    @sio.on("sum")
    async def add(sid, a, b):  # type: ignore[no-untyped-def]
        seen.append((a, b))
        return a + b

    @sio.on("notify")
    async def notify(sid, payload):  # type: ignore[no-untyped-def]
        try:
            await sio.emit("notice", payload, to=sid)
        except EmitValidationError as err:
            return {"refused": [e["loc"] for e in err.errors()]}
        return {"sent": True}

    return sio, spec, seen


@pytest.fixture(scope="module")
def asynction() -> Iterator[dict[str, Any]]:
    sio, spec, seen = asynction_server()
    with run_asgi(socketio.ASGIApp(sio)) as port:
        yield {"url": url(port), "spec": spec, "seen": seen}


def test_asynction_style_contract_validates_every_direction(asynction: dict[str, Any]) -> None:
    async def main() -> list[Any]:
        client = socketio.AsyncClient()
        await client.connect(asynction["url"], transports=["websocket"])
        try:
            return [
                await client.call("echo", "hello", timeout=TIMEOUT),
                await client.call("echo", "far too long a text", timeout=TIMEOUT),
                await client.call("sum", (2, 3), timeout=TIMEOUT),
                await client.call("sum", (2, "three"), timeout=TIMEOUT),
                await client.call("echo", "liar", timeout=TIMEOUT),
                await client.call("notify", {"text": "hi"}, timeout=TIMEOUT),
                await client.call("notify", {"words": "hi"}, timeout=TIMEOUT),
            ]
        finally:
            await client.disconnect()

    ok, too_long, total, bad_sum, liar, sent, refused = asyncio.run(main())
    assert ok == "hello"
    assert too_long["error"] == "validation_error" and too_long["event"] == "echo"
    assert total == 5
    assert bad_sum["error"] == "validation_error"
    assert bad_sum["detail"][0]["loc"][0] == 1
    assert liar["error"] == "internal_error"
    assert sent == {"sent": True}
    assert refused == {"refused": [["text"]]}
    assert asynction["seen"] == ["hello", (2, 3), "liar"]


def test_the_spec_publishes_the_given_document(asynction: dict[str, Any]) -> None:
    doc = asynction["spec"].asyncapi()
    assert doc["asyncapi"] == "2.3.0"
    assert doc["info"]["title"] == "Echo"
    assert "Echo" in doc["components"]["messages"]


class Order(BaseModel):
    item: str
    quantity: int = Field(ge=1)


class Receipt(BaseModel):
    total: float


class Token(BaseModel):
    token: str


def contract(version: str) -> dict[str, Any]:
    """The contract, written as a model-based server would publish it."""
    sio = socketio.Server()
    spec = SocketIOSpec(sio, title="Shop", version="2.0.0")

    @sio.event
    def connect(sid: str, environ: dict[str, Any], auth: Token) -> None:
        return None

    @sio.on("order", namespace="/shop")
    def order(sid: str, order: Order) -> Receipt:
        raise AssertionError("not this server")

    return spec.asyncapi(version)


@pytest.mark.parametrize("version", ["3.0.0", "2.6.0"])
def test_flask_socketio_server_held_to_a_sio_spec_document(version: str) -> None:
    import flask
    from flask_socketio import ConnectionRefusedError, SocketIO

    app = flask.Flask(__name__)
    socketio_ = SocketIO(app, async_mode="threading")
    spec = SocketIOSpec.from_document(socketio_, contract(version))
    seen: list[Any] = []

    @socketio_.on("connect")
    def connect(auth):  # type: ignore[no-untyped-def]
        if auth.get("token") == "nope":
            raise ConnectionRefusedError("unauthorized")

    @socketio_.on("order", namespace="/shop")
    def order(data):  # type: ignore[no-untyped-def]
        seen.append(data)
        return {"total": 2.5 * data["quantity"]}

    assert spec.asyncapi()["asyncapi"] == version
    with run_flask_socketio(app, socketio_) as port:
        refused = socketio.Client()
        errors: list[Any] = []
        refused.on("connect_error", errors.append)
        with pytest.raises(socketio.exceptions.ConnectionError):
            refused.connect(url(port), auth={"key": 1}, transports=["websocket"])
        assert errors[0]["message"] == "validation_error"
        assert errors[0]["data"]["detail"][0]["loc"] == ["token"]

        client = socketio.Client()
        client.connect(url(port), auth={"token": "t"}, namespaces=["/", "/shop"])
        try:
            good = client.call("order", {"item": "tea", "quantity": 2}, "/shop", timeout=TIMEOUT)
            bad = client.call("order", {"item": "tea", "quantity": 0}, "/shop", timeout=TIMEOUT)
        finally:
            client.disconnect()
    assert good == {"total": 5.0}
    assert bad["error"] == "validation_error" and bad["detail"][0]["loc"] == ["quantity"]
    assert seen == [{"item": "tea", "quantity": 2}]

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

from sio_spec import ClientSpec, EmitValidationError, SocketIOSpec, SpecError
from sio_spec.contract import contract_of

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
    return shop().asyncapi(version)


def shop() -> SocketIOSpec:
    """The model-based server whose documents are the contracts."""
    sio = socketio.Server()
    spec = SocketIOSpec(sio, title="Shop", version="2.0.0")

    @sio.event
    def connect(sid: str, environ: dict[str, Any], auth: Token) -> None:
        return None

    @sio.on("order", namespace="/shop")
    def order(sid: str, order: Order) -> Receipt:
        raise AssertionError("not this server")

    return spec


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


# -- what is read from a contract-first spec: its own document, whatever its version ----------

OTHER = {"2.6.0": "3.0.0", "3.0.0": "3.1.0", "3.1.0": "2.6.0"}


def has_ref(value: Any) -> bool:
    if isinstance(value, dict):
        return "$ref" in value or any(has_ref(v) for v in value.values())
    if isinstance(value, list):
        return any(has_ref(v) for v in value)
    return False


@pytest.mark.parametrize("version", ["2.6.0", "3.1.0", "3.0.0"])
def test_a_contract_first_spec_is_read_from_the_document_it_publishes(version: str) -> None:
    model = shop()
    spec = SocketIOSpec.from_document(socketio.Server(), model.asyncapi(version))
    assert spec.published_versions == (version,)
    assert set(model.published_versions) == {"2.6.0", "3.0.0", "3.1.0"}
    assert spec.asyncapi(version)["asyncapi"] == version
    with pytest.raises(SpecError, match="publishes the document it was given"):
        spec.asyncapi(OTHER[version])

    assert contract_of(spec).asyncapi_version == version
    if version == "3.0.0":
        assert contract_of(spec) == contract_of(model)
    assert spec.typescript() == model.typescript()

    catalog = spec.agent_schema()
    assert catalog["asyncapi_version"] == version
    assert catalog["info"]["title"] == "Shop"
    assert catalog["connect_auth"]["/"]["title"] == "Token"
    assert not has_ref(catalog)
    (order,) = catalog["events"]
    assert order["name"] == "order" and order["namespace"] == "/shop"
    assert order["direction"] == "client_to_server"
    assert order["input_schema_component"] == "Order"
    assert order["ack_schema_component"] == "Receipt"
    assert order["input_schema"]["properties"]["quantity"]["minimum"] == 1
    assert order["operation_id"] == ("shop.publish" if version == "2.6.0" else "shop.order.receive")
    assert order["message_component"] == ("shop.order" if version == "2.6.0" else "order")
    assert spec.agent_schema(version) == catalog
    with pytest.raises(SpecError, match="publishes the document it was given"):
        spec.agent_schema(OTHER[version])


@pytest.mark.parametrize("version", ["2.6.0", "3.1.0"])
def test_a_client_held_to_a_contract_first_spec(version: str) -> None:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec.from_document(sio, contract(version))

    @sio.on("order", namespace="/shop")
    async def order(sid, data):  # type: ignore[no-untyped-def]
        return {"total": 1.5 * data["quantity"]}

    async def main() -> tuple[Any, Any]:
        client = socketio.AsyncClient()
        checked = ClientSpec(client, spec)
        assert checked.contract.asyncapi_version == version
        await client.connect(
            url(port), auth={"token": "t"}, namespaces=["/", "/shop"], transports=["websocket"]
        )
        try:
            with pytest.raises(EmitValidationError) as refused:
                await client.call("order", {"item": "tea", "quantity": 0}, "/shop", timeout=TIMEOUT)
            good = await client.call(
                "order", {"item": "tea", "quantity": 2}, "/shop", timeout=TIMEOUT
            )
        finally:
            await client.disconnect()
        return refused.value.errors(), good

    with run_asgi(socketio.ASGIApp(sio)) as port:
        errors, good = asyncio.run(main())
    assert [e["loc"] for e in errors] == [["quantity"]]
    assert good == {"total": 3.0}

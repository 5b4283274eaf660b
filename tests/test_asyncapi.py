"""The AsyncAPI document built from real python-socketio servers.

Each server is declared the way users write it (``@sio.on``, ``sio.event``,
``socketio.AsyncNamespace`` classes, ``spec.on`` / ``spec.emits``); the
document is checked with the official ``@asyncapi/parser`` and structurally.
"""

import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, List, Literal, Optional  # noqa: UP035

import pytest
import socketio
from pydantic import BaseModel, ConfigDict, Field
from support.external import asyncapi_validate

from sio_spec import SocketIOSpec, SpecError

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

KEY = re.compile(r"^[A-Za-z0-9._-]+$")
VERSIONS = ("3.0.0", "3.1.0", "2.6.0")


# -- the seed's tic-tac-toe server (models with the deprecated Field(example=...)) ----------
_seed_warnings = warnings.catch_warnings()
_seed_warnings.__enter__()
warnings.simplefilter("ignore", DeprecationWarning)


class Game(BaseModel):
    board: List[List[str]] = Field(  # noqa: UP006
        ...,
        description="The game board",
        example=[
            ["X", "O", ""],
            ["", "X", ""],
            ["", "", "O"],
        ],
    )
    turn: str = Field(..., description="The current turn", example="X")


class MakeMoveData(BaseModel):
    game_id: int = Field(..., description="The game id", example=1)
    x: int = Field(..., description="The x coordinate", example=0)
    y: int = Field(..., description="The y coordinate", example=0)


class GameCreatedData(BaseModel):
    game_id: int = Field(..., description="The game id", example=1)


class GameWonData(BaseModel):
    winner: str = Field(..., description="The winner", example="X")


class GameDrawnData(BaseModel):
    pass


class MoveMadeData(BaseModel):
    board: List[List[str]] = Field(  # noqa: UP006
        ...,
        description="The game board",
        example=[
            ["X", "O", ""],
            ["", "X", ""],
            ["", "", "O"],
        ],
    )
    turn: str = Field(..., description="The current turn", example="X")


class MakeMoveAckData(BaseModel):
    error: Optional[str] = Field(None, description="The error message", example="Invalid move")  # noqa: UP045


_seed_warnings.__exit__(None, None, None)


def tictactoe(**options: Any) -> SocketIOSpec:
    sio = socketio.Server()
    spec = SocketIOSpec(
        sio,
        title="Tic-Tac-Toe API",
        version="1.0.0",
        description="Tic-Tac-Toe Game API",
        servers={"TIC_TAC_TOE_BACKEND": "http://localhost:5000"},
        **options,
    )

    @spec.emits("game_created", GameCreatedData)
    @sio.on("create_game")
    def create_game(sid):  # type: ignore[no-untyped-def]  # as in the seed: no hints
        sio.emit("game_created", {"game_id": 1}, to=sid)

    @spec.emits("game_won", GameWonData)
    @spec.emits("game_drawn", GameDrawnData)
    @spec.emits("move_made", MoveMadeData)
    @sio.on("make_move")
    def make_move(sid: str, data: MakeMoveData) -> MakeMoveAckData:
        """Play one move.

        The server answers with move_made, game_won or game_drawn.
        """
        return MakeMoveAckData()

    return spec


# -- a server using every feature ---------------------------------------------------------
class Address(BaseModel):
    street: str = Field(examples=["1 Main St"])
    city: str = Field(examples=["Springfield"])


class Item(BaseModel):
    sku: str = Field(examples=["A-1"])
    quantity: int = Field(ge=1, examples=[2])


class Catalog:
    class Item(BaseModel):  # same class name, different model
        title: str
        price: float


class Order(BaseModel):
    items: list[Item]
    ship_to: Address
    note: str | None = None


class OrderAck(BaseModel):
    order_id: int


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int = 9


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool = True


Pet = Annotated[Cat | Dog, Field(discriminator="kind")]


class Auth(BaseModel):
    token: str = Field(min_length=8)


class ChatMessage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"room": "lobby", "text": "hi"}]})
    room: str
    text: str


class Ping(BaseModel):
    seq: int


class Pong(BaseModel):
    seq: int
    latency_ms: float


@dataclass
class Point:
    x: float
    y: float


POLYGON = {
    "type": "object",
    "title": "Polygon",
    "properties": {"points": {"type": "array", "items": {"$ref": "#/$defs/Vertex"}}},
    "required": ["points"],
    "$defs": {
        "Vertex": {
            "type": "object",
            "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
            "required": ["x", "y"],
        }
    },
}


class GameNamespace(socketio.AsyncNamespace):
    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Auth) -> None:
        pass

    async def on_order(self, sid: str, order: Order) -> OrderAck:
        """Place an order."""
        return OrderAck(order_id=1)

    async def on_upload(self, sid: str, name: str, data: bytes, note: str = "") -> int:
        """Upload a file: name, content, optional note."""
        return len(data)

    async def on_blob(self, sid: str, data: bytes) -> None:
        pass

    async def on_disconnect(self, sid: str) -> None:
        pass


def kitchen_sink(**options: Any) -> SocketIOSpec:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(
        sio,
        title="Shop API",
        version="2.1.0",
        description="Everything at once.",
        servers=[
            "wss://api.example.org/socket.io",
            {"host": "localhost:8000", "protocol": "ws", "pathname": "/ws"},
        ],
        contact={"name": "Ops", "email": "ops@example.org"},
        license={"name": "MIT"},
        tags=["shop", {"name": "games", "description": "Fun"}],
        external_docs={"url": "https://example.org/docs"},
        terms_of_service="https://example.org/terms",
        **options,
    )
    sio.register_namespace(GameNamespace("/game"))

    @sio.event
    async def chat(sid: str, message: ChatMessage) -> None:
        """Say something in a room."""

    @sio.on("adopt")
    async def adopt(sid: str, pet: Pet) -> Pet:
        return pet

    @sio.on("catalog")
    async def catalog(sid: str, item: Catalog.Item) -> list[Catalog.Item]:
        return [item]

    @sio.on("pair")
    async def pair(sid: str, pair: tuple[int, str]) -> None:
        pass

    @sio.on("move", namespace="/admin/v1")
    async def admin_move(sid: str, point: Point, *more: Point) -> None:
        pass

    @sio.on("anything")
    async def anything(sid, data):  # type: ignore[no-untyped-def]
        pass

    @spec.on(
        "draw",
        request=POLYGON,
        ack={"type": "boolean"},
        tags=["shapes"],
        deprecated=True,
        examples=[{"points": [{"x": 0, "y": 1}]}],
        summary="Draw a polygon.",
    )
    async def draw(sid: str, polygon: dict[str, Any]) -> bool:
        return True

    spec.emits("chat", ChatMessage, description="A message from another user.")
    spec.emits("ping", Ping, namespace="/game", ack=Pong, summary="Latency probe.")
    spec.emits("score", [int, str], namespace="/game", examples=[[3, "alice"]])
    spec.emits("tick", [], namespace="/game")
    return spec


def build(factory: Any, version: str = "3.0.0", **options: Any) -> dict[str, Any]:
    return factory(**options).asyncapi(version)


# -- helpers --------------------------------------------------------------------------------
def walk(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, (*path, i))


def pointer(doc: Any, ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def assert_parses(doc: dict[str, Any] | str, version: str) -> None:
    result = asyncapi_validate(doc)
    assert result.errors == 0, result.messages("error")
    if version.startswith("3."):
        assert result.warnings == 0, result.messages("warning")
    else:
        assert not any(d["code"] == "asyncapi2-message-messageId" for d in result.diagnostics)


def message(doc: dict[str, Any], op_key: str, key: str | None = None) -> Any:
    """The message of an operation, or the message ``key`` of its channel (``ack``...)."""
    op = doc["operations"][op_key]
    if key is None:
        return pointer(doc, op["messages"][0]["$ref"])
    return pointer(doc, op["channel"]["$ref"])["messages"][key]


def payload(doc: dict[str, Any], op_key: str, key: str | None = None) -> Any:
    """The payload schema of :func:`message`, a lifted ``$ref`` followed."""
    schema = message(doc, op_key, key)["payload"]
    return pointer(doc, schema["$ref"]) if set(schema) == {"$ref"} else schema


def plain_servers(servers: dict[str, Any] | None) -> dict[str, Any] | None:
    """Servers without what every server gets (description, protocol marker)."""
    if servers is None:
        return None
    out = {}
    for name, server in servers.items():
        server = dict(server)
        assert server.pop("x-sio-spec-protocol")["name"] == "socket.io"
        if server["description"].startswith("Socket.IO server"):
            del server["description"]
        out[name] = server
    return out


def validate_examples(doc: dict[str, Any]) -> int:
    from jsonschema import Draft7Validator

    count = 0
    for _path, node in walk(doc):
        if (
            isinstance(node, dict)
            and "examples" in node
            and "payload" in node
            and isinstance(node["examples"], list)
            and node["examples"]
            and isinstance(node["examples"][0], dict)
            and "payload" in node["examples"][0]
        ):
            root = {"components": doc.get("components", {}), "allOf": [node["payload"]]}
            for example in node["examples"]:
                Draft7Validator(root).validate(example["payload"])
                count += 1
    return count


# -- the official parser ---------------------------------------------------------------
@pytest.mark.parametrize("version", VERSIONS)
def test_tictactoe_document_passes_the_official_parser(version: str) -> None:
    assert_parses(build(tictactoe, version), version)


@pytest.mark.parametrize("version", VERSIONS)
def test_feature_rich_document_passes_the_official_parser(version: str) -> None:
    spec = kitchen_sink()
    # 3.1.0 is checked as the YAML text users publish, the others as JSON
    assert_parses(spec.to_yaml(version) if version == "3.1.0" else spec.asyncapi(version), version)


# -- structure -----------------------------------------------------------------------------
@pytest.mark.parametrize("factory", [tictactoe, kitchen_sink])
@pytest.mark.parametrize("version", VERSIONS)
def test_every_ref_resolves_and_every_key_is_safe(factory: Any, version: str) -> None:
    doc = build(factory, version)
    refs = [
        node["$ref"]
        for _p, node in walk(doc)
        if isinstance(node, dict) and isinstance(node.get("$ref"), str)
    ]
    assert refs
    for ref in refs:
        assert not ref.startswith("#/$defs"), ref
        pointer(doc, ref)
    sections = ["operations"] if version.startswith("3.") else []
    for section in sections:
        assert all(KEY.match(k) for k in doc[section])
    if version.startswith("3."):
        for key, channel in doc["channels"].items():
            assert KEY.match(key)
            assert all(KEY.match(k) for k in channel.get("messages", {}))
    for section in doc.get("components", {}).values():
        assert all(KEY.match(k) for k in section)


def test_tictactoe_mapping() -> None:
    doc = build(tictactoe)
    assert list(doc) == [
        "asyncapi",
        "info",
        "defaultContentType",
        "servers",
        "channels",
        "operations",
        "components",
    ]
    assert plain_servers(doc["servers"]) == {
        "TIC_TAC_TOE_BACKEND": {
            "host": "localhost:5000",
            "pathname": "/socket.io",
            "protocol": "http",
        }
    }
    root = doc["channels"]["root"]
    assert root["address"] == "/"
    assert "messages" not in root
    ops = doc["operations"]
    assert set(ops) == {
        "root.create_game.receive",
        "root.make_move.receive",
        "root.game_created.send",
        "root.game_won.send",
        "root.game_drawn.send",
        "root.move_made.send",
    }
    move = ops["root.make_move.receive"]
    assert move["action"] == "receive"
    # one channel per event: the event and its own replies, on the namespace's address
    assert move["channel"] == {"$ref": "#/channels/root_make_move"}
    channel = doc["channels"]["root_make_move"]
    assert channel["address"] == "/"
    assert list(channel["messages"]) == ["make_move", "ack", "validation_error", "internal_error"]
    assert move["summary"] == "Play one move."
    assert "move_made" in move["description"]
    assert move["messages"] == [{"$ref": "#/channels/root_make_move/messages/make_move"}]
    assert move["reply"] == {
        "channel": {"$ref": "#/channels/root_make_move"},
        "messages": [
            {"$ref": "#/channels/root_make_move/messages/ack"},
            {"$ref": "#/channels/root_make_move/messages/validation_error"},
            {"$ref": "#/channels/root_make_move/messages/internal_error"},
        ],
    }
    assert "address" not in move["reply"]
    assert ops["root.game_created.send"]["action"] == "send"
    assert "reply" not in ops["root.game_created.send"]
    main = message(doc, "root.make_move.receive")
    assert main["name"] == "make_move"
    assert main["payload"] == {"$ref": "#/components/schemas/MakeMoveData"}
    assert main["x-sio-spec-arguments"] == ["data"]
    # deprecated Field(example=...) values become a message example
    assert main["examples"] == [{"payload": {"game_id": 1, "x": 0, "y": 0}}]
    ack = message(doc, "root.make_move.receive", "ack")
    assert ack["examples"] == [{"payload": {"error": "Invalid move"}}]
    assert ack["x-sio-spec-arguments"] == ["ack"]
    invalid = message(doc, "root.make_move.receive", "validation_error")
    assert invalid["x-sio-spec-error"] == "validation_error"
    assert invalid["payload"] == {"$ref": "#/components/schemas/SioSpecValidationError"}
    error = pointer(doc, invalid["payload"]["$ref"])
    assert error["title"] == "SioSpecValidationError"
    assert error["required"] == ["error", "message", "event", "namespace", "detail"]
    # the constant written as the one-value enum every generator reads
    assert error["properties"]["error"]["enum"] == ["validation_error"]
    assert error["properties"]["detail"]["items"] == {
        "$ref": "#/components/schemas/SioSpecErrorDetail"
    }
    assert doc["components"]["schemas"]["SioSpecErrorDetail"]["title"] == "SioSpecErrorDetail"
    internal = message(doc, "root.make_move.receive", "internal_error")
    assert internal["x-sio-spec-error"] == "internal_error"
    assert pointer(doc, internal["payload"]["$ref"])["title"] == "SioSpecInternalError"
    # create_game has no validated args and no ack: no reply, no payload
    assert "reply" not in ops["root.create_game.receive"]
    assert "payload" not in message(doc, "root.create_game.receive")
    assert validate_examples(doc) >= 5


def test_validation_off_documents_no_error_reply() -> None:
    doc = build(tictactoe, validate=False)
    reply = doc["operations"]["root.make_move.receive"]["reply"]
    assert reply["messages"] == [{"$ref": "#/channels/root_make_move/messages/ack"}]
    assert list(doc["channels"]["root_make_move"]["messages"]) == ["make_move", "ack"]
    assert "SioSpecValidationError" not in doc["components"]["schemas"]
    assert "SioSpecInternalError" not in doc["components"]["schemas"]


def test_actions_point_the_right_way() -> None:
    doc = build(kitchen_sink)
    handled = {
        ("root", "chat"),
        ("root", "adopt"),
        ("root", "catalog"),
        ("root", "pair"),
        ("root", "anything"),
        ("root", "draw"),
        ("game", "order"),
        ("game", "upload"),
        ("game", "blob"),
        ("admin.v1", "move"),
    }
    emitted = {("root", "chat"), ("game", "ping"), ("game", "score"), ("game", "tick")}
    keys = {v["address"]: k for k, v in doc["channels"].items() if "messages" not in v}
    seen_receive, seen_send = set(), set()
    for key, op in doc["operations"].items():
        channel = pointer(doc, op["channel"]["$ref"])
        main = pointer(doc, op["messages"][0]["$ref"])
        namespace = keys[channel["address"]]
        event = main["name"]
        assert key == f"{namespace}.{event}.{op['action']}"
        (seen_receive if op["action"] == "receive" else seen_send).add((namespace, event))
    assert seen_receive == handled
    assert seen_send == emitted
    # connect is documented on the channel, not as an operation
    assert not any("connect" in k for k in doc["operations"])
    game = doc["channels"]["game"]
    assert game["x-connect-auth"] == {"$ref": "#/components/schemas/Auth"}
    assert "auth" in game["description"]
    assert doc["channels"]["admin.v1"]["address"] == "/admin/v1"


def test_client_reply_to_an_emit() -> None:
    doc = build(kitchen_sink)
    op = doc["operations"]["game.ping.send"]
    assert op["reply"]["messages"] == [{"$ref": "#/channels/game_ping/messages/reply"}]
    reply = message(doc, "game.ping.send", "reply")
    assert reply["payload"] == {"$ref": "#/components/schemas/Pong"}
    assert "x-sio-spec-error" not in reply
    assert op["summary"] == "Latency probe."


def test_same_event_in_both_directions_gets_two_messages() -> None:
    doc = build(kitchen_sink)
    received = message(doc, "root.chat.receive")
    sent = message(doc, "root.chat.send")
    assert doc["operations"]["root.chat.send"]["channel"] == {"$ref": "#/channels/root_chat_send"}
    assert received["payload"] == sent["payload"]
    assert received["name"] == sent["name"] == "chat"
    assert sent["description"] == "A message from another user."
    # model-level examples (json_schema_extra) are used
    assert received["examples"] == [{"payload": {"room": "lobby", "text": "hi"}}]


def test_nested_models_are_lifted_into_components() -> None:
    doc = build(kitchen_sink)
    schemas = doc["components"]["schemas"]
    order = schemas["Order"]
    assert order["properties"]["ship_to"] == {"$ref": "#/components/schemas/Address"}
    assert order["properties"]["items"]["items"]["$ref"].startswith("#/components/schemas/")
    assert all("$defs" not in s for s in schemas.values())
    order_message = message(doc, "game.order.receive")
    # per-field examples of nested models build a whole example
    assert order_message["examples"] == [
        {
            "payload": {
                "items": [{"sku": "A-1", "quantity": 2}],
                "ship_to": {"street": "1 Main St", "city": "Springfield"},
            }
        }
    ]


def test_models_with_the_same_class_name_do_not_collide() -> None:
    doc = build(kitchen_sink)
    schemas = doc["components"]["schemas"]
    items = [k for k in schemas if k.endswith("Item")]
    assert len(items) == 2, items
    assert {frozenset(schemas[k]["properties"]) for k in items} == {
        frozenset({"sku", "quantity"}),
        frozenset({"title", "price"}),
    }
    order_item = doc["components"]["schemas"]["Order"]["properties"]["items"]["items"]["$ref"]
    catalog = message(doc, "root.catalog.receive")["payload"]["$ref"]
    assert order_item != catalog
    assert set(pointer(doc, catalog)["properties"]) == {"title", "price"}
    assert set(pointer(doc, order_item)["properties"]) == {"sku", "quantity"}


def test_discriminated_union_uses_a_plain_property_name() -> None:
    doc = build(kitchen_sink)
    union = message(doc, "root.adopt.receive")["payload"]
    # an inline union is lifted under the event's name
    assert union == {"$ref": "#/components/schemas/AdoptPayload"}
    union = pointer(doc, union["$ref"])
    assert union["title"] == "AdoptPayload"
    assert union["discriminator"] == "kind"
    # received in validation mode, sent (the ack) in serialization mode: two names
    assert {pointer(doc, s["$ref"])["title"] for s in union["oneOf"]} == {"CatInput", "DogInput"}
    ack = payload(doc, "root.adopt.receive", "ack")
    assert ack["title"] == "AdoptAck"
    outputs = [pointer(doc, s["$ref"]) for s in ack["oneOf"]]
    assert [o["title"] for o in outputs] == ["CatOutput", "DogOutput"]
    # what the server sends always has its defaults: required there, optional when received
    assert outputs[0]["required"] == ["kind", "lives"]
    assert pointer(doc, union["oneOf"][0]["$ref"])["required"] == ["kind"]
    for _path, node in walk(doc):
        if isinstance(node, dict) and "discriminator" in node:
            assert isinstance(node["discriminator"], str)


def test_several_arguments_are_a_draft07_tuple() -> None:
    doc = build(kitchen_sink)
    assert message(doc, "game.upload.receive")["payload"] == {
        "$ref": "#/components/schemas/UploadArgs"
    }
    assert message(doc, "game.upload.receive")["x-sio-spec-arguments"] == ["name", "data", "note"]
    upload = payload(doc, "game.upload.receive")
    assert upload["title"] == "UploadArgs"
    assert upload["type"] == "array"
    assert upload["items"] == [
        {"type": "string"},
        {"type": "string", "format": "binary"},
        {"type": "string"},
    ]
    assert (upload["minItems"], upload["maxItems"], upload["additionalItems"]) == (2, 3, False)
    assert payload(doc, "game.score.send")["items"] == [{"type": "integer"}, {"type": "string"}]
    assert message(doc, "game.score.send")["examples"] == [{"payload": [3, "alice"]}]
    variadic = payload(doc, "admin.v1.move.receive")
    assert variadic["minItems"] == 1 and "maxItems" not in variadic
    assert variadic["additionalItems"] == variadic["items"][0]
    pair = payload(doc, "root.pair.receive")
    assert pair["items"] == [{"type": "integer"}, {"type": "string"}]
    assert not any("prefixItems" in node for _p, node in walk(doc) if isinstance(node, dict))
    tick = message(doc, "game.tick.send")
    assert "payload" not in tick and "no data" in tick["description"]
    assert tick["x-sio-spec-arguments"] == []


def test_binary_payload_has_octet_stream_content_type() -> None:
    doc = build(kitchen_sink)
    blob = message(doc, "game.blob.receive")
    assert blob["contentType"] == "application/octet-stream"
    assert payload(doc, "game.blob.receive") == {
        "title": "BlobPayload",
        "type": "string",
        "format": "binary",
    }
    assert "contentType" not in message(doc, "game.upload.receive")
    assert doc["defaultContentType"] == "application/json"


def test_json_schema_dict_models_are_documented_as_given() -> None:
    doc = build(kitchen_sink)
    draw = message(doc, "root.draw.receive")
    polygon = payload(doc, "root.draw.receive")
    assert polygon["title"] == "DrawPayload"
    assert polygon["properties"]["points"]["items"] == {"$ref": "#/components/schemas/Vertex"}
    assert doc["components"]["schemas"]["Vertex"]["required"] == ["x", "y"]
    assert draw["deprecated"] is True
    assert draw["tags"] == [{"name": "shapes"}]
    assert draw["summary"] == "Draw a polygon."
    assert payload(doc, "root.draw.receive", "ack") == {"title": "DrawAck", "type": "boolean"}
    assert doc["operations"]["root.draw.receive"]["tags"] == [{"name": "shapes"}]


def test_unannotated_handler_is_listed_without_payload() -> None:
    doc = build(kitchen_sink)
    anything = message(doc, "root.anything.receive")
    assert "payload" not in anything
    # not declared (no marker) reads differently from "takes no data" (marker [])
    assert "x-sio-spec-arguments" not in anything
    assert "not declared" in anything["description"]
    assert "reply" not in doc["operations"]["root.anything.receive"]


def test_info_and_servers() -> None:
    doc = build(kitchen_sink)
    info = doc["info"]
    assert info["contact"] == {"name": "Ops", "email": "ops@example.org"}
    assert info["license"] == {"name": "MIT"}
    assert info["tags"] == [{"name": "shop"}, {"name": "games", "description": "Fun"}]
    assert info["externalDocs"] == {"url": "https://example.org/docs"}
    assert info["termsOfService"] == "https://example.org/terms"
    assert doc["servers"]["server1"]["x-sio-spec-protocol"] == {
        "name": "socket.io",
        "version": "5",
        "path": "/socket.io/",
    }
    assert "Socket.IO protocol 5" in doc["servers"]["server1"]["description"]
    assert doc["servers"]["server2"]["x-sio-spec-protocol"]["path"] == "/ws/"
    assert plain_servers(doc["servers"]) == {
        "server1": {"host": "api.example.org", "pathname": "/socket.io", "protocol": "wss"},
        "server2": {"host": "localhost:8000", "protocol": "ws", "pathname": "/ws"},
    }
    old = build(kitchen_sink, "2.6.0")
    assert plain_servers(old["servers"]) == {
        "server1": {"url": "wss://api.example.org/socket.io", "protocol": "wss"},
        "server2": {"protocol": "ws", "url": "ws://localhost:8000/ws"},
    }
    assert "tags" not in old["info"] and old["tags"][0] == {"name": "shop"}
    assert old["externalDocs"] == {"url": "https://example.org/docs"}
    assert list(old) == [
        "asyncapi",
        "info",
        "defaultContentType",
        "servers",
        "channels",
        "components",
        "tags",
        "externalDocs",
    ]


@pytest.mark.parametrize(
    ("servers", "expected"),
    [
        (None, None),
        (
            "https://host.example.org",
            {
                "production": {
                    "host": "host.example.org",
                    "pathname": "/socket.io",
                    "protocol": "https",
                }
            },
        ),
        (
            {"prod eu": "ws://eu.example.org:81/sio/"},
            {"prod_eu": {"host": "eu.example.org:81", "pathname": "/sio", "protocol": "ws"}},
        ),
        (
            {
                "legacy": {
                    "url": "wss://old.example.org/socket.io",
                    "protocol": "wss",
                    "description": "Old",
                }
            },
            {
                "legacy": {
                    "protocol": "wss",
                    "description": "Old",
                    "host": "old.example.org",
                    "pathname": "/socket.io",
                }
            },
        ),
    ],
)
def test_server_forms(servers: Any, expected: Any) -> None:
    sio = socketio.Server()
    doc = SocketIOSpec(sio, title="T", version="1", servers=servers).asyncapi()
    assert plain_servers(doc.get("servers")) == expected


def test_v2_publish_and_subscribe() -> None:
    doc = build(kitchen_sink, "2.6.0")
    game = doc["channels"]["/game"]
    published = {r["$ref"].split("/")[-1] for r in game["publish"]["message"]["oneOf"]}
    subscribed = {r["$ref"].split("/")[-1] for r in game["subscribe"]["message"]["oneOf"]}
    assert published == {"game.order", "game.upload", "game.blob"}
    assert subscribed == {"game.ping", "game.score", "game.tick"}
    messages = doc["components"]["messages"]
    ack = messages["game.order"]["x-ack"]
    assert [m["title"] for m in ack["oneOf"]] == [
        "Acknowledgement for order",
        "Validation error for order",
        "Internal error for order",
    ]
    assert ack["oneOf"][0]["x-sio-spec-arguments"] == ["ack"]
    assert [m.get("x-sio-spec-error") for m in ack["oneOf"]] == [
        None,
        "validation_error",
        "internal_error",
    ]
    assert messages["game.ping"]["x-ack"]["payload"] == {"$ref": "#/components/schemas/Pong"}
    assert game["x-connect-auth"] == {"$ref": "#/components/schemas/Auth"}


@pytest.mark.parametrize("version", VERSIONS)
def test_examples_match_their_schemas(version: str) -> None:
    assert validate_examples(build(kitchen_sink, version)) >= 8


# -- bad examples -----------------------------------------------------------------------------
def test_a_bad_explicit_example_is_dropped_with_a_warning_naming_the_event() -> None:
    sio = socketio.Server()
    spec = SocketIOSpec(sio)

    @spec.on("make_move", examples=[{"game_id": 1, "x": 0, "y": 0}, {"game_id": "one"}])
    def make_move(sid: str, data: MakeMoveData) -> None:
        pass

    with pytest.warns(UserWarning, match="example 2 of the payload of event 'make_move'"):
        doc = spec.asyncapi()
    # the good example stays, the bad one is left out; the document is whole
    assert message(doc, "root.make_move.receive")["examples"] == [
        {"payload": {"game_id": 1, "x": 0, "y": 0}}
    ]


def test_a_bad_model_example_does_not_take_the_document_down() -> None:
    class Download(BaseModel):  # like sio-asyncapi's downloader example
        url: str = Field(..., example="https://example.org/file.zip")  # type: ignore[call-overload]
        size: int = Field(..., example="big")  # type: ignore[call-overload]

    sio = socketio.Server()
    spec = SocketIOSpec(sio)
    spec.emits("counted", Download)
    with pytest.warns(UserWarning, match="event 'counted'") as caught:
        text = spec.to_yaml()
    assert "is not of type 'integer'" in str(caught[0].message)
    assert "counted" in text
    assert "examples" not in message(spec.asyncapi(), "root.counted.send")


# -- output -----------------------------------------------------------------------------------
def test_two_builds_give_identical_bytes() -> None:
    for version in VERSIONS:
        first = kitchen_sink().to_yaml(version).encode()
        second = kitchen_sink().to_yaml(version).encode()
        assert first == second
        assert kitchen_sink().to_json(version) == kitchen_sink().to_json(version)


def test_yaml_keeps_key_order_and_round_trips() -> None:
    from ruamel.yaml import YAML

    spec = kitchen_sink()
    text = spec.to_yaml()
    top = [line.split(":")[0] for line in text.splitlines() if line and line[0] != " "]
    assert top == [
        "asyncapi",
        "info",
        "defaultContentType",
        "servers",
        "channels",
        "operations",
        "components",
    ]
    assert YAML(typ="safe", pure=True).load(text) == spec.asyncapi()
    assert "&" not in text.split("components:")[0].replace("&amp;", "")  # no anchors
    assert "asyncapi: 3.0.0\n" in text


def test_save_writes_json_or_yaml(tmp_path: Any) -> None:
    spec = tictactoe()
    written = spec.save(tmp_path / "x.json")
    assert json.loads(written.read_text(encoding="utf-8")) == spec.asyncapi()
    yaml_file = spec.save(tmp_path / "x.yaml", version="2.6.0")
    assert yaml_file.read_text(encoding="utf-8").startswith("asyncapi: 2.6.0\n")
    assert spec.to_json(indent=None) == json.dumps(
        spec.asyncapi(), ensure_ascii=False, separators=(",", ":")
    )


def test_document_is_cached_until_a_handler_changes() -> None:
    spec = tictactoe()
    first = spec.asyncapi()
    assert spec.asyncapi() is first

    @spec.server.on("resign")
    def resign(sid: str, game_id: int) -> None:
        pass

    second = spec.asyncapi()
    assert second is not first
    assert "root.resign.receive" in second["operations"]


def test_unknown_version_is_refused() -> None:
    with pytest.raises(SpecError):
        tictactoe().asyncapi("4.0.0")

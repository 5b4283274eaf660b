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
    assert doc["servers"] == {
        "TIC_TAC_TOE_BACKEND": {
            "host": "localhost:5000",
            "pathname": "/socket.io",
            "protocol": "http",
        }
    }
    root = doc["channels"]["root"]
    assert root["address"] == "/"
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
    assert move["channel"] == {"$ref": "#/channels/root"}
    assert move["summary"] == "Play one move."
    assert "move_made" in move["description"]
    assert move["messages"] == [{"$ref": "#/channels/root/messages/make_move"}]
    assert move["reply"] == {
        "channel": {"$ref": "#/channels/root"},
        "messages": [
            {"$ref": "#/channels/root/messages/make_move.ack"},
            {"$ref": "#/channels/root/messages/make_move.error"},
        ],
    }
    assert "address" not in move["reply"]
    assert ops["root.game_created.send"]["action"] == "send"
    assert "reply" not in ops["root.game_created.send"]
    message = root["messages"]["make_move"]
    assert message["name"] == "make_move"
    assert message["payload"] == {"$ref": "#/components/schemas/MakeMoveData"}
    # deprecated Field(example=...) values become a message example
    assert message["examples"] == [{"payload": {"game_id": 1, "x": 0, "y": 0}}]
    assert root["messages"]["make_move.ack"]["examples"] == [{"payload": {"error": "Invalid move"}}]
    error = pointer(doc, root["messages"]["make_move.error"]["payload"]["$ref"])
    assert error["required"] == ["error", "message", "event", "namespace", "detail"]
    assert error["properties"]["error"]["const"] == "validation_error"
    # create_game has no validated args: no error reply, no payload
    assert "reply" not in ops["root.create_game.receive"]
    assert "payload" not in root["messages"]["create_game"]
    assert validate_examples(doc) >= 5


def test_validation_off_documents_no_error_reply() -> None:
    doc = build(tictactoe, validate=False)
    reply = doc["operations"]["root.make_move.receive"]["reply"]
    assert reply["messages"] == [{"$ref": "#/channels/root/messages/make_move.ack"}]
    assert "make_move.error" not in doc["channels"]["root"]["messages"]
    assert "SioSpecValidationError" not in doc["components"]["schemas"]


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
    emitted = {("root", "chat.send"), ("game", "ping"), ("game", "score"), ("game", "tick")}
    seen_receive, seen_send = set(), set()
    for key, op in doc["operations"].items():
        channel = op["channel"]["$ref"].split("/")[-1]
        message = op["messages"][0]["$ref"].split("/")[-1]
        assert key == f"{channel}.{message}.{op['action']}"
        (seen_receive if op["action"] == "receive" else seen_send).add((channel, message))
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
    assert op["reply"]["messages"] == [{"$ref": "#/channels/game/messages/ping.reply"}]
    reply = doc["channels"]["game"]["messages"]["ping.reply"]
    assert reply["payload"] == {"$ref": "#/components/schemas/Pong"}
    assert op["summary"] == "Latency probe."


def test_same_event_in_both_directions_gets_two_messages() -> None:
    doc = build(kitchen_sink)
    messages = doc["channels"]["root"]["messages"]
    assert messages["chat"]["payload"] == messages["chat.send"]["payload"]
    assert messages["chat"]["name"] == messages["chat.send"]["name"] == "chat"
    assert messages["chat.send"]["description"] == "A message from another user."
    # model-level examples (json_schema_extra) are used
    assert messages["chat"]["examples"] == [{"payload": {"room": "lobby", "text": "hi"}}]


def test_nested_models_are_lifted_into_components() -> None:
    doc = build(kitchen_sink)
    schemas = doc["components"]["schemas"]
    order = schemas["Order"]
    assert order["properties"]["ship_to"] == {"$ref": "#/components/schemas/Address"}
    assert order["properties"]["items"]["items"]["$ref"].startswith("#/components/schemas/")
    assert all("$defs" not in s for s in schemas.values())
    message = doc["channels"]["game"]["messages"]["order"]
    # per-field examples of nested models build a whole example
    assert message["examples"] == [
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
    catalog = doc["channels"]["root"]["messages"]["catalog"]["payload"]["$ref"]
    assert order_item != catalog
    assert set(pointer(doc, catalog)["properties"]) == {"title", "price"}
    assert set(pointer(doc, order_item)["properties"]) == {"sku", "quantity"}


def test_discriminated_union_uses_a_plain_property_name() -> None:
    doc = build(kitchen_sink)
    payload = doc["channels"]["root"]["messages"]["adopt"]["payload"]
    assert payload["discriminator"] == "kind"
    assert {pointer(doc, s["$ref"])["title"] for s in payload["oneOf"]} == {"Cat", "Dog"}
    for _path, node in walk(doc):
        if isinstance(node, dict) and "discriminator" in node:
            assert isinstance(node["discriminator"], str)


def test_several_arguments_are_a_draft07_tuple() -> None:
    doc = build(kitchen_sink)
    upload = doc["channels"]["game"]["messages"]["upload"]["payload"]
    assert upload["type"] == "array"
    assert upload["items"] == [
        {"type": "string"},
        {"type": "string", "format": "binary"},
        {"type": "string"},
    ]
    assert (upload["minItems"], upload["maxItems"], upload["additionalItems"]) == (2, 3, False)
    score = doc["channels"]["game"]["messages"]["score"]
    assert score["payload"]["items"] == [{"type": "integer"}, {"type": "string"}]
    assert score["examples"] == [{"payload": [3, "alice"]}]
    variadic = doc["channels"]["admin.v1"]["messages"]["move"]["payload"]
    assert variadic["minItems"] == 1 and "maxItems" not in variadic
    assert variadic["additionalItems"] == variadic["items"][0]
    pair = doc["channels"]["root"]["messages"]["pair"]["payload"]
    assert pair["items"] == [{"type": "integer"}, {"type": "string"}]
    assert not any("prefixItems" in node for _p, node in walk(doc) if isinstance(node, dict))
    tick = doc["channels"]["game"]["messages"]["tick"]
    assert "payload" not in tick and "no data" in tick["description"]


def test_binary_payload_has_octet_stream_content_type() -> None:
    doc = build(kitchen_sink)
    messages = doc["channels"]["game"]["messages"]
    assert messages["blob"]["contentType"] == "application/octet-stream"
    assert messages["blob"]["payload"] == {"type": "string", "format": "binary"}
    assert "contentType" not in messages["upload"]
    assert doc["defaultContentType"] == "application/json"


def test_json_schema_dict_models_are_documented_as_given() -> None:
    doc = build(kitchen_sink)
    draw = doc["channels"]["root"]["messages"]["draw"]
    assert draw["payload"]["title"] == "Polygon"
    assert draw["payload"]["properties"]["points"]["items"] == {
        "$ref": "#/components/schemas/Vertex"
    }
    assert doc["components"]["schemas"]["Vertex"]["required"] == ["x", "y"]
    assert draw["deprecated"] is True
    assert draw["tags"] == [{"name": "shapes"}]
    assert draw["summary"] == "Draw a polygon."
    assert doc["channels"]["root"]["messages"]["draw.ack"]["payload"] == {"type": "boolean"}
    assert doc["operations"]["root.draw.receive"]["tags"] == [{"name": "shapes"}]


def test_unannotated_handler_is_listed_without_payload() -> None:
    doc = build(kitchen_sink)
    assert "payload" not in doc["channels"]["root"]["messages"]["anything"]
    assert "reply" not in doc["operations"]["root.anything.receive"]


def test_info_and_servers() -> None:
    doc = build(kitchen_sink)
    info = doc["info"]
    assert info["contact"] == {"name": "Ops", "email": "ops@example.org"}
    assert info["license"] == {"name": "MIT"}
    assert info["tags"] == [{"name": "shop"}, {"name": "games", "description": "Fun"}]
    assert info["externalDocs"] == {"url": "https://example.org/docs"}
    assert info["termsOfService"] == "https://example.org/terms"
    assert doc["servers"] == {
        "server1": {"host": "api.example.org", "pathname": "/socket.io", "protocol": "wss"},
        "server2": {"host": "localhost:8000", "protocol": "ws", "pathname": "/ws"},
    }
    old = build(kitchen_sink, "2.6.0")
    assert old["servers"] == {
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
    assert doc.get("servers") == expected


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
    ]
    assert messages["game.ping"]["x-ack"]["payload"] == {"$ref": "#/components/schemas/Pong"}
    assert game["x-connect-auth"] == {"$ref": "#/components/schemas/Auth"}


@pytest.mark.parametrize("version", VERSIONS)
def test_examples_match_their_schemas(version: str) -> None:
    assert validate_examples(build(kitchen_sink, version)) >= 8


# -- bad examples -----------------------------------------------------------------------------
def test_a_bad_explicit_example_raises_spec_error_naming_the_event() -> None:
    sio = socketio.Server()
    spec = SocketIOSpec(sio)

    @spec.on("make_move", examples=[{"game_id": 1, "x": 0, "y": 0}, {"game_id": "one"}])
    def make_move(sid: str, data: MakeMoveData) -> None:
        pass

    with pytest.raises(SpecError, match="make_move") as info:
        spec.asyncapi()
    assert "example 2" in str(info.value)


def test_a_bad_model_example_raises_spec_error_naming_the_event() -> None:
    class Broken(BaseModel):
        count: int = Field(examples=["many"])

    sio = socketio.Server()
    spec = SocketIOSpec(sio)
    spec.emits("counted", Broken)
    with pytest.raises(SpecError, match="counted"):
        spec.to_yaml()


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

"""Edge cases of the AsyncAPI document: odd names, JSON Schema dicts, unusual types."""

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import pytest
import socketio
from pydantic import BaseModel
from ruamel.yaml import YAML
from support.external import asyncapi_validate

from sio_spec import SocketIOSpec

T = TypeVar("T")


class Vertex(BaseModel):  # same name as a JSON Schema definition below
    label: str


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int


TREE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Tree",
    "type": "object",
    "properties": {
        "value": {"type": "integer"},
        "children": {"type": "array", "items": {"$ref": "#"}},
        "meta": {"$ref": "#/definitions/Meta"},
    },
    "required": ["value"],
    "definitions": {"Meta": {"type": "object", "properties": {"at": {"type": "string"}}}},
}
SHAPE_A = {
    "type": "object",
    "properties": {"v": {"$ref": "#/$defs/Vertex"}},
    "$defs": {"Vertex": {"type": "object", "properties": {"x": {"type": "number"}}}},
}
SHAPE_B = {
    "type": "object",
    "properties": {"v": {"$ref": "#/$defs/Vertex"}},
    "$defs": {"Vertex": {"type": "object", "properties": {"x": {"type": "number"}}}},
}
SHAPE_C = {
    "type": "object",
    "properties": {"v": {"$ref": "#/$defs/Vertex"}},
    "$defs": {"Vertex": {"type": "object", "properties": {"q": {"type": "string"}}}},
}


def odd_server() -> SocketIOSpec:
    sio = socketio.Server()
    spec = SocketIOSpec(
        sio, title="Odd", version="0.1", description="Line one.\nLine two: yes, really."
    )

    @sio.on("chat message")
    def chat_message(sid: str, text: str) -> None:
        pass

    @sio.on("user:join", namespace="/root")
    def join(sid: str, who: Vertex) -> Page[Vertex]:
        return Page[Vertex](items=[who], total=1)

    @sio.on("tree", namespace="/a b")
    def tree(sid: str, data: Any) -> None:
        pass

    spec.on("tree", namespace="/a b", request=TREE)(tree)
    spec.on("shape_a", request=SHAPE_A)(lambda sid, data: None)
    spec.on("shape_b", request=SHAPE_B)(lambda sid, data: None)
    spec.on("shape_c", request=SHAPE_C)(lambda sid, data: None)

    @sio.on("callback")
    def callback(sid: str, fn: Callable[[int], int]) -> None:
        pass

    spec.emits(
        "yes", {"type": "string", "enum": ["yes", "no", "null", "1.0"]}, examples=["yes", "null"]
    )
    return spec


def pointer(doc: Any, ref: str) -> Any:
    node = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def message(doc: dict[str, Any], op_key: str, key: str | None = None) -> Any:
    op = doc["operations"][op_key]
    if key is None:
        return pointer(doc, op["messages"][0]["$ref"])
    return pointer(doc, op["channel"]["$ref"])["messages"][key]


def payload(doc: dict[str, Any], op_key: str) -> Any:
    schema = message(doc, op_key)["payload"]
    return pointer(doc, schema["$ref"]) if set(schema) == {"$ref"} else schema


def test_odd_names_are_sanitized_and_unique() -> None:
    doc = odd_server().asyncapi()
    namespaces = [k for k, v in doc["channels"].items() if "messages" not in v]
    assert namespaces == ["root", "a_b", "root_2"]
    assert doc["channels"]["root_2"]["address"] == "/root"
    assert doc["channels"]["a_b"]["address"] == "/a b"
    assert "root_chat_message" in doc["channels"]
    assert message(doc, "root.chat_message.receive")["name"] == "chat message"
    assert message(doc, "root_2.user_join.receive")["name"] == "user:join"
    assert doc["channels"]["root_2_user_join"]["address"] == "/root"
    schemas = doc["components"]["schemas"]
    assert all(k.replace("_", "").replace("-", "").replace(".", "").isalnum() for k in schemas)
    page = message(doc, "root_2.user_join.receive", "ack")["payload"]["$ref"]
    assert "[" not in page and page.split("/")[-1] in schemas
    # lifted payloads are named after the event
    assert message(doc, "root.chat_message.receive")["payload"] == {
        "$ref": "#/components/schemas/ChatMessagePayload"
    }


def test_json_schema_dicts_are_lifted_with_their_definitions() -> None:
    doc = odd_server().asyncapi()
    schemas = doc["components"]["schemas"]
    tree = message(doc, "a_b.tree.receive")["payload"]
    # a schema referring to itself becomes a named component
    assert tree == {"$ref": "#/components/schemas/Tree"}
    assert schemas["Tree"]["properties"]["children"]["items"] == {
        "$ref": "#/components/schemas/Tree"
    }
    assert schemas["Tree"]["properties"]["meta"] == {"$ref": "#/components/schemas/Meta"}
    assert "$schema" not in schemas["Tree"] and "definitions" not in schemas["Tree"]
    # the pydantic model keeps its name; equal definitions are shared, different ones not
    assert set(schemas["Vertex"]["properties"]) == {"label"}
    a = payload(doc, "root.shape_a.receive")["properties"]["v"]["$ref"]
    b = payload(doc, "root.shape_b.receive")["properties"]["v"]["$ref"]
    c = payload(doc, "root.shape_c.receive")["properties"]["v"]["$ref"]
    assert a == b != c
    assert {a, c} == {"#/components/schemas/Vertex_2", "#/components/schemas/Vertex_3"}


def test_a_type_without_json_schema_is_documented_as_any() -> None:
    doc = odd_server().asyncapi()
    assert payload(doc, "root.callback.receive") == {"title": "CallbackPayload"}
    assert "Vertex" in doc["components"]["schemas"]


def test_yaml_quotes_ambiguous_strings_and_keeps_multiline_text() -> None:
    spec = odd_server()
    text = spec.to_yaml()
    assert "description: |-\n    Line one.\n    Line two: yes, really.\n" in text
    assert "- 'yes'\n" in text and "- 'null'\n" in text and "- '1.0'\n" in text
    assert "version: '0.1'\n" in text
    assert YAML(typ="safe", pure=True).load(text) == spec.asyncapi()


@pytest.mark.parametrize("version", ["3.0.0", "2.6.0"])
def test_odd_document_passes_the_official_parser(version: str) -> None:
    result = asyncapi_validate(odd_server().to_yaml(version))
    assert result.errors == 0, result.messages("error")
    if version == "3.0.0":
        assert result.warnings == 0, result.messages("warning")


def test_flask_socketio_server_is_documented() -> None:
    flask = pytest.importorskip("flask")
    flask_socketio = pytest.importorskip("flask_socketio")
    app = flask.Flask(__name__)
    socketio_ = flask_socketio.SocketIO(app)
    spec = SocketIOSpec(socketio_, title="Flask", version="1")

    @socketio_.on("make_move")
    def make_move(move: Vertex) -> Vertex:  # Flask-SocketIO handlers get no sid
        return move

    doc = spec.asyncapi()
    assert message(doc, "root.make_move.receive")["payload"] == {
        "$ref": "#/components/schemas/Vertex"
    }
    assert doc["operations"]["root.make_move.receive"]["reply"]["messages"][0] == {
        "$ref": "#/channels/root_make_move/messages/ack"
    }


def test_unknown_server_forms_are_refused() -> None:
    from sio_spec import SpecError

    with pytest.raises(SpecError):
        SocketIOSpec(socketio.Server(), servers=[42]).asyncapi()
    with pytest.raises(SpecError):
        SocketIOSpec(socketio.Server(), servers={"x": {"description": "no protocol"}}).asyncapi()


def test_lifted_names_are_stable_and_never_overwrite() -> None:
    class Point(BaseModel):
        x: int = 0

    class PointInput(BaseModel):  # takes the name pydantic's rule would give
        q: str

    sio = socketio.Server()
    spec = SocketIOSpec(sio, title="Names", version="1")

    @sio.on("typing", namespace="/chat")
    def chat_typing(sid: str, room: str, active: bool = True) -> None:
        pass

    @sio.on("typing", namespace="/game")
    def game_typing(sid: str, game: int, active: bool = True) -> None:
        pass

    @sio.on("typing", namespace="/other")
    def other_typing(sid: str, room: str, active: bool = True) -> None:
        pass

    @sio.on("move")
    def move(sid: str, point: Point, other: PointInput) -> Point:
        return point

    doc = spec.asyncapi()
    schemas = doc["components"]["schemas"]
    # the short name first, the namespace-qualified one when it holds another schema;
    # an identical schema shares the name
    assert message(doc, "chat.typing.receive")["payload"]["$ref"].endswith("/TypingArgs")
    assert message(doc, "game.typing.receive")["payload"]["$ref"].endswith("/GameTypingArgs")
    assert message(doc, "other.typing.receive")["payload"]["$ref"].endswith("/TypingArgs")
    assert schemas["GameTypingArgs"]["title"] == "GameTypingArgs"
    # a model received and sent with different schemas: two names, each its own title
    assert schemas["PointOutput"]["required"] == ["x"]
    assert "required" not in schemas["PointInput_2"]
    assert schemas["PointInput_2"]["title"] == "PointInput_2"
    assert set(schemas["PointInput"]["properties"]) == {"q"}
    assert asyncapi_validate(doc).errors == 0

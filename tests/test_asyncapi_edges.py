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


def test_odd_names_are_sanitized_and_unique() -> None:
    doc = odd_server().asyncapi()
    assert list(doc["channels"]) == ["root", "a_b", "root_2"]
    assert doc["channels"]["root_2"]["address"] == "/root"
    assert doc["channels"]["a_b"]["address"] == "/a b"
    messages = doc["channels"]["root"]["messages"]
    assert messages["chat_message"]["name"] == "chat message"
    assert doc["channels"]["root_2"]["messages"]["user_join"]["name"] == "user:join"
    assert "root_2.user_join.receive" in doc["operations"]
    schemas = doc["components"]["schemas"]
    assert all(k.replace("_", "").replace("-", "").replace(".", "").isalnum() for k in schemas)
    page = doc["channels"]["root_2"]["messages"]["user_join.ack"]["payload"]["$ref"]
    assert "[" not in page and page.split("/")[-1] in schemas


def test_json_schema_dicts_are_lifted_with_their_definitions() -> None:
    doc = odd_server().asyncapi()
    schemas = doc["components"]["schemas"]
    tree = doc["channels"]["a_b"]["messages"]["tree"]["payload"]
    # a schema referring to itself becomes a named component
    assert tree == {"$ref": "#/components/schemas/Tree"}
    assert schemas["Tree"]["properties"]["children"]["items"] == {
        "$ref": "#/components/schemas/Tree"
    }
    assert schemas["Tree"]["properties"]["meta"] == {"$ref": "#/components/schemas/Meta"}
    assert "$schema" not in schemas["Tree"] and "definitions" not in schemas["Tree"]
    # the pydantic model keeps its name; equal definitions are shared, different ones not
    assert set(schemas["Vertex"]["properties"]) == {"label"}
    root = doc["channels"]["root"]["messages"]
    a = root["shape_a"]["payload"]["properties"]["v"]["$ref"]
    b = root["shape_b"]["payload"]["properties"]["v"]["$ref"]
    c = root["shape_c"]["payload"]["properties"]["v"]["$ref"]
    assert a == b != c
    assert {a, c} == {"#/components/schemas/Vertex_2", "#/components/schemas/Vertex_3"}


def test_a_type_without_json_schema_is_documented_as_any() -> None:
    doc = odd_server().asyncapi()
    assert doc["channels"]["root"]["messages"]["callback"]["payload"] == {}
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
    message = doc["channels"]["root"]["messages"]["make_move"]
    assert message["payload"] == {"$ref": "#/components/schemas/Vertex"}
    assert doc["operations"]["root.make_move.receive"]["reply"]["messages"][0] == {
        "$ref": "#/channels/root/messages/make_move.ack"
    }


def test_unknown_server_forms_are_refused() -> None:
    from sio_spec import SpecError

    with pytest.raises(SpecError):
        SocketIOSpec(socketio.Server(), servers=[42]).asyncapi()
    with pytest.raises(SpecError):
        SocketIOSpec(socketio.Server(), servers={"x": {"description": "no protocol"}}).asyncapi()

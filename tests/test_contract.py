"""The contract model read from AsyncAPI documents: sio-spec's own (3.0, 3.1, 2.6, with
and without the ``x-sio-spec-*`` markers) and hand-written ones in asynction's style."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from sio_spec import SocketIOSpec
from sio_spec.contract import (
    Ack,
    Argument,
    Contract,
    ContractError,
    contract_of,
    load_document,
    read_contract,
)
from sio_spec.errors import SpecError
from sio_spec.loader import load_target

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {
    "chat_aiohttp": "spec",
    "asgi": "app",
    "plain_wsgi": "sio",
    "tictactoe": "socketio",
}
VERSIONS = ("3.0.0", "3.1.0", "2.6.0")


@pytest.fixture(scope="module")
def features() -> SocketIOSpec:
    return load_target(str(ROOT / "tests" / "apps" / "features.py") + ":spec")


def same_model(contract: Contract) -> Contract:
    """``contract`` without what legitimately differs between versions."""
    return Contract(
        title=contract.title,
        version=contract.version,
        description=contract.description,
        asyncapi_version="",
        servers={},
        namespaces=contract.namespaces,
        schemas=contract.schemas,
    )


def all_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        out = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        for value in node.values():
            out.extend(all_refs(value))
        return out
    if isinstance(node, list):
        return [r for v in node for r in all_refs(v)]
    return []


def contract_refs(contract: Contract) -> list[str]:
    refs = all_refs(dict(contract.schemas))
    for ns in contract.namespaces:
        refs += all_refs(ns.auth)
        for event in ns.events:
            for args in (event.args, event.ack.args if event.ack else None):
                for arg in args or ():
                    refs += all_refs(arg.schema)
    return refs


# -- sio-spec's own documents -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_version_of_an_example_reads_as_the_same_contract(name: str) -> None:
    spec = load_target(f"{ROOT}/examples/{name}/app.py:{EXAMPLES[name]}")
    contracts = [read_contract(spec.asyncapi(v)) for v in VERSIONS]
    assert [c.asyncapi_version for c in contracts] == list(VERSIONS)
    assert same_model(contracts[1]) == same_model(contracts[0])
    assert same_model(contracts[2]) == same_model(contracts[0])
    assert contracts[0].namespaces, name
    for ref in contract_refs(contracts[0]):
        assert ref.startswith("#/components/schemas/")
        assert ref[len("#/components/schemas/") :] in contracts[0].schemas


def test_chat_example_contract() -> None:
    spec = load_target(f"{ROOT}/examples/chat_aiohttp/app.py:spec")
    contract = contract_of(spec)
    assert contract.title == "Chat API"
    assert contract.version == "1.0.0"
    assert [ns.path for ns in contract.namespaces] == ["/admin", "/chat"]
    chat = contract.namespace("/chat")
    assert chat is not None
    assert chat.auth == {"$ref": "#/components/schemas/ChatAuth"}
    assert [(e.direction, e.name) for e in chat.events] == [
        ("client-to-server", "join"),
        ("client-to-server", "leave"),
        ("client-to-server", "send"),
        ("client-to-server", "typing"),
        ("client-to-server", "upload"),
        ("server-to-client", "announcement"),
        ("server-to-client", "message"),
        ("server-to-client", "typing"),
    ]
    typing = chat.event("typing", "client-to-server")
    assert typing is not None and typing.args is not None
    assert [(a.required, a.schema["type"]) for a in typing.args if a.schema] == [
        (True, "string"),
        (False, "boolean"),
    ]
    # an ack without data: "not declared" in documents without the markers, () with them
    assert typing.ack is not None and typing.ack.args in (None, ())
    assert "SioSpecValidationError" in typing.ack.errors
    upload = chat.event("upload", "client-to-server")
    assert upload is not None and upload.args is not None
    assert [a.binary for a in upload.args] == [False, True]
    assert upload.ack is not None and upload.ack.args is not None
    assert upload.ack.args[0].schema == {"$ref": "#/components/schemas/Uploaded"}
    join = chat.event("join", "client-to-server")
    assert join is not None
    assert join.examples == (({"room": "general"},),)
    assert join.summary == "Join a room (created on first use)."
    pushed = chat.event("typing", "server-to-client")
    assert pushed is not None and pushed.ack is None
    assert [a.schema for a in pushed.args or ()] == [{"$ref": "#/components/schemas/Typing"}]
    assert contract.resolve({"$ref": "#/components/schemas/Typing"})["title"] == "Typing"
    assert chat.event("nope", "client-to-server") is None
    assert contract.namespace("/nope") is None
    assert len(list(contract.events())) == 10


def test_features_contract(features: SocketIOSpec) -> None:
    contract = contract_of(features)
    assert contract_of(features) is contract  # cached while the document is
    root = contract.namespace("/")
    admin = contract.namespace("/admin/v2")
    assert root is not None and admin is not None
    assert admin.auth == {"$ref": "#/components/schemas/AdminAuth"}
    assert root.auth is None
    question = root.event("question", "server-to-client")
    assert question is not None and question.ack is not None
    assert question.ack.errors == ()
    assert [a.schema for a in question.ack.args or ()] == [{"$ref": "#/components/schemas/Answer"}]
    pair = root.event("pair", "server-to-client")
    assert pair is not None and pair.args is not None and len(pair.args) == 2
    blob = root.event("blob", "server-to-client")
    assert blob is not None and blob.args is not None and blob.args[0].binary
    anything = root.event("anything", "client-to-server")
    assert anything is not None and anything.args is None
    old = root.event("old", "client-to-server")
    assert old is not None and old.deprecated and old.description == "Use move instead."
    move = root.event("move", "client-to-server")
    assert move is not None and move.tags == ("game",)
    assert move.examples == (({"game_id": 7, "x": 1, "y": 2},),)
    tree = contract.schemas["TreeNode"]
    assert tree["properties"]["children"]["items"] == {"$ref": "#/components/schemas/TreeNode"}

    @features.on("late")
    async def late(sid: str, n: int) -> None: ...

    try:
        again = contract_of(features)
        assert again is not contract
        assert again.namespace("/") is not None
        assert again.namespace("/").event("late", "client-to-server") is not None  # type: ignore[union-attr]
    finally:
        features.server.handlers["/"].pop("late")


# -- the markers --------------------------------------------------------------------------------


def marked_document() -> dict[str, Any]:
    """A 3.0 document with the ``x-sio-spec-*`` markers."""
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Marked", "version": "1"},
        "channels": {
            "root": {
                "address": "/",
                "messages": {
                    "ping": {"name": "ping", "x-sio-spec-arguments": []},
                    "ping.ack": {"x-sio-spec-arguments": []},
                    "move": {
                        "name": "move",
                        "x-sio-spec-arguments": ["move"],
                        "payload": {"type": "array", "items": [{"type": "integer"}]},
                    },
                    "typing": {
                        "name": "typing",
                        "x-sio-spec-arguments": ["room", "active"],
                        "payload": {"$ref": "#/components/schemas/TypingArgs"},
                        "examples": [{"payload": ["general", False]}],
                    },
                    "typing.ack": {
                        "x-sio-spec-arguments": ["ok", "count"],
                        "payload": {
                            "type": "array",
                            "items": [{"type": "boolean"}, {"type": "integer"}],
                            "minItems": 2,
                        },
                    },
                    "typing.error": {
                        "x-sio-spec-error": "validation_error",
                        "payload": {"$ref": "#/components/schemas/SioSpecValidationError"},
                    },
                    "typing.internal": {
                        "x-sio-spec-error": "internal_error",
                        "payload": {"$ref": "#/components/schemas/SioSpecInternalError"},
                    },
                },
            }
        },
        "operations": {
            "ping": {
                "action": "receive",
                "channel": {"$ref": "#/channels/root"},
                "messages": [{"$ref": "#/channels/root/messages/ping"}],
                "reply": {"messages": [{"$ref": "#/channels/root/messages/ping.ack"}]},
            },
            "move": {
                "action": "send",
                "channel": {"$ref": "#/channels/root"},
                "messages": [{"$ref": "#/channels/root/messages/move"}],
            },
            "typing": {
                "action": "receive",
                "channel": {"$ref": "#/channels/root"},
                "messages": [{"$ref": "#/channels/root/messages/typing"}],
                "reply": {
                    "channel": {"$ref": "#/channels/root"},
                    "messages": [
                        {"$ref": "#/channels/root/messages/typing.ack"},
                        {"$ref": "#/channels/root/messages/typing.error"},
                        {"$ref": "#/channels/root/messages/typing.internal"},
                    ],
                },
            },
        },
        "components": {
            "schemas": {
                "TypingArgs": {
                    "type": "array",
                    "items": [{"type": "string"}, {"type": "boolean"}],
                    "minItems": 1,
                    "maxItems": 2,
                    "additionalItems": False,
                },
                "SioSpecValidationError": {"type": "object"},
                "SioSpecInternalError": {"type": "object"},
            }
        },
    }


def test_markers_name_the_arguments() -> None:
    contract = read_contract(marked_document())
    root = contract.namespace("/")
    assert root is not None
    ping = root.event("ping", "client-to-server")
    assert ping is not None
    assert ping.args == ()
    assert ping.ack == Ack(args=(), errors=())
    move = root.event("move", "server-to-client")
    assert move is not None
    # one argument that happens to be a tuple: the marker decides
    assert move.args == (
        Argument("move", {"type": "array", "items": [{"type": "integer"}]}, True, False),
    )
    typing = root.event("typing", "client-to-server")
    assert typing is not None
    assert typing.args == (
        Argument("room", {"type": "string"}, True),
        Argument("active", {"type": "boolean"}, False),
    )
    assert typing.examples == (("general", False),)
    assert typing.ack == Ack(
        args=(Argument("ok", {"type": "boolean"}), Argument("count", {"type": "integer"})),
        errors=("SioSpecValidationError", "SioSpecInternalError"),
    )


def test_marker_with_a_payload_that_is_no_tuple_is_an_error() -> None:
    doc = marked_document()
    doc["channels"]["root"]["messages"]["typing"]["payload"] = {"type": "string"}
    with pytest.raises(ContractError, match="2 arguments need a tuple payload"):
        read_contract(doc)
    doc["channels"]["root"]["messages"]["typing"]["x-sio-spec-arguments"] = "room"
    with pytest.raises(ContractError, match="must be a list of strings"):
        read_contract(doc)


def test_v2_ack_in_the_marked_shape() -> None:
    doc = {
        "asyncapi": "2.6.0",
        "info": {"title": "t", "version": "1"},
        "channels": {
            "/": {
                "publish": {
                    "message": {
                        "name": "sum",
                        "x-sio-spec-arguments": ["a", "b"],
                        "payload": {
                            "type": "array",
                            "items": [{"type": "integer"}, {"type": "integer"}],
                            "minItems": 2,
                        },
                        "x-ack": {"payload": {"type": "integer"}, "x-sio-spec-arguments": ["sum"]},
                    }
                }
            }
        },
    }
    event = read_contract(doc).namespaces[0].events[0]
    assert [a.name for a in event.args or ()] == ["a", "b"]
    assert event.ack == Ack(args=(Argument("sum", {"type": "integer"}),))


# -- hand-written documents ---------------------------------------------------------------------

ASYNCTION = """
asyncapi: 2.3.0
info:
  title: Chat demo
  version: 1.0.0
servers:
  demo:
    url: example.com/socket.io
    protocol: wss
channels:
  /:
    publish:
      message:
        oneOf:
          - $ref: "#/components/messages/NewMessage"
          - $ref: "#/components/messages/Typing"
          - $ref: "#/components/messages/AddUser"
          - $ref: "#/components/messages/Move"
    subscribe:
      message:
        oneOf:
          - $ref: "#/components/messages/UserJoined"
  /admin:
    subscribe:
      message:
        $ref: "#/components/messages/ServerMetric"
components:
  messages:
    NewMessage:
      name: new message
      payload:
        type: string
    Typing:
      name: typing
    AddUser:
      name: add user
      payload:
        type: string
      x-ack:
        args:
          type: object
          properties:
            error:
              type: [string, "null"]
    Move:
      name: move
      summary: Two coordinates
      payload:
        type: array
        prefixItems:
          - type: integer
          - type: integer
        minItems: 1
    UserJoined:
      name: user joined
      payload:
        $ref: "#/components/schemas/User"
    ServerMetric:
      name: server metric
      contentType: application/octet-stream
      payload:
        type: string
  schemas:
    User:
      type: object
      properties:
        username: {type: string}
        friends:
          type: array
          items: {$ref: "#/components/schemas/User"}
"""


def test_asynction_style_document(tmp_path: Path) -> None:
    path = tmp_path / "asyncapi.yml"
    path.write_text(ASYNCTION, encoding="utf-8")
    contract = read_contract(load_document(path))
    assert contract.asyncapi_version == "2.3.0"
    assert contract.servers == {"demo": {"url": "example.com/socket.io", "protocol": "wss"}}
    root, admin = contract.namespaces
    assert (root.path, admin.path) == ("/", "/admin")
    names = [(e.direction, e.name) for e in root.events]
    assert names == [
        ("client-to-server", "add user"),
        ("client-to-server", "move"),
        ("client-to-server", "new message"),
        ("client-to-server", "typing"),
        ("server-to-client", "user joined"),
    ]
    add_user = root.event("add user", "client-to-server")
    assert add_user is not None and add_user.ack is not None
    assert add_user.ack.args == (
        Argument("arg0", {"type": "object", "properties": {"error": {"type": ["string", "null"]}}}),
    )
    move = root.event("move", "client-to-server")
    assert move is not None
    assert move.args == (
        Argument("arg0", {"type": "integer"}, True),
        Argument("arg1", {"type": "integer"}, False),
    )
    assert move.summary == "Two coordinates"
    typing = root.event("typing", "client-to-server")
    assert typing is not None and typing.args is None and typing.ack is None
    metric = admin.event("server metric", "server-to-client")
    assert metric is not None and metric.args is not None and metric.args[0].binary


def test_references_are_normalized() -> None:
    doc = {
        "asyncapi": "2.6.0",
        "info": {"title": "t", "version": "1"},
        "channels": {
            "/": {
                "subscribe": {
                    "message": {
                        "name": "a",
                        "payload": {
                            "type": "object",
                            "properties": {
                                "b": {"$ref": "#/components/messages/B/payload"},
                                "c": {"$ref": "#/components/schemas/C/properties/inner"},
                                "d": {"$ref": "#/$defs/D"},
                            },
                            "$defs": {"D": {"type": "integer", "title": "D"}},
                        },
                    }
                },
                "publish": {"message": {"$ref": "#/components/messages/B"}},
            }
        },
        "components": {
            "messages": {
                "B": {"name": "b", "payload": {"type": "string", "title": "B payload"}},
            },
            "schemas": {
                "C": {"type": "object", "properties": {"inner": {"type": "boolean"}}},
            },
        },
    }
    contract = read_contract(doc)
    a = contract.namespaces[0].event("a", "server-to-client")
    assert a is not None and a.args is not None
    schema = a.args[0].schema
    assert schema is not None
    props = schema["properties"]
    for key in ("b", "c", "d"):
        ref = props[key]["$ref"]
        assert ref.startswith("#/components/schemas/")
        assert "/" not in ref[len("#/components/schemas/") :]
    assert contract.resolve(props["b"]) == {"type": "string", "title": "B payload"}
    assert contract.resolve(props["c"]) == {"type": "boolean"}
    assert contract.resolve(props["d"]) == {"type": "integer", "title": "D"}
    assert props["d"]["$ref"] == "#/components/schemas/D"
    b = contract.namespaces[0].event("b", "client-to-server")
    assert b is not None and b.args == (Argument("arg0", {"type": "string", "title": "B payload"}),)
    # the source document is not changed
    assert doc["channels"]["/"]["subscribe"]["message"]["payload"]["properties"]["d"] == {
        "$ref": "#/$defs/D"
    }


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("other.yaml#/components/schemas/X", "points outside the document"),
        ("#/components/schemas/Missing", "points at nothing"),
    ],
)
def test_bad_references(ref: str, message: str) -> None:
    doc = {
        "asyncapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "channels": {"c": {"address": "/c", "x-connect-auth": {"$ref": ref}}},
    }
    with pytest.raises(ContractError, match=message):
        read_contract(doc)


def test_v31_operation_without_messages_means_every_message_of_its_channel() -> None:
    doc = {
        "asyncapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "channels": {
            "room": {
                "messages": {
                    "hello": {"payload": {"type": "string"}},
                    "bye": {"name": "goodbye"},
                },
            }
        },
        "operations": {"all": {"action": "send", "channel": {"$ref": "#/channels/room"}}},
    }
    ns = read_contract(doc).namespaces[0]
    assert ns.path == "/room"  # no address: the channel key
    assert [e.name for e in ns.events] == ["goodbye", "hello"]


def test_other_schema_formats_are_not_declared() -> None:
    doc = {
        "asyncapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "channels": {
            "root": {
                "address": "/",
                "messages": {
                    "avro": {
                        "payload": {
                            "schemaFormat": "application/vnd.apache.avro;version=1.9.0",
                            "schema": {"type": "record", "name": "X", "fields": []},
                        }
                    },
                    "json": {
                        "payload": {
                            "schemaFormat": "application/schema+json;version=draft-07",
                            "schema": {"type": "integer"},
                        }
                    },
                },
            }
        },
        "operations": {"o": {"action": "receive", "channel": {"$ref": "#/channels/root"}}},
    }
    ns = read_contract(doc).namespaces[0]
    assert ns.event("avro", "client-to-server").args is None  # type: ignore[union-attr]
    assert ns.event("json", "client-to-server").args == (  # type: ignore[union-attr]
        Argument("arg0", {"type": "integer"}),
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"info": {}}, "'asyncapi' version field is missing"),
        ({"asyncapi": "1.2.0"}, "unsupported AsyncAPI version '1.2.0'"),
        ({"asyncapi": "3.0.0", "channels": []}, "channels must be an object"),
        (
            {
                "asyncapi": "3.0.0",
                "channels": {"c": {}},
                "operations": {"o": {"action": "publish", "channel": {"$ref": "#/channels/c"}}},
            },
            "operations.o.action must be 'send' or 'receive'",
        ),
        (
            {"asyncapi": "3.0.0", "operations": {"o": {"action": "send", "channel": {}}}},
            "not one of the document's channels",
        ),
        ({"asyncapi": "2.6.0", "channels": {"/": {"publish": 3}}}, r"channels\./\.publish must"),
    ],
)
def test_invalid_documents(document: dict[str, Any], message: str) -> None:
    with pytest.raises(ContractError, match=message) as info:
        read_contract(document)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, SpecError)


# -- loading ------------------------------------------------------------------------------------


def test_load_document_from_files_dicts_and_text(tmp_path: Path, features: SocketIOSpec) -> None:
    doc = features.asyncapi("3.0.0")
    json_path = tmp_path / "doc.json"
    json_path.write_text(features.to_json("3.0.0"), encoding="utf-8")
    yaml_path = tmp_path / "doc.yaml"
    yaml_path.write_text(features.to_yaml("3.0.0"), encoding="utf-8")
    assert load_document(json_path) == doc
    assert load_document(str(yaml_path)) == doc
    assert load_document(features.to_yaml("3.0.0")) == doc
    copied = load_document(doc)
    assert copied == doc and copied is not doc
    assert read_contract(load_document(yaml_path)) == contract_of(features)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.yaml", "asyncapi: [unclosed\n", r"bad\.yaml is not valid YAML at line \d+"),
        ("bad.json", '{"asyncapi": ', r"bad\.json is not valid JSON"),
        ("list.yaml", "- 1\n- 2\n", "does not hold an AsyncAPI document"),
        ("empty.yaml", "", "does not hold an AsyncAPI document"),
    ],
)
def test_unreadable_documents(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContractError, match=message) as info:
        load_document(path)
    assert "\n" not in str(info.value)


def test_too_deeply_nested_json_is_refused_in_one_line() -> None:
    with pytest.raises(ContractError, match="the document text is not valid JSON") as info:
        load_document("{" + '"a":[' * 100_000 + "]" * 100_000 + "}")
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match=r"cannot read .*nope\.yaml: No such file"):
        load_document(tmp_path / "nope.yaml")


def test_contract_is_frozen_and_does_not_share_the_document(features: SocketIOSpec) -> None:
    doc = copy.deepcopy(features.asyncapi("3.0.0"))
    before = json.dumps(doc, sort_keys=True)
    contract = read_contract(doc)
    assert json.dumps(doc, sort_keys=True) == before
    with pytest.raises(AttributeError):
        contract.title = "x"  # type: ignore[misc]
    json.dumps(dict(contract.schemas))  # plain JSON data


def test_too_deep_documents_are_refused() -> None:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(5000):
        schema = {"type": "array", "items": schema}
    doc = {
        "asyncapi": "3.0.0",
        "channels": {"c": {"address": "/", "x-connect-auth": schema}},
    }
    with pytest.raises(ContractError, match="deeper than 200 levels"):
        read_contract(doc)

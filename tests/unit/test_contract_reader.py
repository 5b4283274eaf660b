"""The contract reader (``sio_spec.contract.read_contract``) on small hand-written
documents, and the spec's cached contract."""

from __future__ import annotations

from typing import Any

import pytest
import socketio
from pydantic import BaseModel

from sio_spec import SocketIOSpec
from sio_spec.contract import Contract, ContractError, contract_of, read_contract

MOVE = {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]}
ERROR = {"type": "object", "properties": {"error": {"const": "validation_error"}}}


def v3() -> dict[str, Any]:
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Game", "version": "2.0.0", "description": "A game."},
        "channels": {
            "root": {
                "address": "/",
                "messages": {
                    "move": {"name": "move", "payload": {"$ref": "#/components/schemas/Move"}},
                    "moved": {"name": "move", "payload": {"type": "boolean"}},
                    "failed": {
                        "name": "validation_error",
                        "payload": {"$ref": "#/components/schemas/SioSpecValidationError"},
                    },
                    "score": {
                        "name": "score",
                        "payload": {"type": "array", "prefixItems": [{"type": "string"}, MOVE]},
                    },
                    "ping": {"name": "ping", "x-sio-spec-arguments": []},
                },
            },
            "admin": {"address": "/admin", "messages": {}},
        },
        "operations": {
            "move": {
                "action": "receive",
                "channel": {"$ref": "#/channels/root"},
                "messages": [{"$ref": "#/channels/root/messages/move"}],
                "reply": {
                    "channel": {"$ref": "#/channels/root"},
                    "messages": [
                        {"$ref": "#/channels/root/messages/moved"},
                        {"$ref": "#/channels/root/messages/failed"},
                    ],
                },
            },
            "score": {
                "action": "send",
                "channel": {"$ref": "#/channels/root"},
                "messages": [{"$ref": "#/channels/root/messages/score"}],
            },
            "ping": {
                "action": "send",
                "channel": {"$ref": "#/channels/root"},
                "messages": [{"$ref": "#/channels/root/messages/ping"}],
            },
        },
        "components": {"schemas": {"Move": MOVE, "SioSpecValidationError": ERROR}},
    }


def test_directions_arguments_and_acks_of_a_3_0_document() -> None:
    contract = read_contract(v3())
    assert (contract.title, contract.version, contract.asyncapi_version) == (
        "Game",
        "2.0.0",
        "3.0.0",
    )
    assert [ns.path for ns in contract.namespaces] == ["/", "/admin"]
    root = contract.namespace("/")
    assert root is not None
    move = root.event("move", "client-to-server")
    assert move is not None and move.args is not None
    assert [a.schema for a in move.args] == [{"$ref": "#/components/schemas/Move"}]
    assert move.ack is not None and move.ack.errors == ("SioSpecValidationError",)
    assert move.ack.args is not None and move.ack.args[0].schema == {"type": "boolean"}
    score = root.event("score", "server-to-client")
    assert score is not None and score.args is not None and len(score.args) == 2  # a tuple
    ping = root.event("ping", "server-to-client")
    assert ping is not None and ping.args == ()  # declared without data
    assert root.event("move", "server-to-client") is None
    assert contract.resolve({"$ref": "#/components/schemas/Move"}) == MOVE


def test_the_2_6_spelling_reads_as_the_same_events() -> None:
    document = {
        "asyncapi": "2.6.0",
        "info": {"title": "Game", "version": "2.0.0"},
        "channels": {
            "/": {
                "publish": {"message": {"name": "move", "payload": MOVE}},
                "subscribe": {"message": {"name": "score", "payload": {"type": "string"}}},
            }
        },
    }
    contract = read_contract(document)
    directions = sorted((e.name, e.direction) for e in contract.events())
    assert directions == [("move", "client-to-server"), ("score", "server-to-client")]
    move = next(e for e in contract.events() if e.name == "move")
    assert move.args is not None
    assert contract.resolve(move.args[0].schema or {}) == MOVE


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"info": {}}, "'asyncapi' version field is missing"),
        ({"asyncapi": "1.2.0"}, "unsupported AsyncAPI version"),
    ],
)
def test_what_is_not_a_supported_document_is_refused_in_one_line(
    document: dict[str, Any], message: str
) -> None:
    with pytest.raises(ContractError, match=message) as raised:
        read_contract(document)
    assert "\n" not in str(raised.value)


def test_references_to_other_files_are_refused() -> None:
    document = v3()
    document["channels"]["root"]["messages"]["move"]["payload"] = {"$ref": "other.yaml#/Move"}
    with pytest.raises(ContractError):
        read_contract(document)


class Move(BaseModel):
    x: int


def test_a_spec_caches_its_contract_while_its_document_lasts() -> None:
    sio = socketio.Server(async_mode="threading")
    spec = SocketIOSpec(sio)

    @spec.event
    def move(sid: str, data: Move) -> None: ...

    first = spec.contract()
    assert isinstance(first, Contract)
    assert spec.contract() is first and contract_of(spec) is first
    assert [e.name for e in first.events()] == ["move"]

    @spec.event
    def leave(sid: str) -> None: ...

    second = spec.contract()
    assert second is not first
    assert sorted(e.name for e in second.events()) == ["leave", "move"]


def test_a_spec_built_from_a_document_reads_that_document() -> None:
    spec = SocketIOSpec.from_document(None, v3())
    assert spec.contract() == read_contract(v3())
    assert spec.contract() is spec.contract()

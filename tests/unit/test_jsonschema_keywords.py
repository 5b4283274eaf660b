"""One reading of the JSON Schema keywords for every part of sio_spec."""

from __future__ import annotations

from sio_spec import jsonschema_keywords
from sio_spec.asyncapi import schemas
from sio_spec.contract import read_contract
from sio_spec.jsonschema_keywords import CONSTRAINTS, LOWER_BOUNDS, UPPER_BOUNDS, is_binary
from sio_spec.typescript import render


def test_binary_is_a_string_of_format_binary() -> None:
    assert is_binary({"type": "string", "format": "binary"})
    assert not is_binary({"format": "binary"})  # accepts numbers, objects... too
    assert not is_binary({"type": "string"})
    assert not is_binary(["string"])
    assert schemas.is_binary is jsonschema_keywords.is_binary


def _document(schema: dict[str, object]) -> dict[str, object]:
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "channels": {"root": {"address": "/", "messages": {"m": {"payload": schema}}}},
        "operations": {
            "up": {"action": "receive", "channel": {"$ref": "#/channels/root"}},
        },
    }


def test_the_reader_and_the_types_agree_on_binary() -> None:
    for schema, binary in (
        ({"type": "string", "format": "binary"}, True),
        ({"format": "binary"}, False),
    ):
        contract = read_contract(_document(schema))
        (event,) = contract.events()
        assert event.args is not None
        assert event.args[0].binary is binary
        assert ("SioSpecBinary" in render(contract)) is binary


def test_bounds_are_constraints() -> None:
    assert set(LOWER_BOUNDS) | set(UPPER_BOUNDS) <= set(CONSTRAINTS)
    assert len(set(CONSTRAINTS)) == len(CONSTRAINTS)

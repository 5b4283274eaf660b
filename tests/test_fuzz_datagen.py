"""The shared data generator (``sio_spec.datagen``): every valid value passes its
schema's JSON Schema validator, every broken value fails it (and a real sio-spec
server with lax pydantic models rejects it), values repeat for a seed, and the
generator runs without hypothesis."""

from __future__ import annotations

import datetime
import enum
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Annotated, Any, Literal

import jsonschema
import pytest
import socketio
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field

from sio_spec import SocketIOSpec, datagen
from sio_spec.contract import contract_of
from sio_spec.plans import standalone
from sio_spec.testing import TestClient

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def checker(schema: Any, schemas: dict[str, Any]) -> jsonschema.protocols.Validator:
    """An independent draft-7 validator of ``schema``; bytes count as strings
    (socket.io sends them as binary attachments)."""
    base = jsonschema.Draft7Validator
    types = base.TYPE_CHECKER.redefine("string", lambda _c, v: isinstance(v, (str, bytes)))
    cls = jsonschema.validators.extend(base, type_checker=types)
    return cls(standalone(schema, schemas))


NAMED: dict[str, Any] = {
    "Tree": {
        "type": "object",
        "properties": {
            "value": {"type": "integer"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
        },
        "required": ["value", "children"],
    },
    "Cat": {
        "type": "object",
        "properties": {"kind": {"const": "cat"}, "lives": {"type": "integer", "minimum": 0}},
        "required": ["kind", "lives"],
    },
    "Dog": {
        "type": "object",
        "properties": {"kind": {"type": "string"}, "name": {"type": "string", "maxLength": 4}},
        "required": ["kind"],
        "additionalProperties": False,
    },
}

SCHEMAS: dict[str, Any] = {
    "object": {
        "type": "object",
        "properties": {
            "a": {"type": "integer", "minimum": -3, "maximum": 7},
            "b": {"type": "string", "minLength": 2, "maxLength": 5},
            "c": {"type": "boolean"},
        },
        "required": ["a"],
        "additionalProperties": False,
    },
    "array": {"type": "array", "items": {"type": "number"}, "minItems": 1, "maxItems": 3},
    "tuple-draft7": {
        "type": "array",
        "items": [{"type": "integer"}, {"type": "string"}],
        "minItems": 2,
        "maxItems": 2,
        "additionalItems": False,
    },
    "tuple-2020": {
        "type": "array",
        "prefixItems": [{"type": "boolean"}, {"type": "null"}],
        "minItems": 1,
        "maxItems": 2,
    },
    "anyOf": {"anyOf": [{"type": "integer", "multipleOf": 5}, {"type": "string", "pattern": "^z"}]},
    "oneOf-discriminator": {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": "kind",
    },
    "oneOf-mapping": {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {
            "propertyName": "kind",
            "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
        },
    },
    "oneOf-plain": {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 0}]},
    "enum": {"enum": ["red", "green", 3]},
    "const": {"const": {"fixed": [1, 2]}},
    "integer-exclusive": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 4},
    "number-bounds": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    "number-multiple": {"type": "number", "multipleOf": 0.25, "minimum": -1, "maximum": 1},
    "string-pattern": {"type": "string", "pattern": r"^[a-c]{2,4}-\d+$", "maxLength": 12},
    "string-formats": {
        "type": "object",
        "properties": {
            f: {"type": "string", "format": f}
            for f in ("date-time", "date", "time", "email", "uri", "uuid", "ipv4", "ipv6")
        },
        "required": ["date-time", "date", "time", "email", "uri", "uuid", "ipv4", "ipv6"],
    },
    "binary": {"type": "string", "format": "binary", "maxLength": 8},
    "nullable-list": {"type": ["string", "null"], "minLength": 1},
    "recursive": {"$ref": "#/components/schemas/Tree"},
    "map": {"type": "object", "additionalProperties": {"type": "integer"}, "maxProperties": 3},
    "allOf": {
        "allOf": [
            {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]},
            {"properties": {"y": {"type": "string"}}, "required": ["y"]},
        ]
    },
    "not": {"type": "integer", "not": {"enum": [0, 1]}, "minimum": 0, "maximum": 3},
    "unique-items": {
        "type": "array",
        "items": {"type": "integer", "minimum": 0, "maximum": 5},
        "uniqueItems": True,
        "minItems": 2,
        "maxItems": 3,
    },
    "min-properties": {
        "type": "object",
        "properties": {"id": {"type": "integer"}},
        "additionalProperties": {"type": "boolean"},
        "minProperties": 2,
    },
    "property-names": {
        "type": "object",
        "additionalProperties": {"type": "integer"},
        "propertyNames": {"format": "uuid"},
        "minProperties": 1,
    },
    "untyped": {},
}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
@SETTINGS
@given(data=st.data())
def test_valid_values_pass_and_broken_values_fail(name: str, data: st.DataObject) -> None:
    schema = SCHEMAS[name]
    validator = checker(schema, NAMED)
    gen = datagen.generator(schema, NAMED)
    source = datagen.HypothesisSource(data.draw)
    value = gen.valid(source)
    assert validator.is_valid(value), (name, value)
    broken = gen.broken(source)
    if name == "untyped":
        assert broken is None  # {} accepts anything: nothing to break
        return
    assert broken is not None
    assert not validator.is_valid(broken.value), (name, broken)
    assert broken.reason and "x" * 50 not in broken.reason


#: schemas with fewer than 4 values: how many distinct ones 30 seeds must reach
FEW_VALUES = {"const": 1, "enum": 3, "not": 2, "tuple-2020": 2, "integer-exclusive": 3}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_random_source_is_deterministic_per_seed(name: str) -> None:
    gen = datagen.generator(SCHEMAS[name], NAMED)
    validator = checker(SCHEMAS[name], NAMED)
    first = [gen.valid(datagen.RandomSource(seed)) for seed in range(30)]
    again = [gen.valid(datagen.RandomSource(seed)) for seed in range(30)]
    assert first == again
    assert all(validator.is_valid(v) for v in first)
    assert len({repr(v) for v in first}) >= FEW_VALUES.get(name, 4)


def test_binary_is_bytes_and_formats_parse() -> None:
    gen = datagen.generator(SCHEMAS["binary"])
    assert all(isinstance(gen.valid(datagen.RandomSource(i)), bytes) for i in range(10))
    values = datagen.generator(SCHEMAS["string-formats"]).valid(datagen.RandomSource(1))
    datetime.datetime.fromisoformat(values["date-time"].replace("Z", "+00:00"))
    datetime.date.fromisoformat(values["date"])
    uuid.UUID(values["uuid"])


def test_property_names_shape_the_keys() -> None:
    gen = datagen.generator(SCHEMAS["property-names"])
    for seed in range(10):
        value = gen.valid(datagen.RandomSource(seed))
        assert value and all(uuid.UUID(key) for key in value)


def test_discriminator_mapping_sets_the_tag_of_the_branch() -> None:
    gen = datagen.generator(SCHEMAS["oneOf-mapping"], NAMED)
    kinds = {gen.valid(datagen.RandomSource(i))["kind"] for i in range(40)}
    assert kinds == {"cat", "dog"}


def test_recursion_ends() -> None:
    gen = datagen.generator(SCHEMAS["recursive"], NAMED)

    def depth(node: dict[str, Any]) -> int:
        return 1 + max((depth(c) for c in node["children"]), default=0)

    assert (
        max(depth(gen.valid(datagen.RandomSource(i))) for i in range(50)) <= datagen.SOFT_DEPTH + 1
    )


@pytest.mark.parametrize(
    "schema",
    [
        False,
        {"enum": []},
        {"type": "integer", "minimum": 5, "maximum": 1},
        {"type": "string", "minLength": 4, "maxLength": 2},
        {"$ref": "#/components/schemas/Missing"},
        {"type": "object", "properties": {"me": {"$ref": "#"}}, "required": ["me"]},
    ],
)
def test_schemas_without_values_raise_generation_error(schema: Any) -> None:
    with pytest.raises(datagen.GenerationError):
        datagen.Generator(schema, {}).valid(datagen.RandomSource(0))


def test_shrinking_reaches_a_minimal_value() -> None:
    gen = datagen.generator(SCHEMAS["object"], NAMED)
    minimal = find(
        gen.strategy(), lambda v: "b" in v, settings=settings(database=None, max_examples=500)
    )
    # no optional property but the one asked for, the shortest string, the smallest number
    assert minimal == {"a": 0, "b": "00"}


# -- event arguments against a real server with lax pydantic models ---------------------------


class Color(str, enum.Enum):
    RED = "red"
    BLUE = "blue"


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int = Field(ge=0, le=9)


class Dog(BaseModel):
    kind: Literal["dog"]
    name: str = Field(min_length=1, max_length=5, pattern=r"^[a-z]+$")


class Node(BaseModel):
    value: int
    children: list[Node] = []


class Order(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pet: Annotated[Cat | Dog, Field(discriminator="kind")]
    when: datetime.datetime
    id: uuid.UUID
    color: Color
    note: str | None = None
    data: bytes
    tree: Node
    score: float = Field(gt=0, lt=1)
    tags: list[str] = Field(max_length=3)
    pair: tuple[int, str]
    counts: dict[str, int] = {}
    by_id: dict[uuid.UUID, int] = Field(default={}, min_length=1)
    flag: bool = False


def lax_server() -> tuple[socketio.Server, SocketIOSpec]:
    sio = socketio.Server(async_mode="threading")
    spec = SocketIOSpec(sio)

    @spec.on("order")
    def order(sid: str, order: Order, quantity: int, rush: bool = False) -> Node:
        return order.tree

    return sio, spec


def test_a_lax_sio_spec_server_accepts_every_valid_value_and_rejects_every_broken_one() -> None:
    sio, spec = lax_server()
    contract = contract_of(spec)
    event = contract.namespace("/").event("order", "client-to-server")  # type: ignore[union-attr]
    assert event is not None and event.args is not None and event.ack is not None
    args = datagen.arguments(event.args, contract.schemas)
    ack = datagen.arguments(event.ack.args or (), contract.schemas)
    reasons = set()
    with TestClient(sio) as client:
        client.connect()
        for seed in range(200):
            values = args.valid(datagen.RandomSource(seed))
            answer = client.call("order", values)
            assert not (isinstance(answer, dict) and "error" in answer), (values, answer)
            assert ack.is_valid((answer,))
            broken = args.broken(datagen.RandomSource(seed))
            assert broken is not None
            answer = client.call("order", broken.values)
            assert isinstance(answer, dict) and answer.get("error") == "validation_error", broken
            reasons.add(broken.reason.split(" ")[0])
    assert {"letters", "missing", "a"} <= reasons
    assert reasons & {"above", "below"} and reasons & {"longer", "fewer", "shorter", "more"}


def test_arguments_generator_respects_optional_trailing_arguments() -> None:
    _, spec = lax_server()
    contract = contract_of(spec)
    event = contract.namespace("/").event("order", "client-to-server")  # type: ignore[union-attr]
    assert event is not None and event.args is not None
    args = datagen.arguments(event.args, contract.schemas)
    assert args.required == 2
    lengths = {len(args.valid(datagen.RandomSource(i))) for i in range(30)}
    assert lengths == {2, 3}
    assert not args.is_valid(())


def test_runs_without_hypothesis_and_import_does_not_load_it() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["hypothesis"] = None  # importing it now fails
        import sio_spec, sio_spec.datagen as d
        g = d.generator({"type": "object", "properties": {"n": {"type": "integer"}},
                         "required": ["n"]})
        a = [g.valid(d.RandomSource(7)) for _ in range(3)]
        b = g.broken(d.RandomSource(7))
        assert a[0] == a[1] == a[2] and b is not None and not g.is_valid(b.value)
        print("ok")
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "ok", out.stderr
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, sio_spec, sio_spec.testing, sio_spec.cli, sio_spec.datagen;"
            "print('hypothesis' in sys.modules)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == "False", out.stderr

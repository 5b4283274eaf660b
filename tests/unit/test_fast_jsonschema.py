"""The optional compiled engine (``sio-spec[speed]``, jsonschema-rs) for JSON Schema
dict payloads gives the same verdicts and the same error details as ``jsonschema``
alone, refuses what it may read differently, and never retrieves anything."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sio_spec import fast_jsonschema
from sio_spec.guard import json_schema_validator
from sio_spec.payload import Payload, PayloadInvalid
from sio_spec.sendable import finite

jsonschema_rs = pytest.importorskip("jsonschema_rs")

NAMES = st.sampled_from(["a", "b", "c", "x"])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "a", "b", "é", "ab", "0"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(NAMES, inner, max_size=4)),
    max_leaves=12,
)
TYPES = st.sampled_from(["null", "boolean", "integer", "number", "string", "array", "object"])
NUMBER = st.one_of(st.integers(-5, 5), st.floats(-5, 5, allow_nan=False))


def leaf_schemas() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.builds(lambda t: {"type": t}, TYPES),
        st.builds(lambda ts: {"type": ts}, st.lists(TYPES, min_size=1, max_size=3, unique=True)),
        st.builds(lambda v: {"enum": v}, st.lists(SCALARS, min_size=1, max_size=3)),
        st.builds(lambda v: {"const": v}, SCALARS),
        st.builds(lambda n: {"minimum": n}, NUMBER),
        st.builds(lambda n: {"exclusiveMaximum": n}, NUMBER),
        st.builds(lambda n: {"minLength": n}, st.integers(0, 3)),
        st.builds(lambda n: {"maxItems": n}, st.integers(0, 3)),
        st.builds(lambda n: {"minProperties": n}, st.integers(0, 3)),
    )


SCHEMAS = st.recursive(
    leaf_schemas(),
    lambda inner: st.one_of(
        st.builds(
            lambda props, req, extra: (
                {"properties": props, "required": req}
                | ({} if extra is None else {"additionalProperties": extra})
            ),
            st.dictionaries(NAMES, inner, max_size=3),
            st.lists(NAMES, max_size=2, unique=True),
            st.one_of(st.none(), st.booleans(), inner),
        ),
        st.builds(lambda s: {"items": s}, inner),
        st.builds(lambda ss: {"prefixItems": ss}, st.lists(inner, min_size=1, max_size=2)),
        st.builds(lambda ss: {"anyOf": ss}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda ss: {"oneOf": ss}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda ss: {"allOf": ss}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda s: {"not": s}, inner),
        st.builds(lambda a, b, c: {"if": a, "then": b, "else": c}, inner, inner, inner),
    ),
    max_leaves=6,
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=SCHEMAS, value=VALUES)
def test_the_compiled_verdict_is_jsonschemas(schema: dict[str, Any], value: Any) -> None:
    validator = json_schema_validator(schema)  # sio-spec's own, the reference
    compiled = fast_jsonschema.compiled_verdict(validator)
    # only numbers both engines hold exactly (no NaN, no huge integers) are compiled
    assume(compiled is not None)
    assert compiled is not None
    reference = validator.is_valid(value)
    try:
        verdict = compiled(value)
    except (ValueError, TypeError, OverflowError):
        return  # a value it cannot take: jsonschema decides alone
    if finite(value):
        assert verdict == reference
    # an infinity is not JSON Schema's number and the engines read it differently; a
    # payload never takes the verdict alone for one: the finite-number check refuses it
    # after an acceptance, jsonschema reads it again after a rejection (the test below)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=SCHEMAS, value=VALUES)
def test_payloads_give_the_same_answer_and_details_with_or_without_the_engine(
    schema: dict[str, Any], value: Any
) -> None:
    def outcome(payload: Payload) -> Any:
        try:
            return ("valid", payload.validate(value))
        except PayloadInvalid as exc:
            return ("invalid", exc.details)

    fast = outcome(Payload(schema))
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr("sio_spec.payload.compiled_verdict", lambda schema: None)
        plain = outcome(Payload(schema))
    assert fast == plain


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "pattern": "^(a+)+$"},
        {"patternProperties": {"^x": {"type": "integer"}}},
        {"type": "string", "format": "email"},
        {"type": "number", "multipleOf": 0.1},
        {"type": "array", "uniqueItems": True},
        {"$ref": "https://example.com/schema.json"},
        {"$defs": {"a": {"type": "integer"}}, "$ref": "#/$defs/a", "minimum": 3},
        {"properties": {"a": {"$dynamicRef": "#meta"}}},
        {"unknownKeyword": 1},
        {"enum": [float("inf")]},
        {"const": 2**60},
    ],
)
def test_schemas_the_engines_may_read_differently_stay_with_jsonschema(
    schema: dict[str, Any],
) -> None:
    assert not fast_jsonschema.compilable(schema)


def test_local_references_are_compiled_and_nothing_is_retrieved() -> None:
    schema = {
        "$defs": {"point": {"type": "object", "required": ["x"]}},
        "properties": {"p": {"$ref": "#/$defs/point"}},
    }
    compiled = fast_jsonschema.compiled_verdict(json_schema_validator(schema))
    assert compiled is not None
    assert compiled({"p": {"x": 1}}) and not compiled({"p": {}})
    with pytest.raises(ValueError, match="does not retrieve"):
        fast_jsonschema._refuse("https://example.com/schema.json")


def test_nan_and_values_it_cannot_take_fall_back_to_jsonschema() -> None:
    payload = Payload({"type": "object", "properties": {"a": {"type": "array"}}})
    with pytest.raises(PayloadInvalid) as nan:
        payload.validate({"a": [float("nan")]})
    assert nan.value.details[0]["loc"] == ["a", 0]
    assert payload.validate({(1, 2): 1}) == {(1, 2): 1}  # jsonschema accepts it too
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(PayloadInvalid) as too_deep:
        payload.validate({"a": deep})
    assert too_deep.value.details[0]["type"] == "recursion_depth_exceeded"


def test_a_value_too_deep_for_jsonschema_gets_its_answer_with_the_engine_too() -> None:
    tree = {
        "$defs": {
            "node": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "child": {"$ref": "#/$defs/node"}},
                "required": ["name"],
            }
        },
        "$ref": "#/$defs/node",
    }
    payload = Payload(tree)
    assert fast_jsonschema.compiled_verdict(json_schema_validator(tree)) is not None
    deep: Any = {"name": "leaf"}
    for _ in range(400):
        deep = {"name": "n", "child": deep}
    with pytest.raises(PayloadInvalid) as refused:
        payload.validate(deep)
    assert refused.value.details[0]["type"] == "recursion_depth_exceeded"
    shallow = {"name": "a", "child": {"name": "b"}}
    assert payload.validate(shallow) is shallow

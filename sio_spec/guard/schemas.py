"""JSON Schemas checked against the rules of JSON Schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .limits import ContractError, _one_line, pointer_of
from .patterns import linear_pattern

# -- JSON Schema -----------------------------------------------------------------------

_TYPES = frozenset({"array", "boolean", "integer", "null", "number", "object", "string"})
_SUBSCHEMA = (
    "additionalItems",
    "additionalProperties",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
)
_SCHEMA_OBJECTS = ("properties", "definitions", "$defs", "dependentSchemas")
_SCHEMA_ARRAYS = ("allOf", "anyOf", "oneOf")
_COUNTS = (
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "minContains",
    "maxContains",
)
_NUMBERS = ("maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum")
_STRINGS = ("$schema", "$comment", "format", "contentMediaType", "contentEncoding")


class _Invalid(Exception):
    def __init__(self, path: list[Any], problem: str) -> None:
        super().__init__(problem)
        self.path = path
        self.problem = problem


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def check_schema(schema: Any, where: str = "the schema") -> None:
    """Refuse a JSON Schema that is not valid JSON Schema: a ``type`` that does not
    exist, a ``required`` or ``enum`` of the wrong shape, a count or bound that is not
    a number, a ``pattern`` the linear-time engine cannot compile (backreferences,
    look-around, syntax errors), a ``$ref`` outside the document.

    ``where`` is the JSON pointer of ``schema``; the :class:`ContractError` names the
    pointer of the offending keyword below it.
    """
    try:
        _check(schema, [])
    except _Invalid as exc:
        base = where.rstrip("/") if where.startswith(("/", "#")) else where
        at = base + pointer_of(exc.path) if exc.path else where
        raise ContractError(f"invalid JSON Schema at {at}: {exc.problem}") from None
    except RecursionError:
        raise ContractError(f"invalid JSON Schema at {where}: nested too deeply") from None


def _check(schema: Any, path: list[Any]) -> None:
    if isinstance(schema, bool):
        return
    if not isinstance(schema, dict):
        raise _Invalid(path, f"a schema must be an object or a boolean, not {_kind(schema)}")
    for key, value in schema.items():
        rule = _RULES.get(key)
        if rule is not None:
            rule(key, value, path)


def _rule_type(key: str, value: Any, path: list[Any]) -> None:
    if isinstance(value, str):
        if value in _TYPES:
            return
        names: list[Any] = [value]
    elif isinstance(value, list):
        if not value:
            raise _Invalid([*path, key], "'type' must not be an empty list")
        names = value
    else:
        names = [value]
    for name in names:
        if not isinstance(name, str) or name not in _TYPES:
            raise _Invalid([*path, key], f"unknown type {_one_line(repr(name), 60)}")


def _rule_required(key: str, value: Any, path: list[Any]) -> None:
    if not _string_list(value):
        raise _Invalid([*path, key], "'required' must be a list of strings")


def _rule_enum(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, list):
        raise _Invalid([*path, key], "'enum' must be a list")


def _rule_pattern(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, str):
        raise _Invalid([*path, key], "'pattern' must be a string")
    _compiles(value, [*path, key])


def _rule_pattern_properties(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, dict):
        raise _Invalid([*path, key], "'patternProperties' must be an object")
    for pattern, sub in value.items():
        _compiles(pattern, [*path, key, pattern])
        _check(sub, [*path, key, pattern])


def _rule_schema_object(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, dict):
        raise _Invalid([*path, key], f"{key!r} must be an object of schemas")
    for name, sub in value.items():
        if sub is True or sub is False:
            continue
        _check(sub, [*path, key, name])


def _rule_schema_array(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, list) or not value:
        raise _Invalid([*path, key], f"{key!r} must be a non-empty list of schemas")
    for i, sub in enumerate(value):
        _check(sub, [*path, key, i])


def _rule_items(key: str, value: Any, path: list[Any]) -> None:
    if isinstance(value, list):
        for i, sub in enumerate(value):
            _check(sub, [*path, key, i])
    elif key == "prefixItems":
        raise _Invalid([*path, key], "'prefixItems' must be a list of schemas")
    else:
        _check(value, [*path, key])


def _rule_subschema(key: str, value: Any, path: list[Any]) -> None:
    _check(value, [*path, key])


def _rule_dependencies(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, dict):
        raise _Invalid([*path, key], "'dependencies' must be an object")
    for name, sub in value.items():
        if not _string_list(sub):
            _check(sub, [*path, key, name])


def _rule_dependent_required(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, dict) or not all(_string_list(v) for v in value.values()):
        raise _Invalid([*path, key], "'dependentRequired' must map names to lists of strings")


def _rule_count(key: str, value: Any, path: list[Any]) -> None:
    if not _number(value) or value < 0 or value != int(value):
        raise _Invalid([*path, key], f"{key!r} must be a non-negative integer")


def _rule_number(key: str, value: Any, path: list[Any]) -> None:
    if not _number(value):
        raise _Invalid([*path, key], f"{key!r} must be a number")


def _rule_multiple_of(key: str, value: Any, path: list[Any]) -> None:
    if not _number(value) or value <= 0:
        raise _Invalid([*path, key], "'multipleOf' must be a number above 0")


def _rule_unique_items(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, bool):
        raise _Invalid([*path, key], "'uniqueItems' must be a boolean")


def _rule_ref(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, str):
        raise _Invalid([*path, key], "'$ref' must be a string")
    if not value.startswith("#"):
        raise _Invalid(
            [*path, key],
            f"$ref {_one_line(repr(value), 80)} points outside the document "
            "(only '#...' references are read)",
        )


def _rule_string(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, str):
        raise _Invalid([*path, key], f"{key!r} must be a string")


_RULES: dict[str, Callable[[str, Any, list[Any]], None]] = {
    "type": _rule_type,
    "required": _rule_required,
    "enum": _rule_enum,
    "pattern": _rule_pattern,
    "patternProperties": _rule_pattern_properties,
    "items": _rule_items,
    "prefixItems": _rule_items,
    "dependencies": _rule_dependencies,
    "dependentRequired": _rule_dependent_required,
    "multipleOf": _rule_multiple_of,
    "uniqueItems": _rule_unique_items,
    "$ref": _rule_ref,
    **{key: _rule_schema_object for key in _SCHEMA_OBJECTS},
    **{key: _rule_schema_array for key in _SCHEMA_ARRAYS},
    **{key: _rule_subschema for key in _SUBSCHEMA},
    **{key: _rule_count for key in _COUNTS},
    **{key: _rule_number for key in _NUMBERS},
    **{key: _rule_string for key in _STRINGS},
}


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", type(None): "null"}.get(
        type(value), f"a {type(value).__name__}"
    )


def _compiles(pattern: Any, path: list[Any]) -> None:
    if not isinstance(pattern, str):
        raise _Invalid(path, "a pattern must be a string")
    try:
        linear_pattern(pattern)
    except ContractError as exc:
        raise _Invalid(path, str(exc)) from None

"""Keyword-level helpers of the schema comparison: values, formats, bounds, types,
and the limits of a comparison."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..contract import ref_name
from ..jsonschema_keywords import LOWER_BOUNDS, UPPER_BOUNDS

_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "examples",
        "example",
        "default",
        "deprecated",
        "$comment",
        "readOnly",
        "writeOnly",
        "discriminator",
        "externalDocs",
    }
)


_JSON_TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")


def _ref_name(schema: Any) -> str | None:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return ref_name(ref)
    return None


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _value_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _values(old: Mapping[str, Any], new: Mapping[str, Any], add: Any) -> None:
    before, after = _allowed_values(old), _allowed_values(new)
    if before == after:
        return
    if before is None:
        add("enum-narrowed", "now restricted to fixed values")
    elif after is None:
        add("enum-widened", "no longer restricted to fixed values")
    else:
        if before - after:
            add("enum-narrowed", f"values removed: {', '.join(sorted(before - after))}")
        if after - before:
            add("enum-widened", f"values added: {', '.join(sorted(after - before))}")


def _format(old: Mapping[str, Any], new: Mapping[str, Any], add: Any) -> None:
    before, after = old.get("format"), new.get("format")
    if before == after:
        return
    if before is None:
        add("format-added", f"format {after!r} added")
    elif after is None:
        add("format-removed", f"format {before!r} removed")
    else:
        add("format-changed", f"format changed from {before!r} to {after!r}")


def _bounds(old: Mapping[str, Any], new: Mapping[str, Any], add: Any) -> None:
    for keys, tighter in ((LOWER_BOUNDS, 1), (UPPER_BOUNDS, -1)):
        for key in keys:
            before, after = old.get(key), new.get(key)
            if before == after:
                continue
            if (not _is_number(before) and before is not None) or (
                not _is_number(after) and after is not None
            ):
                add("constraint-changed", f"{key} changed")
            elif before is None:
                add("constraint-tightened", f"{key} {after} added")
            elif after is None:
                add("constraint-loosened", f"{key} {before} removed")
            elif (after - before) * tighter > 0:
                add("constraint-tightened", f"{key} changed from {before} to {after}")
            else:
                add("constraint-loosened", f"{key} changed from {before} to {after}")
    for key in ("pattern", "multipleOf"):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if before is None:
            add("constraint-tightened", f"{key} added")
        elif after is None:
            add("constraint-loosened", f"{key} removed")
        else:
            add("constraint-changed", f"{key} changed")
    if bool(old.get("uniqueItems")) != bool(new.get("uniqueItems")):
        kind = "constraint-tightened" if new.get("uniqueItems") else "constraint-loosened"
        add(kind, "uniqueItems " + ("added" if new.get("uniqueItems") else "removed"))


#: Schemas nested in one another that are compared one by one; deeper, they are
#: compared whole (references expanded) and a difference is unclassified.
MAX_COMPARE_DEPTH = 150

#: Changes listed at most for one pair of components; the rest is one unclassified
#: change (a component reached through many paths would list its changes on each).
MAX_FINDINGS = 200

#: Values of an unmodeled keyword compared at most, references expanded.
MAX_EXPANSION = 10_000

#: The keywords the comparison above models; a change to any other keyword (except
#: annotations and ``x-`` extensions) is reported as ``unclassified``.
_MODELED = frozenset(
    {
        "type",
        "const",
        "enum",
        "format",
        "pattern",
        "multipleOf",
        "uniqueItems",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "prefixItems",
        "allOf",
        "$ref",
        "$schema",
        "$id",
        "$defs",
        "definitions",
        *LOWER_BOUNDS,
        *UPPER_BOUNDS,
    }
    | _ANNOTATIONS
)


class _TooBig(Exception):
    pass


def _short(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:60] + "...")


def _unwrap(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """A schema that is a single ``allOf`` member plus annotations is that member."""
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], Mapping):
        rest = {k: v for k, v in schema.items() if k != "allOf" and k not in _ANNOTATIONS}
        if not rest:
            return all_of[0]
    return schema


def _members(schema: Mapping[str, Any]) -> list[Any]:
    for key in ("anyOf", "oneOf"):
        members = schema.get(key)
        if isinstance(members, list) and members:
            out: list[Any] = []
            for m in members:
                if isinstance(m, Mapping) and not _ref_name(m):
                    out.extend(_members(_unwrap(m)))
                else:
                    out.append(m)
            return out
    return [schema]


def _is_null(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    return schema.get("type") == "null" or ("const" in schema and schema["const"] is None)


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in _ANNOTATIONS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _has_ref(value: Any) -> bool:
    if isinstance(value, dict):
        return "$ref" in value or any(_has_ref(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_ref(v) for v in value)
    return False


def _types(schema: Mapping[str, Any]) -> set[str] | None:
    """The JSON types a schema allows (``None``: any)."""
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {t for t in declared if isinstance(t, str)}
    values = _allowed_values(schema)
    if values is not None:
        return {_value_type(json.loads(v)) for v in values}
    if "properties" in schema or "additionalProperties" in schema:
        return {"object"}
    if "items" in schema or "prefixItems" in schema:
        return {"array"}
    return None


def _uncovered(types: set[str], by: set[str]) -> set[str]:
    """Members of ``types`` that ``by`` does not allow (``number`` covers ``integer``)."""
    return {t for t in types if t not in by and not (t == "integer" and "number" in by)}


def _allowed_values(schema: Mapping[str, Any]) -> set[str] | None:
    if "const" in schema:
        return {_canonical(schema["const"])}
    enum = schema.get("enum")
    if isinstance(enum, list):
        return {_canonical(v) for v in enum}
    return None


def _tuple_items(schema: Mapping[str, Any]) -> list[Any] | None:
    prefix = schema.get("prefixItems")
    if isinstance(prefix, list):
        return prefix
    items = schema.get("items")
    if isinstance(items, list):
        return items
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _join(types: Iterable[str] | None) -> str:
    return ", ".join(sorted(types or ()))

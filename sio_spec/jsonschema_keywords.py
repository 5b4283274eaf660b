"""JSON Schema keywords that hold sub-schemas, where documents keep their schemas,
and copying JSON data.

This module sits below everything else in the package (it imports no other
``sio_spec`` module), so every walker of schemas (the document builder, the
contract reader, the payload validators, the TypeScript generator) reads one table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Where an AsyncAPI document keeps its named schemas: ``$ref`` values of the
#: documents sio-spec writes and reads start with it.
REF_PREFIX = "#/components/schemas/"


def ref_name(ref: str) -> str | None:
    """The component name a ``#/components/schemas/<Name>`` reference points at."""
    if not ref.startswith(REF_PREFIX):
        return None
    rest = ref[len(REF_PREFIX) :]
    if "/" in rest:
        return None
    return unescape_pointer(rest)


def schema_ref(name: str) -> str:
    """The reference to the component ``name``."""
    return REF_PREFIX + escape_pointer(name)


def follow_refs(schema: Any, schemas: Mapping[str, Any]) -> Any:
    """``schema`` with a top-level ``$ref`` chain to components followed through
    ``schemas`` (components by name), up to a missing name, a component that is not
    an object, or a cycle."""
    seen: set[str] = set()
    current = schema
    while isinstance(current, dict):
        ref = current.get("$ref")
        if not isinstance(ref, str) or ref in seen:
            break
        name = ref_name(ref)
        if name is None:
            break
        target = schemas.get(name)
        if not isinstance(target, dict):
            break
        seen.add(ref)
        current = target
    return current


def escape_pointer(key: str) -> str:
    """A key as one JSON Pointer segment (``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return key.replace("~", "~0").replace("/", "~1")


def unescape_pointer(segment: str) -> str:
    """The key one JSON Pointer segment stands for (``~1`` -> ``/``, ``~0`` -> ``~``)."""
    return segment.replace("~1", "/").replace("~0", "~")


def copy_json(value: Any) -> Any:
    """A deep copy of plain JSON data (dicts, lists, scalars)."""
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_json(v) for v in value]
    return value


#: Keywords whose value is one schema (for ``items`` and ``additionalItems`` of
#: older drafts, possibly a list of schemas).
ONE_SCHEMA = frozenset(
    {
        "items",
        "additionalItems",
        "additionalProperties",
        "not",
        "if",
        "then",
        "else",
        "contains",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
    }
)
#: Keywords whose value is a list of schemas.
SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
#: Keywords whose value maps names to schemas.
SCHEMA_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
#: The maps of :data:`SCHEMA_MAPS` that hold definitions (their keys name schemas,
#: not properties).
DEFINITION_MAPS = frozenset({"$defs", "definitions"})

#: Bounds whose larger value accepts less.
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
#: Bounds whose smaller value accepts less.
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
#: The keywords that narrow a value without giving it a shape, in the order a reader
#: meets them (numbers, strings, arrays, objects, content). The docs page keeps its own
#: labelled copy of this list (``CONSTRAINTS`` in ``web/static/app.js``).
CONSTRAINTS = (
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "contentEncoding",
    "contentMediaType",
)


def is_binary(schema: Any) -> bool:
    """The schema is one binary value (``bytes``): ``{"type": "string", "format":
    "binary"}``. Without ``type: string`` a schema accepts other JSON values too, so
    ``format: binary`` alone does not make it binary."""
    return (
        isinstance(schema, dict)
        and schema.get("type") == "string"
        and schema.get("format") == "binary"
    )

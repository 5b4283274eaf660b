"""What the writer reads off the schemas: references, cycles, tags, shapes that
read differently sent and received."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import Any

from ..contract import JsonSchema, ref_name
from ..jsonschema_keywords import (
    DEFINITION_MAPS,
    ONE_SCHEMA,
    SCHEMA_LISTS,
    SCHEMA_MAPS,
    is_binary,
)

_OBJECT_KEYS = ("properties", "additionalProperties", "patternProperties", "required")
_ARRAY_KEYS = ("items", "prefixItems", "additionalItems")
_STRUCTURE = frozenset(("type", "const", "enum", *_OBJECT_KEYS, *_ARRAY_KEYS))


def _discriminator(schema: JsonSchema) -> str | None:
    """The tag property of a discriminated union (``discriminator`` as a property
    name, or OpenAPI's ``{propertyName: ...}``)."""
    value = schema.get("discriminator")
    if isinstance(value, dict):
        value = value.get("propertyName")
    return value if isinstance(value, str) else None


def _tags(schemas: Mapping[str, JsonSchema]) -> dict[str, set[str]]:
    """Per component: the tag properties it must carry as a member of a
    discriminated union (a client may not leave them out, even with a default)."""
    out: dict[str, set[str]] = {}
    stack: list[Any] = list(schemas.values())
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        tag = _discriminator(node)
        if tag is not None:
            for key in ("oneOf", "anyOf"):
                for member in node.get(key) or ():
                    if isinstance(member, dict) and isinstance(member.get("$ref"), str):
                        name = ref_name(member["$ref"])
                        if name is not None:
                            out.setdefault(name, set()).add(tag)
        stack.extend(_children(node))
    return out


# The sub-schemas the types follow (conditionals, property names, definitions and the
# 2019+ keywords give no TypeScript type of their own).
_ONE_OR_LIST = ONE_SCHEMA - {
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
}
_MAPS = SCHEMA_MAPS - DEFINITION_MAPS - {"dependentSchemas"}


def _children(schema: Any) -> Iterator[Any]:
    """The sub-schemas of ``schema`` (not following references)."""
    if not isinstance(schema, dict):
        return
    for key, value in schema.items():
        if key in _ONE_OR_LIST:
            if isinstance(value, list):
                yield from value
            elif isinstance(value, dict):
                yield value
        elif key in SCHEMA_LISTS:
            if isinstance(value, list):
                yield from value
        elif key in _MAPS and isinstance(value, dict):
            yield from value.values()


def _refs(schema: Any) -> Iterator[str]:
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref_name(ref)
            if name is not None:
                yield name
        stack.extend(_children(node))


def _alias_refs(schema: Any, through_maps: bool) -> set[str]:
    """Components a type alias of ``schema`` names where TypeScript resolves them at
    once: the schema's own reference, union and intersection members and, with
    ``through_maps``, the values of a ``Record``. Properties, array items and tuple
    elements are resolved lazily and may recurse freely."""
    out: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref_name(ref)
            if name is not None:
                out.add(name)
            continue
        for key in ("anyOf", "oneOf", "allOf"):
            members = node.get(key)
            if isinstance(members, list):
                stack.extend(members)
        if through_maps and not node.get("properties"):
            extra = node.get("additionalProperties")
            if isinstance(extra, dict):
                stack.append(extra)
            patterns = node.get("patternProperties")
            if isinstance(patterns, dict):
                stack.extend(patterns.values())
    return out


def _cyclic(edges: Mapping[str, set[str]]) -> set[str]:
    """The names that reach themselves in ``edges``."""
    out: set[str] = set()
    for start in edges:
        seen: set[str] = set()
        stack = list(edges[start])
        while stack:
            name = stack.pop()
            if name == start:
                out.add(start)
                break
            if name in seen or name not in edges:
                continue
            seen.add(name)
            stack.extend(edges[name])
    return out


def _differs(schema: Any, tags: Collection[str] = ()) -> bool:
    """The schema itself (not what it references) reads differently sent and received
    (``tags``: properties that are required anyway)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        if is_binary(node):
            return True
        props = node.get("properties")
        if isinstance(props, dict):
            required = node.get("required")
            required = set(required) if isinstance(required, list) else set()
            for name, prop in props.items():
                if (
                    name not in required
                    and not (node is schema and name in tags)
                    and isinstance(prop, dict)
                    and "default" in prop
                ):
                    return True
        stack.extend(_children(node))
    return False


def _has_default(schema: Any) -> bool:
    return isinstance(schema, dict) and "default" in schema

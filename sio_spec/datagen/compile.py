"""Schemas compiled into nodes the generators walk: references followed,
``allOf`` merged, bounds read once."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..guard import ContractError, linear_pattern
from ..jsonschema_keywords import ref_name
from .base import GenerationError

# -- the compiled schema -------------------------------------------------------------------------

_TYPES = ("null", "boolean", "integer", "number", "string", "array", "object")
_OBJECT_KEYS = (
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "patternProperties",
    "propertyNames",
)
_ARRAY_KEYS = (
    "items",
    "prefixItems",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
)
_NUMBER_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_STRING_KEYS = ("minLength", "maxLength", "pattern", "format")
#: Keywords the generator honours exactly; anything else makes it check its values.
_EXACT = frozenset(
    {
        "type", "enum", "const", "properties", "required", "additionalProperties",
        "minProperties", "maxProperties", "propertyNames", "items", "prefixItems",
        "additionalItems",
        "minItems", "maxItems", "minimum", "maximum", "exclusiveMinimum",
        "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern", "format",
        "anyOf", "allOf", "$ref", "discriminator",
        # annotations
        "title", "description", "default", "examples", "example", "deprecated",
        "readOnly", "writeOnly", "$schema", "$id", "$comment", "$defs", "definitions",
        "contentMediaType", "contentEncoding", "externalDocs", "x-component-ref",
    }
)  # fmt: skip

# candidate replacements for a wrong type, and the declared types a lax validator
# could still accept each of
_LETTERS = "xyz"
_WRONG: tuple[tuple[str, Any, frozenset[str]], ...] = (
    ("letters", _LETTERS, frozenset({"string", "any", "enum-string"})),
    ("an object", {"unexpected": "x"}, frozenset({"object", "any"})),
    ("a list", ["x"], frozenset({"array", "any"})),
    ("a fraction", 0.5, frozenset({"number", "string", "boolean", "any"})),
)
_TYPE_WORDS = {
    "null": "null",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "array": "an array",
    "object": "an object",
    "binary": "bytes",
}


class _Node:
    """One compiled schema."""

    __slots__ = (
        "additional",
        "any",
        "binary",
        "branch_tags",
        "const",
        "discriminator",
        "enum",
        "exact",
        "excl_max",
        "excl_min",
        "fmt",
        "has_const",
        "items",
        "matches",
        "max_items",
        "max_len",
        "max_props",
        "maximum",
        "min_items",
        "min_len",
        "min_props",
        "minimum",
        "multiple",
        "names",
        "never",
        "one_of",
        "pattern",
        "properties",
        "ref",
        "regex",
        "required",
        "tail",
        "tuple",
        "types",
        "union",
    )  # fmt: skip

    def __init__(self) -> None:
        self.ref: str | None = None
        self.never = False
        self.any = False
        self.has_const = False
        self.const: Any = None
        self.enum: list[Any] | None = None
        self.union: list[_Node] | None = None
        self.one_of = False
        self.discriminator: str | None = None
        self.branch_tags: list[Any] = []
        self.types: list[str] = []
        self.binary = False
        self.properties: dict[str, _Node] = {}
        self.required: list[str] = []
        self.additional: _Node | bool | None = True
        self.min_props = 0
        self.max_props: int | None = None
        self.names: _Node | None = None
        self.items: _Node | None = None
        self.tuple: list[_Node] | None = None
        self.tail: _Node | bool | None = True
        self.min_items = 0
        self.max_items: int | None = None
        self.minimum: float | None = None
        self.maximum: float | None = None
        self.excl_min = False
        self.excl_max = False
        self.multiple: float | None = None
        self.min_len = 0
        self.max_len: int | None = None
        self.pattern: str | None = None
        self.regex: re.Pattern[str] | None = None
        self.matches: Callable[[Any], bool] | None = None
        self.fmt: str | None = None
        self.exact = True


def _merge(schemas: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``allOf`` members merged into one schema (properties and required joined,
    the tightest bounds kept)."""
    out: dict[str, Any] = {}
    for schema in schemas:
        for key, value in schema.items():
            if key not in out:
                out[key] = value
            elif key == "properties" and isinstance(value, dict):
                props = dict(out[key])
                for name, sub in value.items():
                    props[name] = {"allOf": [props[name], sub]} if name in props else sub
                out[key] = props
            elif key == "required" and isinstance(value, list):
                out[key] = list(dict.fromkeys([*out[key], *value]))
            elif key in ("minimum", "minLength", "minItems", "minProperties", "exclusiveMinimum"):
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    out[key] = max(out[key], value)
            elif key in ("maximum", "maxLength", "maxItems", "maxProperties", "exclusiveMaximum"):
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    out[key] = min(out[key], value)
            elif key == "type":
                mine = {out[key]} if isinstance(out[key], str) else set(out[key])
                theirs = {value} if isinstance(value, str) else set(value)
                if "number" in mine and "integer" in theirs:
                    mine.add("integer")
                if "number" in theirs and "integer" in mine:
                    theirs.add("integer")
                both = [t for t in _TYPES if t in mine and t in theirs]
                out[key] = both
            elif key in ("anyOf", "oneOf", "allOf") and isinstance(value, list):
                out.setdefault("allOf", [])
                out["allOf"] = [*out.get("allOf", []), {key: value}]
            elif out[key] != value and key not in _ANNOTATIONS:
                out["x-unmodelled"] = True
    return out


_ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "example", "deprecated", "$comment"}
)


class _Compiler:
    """Compiles schemas of one contract, sharing the named ones."""

    def __init__(self, schemas: Mapping[str, Any], root: Mapping[str, Any] | None) -> None:
        self.schemas = schemas
        self.root = root
        self.named: dict[str, _Node] = {}

    def target(self, ref: str) -> Any:
        name = ref_name(ref)
        if name is not None and name in self.schemas:
            return self.schemas[name]
        for prefix in ("#/$defs/", "#/definitions/"):
            if ref.startswith(prefix) and self.root is not None:
                defs = self.root.get(prefix[2:-1])
                key = ref[len(prefix) :].replace("~1", "/").replace("~0", "~")
                if isinstance(defs, Mapping) and key in defs:
                    return defs[key]
        if ref == "#" and self.root is not None:
            return self.root
        raise GenerationError(f"cannot resolve $ref {ref!r}")

    def ref(self, ref: str) -> _Node:
        node = self.named.get(ref)
        if node is None:
            node = _Node()
            self.named[ref] = node  # placeholder first: recursive schemas end here
            self.fill(node, self.target(ref))
        return node

    def compile(self, schema: Any) -> _Node:
        node = _Node()
        self.fill(node, schema)
        return node

    def fill(self, node: _Node, schema: Any) -> None:
        if schema is True or schema == {}:
            node.any = True
            return
        if schema is False or not isinstance(schema, Mapping):
            node.never = True
            return
        if isinstance(schema.get("$ref"), str):
            node.ref = schema["$ref"]
            return
        if "allOf" in schema and isinstance(schema["allOf"], list):
            members = [self.resolved(m) for m in schema["allOf"]]
            rest = {k: v for k, v in schema.items() if k != "allOf"}
            merged = _merge([rest, *members])
            # unions inside the members are not combined: the values are checked
            merged.pop("allOf", None)
            self.fill(node, merged)
            node.exact = False
            return
        node.exact = all(k in _EXACT or k == "oneOf" for k in schema)
        union = schema.get("anyOf", schema.get("oneOf"))
        if isinstance(union, list):
            rest = {
                k: v
                for k, v in schema.items()
                if k not in ("anyOf", "oneOf", "discriminator") and k not in _ANNOTATIONS
            }
            node.one_of = "oneOf" in schema
            node.union = [
                self.compile({"allOf": [rest, b]} if rest else b) for b in union if b is not False
            ]
            if not node.union:
                node.never = True
            disc = schema.get("discriminator")
            if isinstance(disc, Mapping):
                disc = disc.get("propertyName")
            if isinstance(disc, str):
                node.discriminator = disc
                mapping = schema.get("discriminator")
                tags: dict[str, Any] = {}
                if isinstance(mapping, Mapping) and isinstance(mapping.get("mapping"), Mapping):
                    tags = {v: k for k, v in mapping["mapping"].items() if isinstance(v, str)}
                node.branch_tags = [
                    tags.get(str(b.get("$ref"))) if isinstance(b, Mapping) else None for b in union
                ]
            return
        if "const" in schema:
            node.has_const = True
            node.const = schema["const"]
            return
        if "enum" in schema:
            enum = schema["enum"]
            node.enum = list(enum) if isinstance(enum, list) else []
            if not node.enum:
                node.never = True
            return
        declared = schema.get("type")
        if isinstance(declared, str):
            types = [declared]
        elif isinstance(declared, list):
            types = [t for t in declared if isinstance(t, str)]
        else:
            types = []
            if any(k in schema for k in _OBJECT_KEYS):
                types.append("object")
            if any(k in schema for k in _ARRAY_KEYS):
                types.append("array")
            if any(k in schema for k in _STRING_KEYS):
                types.append("string")
            if any(k in schema for k in _NUMBER_KEYS):
                types.append("number")
            if not types:
                node.any = True
                node.exact = node.exact and "not" not in schema
                return
        if "integer" in types and "number" in types:
            types.remove("integer")
        node.types = [t for t in _TYPES if t in types]
        if not node.types:
            node.never = True
            return
        if "object" in node.types:
            self.fill_object(node, schema)
        if "array" in node.types:
            self.fill_array(node, schema)
        if "integer" in node.types or "number" in node.types:
            self.fill_number(node, schema)
        if "string" in node.types:
            self.fill_string(node, schema)

    def resolved(self, schema: Any) -> Any:
        seen: set[str] = set()
        while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            if ref in seen:
                raise GenerationError(f"$ref {ref!r} refers to itself")
            seen.add(ref)
            schema = self.target(ref)
        return schema

    def fill_object(self, node: _Node, schema: Mapping[str, Any]) -> None:
        props = schema.get("properties")
        if isinstance(props, Mapping):
            node.properties = {str(k): self.compile(v) for k, v in props.items()}
        required = schema.get("required")
        if isinstance(required, list):
            node.required = [r for r in required if isinstance(r, str)]
        additional = schema.get("additionalProperties", True)
        if additional is False:
            node.additional = False
        elif isinstance(additional, Mapping) and additional:
            node.additional = self.compile(additional)
        node.min_props = _int(schema.get("minProperties"), 0)
        node.max_props = _int(schema.get("maxProperties"), None)
        names = schema.get("propertyNames")
        if isinstance(names, Mapping) and names:
            node.names = self.compile({"type": "string", **names})

    def fill_array(self, node: _Node, schema: Mapping[str, Any]) -> None:
        prefix = schema.get("prefixItems")
        items = schema.get("items")
        tail: Any = True
        if isinstance(prefix, list) and items is None:
            # validators read documents as draft 7, where "items" would apply to
            # every item: prefixItems shapes values only when "items" is absent
            node.tuple = [self.compile(s) for s in prefix]
        elif isinstance(items, list):
            node.tuple = [self.compile(s) for s in items]
            tail = schema.get("additionalItems", True)
        else:
            tail = None
            node.items = self.compile(items) if items is not None else None
        if node.tuple is not None:
            if tail is False:
                node.tail = False
            elif isinstance(tail, Mapping) and tail:
                node.tail = self.compile(tail)
        node.min_items = _int(schema.get("minItems"), 0)
        node.max_items = _int(schema.get("maxItems"), None)

    def fill_number(self, node: _Node, schema: Mapping[str, Any]) -> None:
        low, high = schema.get("minimum"), schema.get("maximum")
        xlow, xhigh = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        node.minimum = _num(low)
        node.maximum = _num(high)
        if xlow is True:  # draft 4
            node.excl_min = True
        elif _num(xlow) is not None and (node.minimum is None or _num(xlow) >= node.minimum):  # type: ignore[operator]
            node.minimum, node.excl_min = _num(xlow), True
        if xhigh is True:
            node.excl_max = True
        elif _num(xhigh) is not None and (node.maximum is None or _num(xhigh) <= node.maximum):  # type: ignore[operator]
            node.maximum, node.excl_max = _num(xhigh), True
        multiple = _num(schema.get("multipleOf"))
        node.multiple = multiple if multiple is not None and multiple > 0 else None

    def fill_string(self, node: _Node, schema: Mapping[str, Any]) -> None:
        node.min_len = _int(schema.get("minLength"), 0)
        node.max_len = _int(schema.get("maxLength"), None)
        fmt = schema.get("format")
        node.fmt = fmt if isinstance(fmt, str) else None
        node.binary = node.fmt == "binary"
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            node.pattern = pattern
            try:
                node.matches = linear_pattern(pattern)
            except ContractError as exc:
                raise GenerationError(str(exc)) from None
            try:  # Python's parser shapes the strings drawn for it
                node.regex = re.compile(pattern)
            except re.error:
                node.regex = None


def _int(value: Any, default: Any) -> Any:
    return (
        value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else default
    )


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value

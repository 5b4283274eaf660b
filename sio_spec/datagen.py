"""Values for the schemas of a contract: valid ones, and ones broken in one place.

One generator serves two callers: ``sio-spec fuzz`` (values drawn through
hypothesis, so a finding shrinks to a minimal payload) and ``sio-spec mock``
(acks answered with values from a seeded :class:`random.Random`, no hypothesis
needed). The generator is written against :class:`Source`, a small draw
interface with two implementations: :class:`RandomSource` and
:class:`HypothesisSource`. Every choice is a draw whose smallest answer is the
simplest value (no optional property, the shortest array, the first branch),
which is what hypothesis shrinks towards.

Each schema is compiled once (:func:`generator`, :func:`arguments`): references
resolved, ``allOf`` merged, bounds computed. Then:

- :meth:`Generator.valid` draws a value the schema accepts: objects with their
  required and some optional properties, arrays and tuples, unions (a
  discriminator's property set to match its branch), ``enum`` / ``const``,
  numbers within bounds and ``multipleOf``, strings within lengths, ``pattern``
  (generated from the regular expression) and common ``format`` values, bytes
  for ``format: binary``, ``null`` where allowed; recursion is bounded (past
  :data:`SOFT_DEPTH` levels optional parts are left out).
- :meth:`Generator.broken` draws a valid value and breaks it in exactly one
  place, in a way no lax validator accepts either: letters for a number, an
  object for a string, a missing required property, a number out of range, a
  string too long or too short, an array with too many or too few items, an
  unknown property where none is allowed. Coercions a lax validator performs
  (``"5"`` or ``true`` for an integer, ``1.0`` for an integer, a number for a
  string, a string for bytes, duplicates where a set is declared) are never used
  as breakage; ``format`` is never broken (JSON Schema validators do not check it
  by default).

Every value returned is checked against the schema's own JSON Schema
validator (``jsonschema``, draft 7, bytes counted as strings) whenever the
schema uses a keyword the generator does not model exactly.
"""

from __future__ import annotations

import base64
import json
import math
import random
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .errors import SioSpecError
from .guard import ContractError, json_schema_validator, linear_pattern
from .jsonschema_keywords import ref_name

__all__ = [
    "ArgumentsGenerator",
    "Broken",
    "BrokenArguments",
    "GenerationError",
    "Generator",
    "HypothesisSource",
    "RandomSource",
    "Source",
    "arguments",
    "generator",
]

#: Containers nested deeper than this get no optional content (recursion ends).
SOFT_DEPTH = 4
#: A schema that needs more levels than this has no finite value.
HARD_DEPTH = 40
#: Longest string, array and object drawn when the schema sets no maximum.
STRING_CAP = 40
ARRAY_CAP = 5
OBJECT_CAP = 4
#: Integers stay within what every JSON parser reads exactly (JavaScript's safe range).
SAFE_INT = 2**53 - 1
#: Floats drawn without bounds stay within +-this.
FLOAT_CAP = 1e9
_ATTEMPTS = 20


class GenerationError(SioSpecError):
    """A schema has no value the generator can produce (``false``, an empty
    ``enum``, contradictory bounds, unbounded recursion); the message says where."""


# -- sources of choices ----------------------------------------------------------------------


class Source(Protocol):
    """Where a generator's choices come from. Smaller answers mean simpler values."""

    def integer(self, lo: int, hi: int) -> int:
        """An integer in ``[lo, hi]``."""
        ...

    def boolean(self) -> bool:
        """``False`` is the simpler answer."""
        ...

    def floating(self, lo: float, hi: float, exclude_lo: bool, exclude_hi: bool) -> float:
        """A finite float within the bounds."""
        ...

    def text(self, min_size: int, max_size: int) -> str:
        """A string of ``min_size`` to ``max_size`` code points (no surrogates)."""
        ...

    def binary(self, min_size: int, max_size: int) -> bytes:
        """Bytes of ``min_size`` to ``max_size`` length."""
        ...


_ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_EXTRA = " -_.!é€中😀"


class RandomSource:
    """Choices from ``random.Random(seed)``: the same seed gives the same values."""

    def __init__(self, seed: int | str | None = None) -> None:
        self.random = random.Random(seed)

    def integer(self, lo: int, hi: int) -> int:
        if hi - lo > 200 and self.random.random() < 0.7:
            centre = min(max(0, lo), hi)
            return self.random.randint(max(lo, centre - 100), min(hi, centre + 100))
        return self.random.randint(lo, hi)

    def boolean(self) -> bool:
        return self.random.random() < 0.5

    def floating(self, lo: float, hi: float, exclude_lo: bool, exclude_hi: bool) -> float:
        for _ in range(_ATTEMPTS):
            value = round(self.random.uniform(lo, hi), 6)
            if (
                lo < value < hi
                or (value == lo and not exclude_lo)
                or (value == hi and not exclude_hi)
            ):
                return value
        middle = lo / 2 + hi / 2
        if lo < middle < hi or (middle == lo and not exclude_lo):
            return middle
        raise GenerationError(f"no float within ({lo}, {hi})")

    def text(self, min_size: int, max_size: int) -> str:
        size = self.random.randint(min_size, min(max_size, min_size + 12))
        chars = []
        for _ in range(size):
            pool = _ASCII if self.random.random() < 0.9 else _EXTRA
            chars.append(pool[self.random.randrange(len(pool))])
        return "".join(chars)

    def binary(self, min_size: int, max_size: int) -> bytes:
        return self.random.randbytes(self.random.randint(min_size, max_size))


class HypothesisSource:
    """Choices drawn by hypothesis: ``draw`` is ``data.draw`` of ``st.data()`` or the
    ``draw`` of a ``@st.composite`` function. Values shrink as hypothesis shrinks
    its choices."""

    #: strategies by their arguments, shared by every source (building one costs
    #: more than drawing from it)
    _cache: dict[tuple[Any, ...], Any] = {}

    def __init__(self, draw: Callable[[Any], Any]) -> None:
        from hypothesis import strategies

        self.draw = draw
        self.st = strategies

    def _strategy(self, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) > 4096:
                self._cache.clear()
            found = self._cache[key] = build()
        return found

    def integer(self, lo: int, hi: int) -> int:
        value: int = self.draw(self._strategy(("i", lo, hi), lambda: self.st.integers(lo, hi)))
        return value

    def boolean(self) -> bool:
        value: bool = self.draw(self._strategy(("b",), self.st.booleans))
        return value

    def floating(self, lo: float, hi: float, exclude_lo: bool, exclude_hi: bool) -> float:
        value: float = self.draw(
            self._strategy(
                ("f", lo, hi, exclude_lo, exclude_hi),
                lambda: self.st.floats(
                    lo,
                    hi,
                    allow_nan=False,
                    allow_infinity=False,
                    exclude_min=exclude_lo,
                    exclude_max=exclude_hi,
                ),
            )
        )
        return value

    def text(self, min_size: int, max_size: int) -> str:
        value: str = self.draw(
            self._strategy(
                ("t", min_size, max_size),
                # hypothesis' default alphabet: every code point UTF-8 can encode
                lambda: self.st.text(min_size=min_size, max_size=max_size),
            )
        )
        return value

    def binary(self, min_size: int, max_size: int) -> bytes:
        value: bytes = self.draw(
            self._strategy(
                ("y", min_size, max_size),
                lambda: self.st.binary(min_size=min_size, max_size=max_size),
            )
        )
        return value

    def reject(self) -> None:
        """Discard the example being drawn (a value failed its schema's check)."""
        from hypothesis import reject

        reject()


# -- results of breaking -----------------------------------------------------------------------


@dataclass(frozen=True)
class Broken:
    """A value broken in one place."""

    value: Any
    path: tuple[str | int, ...]
    """Where it is broken (property names and array positions from the top)."""
    reason: str
    """What was done, e.g. ``"letters for an integer"``; never quotes the value."""


@dataclass(frozen=True)
class BrokenArguments:
    """Event arguments with one of them broken in one place."""

    values: tuple[Any, ...]
    path: tuple[str | int, ...]
    """Starts with the argument's position."""
    reason: str


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


# -- drawing valid values ----------------------------------------------------------------------


class _Draw:
    """Draws values of compiled nodes from one source."""

    def __init__(self, compiler: _Compiler, source: Source) -> None:
        self.compiler = compiler
        self.src = source

    def node(self, node: _Node) -> _Node:
        seen = 0
        while node.ref is not None:
            node = self.compiler.ref(node.ref)
            seen += 1
            if seen > 100:
                raise GenerationError("a $ref chain does not end")
        return node

    def value(self, node: _Node, depth: int = 0) -> Any:
        if depth > HARD_DEPTH:
            raise GenerationError("the schema has no finite value (recursion never ends)")
        node = self.node(node)
        if node.never:
            raise GenerationError("a schema accepts no value")
        if node.any:
            return self.anything(depth)
        if node.has_const:
            return _copy(node.const)
        if node.enum is not None:
            return _copy(node.enum[self.src.integer(0, len(node.enum) - 1)])
        if node.union is not None:
            return self.union(node, depth)
        kind = node.types[0] if len(node.types) == 1 else None
        if kind is None:
            options = node.types
            if depth >= SOFT_DEPTH:
                options = sorted(options, key=lambda t: t in ("object", "array"))
                options = options[:1]
            kind = options[self.src.integer(0, len(options) - 1)]
        return self.typed(node, kind, depth)

    def union(self, node: _Node, depth: int) -> Any:
        assert node.union is not None
        branches = list(range(len(node.union)))
        if depth >= SOFT_DEPTH:
            branches.sort(key=lambda i: _weight(self.node(node.union[i])))  # type: ignore[index]
            branches = branches[:1]
        index = branches[self.src.integer(0, len(branches) - 1)]
        value = self.value(node.union[index], depth)
        if node.discriminator and isinstance(value, dict):
            tag = node.branch_tags[index] if index < len(node.branch_tags) else None
            if tag is not None:
                value[node.discriminator] = tag
        return value

    def anything(self, depth: int) -> Any:
        top = 3 if depth >= SOFT_DEPTH else 5
        kind = self.src.integer(0, top)
        if kind == 0:
            return None
        if kind == 1:
            return self.src.boolean()
        if kind == 2:
            return self.src.integer(-1000, 1000)
        if kind == 3:
            return self.src.text(0, 10)
        if kind == 4:
            return [self.anything(depth + 1) for _ in range(self.src.integer(0, 3))]
        return {
            self.src.text(1, 8): self.anything(depth + 1) for _ in range(self.src.integer(0, 3))
        }

    def typed(self, node: _Node, kind: str, depth: int) -> Any:
        if kind == "null":
            return None
        if kind == "boolean":
            return self.src.boolean()
        if kind == "integer":
            return self.integer(node)
        if kind == "number":
            return self.number(node)
        if kind == "string":
            return self.string(node)
        if kind == "array":
            return self.array(node, depth)
        return self.object(node, depth)

    def integer(self, node: _Node) -> int:
        lo, hi = _int_bounds(node)
        multiple = node.multiple
        if multiple is not None and float(multiple).is_integer() and multiple > 1:
            step = int(multiple)
            k_lo, k_hi = -(-lo // step), hi // step
            if k_lo > k_hi:
                raise GenerationError("no integer within the bounds is a multiple of multipleOf")
            return self.src.integer(k_lo, k_hi) * step
        if lo > hi:
            raise GenerationError("an integer's bounds leave no value")
        return self.src.integer(lo, hi)

    def number(self, node: _Node) -> float | int:
        lo = node.minimum if node.minimum is not None else -FLOAT_CAP
        hi = node.maximum if node.maximum is not None else FLOAT_CAP
        if node.minimum is None and node.maximum is not None:
            lo = min(lo, node.maximum - FLOAT_CAP)
        if node.maximum is None and node.minimum is not None:
            hi = max(hi, node.minimum + FLOAT_CAP)
        if node.multiple is not None:
            m = node.multiple
            k_lo = math.ceil(lo / m) + (1 if node.excl_min and math.ceil(lo / m) * m == lo else 0)
            k_hi = math.floor(hi / m) - (1 if node.excl_max and math.floor(hi / m) * m == hi else 0)
            k_lo, k_hi = max(k_lo, -SAFE_INT), min(k_hi, SAFE_INT)
            if k_lo > k_hi:
                raise GenerationError("no number within the bounds is a multiple of multipleOf")
            k = self.src.integer(k_lo, k_hi)
            value = k * m
            return int(value) if float(m).is_integer() else value
        if lo > hi or (lo == hi and (node.excl_min or node.excl_max)):
            raise GenerationError("a number's bounds leave no value")
        return self.src.floating(float(lo), float(hi), node.excl_min, node.excl_max)

    def string(self, node: _Node) -> str | bytes:
        lo = node.min_len
        hi = node.max_len if node.max_len is not None else lo + STRING_CAP
        if lo > hi:
            raise GenerationError("a string's length bounds leave no value")
        if node.binary:
            return self.src.binary(lo, min(hi, lo + STRING_CAP))
        if node.matches is not None:
            if node.regex is None:
                raise GenerationError("cannot draw strings for a pattern Python cannot parse")
            for _ in range(_ATTEMPTS):
                text = _Regex(self.src).generate(node.regex)
                if lo <= len(text) <= hi and node.matches(text):
                    return text
            raise GenerationError("no string of the allowed length matches a pattern")
        if node.fmt is not None and node.fmt in _FORMATS:
            text = _FORMATS[node.fmt](self.src)
            if lo <= len(text) <= hi:
                return text
        return self.src.text(lo, min(hi, lo + STRING_CAP))

    def array(self, node: _Node, depth: int) -> list[Any]:
        lo = node.min_items
        cap = lo if depth >= SOFT_DEPTH else lo + ARRAY_CAP
        hi = min(node.max_items, cap) if node.max_items is not None else cap
        if node.max_items is not None and node.max_items < lo:
            raise GenerationError("an array's length bounds leave no value")
        if node.tuple is not None:
            out: list[Any] = []
            for i, item in enumerate(node.tuple):
                if i >= lo and (i >= hi or depth >= SOFT_DEPTH or not self.src.boolean()):
                    return out
                out.append(self.value(item, depth + 1))
            if node.tail is False:
                if len(out) < lo:
                    raise GenerationError("a tuple needs more items than it allows")
                return out
            tail = node.tail if isinstance(node.tail, _Node) else None
            extra = self.src.integer(max(0, lo - len(out)), max(0, lo - len(out), hi - len(out)))
            out.extend(
                self.value(tail, depth + 1) if tail else self.anything(depth + 1)
                for _ in range(extra)
            )
            return out
        size = self.src.integer(lo, max(lo, hi))
        if node.items is None:
            return [self.anything(depth + 1) for _ in range(size)]
        return [self.value(node.items, depth + 1) for _ in range(size)]

    def object(self, node: _Node, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in node.required:
            sub = node.properties.get(name)
            if sub is None and isinstance(node.additional, _Node):
                sub = node.additional
            out[name] = self.value(sub, depth + 1) if sub is not None else self.anything(depth + 1)
        for name, sub in node.properties.items():
            if name in out or depth >= SOFT_DEPTH:
                continue
            if node.max_props is not None and len(out) >= node.max_props:
                break
            if self.src.boolean():
                out[name] = self.value(sub, depth + 1)
        wants_extra = isinstance(node.additional, _Node) and not node.properties
        if node.additional is not False and (wants_extra or len(out) < node.min_props):
            lo = max(0, node.min_props - len(out))
            hi = lo if depth >= SOFT_DEPTH else lo + OBJECT_CAP
            if node.max_props is not None:
                hi = min(hi, node.max_props - len(out))
            count = self.src.integer(lo, max(lo, hi))
            extra = node.additional if isinstance(node.additional, _Node) else None
            for _ in range(count):
                base = key = self.key(node, depth)
                suffix = 0
                while key in out or key in node.properties:  # taken: a fresh name
                    suffix += 1
                    key = f"{base}{suffix}"
                out[key] = self.value(extra, depth + 1) if extra else self.anything(depth + 1)
        return out

    def key(self, node: _Node, depth: int) -> str:
        """The name of an extra property (``propertyNames`` when the schema has it)."""
        if node.names is not None:
            name = self.value(node.names, depth + 1)
            if isinstance(name, str):
                return name
        return self.src.text(1, 8)


def _weight(node: _Node) -> int:
    """How much a branch tends to nest (recursion ends on the lightest)."""
    if node.any or node.has_const or node.enum is not None or node.ref is not None:
        return 1 if node.ref is not None else 0
    if node.union is not None:
        return 2
    if "null" in node.types or not any(t in ("array", "object") for t in node.types):
        return 0
    if "array" in node.types and node.min_items == 0:
        return 1
    if "object" in node.types and not node.required:
        return 1
    return 3


def _int_bounds(node: _Node) -> tuple[int, int]:
    lo, hi = -SAFE_INT, SAFE_INT
    if node.minimum is not None:
        lo = math.ceil(node.minimum)
        if node.excl_min and lo == node.minimum:
            lo += 1
    if node.maximum is not None:
        hi = math.floor(node.maximum)
        if node.excl_max and hi == node.maximum:
            hi -= 1
    if node.minimum is not None and node.maximum is None:
        hi = max(lo, SAFE_INT) if lo <= SAFE_INT else lo + SAFE_INT
    if node.maximum is not None and node.minimum is None:
        lo = min(hi, -SAFE_INT) if hi >= -SAFE_INT else hi - SAFE_INT
    return int(lo), int(hi)


def _copy(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.loads(json.dumps(value))
    return value


# -- formats -------------------------------------------------------------------------------------


def _pick(src: Source, chars: str, lo: int, hi: int) -> str:
    return "".join(chars[src.integer(0, len(chars) - 1)] for _ in range(src.integer(lo, hi)))


_LOWER = "abcdefghijklmnopqrstuvwxyz"
_HEX = "0123456789abcdef"


def _date(src: Source) -> str:
    return f"{src.integer(1970, 2100):04d}-{src.integer(1, 12):02d}-{src.integer(1, 28):02d}"


def _time(src: Source) -> str:
    return f"{src.integer(0, 23):02d}:{src.integer(0, 59):02d}:{src.integer(0, 59):02d}Z"


def _uuid(src: Source) -> str:
    digits = _pick(src, _HEX, 32, 32)
    digits = digits[:12] + "4" + digits[13:16] + "89ab"[src.integer(0, 3)] + digits[17:]
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


_FORMATS: dict[str, Callable[[Source], str]] = {
    "date-time": lambda s: f"{_date(s)}T{_time(s)}",
    "date": _date,
    "time": _time,
    "duration": lambda s: f"P{s.integer(0, 400)}D",
    "email": lambda s: f"{_pick(s, _LOWER, 1, 8)}@example.com",
    "idn-email": lambda s: f"{_pick(s, _LOWER, 1, 8)}@example.com",
    "hostname": lambda s: f"{_pick(s, _LOWER, 1, 8)}.example.com",
    "idn-hostname": lambda s: f"{_pick(s, _LOWER, 1, 8)}.example.com",
    "uri": lambda s: f"https://example.com/{_pick(s, _LOWER, 0, 8)}",
    "url": lambda s: f"https://example.com/{_pick(s, _LOWER, 0, 8)}",
    "iri": lambda s: f"https://example.com/{_pick(s, _LOWER, 0, 8)}",
    "uri-reference": lambda s: f"/{_pick(s, _LOWER, 0, 8)}",
    "iri-reference": lambda s: f"/{_pick(s, _LOWER, 0, 8)}",
    "ipv4": lambda s: ".".join(str(s.integer(0, 255)) for _ in range(4)),
    "ipv6": lambda s: ":".join(_pick(s, _HEX, 1, 4) for _ in range(8)),
    "uuid": _uuid,
    "byte": lambda s: base64.b64encode(s.binary(0, 12)).decode("ascii"),
    "json-pointer": lambda s: "/" + _pick(s, _LOWER, 0, 6),
    "regex": lambda s: _pick(s, _LOWER, 1, 6),
}


# -- strings from a regular expression ----------------------------------------------------------

if sys.version_info >= (3, 11):
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
else:  # pragma: no cover - Python 3.10
    import sre_constants as _sre
    import sre_parse as _sre_parse

_CATEGORIES: dict[Any, str] = {
    _sre.CATEGORY_DIGIT: "0123456789",
    _sre.CATEGORY_NOT_DIGIT: _LOWER + "-_ ",
    _sre.CATEGORY_SPACE: " \t",
    _sre.CATEGORY_NOT_SPACE: _ASCII + "-_",
    _sre.CATEGORY_WORD: _ASCII + "_",
    _sre.CATEGORY_NOT_WORD: " -.!",
}
_PARSED: dict[re.Pattern[str], Any] = {}
_PRINTABLE = _ASCII + " -_.,:;!?/@#"
_REPEAT_CAP = 6


class _Regex:
    """Draws a string matching a parsed regular expression (lookarounds and
    anchors are left to the final check)."""

    def __init__(self, src: Source) -> None:
        self.src = src
        self.groups: dict[int, str] = {}

    def generate(self, regex: re.Pattern[str]) -> str:
        parsed = _PARSED.get(regex)
        if parsed is None:
            if len(_PARSED) > 1024:
                _PARSED.clear()
            parsed = _PARSED[regex] = _sre_parse.parse(regex.pattern, regex.flags)
        return self.seq(parsed)

    def seq(self, items: Any) -> str:
        return "".join(self.item(op, av) for op, av in items)

    def item(self, op: Any, av: Any) -> str:
        src = self.src
        if op == _sre.LITERAL:
            return chr(av)
        if op == _sre.NOT_LITERAL:
            pool = [c for c in _PRINTABLE if ord(c) != av]
            return pool[src.integer(0, len(pool) - 1)]
        if op == _sre.ANY:
            return _PRINTABLE[src.integer(0, len(_PRINTABLE) - 1)]
        if op == _sre.IN:
            return self.charset(av)
        if op == _sre.BRANCH:
            options = av[1]
            return self.seq(options[src.integer(0, len(options) - 1)])
        if op == _sre.SUBPATTERN:
            text = self.seq(av[-1])
            if av[0] is not None:
                self.groups[av[0]] = text
            return text
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) or op == getattr(
            _sre, "POSSESSIVE_REPEAT", None
        ):
            lo, hi, sub = av
            hi = min(hi, lo + _REPEAT_CAP)
            return "".join(self.seq(sub) for _ in range(src.integer(lo, hi)))
        if op == getattr(_sre, "ATOMIC_GROUP", None):
            return self.seq(av)
        if op == _sre.GROUPREF:
            return self.groups.get(av, "")
        if op == _sre.GROUPREF_EXISTS:
            group, yes, no = av
            return self.seq(yes if group in self.groups else (no or []))
        return ""  # anchors, lookarounds: checked on the result

    def charset(self, items: Any) -> str:
        src = self.src
        negate = bool(items) and items[0][0] == _sre.NEGATE
        if negate:
            pool = [c for c in _PRINTABLE if not _in_set(c, items[1:])]
            if not pool:
                return ""
            return pool[src.integer(0, len(pool) - 1)]
        choice = items[src.integer(0, len(items) - 1)]
        op, av = choice
        if op == _sre.LITERAL:
            return chr(av)
        if op == _sre.RANGE:
            return chr(src.integer(av[0], av[1]))
        if op == _sre.CATEGORY:
            chars = _CATEGORIES.get(av, _LOWER)
            return chars[src.integer(0, len(chars) - 1)]
        return _LOWER[src.integer(0, len(_LOWER) - 1)]


def _in_set(char: str, items: Any) -> bool:
    code = ord(char)
    for op, av in items:
        if op == _sre.LITERAL and av == code:
            return True
        if op == _sre.RANGE and av[0] <= code <= av[1]:
            return True
        if op == _sre.CATEGORY and char in _CATEGORIES.get(av, ""):
            return True
    return False


# -- breaking a valid value ------------------------------------------------------------------


@dataclass
class _Site:
    path: tuple[str | int, ...]
    node: _Node
    value: Any


class _Breaker:
    """Finds the places of a value where a schema can be broken, and the ways."""

    def __init__(self, draw: _Draw) -> None:
        self.draw = draw

    def sites(self, node: _Node, value: Any, path: tuple[str | int, ...] = ()) -> list[_Site]:
        node = self.draw.node(node)
        out = [_Site(path, node, value)]
        if node.union is not None:
            branch = self.branch(node, value)
            if branch is not None:
                out.extend(self.sites(branch, value, path))
            return out
        if isinstance(value, dict) and "object" in node.types:
            for key, sub in value.items():
                child = node.properties.get(key)
                if child is None and isinstance(node.additional, _Node):
                    child = node.additional
                if child is not None:
                    out.extend(self.sites(child, sub, (*path, key)))
        elif isinstance(value, list) and "array" in node.types:
            for i, sub in enumerate(value):
                if node.tuple is not None:
                    child = node.tuple[i] if i < len(node.tuple) else None
                    if child is None and isinstance(node.tail, _Node):
                        child = node.tail
                else:
                    child = node.items
                if child is not None:
                    out.extend(self.sites(child, sub, (*path, i)))
        return out

    def branch(self, node: _Node, value: Any) -> _Node | None:
        """The one branch of a union that ``value`` can belong to, when breaking it
        cannot make another branch accept it: a discriminated union, or a
        nullable ``X | None`` holding an ``X``."""
        assert node.union is not None
        branches = [self.draw.node(b) for b in node.union]
        if node.discriminator and isinstance(value, dict):
            tag = value.get(node.discriminator)
            matches = [
                b
                for i, b in enumerate(branches)
                if _tag_of(b, node.discriminator) == tag
                or (i < len(node.branch_tags) and node.branch_tags[i] == tag)
            ]
            return matches[0] if len(matches) == 1 else None
        others = [b for b in branches if b.types != ["null"]]
        if value is not None and len(others) == 1 and len(branches) == 2:
            return others[0]
        return None

    def ways(self, site: _Site) -> list[tuple[Callable[[Any], Any], str]]:
        """Replacements for the value at ``site``: (function of the old value, reason)."""
        node, value = site.node, site.value
        out: list[tuple[Callable[[Any], Any], str]] = []
        accepted = _lax_kinds(self.draw, node)
        words = _describe(node)
        for label, candidate, kinds in _WRONG:
            if not (kinds & accepted) and candidate != value:
                out.append((_const(candidate), f"{label} for {words}"))
        values = [node.const] if node.has_const else node.enum
        if values is not None and all(isinstance(v, str) for v in values):
            outside = next(t for t in (_LETTERS, _LETTERS * 2, _LETTERS * 3) if t not in values)
            out.append((_const(outside), "a string outside the allowed values"))
        if values is not None or node.union is not None or node.any:
            return out
        if isinstance(value, dict) and "object" in node.types:
            for name in node.required:
                if name in value:
                    out.append((_without(name), f"missing required property {name!r}"))
            if node.additional is False:
                key = next(
                    k for k in ("unexpected", "unexpected_", "unexpected__") if k not in value
                )
                out.append((_with(key), "a property the schema does not allow"))
        elif isinstance(value, list) and "array" in node.types:
            if node.min_items > 0 and len(value) >= node.min_items:
                size = node.min_items - 1
                out.append((_shrink(size), f"fewer than {node.min_items} items"))
            limit = node.max_items
            if node.tuple is not None and node.tail is False:
                limit = len(node.tuple) if limit is None else min(limit, len(node.tuple))
            if limit is not None and limit < 1000 and value:
                out.append((_grow(limit + 1), f"more than {limit} items"))
        elif isinstance(value, bool):
            pass
        elif isinstance(value, (int, float)):
            out.extend(_out_of_range(node, value))
        elif isinstance(value, str):
            if node.min_len > 0:
                n = node.min_len - 1
                out.append((_const("x" * n), f"shorter than {node.min_len} characters"))
            if node.max_len is not None and node.max_len < 10_000:
                n = node.max_len + 1
                out.append((_const("x" * n), f"longer than {node.max_len} characters"))
            if node.matches is not None:
                for text in ("", "!", " ", "x" * max(1, node.min_len), "~" * max(1, node.min_len)):
                    if not node.matches(text) and node.min_len <= len(text) <= (
                        node.max_len if node.max_len is not None else len(text)
                    ):
                        out.append((_const(text), "a string the pattern does not match"))
                        break
        return out


def _const(value: Any) -> Callable[[Any], Any]:
    return lambda _old: _copy(value)


def _without(name: str) -> Callable[[Any], Any]:
    return lambda old: {k: v for k, v in old.items() if k != name}


def _with(name: str) -> Callable[[Any], Any]:
    return lambda old: {**old, name: "x"}


def _shrink(size: int) -> Callable[[Any], Any]:
    return lambda old: old[:size]


def _grow(size: int) -> Callable[[Any], Any]:
    return lambda old: [*old, *([old[-1]] * (size - len(old)))]


def _out_of_range(node: _Node, value: float) -> list[tuple[Callable[[Any], Any], str]]:
    out: list[tuple[Callable[[Any], Any], str]] = []
    integer = node.types == ["integer"] or (
        "integer" in node.types and "number" not in node.types and isinstance(value, int)
    )
    if node.minimum is not None:
        low = node.minimum if node.excl_min else node.minimum - 1
        out.append((_const(_int_if(low, integer)), f"below the minimum {node.minimum:g}"))
    if node.maximum is not None:
        high = node.maximum if node.excl_max else node.maximum + 1
        out.append((_const(_int_if(high, integer)), f"above the maximum {node.maximum:g}"))
    if integer and node.multiple is not None and float(node.multiple).is_integer():
        step = int(node.multiple)
        if step > 1:
            out.append((lambda v: int(v) + 1, f"not a multiple of {step}"))
    if integer:
        out.append((lambda v: v + 0.5, "a fraction for an integer"))
    return out


def _int_if(value: float, integer: bool) -> float | int:
    return math.floor(value) if integer and float(value).is_integer() else value


def _tag_of(node: _Node, prop: str) -> Any:
    sub = node.properties.get(prop)
    if sub is None:
        return None
    if sub.has_const:
        return sub.const
    if sub.enum is not None and len(sub.enum) == 1:
        return sub.enum[0]
    return None


def _kinds(draw: _Draw, node: _Node, seen: int = 0) -> frozenset[str]:
    """What kinds of candidate a lax validator of ``node`` might accept."""
    node = draw.node(node)
    if node.any or seen > 20:
        return frozenset({"any"})
    if node.union is not None:
        kinds: set[str] = set()
        for branch in node.union:
            kinds |= _kinds(draw, branch, seen + 1)
        return frozenset(kinds)
    values = [node.const] if node.has_const else node.enum
    if values is not None:
        kinds = set()
        for v in values:
            kinds.add(_json_kind(v))
            if isinstance(v, str):
                kinds.add("enum-string")
        return frozenset(kinds)
    kinds = set(node.types)
    if "integer" in kinds:
        kinds.add("number")
    if "string" in kinds and node.binary:
        kinds.add("binary")
    return frozenset(kinds)


_lax_kinds = _kinds


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _describe(node: _Node) -> str:
    if node.has_const or node.enum is not None:
        return "a fixed set of values"
    if node.union is not None:
        return "a union"
    kinds = ["binary" if t == "string" and node.binary else t for t in node.types]
    return " or ".join(_TYPE_WORDS.get(k, k) for k in kinds) or "a value"


def _set_at(value: Any, path: Sequence[str | int], new: Callable[[Any], Any]) -> Any:
    if not path:
        return new(value)
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _set_at(value[head], rest, new)}
    copied = list(value)
    copied[head] = _set_at(copied[head], rest, new)  # type: ignore[index]
    return copied


# -- checking ------------------------------------------------------------------------------------


def _validator(schema: Any, schemas: Mapping[str, Any]) -> Any:
    """The ``jsonschema`` validator of ``schema`` (named schemas embedded), built by
    :func:`sio_spec.guard.json_schema_validator`: draft 7, nothing retrieved,
    patterns matched in linear time."""
    from .plans import standalone

    whole = standalone(schema if isinstance(schema, dict) else {}, schemas)
    if not isinstance(schema, dict):
        whole = {"$schema": whole["$schema"], **({} if schema else {"not": {}})}
    try:
        return json_schema_validator(whole)
    except ContractError as exc:
        raise GenerationError(str(exc)) from None


def _as_json(value: Any) -> Any:
    """``value`` with bytes as strings of the same length: JSON Schema has no bytes,
    and a ``format: binary`` string stands for them."""
    if isinstance(value, (bytes, bytearray)):
        return "\x00" * len(value)
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_json(v) for v in value]
    return value


# -- the public generators -----------------------------------------------------------------------


class Generator:
    """Valid and broken values of one schema, compiled once.

    ``schema`` is a JSON Schema whose ``$ref`` point at
    ``#/components/schemas/<Name>`` of ``schemas`` (as in a
    :class:`~sio_spec.contract.Contract`), or at its own ``$defs`` /
    ``definitions``. Raises :class:`GenerationError` when the schema cannot be
    compiled (an unresolvable reference, a pattern that is not a regular
    expression).
    """

    def __init__(self, schema: Any, schemas: Mapping[str, Any] | None = None) -> None:
        self.schema = schema
        self.schemas: Mapping[str, Any] = schemas or {}
        root = schema if isinstance(schema, Mapping) else None
        self._compiler = _Compiler(self.schemas, root)
        self._root = self._compiler.compile(schema)
        self._exact = _all_exact(self._compiler, self._root)
        self._check: Any = None

    def is_valid(self, value: Any) -> bool:
        """Whether ``value`` passes the schema (``jsonschema``, draft 7; bytes are
        strings)."""
        try:
            return bool(self._jsonschema().is_valid(_as_json(value)))
        except (TypeError, ValueError, RecursionError):
            return False

    def explain(self, value: Any) -> str:
        """One line saying where ``value`` breaks the schema (``""`` when it does not)."""
        import jsonschema

        try:
            errors = self._jsonschema().iter_errors(_as_json(value))
            error = jsonschema.exceptions.best_match(errors)
        except (TypeError, ValueError, RecursionError) as exc:
            return f"cannot be checked ({type(exc).__name__})"
        if error is None:
            return ""
        where = "/".join(str(p) for p in error.absolute_path)
        text = " ".join(error.message.split())
        if len(text) > 160:
            text = text[:160] + "..."
        return f"at /{where}: {text}" if where else text

    def _jsonschema(self) -> Any:
        if self._check is None:
            self._check = _validator(self.schema, self.schemas)
        return self._check

    def valid(self, source: Source) -> Any:
        """A value the schema accepts. Raises :class:`GenerationError` when none
        can be drawn."""
        draw = _Draw(self._compiler, source)
        for _ in range(_ATTEMPTS if not self._exact else 1):
            value = draw.value(self._root)
            if self._exact or self.is_valid(value):
                return value
            reject = getattr(source, "reject", None)
            if reject is not None:
                reject()  # hypothesis: discard this example and learn from it
        raise GenerationError("no value drawn for the schema passes it")

    def strategy(self) -> Any:
        """A hypothesis strategy of valid values (needs hypothesis)."""
        return _strategy(self.valid)

    def broken(self, source: Source) -> Broken | None:
        """A valid value broken in exactly one place, as no lax validator accepts
        either; ``None`` when the schema accepts anything."""
        draw = _Draw(self._compiler, source)
        value = self.valid(source)
        return _break(self, draw, self._root, value, source)


def _break(gen: Generator, draw: _Draw, root: _Node, value: Any, source: Source) -> Broken | None:
    breaker = _Breaker(draw)
    sites = breaker.sites(root, value)
    options: list[tuple[_Site, Callable[[Any], Any], str]] = [
        (site, fn, reason) for site in sites for fn, reason in breaker.ways(site)
    ]
    if not options:
        return None
    first = source.integer(0, len(options) - 1)
    for k in range(len(options)):
        site, fn, reason = options[(first + k) % len(options)]
        broken = _set_at(value, site.path, fn)
        if not gen.is_valid(broken):
            return Broken(broken, site.path, reason)
    return None


def _all_exact(compiler: _Compiler, root: _Node) -> bool:
    """Whether every node reachable from ``root`` is modelled exactly."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.ref is not None:
            stack.append(compiler.ref(node.ref))
            continue
        if not node.exact or (node.one_of and not node.discriminator):
            return False
        if node.union is not None:
            stack.extend(node.union)
        stack.extend(node.properties.values())
        for child in (node.additional, node.items, node.tail):
            if isinstance(child, _Node):
                stack.append(child)
        stack.extend(node.tuple or ())
    return True


class ArgumentsGenerator:
    """Valid and broken argument lists of an event or an ack (a
    :class:`~sio_spec.contract.Argument` tuple)."""

    def __init__(self, args: Sequence[Any], schemas: Mapping[str, Any] | None = None) -> None:
        self.args = tuple(args)
        self.schemas: Mapping[str, Any] = schemas or {}
        self.generators: tuple[Generator | None, ...] = tuple(
            None if a.schema is None else Generator(_arg_schema(a), self.schemas) for a in self.args
        )

    @property
    def required(self) -> int:
        """How many leading arguments are required."""
        count = 0
        for arg in self.args:
            if not arg.required:
                break
            count += 1
        return count

    def valid(self, source: Source) -> tuple[Any, ...]:
        """One value per argument (optional trailing arguments some of the time)."""
        out: list[Any] = []
        for i, gen in enumerate(self.generators):
            if i >= self.required and not source.boolean():
                break
            if gen is None:
                out.append(_Draw(_Compiler({}, None), source).anything(0))
            else:
                out.append(gen.valid(source))
        return tuple(out)

    def strategy(self) -> Any:
        """A hypothesis strategy of valid argument tuples (needs hypothesis)."""
        return _strategy(self.valid)

    def is_valid(self, values: Sequence[Any]) -> bool:
        """Whether ``values`` fit the arguments (count and each schema)."""
        if len(values) < self.required or len(values) > len(self.args):
            return False
        return all(
            gen is None or gen.is_valid(v) for gen, v in zip(self.generators, values, strict=False)
        )

    def broken(self, source: Source) -> BrokenArguments | None:
        """Valid arguments with one broken in one place, or (for several arguments)
        the last required one missing; ``None`` when nothing can be broken."""
        values = self.valid(source)
        options: list[tuple[int, Generator]] = [
            (i, gen) for i, gen in enumerate(self.generators) if gen is not None and i < len(values)
        ]
        # a lone argument's contract cannot say whether it may be left out (a
        # parameter with a default): only leave out one of several
        ways = len(options) + (1 if self.required and len(self.args) > 1 else 0)
        if ways == 0:
            return None
        first = source.integer(0, ways - 1)
        for k in range(ways):
            pick = (first + k) % ways
            if pick == len(options):
                name = self.args[self.required - 1].name
                return BrokenArguments(
                    values[: self.required - 1], (self.required - 1,), f"missing argument {name!r}"
                )
            i, gen = options[pick]
            draw = _Draw(gen._compiler, source)
            broken = _break(gen, draw, gen._root, values[i], source)
            if broken is not None:
                out = (*values[:i], broken.value, *values[i + 1 :])
                return BrokenArguments(out, (i, *broken.path), broken.reason)
        return None


def _strategy(draw_value: Callable[[Source], Any]) -> Any:
    from hypothesis import strategies

    @strategies.composite
    def values(draw: Callable[[Any], Any]) -> Any:
        return draw_value(HypothesisSource(draw))

    return values()


def _arg_schema(arg: Any) -> Any:
    schema = arg.schema
    if arg.binary and isinstance(schema, dict) and "$ref" not in schema:
        return {**schema, "type": "string", "format": "binary"}
    return schema


_CACHE: dict[tuple[str, int], Generator] = {}
_ARGS_CACHE: dict[tuple[str, int], ArgumentsGenerator] = {}
_CACHE_SIZE = 512


def generator(schema: Any, schemas: Mapping[str, Any] | None = None) -> Generator:
    """The compiled :class:`Generator` of ``schema`` (cached per schema and
    named-schema table)."""
    key = (json.dumps(schema, sort_keys=True, default=str), id(schemas))
    hit = _CACHE.get(key)  # the entry holds ``schemas``: its id cannot be reused meanwhile
    if hit is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        hit = _CACHE[key] = Generator(schema, schemas)
    return hit


def arguments(args: Sequence[Any], schemas: Mapping[str, Any] | None = None) -> ArgumentsGenerator:
    """The compiled :class:`ArgumentsGenerator` of an argument tuple (an event's
    or an ack's ``args`` from a :class:`~sio_spec.contract.Contract`)."""
    key = (
        json.dumps([(a.name, a.schema, a.required, a.binary) for a in args], default=str),
        id(schemas),
    )
    hit = _ARGS_CACHE.get(key)
    if hit is None:
        if len(_ARGS_CACHE) >= _CACHE_SIZE:
            _ARGS_CACHE.clear()
        hit = _ARGS_CACHE[key] = ArgumentsGenerator(args, schemas)
    return hit

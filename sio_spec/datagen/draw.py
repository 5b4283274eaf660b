"""Valid values drawn from a compiled schema."""

from __future__ import annotations

import json
import math
from typing import Any

from .base import (
    _ATTEMPTS,
    ARRAY_CAP,
    FLOAT_CAP,
    HARD_DEPTH,
    OBJECT_CAP,
    SAFE_INT,
    SOFT_DEPTH,
    STRING_CAP,
    GenerationError,
)
from .compile import _Compiler, _Node
from .formats import _FORMATS, _Regex
from .sources import Source

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

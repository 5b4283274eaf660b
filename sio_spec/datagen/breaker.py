"""A valid value broken in one place, so that the schema refuses it."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .compile import _LETTERS, _TYPE_WORDS, _WRONG, _Node
from .draw import _copy, _Draw

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

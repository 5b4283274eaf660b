"""Schemas compared by meaning, through references, for one sender."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..contract import Contract
from .keywords import (
    _ANNOTATIONS,
    _JSON_TYPES,
    _MODELED,
    MAX_COMPARE_DEPTH,
    MAX_EXPANSION,
    MAX_FINDINGS,
    _bounds,
    _canonical,
    _format,
    _has_ref,
    _is_null,
    _join,
    _members,
    _ref_name,
    _short,
    _strip,
    _TooBig,
    _tuple_items,
    _types,
    _uncovered,
    _unwrap,
    _values,
)
from .rules import Sender, _Found


class _SchemaDiff:
    """Compares schemas of two contracts; results of component pairs are cached."""

    def __init__(self, old: Contract, new: Contract) -> None:
        self.old = old
        self.new = new
        self._cache: dict[tuple[str, str, Sender], list[_Found]] = {}
        self._active: set[tuple[str, str, Sender]] = set()
        self._depth = 0

    # -- entry ---------------------------------------------------------------------------
    def compare(self, old: Any, new: Any, path: str, sender: Sender) -> list[_Found]:
        """Changes from ``old`` to ``new`` at ``path`` (``sender`` sends the value).
        Below :data:`MAX_COMPARE_DEPTH` nested schemas, a difference is unclassified."""
        if self._depth >= MAX_COMPARE_DEPTH:
            if self._closure(old, self.old) == self._closure(new, self.new):
                return []
            return [_Found("unclassified", path, "nested too deeply to compare", sender)]
        self._depth += 1
        try:
            return self._compare_refs(old, new, path, sender)
        finally:
            self._depth -= 1

    def _compare_refs(self, old: Any, new: Any, path: str, sender: Sender) -> list[_Found]:
        old_ref, new_ref = _ref_name(old), _ref_name(new)
        if old_ref is not None and new_ref is not None:
            key = (old_ref, new_ref, sender)
            if key in self._active:  # recursion: this pair is being compared above us
                return []
            cached = self._cache.get(key)
            if cached is None:
                self._active.add(key)
                try:
                    cached = self._compare(
                        self._deref(old, self.old), self._deref(new, self.new), "", sender
                    )
                finally:
                    self._active.discard(key)
                if len(cached) > MAX_FINDINGS:
                    more = len(cached) - MAX_FINDINGS
                    cached = [
                        *cached[:MAX_FINDINGS],
                        _Found("unclassified", "", f"and {more} more changes (not listed)", sender),
                    ]
                self._cache[key] = cached
            return [_Found(f.kind, path + f.path, f.message, f.sender) for f in cached]
        return self._compare(self._deref(old, self.old), self._deref(new, self.new), path, sender)

    @staticmethod
    def _deref(schema: Any, contract: Contract) -> Any:
        # Unlike Contract.resolve, a missing component reads as the empty schema and a
        # component that is not an object (a boolean schema) is followed too.
        seen: set[str] = set()
        while True:
            name = _ref_name(schema)
            if name is None or name in seen:
                return schema
            seen.add(name)
            schema = contract.schemas.get(name, {})

    # -- one level -----------------------------------------------------------------------
    def _compare(self, old: Any, new: Any, path: str, sender: Sender) -> list[_Found]:
        if not isinstance(old, Mapping) or not isinstance(new, Mapping):
            if old == new:
                return []
            return [_Found("schema-changed", path, "the schema changed", sender)]
        if old == new and not _has_ref(old):
            return []
        old, new = _unwrap(old), _unwrap(new)
        old_members, new_members = _members(old), _members(new)
        if len(old_members) > 1 or len(new_members) > 1:
            return self._union(old_members, new_members, path, sender)
        return self._single(old, new, path, sender)

    def _union(self, old: list[Any], new: list[Any], path: str, sender: Sender) -> list[_Found]:
        found: list[_Found] = []
        old_null = any(_is_null(m) for m in old)
        new_null = any(_is_null(m) for m in new)
        if old_null and not new_null:
            found.append(_Found("nullable-removed", path, "null is no longer allowed", sender))
        elif new_null and not old_null:
            found.append(_Found("nullable-added", path, "null is now allowed", sender))
        old_rest = [m for m in old if not _is_null(m)]
        new_rest = [m for m in new if not _is_null(m)]
        pairs, removed, added = self._match(old_rest, new_rest)
        if len(old_rest) == 1 and len(new_rest) == 1 and not pairs:
            pairs, removed, added = [(old_rest[0], new_rest[0])], [], []
        for a, b in pairs:
            found.extend(self.compare(a, b, path, sender))
        for m in removed:
            found.append(self._member_change(m, self.old, "removed", path, sender))
        for m in added:
            found.append(self._member_change(m, self.new, "added", path, sender))
        return found

    def _member_change(
        self, member: Any, contract: Contract, what: str, path: str, sender: Sender
    ) -> _Found:
        """A union member without a partner; a bare JSON type reads as a type change."""
        plain = _strip(self._deref(member, contract))
        if isinstance(plain, Mapping) and set(plain) == {"type"} and isinstance(plain["type"], str):
            kind = "type-narrowed" if what == "removed" else "type-widened"
            verb = "no longer" if what == "removed" else "now"
            return _Found(kind, path, f"{plain['type']} {verb} allowed", sender)
        label = self._label(member, contract)
        return _Found(f"union-member-{what}", path, f"union member {label} was {what}", sender)

    def _match(
        self, old: list[Any], new: list[Any]
    ) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
        """Pair union members: same component name, same discriminator tag, same shape,
        then the same single JSON type."""
        pairs: list[tuple[Any, Any]] = []
        old_left, new_left = list(old), list(new)
        keys: tuple[Callable[[Any, Contract], str | None], ...] = (
            lambda m, c: _ref_name(m),
            lambda m, c: self._tag(m, c),
            lambda m, c: _canonical(_strip(self._deref(m, c))),
            lambda m, c: self._single_type(m, c),
        )
        for key in keys:
            new_index: dict[Any, list[Any]] = {}
            for m in new_left:
                k = key(m, self.new)
                if k is not None:
                    new_index.setdefault(k, []).append(m)
            still: list[Any] = []
            for m in old_left:
                k = key(m, self.old)
                candidates = new_index.get(k) if k is not None else None
                if candidates and len(candidates) == 1:
                    partner = candidates.pop()
                    pairs.append((m, partner))
                    new_left.remove(partner)
                else:
                    still.append(m)
            old_left = still
        return pairs, old_left, new_left

    def _tag(self, member: Any, contract: Contract) -> str | None:
        """``prop=value`` for an object member with a single ``const`` property (a
        discriminated union's tag)."""
        schema = _unwrap(self._deref(member, contract))
        props = schema.get("properties") if isinstance(schema, dict) else None
        if not isinstance(props, Mapping):
            return None
        tags = []
        for name, prop in props.items():
            prop = self._deref(prop, contract)
            if isinstance(prop, Mapping):
                if "const" in prop:
                    tags.append(f"{name}={_canonical(prop['const'])}")
                elif isinstance(prop.get("enum"), list) and len(prop["enum"]) == 1:
                    tags.append(f"{name}={_canonical(prop['enum'][0])}")
        return "|".join(sorted(tags)) or None

    def _single_type(self, member: Any, contract: Contract) -> str | None:
        types = _types(_unwrap(self._deref(member, contract)))
        if types is not None and len(types) == 1:
            return next(iter(types))
        return None

    def _label(self, member: Any, contract: Contract) -> str:
        name = _ref_name(member)
        if name is not None:
            return name
        tag = self._tag(member, contract)
        if tag is not None:
            return tag
        return self._single_type(member, contract) or "schema"

    def _single(
        self, old: Mapping[str, Any], new: Mapping[str, Any], path: str, sender: Sender
    ) -> list[_Found]:
        found: list[_Found] = []

        def add(kind: str, message: str, where: str = path) -> None:
            found.append(_Found(kind, where, message, sender))

        old_types, new_types = _types(old), _types(new)
        if old_types != new_types:
            if old_types is None:
                add("type-narrowed", f"now restricted to {_join(new_types)}")
            elif new_types is None:
                add("type-widened", f"no longer restricted to {_join(old_types)}")
            else:
                lost = _uncovered(old_types, new_types)
                gained = _uncovered(new_types, old_types)
                if "null" in lost:
                    add("nullable-removed", "null is no longer allowed")
                if "null" in gained:
                    add("nullable-added", "null is now allowed")
                lost.discard("null")
                gained.discard("null")
                if lost:
                    add("type-narrowed", f"{_join(lost)} no longer allowed")
                if gained:
                    add("type-widened", f"{_join(gained)} now allowed")
        _values(old, new, add)
        _format(old, new, add)
        _bounds(old, new, add)
        both = (old_types or set(_JSON_TYPES)) & (new_types or set(_JSON_TYPES))
        if "object" in both:
            found.extend(self._object(old, new, path, sender))
        if "array" in both:
            found.extend(self._array(old, new, path, sender))
        if "allOf" in old or "allOf" in new:
            if _canonical(_strip(old.get("allOf"))) != _canonical(_strip(new.get("allOf"))):
                add("schema-changed", "the combined (allOf) schema changed")
        for key in sorted((old.keys() | new.keys()) - _MODELED):
            if key.startswith("x-"):
                continue
            if self._expanded(old.get(key), self.old) != self._expanded(new.get(key), self.new):
                add("unclassified", f"keyword {_short(key)} changed (not compared)")
        return found

    @staticmethod
    def _closure(value: Any, contract: Contract) -> str:
        """``value`` and every component it reaches, by name, as canonical text."""
        names: list[str] = []
        seen: set[str] = set()
        stack = [value]
        while stack:
            node = stack.pop()
            name = _ref_name(node)
            if name is not None and name not in seen:
                seen.add(name)
                names.append(name)
                stack.append(contract.schemas.get(name, {}))
            if isinstance(node, dict):
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
        return _canonical([_strip(value), {n: _strip(contract.schemas.get(n)) for n in names}])

    def _expanded(self, value: Any, contract: Contract) -> str:
        """``value`` as canonical text with its references replaced by what they name
        (a reference met again inside itself stays a name), up to
        :data:`MAX_EXPANSION` values; past that, a text that equals nothing else."""
        budget = [MAX_EXPANSION]

        def expand(node: Any, active: frozenset[str]) -> Any:
            budget[0] -= 1
            if budget[0] < 0:
                raise _TooBig
            name = _ref_name(node)
            if name is not None and name not in active:
                return expand(contract.schemas.get(name, {}), active | {name})
            if isinstance(node, dict):
                return {k: expand(v, active) for k, v in node.items() if k not in _ANNOTATIONS}
            if isinstance(node, list):
                return [expand(v, active) for v in node]
            return node

        try:
            return _canonical(expand(value, frozenset()))
        except (_TooBig, RecursionError):
            return f"<too large to compare: {id(value)}>"

    def _object(
        self, old: Mapping[str, Any], new: Mapping[str, Any], path: str, sender: Sender
    ) -> list[_Found]:
        found: list[_Found] = []
        old_props = old.get("properties") or {}
        new_props = new.get("properties") or {}
        old_req = set(old.get("required") or ())
        new_req = set(new.get("required") or ())
        closed = new.get("additionalProperties") is False
        for name in sorted(old_props.keys() | new_props.keys()):
            where = f"{path}.{name}"
            if name not in new_props:
                kind = (
                    "property-removed-closed"
                    if closed and sender == "client"
                    else "property-removed"
                )
                found.append(_Found(kind, where, f"field {name!r} was removed", sender))
            elif name not in old_props:
                kind = "property-added-required" if name in new_req else "property-added-optional"
                found.append(_Found(kind, where, f"field {name!r} was added", sender))
            else:
                if name in old_req and name not in new_req:
                    found.append(
                        _Found(
                            "property-optional", where, f"field {name!r} became optional", sender
                        )
                    )
                elif name in new_req and name not in old_req:
                    found.append(
                        _Found(
                            "property-required", where, f"field {name!r} became required", sender
                        )
                    )
                found.extend(self.compare(old_props[name], new_props[name], where, sender))
        before, after = old.get("additionalProperties"), new.get("additionalProperties")
        where = f"{path}.*"
        if before is False and after is not False:
            found.append(
                _Found(
                    "additional-properties-allowed", where, "extra fields are now allowed", sender
                )
            )
        elif after is False and before is not False:
            found.append(
                _Found(
                    "additional-properties-forbidden", where, "extra fields are now refused", sender
                )
            )
        elif isinstance(before, Mapping) and isinstance(after, Mapping):
            found.extend(self.compare(before, after, where, sender))
        elif isinstance(after, Mapping) and before in (None, True):
            found.append(_Found("type-narrowed", where, "extra fields are now constrained", sender))
        elif isinstance(before, Mapping) and after in (None, True):
            found.append(
                _Found("type-widened", where, "extra fields are no longer constrained", sender)
            )
        return found

    def _array(
        self, old: Mapping[str, Any], new: Mapping[str, Any], path: str, sender: Sender
    ) -> list[_Found]:
        before, after = _tuple_items(old), _tuple_items(new)
        if before is None and after is None:
            a, b = old.get("items"), new.get("items")
            if a is None and b is None:
                return []
            if a is None:
                return [_Found("type-narrowed", f"{path}[]", "items are now constrained", sender)]
            if b is None:
                return [
                    _Found("type-widened", f"{path}[]", "items are no longer constrained", sender)
                ]
            return self.compare(a, b, f"{path}[]", sender)
        if before is None or after is None:
            return [_Found("schema-changed", path, "changed between a list and a tuple", sender)]
        found: list[_Found] = []
        for i in range(min(len(before), len(after))):
            found.extend(self.compare(before[i], after[i], f"{path}[{i}]", sender))
        if len(before) != len(after):
            found.append(
                _Found(
                    "schema-changed",
                    path,
                    f"tuple length changed from {len(before)} to {len(after)}",
                    sender,
                )
            )
        return found

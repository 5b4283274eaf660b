"""Changes between two contracts, classified by what a client experiences.

A Socket.IO contract has two directions, and what breaks a client is opposite in
each. What clients *send* (client events, connect ``auth``, replies to server
calls) breaks when the server accepts less than before; what clients *receive*
(server events, acks) breaks when the server may send more, or drops what it sent.
Every rule below names its severity for both senders; schemas are compared by
meaning, through ``$ref``s (a component renamed with the same shape is no change),
and annotations (titles, descriptions, examples) are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .contract import Ack, Argument, Contract, Direction, Event, Namespace, ref_name

Severity = Literal["breaking", "warning", "non-breaking"]
Sender = Literal["client", "server"]
Effect = Literal["narrows", "widens", "changes"]

#: Severities from the least to the most serious (``--fail-on`` compares with these).
SEVERITIES: tuple[Severity, ...] = ("non-breaking", "warning", "breaking")


@dataclass(frozen=True)
class Rule:
    """One kind of change and its severity when the client or the server sends the value."""

    kind: str
    when_client_sends: Severity
    when_server_sends: Severity
    summary: str


def _rules(*rows: tuple[str, Severity, Severity, str]) -> dict[str, Rule]:
    return {kind: Rule(kind, c, s, text) for kind, c, s, text in rows}


#: The rule table (also printed in the README). "client sends" covers client events,
#: connect ``auth`` and replies to server calls; "server sends" covers server events
#: and acks. Namespace- and event-level rules use the event's own direction.
RULES: dict[str, Rule] = _rules(
    ("namespace-removed", "breaking", "breaking", "a namespace was removed"),
    ("namespace-added", "non-breaking", "non-breaking", "a namespace was added"),
    ("event-removed", "breaking", "warning", "an event was removed"),
    ("event-added", "non-breaking", "non-breaking", "an event was added"),
    ("event-deprecated", "warning", "warning", "an event was deprecated"),
    ("event-undeprecated", "non-breaking", "non-breaking", "an event is no longer deprecated"),
    ("auth-added", "breaking", "breaking", "connect auth is now required"),
    ("auth-removed", "non-breaking", "non-breaking", "connect auth is no longer declared"),
    ("arguments-declared", "warning", "non-breaking", "arguments are now declared (validated)"),
    ("arguments-undeclared", "non-breaking", "warning", "arguments are no longer declared"),
    ("argument-added-required", "breaking", "non-breaking", "a required argument was added"),
    ("argument-added-optional", "non-breaking", "non-breaking", "an optional argument was added"),
    ("argument-removed", "breaking", "breaking", "an argument was removed"),
    ("argument-required", "breaking", "non-breaking", "an argument became required"),
    ("argument-optional", "non-breaking", "breaking", "an argument became optional"),
    ("binary-changed", "breaking", "breaking", "an argument changed between binary and JSON"),
    ("ack-added", "breaking", "non-breaking", "an acknowledgement was added"),
    ("ack-removed", "non-breaking", "breaking", "an acknowledgement was removed"),
    ("error-ack-added", "warning", "warning", "an error acknowledgement may now come back"),
    ("error-ack-removed", "non-breaking", "non-breaking", "an error acknowledgement was removed"),
    ("property-added-required", "breaking", "non-breaking", "a required field was added"),
    ("property-added-optional", "non-breaking", "non-breaking", "an optional field was added"),
    ("property-removed", "warning", "breaking", "a field was removed"),
    (
        "property-removed-closed",
        "breaking",
        "breaking",
        "a field was removed (extra fields refused)",
    ),
    ("property-required", "breaking", "non-breaking", "a field became required"),
    ("property-optional", "non-breaking", "breaking", "a field became optional"),
    ("type-narrowed", "breaking", "non-breaking", "fewer types are allowed"),
    ("type-widened", "non-breaking", "breaking", "more types are allowed"),
    ("nullable-removed", "breaking", "non-breaking", "null is no longer allowed"),
    ("nullable-added", "non-breaking", "breaking", "null is now allowed"),
    ("enum-narrowed", "breaking", "non-breaking", "fewer values are allowed"),
    ("enum-widened", "non-breaking", "breaking", "more values are allowed"),
    ("union-member-removed", "breaking", "non-breaking", "a union lost a member"),
    ("union-member-added", "non-breaking", "breaking", "a union gained a member"),
    ("format-added", "breaking", "non-breaking", "a format was added"),
    ("format-removed", "non-breaking", "breaking", "a format was removed"),
    ("format-changed", "breaking", "breaking", "the format changed"),
    ("constraint-tightened", "breaking", "non-breaking", "a constraint was tightened"),
    ("constraint-loosened", "non-breaking", "breaking", "a constraint was loosened"),
    ("constraint-changed", "breaking", "breaking", "a constraint changed"),
    ("additional-properties-forbidden", "breaking", "non-breaking", "extra fields are refused"),
    ("additional-properties-allowed", "non-breaking", "breaking", "extra fields are allowed"),
    ("schema-changed", "breaking", "breaking", "the schema changed shape"),
    (
        "unclassified",
        "breaking",
        "breaking",
        "a change the diff cannot classify (a keyword it does not model, or a payload "
        "that is not JSON Schema): assumed breaking",
    ),
)


@dataclass(frozen=True)
class Change:
    """One difference between two contracts."""

    severity: Severity
    kind: str
    namespace: str | None
    event: str | None
    direction: Direction | None
    path: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``sio-spec diff --format json``."""
        return {
            "severity": self.severity,
            "kind": self.kind,
            "namespace": self.namespace,
            "event": self.event,
            "direction": self.direction,
            "path": self.path,
            "message": self.message,
        }


@dataclass(frozen=True)
class _Found:
    """A change found inside an event, before its severity is known."""

    kind: str
    path: str
    message: str
    sender: Sender


def reaches(change: Change, fail_on: str) -> bool:
    """Whether ``change`` is at least as serious as ``fail_on`` (``none`` never)."""
    if fail_on == "none":
        return False
    return SEVERITIES.index(change.severity) >= SEVERITIES.index(fail_on)


def diff_contracts(old: Contract, new: Contract) -> list[Change]:
    """Every change from ``old`` to ``new``, sorted by namespace, event and path."""
    changes: list[Change] = []
    old_ns = {ns.path: ns for ns in old.namespaces}
    new_ns = {ns.path: ns for ns in new.namespaces}
    schemas = _SchemaDiff(old, new)
    for path in sorted(old_ns.keys() | new_ns.keys()):
        before, after = old_ns.get(path), new_ns.get(path)
        if after is None:
            changes.append(_top("namespace-removed", path, f"namespace {path!r} was removed"))
        elif before is None:
            changes.append(_top("namespace-added", path, f"namespace {path!r} was added"))
        else:
            changes.extend(_namespace(before, after, schemas))
    return changes


#: Kinds that are not breaking for clients but still mean that code and contract
#: disagree (``sio-spec check --against``): code that handles or emits what the
#: contract lacks, validates what the contract leaves open, sends unvalidated what it
#: declares, or answers with error acks it does not document.
DISAGREEING_KINDS = frozenset(
    {
        "event-added",
        "namespace-added",
        "arguments-declared",
        "arguments-undeclared",
        "error-ack-added",
    }
)


def disagreements(contract: Contract, code: Contract) -> list[Change]:
    """Where ``code`` does not keep ``contract``: every change from the contract to the
    code that breaks its clients, plus :data:`DISAGREEING_KINDS`."""
    return [
        c
        for c in diff_contracts(contract, code)
        if c.severity == "breaking" or c.kind in DISAGREEING_KINDS
    ]


def _top(kind: str, namespace: str, message: str) -> Change:
    rule = RULES[kind]
    return Change(rule.when_client_sends, kind, namespace, None, None, "", message)


def _severity(kind: str, sender: Sender) -> Severity:
    rule = RULES[kind]
    return rule.when_client_sends if sender == "client" else rule.when_server_sends


def _sender_of(direction: Direction) -> Sender:
    return "client" if direction == "client-to-server" else "server"


def _namespace(old: Namespace, new: Namespace, schemas: _SchemaDiff) -> Iterator[Change]:
    path = old.path

    def at(
        found: Iterable[_Found], event: str | None, direction: Direction | None
    ) -> Iterator[Change]:
        for f in found:
            yield Change(
                _severity(f.kind, f.sender), f.kind, path, event, direction, f.path, f.message
            )

    yield from at(_auth(old.auth, new.auth, schemas), None, None)
    old_events = {(e.direction, e.name): e for e in old.events}
    new_events = {(e.direction, e.name): e for e in new.events}
    for key in sorted(old_events.keys() | new_events.keys()):
        direction, name = key
        before, after = old_events.get(key), new_events.get(key)
        sender = _sender_of(direction)
        if after is None:
            found = [_Found("event-removed", "", f"event {name!r} was removed", sender)]
        elif before is None:
            found = [_Found("event-added", "", f"event {name!r} was added", sender)]
        else:
            found = list(_event(before, after, schemas))
        yield from at(found, name, direction)


def _auth(old: Any, new: Any, schemas: _SchemaDiff) -> Iterator[_Found]:
    if old is None and new is None:
        return
    if old is None:
        yield _Found("auth-added", "auth", "connect auth is now declared", "client")
    elif new is None:
        yield _Found("auth-removed", "auth", "connect auth is no longer declared", "client")
    else:
        yield from schemas.compare(old, new, "auth", "client")


def _event(old: Event, new: Event, schemas: _SchemaDiff) -> Iterator[_Found]:
    sender = _sender_of(old.direction)
    if new.deprecated and not old.deprecated:
        yield _Found("event-deprecated", "", "event is now deprecated", sender)
    elif old.deprecated and not new.deprecated:
        yield _Found("event-undeprecated", "", "event is no longer deprecated", sender)
    yield from _foreign(old.foreign, new.foreign, "payload", sender)
    yield from _arguments(old.args, new.args, "payload", sender, schemas)
    # the ack travels the other way: the server acks client events, clients reply to calls
    ack_sender: Sender = "server" if sender == "client" else "client"
    yield from _ack(old.ack, new.ack, ack_sender, schemas)


def _ack(
    old: Ack | None, new: Ack | None, sender: Sender, schemas: _SchemaDiff
) -> Iterator[_Found]:
    # "ack-added" / "ack-removed" are read from the ack's sender: a client reply newly
    # expected breaks clients, an ack the server no longer sends breaks its callers
    if old is None and new is None:
        return
    if old is None:
        yield _Found("ack-added", "ack", "an acknowledgement is now documented", sender)
        return
    if new is None:
        yield _Found("ack-removed", "ack", "the acknowledgement was removed", sender)
        return
    for name in sorted(set(new.errors) - set(old.errors)):
        yield _Found("error-ack-added", "ack", f"the ack may now be {name}", sender)
    for name in sorted(set(old.errors) - set(new.errors)):
        yield _Found("error-ack-removed", "ack", f"the ack is no longer {name}", sender)
    yield from _foreign(old.foreign, new.foreign, "ack", sender)
    yield from _arguments(old.args, new.args, "ack", sender, schemas)


def _foreign(old: Any, new: Any, path: str, sender: Sender) -> Iterator[_Found]:
    """A payload in a schema format other than JSON Schema (Avro, Protobuf...) cannot
    be compared: any change to or from one is unclassified."""
    if old is None and new is None:
        return
    if old is None or new is None or _canonical(old) != _canonical(new):
        formats = sorted({str(x[0]) for x in (old, new) if x is not None})
        yield _Found(
            "unclassified",
            path,
            f"a payload in schema format {', '.join(map(repr, formats))} changed (not compared)",
            sender,
        )


def _arguments(
    old: Sequence[Argument] | None,
    new: Sequence[Argument] | None,
    root: str,
    sender: Sender,
    schemas: _SchemaDiff,
) -> Iterator[_Found]:
    if old is None and new is None:
        return
    if old is None:
        yield _Found("arguments-declared", root, "arguments are now declared", sender)
        return
    if new is None:
        yield _Found("arguments-undeclared", root, "arguments are no longer declared", sender)
        return
    several = max(len(old), len(new)) > 1

    def where(i: int) -> str:
        return f"{root}[{i}]" if several else root

    for i in range(max(len(old), len(new))):
        path = where(i)
        if i >= len(new):
            yield _Found("argument-removed", path, f"argument {i} was removed", sender)
            continue
        after = new[i]
        if i >= len(old):
            kind = "argument-added-required" if after.required else "argument-added-optional"
            yield _Found(kind, path, f"argument {i} ({after.name}) was added", sender)
            continue
        before = old[i]
        if before.required and not after.required:
            yield _Found("argument-optional", path, f"argument {i} became optional", sender)
        elif after.required and not before.required:
            yield _Found("argument-required", path, f"argument {i} became required", sender)
        if before.binary != after.binary:
            now = "binary" if after.binary else "JSON"
            yield _Found("binary-changed", path, f"argument {i} is now {now}", sender)
            continue
        if before.schema is None and after.schema is None:
            continue
        if before.schema is None:
            yield _Found("arguments-declared", path, f"argument {i} is now declared", sender)
        elif after.schema is None:
            yield _Found(
                "arguments-undeclared", path, f"argument {i} is no longer declared", sender
            )
        else:
            yield from schemas.compare(before.schema, after.schema, path, sender)


# -- schemas -----------------------------------------------------------------------------------

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
_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
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
        self._values(old, new, add)
        self._format(old, new, add)
        self._bounds(old, new, add)
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

    @staticmethod
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

    @staticmethod
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

    @staticmethod
    def _bounds(old: Mapping[str, Any], new: Mapping[str, Any], add: Any) -> None:
        for keys, tighter in ((_LOWER_BOUNDS, 1), (_UPPER_BOUNDS, -1)):
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
        *_LOWER_BOUNDS,
        *_UPPER_BOUNDS,
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


# -- output ------------------------------------------------------------------------------------


def _sorted(changes: Iterable[Change]) -> list[Change]:
    return sorted(
        changes,
        key=lambda c: (
            c.namespace or "",
            c.event or "",
            c.direction or "",
            c.path,
            c.kind,
            c.message,
        ),
    )


def _line(text: Any) -> str:
    """``text`` with every character that is not printable (newlines, terminal escapes)
    written as its escape: one change stays one line whatever the names hold."""
    line = str(text)
    if line.isprintable():
        return line
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in line)


def render_text(changes: Sequence[Change]) -> str:
    """One line per change, grouped by namespace and event."""
    if not changes:
        return "No changes.\n"
    lines: list[str] = []
    current: tuple[str | None, str | None, str | None] | None = None
    for change in _sorted(changes):
        group = (change.namespace, change.event, change.direction)
        if group != current:
            if change.event is None:
                lines.append(f"namespace {_line(change.namespace)}")
            else:
                lines.append(
                    f"namespace {_line(change.namespace)}, event {_line(change.event)} "
                    f"({change.direction})"
                )
            current = group
        where = f" at {_line(change.path)}" if change.path else ""
        lines.append(f"  {change.severity:<12} {change.kind}{where}: {_line(change.message)}")
    lines.append(summary_line(changes))
    return "\n".join(lines) + "\n"


def summary_line(changes: Sequence[Change]) -> str:
    counts = {s: sum(1 for c in changes if c.severity == s) for s in SEVERITIES}
    return ", ".join(f"{counts[s]} {s}" for s in reversed(SEVERITIES))


_MD_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "`": "&#96;", "|": "&#124;"}
_MD_PUNCTUATION = frozenset("\\*_{}[]()#+-.!~:\"'=$%^,;?@/")


def _md(text: str) -> str:
    """``text`` as inert Markdown: HTML, code spans, links, emphasis and table cells
    cannot start inside it, and it stays on one line."""
    out = []
    for c in _line(text):
        if c in _MD_ENTITIES:
            out.append(_MD_ENTITIES[c])
        elif c in _MD_PUNCTUATION:
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


def render_markdown(changes: Sequence[Change]) -> str:
    """A pull-request comment: a summary line, then a table per severity."""
    lines = ["## AsyncAPI contract changes", ""]
    if not changes:
        return "\n".join([*lines, "No changes.", ""])
    lines += [f"**{summary_line(changes)}**", ""]
    titles = {"breaking": "Breaking", "warning": "Warnings", "non-breaking": "Non-breaking"}
    for severity in reversed(SEVERITIES):
        rows = [c for c in _sorted(changes) if c.severity == severity]
        if not rows:
            continue
        lines += [f"### {titles[severity]} ({len(rows)})", ""]
        lines += ["| namespace | event | direction | path | change |", "|---|---|---|---|---|"]
        for c in rows:
            cells = (
                c.namespace or "",
                c.event or "",
                c.direction or "",
                c.path,
                f"{c.kind}: {c.message}",
            )
            lines.append("| " + " | ".join(_md(x) for x in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def render_json(changes: Sequence[Change]) -> str:
    """``{"changes": [...]}`` with the keys of :meth:`Change.as_dict`."""
    return json.dumps({"changes": [c.as_dict() for c in _sorted(changes)]}, indent=2) + "\n"


def rule_table() -> list[Rule]:
    """The rules, in the order of :data:`RULES`."""
    return list(RULES.values())

"""Two contracts compared namespace by namespace, event by event."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..contract import Ack, Argument, Contract, Direction, Event, Namespace
from .keywords import _canonical
from .rules import Change, Sender, _Found, _sender_of, _severity, _top
from .schemas import _SchemaDiff


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

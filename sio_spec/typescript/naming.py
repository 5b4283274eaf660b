"""The type name of each schema, and which schemas are typed apart when sent and
received."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..contract import Contract, JsonSchema
from ..names import Names
from .graph import _alias_refs, _cyclic, _differs, _refs, _tags
from .text import _RESERVED, RECEIVE, SEND, View, _prefix, _type_name


class _Namer:
    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.schemas: Mapping[str, JsonSchema] = contract.schemas
        self.helpers: set[str] = set()
        self.taken = Names(_RESERVED)
        self.refs = {name: set(_refs(schema)) for name, schema in self.schemas.items()}
        self.tags = _tags(self.schemas)
        # type aliases TypeScript cannot resolve: maps in a cycle are written as index
        # signatures (which it resolves lazily); a cycle of bare references or unions
        # describes no value and is ``unknown``
        self.index_maps = _cyclic({n: _alias_refs(v, True) for n, v in self.schemas.items()})
        self.void = _cyclic({n: _alias_refs(v, False) for n, v in self.schemas.items()})
        self.current: str | None = None
        self.sensitive = self._sensitive()
        self.used = self._usage()
        # one type per schema (two when sent and received shapes differ and both occur)
        self.names: dict[tuple[str, View], str] = {}
        self.order: list[tuple[str, View, str]] = []
        self.hoisted: list[str] = []
        self.prefixes: dict[str, str] = {}
        self.fixed = self._fixed_names()
        for name in sorted(self.schemas):
            views = self.used.get(name, set())
            if name not in self.sensitive:
                primary = self._take(_type_name(name))
                self.names[(name, SEND)] = self.names[(name, RECEIVE)] = primary
                self.order.append((name, SEND, primary))
                continue
            first: View = RECEIVE if views == {RECEIVE} else SEND
            primary = self._take(_type_name(name))
            self.names[(name, first)] = primary
            self.order.append((name, first, primary))
            if views == {SEND, RECEIVE}:
                received = self._take(_type_name(name) + "Received")
                self.names[(name, RECEIVE)] = received
                self.order.append((name, RECEIVE, received))
            else:
                other: View = SEND if first == RECEIVE else RECEIVE
                self.names[(name, other)] = primary

    # -- naming -------------------------------------------------------------------------------
    def _take(self, base: str) -> str:
        return self.taken.take(base if base not in _RESERVED else base + "_")

    def _fixed_names(self) -> dict[str, tuple[str, str, str]]:
        """Per namespace: the names of its two event maps and of its connect auth.
        Taken before the schemas' so the names API users rely on never move."""
        out: dict[str, tuple[str, str, str]] = {}
        used_prefixes: set[str] = set()
        for ns in self.contract.namespaces:
            base = _prefix(ns.path)
            prefix = base
            i = 2
            while prefix in used_prefixes:
                prefix = f"{base}{i}"
                i += 1
            used_prefixes.add(prefix)
            self.prefixes[ns.path] = prefix
            names = (
                f"{prefix}ClientToServerEvents",
                f"{prefix}ServerToClientEvents",
                f"{prefix}ConnectAuth",
            )
            self.taken.reserve(names)
            out[ns.path] = names
        return out

    def _sensitive(self) -> set[str]:
        direct = {
            name
            for name, schema in self.schemas.items()
            if _differs(schema, self.tags.get(name, ()))
        }
        referrers: dict[str, set[str]] = {}
        for name, targets in self.refs.items():
            for target in targets:
                referrers.setdefault(target, set()).add(name)
        out = set(direct)
        stack = list(direct)
        while stack:
            for parent in referrers.get(stack.pop(), ()):
                if parent not in out:
                    out.add(parent)
                    stack.append(parent)
        return out

    def _usage(self) -> dict[str, set[View]]:
        used: dict[str, set[View]] = {}
        stack: list[tuple[Any, View]] = []
        for ns in self.contract.namespaces:
            if ns.auth is not None:
                stack.append((ns.auth, SEND))
            for event in ns.events:
                sent: View = SEND if event.direction == "client-to-server" else RECEIVE
                answered: View = RECEIVE if sent == SEND else SEND
                for arg in event.args or ():
                    stack.append((arg.schema, sent))
                if event.ack is not None:
                    for arg in event.ack.args or ():
                        stack.append((arg.schema, answered))
                    for error in event.ack.errors:
                        stack.append(({"$ref": f"#/components/schemas/{error}"}, answered))

        names: list[tuple[str, View]] = []

        def walk() -> None:
            while stack or names:
                if names:
                    name, view = names.pop()
                    targets: Iterable[str] = self.refs[name]
                else:
                    schema, view = stack.pop()
                    targets = _refs(schema)
                for target in targets:
                    views = used.setdefault(target, set())
                    if view not in views and target in self.schemas:
                        views.add(view)
                        names.append((target, view))

        walk()
        for name in sorted(self.schemas):
            if name not in used:
                used[name] = {SEND}
                names.append((name, SEND))
                walk()
        return used

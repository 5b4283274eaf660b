"""Validation plans built once from a :class:`~sio_spec.contract.Contract`.

A contract read from a document has JSON Schemas, not models. This module turns
each argument list of the contract into the same :class:`~sio_spec.server.signature.Arguments`
the server builds from type hints, with a ``jsonschema`` validator compiled once
per schema (the named schemas it refers to embedded as ``$defs``), so documents and
models share one validation path: the client (:mod:`sio_spec.client`) and
contract-first servers (:meth:`SocketIOSpec.from_document`) use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..contract import Ack, Argument, Contract, Event, JsonSchema, ref_name
from ..errors import SpecError
from ..jsonschema_keywords import escape_pointer, follow_refs
from ..server.registry import EventSpec
from ..server.signature import Arguments, Param, payload_for

#: Documents are read as JSON Schema draft 7 (AsyncAPI 2.x and 3.x schemas build on it).
DRAFT7 = "http://json-schema.org/draft-07/schema#"
DEFS_PREFIX = "#/$defs/"
_BINARY_ONLY = ({"type": "string", "format": "binary"}, {"format": "binary"})


def _rewrite(node: Any, names: set[str], schemas: Mapping[str, JsonSchema]) -> Any:
    """``node`` with ``#/components/schemas/X`` refs pointing at ``#/$defs/X``;
    collects the names it reaches into ``names``."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                name = ref_name(value)
                if name is not None and name in schemas:
                    if name not in names:
                        names.add(name)
                        # the target's own refs are collected when it is rewritten
                    out[key] = DEFS_PREFIX + escape_pointer(name)
                    continue
            out[key] = _rewrite(value, names, schemas)
        return out
    if isinstance(node, list):
        return [_rewrite(v, names, schemas) for v in node]
    return node


def standalone(schema: JsonSchema, schemas: Mapping[str, JsonSchema]) -> JsonSchema:
    """``schema`` as one self-contained draft-7 document: every named schema it
    reaches, directly or through others, is embedded under ``$defs``."""
    names: set[str] = set()
    root = _rewrite(schema, names, schemas)
    defs: dict[str, Any] = {}
    pending = sorted(names)
    while pending:
        name = pending.pop()
        if name in defs:
            continue
        before = set(names)
        defs[name] = _rewrite(schemas[name], names, schemas)
        pending.extend(sorted(names - before))
    if defs:
        root = {"allOf": [root], "$defs": defs} if "$defs" in root else {**root, "$defs": defs}
    return {"$schema": DRAFT7, **root}


def _param(argument: Argument, schemas: Mapping[str, JsonSchema]) -> Param:
    schema = argument.schema
    if schema is None:
        return Param(argument.name, None, argument.required)
    if argument.binary and _plain(follow_refs(schema, schemas)) in _BINARY_ONLY:
        # JSON Schema has no type for bytes: a binary argument is validated as bytes
        return Param(argument.name, payload_for(bytes), argument.required)
    try:
        payload = payload_for(standalone(schema, schemas))
    except Exception as exc:  # jsonschema's SchemaError and friends
        raise SpecError(
            f"argument {argument.name!r} has a schema that cannot be compiled: {type(exc).__name__}"
        ) from exc
    return Param(argument.name, payload, argument.required)


def _plain(schema: JsonSchema) -> dict[str, Any]:
    keep = {"type", "format"}
    return {k: v for k, v in schema.items() if k in keep}


def arguments_of(
    args: tuple[Argument, ...] | None, schemas: Mapping[str, JsonSchema]
) -> Arguments | None:
    """The compiled :class:`Arguments` of a contract's argument list (``None``: not
    declared, nothing to check)."""
    if args is None:
        return None
    return Arguments(tuple(_param(a, schemas) for a in args))


def ack_of(ack: Ack | None, schemas: Mapping[str, JsonSchema]) -> Arguments | None:
    """The compiled arguments of an ack (``None`` when absent or not declared)."""
    return None if ack is None else arguments_of(ack.args, schemas)


def event_spec(contract: Contract, event: Event) -> EventSpec:
    """The :class:`EventSpec` a server validates ``event`` with (``receive`` for
    client events, ``send`` for server events)."""
    return EventSpec(
        namespace=event.namespace,
        event=event.name,
        direction="receive" if event.direction == "client-to-server" else "send",
        args=arguments_of(event.args, contract.schemas),
        ack=ack_of(event.ack, contract.schemas),
        summary=event.summary,
        description=event.description,
        tags=event.tags,
        deprecated=event.deprecated,
    )


def auth_spec(contract: Contract, namespace: str) -> EventSpec | None:
    """The ``connect`` spec of a namespace whose contract declares connect auth."""
    ns = contract.namespace(namespace)
    if ns is None or ns.auth is None:
        return None
    auth = Argument("auth", ns.auth)
    return EventSpec(
        namespace=namespace,
        event="connect",
        direction="receive",
        args=arguments_of((auth,), contract.schemas),
    )

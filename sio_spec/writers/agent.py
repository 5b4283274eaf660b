"""A compact, self-contained event catalog for agents, read from the contract of an API.

The catalog has the shape sio-asyncapi 1.0 publishes (``format`` =
``sio-asyncapi-agent-schema``, ``version`` = ``1.0``), so tools written for it
read this one too::

    {"format": ..., "version": ..., "asyncapi_version": ..., "info": {...},
     "servers": {...},
     "events": [{"name", "namespace", "direction", "operation_id",
                 "message_component", "description",
                 "input_schema" | "output_schema", "input_schema_component" | ...,
                 "ack_schema", "ack_schema_component"}, ...],
     "connect_auth": {namespace: schema}}   # only when a namespace declares auth

It is built from the normalized :class:`~sio_spec.contract.Contract`, so any
document the contract reader takes (AsyncAPI 2.6, 3.0, 3.1) gives one.
``operation_id`` names the event's operation in the document: the 3.x operation
key, or the 2.x ``operationId``; where one operation carries several messages (a
2.x ``publish`` / ``subscribe`` with ``oneOf``) each event is named by its message
instead (the 2.x ``messageId``). ``message_component`` is the message's key in the
document. Events are sorted by ``operation_id``.

Every schema is inlined: no ``$ref`` is left. A schema that came from
``components/schemas`` keeps where it came from as ``x-component-ref``. A recursive
schema is expanded once along each path; where it would contain itself again it is
``{"x-component-ref": "#/components/schemas/Node", "x-recursive": true,
"description": ...}``, so the catalog stays finite (at most one level per distinct
component on any path).

Inlining is bounded: references nest at most :data:`MAX_INLINE_DEPTH` components
deep, and one schema inlines at most :data:`MAX_INLINED_VALUES` values. Past either
bound a reference is left as ``{"x-component-ref": ..., "x-not-inlined": true,
"description": ...}``, so a hostile document (components that each refer twice to
the next, or a chain of thousands) gives a catalog of bounded size.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from typing import Any

from ..asyncapi.schemas import copy_json
from ..contract import Contract, Event, JsonSchema, read_contract, ref_name

FORMAT = "sio-asyncapi-agent-schema"
FORMAT_VERSION = "1.0"

#: Keywords whose values are data, never schemas: a ``$ref`` key inside them is kept.
DATA_KEYWORDS = frozenset({"const", "default", "enum", "example", "examples"})
#: Keywords whose values map names to schemas (a property may be called ``default``).
NAMED_SCHEMAS = frozenset({"properties", "patternProperties", "$defs", "definitions"})
#: Components nested inside one another at most, along one path of a schema.
MAX_INLINE_DEPTH = 32
#: Values (objects and lists) one inlined schema holds at most.
MAX_INLINED_VALUES = 50_000


def agent_schema(document: Mapping[str, Any]) -> dict[str, Any]:
    """The agent catalog of an AsyncAPI 2.6, 3.0 or 3.1 document (a mapping, as
    ``spec.asyncapi()`` returns it). The document is not changed; one the contract
    reader refuses raises :class:`~sio_spec.contract.ContractError`."""
    return agent_schema_of(read_contract(document))


def agent_schema_of(contract: Contract) -> dict[str, Any]:
    """The agent catalog of a contract (as :func:`~sio_spec.contract.contract_of` or
    :func:`~sio_spec.contract.read_contract` give it)."""
    inliner = _Inliner(contract.schemas)
    every = list(contract.events())
    shared = Counter(e.operation for e in every)
    ids = {
        id(e): e.operation if e.operation and shared[e.operation] == 1 else e.message or e.name
        for e in every
    }
    events = sorted(every, key=lambda e: (ids[id(e)], e.namespace, e.direction, e.name))
    catalog: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "asyncapi_version": contract.asyncapi_version,
        "info": copy_json(dict(contract.info)),
        "servers": inliner.inline(dict(contract.servers)),
        "events": [_event(inliner, event, ids[id(event)]) for event in events],
    }
    auth = {ns.path: inliner.inline(ns.auth) for ns in contract.namespaces if ns.auth is not None}
    if auth:
        catalog["connect_auth"] = auth
    return catalog


def agent_schema_json(schema: Mapping[str, Any]) -> str:
    """The catalog as JSON text: indented, keys sorted (stable for diffs)."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False)


def _event(inliner: _Inliner, event: Event, operation_id: str) -> dict[str, Any]:
    direction = "client_to_server" if event.direction == "client-to-server" else "server_to_client"
    parts = (event.summary, event.description)
    out: dict[str, Any] = {
        "name": event.name,
        "namespace": event.namespace,
        "direction": direction,
        "operation_id": operation_id,
        "message_component": event.message,
        "description": "\n\n".join(p for p in parts if p) or _what(event),
    }
    key = "input_schema" if direction == "client_to_server" else "output_schema"
    _put_schema(inliner, out, key, event.payload)
    if event.ack is not None:
        _put_schema(inliner, out, "ack_schema", event.ack.payload)
    return out


def _what(event: Event) -> str:
    """The description of an event its document does not describe."""
    if event.direction == "client-to-server":
        return f"Clients emit `{event.name}` on `{event.namespace}`; the server handles it."
    return f"The server emits `{event.name}` on `{event.namespace}`."


def _put_schema(
    inliner: _Inliner, event: dict[str, Any], key: str, payload: JsonSchema | None
) -> None:
    if payload is None:
        return
    event[key] = inliner.inline(payload)
    ref = payload.get("$ref")
    name = ref_name(ref) if isinstance(ref, str) else None
    if name is not None:
        event[f"{key}_component"] = name


class _Inliner:
    """Inlines a contract's ``#/components/schemas/<Name>`` references."""

    def __init__(self, schemas: Mapping[str, JsonSchema]) -> None:
        self.schemas = schemas
        self.budget = MAX_INLINED_VALUES

    def inline(self, node: Any) -> Any:
        """A copy of ``node`` with every ``$ref`` replaced by what it points at,
        within the bounds (:data:`MAX_INLINE_DEPTH`, :data:`MAX_INLINED_VALUES`)."""
        self.budget = MAX_INLINED_VALUES
        return self._inline(node)

    def _inline(self, node: Any, open_refs: tuple[str, ...] = (), names: bool = False) -> Any:
        """``names``: ``node`` maps names to schemas, as ``properties`` does."""
        if isinstance(node, (list, dict)):
            self.budget -= 1
        if isinstance(node, list):
            return [self._inline(item, open_refs) for item in node]
        if not isinstance(node, dict):
            return node
        if names:
            return {key: self._inline(value, open_refs) for key, value in node.items()}
        ref = node.get("$ref")
        extra = {
            key: copy_json(value)
            if key in DATA_KEYWORDS
            else self._inline(value, open_refs, key in NAMED_SCHEMAS)
            for key, value in node.items()
            if key != "$ref"
        }
        if not isinstance(ref, str):
            return extra
        name = ref_name(ref)
        if ref in open_refs:
            extra.setdefault(
                "description",
                f"Recursive: the schema of {name or ref!r} again "
                "(the enclosing schema of that name), not expanded a second time.",
            )
            return {**extra, "x-component-ref": ref, "x-recursive": True}
        found = self.schemas.get(name) if name is not None else None
        if found is None:
            return {**extra, "x-unresolved-ref": ref}
        if len(open_refs) >= MAX_INLINE_DEPTH or self.budget <= 0:
            extra.setdefault(
                "description",
                f"The schema of {name!r}, not inlined: the catalog inlines at most "
                f"{MAX_INLINE_DEPTH} nested components and {MAX_INLINED_VALUES} values "
                "per schema.",
            )
            return {**extra, "x-component-ref": ref, "x-not-inlined": True}
        resolved = self._inline(found, (*open_refs, ref))
        if isinstance(resolved, dict):
            merged = {**resolved, **extra}
            merged.setdefault("x-component-ref", ref)
            return merged
        return resolved if not extra else {**extra, "allOf": [resolved]}

"""A compact, self-contained event catalog for agents, read from an AsyncAPI 3.x document.

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

Every schema is inlined: no ``$ref`` is left. A schema that came from
``components/schemas`` keeps where it came from as ``x-component-ref``. A recursive
schema is expanded once along each path; where it would contain itself again it is
``{"x-component-ref": "#/components/schemas/Node", "x-recursive": true,
"description": ...}``, so the catalog stays finite (at most one level per distinct
component on any path).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .errors import SpecError

FORMAT = "sio-asyncapi-agent-schema"
FORMAT_VERSION = "1.0"

#: Reply payloads that are sio-spec's error acks, not the ack a handler declared.
ERROR_COMPONENTS = frozenset({"SioSpecValidationError", "SioSpecInternalError"})
#: Keywords whose values are data, never schemas: a ``$ref`` key inside them is kept.
DATA_KEYWORDS = frozenset({"const", "default", "enum", "example", "examples"})
#: Keywords whose values map names to schemas (a property may be called ``default``).
NAMED_SCHEMAS = frozenset({"properties", "patternProperties", "$defs", "definitions"})


def agent_schema(document: Mapping[str, Any]) -> dict[str, Any]:
    """The agent catalog of an AsyncAPI 3.x document (a dict, as ``spec.asyncapi()``
    returns it). The document is not changed."""
    version = str(document.get("asyncapi", ""))
    if not version.startswith("3."):
        raise SpecError(
            f"the agent schema is read from an AsyncAPI 3.x document; got version {version!r}"
        )
    if not isinstance(document, dict):
        document = _copy(document)
    inliner = _Inliner(document)
    operations = document.get("operations") or {}
    events = [
        _event(inliner, op_id, operations[op_id])
        for op_id in sorted(operations)
        if isinstance(operations[op_id], Mapping)
    ]
    catalog = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "asyncapi_version": version,
        "info": inliner.inline(document.get("info") or {}),
        "servers": inliner.inline(document.get("servers") or {}),
        "events": events,
    }
    auth = _connect_auth(inliner, document.get("channels") or {})
    if auth:
        catalog["connect_auth"] = auth
    return catalog


def _connect_auth(inliner: _Inliner, channels: Mapping[str, Any]) -> dict[str, Any]:
    """The schema of the ``auth`` payload clients send when they connect, per
    namespace (the channels' ``x-connect-auth``)."""
    out: dict[str, Any] = {}
    for key in sorted(channels):
        channel = inliner.target(channels[key]) or {}
        if "x-connect-auth" in channel:
            namespace = channel.get("address") or "/"
            out[namespace] = inliner.inline(channel["x-connect-auth"])
    return out


def agent_schema_json(schema: Mapping[str, Any]) -> str:
    """The catalog as JSON text: indented, keys sorted (stable for diffs)."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False)


def _component_name(ref: str) -> str:
    """The last segment of a JSON Pointer, unescaped."""
    return ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")


def _event(inliner: _Inliner, op_id: str, operation: Mapping[str, Any]) -> dict[str, Any]:
    direction = "client_to_server" if operation.get("action") == "receive" else "server_to_client"
    channel = inliner.target(operation.get("channel")) or {}
    namespace = channel.get("address") or "/"
    message: Mapping[str, Any] = {}
    component = None
    refs = operation.get("messages") or []
    if refs and isinstance(refs[0], Mapping) and isinstance(refs[0].get("$ref"), str):
        component = _component_name(refs[0]["$ref"])
        message = inliner.target(refs[0]) or {}
    parts = [message.get("summary"), message.get("description")]
    description = "\n\n".join(p for p in parts if isinstance(p, str) and p)
    event: dict[str, Any] = {
        "name": message.get("name", component or op_id),
        "namespace": namespace,
        "direction": direction,
        "operation_id": op_id,
        "message_component": component,
        "description": description or operation.get("description", ""),
    }
    key = "input_schema" if direction == "client_to_server" else "output_schema"
    _put_schema(inliner, event, key, message.get("payload"))
    reply = operation.get("reply")
    if isinstance(reply, Mapping):
        for ref in reply.get("messages") or []:
            ack = inliner.target(ref) or {}
            payload = ack.get("payload")
            if _is_error_ack(ack, payload):
                continue
            _put_schema(inliner, event, "ack_schema", payload)
            break
    return event


def _is_error_ack(message: Mapping[str, Any], payload: Any) -> bool:
    if "x-sio-spec-error" in message:
        return True
    ref = payload.get("$ref") if isinstance(payload, Mapping) else None
    return isinstance(ref, str) and _component_name(ref) in ERROR_COMPONENTS


def _put_schema(inliner: _Inliner, event: dict[str, Any], key: str, payload: Any) -> None:
    if payload is None:
        return
    event[key] = inliner.inline(payload)
    ref = payload.get("$ref") if isinstance(payload, Mapping) else None
    if isinstance(ref, str):
        event[f"{key}_component"] = _component_name(ref)


class _Inliner:
    """Resolves local ``$ref`` pointers of one document and inlines them."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document

    def lookup(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            return None
        node: Any = self.document
        for raw in ref[2:].split("/"):
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node

    def target(self, node: Any) -> Mapping[str, Any] | None:
        """Follow a chain of ``$ref`` objects to the object they point at."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                return None
            seen.add(ref)
            node = self.lookup(ref)
        return node if isinstance(node, dict) else None

    def inline(self, node: Any, open_refs: tuple[str, ...] = (), names: bool = False) -> Any:
        """A copy of ``node`` with every ``$ref`` replaced by what it points at
        (``names``: ``node`` maps names to schemas, as ``properties`` does)."""
        if isinstance(node, list):
            return [self.inline(item, open_refs) for item in node]
        if not isinstance(node, dict):
            return node
        if names:
            return {key: self.inline(value, open_refs) for key, value in node.items()}
        ref = node.get("$ref")
        extra = {
            key: _copy(value)
            if key in DATA_KEYWORDS
            else self.inline(value, open_refs, key in NAMED_SCHEMAS)
            for key, value in node.items()
            if key != "$ref"
        }
        if not isinstance(ref, str):
            return extra
        if ref in open_refs:
            extra.setdefault(
                "description",
                f"Recursive: the schema of {_component_name(ref)!r} again "
                "(the enclosing schema of that name), not expanded a second time.",
            )
            return {**extra, "x-component-ref": ref, "x-recursive": True}
        found = self.lookup(ref)
        if found is None:
            return {**extra, "x-unresolved-ref": ref}
        resolved = self.inline(found, (*open_refs, ref))
        if isinstance(resolved, dict):
            merged = {**resolved, **extra}
            merged.setdefault("x-component-ref", ref)
            return merged
        return resolved if not extra else {**extra, "allOf": [resolved]}


def _copy(value: Any) -> Any:
    """A deep copy of JSON data, every mapping a plain dict."""
    if isinstance(value, (dict, Mapping)):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy(v) for v in value]
    return value

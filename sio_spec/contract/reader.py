"""What the 2.x and 3.x readers share: references, payloads, arguments, acks, and
the contract they build."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..guard import ContractError
from ..jsonschema_keywords import follow_refs, is_binary, ref_name, unescape_pointer
from .model import (
    ARGUMENTS,
    ERROR_MARK,
    ERROR_SCHEMAS,
    Ack,
    Argument,
    Contract,
    Direction,
    Event,
    JsonSchema,
    Namespace,
)
from .schemas import _JSON_FORMATS, _multi_format, _pointer, _Schemas

_ERROR_BY_KIND = {kind: name for name, kind in ERROR_SCHEMAS.items()}
_BINARY_TYPES = ("application/octet-stream",)


@dataclass
class _Message:
    """A message as read: its body and where it was."""

    key: str
    body: dict[str, Any]


class _Reader:
    major = 0  # the AsyncAPI major version a subclass reads

    def __init__(self, document: Mapping[str, Any], version: str, check: bool = True) -> None:
        self.doc = document
        self.version = version
        components = self.obj(document.get("components"), "components", default={})
        schemas = self.obj(components.get("schemas"), "components.schemas", default={})
        self.schemas = _Schemas(document, schemas, check)
        if check:  # messages no operation uses are checked too
            messages = components.get("messages")
            if isinstance(messages, dict):
                for message in messages.values():
                    if isinstance(message, dict) and "payload" in message:
                        self.payload(message)
        self.events: dict[str, dict[tuple[str, str], Event]] = {}
        self.auth: dict[str, JsonSchema | None] = {}
        self.descriptions: dict[str, str | None] = {}

    # -- helpers --------------------------------------------------------------------------
    @staticmethod
    def obj(value: Any, where: str, default: dict[str, Any] | None = None) -> dict[str, Any]:
        if value is None and default is not None:
            return default
        if not isinstance(value, dict):
            raise ContractError(f"{where} must be an object")
        return value

    def deref(self, value: Any, where: str) -> tuple[dict[str, Any], str | None]:
        """An AsyncAPI object with its ``$ref`` chain followed; also the last
        reference's final segment (a message's key)."""
        key: str | None = None
        seen: set[str] = set()
        while isinstance(value, dict) and isinstance(value.get("$ref"), str):
            ref = value["$ref"]
            if ref in seen:
                raise ContractError(f"{where}: $ref cycle at {ref!r}")
            seen.add(ref)
            if not ref.startswith("#/"):
                raise ContractError(
                    f"{where}: $ref {ref!r} points outside the document, which is not supported"
                )
            segments = [unescape_pointer(s) for s in ref[2:].split("/")]
            found, target = _pointer(self.doc, segments)
            if not found:
                raise ContractError(f"{where}: $ref {ref!r} points at nothing in the document")
            key = segments[-1]
            value = target
        return self.obj(value, where), key

    def schema(self, value: Any) -> JsonSchema | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return {} if value else {"not": {}}
        if not isinstance(value, dict):
            return None
        if "schemaFormat" in value and "schema" in value:
            inner = _multi_format(value, "payload")
            if inner is None or isinstance(inner, bool):
                return None if inner is None else self.schema(inner)
            value = inner
        self.schemas.verify(value)
        rewritten: JsonSchema = self.schemas.rewrite(value, value)
        return rewritten

    def resolve(self, schema: JsonSchema) -> JsonSchema:
        resolved: JsonSchema = follow_refs(schema, self.schemas.out)
        return resolved

    # -- messages -------------------------------------------------------------------------
    def arguments(
        self, body: dict[str, Any], where: str, payload: Any = False
    ) -> tuple[Argument, ...] | None:
        """The arguments of a message (``payload``: its :meth:`payload` when known)."""
        if payload is False:
            payload = self.payload(body)
        content_type = body.get("contentType")
        whole_binary = isinstance(content_type, str) and content_type in _BINARY_TYPES
        labels = body.get(ARGUMENTS)
        if labels is not None:
            if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                raise ContractError(f"{where}.{ARGUMENTS} must be a list of strings")
            if not labels:
                return ()
            if len(labels) == 1:
                return (self.argument(labels[0], payload, True, whole_binary),)
            items, minimum = self.tuple_form(payload)
            if items is None:
                raise ContractError(
                    f"{where}: {len(labels)} arguments need a tuple payload (items as a list)"
                )
            return tuple(
                self.argument(label, items[i] if i < len(items) else None, i < minimum, False)
                for i, label in enumerate(labels)
            )
        if payload is None:
            return None
        items, minimum = self.tuple_form(payload)
        if items is None:
            return (self.argument("arg0", payload, True, whole_binary),)
        return tuple(
            self.argument(f"arg{i}", item, i < minimum, False) for i, item in enumerate(items)
        )

    def tuple_form(self, payload: JsonSchema | None) -> tuple[list[Any] | None, int]:
        if payload is None:
            return None, 0
        target = self.resolve(payload)
        items = target.get("prefixItems")
        if not isinstance(items, list):
            items = target.get("items")
        if not isinstance(items, list):
            return None, 0
        minimum = target.get("minItems", 0)
        return items, minimum if isinstance(minimum, int) else 0

    def argument(self, name: str, schema: Any, required: bool, whole_binary: bool) -> Argument:
        if isinstance(schema, bool):
            schema = {} if schema else {"not": {}}
        if not isinstance(schema, dict):
            schema = None
        binary = whole_binary
        if schema is not None and not binary:
            target = self.resolve(schema)
            binary = is_binary(target)
        return Argument(name=name, schema=schema, required=required, binary=binary)

    def error_name(self, body: dict[str, Any]) -> str | None:
        payload = body.get("payload")
        if isinstance(payload, dict) and isinstance(payload.get("$ref"), str):
            name = ref_name(payload["$ref"])
            if name in ERROR_SCHEMAS:
                return name
            mark = body.get(ERROR_MARK)
            if name is not None and isinstance(mark, str) and mark in _ERROR_BY_KIND:
                return name
        mark = body.get(ERROR_MARK)
        if isinstance(mark, str) and mark in _ERROR_BY_KIND:
            return _ERROR_BY_KIND[mark]
        return None

    def ack(self, replies: list[_Message], where: str) -> Ack | None:
        if not replies:
            return None
        errors: list[str] = []
        plain: list[_Message] = []
        for reply in replies:
            name = self.error_name(reply.body)
            if name is None:
                plain.append(reply)
            elif name not in errors:
                errors.append(name)
        args: tuple[Argument, ...] | None = None
        payload: JsonSchema | None = None
        foreign = None
        examples: tuple[tuple[Any, ...], ...] = ()
        if len(plain) == 1:
            payload = self.payload(plain[0].body)
            args = self.arguments(plain[0].body, f"{where}.{plain[0].key}", payload)
            foreign = self.foreign(plain[0].body)
            examples = self.examples(plain[0].body, args)
        elif plain:
            each = [self.arguments(m.body, f"{where}.{m.key}") for m in plain]
            if all(a is not None and len(a) == 1 for a in each):
                schemas = [a[0].schema for a in each if a is not None]
                if all(s is not None for s in schemas):
                    args = (Argument("arg0", {"anyOf": schemas}),)
                    for m, a in zip(plain, each, strict=True):
                        examples += self.examples(m.body, a)
            payloads = [self.payload(m.body) for m in plain]
            if all(p is not None for p in payloads):
                payload = {"anyOf": payloads}
        if len(plain) > 1:
            found = [self.foreign(m.body) for m in plain]
            if any(f is not None for f in found):
                foreign = ("several", found)
        return Ack(
            args=args, errors=tuple(errors), payload=payload, foreign=foreign, examples=examples
        )

    def foreign(self, body: dict[str, Any]) -> tuple[str, Any] | None:
        """``(schemaFormat, schema)`` of a payload that is not JSON Schema."""
        fmt = body.get("schemaFormat") if self.major == 2 else None
        schema = body.get("payload")
        if self.major == 3 and isinstance(schema, dict) and "schemaFormat" in schema:
            fmt, schema = schema.get("schemaFormat"), schema.get("schema")
        if fmt is None or (isinstance(fmt, str) and _JSON_FORMATS.match(fmt)):
            return None
        return (str(fmt), schema)

    def payload(self, body: dict[str, Any]) -> JsonSchema | None:
        """A message's whole payload schema (``None``: none, or not JSON Schema)."""
        if self.major == 2 and "schemaFormat" in body:
            fmt = body["schemaFormat"]
            if isinstance(fmt, str) and not _JSON_FORMATS.match(fmt):
                return None
        return self.schema(body.get("payload")) if "payload" in body else None

    def examples(
        self, body: dict[str, Any], args: tuple[Argument, ...] | None
    ) -> tuple[tuple[Any, ...], ...]:
        raw = body.get("examples")
        if not isinstance(raw, list):
            return ()
        out: list[tuple[Any, ...]] = []
        for example in raw:
            if not isinstance(example, dict) or "payload" not in example:
                continue
            value = example["payload"]
            if args is not None and len(args) == 0:
                out.append(())
            elif args is not None and len(args) > 1:
                if isinstance(value, list):
                    out.append(tuple(value))
            else:
                out.append((value,))
        return tuple(out)

    def add_event(
        self,
        namespace: str,
        direction: Direction,
        message: _Message,
        operation: dict[str, Any],
        replies: list[_Message],
        where: str,
        own_operation: bool = False,
        operation_id: str | None = None,
    ) -> None:
        """Record one event. ``own_operation``: the operation describes only this
        message (3.x), so its summary and tags stand for the event's when the message
        has none (its description is not taken: generators fill it with prose about
        the operation)."""
        body = message.body
        name = body.get("name")
        if not isinstance(name, str) or not name:
            name = message.key
        payload = self.payload(body)
        args = self.arguments(body, where, payload)
        summary = _text(body.get("summary"))
        description = _text(body.get("description"))
        if summary is None and own_operation:
            summary = _text(operation.get("summary"))
        tags = _tags(body.get("tags")) or (_tags(operation.get("tags")) if own_operation else ())
        event = Event(
            name=name,
            namespace=namespace,
            direction=direction,
            args=args,
            ack=self.ack(replies, where),
            summary=summary,
            description=description,
            deprecated=bool(body.get("deprecated")),
            examples=self.examples(body, args),
            tags=tags,
            payload=payload,
            message=message.key,
            operation=operation_id,
            foreign=self.foreign(body),
        )
        self.events.setdefault(namespace, {}).setdefault((direction, name), event)

    def add_namespace(self, namespace: str, channel: dict[str, Any], where: str) -> None:
        self.events.setdefault(namespace, {})
        if namespace not in self.descriptions or self.descriptions[namespace] is None:
            self.descriptions[namespace] = _text(channel.get("description"))
        auth = channel.get("x-connect-auth")
        if auth is not None and self.auth.get(namespace) is None:
            if not isinstance(auth, (dict, bool)):
                raise ContractError(f"{where}.x-connect-auth must be a schema")
            self.auth[namespace] = self.schema(auth)

    def read_events(self) -> None:
        """Adds the document's namespaces and events (one reader per major version)."""
        raise ContractError("the document's AsyncAPI version has no reader")

    # -- the result -----------------------------------------------------------------------
    def read(self) -> Contract:
        self.read_events()
        info = self.obj(self.doc.get("info"), "info", default={})
        servers = self.obj(self.doc.get("servers"), "servers", default={})
        namespaces = tuple(
            Namespace(
                path=path,
                auth=self.auth.get(path),
                description=self.descriptions.get(path),
                events=tuple(events[k] for k in sorted(events)),
            )
            for path, events in sorted(self.events.items())
        )
        return Contract(
            title=str(info.get("title", "")),
            version=str(info.get("version", "")),
            description=_text(info.get("description")),
            asyncapi_version=self.version,
            servers=servers,
            namespaces=namespaces,
            schemas=self.schemas.out,
            info=info,
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _tags(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    out = []
    for tag in value:
        if isinstance(tag, dict) and isinstance(tag.get("name"), str):
            out.append(tag["name"])
        elif isinstance(tag, str):
            out.append(tag)
    return tuple(out)

"""The contract of a Socket.IO API, read from its AsyncAPI document.

:func:`read_contract` turns an AsyncAPI 2.x (2.6), 3.0 or 3.1 document into a
small normalized model: namespaces, the events of each direction, their
positional arguments, their acknowledgements and the error acks that may come
back instead, and the shared schemas. Every consumer (TypeScript types, the
document diff, clients, contract-first servers) reads documents through it, so
they all agree on what a document means.

Reading rules:

- Direction: 3.x ``action: receive`` and 2.x ``publish`` are what clients send
  (``client-to-server``); 3.x ``send`` and 2.x ``subscribe`` what the server
  emits (``server-to-client``).
- Namespace: the 3.x channel ``address`` (else its key, ``root`` being ``/``),
  the 2.x channel key.
- Arguments: the message extension ``x-sio-spec-arguments`` lists them when
  present (``[]``: no data). Without it, a tuple payload (``items`` as a list,
  or ``prefixItems``) is several arguments, any other payload one argument,
  no payload "not declared".
- Acks: the 3.x operation ``reply``; the 2.x message extension ``x-ack`` (a
  message-like object, ``{"oneOf": [...]}`` of them, or ``{"args": schema}``).
  Reply messages whose payload is the component ``SioSpecValidationError`` or
  ``SioSpecInternalError`` (or that carry ``x-sio-spec-error``) are error acks.
- Schemas: every ``$ref`` of the result points at
  ``#/components/schemas/<Name>`` of :attr:`Contract.schemas`. References to
  other places of the document (a 2.x message payload, a property of a
  component, a ``$defs`` entry of an embedded JSON Schema) are lifted into new
  components; references to other files are refused.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, Protocol

from . import guard
from .asyncapi.names import Names, sanitize
from .guard import DEFAULT_LIMITS, ContractError, Limits
from .jsonschema_keywords import (
    ONE_SCHEMA,
    SCHEMA_LISTS,
    SCHEMA_MAPS,
    escape_pointer,
    follow_refs,
    unescape_pointer,
)
from .jsonschema_keywords import ref_name as ref_name
from .jsonschema_keywords import schema_ref as schema_ref

__all__ = [
    "Ack",
    "Argument",
    "Contract",
    "ContractError",
    "Direction",
    "Event",
    "JsonSchema",
    "Limits",
    "Namespace",
    "contract_of",
    "load_document",
    "parse_document",
    "parse_text",
    "read_contract",
]

Direction = Literal["client-to-server", "server-to-client"]
JsonSchema = dict[str, Any]

ARGUMENTS = "x-sio-spec-arguments"
ERROR_MARK = "x-sio-spec-error"
ERROR_SCHEMAS = {
    "SioSpecValidationError": "validation_error",
    "SioSpecInternalError": "internal_error",
}
_ERROR_BY_KIND = {kind: name for name, kind in ERROR_SCHEMAS.items()}
_BINARY_TYPES = ("application/octet-stream",)
_JSON_FORMATS = re.compile(
    r"^application/(?:vnd\.aai\.asyncapi(?:\+json|\+yaml)?|schema(?:\+json|\+yaml)?)"
)


# -- the model -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Argument:
    """One positional argument of an event or an ack."""

    name: str
    """Its label (``arg0``, ``arg1``... when the document does not name it)."""
    schema: JsonSchema | None
    """Its JSON Schema (``None``: not validated, anything goes)."""
    required: bool = True
    binary: bool = False
    """Bytes: ``format: binary``, or a whole payload of ``application/octet-stream``."""


@dataclass(frozen=True)
class Ack:
    """The acknowledgement of an event: what the receiver answers."""

    args: tuple[Argument, ...] | None
    """The ack's arguments; ``None``: an ack exists but its content is not declared."""
    errors: tuple[str, ...] = ()
    """Names of the error-ack components that may come back instead
    (``SioSpecValidationError``, ``SioSpecInternalError``)."""
    payload: JsonSchema | None = field(default=None, compare=False)
    """The reply's whole payload schema as documented (``args`` split into arguments;
    several plain reply messages give ``anyOf`` of their payloads)."""
    foreign: tuple[str, Any] | None = field(default=None, compare=False)
    """A reply payload in a schema format other than JSON Schema: ``(schemaFormat,
    schema)`` as written (not read: its arguments are not declared)."""
    examples: tuple[tuple[Any, ...], ...] = field(default=(), compare=False)
    """The reply messages' examples, each as one value per argument."""


@dataclass(frozen=True)
class Event:
    """One event in one direction of one namespace."""

    name: str
    namespace: str
    direction: Direction
    args: tuple[Argument, ...] | None
    """``None``: not declared (anything goes); ``()``: the event carries no data."""
    ack: Ack | None
    """``None``: no ack or reply documented."""
    summary: str | None = None
    description: str | None = None
    deprecated: bool = False
    examples: tuple[tuple[Any, ...], ...] = ()
    """Each example as one value per argument."""
    tags: tuple[str, ...] = ()
    payload: JsonSchema | None = field(default=None, compare=False)
    """The message's whole payload schema as documented (``args`` split into arguments)."""
    message: str | None = field(default=None, compare=False)
    """The message's key in the document (the last segment of its ``$ref``)."""
    operation: str | None = field(default=None, compare=False)
    """The id of the document's operation: the 3.x operation key, the 2.x ``operationId``
    (shared by the messages of one channel and direction)."""
    foreign: tuple[str, Any] | None = field(default=None, compare=False)
    """A payload in a schema format other than JSON Schema (Avro, Protobuf...):
    ``(schemaFormat, schema)`` as written (not read: its arguments are not declared)."""


@dataclass(frozen=True)
class Namespace:
    """A Socket.IO namespace and its events."""

    path: str
    auth: JsonSchema | None
    """The schema of the connect ``auth`` payload (``None``: not declared)."""
    description: str | None
    events: tuple[Event, ...]
    """Sorted by ``(direction, name)``."""

    @cached_property
    def _index(self) -> dict[tuple[str, str], Event]:
        return {(e.name, e.direction): e for e in self.events}

    def event(self, name: str, direction: Direction) -> Event | None:
        """The event ``name`` in ``direction``, or ``None``."""
        return self._index.get((name, direction))


@dataclass(frozen=True)
class Contract:
    """Everything a client or a server needs to know about an API."""

    title: str
    version: str
    description: str | None
    asyncapi_version: str
    """The ``asyncapi`` version of the source document."""
    servers: Mapping[str, Any]
    namespaces: tuple[Namespace, ...]
    """Sorted by path."""
    schemas: Mapping[str, JsonSchema] = field(default_factory=dict)
    """Named schemas; every ``$ref`` points at ``#/components/schemas/<Name>`` of these."""
    info: Mapping[str, Any] = field(default_factory=dict, compare=False)
    """The document's whole ``info`` object (contact, license...), as given."""

    @cached_property
    def _by_path(self) -> dict[str, Namespace]:
        return {ns.path: ns for ns in self.namespaces}

    def namespace(self, path: str) -> Namespace | None:
        """The namespace at ``path``, or ``None``."""
        return self._by_path.get(path)

    def events(self) -> Iterator[Event]:
        """Every event of every namespace, namespaces by path."""
        for ns in self.namespaces:
            yield from ns.events

    def resolve(self, schema: JsonSchema) -> JsonSchema:
        """``schema`` with a top-level ``$ref`` chain followed to the named schema
        (a missing name or a cycle stops where it is)."""
        resolved: JsonSchema = follow_refs(schema, self.schemas)
        return resolved


# -- loading -------------------------------------------------------------------------------


def load_document(
    source: str | os.PathLike[str] | Mapping[str, Any], limits: Limits = DEFAULT_LIMITS
) -> dict[str, Any]:
    """An AsyncAPI document as a dict: from a dict, or a ``.json`` / ``.yaml`` /
    ``.yml`` file (a string holding the document text itself is read too), within
    ``limits`` (see :mod:`sio_spec.guard`).

    Raises :class:`ContractError` with a one-line message when the file cannot be
    read or parsed, is past a limit, or does not hold a mapping.
    """
    if isinstance(source, Mapping):
        document = dict(source)
        guard.check_value(document, "the document", limits)
        return document
    if isinstance(source, str) and ("\n" in source or source.lstrip().startswith("{")):
        return parse_document(
            source, "the document text", json_first=source.lstrip().startswith("{"), limits=limits
        )
    path = os.fspath(source)
    text = guard.read_file(path, limits)
    return parse_document(text, path, json_first=path.lower().endswith(".json"), limits=limits)


def parse_document(
    text: str, where: str, *, json_first: bool, limits: Limits = DEFAULT_LIMITS
) -> dict[str, Any]:
    """The AsyncAPI document in ``text`` (JSON when ``json_first``, else YAML, which
    also reads JSON); ``where`` names the text in messages.

    Raises :class:`ContractError` with a one-line message when the text cannot be
    parsed, is past one of ``limits``, or does not hold a mapping.
    """
    data = parse_text(text, where, json_first=json_first, limits=limits)
    if not isinstance(data, dict):
        raise ContractError(f"{where} does not hold an AsyncAPI document (not a mapping)")
    return data


def parse_text(text: str, where: str, *, json_first: bool, limits: Limits = DEFAULT_LIMITS) -> Any:
    """The JSON (``json_first``) or YAML value of ``text``, whatever its type, within
    ``limits``.

    Raises :class:`ContractError` with a one-line message naming ``where`` when
    the text cannot be parsed or is past a limit.
    """
    return guard.parse(text, where, json_first=json_first, limits=limits)


# -- reading -------------------------------------------------------------------------------


def read_contract(document: Mapping[str, Any], *, limits: Limits = DEFAULT_LIMITS) -> Contract:
    """The contract of an AsyncAPI 2.x, 3.0 or 3.1 document (a dict, as from
    :func:`load_document`). Raises :class:`ContractError` when it is malformed, past
    one of ``limits``, or holds a schema that is not valid JSON Schema."""
    return _read_contract(document, limits=limits)


def _read_contract(
    document: Mapping[str, Any],
    *,
    limits: Limits | None = DEFAULT_LIMITS,
    check_schemas: bool = True,
) -> Contract:
    """:func:`read_contract`; ``limits=None``: the values were checked already (the
    document comes from :func:`load_document`); ``check_schemas=False``: the document
    is sio-spec's own (generated from the code)."""
    if not isinstance(document, Mapping):
        raise ContractError("an AsyncAPI document must be a mapping")
    if not isinstance(document, dict):
        document = dict(document)  # $ref pointers walk plain dicts
    if limits is not None:
        guard.check_value(document, "the document", limits)
    version = document.get("asyncapi")
    if not isinstance(version, str):
        raise ContractError("not an AsyncAPI document: the 'asyncapi' version field is missing")
    if version.startswith("3."):
        major = 3
    elif version.startswith("2."):
        major = 2
    else:
        raise ContractError(f"unsupported AsyncAPI version {version!r}; use 2.x, 3.0 or 3.1")
    try:
        return _Reader(document, version, major, check_schemas).read()
    except RecursionError:
        raise ContractError("the document nests too deeply to be read") from None


class HasContract(Protocol):
    """What :func:`contract_of` reads: anything with a ``contract()`` method, such as
    :class:`~sio_spec.SocketIOSpec`."""

    def contract(self) -> Contract: ...


def contract_of(spec: HasContract) -> Contract:
    """The contract of a spec's document: ``spec.contract()`` (see
    :meth:`~sio_spec.SocketIOSpec.contract`), cached while the document is."""
    return spec.contract()


class _Schemas:
    """Rewrites schemas so every reference is ``#/components/schemas/<Name>``."""

    def __init__(
        self, document: Mapping[str, Any], components: Mapping[str, Any], check: bool = True
    ) -> None:
        self.document = document
        self.source = components
        self.check = check
        self.checked: set[int] = set()
        self.out: dict[str, Any] = {}
        self.names = Names(components)
        self.lifted: dict[tuple[int, str], str] = {}
        for name in sorted(components):
            self.out[name] = {}  # placeholder: refs between components resolve
        for name in sorted(components):
            body = components[name]
            where = f"/components/schemas/{escape_pointer(name)}"
            if isinstance(body, dict) and "schemaFormat" in body and "schema" in body:
                body = _multi_format(body, f"components.schemas.{name}")
                where += "/schema"
            self.verify(body, where)
            self.out[name] = self.rewrite(body, body if isinstance(body, dict) else None)

    def verify(self, schema: Any, where: str | None = None) -> None:
        """Refuse a schema of the document that is not valid JSON Schema (once per
        schema object); ``where`` is its JSON pointer, found when not given."""
        if not self.check or schema is None or id(schema) in self.checked:
            return
        try:
            guard.check_schema(schema, where or "/")
        except ContractError:
            if where is None:
                found = _find(self.document, schema)
                guard.check_schema(schema, found if found is not None else "a schema")
            raise
        self.checked.add(id(schema))

    def take(self, base: str) -> str:
        return self.names.take(sanitize(base, "Schema"))

    def rewrite(self, node: Any, root: dict[str, Any] | None) -> Any:
        """A copy of the schema ``node``; ``root`` is the top of the schema it is part
        of (where ``#/$defs/...`` of an embedded JSON Schema resolve)."""
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = schema_ref(self.target(value, root))
            elif key in ONE_SCHEMA:
                out[key] = (
                    [self.rewrite(v, root) for v in value]
                    if isinstance(value, list)
                    else self.rewrite(value, root)
                )
            elif key in SCHEMA_LISTS and isinstance(value, list):
                out[key] = [self.rewrite(v, root) for v in value]
            elif key in SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {k: self.rewrite(v, root) for k, v in value.items()}
            elif key == "dependencies" and isinstance(value, dict):
                out[key] = {
                    k: self.rewrite(v, root) if isinstance(v, dict) else v for k, v in value.items()
                }
            else:
                out[key] = value
        return out

    def target(self, ref: str, root: dict[str, Any] | None) -> str:
        """The component name ``ref`` stands for (lifting the target when needed)."""
        name = ref_name(ref)
        if name is not None and name in self.source:
            return name
        if not ref.startswith("#"):
            raise ContractError(f"$ref {ref!r} points outside the document, which is not supported")
        if ref != "#" and not ref.startswith("#/"):
            raise ContractError(
                f"$ref {ref[:200]!r} is not a JSON pointer ('#/...'), which is not supported"
            )
        segments = [unescape_pointer(s) for s in ref[1:].split("/")[1:]] if ref != "#" else []
        found, value = _pointer(self.document, segments)
        holder: Any = self.document
        if not found and root is not None and segments[:1] in (["$defs"], ["definitions"]):
            found, value = _pointer(root, segments)
            holder = root
        if not found:
            raise ContractError(f"$ref {ref!r} points at nothing in the document")
        key = (id(holder), "/".join(segments))
        if key in self.lifted:
            return self.lifted[key]
        if segments[:1] in (["$defs"], ["definitions"]) and len(segments) == 2:
            base = segments[1]
        else:
            rest = segments[1:] if segments[:1] == ["components"] else segments
            if rest[:1] == ["schemas"]:
                rest = rest[1:]
            base = "_".join(rest)
        name = self.lifted[key] = self.take(base)
        if isinstance(value, dict) and "schemaFormat" in value and "schema" in value:
            value = _multi_format(value, ref)
        self.verify(value, guard.pointer_of(segments) if holder is self.document else None)
        self.out[name] = {}
        self.out[name] = self.rewrite(value, value if isinstance(value, dict) else root)
        return name


def _pointer(doc: Any, segments: Sequence[str]) -> tuple[bool, Any]:
    node = doc
    for seg in segments:
        if isinstance(node, dict) and seg in node:
            node = node[seg]
        elif isinstance(node, list) and seg.isdigit() and int(seg) < len(node):
            node = node[int(seg)]
        else:
            return False, None
    return True, node


def _find(document: Any, target: Any) -> str | None:
    """The JSON pointer of the object ``target`` (by identity) in ``document``."""
    stack: list[tuple[Any, list[Any]]] = [(document, [])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if node is target:
            return guard.pointer_of(path)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            stack.extend((v, [*path, k]) for k, v in node.items() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, [*path, i]) for i, v in enumerate(node) if isinstance(v, (dict, list)))
    return None


def _multi_format(body: dict[str, Any], where: str) -> Any:
    """The schema of a Multi Format Schema Object when it is JSON Schema based
    (``None`` for other formats: Avro, Protobuf... are not read)."""
    fmt = body.get("schemaFormat")
    if fmt is None or (isinstance(fmt, str) and _JSON_FORMATS.match(fmt)):
        return body.get("schema")
    return None


@dataclass
class _Message:
    """A message as read: its body and where it was."""

    key: str
    body: dict[str, Any]


class _Reader:
    def __init__(
        self, document: Mapping[str, Any], version: str, major: int, check: bool = True
    ) -> None:
        self.doc = document
        self.version = version
        self.major = major
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
            binary = target.get("type") == "string" and target.get("format") == "binary"
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

    # -- 3.x ------------------------------------------------------------------------------
    def read_v3(self) -> None:
        channels = self.obj(self.doc.get("channels"), "channels", default={})
        by_id: dict[int, str] = {}
        for key, raw in channels.items():
            where = f"channels.{key}"
            channel, _ = self.deref(raw, where)
            address = channel.get("address")
            if isinstance(address, str) and address:
                namespace = address if address.startswith("/") else "/" + address
            else:
                namespace = "/" if key == "root" else "/" + str(key).lstrip("/")
            by_id[id(channel)] = namespace
            self.add_namespace(namespace, channel, where)
        operations = self.obj(self.doc.get("operations"), "operations", default={})
        for key, raw in operations.items():
            where = f"operations.{key}"
            op, _ = self.deref(raw, where)
            action = op.get("action")
            if action not in ("send", "receive"):
                raise ContractError(f"{where}.action must be 'send' or 'receive'")
            channel, _ = self.deref(op.get("channel"), f"{where}.channel")
            found = by_id.get(id(channel))
            if found is None:
                raise ContractError(f"{where}.channel is not one of the document's channels")
            messages = self.messages(op.get("messages"), channel, f"{where}.messages")
            replies: list[_Message] = []
            reply = op.get("reply")
            if reply is not None:
                reply, _ = self.deref(reply, f"{where}.reply")
                reply_channel = channel
                if reply.get("channel") is not None:
                    reply_channel, _ = self.deref(reply["channel"], f"{where}.reply.channel")
                replies = self.messages(reply.get("messages"), reply_channel, f"{where}.reply")
            direction: Direction = "client-to-server" if action == "receive" else "server-to-client"
            for message in messages:
                self.add_event(
                    found,
                    direction,
                    message,
                    op,
                    replies,
                    f"{where}.{message.key}",
                    own_operation=len(messages) == 1,
                    operation_id=str(key),
                )

    def messages(self, refs: Any, channel: dict[str, Any], where: str) -> list[_Message]:
        if refs is None:
            # 3.1: an operation without messages means every message of its channel
            own = self.obj(channel.get("messages"), f"{where} (channel messages)", default={})
            return [_Message(key, self.deref(m, f"{where}.{key}")[0]) for key, m in own.items()]
        if not isinstance(refs, list):
            raise ContractError(f"{where} must be a list")
        out = []
        for i, ref in enumerate(refs):
            body, key = self.deref(ref, f"{where}[{i}]")
            out.append(_Message(key or str(i), body))
        return out

    # -- 2.x ------------------------------------------------------------------------------
    def read_v2(self) -> None:
        channels = self.obj(self.doc.get("channels"), "channels", default={})
        for key, raw in channels.items():
            where = f"channels.{key}"
            channel, _ = self.deref(raw, where)
            namespace = str(key) if str(key).startswith("/") else "/" + str(key)
            self.add_namespace(namespace, channel, where)
            for kind, direction in (
                ("publish", "client-to-server"),
                ("subscribe", "server-to-client"),
            ):
                if channel.get(kind) is None:
                    continue
                op, _ = self.deref(channel[kind], f"{where}.{kind}")
                for message in self.v2_messages(op.get("message"), f"{where}.{kind}.message"):
                    replies = self.v2_acks(message, f"{where}.{kind}.{message.key}")
                    self.add_event(
                        namespace,
                        direction,  # type: ignore[arg-type]
                        message,
                        op,
                        replies,
                        f"{where}.{kind}.{message.key}",
                        operation_id=_text(op.get("operationId")),
                    )

    def v2_messages(self, value: Any, where: str) -> list[_Message]:
        if value is None:
            return []
        body, key = self.deref(value, where)
        if isinstance(body.get("oneOf"), list) and "payload" not in body:
            out: list[_Message] = []
            for i, item in enumerate(body["oneOf"]):
                out.extend(self.v2_messages(item, f"{where}.oneOf[{i}]"))
            return out
        name = body.get("messageId") or key or body.get("name") or "message"
        return [_Message(str(name), body)]

    def v2_acks(self, message: _Message, where: str) -> list[_Message]:
        raw = message.body.get("x-ack")
        if raw is None:
            return []
        body, _ = self.deref(raw, f"{where}.x-ack")
        if isinstance(body.get("oneOf"), list) and "payload" not in body:
            out: list[_Message] = []
            for i, item in enumerate(body["oneOf"]):
                one, _ = self.deref(item, f"{where}.x-ack.oneOf[{i}]")
                out.append(_Message(f"x-ack[{i}]", self.v2_ack_body(one)))
            return out
        return [_Message("x-ack", self.v2_ack_body(body))]

    @staticmethod
    def v2_ack_body(body: dict[str, Any]) -> dict[str, Any]:
        if "args" in body and "payload" not in body:
            # asynction's shape: {"args": schema}
            return {**{k: v for k, v in body.items() if k != "args"}, "payload": body["args"]}
        return body

    # -- the result -----------------------------------------------------------------------
    def read(self) -> Contract:
        if self.major == 3:
            self.read_v3()
        else:
            self.read_v2()
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

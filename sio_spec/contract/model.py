"""The contract model: namespaces, events, their arguments and acks."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from ..jsonschema_keywords import follow_refs

Direction = Literal["client-to-server", "server-to-client"]
JsonSchema = dict[str, Any]

ARGUMENTS = "x-sio-spec-arguments"
ERROR_MARK = "x-sio-spec-error"
ERROR_SCHEMAS = {
    "SioSpecValidationError": "validation_error",
    "SioSpecInternalError": "internal_error",
}
_ERROR_BY_KIND = {kind: name for name, kind in ERROR_SCHEMAS.items()}


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

"""The registry's event specs as an AsyncAPI 3.0.0 / 3.1.0 / 2.6.0 document.

Mapping (3.x): one channel per namespace (``/`` -> key ``root``, ``/chat`` ->
``chat``) with its description and the ``x-connect-auth`` schema of its connect
``auth`` payload; then one channel per event and direction (``chat_join``; an
event both received and emitted has the emitted one as ``chat_typing_send``),
with the namespace as its ``address``, holding the event's message and its
replies, and one operation per event and direction on it
(``chat.join.receive`` with ``action: receive``, ``chat.message.send`` with
``action: send``), titled with the event (``join (from clients)``). Templates show
channel descriptions under each operation's heading, so the event's channel
names the event there, and every channel of a namespace with a connect ``auth``
describes it in words (the templates do not show ``x-connect-auth``).

Acks are the operation's ``reply`` on the same channel: the server's ack of a
received event (message ``ack``), the client's answer to an emit (``reply``)
and, when validation is on, the error acks (``validation_error``,
``internal_error``, marked ``x-sio-spec-error``). A reader (and a code
generator, which names a reply union after the channel) therefore sees each
event with its own acks only.

Every message carries ``x-sio-spec-arguments``, the labels of its positional
arguments (``[]``: no data; absent with no payload: not declared). Payloads that
are not a plain ``$ref`` are lifted into ``components/schemas`` under stable names:
``<Event>Payload`` (one argument), ``<Event>Args`` (several), ``<Event>Ack`` (the
server's ack), ``<Event>Reply`` (the client's reply), qualified with the namespace
(``ChatTypingArgs``) when the short name holds another schema.

2.6: the same channels keyed by namespace, ``publish`` lists what clients send,
``subscribe`` what the server emits, messages live in ``components/messages``
and acks are the ``x-ack`` extension of their message (2.6 has no replies);
each ``publish`` / ``subscribe`` has a description listing its events.

The components are titled for code generators by :mod:`.titles`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pydantic_core

from ..errors import SpecError
from ..jsonschema_keywords import REF_PREFIX, schema_ref
from ..model import DEFAULT_VERSION, VERSIONS, EventSpec, Info
from ..names import Names, channel_key, escape_pointer, sanitize
from ..server.error_acks import error_ack_schema, internal_error_ack, validation_error_ack
from ..server.payload import Payload, SchemaMode
from ..server.signature import Arguments
from .examples import ExampleChecker
from .info import info_object, servers_object, tags
from .schemas import SchemaSet, fix_schema, is_binary

CONTENT_TYPE = "application/json"
BINARY = "application/octet-stream"
#: Component names of the error acks (models of :mod:`sio_spec.server.error_acks`).
VALIDATION_ERROR = "SioSpecValidationError"
INTERNAL_ERROR = "SioSpecInternalError"
ARGUMENTS = "x-sio-spec-arguments"
ERROR_MARK = "x-sio-spec-error"


class ExampleWarning(UserWarning):
    """An example that does not match its schema was left out of the document."""


def pascal(text: str) -> str:
    """``make_move`` -> ``MakeMove``, ``chat message`` -> ``ChatMessage``."""
    parts = re.split(r"[^A-Za-z0-9]+", text)
    return "".join(p[:1].upper() + p[1:] for p in parts if p)


def labels(args: Arguments) -> list[str]:
    """The ``x-sio-spec-arguments`` of an argument list."""
    out = [p.name for p in args.params]
    if args.variadic is not None:
        out.append(f"*{args.variadic.name}")
    return out


@dataclass
class _Message:
    """One message of a channel, before it is placed in the document."""

    key: str
    body: dict[str, Any]


@dataclass
class _Operation:
    spec: EventSpec
    main: _Message
    action: str
    replies: list[_Message] = field(default_factory=list)


@dataclass
class _Channel:
    namespace: str
    key: str
    auth: dict[str, Any] | None = None
    receive: list[_Operation] = field(default_factory=list)
    send: list[_Operation] = field(default_factory=list)


_URI_UNSAFE = re.compile(r"[^A-Za-z0-9/._~!$&()*+,;=:@-]")


def _v2_channel_key(namespace: str) -> str:
    """2.6 channel keys are the address as a URI template: characters a template
    cannot hold (spaces, braces, quotes, ``%``) become ``_``; the channel
    description keeps the real namespace."""
    return _URI_UNSAFE.sub("_", namespace)


def _jsonable(value: Any) -> Any:
    return pydantic_core.to_jsonable_python(value)


def _wanted(specs: Iterable[EventSpec]) -> Iterable[tuple[Payload, SchemaMode]]:
    def of(args: Arguments | None, mode: SchemaMode) -> Iterable[tuple[Payload, SchemaMode]]:
        if args is None:
            return
        for p in (*args.params, *((args.variadic,) if args.variadic else ())):
            if p.payload is not None:
                yield p.payload, mode

    for spec in specs:
        if spec.direction == "receive":
            yield from of(spec.args, "validation")
            yield from of(spec.ack, "serialization")
        else:
            yield from of(spec.args, "serialization")
            yield from of(spec.ack, "validation")


class _Builder:
    def __init__(
        self,
        info: Info,
        specs: Sequence[EventSpec],
        version: str,
        validation: bool,
        strict: bool = False,
    ) -> None:
        self.info = info
        self.version = version
        self.validation = validation
        self.strict = strict
        self.specs = sorted(specs, key=lambda s: (s.namespace, s.event, s.direction))
        self.schemas = SchemaSet.collect(_wanted(self.specs))
        self.own_refs: dict[str, str] = {}
        self.errors_checked: set[str] = set()
        self.checker = ExampleChecker(self.schemas.components)
        self.channels = self._channels()

    # -- messages -----------------------------------------------------------------
    def _own_ref(self, name: str) -> str:
        """The ``$ref`` of one of sio-spec's own component schemas (an error ack of
        :mod:`sio_spec.server.error_acks`, by model name), added with the schemas it refers
        to when first used. A name a user's model already took gets a suffix."""
        ref = self.own_refs.get(name)
        if ref is None:

            def own(target: str) -> str:
                if target.startswith(REF_PREFIX):
                    return self._own_ref(target[len(REF_PREFIX) :])
                return target

            schema = fix_schema(error_ack_schema(name), own)
            key = self.schemas.reserve(name, schema)
            ref = self.own_refs[name] = schema_ref(key)
        return ref

    def _payload(
        self, body: dict[str, Any], schema: dict[str, Any] | None, names: Sequence[str]
    ) -> dict[str, Any] | None:
        """Set the message payload, lifted into the components unless it is a ``$ref``."""
        if schema is None:
            return None
        if is_binary(schema):
            body["contentType"] = BINARY
        if not (len(schema) == 1 and isinstance(schema.get("$ref"), str)):
            schema = self.schemas.lift(schema, names)
        body["payload"] = schema
        return schema

    def _examples(
        self,
        body: dict[str, Any],
        spec: EventSpec,
        what: str,
        values: Sequence[Any],
        schema: dict[str, Any] | None,
    ) -> None:
        if not values:
            return
        out = []
        for i, value in enumerate(values):
            data = _jsonable(value)
            if schema is not None:
                problem = self.checker.check(schema, data)
                if problem is not None:
                    text = (
                        f"example {i + 1} of the {what} of event {spec.event!r} "
                        f"(namespace {spec.namespace!r}) does not match its schema: {problem}"
                    )
                    if self.strict:
                        raise SpecError(text)
                    warnings.warn(f"{text}; left out of the document", ExampleWarning, 2)
                    continue
            out.append({"payload": data})
        if out:
            body["examples"] = out

    def _names(self, spec: EventSpec, suffix: str) -> list[str]:
        """Component names for a lifted payload: short, then namespace-qualified."""
        event = pascal(spec.event) or "Event"
        ns = pascal(spec.namespace) or "Root"
        return [f"{event}{suffix}", f"{ns}{event}{suffix}"]

    def _main(self, spec: EventSpec, key: str, mode: SchemaMode) -> _Message:
        body: dict[str, Any] = {"name": spec.event, "title": spec.event}
        if spec.summary:
            body["summary"] = spec.summary
        args = spec.args
        if spec.description:
            body["description"] = spec.description
        elif args is None:
            body["description"] = (
                "The data of this event is not declared (the handler's arguments "
                "have no type hints): any data is accepted."
            )
        elif not args.params and args.variadic is None:
            body["description"] = "This event carries no data."
        if spec.tags:
            body["tags"] = tags(spec.tags)
        if spec.deprecated:
            body["deprecated"] = True
        if args is not None:
            body[ARGUMENTS] = labels(args)
        suffix = "Payload" if args is not None and args.single else "Args"
        schema = self._payload(body, self.schemas.arguments(args, mode), self._names(spec, suffix))
        explicit = spec.examples is not None
        values = (
            list(spec.examples or ()) if explicit else self.schemas.argument_examples(args, mode)
        )
        self._examples(body, spec, "payload", values, schema)
        return _Message(key, body)

    def _ack(
        self, spec: EventSpec, key: str, mode: SchemaMode, title: str, summary: str, suffix: str
    ) -> _Message:
        body: dict[str, Any] = {"title": title, "summary": summary}
        ack = spec.ack
        assert ack is not None
        if not ack.params and ack.variadic is None:
            body["description"] = "An empty acknowledgement (no arguments)."
        body[ARGUMENTS] = labels(ack)
        schema = self._payload(body, self.schemas.arguments(ack, mode), self._names(spec, suffix))
        self._examples(body, spec, "ack", self.schemas.argument_examples(ack, mode), schema)
        return _Message(key, body)

    def _error(self, spec: EventSpec, kind: str) -> _Message:
        example: dict[str, Any]
        if kind == "validation_error":
            args = spec.args
            assert args is not None
            example = validation_error_ack(
                f"invalid payload for event {spec.event!r}",
                spec.event,
                spec.namespace,
                [{"loc": [] if args.single else [0], "msg": "Field required", "type": "missing"}],
            )
            body: dict[str, Any] = {
                "title": f"Validation error for {spec.event}",
                "summary": f"The ack sent instead of calling the handler when the payload of "
                f"{spec.event!r} is invalid.",
            }
        else:
            example = internal_error_ack(
                f"the server could not produce a valid ack for event {spec.event!r}"
            )
            body = {
                "title": f"Internal error for {spec.event}",
                "summary": f"The ack sent when the server could not produce a valid ack for "
                f"{spec.event!r}.",
            }
        body[ARGUMENTS] = ["error"]
        name = VALIDATION_ERROR if kind == "validation_error" else INTERNAL_ERROR
        body["payload"] = {"$ref": self._own_ref(name)}
        if kind not in self.errors_checked:
            # the same template for every event: checked once per document
            self.errors_checked.add(kind)
            problem = self.checker.check(body["payload"], example)
            if problem is not None:
                raise SpecError(f"the {kind} example does not match its schema: {problem}")
        body["examples"] = [{"payload": example}]
        body[ERROR_MARK] = kind
        return _Message(kind, body)

    # -- channels -----------------------------------------------------------------
    def _channels(self) -> list[_Channel]:
        by_ns: dict[str, list[EventSpec]] = {}
        for spec in self.specs:
            by_ns.setdefault(spec.namespace, []).append(spec)
        keys = Names()
        out: list[_Channel] = []
        for namespace in sorted(by_ns):
            channel = _Channel(namespace, keys.take(channel_key(namespace)))
            names = Names()
            for spec in by_ns[namespace]:
                self._add(channel, names, spec)
            out.append(channel)
        return out

    def _add(self, channel: _Channel, names: Names, spec: EventSpec) -> None:
        event = sanitize(spec.event, "event")
        if spec.direction == "receive" and spec.event == "connect":
            if spec.args is not None:
                channel.auth = self.schemas.arguments(spec.args, "validation")
            return
        if spec.direction == "receive":
            op = _Operation(spec, self._main(spec, names.take(event), "validation"), "receive")
            if spec.ack is not None:
                op.replies.append(
                    self._ack(
                        spec,
                        "ack",
                        "serialization",
                        f"Acknowledgement for {spec.event}",
                        f"What the server answers to {spec.event!r}.",
                        "Ack",
                    )
                )
            if self.validation and spec.args is not None and spec.args.validated:
                op.replies.append(self._error(spec, "validation_error"))
            if self.validation and spec.ack is not None and spec.ack.validated:
                op.replies.append(self._error(spec, "internal_error"))
            channel.receive.append(op)
        else:
            key = event if event not in names else f"{event}.send"
            op = _Operation(spec, self._main(spec, names.take(key), "serialization"), "send")
            if spec.ack is not None:
                op.replies.append(
                    self._ack(
                        spec,
                        "reply",
                        "validation",
                        f"Client reply to {spec.event}",
                        f"What the client answers when the server emits {spec.event!r} "
                        "with call() or callback=.",
                        "Reply",
                    )
                )
            channel.send.append(op)

    def _auth_fields(self, schema: Any) -> str:
        """The connect ``auth`` schema in words: its fields, their types, which are
        required (templates do not show ``x-`` extensions)."""
        target = self.schemas.resolve(schema)
        props = target.get("properties") if isinstance(target, dict) else None
        if not isinstance(props, dict) or not props:
            kind = target.get("type") if isinstance(target, dict) else None
            return f" (a {kind})" if isinstance(kind, str) else ""
        required = target.get("required") or ()
        parts = []
        for name, prop in props.items():
            prop = self.schemas.resolve(prop)
            kind = prop.get("type") if isinstance(prop, dict) else None
            facts = [kind] if isinstance(kind, str) else []
            facts.append("required" if name in required else "optional")
            parts.append(f"`{name}` ({', '.join(facts)})")
        return ": " + ", ".join(parts)

    def _auth_description(self, channel: _Channel) -> str:
        """How clients connect to the namespace, in words (empty without auth)."""
        if channel.auth is None:
            return ""
        text = (
            f" Clients connect to `{channel.namespace}` with an `auth` payload"
            f"{self._auth_fields(channel.auth)}; its schema is the namespace's `x-connect-auth`."
        )
        if self.validation:
            text += (
                " An invalid `auth` refuses the connection: the client gets "
                "`connect_error` with message `validation_error`."
            )
        return text

    def _channel_description(self, channel: _Channel) -> str:
        return f"Socket.IO namespace `{channel.namespace}`." + self._auth_description(channel)

    @staticmethod
    def _op_description(op: _Operation) -> str:
        spec = op.spec
        if spec.description:
            return spec.description
        if spec.direction == "receive":
            return f"Clients emit `{spec.event}` on `{spec.namespace}`; the server handles it."
        return f"The server emits `{spec.event}` on `{spec.namespace}`."

    # -- 3.x ----------------------------------------------------------------------
    def _head(self) -> tuple[dict[str, Any], Any]:
        """``asyncapi``, ``info``, ``defaultContentType`` and ``servers``, in that order,
        and what of the info this version keeps outside ``info``."""
        info, extra = info_object(self.info, self.version)
        doc: dict[str, Any] = {
            "asyncapi": self.version,
            "info": info,
            "defaultContentType": CONTENT_TYPE,
        }
        servers = servers_object(self.info.servers, self.version)
        if servers:
            doc["servers"] = servers
        return doc, extra

    def v3(self) -> dict[str, Any]:
        doc, _ = self._head()
        channels: dict[str, Any] = {}
        operations: dict[str, Any] = {}
        op_names = Names()
        chan_names = Names()
        for ch in self.channels:
            chan_names.take(ch.key)
        for ch in self.channels:
            body: dict[str, Any] = {
                "address": ch.namespace,
                "title": f"Namespace {ch.namespace}",
                "description": self._channel_description(ch),
            }
            if ch.auth is not None:
                body["x-connect-auth"] = ch.auth
            channels[ch.key] = body
            for ops in (ch.receive, ch.send):
                for op in ops:
                    event = sanitize(op.spec.event, "event")
                    base = f"{ch.key}_{event}"
                    chan_key = chan_names.take(
                        base if base not in chan_names else f"{base}_{op.action}"
                    )
                    channels[chan_key] = self._v3_event_channel(op, ch)
                    key = op_names.take(f"{ch.key}.{event}.{op.action}")
                    operations[key] = self._v3_operation(op, chan_key)
        doc["channels"] = channels
        doc["operations"] = operations
        if self.schemas.components:
            doc["components"] = {"schemas": self.schemas.sorted_components(doc["channels"])}
        return doc

    def _v3_event_channel(self, op: _Operation, ch: _Channel) -> dict[str, Any]:
        """The channel of one event and direction: the event and its replies."""
        spec = op.spec
        if op.action == "receive":
            text = f"Clients emit `{spec.event}` on `{spec.namespace}`"
            if op.replies:
                text += "; the server's acknowledgements come back on it (matched by packet id)"
        else:
            text = f"The server emits `{spec.event}` on `{spec.namespace}`"
            if op.replies:
                text += "; the client's reply comes back on it (matched by packet id)"
        keys = Names()
        op.main = _Message(keys.take(sanitize(spec.event, "event")), op.main.body)
        op.replies = [_Message(keys.take(m.key), m.body) for m in op.replies]
        body: dict[str, Any] = {
            "address": ch.namespace,
            "title": f"{spec.event} on {spec.namespace}",
            "description": text + "." + self._auth_description(ch),
            "messages": {m.key: m.body for m in (op.main, *op.replies)},
        }
        return body

    def _v3_operation(self, op: _Operation, chan_key: str) -> dict[str, Any]:
        chan_ref = f"#/channels/{escape_pointer(chan_key)}"

        def ref(m: _Message) -> dict[str, str]:
            return {"$ref": f"{chan_ref}/messages/{escape_pointer(m.key)}"}

        spec = op.spec
        body: dict[str, Any] = {
            "action": op.action,
            "channel": {"$ref": chan_ref},
            "title": f"{spec.event} ({'from' if op.action == 'receive' else 'to'} clients)",
        }
        if spec.summary:
            body["summary"] = spec.summary
        body["description"] = self._op_description(op)
        if spec.tags:
            body["tags"] = tags(spec.tags)
        body["messages"] = [ref(op.main)]
        if op.replies:
            body["reply"] = {
                "channel": {"$ref": chan_ref},
                "messages": [ref(m) for m in op.replies],
            }
        return body

    # -- 2.6 ----------------------------------------------------------------------
    def v2(self) -> dict[str, Any]:
        doc, extra = self._head()
        channels: dict[str, Any] = {}
        messages: dict[str, Any] = {}
        v2_keys = Names()
        for ch in self.channels:
            body: dict[str, Any] = {"description": self._channel_description(ch)}
            for kind, ops, what in (
                ("publish", ch.receive, "Events clients send to"),
                ("subscribe", ch.send, "Events the server emits on"),
            ):
                if not ops:
                    continue
                refs = []
                for op in ops:
                    name = f"{ch.key}.{op.main.key}"
                    message = {"messageId": name, **op.main.body}
                    if op.replies:
                        acks = [m.body for m in op.replies]
                        message["x-ack"] = acks[0] if len(acks) == 1 else {"oneOf": acks}
                    messages[name] = message
                    refs.append({"$ref": f"#/components/messages/{escape_pointer(name)}"})
                events = ", ".join(f"`{op.spec.event}`" for op in ops)
                body[kind] = {
                    "operationId": f"{ch.key}.{kind}",
                    "summary": f"{what} `{ch.namespace}`.",
                    "description": f"{what} `{ch.namespace}`: {events}.",
                    "message": refs[0] if len(refs) == 1 else {"oneOf": refs},
                }
            if ch.auth is not None:
                body["x-connect-auth"] = ch.auth
            channels[v2_keys.take(_v2_channel_key(ch.namespace))] = body
        doc["channels"] = channels
        components: dict[str, Any] = {}
        if self.schemas.components:
            components["schemas"] = self.schemas.sorted_components([channels, messages])
        if messages:
            components["messages"] = messages
        if components:
            doc["components"] = components
        doc.update(extra)
        return doc


def build(
    info: Info,
    specs: list[EventSpec],
    *,
    version: str = DEFAULT_VERSION,
    validation: bool = True,
    strict: bool = False,
) -> dict[str, Any]:
    """The AsyncAPI document of ``specs`` as a plain dict (JSON data only).

    Raises :class:`~sio_spec.errors.SpecError` for an unknown version or a
    malformed server. An example that does not match its payload schema is left
    out with an :class:`ExampleWarning` naming it; with ``strict=True`` it raises
    :class:`~sio_spec.errors.SpecError` instead.
    """
    if version not in VERSIONS:
        raise SpecError(f"unknown AsyncAPI version {version!r}; use one of {', '.join(VERSIONS)}")
    builder = _Builder(info, specs, version, validation, strict)
    return builder.v3() if version.startswith("3.") else builder.v2()

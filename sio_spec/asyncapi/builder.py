"""The registry's event specs as an AsyncAPI 3.0.0 / 3.1.0 / 2.6.0 document.

Mapping (3.x): one channel per namespace (``/`` -> key ``root``, ``/chat`` ->
``chat``); one message per event and direction in that channel
(``make_move`` received, ``make_move.ack`` its ack, ``make_move.error`` the
validation error sent as the ack, ``game_created`` emitted, ``game_created.reply``
the client's answer to a ``call()``); one operation per event and direction
(``root.make_move.receive`` with ``action: receive``, ``root.game_created.send``
with ``action: send``), acks as the operation's ``reply`` on the same channel.
The connect ``auth`` payload is the ``x-connect-auth`` schema of its channel.

2.6: the same channels keyed by namespace, ``publish`` lists what clients send,
``subscribe`` what the server emits, messages live in ``components/messages``
and acks are the ``x-ack`` extension of their message (2.6 has no replies).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pydantic_core

from ..error_acks import error_ack_schema, validation_error_ack
from ..errors import SpecError
from ..model import VERSIONS, EventSpec, Info
from ..payload import Payload, SchemaMode
from ..signature import Arguments
from .examples import ExampleChecker
from .info import info_object, servers_object, tags
from .names import Names, channel_key, escape_pointer, sanitize
from .schemas import REF_PREFIX, SchemaSet, fix_schema, is_binary

CONTENT_TYPE = "application/json"
BINARY = "application/octet-stream"
#: Component name of the validation error ack (a model of :mod:`sio_spec.error_acks`).
VALIDATION_ERROR = "SioSpecValidationError"


@dataclass
class _Message:
    """One message of a channel, before it is placed in the document."""

    key: str
    body: dict[str, Any]


@dataclass
class _Operation:
    spec: EventSpec
    main: _Message
    replies: list[_Message] = field(default_factory=list)


@dataclass
class _Channel:
    namespace: str
    key: str
    auth: dict[str, Any] | None = None
    messages: list[_Message] = field(default_factory=list)
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
        self, info: Info, specs: Sequence[EventSpec], version: str, validation: bool
    ) -> None:
        self.info = info
        self.version = version
        self.validation = validation
        self.specs = sorted(specs, key=lambda s: (s.namespace, s.event, s.direction))
        self.schemas = SchemaSet.collect(_wanted(self.specs))
        self.own_refs: dict[str, str] = {}
        self.error_checked = False
        self.checker = ExampleChecker(self.schemas.components)
        self.channels = self._channels()

    # -- messages -----------------------------------------------------------------
    def _own_ref(self, name: str) -> str:
        """The ``$ref`` of one of sio-spec's own component schemas (an error ack of
        :mod:`sio_spec.error_acks`, by model name), added with the schemas it refers
        to when first used. A name a user's model already took gets a suffix."""
        ref = self.own_refs.get(name)
        if ref is None:

            def own(target: str) -> str:
                if target.startswith(REF_PREFIX):
                    return self._own_ref(target[len(REF_PREFIX) :])
                return target

            schema = fix_schema(error_ack_schema(name), own)
            key = self.schemas.reserve(name, schema)
            ref = self.own_refs[name] = REF_PREFIX + escape_pointer(key)
        return ref

    def _payload(self, body: dict[str, Any], schema: dict[str, Any] | None) -> None:
        if schema is None:
            return
        if is_binary(schema):
            body["contentType"] = BINARY
        body["payload"] = schema

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
                    raise SpecError(
                        f"example {i + 1} of the {what} of event {spec.event!r} "
                        f"(namespace {spec.namespace!r}) does not match its schema: {problem}"
                    )
            out.append({"payload": data})
        body["examples"] = out

    def _main(self, spec: EventSpec, key: str, mode: SchemaMode) -> _Message:
        body: dict[str, Any] = {"name": spec.event, "title": spec.event}
        if spec.summary:
            body["summary"] = spec.summary
        if spec.description:
            body["description"] = spec.description
        elif spec.args is not None and not spec.args.params and spec.args.variadic is None:
            body["description"] = "This event carries no data."
        if spec.tags:
            body["tags"] = tags(spec.tags)
        if spec.deprecated:
            body["deprecated"] = True
        schema = self.schemas.arguments(spec.args, mode)
        self._payload(body, schema)
        explicit = spec.examples is not None
        values = (
            list(spec.examples or ())
            if explicit
            else self.schemas.argument_examples(spec.args, mode)
        )
        self._examples(body, spec, "payload", values, schema)
        return _Message(key, body)

    def _ack(
        self, spec: EventSpec, key: str, mode: SchemaMode, title: str, summary: str
    ) -> _Message:
        body: dict[str, Any] = {"title": title, "summary": summary}
        assert spec.ack is not None
        if not spec.ack.params and spec.ack.variadic is None:
            body["description"] = "An empty acknowledgement (no arguments)."
        schema = self.schemas.arguments(spec.ack, mode)
        self._payload(body, schema)
        self._examples(body, spec, "ack", self.schemas.argument_examples(spec.ack, mode), schema)
        return _Message(key, body)

    def _error(self, spec: EventSpec, key: str) -> _Message:
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
            "payload": {"$ref": self._own_ref(VALIDATION_ERROR)},
        }
        if not self.error_checked:
            # the same template for every event: checked once per document
            self._examples(body, spec, "validation error", [example], body["payload"])
            self.error_checked = True
        body["examples"] = [{"payload": example}]
        return _Message(key, body)

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
            op = _Operation(spec, self._main(spec, names.take(event), "validation"))
            if spec.ack is not None:
                op.replies.append(
                    self._ack(
                        spec,
                        names.take(f"{event}.ack"),
                        "serialization",
                        f"Acknowledgement for {spec.event}",
                        f"What the server answers to {spec.event!r}.",
                    )
                )
            if self.validation and spec.args is not None and spec.args.validated:
                op.replies.append(self._error(spec, names.take(f"{event}.error")))
            channel.receive.append(op)
        else:
            key = event if event not in names else f"{event}.send"
            op = _Operation(spec, self._main(spec, names.take(key), "serialization"))
            if spec.ack is not None:
                op.replies.append(
                    self._ack(
                        spec,
                        names.take(f"{event}.reply"),
                        "validation",
                        f"Client reply to {spec.event}",
                        f"What the client answers when the server emits {spec.event!r} "
                        "with call() or callback=.",
                    )
                )
            channel.send.append(op)
        channel.messages.append(op.main)
        channel.messages.extend(op.replies)

    def _channel_description(self, channel: _Channel) -> str:
        text = f"Socket.IO namespace `{channel.namespace}`."
        if channel.auth is not None:
            text += (
                " Clients send an `auth` payload when they connect; its schema is `x-connect-auth`."
            )
            if self.validation:
                text += (
                    " An invalid `auth` refuses the connection: the client gets "
                    "`connect_error` with message `validation_error`."
                )
        return text

    @staticmethod
    def _op_description(op: _Operation) -> str:
        spec = op.spec
        if spec.description:
            return spec.description
        if spec.direction == "receive":
            who = f" (handler `{spec.handler_name}`)" if spec.handler_name else ""
            return f"Clients emit `{spec.event}` on `{spec.namespace}`; the server handles it{who}."
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
        for ch in self.channels:
            body: dict[str, Any] = {
                "address": ch.namespace,
                "title": f"Namespace {ch.namespace}",
                "description": self._channel_description(ch),
            }
            if ch.messages:
                body["messages"] = {m.key: m.body for m in ch.messages}
            if ch.auth is not None:
                body["x-connect-auth"] = ch.auth
            channels[ch.key] = body
            chan_ref = f"#/channels/{escape_pointer(ch.key)}"
            for action, ops in (("receive", ch.receive), ("send", ch.send)):
                for op in ops:
                    key = op_names.take(f"{ch.key}.{op.main.key}.{action}")
                    operations[key] = self._v3_operation(op, action, chan_ref)
        doc["channels"] = channels
        doc["operations"] = operations
        if self.schemas.components:
            doc["components"] = {"schemas": self.schemas.sorted_components()}
        return doc

    def _v3_operation(self, op: _Operation, action: str, chan_ref: str) -> dict[str, Any]:
        def ref(m: _Message) -> dict[str, str]:
            return {"$ref": f"{chan_ref}/messages/{escape_pointer(m.key)}"}

        spec = op.spec
        body: dict[str, Any] = {"action": action, "channel": {"$ref": chan_ref}}
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
                body[kind] = {
                    "operationId": f"{ch.key}.{kind}",
                    "summary": f"{what} `{ch.namespace}`.",
                    "message": refs[0] if len(refs) == 1 else {"oneOf": refs},
                }
            if ch.auth is not None:
                body["x-connect-auth"] = ch.auth
            channels[v2_keys.take(_v2_channel_key(ch.namespace))] = body
        doc["channels"] = channels
        components: dict[str, Any] = {}
        if self.schemas.components:
            components["schemas"] = self.schemas.sorted_components()
        if messages:
            components["messages"] = messages
        if components:
            doc["components"] = components
        doc.update(extra)
        return doc


def build(
    info: Info, specs: list[EventSpec], *, version: str = "3.0.0", validation: bool = True
) -> dict[str, Any]:
    """The AsyncAPI document of ``specs`` as a plain dict (JSON data only).

    Raises :class:`~sio_spec.errors.SpecError` for an unknown version, a malformed
    server, or an example that does not match its payload schema.
    """
    if version not in VERSIONS:
        raise SpecError(f"unknown AsyncAPI version {version!r}; use one of {', '.join(VERSIONS)}")
    builder = _Builder(info, specs, version, validation)
    return builder.v3() if version.startswith("3.") else builder.v2()

"""Events, namespaces and the whole module."""

from __future__ import annotations

import json
import re

from ..contract import Ack, Argument, Event, Namespace
from .text import (
    _HELPERS,
    RECEIVE,
    SEND,
    View,
    _comment_text,
    _jsdoc,
    _json,
    _key,
    _members_of,
    _param,
    _type_name,
    _union,
    _wrap,
)
from .types import _TypeWriter


class _Writer(_TypeWriter):
    """Writes the module: the types, then each namespace's event maps."""

    # -- events -------------------------------------------------------------------------------
    def params(
        self,
        args: tuple[Argument, ...],
        view: View,
        taken: set[str],
        base: str,
        single: str = "data",
    ) -> list[tuple[str, bool, str]]:
        """``(name, optional, type)`` of each argument; after an optional argument
        every later one is optional too. ``base`` names the types of inline object
        schemas (``<base>`` for one argument, ``<base><Argument>`` for several)."""
        unnamed = all(re.fullmatch(r"arg\d+", a.name) for a in args)
        out = []
        optional = False
        for arg in args:
            label = single if unnamed and len(args) == 1 else arg.name
            optional = optional or not arg.required
            text = self.ts(arg.schema, view, "  ")
            if "\n" in text:
                suffix = "" if len(args) == 1 else _type_name(label[:1].upper() + label[1:])
                text = self.hoist(arg.schema, view, base + suffix)
            out.append((_param(label, taken), optional, text))
        return out

    @staticmethod
    def _list(params: list[tuple[str, bool, str]], optional: bool = True) -> str:
        return ", ".join(f"{n}{'?' if o and optional else ''}: {t}" for n, o, t in params)

    def callback(self, ack: Ack, view: View, base: str) -> str:
        """The type of the ack callback: it receives the ack's arguments, or one
        error ack."""
        errors = [self.names.get((e, view), "unknown") for e in ack.errors]
        if ack.args is None:
            return "(...args: unknown[]) => void"
        if not ack.args:
            return f"(error?: {_union(errors)}) => void" if errors else "() => void"
        params = self.params(ack.args, view, set(), base, single="ack")
        if not errors:
            return f"({self._list(params)}) => void"
        if len(params) == 1:
            name, optional, text = params[0]
            both = _union([*_members_of(text), *errors])
            return f"({name}{'?' if optional else ''}: {both}) => void"
        variants = [f"[{self._list(params)}]", f"[error: {_union(errors)}]"]
        return f"(...args: {' | '.join(variants)}) => void"

    def signature(self, event: Event, prefix: str) -> str:
        """The listener type of an event in socket.io's typed-events convention."""
        sent: View = SEND if event.direction == "client-to-server" else RECEIVE
        answered: View = RECEIVE if sent == SEND else SEND
        words = re.findall(r"[A-Za-z0-9]+", event.name)
        base = prefix + "".join(w[:1].upper() + w[1:] for w in words)
        if sent == SEND:
            payload, answer = base + "Payload", base + "Ack"
        else:
            payload, answer = base + "Message", base + "Reply"
        if event.args is None:
            if event.ack is None or (event.direction == "client-to-server" and not event.ack.args):
                return "(...args: unknown[]) => void"
            # not declared, but answered with data: no argument or one of any type
            # (``{} | null | undefined`` is ``unknown`` without swallowing the
            # callback's type where the two positions meet)
            callback = self.callback(event.ack, answered, answer)
            return (
                f"(...args: [callback: {callback}] | "
                f"[data: {{}} | null | undefined, callback: {callback}]) => void"
            )
        taken: set[str] = set()
        params = self.params(event.args, sent, taken, payload)
        if event.ack is None:
            return f"({self._list(params)}) => void"
        callback = f"{_param('callback', taken)}: {self.callback(event.ack, answered, answer)}"
        # socket.io-client's emitWithAck and timeout() need the callback as the last,
        # required element; when it may be left out, or an optional argument comes
        # before it, every accepted argument list is spelled out.
        optional_callback = event.direction == "client-to-server" and not event.ack.args
        lowest = next((i for i, p in enumerate(params) if p[1]), len(params))
        if lowest == len(params) and not optional_callback:
            return f"({', '.join(filter(None, [self._list(params), callback]))}) => void"
        variants = []
        for count in range(lowest, len(params) + 1):
            head = self._list(params[:count], optional=False)
            if optional_callback:
                variants.append(f"[{head}]")
            variants.append(f"[{', '.join(filter(None, [head, callback]))}]")
        return f"(...args: {' | '.join(variants)}) => void"

    def event_doc(self, event: Event) -> list[str]:
        lines: list[str] = []
        if event.summary:
            lines.extend(_comment_text(event.summary))
        if event.description and event.description != event.summary:
            if lines:
                lines.append("")
            lines.extend(_comment_text(event.description))
        tags = []
        for example in event.examples:
            tags.append("@example " + ", ".join(_json(v) for v in example))
        if event.deprecated:
            tags.append("@deprecated")
        if tags and lines:
            lines.append("")
        for tag in tags:
            lines.extend(_comment_text(tag))
        return lines

    def namespace(self, ns: Namespace) -> list[str]:
        to_server, to_client, auth = self.fixed[ns.path]
        out: list[str] = []
        label = json.dumps(ns.path)
        if ns.auth is not None:
            out.extend(_jsdoc([f"The `auth` payload of a connection to namespace {label}."], ""))
            out.append(f"export type {auth} = {self.ts(ns.auth, SEND, '')};")
            out.append("")
        for direction, name, text in (
            (
                "client-to-server",
                to_server,
                f"Events clients emit on namespace {label}:\nthe second type argument of "
                "socket.io-client's `Socket`.",
            ),
            (
                "server-to-client",
                to_client,
                f"Events the server emits on namespace {label}:\nthe first type argument of "
                "socket.io-client's `Socket`.",
            ),
        ):
            out.extend(_jsdoc(text.split("\n"), ""))
            events = [e for e in ns.events if e.direction == direction]
            if not events:
                out.append(f"export interface {name} {{}}")
            else:
                out.append(f"export interface {name} {{")
                for event in events:
                    out.extend(_jsdoc(self.event_doc(event), "  "))
                    signature = self.signature(event, self.prefixes[ns.path])
                    out.append(_wrap(f"  {_key(event.name)}: {signature};", "  "))
                out.append("}")
            out.append("")
        return out

    # -- the module ---------------------------------------------------------------------------
    def module(self) -> str:
        contract = self.contract
        body: list[str] = []
        for name, view, type_name in self.order:
            body.extend(self.named(name, view, type_name))
            body.append("")
        events: list[str] = []
        for ns in contract.namespaces:
            events.extend(self.namespace(ns))
        body.extend(self.hoisted)  # inline schemas of events, named while writing them
        body.extend(events)
        head = [
            f"// TypeScript types of {json.dumps(contract.title)} {json.dumps(contract.version)}"
            " for socket.io-client.",
            "// Written by sio-spec from the AsyncAPI document: do not edit, regenerate.",
            "",
        ]
        for helper in ("SioSpecBlob", "SioSpecBinary", "SioSpecReceivedBinary"):
            if helper in self.helpers:
                head.extend(_HELPERS[helper])
                head.append("")
        if not contract.namespaces and not self.order:
            head.append("export {};")
            head.append("")
        text = "\n".join([*head, *body]).rstrip("\n") + "\n"
        return text

"""The server's validation pipeline with the directions swapped, for a client.

What a client receives are the server's emits, what it sends the server's events:
:class:`ClientPipeline` is :class:`~sio_spec.pipeline.Pipeline` with those two
lookups and the error classes of the client's side, so the client hooks make the
same decisions (``before`` / ``after`` around a handler, ``outgoing`` for an emit,
``call_result`` for a ``call()``) as the server adapters. What only a client does
is added here: connect ``auth`` checked before connecting, the server's error acks
recognized, and the type hints of the client's handlers turned into models.

Plans come from a :class:`~sio_spec.SocketIOSpec` (the server's own models: values
arrive as model instances) or from a contract read from an AsyncAPI document
(validators compiled once from its schemas).
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..contract import Contract
from ..errors import (
    AckValidationError,
    EmitValidationError,
    ErrorDetail,
    RemoteInternalError,
    RemoteValidationError,
    ResponseValidationError,
    ValidationError,
)
from ..payload import PayloadInvalid
from ..pipeline import ANSWER, CALL, Decision, Pipeline, error_payload, in_call, serialize_any
from ..plans import auth_spec, event_spec
from ..registry import EventSpec, Registry
from ..signature import Arguments, ack_values, arguments_from_handler

if TYPE_CHECKING:
    from ..spec import SocketIOSpec

logger = logging.getLogger("sio_spec.client")

#: Events python-socketio's client triggers itself; they carry no server payload.
RESERVED = frozenset({"connect", "connect_error", "disconnect", "__disconnect_final"})
MAX_DETAILS = 100
#: Characters kept of each text of a server's error details (``msg``, ``type``, a
#: ``loc`` entry), and entries kept of a ``loc``: a hostile server's answer stays small.
MAX_DETAIL_TEXT = 300
MAX_LOC = 32

UnknownEvents = Literal["raise", "warn", "allow"]

InvalidEventHook = Callable[[ValidationError], object]


@dataclass
class Plans:
    """The checks of one contract, by ``(namespace, event)``."""

    sends: dict[tuple[str, str], EventSpec] = field(default_factory=dict)
    """Client events: ``args`` is what the server accepts, ``ack`` what it answers."""
    receives: dict[tuple[str, str], EventSpec] = field(default_factory=dict)
    """Server events: ``args`` is what the server sends, ``ack`` the client's reply."""
    auth: dict[str, EventSpec] = field(default_factory=dict)
    """Connect auth per namespace."""
    error_acks: bool = False
    """Whether the server answers invalid payloads with its error acks."""

    @classmethod
    def of_specs(cls, specs: Iterable[EventSpec], error_acks: bool) -> Plans:
        plans = cls(error_acks=error_acks)
        for spec in specs:
            key = (spec.namespace, spec.event)
            if spec.direction == "send":
                plans.receives[key] = spec
            elif spec.event == "connect":
                if spec.args is not None:
                    plans.auth[spec.namespace] = spec
            else:
                plans.sends[key] = spec
        return plans

    @classmethod
    def of_contract(cls, contract: Contract) -> Plans:
        specs = [event_spec(contract, event) for event in contract.events()]
        for ns in contract.namespaces:
            auth = auth_spec(contract, ns.path)
            if auth is not None:
                specs.append(auth)
        errors = any(e.ack is not None and e.ack.errors for e in contract.events())
        return cls.of_specs(specs, errors)


def _details(value: Any) -> list[ErrorDetail]:
    """The server's error details, kept to their documented shape."""
    if not isinstance(value, list):
        return []
    out: list[ErrorDetail] = []
    for item in value[:MAX_DETAILS]:
        if isinstance(item, Mapping):
            loc = item.get("loc")
            out.append(
                {
                    "loc": [
                        p if isinstance(p, int) else _text(p)
                        for p in loc[:MAX_LOC]
                        if isinstance(p, (str, int)) and not isinstance(p, bool)
                    ]
                    if isinstance(loc, list)
                    else [],
                    "msg": _text(item.get("msg", "")),
                    "type": _text(item.get("type", "")),
                }
            )
    return out


def _text(value: Any) -> str:
    """A server's text on one line, at most :data:`MAX_DETAIL_TEXT` characters."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > 4 * MAX_DETAIL_TEXT:
        text = text[: 4 * MAX_DETAIL_TEXT]
    text = " ".join(text.split())
    return text if len(text) <= MAX_DETAIL_TEXT else text[: MAX_DETAIL_TEXT - 3] + "..."


def remote_error(event: str, namespace: str, values: tuple[Any, ...]) -> ValidationError | None:
    """The server's error ack among ``values`` as an exception: ``validation_error``
    gives :class:`RemoteValidationError` (with the server's details),
    ``internal_error`` :class:`RemoteInternalError`; ``None`` for any other ack."""
    if len(values) != 1 or not isinstance(values[0], Mapping):
        return None
    ack = values[0]
    kind = ack.get("error")
    if kind == "validation_error" and "detail" in ack:
        return RemoteValidationError(event, namespace, _details(ack.get("detail")))
    if kind == "internal_error" and set(ack) == {"error", "message"}:
        return RemoteInternalError(event, namespace, _text(ack.get("message")))
    return None


class ClientPipeline(Pipeline):
    """The validation steps of a client, held to a contract.

    Received events are the server's emits (an invalid one is a server emit outside
    the contract, :class:`EmitValidationError`), the client's replies to server
    calls are checked like acks (:class:`ResponseValidationError`), emits like the
    server's (:class:`EmitValidationError`) and the server's acks like clients'
    replies (:class:`AckValidationError`; the server's own error acks raise
    :class:`RemoteValidationError` / :class:`RemoteInternalError` first).
    """

    request_error = EmitValidationError
    reply_error = ResponseValidationError
    emit_error = EmitValidationError
    peer_reply_error = AckValidationError
    sid_first = False

    def __init__(
        self,
        plans: Plans,
        spec: SocketIOSpec | None = None,
        *,
        handlers: Mapping[str, Mapping[str, Callable[..., Any]]] | None = None,
        on_invalid_event: InvalidEventHook | None = None,
        unknown_events: UnknownEvents = "raise",
    ) -> None:
        if unknown_events not in ("raise", "warn", "allow"):
            from ..errors import SpecError

            raise SpecError("unknown_events must be 'raise', 'warn' or 'allow'")
        self.unknown_events = unknown_events
        self._warned: set[tuple[str, str]] = set()
        self._plans = plans
        self._spec = spec
        self._revision = -1
        # the client's own table, kept by reference: handlers registered later count
        self._handlers = handlers if handlers is not None else {}
        self._hints: dict[Callable[..., Any], Arguments | None] = {}
        self.on_invalid_event = on_invalid_event
        if spec is None:  # fixed plans: look them up directly (the per-message path)
            receives, sends = plans.receives, plans.sends
            super().__init__(
                Registry(),
                received=lambda event, ns: receives.get((ns, event)),
                sent=lambda event, ns: sends.get((ns, event)),
            )
        else:
            super().__init__(Registry(), received=self._received, sent=self._sent)
        self.fallback = self._invalid

    # -- the plans -------------------------------------------------------------------------
    def plans(self) -> Plans:
        """The current plans: fixed, or rebuilt when the spec's registry changed."""
        spec = self._spec
        if spec is not None and spec.registry.revision != self._revision:
            # handlers or emits were declared on the server's spec since: rebuild
            self._revision = spec.registry.revision
            self._plans = Plans.of_specs(spec.specs(), spec.validate)
        return self._plans

    def _received(self, event: Any, namespace: str) -> EventSpec | None:
        return self.plans().receives.get((namespace, event))

    def _sent(self, event: Any, namespace: str) -> EventSpec | None:
        return self.plans().sends.get((namespace, event))

    # -- what only a client does -----------------------------------------------------------
    def outgoing(
        self, event: str, namespace: str | None, data: Any, callback: Callable[..., Any] | None
    ) -> tuple[Any, Callable[..., Any] | None]:
        """As the server's; an event the contract does not describe raises
        :class:`EmitValidationError` naming the closest described event (logged at
        WARNING instead with ``unknown_events="warn"``, sent with ``"allow"``)."""
        ns = namespace or "/"
        data, spec = self.emit(event, ns, data)
        if spec is None:
            if self.unknown_events != "allow":
                self._unknown(event, ns)
            return data, callback
        if callback is not None and not in_call.get():
            callback = self.wrap_callback(spec, callback)
        return data, callback

    def _unknown(self, event: Any, namespace: str) -> None:
        described = sorted(name for ns, name in self.plans().sends if ns == namespace)
        if not isinstance(event, str):
            hint = ""
        elif described:
            close = difflib.get_close_matches(event, described, n=1, cutoff=0.0)
            hint = f"; the closest described event is {close[0]!r}" if close else ""
        else:
            hint = "; it describes no client event in this namespace"
        problem: ErrorDetail = {
            "loc": [],
            "msg": f"the contract does not describe this event on {namespace!r}{hint}",
            "type": "unknown_event",
        }
        error = EmitValidationError(event, namespace, [problem])
        if self.unknown_events == "raise":
            raise error
        key = (namespace, str(event))
        if key not in self._warned:
            self._warned.add(key)
            logger.warning("%s (sent anyway: unknown_events='warn')", error)

    def before(self, event: Any, namespace: str, args: tuple[Any, ...]) -> Decision:
        """As the server's; then, when the client's handler for the event has type hints,
        the values as they arrived are validated into the handler's own models (which
        need not be the server's classes)."""
        decision = super().before(event, namespace, args)
        if decision[0] != CALL:
            return decision
        handler = self._handlers.get(namespace, {}).get(event)
        hints = self._handler_hints(handler) if handler is not None else None
        if hints is None:
            return decision
        try:
            return CALL, hints.validate(args), decision[2]
        except PayloadInvalid as exc:
            error = self.request_error(event, namespace, exc.details)
            return ANSWER, self.handler_for(namespace)(error, ""), None

    def auth(self, namespace: str, auth: Any) -> Any:
        """Connect ``auth`` checked against the namespace's declared auth and
        serialized; raises :class:`EmitValidationError` (event ``connect``)."""
        spec = self.plans().auth.get(namespace)
        checked = None if spec is None else spec.args
        try:
            if checked is None:
                return serialize_any(auth)
            return checked.outgoing(auth)
        except PayloadInvalid as exc:
            raise EmitValidationError("connect", namespace, exc.details) from None

    def client_ack(self, spec: EventSpec, values: tuple[Any, ...]) -> tuple[Any, ...]:
        """The server's ack: its error acks raise first, then the declared ack."""
        if self.plans().error_acks:
            error = remote_error(spec.event, spec.namespace, values)
            if error is not None:
                raise error
        return super().client_ack(spec, values)

    def call_result(self, event: str, namespace: str | None, result: Any) -> Any:
        """What ``call()`` returned; the server's error acks raise also for events the
        contract does not list."""
        if self.sent(event, namespace or "/") is None and self.plans().error_acks:
            error = remote_error(event, namespace or "/", ack_values(result))
            if error is not None:
                raise error
        return super().call_result(event, namespace, result)

    def _invalid(self, error: ValidationError, sid: str) -> Any:
        """The client's answer to what breaks the contract: a server event outside it
        is not handed to the handler (logged at WARNING, ``on_invalid_event`` told);
        an invalid reply of the client's handler is not sent (logged at ERROR). Either
        way the server, if it asked for a reply, gets the error ack a server sends."""
        if isinstance(error, ResponseValidationError):
            logger.error("invalid reply to the server's call of %s", error.event, exc_info=error)
        else:
            logger.warning("ignored server event %r [%s]: %s", error.event, error.namespace, error)
            if self.on_invalid_event is not None:
                self.on_invalid_event(error)
        return error_payload(error)

    def _handler_hints(self, handler: Callable[..., Any]) -> Arguments | None:
        try:
            return self._hints[handler]
        except KeyError:
            pass
        try:
            hints = arguments_from_handler(handler, 0)
        except Exception as err:  # hints pydantic cannot use: the handler gets raw values
            logger.error("cannot use the type hints of %r: %s", handler, err)
            hints = None
        self._hints[handler] = hints
        return hints

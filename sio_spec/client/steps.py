"""What a validated client checks, as pure steps shared by the sync and async hooks.

The server pipeline with the directions swapped: what the client sends is checked
against what the server accepts (and serialized), what it receives against what
the server sends. Plans come from a :class:`~sio_spec.SocketIOSpec` (the server's
own models: values arrive as model instances) or from a contract read from an
AsyncAPI document (validators compiled once from its schemas).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..contract import Contract
from ..error_acks import internal_error_ack
from ..errors import (
    AckValidationError,
    EmitValidationError,
    ErrorDetail,
    RemoteInternalError,
    RemoteValidationError,
    ValidationError,
)
from ..payload import PayloadInvalid
from ..pipeline import serialize_any
from ..plans import auth_spec, event_spec
from ..registry import EventSpec
from ..signature import Arguments, arguments_from_handler

if TYPE_CHECKING:
    from ..spec import SocketIOSpec

logger = logging.getLogger("sio_spec.client")

#: Events python-socketio's client triggers itself; they carry no server payload.
RESERVED = frozenset({"connect", "connect_error", "disconnect", "__disconnect_final"})
MAX_DETAILS = 100
UNSERIALIZABLE: ErrorDetail = {
    "loc": [],
    "msg": "Value could not be serialized",
    "type": "serialization_error",
}


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
                    "loc": [p for p in loc if isinstance(p, (str, int))]
                    if isinstance(loc, list)
                    else [],
                    "msg": str(item.get("msg", "")),
                    "type": str(item.get("type", "")),
                }
            )
    return out


class Steps:
    """The client's checks against fixed :class:`Plans`, or against a spec's registry
    (rebuilt when the registry changes)."""

    def __init__(
        self,
        plans: Plans,
        spec: SocketIOSpec | None = None,
        on_invalid_event: Callable[[ValidationError], object] | None = None,
    ) -> None:
        self._plans = plans
        self._spec = spec
        self.on_invalid_event = on_invalid_event
        self._revision = -1
        self._hints: dict[Callable[..., Any], Arguments | None] = {}

    def plans(self) -> Plans:
        """The current plans."""
        spec = self._spec
        if spec is not None and spec.registry.revision != self._revision:
            # handlers or emits were declared on the server's spec since: rebuild
            self._revision = spec.registry.revision
            self._plans = Plans.of_specs(spec.specs(), spec.validate)
        return self._plans

    # -- what the client sends ------------------------------------------------------------
    def outgoing(self, event: str, namespace: str, data: Any) -> Any:
        """``data`` for ``emit``/``call``, validated against what the server accepts and
        serialized; raises :class:`EmitValidationError` (nothing is sent)."""
        source = self._spec
        plans = (
            self._plans
            if source is None or source.registry.revision == self._revision
            else self.plans()
        )
        spec = plans.sends.get((namespace, event))
        try:
            if spec is None or spec.args is None:
                return serialize_any(data)
            return spec.args.outgoing(data)
        except PayloadInvalid as exc:
            raise EmitValidationError(event, namespace, exc.details) from None
        except ValueError as exc:  # pydantic could not serialize the value
            raise EmitValidationError(event, namespace, [UNSERIALIZABLE]) from exc

    def auth(self, namespace: str, auth: Any) -> Any:
        """Connect ``auth`` checked against the namespace's declared auth."""
        spec = self.plans().auth.get(namespace)
        return _send(None if spec is None else spec.args, "connect", namespace, auth)

    def reply(self, event: str, namespace: str, result: Any) -> Any:
        """The client's answer to a server ``call()``: an invalid one is never sent;
        the server gets the ``internal_error`` ack instead and the cause is logged."""
        spec = self._plans.receives.get((namespace, event))
        try:
            return _send(None if spec is None else spec.ack, event, namespace, result)
        except EmitValidationError as err:
            logger.error("invalid reply to the server's call of %r: %s", event, err)
            return internal_error_ack(
                f"the client could not produce a valid reply for event {event!r}"
            )

    # -- what the client receives ---------------------------------------------------------
    def answer(self, event: str, namespace: str, values: tuple[Any, ...]) -> tuple[Any, ...]:
        """The server's ack to a client event, validated. Raises
        :class:`RemoteValidationError` / :class:`RemoteInternalError` for the server's
        error acks and :class:`AckValidationError` for an ack outside the contract."""
        plans = self.plans()
        spec = plans.sends.get((namespace, event))
        checked = None if spec is None else spec.ack
        problem: list[ErrorDetail] = []
        if checked is not None:
            try:
                return checked.validate(values)
            except PayloadInvalid as exc:
                problem = exc.details
        if plans.error_acks and len(values) == 1 and isinstance(values[0], Mapping):
            kind = values[0].get("error")
            if kind == "validation_error":
                raise RemoteValidationError(event, namespace, _details(values[0].get("detail")))
            if kind == "internal_error":
                message = values[0].get("message")
                raise RemoteInternalError(event, namespace, str(message)[:300])
        if checked is None:
            return values
        raise AckValidationError(event, namespace, problem)

    def incoming(
        self,
        event: str,
        namespace: str,
        args: tuple[Any, ...],
        handler: Callable[..., Any] | None,
    ) -> tuple[Any, ...] | None:
        """A server event's arguments, validated (and turned into the models of the
        handler's type hints); ``None`` when invalid: logged at WARNING, the handler
        is not called."""
        source = self._spec
        plans = (
            self._plans
            if source is None or source.registry.revision == self._revision
            else self.plans()
        )
        spec = plans.receives.get((namespace, event))
        hints = self._hints.get(handler) if handler is not None else None
        if hints is None and handler is not None and handler not in self._hints:
            hints = self._handler_hints(handler)
        try:
            if spec is not None and spec.args is not None:
                args = spec.args.validate(args)
            if hints is not None:
                args = hints.validate(args)
        except PayloadInvalid as exc:
            err = EmitValidationError(event, namespace, exc.details)
            logger.warning("ignored server event %r [%s]: %s", event, namespace, err)
            if self.on_invalid_event is not None:
                self.on_invalid_event(err)
            return None
        return args

    def _handler_hints(self, handler: Callable[..., Any]) -> Arguments | None:
        try:
            hints = arguments_from_handler(handler, 0)
        except Exception as err:  # hints pydantic cannot use: the handler gets raw values
            logger.error("cannot use the type hints of %r: %s", handler, err)
            hints = None
        if hints is not None and not hints.validated:
            hints = None
        self._hints[handler] = hints
        return hints


def _send(checked: Arguments | None, event: str, namespace: str, data: Any) -> Any:
    """``data`` validated and serialized (``checked`` ``None``: nothing declared, only
    serialized); raises :class:`EmitValidationError`."""
    try:
        if checked is None:
            return serialize_any(data)
        return checked.outgoing(data)
    except PayloadInvalid as exc:
        raise EmitValidationError(event, namespace, exc.details) from None
    except ValueError as exc:  # pydantic could not serialize the value
        raise EmitValidationError(event, namespace, [UNSERIALIZABLE]) from exc

"""The validation pipeline: pure, synchronous, shared by the sync and async adapters.

Each step takes what crossed the server and returns what may go on, or raises one
of the :mod:`sio_spec.errors` exceptions. Nothing here awaits, touches a socket or
knows a web framework; the adapters decide when to call what.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from .error_acks import internal_error_ack, validation_error_ack
from .errors import (
    ClientAckValidationError,
    EmitValidationError,
    ErrorDetail,
    RequestValidationError,
    ResponseValidationError,
    SpecError,
    ValidationError,
)
from .payload import PayloadInvalid
from .registry import EventSpec, Registry
from .signature import ack_values, dump_any, from_ack_values

logger = logging.getLogger("sio_spec")

ErrorHandler = Callable[[ValidationError, str], Any]

UNSERIALIZABLE: ErrorDetail = {
    "loc": [],
    "msg": "Value could not be serialized",
    "type": "serialization_error",
}


def error_payload(error: ValidationError) -> dict[str, Any]:
    """What a client receives as ack when its payload was rejected (or, for an
    invalid handler ack, a generic internal error without details): the dumped
    :mod:`sio_spec.error_acks` model."""
    if isinstance(error, ResponseValidationError):
        return internal_error_ack(
            f"the server could not produce a valid ack for event {error.event!r}"
        )
    return validation_error_ack(error.title, error.event, error.namespace, error.errors())


def default_error_handler(error: ValidationError, sid: str) -> Any:
    """Log the failure and answer with :func:`error_payload`."""
    if isinstance(error, ResponseValidationError):
        logger.error("%s (client %s)", error, sid, exc_info=error)
    else:
        logger.info("rejected %s (client %s)", error, sid)
    return error_payload(error)


def unusable_handler(error: SpecError, sid: str) -> dict[str, Any]:
    """The answer when a handler's models cannot be built (a server bug): logged at
    ERROR with the cause, and the client gets ``internal_error`` without details."""
    logger.error("%s (client %s)", error, sid, exc_info=error)
    return internal_error_ack("the server cannot handle this event")


class Pipeline:
    """Validation steps for one spec."""

    def __init__(self, registry: Registry, *, strict_emits: bool = False) -> None:
        self.registry = registry
        self.strict_emits = strict_emits
        self.error_handlers: dict[str | None, ErrorHandler] = {}
        self.fallback: ErrorHandler = default_error_handler

    # -- incoming ---------------------------------------------------------------------
    def request(self, spec: EventSpec, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """Validate ``(sid, *payload)``; returns it with validated values."""
        checked = spec.args
        if checked is None:
            return args
        try:
            return checked.after_sid(args)
        except PayloadInvalid as exc:
            raise RequestValidationError(spec.event, spec.namespace, exc.details) from None

    def connect(self, spec: EventSpec, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """Validate connect ``(sid, environ, auth)``; returns it with a validated auth."""
        checked = spec.args
        if checked is None:
            return args
        if len(args) < 3:
            # python-socketio < 5.12 first tries connect handlers without auth when the
            # client sent none; the handler declares auth, so it gets None, validated
            args = (*args, None)
        try:
            (auth,) = checked.validate((args[2],))
        except PayloadInvalid as exc:
            raise RequestValidationError("connect", spec.namespace, exc.details) from None
        return (args[0], args[1], auth, *args[3:])

    def ack(self, spec: EventSpec, result: Any) -> Any:
        """Validate and serialize a handler's return value."""
        checked = spec.ack
        try:
            if checked is None:
                return serialize_any(result)
            return checked.outgoing(result)
        except PayloadInvalid as exc:
            raise ResponseValidationError(spec.event, spec.namespace, exc.details) from None
        except ValueError as exc:  # pydantic could not serialize it (e.g. nested too deep)
            raise ResponseValidationError(spec.event, spec.namespace, [UNSERIALIZABLE]) from exc

    def plain_ack(self, event: str, namespace: str, result: Any) -> Any:
        """Serialize the ack of a handler with nothing declared; one that cannot be
        sent (NaN, a model in an invalid state) raises ``ResponseValidationError``."""
        try:
            return serialize_any(result)
        except PayloadInvalid as exc:
            raise ResponseValidationError(event, namespace, exc.details) from None
        except ValueError as exc:  # pydantic could not serialize a model in it
            raise ResponseValidationError(event, namespace, [UNSERIALIZABLE]) from exc

    def handler_for(self, namespace: str) -> ErrorHandler:
        handlers = self.error_handlers
        return handlers.get(namespace) or handlers.get(None) or self.fallback

    # -- outgoing ---------------------------------------------------------------------
    def emit(self, event: str, namespace: str, data: Any) -> tuple[Any, EventSpec | None]:
        """Validate and serialize emitted data; returns ``(data, spec)``."""
        spec = self.registry.emits.get((namespace, event))
        if spec is None:
            if self.strict_emits:
                raise EmitValidationError(
                    event,
                    namespace,
                    [
                        {
                            "loc": [],
                            "msg": "Event is not declared with spec.emits()",
                            "type": "undeclared_event",
                        }
                    ],
                )
        checked = None if spec is None else spec.args
        try:
            if checked is None:
                return serialize_any(data), spec
            return checked.outgoing(data), spec
        except PayloadInvalid as exc:
            raise EmitValidationError(event, namespace, exc.details) from None
        except ValueError as exc:  # pydantic could not serialize it (e.g. nested too deep)
            raise EmitValidationError(event, namespace, [UNSERIALIZABLE]) from exc

    def client_ack(self, spec: EventSpec, values: tuple[Any, ...]) -> tuple[Any, ...]:
        """Validate a client's reply to a server emit."""
        checked = spec.ack
        if checked is None:
            return values
        try:
            return checked.validate(values)
        except PayloadInvalid as exc:
            raise ClientAckValidationError(spec.event, spec.namespace, exc.details) from None

    def outgoing(
        self, event: str, namespace: str, data: Any, callback: Callable[..., Any] | None
    ) -> tuple[Any, Callable[..., Any] | None]:
        """An emit about to leave: ``data`` validated and serialized (raises
        ``EmitValidationError``), ``callback`` wrapped to see only a valid reply."""
        data, spec = self.emit(event, namespace, data)
        if callback is not None and spec is not None:
            callback = self.wrap_callback(spec, callback)
        return data, callback

    def wrap_callback(self, spec: EventSpec, callback: Callable[..., Any]) -> Callable[..., Any]:
        """A ``callback=`` that only sees a valid client reply; an invalid one is
        logged and the callback is not called."""
        if spec.ack is None:
            return callback

        def checked_callback(*values: Any) -> Any:
            try:
                values = self.client_ack(spec, values)
            except ClientAckValidationError as err:
                logger.warning("%s; callback not called", err)
                return None
            return callback(*values)

        return checked_callback

    def call_result(self, spec: EventSpec | None, result: Any) -> Any:
        """Validate what ``call()`` returned (the client's reply)."""
        if spec is None or spec.ack is None:
            return result
        # call() returns None for no reply, the value for one, a tuple for several
        return from_ack_values(self.client_ack(spec, ack_values(result)))


def serialize_any(value: Any, *, check: bool = True) -> Any:
    """Dump models wherever they sit (a tuple is several ack/emit arguments); with
    ``check``, refuse NaN and infinities (raises ``PayloadInvalid``)."""
    if isinstance(value, tuple):
        return tuple(dump_any(v, check=check) for v in value)
    return dump_any(value, check=check)


def connect_refusal(error: ValidationError) -> tuple[str, dict[str, list[ErrorDetail]]]:
    """Arguments of the ``ConnectionRefusedError`` for an invalid connect ``auth``."""
    return "validation_error", {"detail": error.errors()}

"""The validation pipeline: pure, synchronous, shared by the sync and async adapters.

Around a handler call there are two steps, and each returns what to do:

- :meth:`Pipeline.before` takes ``(event, namespace, args)`` as python-socketio
  dispatches them and returns ``(action, value, spec)``: :data:`CALL` the handler
  with ``value`` as arguments and give its result to :meth:`Pipeline.after`,
  :data:`PASS` it ``value`` and return its result untouched, :data:`ANSWER` with
  ``value`` without calling it, or :data:`REFUSE` the connection (``value`` is the
  error; :meth:`Pipeline.refusal` gives the refusal).
- :meth:`Pipeline.after` takes the spec and the handler's result and returns
  ``(ok, value)``: the ack to send, or (``ok`` false) the error handler's answer.

On the way out, :meth:`Pipeline.outgoing` prepares an emit (data validated and
serialized, ``callback=`` wrapped to see only a valid reply) and
:meth:`Pipeline.call_result` checks what ``call()`` returned.

Nothing here awaits, touches a socket or knows a web framework. An ``ANSWER`` or
an ``after`` answer comes from a user error handler and may be awaitable: the
async adapter awaits it, the sync one returns it. A client reuses the same steps
with the directions swapped: its incoming events are the server's emits, its
emits the server's handlers (see the class attributes of :class:`Pipeline`).
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable
from typing import Any

from .error_acks import internal_error_ack, validation_error_ack
from .errors import (
    MAX_NAME,
    ClientAckValidationError,
    EmitValidationError,
    ErrorDetail,
    RequestValidationError,
    ResponseValidationError,
    SpecError,
    ValidationError,
    display_name,
    shortened,
)
from .payload import PayloadInvalid
from .registry import EventSpec, Registry, UnusableHandler
from .signature import ack_values, dump_any, from_ack_values

logger = logging.getLogger("sio_spec")

# Set while a server ``call()`` runs: its reply is checked by the call hook (which
# can raise), so :meth:`Pipeline.outgoing` leaves its internal callback alone.
in_call: contextvars.ContextVar[bool] = contextvars.ContextVar("sio_spec_in_call", default=False)

ErrorHandler = Callable[[ValidationError, str], Any]
SpecLookup = Callable[[Any, str], "EventSpec | None"]

#: What :meth:`Pipeline.before` decides (the first item of its result).
PASS = 0
CALL = 1
ANSWER = 2
REFUSE = 3
Decision = tuple[int, Any, "EventSpec | None"]

#: After the full cause of an unusable handler, this many messages get a short
#: line each; then one line per :data:`UNUSABLE_LOG_INTERVAL` seconds at most.
UNUSABLE_SHORT_LINES = 10
UNUSABLE_LOG_INTERVAL = 60.0

UNSERIALIZABLE: ErrorDetail = {
    "loc": [],
    "msg": "Value could not be serialized",
    "type": "serialization_error",
}


def error_payload(error: ValidationError) -> dict[str, Any]:
    """What a client receives as ack when its payload was rejected (or, for an
    invalid handler ack, a generic internal error without details): the dumped
    :mod:`sio_spec.error_acks` model, names shortened to a bounded length."""
    if isinstance(error, ResponseValidationError):
        return internal_error_ack(
            "the server could not produce a valid ack for event " + display_name(error.event)
        )
    event = error.event
    # a catch-all handler may be reached by a non-string name: the ack (whose schema
    # says string) names it by its bounded repr
    name = shortened(event) if isinstance(event, str) else display_name(event)
    return validation_error_ack(error.title, name, shortened(error.namespace), error.errors())


def default_error_handler(error: ValidationError, sid: str) -> Any:
    """Log the failure and answer with :func:`error_payload`."""
    if isinstance(error, ResponseValidationError):
        logger.error("%s (client %s)", error, sid, exc_info=error)
    else:
        logger.info("rejected %s (client %s)", error, sid)
    return error_payload(error)


def unusable_handler(error: SpecError, sid: str) -> dict[str, Any]:
    """The answer when a handler's models cannot be built (a server bug): the
    client gets ``internal_error`` without details. The cause is logged at ERROR
    with its traceback once per handler; later messages get a short line each,
    then at most one line per minute, so a flood costs constant log per message."""
    broken = error.broken if isinstance(error, UnusableHandler) else None
    if broken is None:
        logger.error("%s (client %s)", error, sid, exc_info=error)
    else:
        _report_unusable(broken, sid)
    return internal_error_ack("the server cannot handle this event")


def _report_unusable(broken: Any, sid: str) -> None:
    broken.answered += 1
    if broken.logged == 0:
        broken.logged = broken.answered
        broken.reported_at = time.monotonic()
        logger.error("%s (client %s)", broken.error, sid, exc_info=broken.error)
        return
    now = time.monotonic()
    if broken.logged > UNUSABLE_SHORT_LINES and now - broken.reported_at < UNUSABLE_LOG_INTERVAL:
        return
    since = broken.answered - broken.logged
    broken.logged = broken.answered
    broken.reported_at = now
    head = str(broken.error)
    if len(head) > 3 * MAX_NAME:
        head = head[: 3 * MAX_NAME] + "..."
    logger.error(
        "%s; answered internal_error to %d message(s) since the last report (client %s)",
        head,
        since,
        sid,
    )


class Pipeline:
    """Validation steps for one spec.

    The class attributes name the errors of each direction as seen from a server;
    a client pipeline swaps them (what it receives are the server's emits, what it
    sends the server's events).
    """

    #: An incoming payload is invalid / the local handler's ack is invalid.
    request_error: type[ValidationError] = RequestValidationError
    reply_error: type[ValidationError] = ResponseValidationError
    #: Data about to be sent is invalid / the peer's reply to it is invalid.
    emit_error: type[ValidationError] = EmitValidationError
    peer_reply_error: type[ValidationError] = ClientAckValidationError
    #: Handlers get the sid before the payload (a server); a client's get none, and
    #: its error handlers get ``""`` as sid.
    sid_first = True

    def __init__(
        self,
        registry: Registry,
        *,
        strict_emits: bool = False,
        received: SpecLookup | None = None,
        sent: SpecLookup | None = None,
    ) -> None:
        self.registry = registry
        #: ``(event, namespace) -> EventSpec | None`` of what this end receives and
        #: sends: a server's handlers and declared emits by default; a client passes
        #: the server's emits and handlers (read from its contract) instead.
        self.received: SpecLookup = received or registry.incoming
        self.sent: SpecLookup = sent or registry.emit_spec
        self.strict_emits = strict_emits
        self.error_handlers: dict[str | None, ErrorHandler] = {}
        self.fallback: ErrorHandler = default_error_handler

    # -- the two steps around a handler -------------------------------------------------
    def before(self, event: Any, namespace: str, args: tuple[Any, ...]) -> Decision:
        """Decide what to do with an event python-socketio is about to dispatch;
        ``args`` is ``(sid, *payload)`` (``(sid, environ, auth)`` for connect), or
        the payload alone when :attr:`sid_first` is false."""
        if event == "disconnect":
            return PASS, args, None
        try:
            spec = self.received(event, namespace)
        except SpecError as err:
            if event == "connect":
                return REFUSE, err, None
            return ANSWER, unusable_handler(err, args[0] if self.sid_first else ""), None
        except TypeError:
            if type(event) is str:
                raise
            # python-socketio's own lookup fails on this name (unhashable): let it
            return PASS, args, None
        if event == "connect":
            if spec is None:
                return PASS, args, None
            try:
                return PASS, self.connect(spec, args), None
            except ValidationError as err:
                return REFUSE, err, None
        if spec is None:
            return CALL, args, None
        checked = spec.args
        if checked is None:
            return CALL, args, spec
        try:
            if self.sid_first:
                return CALL, checked.after_sid(args), spec
            return CALL, checked.validate(args), spec
        except PayloadInvalid as exc:
            details = exc.details
        error = self.request_error(spec.event, spec.namespace, details)
        return ANSWER, self.handler_for(namespace)(error, args[0] if self.sid_first else ""), None

    def after(
        self, spec: EventSpec | None, result: Any, sid: str, event: Any = "", namespace: str = "/"
    ) -> tuple[bool, Any]:
        """The ack for a handler's ``result``: ``(True, ack)``, or ``(False, answer)``
        with the error handler's answer when the result does not match the spec, or
        (nothing declared) cannot be sent: NaN, a model in an invalid state.
        ``event`` and ``namespace`` name the event when there is no spec."""
        checked = None if spec is None else spec.ack
        if checked is None and result is None:
            return True, None  # the common "no ack": nothing to check or convert
        if spec is not None:
            event, namespace = spec.event, spec.namespace
        try:
            if checked is None:
                return True, serialize_any(result)
            return True, checked.outgoing(result)
        except PayloadInvalid as exc:
            error = _raised(self.reply_error(event, namespace, exc.details), None)
        except ValueError as exc:  # pydantic could not serialize it (e.g. nested too deep)
            error = _raised(self.reply_error(event, namespace, [UNSERIALIZABLE]), exc)
        return False, self.handler_for(namespace)(error, sid)

    def refusal(self, error: Exception) -> tuple[Any, ...]:
        """The arguments of the ``ConnectionRefusedError`` that refuses a connection
        ``before`` decided to refuse."""
        if isinstance(error, ValidationError):
            return connect_refusal(error)
        return ("internal_error",)

    # -- incoming ---------------------------------------------------------------------
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
            raise self.request_error("connect", spec.namespace, exc.details) from None
        return (args[0], args[1], auth, *args[3:])

    def handler_for(self, namespace: str) -> ErrorHandler:
        handlers = self.error_handlers
        return handlers.get(namespace) or handlers.get(None) or self.fallback

    # -- outgoing ---------------------------------------------------------------------
    def emit(self, event: str, namespace: str, data: Any) -> tuple[Any, EventSpec | None]:
        """Validate and serialize emitted data; returns ``(data, spec)``."""
        spec = self.sent(event, namespace)
        if spec is None:
            if self.strict_emits:
                raise self.emit_error(
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
            raise self.emit_error(event, namespace, exc.details) from None
        except ValueError as exc:  # pydantic could not serialize it (e.g. nested too deep)
            raise self.emit_error(event, namespace, [UNSERIALIZABLE]) from exc

    def client_ack(self, spec: EventSpec, values: tuple[Any, ...]) -> tuple[Any, ...]:
        """Validate a client's reply to a server emit."""
        checked = spec.ack
        if checked is None:
            return values
        try:
            return checked.validate(values)
        except PayloadInvalid as exc:
            raise self.peer_reply_error(spec.event, spec.namespace, exc.details) from None

    def outgoing(
        self, event: str, namespace: str | None, data: Any, callback: Callable[..., Any] | None
    ) -> tuple[Any, Callable[..., Any] | None]:
        """An emit about to leave: ``data`` validated and serialized (raises
        ``EmitValidationError``), ``callback`` wrapped to see only a valid reply
        (inside ``call()``, whose hook checks the reply, it is left as it is)."""
        data, spec = self.emit(event, namespace or "/", data)
        if callback is not None and spec is not None and not in_call.get():
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
            except ValidationError as err:
                logger.warning("%s; callback not called", err)
                return None
            return callback(*values)

        return checked_callback

    def call_result(self, event: str, namespace: str | None, result: Any) -> Any:
        """Validate what ``call()`` returned (the client's reply)."""
        spec = self.sent(event, namespace or "/")
        if spec is None or spec.ack is None:
            return result
        # call() returns None for no reply, the value for one, a tuple for several
        return from_ack_values(self.client_ack(spec, ack_values(result)))


def _raised(error: ValidationError, cause: BaseException | None) -> ValidationError:
    """``error`` raised once, so that logging it shows a traceback (and its cause)."""
    try:
        raise error from cause
    except ValidationError as raised:
        return raised


def serialize_any(value: Any, *, check: bool = True) -> Any:
    """Dump models wherever they sit (a tuple is several ack/emit arguments); with
    ``check``, refuse NaN and infinities (raises ``PayloadInvalid``)."""
    if isinstance(value, tuple):
        return tuple(dump_any(v, check=check) for v in value)
    return dump_any(value, check=check)


def connect_refusal(error: ValidationError) -> tuple[str, dict[str, list[ErrorDetail]]]:
    """Arguments of the ``ConnectionRefusedError`` for an invalid connect ``auth``."""
    return "validation_error", {"detail": error.errors()}

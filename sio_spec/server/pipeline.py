"""The validation pipeline: pure, synchronous, shared by the sync and async adapters.

Around a handler call there are two steps, and each returns what to do:

- :meth:`Pipeline.before` takes ``(event, namespace, args)`` as python-socketio
  dispatches them and returns one decision, a type per action: :class:`Call` the
  handler with ``args`` and give its result to :meth:`Pipeline.after`,
  :class:`Pass` it ``args`` and return its result untouched, :class:`Answer` with
  ``value`` without calling it, or :class:`Refuse` the connection
  (:meth:`Pipeline.refusal` gives the refusal for its ``error``).
- :meth:`Pipeline.after` takes the :class:`Call` and the handler's result and
  returns the ack to send, or an :class:`Answer` (the error handler's) when the
  result cannot be sent.

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

import pydantic

from ..errors import (
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
from .error_acks import internal_error_ack, validation_error_ack
from .payload import PayloadInvalid
from .registry import EventSpec, Registry, Route, UnusableHandler
from .signature import ack_values, dump_any, from_ack_values

logger = logging.getLogger("sio_spec")

# Set while a server ``call()`` runs: its reply is checked by the call hook (which
# can raise), so :meth:`Pipeline.outgoing` leaves its internal callback alone.
in_call: contextvars.ContextVar[bool] = contextvars.ContextVar("sio_spec_in_call", default=False)

ErrorHandler = Callable[[ValidationError, str], Any]
SpecLookup = Callable[[Any, str], "EventSpec | None"]


# -- decisions ----------------------------------------------------------------------------
# Plain slotted classes: one is built per message, and the adapters tell them apart
# by ``type(decision) is ...``.


class Call:
    """Call the handler with ``args`` (validated when ``spec`` declares them); its
    result goes to :meth:`Pipeline.after` with this decision.

    ``handler`` is the function python-socketio would call with ``args`` when one is
    registered for exactly this event (``coroutine``: it is a coroutine function);
    an adapter sitting right on python-socketio's own dispatch may call it itself.
    """

    __slots__ = ("args", "coroutine", "event", "handler", "namespace", "spec")

    def __init__(
        self,
        args: tuple[Any, ...],
        spec: EventSpec | None,
        event: Any,
        namespace: str,
        handler: Callable[..., Any] | None = None,
        coroutine: bool = False,
    ) -> None:
        self.args = args
        self.spec = spec
        self.event = event
        self.namespace = namespace
        self.handler = handler
        self.coroutine = coroutine

    def __repr__(self) -> str:
        return f"Call({self.args!r}, {self.spec!r})"


class Pass:
    """Hand ``args`` to python-socketio and return what it returns untouched
    (``disconnect``, a validated connect, a name its own lookup cannot hash)."""

    __slots__ = ("args",)

    def __init__(self, args: tuple[Any, ...]) -> None:
        self.args = args

    def __repr__(self) -> str:
        return f"Pass({self.args!r})"


class Answer:
    """Do not call the handler: ``value`` is the ack (an error handler's answer,
    awaitable when the error handler is a coroutine function)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Answer({self.value!r})"


class Refuse:
    """Refuse the connection; :meth:`Pipeline.refusal` gives the arguments of the
    ``ConnectionRefusedError`` for ``error``."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __repr__(self) -> str:
        return f"Refuse({self.error!r})"


Decision = Call | Pass | Answer | Refuse
#: What :meth:`Pipeline.quick` gives for the common message: the handler's validated
#: arguments, the spec, the handler and whether it is a coroutine function.
Quick = tuple[tuple[Any, ...], "EventSpec", Callable[..., Any], bool]

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
    :mod:`sio_spec.server.error_acks` model, names shortened to a bounded length."""
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
        #: The registry's cached routes (spec and handler) when it gives what this
        #: end receives.
        self.route: Callable[[Any, str], Route] | None = (
            registry.route if received is None else None
        )
        #: The registry's declared emits, read directly when they are what this end sends.
        self.emits: dict[tuple[str, str], EventSpec] | None = (
            registry.emits if sent is None else None
        )
        self.sent: SpecLookup = sent or registry.emit_spec
        self.strict_emits = strict_emits
        self.sid_first = type(self).sid_first  # read per message: an instance attribute
        self.error_handlers: dict[str | None, ErrorHandler] = {}
        self.fallback: ErrorHandler = default_error_handler

    # -- the two steps around a handler -------------------------------------------------
    def before(self, event: Any, namespace: str, args: tuple[Any, ...]) -> Decision:
        """Decide what to do with an event python-socketio is about to dispatch;
        ``args`` is ``(sid, *payload)`` (``(sid, environ, auth)`` for connect), or
        the payload alone when :attr:`sid_first` is false."""
        if event == "disconnect":
            return Pass(args)
        try:
            if self.route is not None:
                _, spec, handler, coroutine, core = self.route(event, namespace)
                if core is not None and len(args) == 2 and self.sid_first:
                    # the common case: the sid and one declared value; an invalid
                    # value is reported by the general steps below
                    try:
                        valid = (args[0], core(args[1]))
                        return Call(valid, spec, event, namespace, handler, coroutine)
                    except (pydantic.ValidationError, PayloadInvalid):
                        pass
            else:
                spec, handler, coroutine = self.received(event, namespace), None, False
        except SpecError as err:
            if event == "connect":
                return Refuse(err)
            return Answer(unusable_handler(err, self.sid_of(args)))
        except TypeError:
            if type(event) is str:
                raise
            # python-socketio's own lookup fails on this name (unhashable): let it
            return Pass(args)
        if event == "connect":
            if spec is None:
                return Pass(args)
            try:
                return Pass(self.connect(spec, args))
            except ValidationError as err:
                return Refuse(err)
        if spec is None:
            return Call(args, None, event, namespace, handler, coroutine)
        checked = spec.args
        if checked is None:
            return Call(args, spec, event, namespace, handler, coroutine)
        core = checked.core
        if core is not None:  # one declared value: validated here, errors reported below
            try:
                if self.sid_first:
                    if len(args) == 2:
                        args = (args[0], core(args[1]))
                        return Call(args, spec, event, namespace, handler, coroutine)
                elif len(args) == 1:
                    return Call((core(args[0]),), spec, event, namespace, handler, coroutine)
            except (pydantic.ValidationError, PayloadInvalid):
                pass
        try:
            if self.sid_first:
                valid = checked.after_sid(args)
            else:
                valid = checked.validate(args)
            return Call(valid, spec, event, namespace, handler, coroutine)
        except PayloadInvalid as exc:
            details = exc.details
        return self.reject(self.request_error(spec.event, spec.namespace, details), args)

    def quick(self, event: Any, namespace: str, args: tuple[Any, ...]) -> Quick | None:
        """For an adapter on python-socketio's own dispatch, the common message
        validated without a decision (see the client's); ``None``: ask :meth:`before`.
        A server's adapters read :attr:`route` themselves."""
        return None

    def arguments(self, spec: EventSpec, payload: tuple[Any, ...]) -> tuple[Any, ...]:
        """The payload of a handler called directly (no sid), validated; raises the
        request error (:class:`RequestValidationError` on a server)."""
        checked = spec.args
        if checked is None:
            return payload
        try:
            return checked.validate(payload)
        except PayloadInvalid as exc:
            raise self.request_error(spec.event, spec.namespace, exc.details) from None

    def reject(self, error: ValidationError, args: tuple[Any, ...]) -> Answer:
        """The error handler's answer to an invalid incoming payload."""
        return Answer(self.handler_for(error.namespace)(error, self.sid_of(args)))

    def sid_of(self, args: tuple[Any, ...]) -> str:
        """The sid error handlers get for a message dispatched with ``args``."""
        return args[0] if self.sid_first else ""

    def after(self, call: Call, result: Any) -> Any:
        """The ack for the handler's ``result``; an :class:`Answer` (the error
        handler's) when the result does not match the spec, or (nothing declared)
        cannot be sent: NaN, a model in an invalid state."""
        spec = call.spec
        checked = None if spec is None else spec.ack
        if checked is None:
            if result is None:
                return None  # the common "no ack": nothing to check or convert
        elif type(result) is checked.model:
            # an instance of the one declared model: serialized (and checked) here; a
            # problem is reported by reply() below
            try:
                return checked.dump(result)  # type: ignore[misc]
            except (PayloadInvalid, ValueError):
                pass
        elif checked.core is not None and type(result) is not tuple:
            # one declared value: validated and serialized here, as above
            try:
                return checked.dump(checked.core(result))  # type: ignore[misc]
            except (pydantic.ValidationError, PayloadInvalid, ValueError):
                pass
        try:
            return self.reply(call, result)
        except ValidationError as error:
            return Answer(self.handler_for(call.namespace)(error, self.sid_of(call.args)))

    def reply(self, call: Call, result: Any) -> Any:
        """The handler's ``result`` validated against the declared ack and serialized
        (nothing declared: models dumped, NaN refused); raises the reply error
        (:class:`ResponseValidationError` on a server), raised once so that its log
        shows a traceback."""
        spec = call.spec
        checked = None if spec is None else spec.ack
        try:
            if checked is None:
                return serialize_any(result)
            return checked.outgoing(result)
        except PayloadInvalid as exc:
            error = _raised(self.reply_error(call.event, call.namespace, exc.details), None)
        except ValueError as exc:  # pydantic could not serialize it (e.g. nested too deep)
            error = _raised(self.reply_error(call.event, call.namespace, [UNSERIALIZABLE]), exc)
        raise error

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
            self.undeclared(event, namespace)
        checked = None if spec is None else spec.args
        try:
            if checked is None:
                return serialize_any(data), spec
            return checked.outgoing(data), spec
        except PayloadInvalid as exc:
            raise self.emit_error(event, namespace, exc.details) from None
        except ValueError as exc:  # pydantic could not serialize it (e.g. nested too deep)
            raise self.emit_error(event, namespace, [UNSERIALIZABLE]) from exc

    def undeclared(self, event: Any, namespace: str) -> None:
        """An emit of an event nothing declares: refused (``EmitValidationError``)
        with ``strict_emits``, else sent as it is."""
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
        if callback is None:
            emits = self.emits
            if emits is not None:
                spec = emits.get((namespace or "/", event))
            else:
                spec = self.sent(event, namespace or "/")
            checked = None if spec is None else spec.args
            if checked is not None and checked.model is not None:
                # one declared model: validated (unless an instance of it) and
                # serialized here; a problem is reported by emit() below
                try:
                    if type(data) is checked.model:
                        return checked.dump(data), None  # type: ignore[misc]
                    return checked.dump(checked.core(data)), None  # type: ignore[misc]
                except (pydantic.ValidationError, PayloadInvalid, ValueError):
                    pass
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

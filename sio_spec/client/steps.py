"""The server's validation pipeline with the directions swapped, for a client.

What a client receives are the server's emits, what it sends the server's events:
:class:`ClientPipeline` is :class:`~sio_spec.server.pipeline.Pipeline` with those two
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
import inspect
import logging
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import pydantic

from ..adapters.handlers import SocketIOHandlers
from ..contract import Contract
from ..errors import (
    AckValidationError,
    EmitValidationError,
    ErrorDetail,
    RemoteError,
    RemoteInternalError,
    RemoteValidationError,
    ResponseValidationError,
    ValidationError,
)
from ..server.error_acks import (
    SioSpecInternalError,
    SioSpecValidationError,
    read_error_ack,
)
from ..server.payload import PayloadInvalid
from ..server.pipeline import Call, Decision, Pass, Pipeline, Quick, error_payload, serialize_any
from ..server.registry import MAX_CACHED_NAME, MAX_PLANS, EventSpec, HandlerSource, Registry, Target
from ..server.signature import Arguments, ack_values, arguments_from_handler
from ..writers.plans import auth_spec, event_spec

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


_Route = tuple[object, "Arguments | None", "Callable[..., Any] | None", bool]
_NO_ROUTE: _Route = (None, None, None, False)


def _stale_on_change(pipeline: ClientPipeline) -> Callable[[], bool]:
    """A registry listener marking the pipeline's plans stale (held weakly: a
    forgotten client does not stay alive through the server's spec)."""
    ref = weakref.ref(pipeline)

    def stale() -> bool:
        target = ref()
        if target is None:
            return False
        target.emits = None
        return True

    return stale


class ClientHandlers(SocketIOHandlers):
    """The handlers of a ``socketio.Client`` / ``AsyncClient``, found the way it
    finds them (function handlers, ``*`` handlers, class-based namespaces): they
    get the payload without a sid."""

    leading = 0
    connect_environ = False


class _TableHandlers:
    """A handler table without the client around it (``ClientPipeline(handlers=)``):
    plain function handlers only."""

    def __init__(self, handlers: Mapping[str, Mapping[str, Callable[..., Any]]]) -> None:
        self.handlers = handlers
        self.namespace_handlers: Mapping[str, Any] = {}

    def target(self, event: Any, namespace: str) -> Any:
        fn = self.handlers.get(namespace, {}).get(event)
        return None if fn is None else Target(fn, fn, 0, False)


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


def remote_error(event: str, namespace: str, values: tuple[Any, ...]) -> RemoteError | None:
    """The server's error ack among ``values`` as an exception, read through the
    error-ack models (:func:`~sio_spec.server.error_acks.read_error_ack`) once cut to what
    the client keeps (:func:`_as_kept`): ``validation_error`` gives
    :class:`RemoteValidationError`, ``internal_error`` :class:`RemoteInternalError`;
    ``None`` for any other ack."""
    if len(values) != 1:
        return None
    ack = read_error_ack(_as_kept(values[0], event, namespace))
    if isinstance(ack, SioSpecValidationError):
        details: list[ErrorDetail] = [d.model_dump() for d in ack.detail]
        return RemoteValidationError(event, namespace, details)
    if isinstance(ack, SioSpecInternalError):
        return RemoteInternalError(event, namespace, ack.message)
    return None


def _as_kept(value: Any, event: str, namespace: str) -> Any:
    """An error ack cut to what the client keeps, before it is read: texts on one
    line of at most :data:`MAX_DETAIL_TEXT` characters; for ``validation_error``
    (which needs a ``detail``) the event and namespace the client called, and the
    first :data:`MAX_DETAILS` details that are objects, each with its first
    :data:`MAX_LOC` string or integer locations. Any other value is returned as is."""
    if not isinstance(value, Mapping):
        return value
    kind = value.get("error")
    if kind == "internal_error" and set(value) == {"error", "message"}:
        return {"error": kind, "message": _text(value["message"])}
    if kind != "validation_error" or "detail" not in value:
        return value
    detail = value["detail"]
    kept = []
    for item in detail[:MAX_DETAILS] if isinstance(detail, list) else []:
        if not isinstance(item, Mapping):
            continue
        loc = item.get("loc")
        kept.append(
            {
                "loc": [
                    p if isinstance(p, int) else _text(p)
                    for p in (loc[:MAX_LOC] if isinstance(loc, list) else [])
                    if isinstance(p, (str, int)) and not isinstance(p, bool)
                ],
                "msg": _text(item.get("msg", "")),
                "type": _text(item.get("type", "")),
            }
        )
    return {
        "error": kind,
        "message": _text(value.get("message", "")),
        "event": event,
        "namespace": namespace,
        "detail": kept,
    }


def _text(value: Any) -> str:
    """A server's text on one line, at most :data:`MAX_DETAIL_TEXT` characters."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > 4 * MAX_DETAIL_TEXT:
        text = text[: 4 * MAX_DETAIL_TEXT]
    text = " ".join(text.split())
    return text if len(text) <= MAX_DETAIL_TEXT else text[: MAX_DETAIL_TEXT - 3] + "..."


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
        # the client's handlers, read live: handlers registered later count
        self._source: HandlerSource | _TableHandlers = _TableHandlers(handlers or {})
        self._hints: dict[tuple[Callable[..., Any], int], Arguments | None] = {}
        # (namespace, event) -> the handler or namespace object, its hints, and the
        # function python-socketio calls for exactly this event (with ``coroutine``)
        self._routes: dict[tuple[str, Any], _Route] = {}
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
            spec.registry.listeners.append(_stale_on_change(self))
        # the plans' sends while they are current (``None``: rebuild first)
        self.emits = None if spec is not None else plans.sends
        self.fallback = self._invalid

    # -- the plans -------------------------------------------------------------------------
    def plans(self) -> Plans:
        """The current plans: fixed, or rebuilt when the spec's registry changed."""
        spec = self._spec
        if spec is not None and spec.registry.revision != self._revision:
            # handlers or emits were declared on the server's spec since: rebuild
            self._revision = spec.registry.revision
            self._plans = Plans.of_specs(spec.specs(), spec.validate)
            self.emits = self._plans.sends
        return self._plans

    def _received(self, event: Any, namespace: str) -> EventSpec | None:
        spec = self._spec
        if spec is not None and spec.registry.revision != self._revision:
            self.plans()
        return self._plans.receives.get((namespace, event))

    def _sent(self, event: Any, namespace: str) -> EventSpec | None:
        spec = self._spec
        if spec is not None and spec.registry.revision != self._revision:
            self.plans()
        return self._plans.sends.get((namespace, event))

    # -- what only a client does -----------------------------------------------------------
    def read_handlers(self, source: HandlerSource) -> None:
        """Find the client's handlers through ``source`` (the client hooks give the
        client's own lookup: class-based namespaces and ``*`` handlers included)."""
        self._source = source

    def undeclared(self, event: Any, namespace: str) -> None:
        """An event the contract does not describe raises :class:`EmitValidationError`
        naming the closest described event (logged at WARNING instead with
        ``unknown_events="warn"``, sent with ``"allow"``)."""
        if self.unknown_events != "allow":
            self._unknown(event, namespace)

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
        need not be the server's classes; when they are, once is enough). Events
        python-socketio's client triggers itself pass through."""
        if event in RESERVED:
            return Pass(args)
        if self.emits is not None:  # the plans are current
            # the common case in this frame: one value, checked against the contract's
            # model when the handler declares the same one (or none)
            try:
                key = (namespace, event)
                spec = self._plans.receives.get(key)
                route = self._routes.get(key)
                table = self._source.handlers.get(namespace)
                if route is None or table is None or table.get(event) is not route[0]:
                    route = self._handler_route(event, namespace)
                _, hints, handler, coroutine = route
            except TypeError:
                spec = hints = None
            checked = None if spec is None else spec.args
            if (
                checked is not None
                and checked.core is not None
                and len(args) == 1
                and (hints is None or hints.types is checked.types)
            ):
                try:
                    args1 = (checked.core(args[0]),)
                    return Call(args1, spec, event, namespace, handler, coroutine)
                except (pydantic.ValidationError, PayloadInvalid):
                    pass  # reported below
        decision = super().before(event, namespace, args)
        if not isinstance(decision, Call):
            return decision
        try:
            _, hints, handler, coroutine = self._handler_route(event, namespace)
        except TypeError:  # a name python-socketio's lookup cannot hash: its business
            return decision
        spec = decision.spec
        if hints is None or (
            spec is not None and spec.args is not None and spec.args.types is hints.types
        ):
            # no hints, or the contract's models are the handler's: validated already
            decision.handler, decision.coroutine = handler, coroutine
            return decision
        try:
            return Call(hints.validate(args), spec, event, namespace, handler, coroutine)
        except PayloadInvalid as exc:
            return self.reject(self.request_error(event, namespace, exc.details), args)

    def quick(self, event: Any, namespace: str, args: tuple[Any, ...]) -> Quick | None:
        """The common message without a decision: one value the contract declares,
        valid, for a function registered for exactly this event whose hints (if
        any) are the contract's models, with its route cached. ``None``: anything
        else (``before`` decides and reports)."""
        if len(args) != 1 or self.emits is None:  # None: the plans must be rebuilt first
            return None
        try:
            key = (namespace, event)
            route = self._routes.get(key)
            table = self._source.handlers.get(namespace)
            if route is None or table is None or table.get(event) is not route[0]:
                return None
            spec = self._plans.receives.get(key)
            if spec is None or event in RESERVED:
                return None
        except TypeError:
            return None
        checked = spec.args
        _, hints, handler, coroutine = route
        if (
            handler is None
            or checked is None
            or checked.core is None
            or not (hints is None or hints.types is checked.types)
        ):
            return None
        try:
            return (checked.core(args[0]),), spec, handler, coroutine
        except (pydantic.ValidationError, PayloadInvalid):
            return None

    def _handler_route(self, event: Any, namespace: str) -> _Route:
        """``(identity, hints, handler, coroutine)`` of the client's handler for an
        event: the arguments its type hints declare (``None``: no hints) and, when
        it is a function registered for exactly this event, that function. Cached
        while the handler python-socketio would call stays the same."""
        source = self._source
        key = (namespace, event)
        hit = self._routes.get(key)
        ns_handlers = source.handlers.get(namespace)
        if ns_handlers is not None:
            fn = ns_handlers.get(event)
            if fn is not None and hit is not None and hit[0] is fn:
                return hit
        elif "*" not in source.handlers:  # a class namespace, if any
            ns_obj = source.namespace_handlers.get(namespace)
            if ns_obj is not None and hit is not None and hit[0] is ns_obj:
                return hit
        target = source.target(event, namespace)
        if target is None:
            return _NO_ROUTE
        handler = target.func if target.direct else None
        route: _Route = (
            target.identity,
            self._handler_hints(target.func, target.skip),
            handler,
            handler is not None and inspect.iscoroutinefunction(handler),
        )
        if len(self._routes) >= MAX_PLANS:
            self._routes.clear()  # catch-all handlers see names the server invents
        if not isinstance(event, str) or len(event) <= MAX_CACHED_NAME:
            self._routes[key] = route
        return route

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

    def _handler_hints(self, handler: Callable[..., Any], skip: int) -> Arguments | None:
        key = (handler, skip)
        try:
            return self._hints[key]
        except KeyError:
            pass
        try:
            hints = arguments_from_handler(handler, skip)
        except Exception as err:  # hints pydantic cannot use: the handler gets raw values
            logger.error("cannot use the type hints of %r: %s", handler, err)
            hints = None
        self._hints[key] = hints
        return hints

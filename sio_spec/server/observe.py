"""Watching what the pipeline decides, without deciding anything.

An :class:`Observer` is told when an event starts and how it ended: its direction,
namespace and event name, then the outcome the pipeline decided (``ok``,
``validation_error``, ``internal_error``, ``refused``) and how long the handler ran.
:mod:`sio_spec.telemetry` is one observer (OpenTelemetry spans and metrics).

Nothing here runs unless an observer is installed: :func:`observe` replaces the
hooks of a spec with observed layers of the same hooks, and :func:`unobserve`
puts the plain ones back, so a spec that is not observed pays nothing per message.
The layers, from the outside in, on the server (or client) instance:

- *outer*: one observation per incoming event and per emit / call; the observer
  may make its own context current while the event is processed;
- *validating*: the spec's own hooks, built over a view of the pipeline that
  reports each decision (an error ack instead of the handler, a refusal, an ack
  that breaks the contract) to the observation in progress;
- *inner*: times the handler itself.

A pub/sub client manager (Redis, Kafka, AMQP...) gets one more layer: an emit
published while an observation is current carries the observer's
:meth:`~Observer.carrier` in the manager's message (beside the event, never in the
payload), and a process delivering such an emit to its own clients observes the
delivery with that carrier as parent.
"""

from __future__ import annotations

import contextvars
import inspect
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from time import perf_counter
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, cast

from .._socketio_internals import HANDLE_EMIT, PUBLISH, TRIGGER_EVENT, trigger_event
from ..adapters import Hooks, Layout, calling
from ..errors import (
    RemoteInternalError,
    ResponseValidationError,
    SpecError,
    ValidationError,
)
from .pipeline import Answer, Call, Decision, Pipeline, Refuse

if TYPE_CHECKING:
    from ..client import ClientSpec
    from ..spec import SocketIOSpec
    from .emitter import BaseEmitter

    Observed: TypeAlias = "SocketIOSpec | ClientSpec | BaseEmitter"

#: Outcomes of an event.
OK = "ok"
VALIDATION_ERROR = "validation_error"
INTERNAL_ERROR = "internal_error"
REFUSED = "refused"

#: Directions: an event this end handles, an emit or call it sends, and an emit
#: published by another process that this process delivers to its clients.
RECEIVE = "receive"
SEND = "send"
RELAY = "relay"

#: The name of events no handler took, or whose name is not a string: names a peer
#: chose must not become unbounded series.
OTHER = "_OTHER"

#: The key of the observer's carrier in a pub/sub manager's emit message.
CARRIER_KEY = "sio_spec_context"

#: Events a python-socketio client triggers itself (no server payload, not observed).
CLIENT_RESERVED = frozenset({"connect", "connect_error", "disconnect", "__disconnect_final"})


@dataclass
class Outcome:
    """How an observed event ended."""

    outcome: str = OK
    """``ok``, ``validation_error``, ``internal_error`` or ``refused``."""
    error_type: str | None = None
    """What went wrong, as a low-cardinality name (an exception class), when not ok."""
    duration: float | None = None
    """Seconds the handler ran; ``None`` when no handler was called."""
    handled: bool = True
    """False when no handler took an incoming event (python-socketio ignored it)."""


class Observer(Protocol):
    """What sio-spec tells an observer. Every method is called on the thread or task
    that processes the event; none may raise."""

    def begin(
        self,
        direction: str,
        namespace: str,
        event: str,
        sid: str | None,
        *,
        room: str | None = None,
        carrier: Mapping[str, Any] | None = None,
    ) -> Any:
        """An event starts: an incoming one before the pipeline decides on it, an
        emit before it is validated. ``carrier`` is the connect ``auth`` of a
        connection, or the carrier a relayed emit brought along. Returns a token for
        :meth:`end`. What the observer makes current here stays current until
        :meth:`end` (the handler runs inside it)."""

    def end(self, token: Any, outcome: Outcome) -> None:
        """The event of ``token`` is over."""

    def carrier(self) -> dict[str, str]:
        """The current context as strings, to travel with an emit through a message
        queue; empty when there is nothing to carry."""


_current: contextvars.ContextVar[Outcome | None] = contextvars.ContextVar(
    "sio_spec_observed", default=None
)


#: Set while an observed ``call()`` runs: the emit it makes is part of it.
_in_call: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "sio_spec_observed_call", default=False
)


def failure(exc: BaseException) -> tuple[str, str]:
    """``(outcome, error_type)`` of an exception that ended an observed event."""
    # python-socketio is imported only once a server is in use
    from socketio.exceptions import ConnectionRefusedError as Refused

    name = type(exc).__name__
    if isinstance(exc, (Refused, ConnectionRefusedError)):
        return REFUSED, name
    if isinstance(exc, (RemoteInternalError, ResponseValidationError)):
        return INTERNAL_ERROR, name
    if isinstance(exc, ValidationError):
        return VALIDATION_ERROR, name
    return INTERNAL_ERROR, name


class WatchedPipeline:
    """A view of a :class:`~sio_spec.server.pipeline.Pipeline` that reports its decisions to
    the observation in progress; everything else is the pipeline's own."""

    #: Steps the hooks call per message, bound once (the rest is looked up on use).
    _BOUND = ("outgoing", "call_result", "refusal", "handler_for")

    def __init__(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline
        for name in self._BOUND:
            setattr(self, name, getattr(pipeline, name))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pipeline, name)

    def before(self, event: Any, namespace: str, args: tuple[Any, ...]) -> Decision:
        decision = self._pipeline.before(event, namespace, args)
        kind = type(decision)
        if kind is Answer or kind is Refuse:
            record = _current.get()
            if record is not None:
                if isinstance(decision, Refuse):
                    record.outcome, record.error_type = REFUSED, type(decision.error).__name__
                elif self._unusable(event, namespace):
                    record.outcome, record.error_type = INTERNAL_ERROR, "UnusableHandler"
                else:
                    record.outcome = VALIDATION_ERROR
                    record.error_type = self._pipeline.request_error.__name__
        return decision

    def _unusable(self, event: Any, namespace: str) -> bool:
        """Whether an error answer was for a handler whose models cannot be built
        (only asked on that rare path)."""
        try:
            self._pipeline.received(event, namespace)
        except SpecError:
            return True
        except TypeError:
            return False
        return False

    def after(self, call: Call, result: Any) -> Any:
        ack = self._pipeline.after(call, result)
        if type(ack) is Answer:
            record = _current.get()
            if record is not None:
                record.outcome = INTERNAL_ERROR
                record.error_type = self._pipeline.reply_error.__name__
        return ack


def _name(event: Any) -> str:
    """An event's name for the observer; names that are not strings (any JSON a peer
    sends) are all :data:`OTHER`."""
    return event if type(event) is str else OTHER


class Layers(Hooks):
    """Several :class:`~sio_spec.adapters.Hooks` installed together (innermost first)
    and unwound together."""

    def __init__(self, server: Any, layers: list[Hooks]) -> None:
        super().__init__(server)
        self.layers = layers

    def install(self) -> None:
        for layer in self.layers:
            layer.install()

    def uninstall(self) -> None:
        self.active = False
        for layer in reversed(self.layers):
            layer.uninstall()


# -- the layers -----------------------------------------------------------------------------


def _timed(target: Any) -> Hooks:
    """Inner layer: how long the handler runs (python-socketio's own dispatch)."""
    state = Hooks(target)
    trigger = trigger_event(target)
    if inspect.iscoroutinefunction(trigger):

        async def _atrigger(event: Any, namespace: str, *args: Any) -> Any:
            record = _current.get()
            if record is None or not state.active:
                return await trigger(event, namespace, *args)
            start = perf_counter()
            try:
                return await trigger(event, namespace, *args)
            finally:
                record.duration = perf_counter() - start

        state.wrappers[TRIGGER_EVENT] = _atrigger
    else:

        def _trigger(event: Any, namespace: str, *args: Any) -> Any:
            record = _current.get()
            if record is None or not state.active:
                return trigger(event, namespace, *args)
            start = perf_counter()
            try:
                return trigger(event, namespace, *args)
            finally:
                record.duration = perf_counter() - start

        state.wrappers[TRIGGER_EVENT] = _trigger
    return state


def _settle(record: Outcome, event: Any, result: Any, not_handled: Any) -> None:
    if result is not_handled and not_handled is not None:
        if event != "connect" and event != "disconnect":
            record.handled = False
    elif event == "connect" and result is False and record.outcome == OK:
        record.outcome, record.error_type = REFUSED, "ConnectionRefusedError"


def _fail(record: Outcome, exc: BaseException) -> None:
    # python-socketio is imported only once a server is in use
    from socketio.exceptions import ConnectionRefusedError as Refused

    if record.outcome == OK or (isinstance(exc, Refused) and record.outcome != REFUSED):
        record.outcome, record.error_type = failure(exc)


def _incoming(
    state: Hooks, target: Any, observer: Observer, server_side: bool
) -> Callable[..., Any]:
    """Outer layer of ``_trigger_event``: one observation per incoming event."""
    trigger = trigger_event(target)
    not_handled = getattr(target, "not_handled", None)

    def skipped(event: Any) -> bool:
        # a peer may send any JSON as event name: only strings are looked up
        return not state.active or (
            not server_side and type(event) is str and event in CLIENT_RESERVED
        )

    def opened(event: Any, namespace: str, args: tuple[Any, ...]) -> Any:
        sid = args[0] if server_side and args and isinstance(args[0], str) else None
        carrier = None
        if server_side and event == "connect" and len(args) > 2 and isinstance(args[2], Mapping):
            carrier = args[2]
        return observer.begin(RECEIVE, namespace, _name(event), sid, carrier=carrier)

    if inspect.iscoroutinefunction(trigger):

        async def _atrigger(event: Any, namespace: str, *args: Any) -> Any:
            if skipped(event):
                return await trigger(event, namespace, *args)
            record = Outcome()
            token = opened(event, namespace, args)
            reset = _current.set(record)
            try:
                result = await trigger(event, namespace, *args)
                _settle(record, event, result, not_handled)
                return result
            except BaseException as exc:
                _fail(record, exc)
                raise
            finally:
                _current.reset(reset)
                observer.end(token, record)

        wrapper: Callable[..., Any] = _atrigger
    else:

        def _trigger(event: Any, namespace: str, *args: Any) -> Any:
            if skipped(event):
                return trigger(event, namespace, *args)
            record = Outcome()
            token = opened(event, namespace, args)
            reset = _current.set(record)
            try:
                result = trigger(event, namespace, *args)
                _settle(record, event, result, not_handled)
                return result
            except BaseException as exc:
                _fail(record, exc)
                raise
            finally:
                _current.reset(reset)
                observer.end(token, record)

        wrapper = _trigger
    return wrapper


def _where(layout: Layout, event: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The namespace of an emit or call and whom it is addressed to (``None`` for a
    client's, or for arguments the wrapped method will refuse)."""
    try:
        named = layout.named((event, *args), kwargs)
    except TypeError:
        return "/", None
    to = named.get("to") or named.get("room") or named.get("sid")
    return named.get("namespace") or "/", to


def _outgoing(
    state: Hooks, target: Any, observer: Observer, name: str, server_side: bool
) -> Callable[..., Any]:
    """Outer layer of ``emit`` or ``call``: one observation per emit (a ``call`` is
    one observation, its inner emit none)."""
    original = getattr(target, name)
    if server_side:
        layout = Layout.SERVER_CALL if name == "call" else Layout.SERVER_EMIT
    else:
        layout = Layout.CLIENT_CALL if name == "call" else Layout.CLIENT_EMIT
    # a server knows its connected sids; an emitter's write-only manager does not
    manager = getattr(target, "manager", None) if hasattr(target, "handlers") else None
    is_call = name == "call"

    def opened(event: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        namespace, to = _where(layout, event, args, kwargs)
        sid = room = None
        if isinstance(to, str):
            if manager is not None and manager.is_connected(to, namespace):
                sid = to
            else:
                room = to
        return observer.begin(SEND, namespace, _name(event), sid, room=room)

    def skipped() -> bool:
        return not state.active or (not is_call and _in_call.get())

    if inspect.iscoroutinefunction(original):

        async def _asend(event: Any, *args: Any, **kwargs: Any) -> Any:
            if skipped():
                return await original(event, *args, **kwargs)
            record = Outcome()
            token = opened(event, args, kwargs)
            reset = _in_call.set(True) if is_call else None
            try:
                if is_call:
                    with calling():
                        return await original(event, *args, **kwargs)
                return await original(event, *args, **kwargs)
            except BaseException as exc:
                _fail(record, exc)
                raise
            finally:
                if reset is not None:
                    _in_call.reset(reset)
                observer.end(token, record)

        wrapper: Callable[..., Any] = _asend
    else:

        def _send(event: Any, *args: Any, **kwargs: Any) -> Any:
            if skipped():
                return original(event, *args, **kwargs)
            record = Outcome()
            token = opened(event, args, kwargs)
            reset = _in_call.set(True) if is_call else None
            try:
                if is_call:
                    with calling():
                        return original(event, *args, **kwargs)
                return original(event, *args, **kwargs)
            except BaseException as exc:
                _fail(record, exc)
                raise
            finally:
                if reset is not None:
                    _in_call.reset(reset)
                observer.end(token, record)

        wrapper = _send
    return wrapper


def _outer(target: Any, observer: Observer, server_side: bool) -> Hooks:
    """Outer layer: ``_trigger_event``, ``emit`` and ``call`` observed."""
    state = Hooks(target)
    state.wrappers.update(
        {
            TRIGGER_EVENT: _incoming(state, target, observer, server_side),
            "emit": _outgoing(state, target, observer, "emit", server_side),
            "call": _outgoing(state, target, observer, "call", server_side),
        }
    )
    return state


def _relay(manager: Any, observer: Observer) -> Hooks | None:
    """The pub/sub manager layer: carry the current context in emit messages; observe
    the delivery of emits another process published with one."""
    publish = getattr(manager, PUBLISH, None)
    handle = getattr(manager, HANDLE_EMIT, None)
    if not callable(publish) or not callable(handle):
        return None
    state = Hooks(manager)

    def with_carrier(data: Any) -> Any:
        if state.active and isinstance(data, dict) and data.get("method") == "emit":
            carrier = observer.carrier()
            if carrier:
                return {**data, CARRIER_KEY: carrier}
        return data

    def opened(message: Any) -> Any:
        carrier = message.get(CARRIER_KEY) if state.active and isinstance(message, dict) else None
        if not isinstance(carrier, dict):
            return None
        room = message.get("room")
        return observer.begin(
            RELAY,
            message.get("namespace") or "/",
            _name(message.get("event")),
            None,
            room=room if isinstance(room, str) else None,
            carrier=carrier,
        )

    if inspect.iscoroutinefunction(publish):

        async def _apublish(data: Any) -> Any:
            return await publish(with_carrier(data))

        async def _ahandle(message: Any) -> Any:
            token = opened(message)
            if token is None:
                return await handle(message)
            record = Outcome()
            try:
                return await handle(message)
            except BaseException as exc:
                _fail(record, exc)
                raise
            finally:
                observer.end(token, record)

        state.wrappers.update({PUBLISH: _apublish, HANDLE_EMIT: _ahandle})
    else:

        def _publish(data: Any) -> Any:
            return publish(with_carrier(data))

        def _handle(message: Any) -> Any:
            token = opened(message)
            if token is None:
                return handle(message)
            record = Outcome()
            try:
                return handle(message)
            except BaseException as exc:
                _fail(record, exc)
                raise
            finally:
                observer.end(token, record)

        state.wrappers.update({PUBLISH: _publish, HANDLE_EMIT: _handle})
    return state


# -- installing -----------------------------------------------------------------------------


@dataclass
class _Installed:
    observer: Observer
    layers: Layers


_installed: weakref.WeakKeyDictionary[Any, _Installed] = weakref.WeakKeyDictionary()


def observer_of(spec: Observed) -> Observer | None:
    """The observer :func:`observe` installed on ``spec``, if any."""
    installed = _installed.get(spec)
    return None if installed is None else installed.observer


def observe(spec: Observed, observer: Observer) -> None:
    """Report every event of ``spec``'s server (or client) to ``observer``, or every
    emit of an emitter (:meth:`SocketIOSpec.emitter`). A spec must be attached (for
    Flask-SocketIO, after ``init_app``); attaching it again later needs another
    :func:`observe`."""
    from ..client import ClientSpec
    from .emitter import BaseEmitter

    if spec in _installed:
        unobserve(spec)
    if isinstance(spec, ClientSpec):
        layers = _observe_client(spec, observer)
    elif isinstance(spec, BaseEmitter):
        layers = _observe_emitter(spec, observer)
    else:
        layers = _observe_server(spec, observer)
    _installed[spec] = _Installed(observer, layers)


def unobserve(spec: Observed) -> None:
    """Remove the observer: ``spec`` runs its plain hooks again."""
    from ..client import ClientSpec
    from .emitter import BaseEmitter

    installed = _installed.pop(spec, None)
    if installed is None:
        return
    layers = installed.layers
    if isinstance(spec, BaseEmitter):
        layers.uninstall()
        return
    if spec._hooks is not layers:  # detached (or re-attached) since: nothing of ours is on
        layers.uninstall()
        return
    layers.uninstall()
    spec._hooks = None
    if isinstance(spec, ClientSpec):
        from ..client import _HOOKS, _kind

        hooks = _HOOKS[_kind(spec.client)](spec.client, spec.pipeline)
        hooks.install()
        spec._hooks = hooks
    else:
        spec._hook(spec.server)


def _observe_server(spec: SocketIOSpec, observer: Observer) -> Layers:
    server = spec.server
    if server is None or spec._target is None:
        raise SpecError(
            "instrument the spec once it is attached to a server "
            "(for Flask-SocketIO, once init_app has run)"
        )
    if spec._hooks is not None:
        spec._hooks.uninstall()
        spec._hooks = None
    layers: list[Hooks] = []

    def add(layer: Hooks | None) -> None:
        if layer is not None:
            layer.install()
            layers.append(layer)

    add(_timed(server))
    if spec.validate and spec._binding is not None:
        add(spec._binding.hooks(server, cast(Pipeline, WatchedPipeline(spec.pipeline))))
    add(_outer(server, observer, True))
    add(_relay(server.manager, observer))
    state = Layers(server, layers)
    spec._hooks = state
    return state


def _observe_client(spec: ClientSpec, observer: Observer) -> Layers:
    from ..client import _HOOKS, _kind

    client = spec.client
    kind = _kind(client)
    if kind not in ("sync", "async") or spec._hooks is None:
        raise SpecError(
            "telemetry observes a ClientSpec attached to a socketio.Client or AsyncClient"
        )
    spec._hooks.uninstall()
    spec._hooks = None
    # each layer wraps what the previous one installed
    timed = _timed(client)
    timed.install()
    validating = _HOOKS[kind](client, cast(Any, WatchedPipeline(spec.pipeline)))
    validating.install()
    outer = _outer(client, observer, False)
    outer.install()
    layers = [timed, validating, outer]
    state = Layers(client, layers)
    spec._hooks = state
    return state


def _observe_emitter(emitter: BaseEmitter, observer: Observer) -> Layers:
    layers: list[Hooks] = []
    relay = _relay(emitter.manager, observer)
    if relay is not None:
        relay.install()
        layers.append(relay)
    outer = Hooks(emitter)
    outer.wrappers["emit"] = _outgoing(outer, emitter, observer, "emit", True)
    outer.install()
    layers.append(outer)
    return Layers(emitter, layers)

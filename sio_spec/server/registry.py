"""What the server handles and sends: one :class:`EventSpec` per event and direction.

Handlers are found through a :class:`HandlerSource` (python-socketio's own lookup,
or Flask-SocketIO's, in :mod:`sio_spec.adapters`), so every registration style is
seen, whenever it happened, and exactly the handler that will be called is
validated for. Each handler is inspected once, when first needed (first message or
first document), and the result is cached against the handler object.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..errors import SpecError, display_name
from ..model import Direction as Direction
from ..model import EventSpec as EventSpec
from .error_acks import warn_colliding_error_field
from .signature import (
    Arguments,
    ack_from_annotation,
    ack_from_handler,
    arguments_from_handler,
    docstring_parts,
    takes_no_data,
)

RESERVED = frozenset({"connect", "disconnect"})
UNSET: Any = object()
#: Bound of the per-event plan cache (clients choose event names for catch-alls).
MAX_PLANS = 4096
#: Longer event names are not cached: 4096 plans keyed by megabyte names would pin
#: gigabytes. Such events take the uncached path (the handler's models are still
#: built once).
MAX_CACHED_NAME = 256


@dataclass
class Declaration:
    """What ``spec.on`` / ``AsyncAPISocketIO.on`` said about a handler explicitly."""

    request: Any = UNSET
    ack: Any = UNSET
    summary: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    examples: tuple[Any, ...] | None = None
    deprecated: bool = False
    use_hints: bool = True


@dataclass(frozen=True)
class Target:
    """A callable the server will invoke for an event, and how it is called.

    ``identity`` is what the server dispatches to (a function or a namespace
    object): a cached plan is reused while it stays the same. ``func`` is the
    user's function whose signature declares the payload, ``skip`` the number of
    its leading parameters that are not payload (sid, catch-all names), and
    ``environ`` tells that a connect handler gets ``environ`` before ``auth``.
    """

    identity: object
    func: Callable[..., Any]
    skip: int
    environ: bool
    direct: bool = False
    """``identity`` is a function python-socketio calls with the arguments exactly as
    dispatched (registered for this very event name, not a catch-all)."""


#: ``(identity, spec, handler, coroutine, core)``: see :meth:`Registry.route`.
Route = tuple[
    object, "EventSpec | None", "Callable[..., Any] | None", bool, "Callable[..., Any] | None"
]
NO_ROUTE: Route = (None, None, None, False, None)


class HandlerSource(Protocol):
    """Where the registry finds the handlers of one server (or client).

    The python-socketio implementation is
    :class:`sio_spec.adapters.handlers.SocketIOHandlers`; Flask-SocketIO's lives
    in :mod:`sio_spec.adapters.flask_socketio`. ``handlers`` and ``namespace_handlers`` are
    the live tables the server dispatches from: the registry reads them only to
    check that a cached plan still belongs to the handler that will be called.
    """

    server: Any
    handlers: Mapping[Any, Mapping[Any, Any]]
    namespace_handlers: Mapping[Any, Any]

    def target(self, event: Any, namespace: str) -> Target | None:
        """The handler the server calls for ``event``, or ``None``."""

    def names(self) -> list[tuple[str, str]]:
        """Every ``(namespace, event)`` with a handler, read from a snapshot."""

    def fingerprint(self) -> tuple[Any, ...]:
        """Changes whenever a handler is added, removed or replaced."""


def _user_function(func: Callable[..., Any]) -> Callable[..., Any]:
    target = inspect.unwrap(func)
    user: Callable[..., Any] = getattr(target, "__func__", target)
    return user


class Broken:
    """A handler whose models cannot be built: the first failure, kept once per
    handler, and how often it has been answered since (for rate-limited logs)."""

    __slots__ = ("answered", "error", "logged", "reported_at")

    def __init__(self, error: SpecError) -> None:
        # The traceback would keep the frames (and payload) of the first message alive.
        self.error = error.with_traceback(None)
        self.answered = 0
        self.logged = 0
        self.reported_at = 0.0


class UnusableHandler(SpecError):
    """Raised at dispatch for an event whose handler's models cannot be built.

    A new, small exception per message (the cached :class:`Broken` record carries
    the first failure), so repeated messages never grow a traceback."""

    def __init__(self, broken: Broken) -> None:
        super().__init__(str(broken.error))
        self.broken = broken


@dataclass
class Registry:
    """Event specs of one server, built lazily and cached per handler."""

    source: HandlerSource | None = None
    declarations: dict[Callable[..., Any], Declaration] = field(default_factory=dict)
    emits: dict[tuple[str, str], EventSpec] = field(default_factory=dict)
    _plans: dict[tuple[Any, Any], Route] = field(default_factory=dict)
    _templates: dict[tuple[Any, ...], EventSpec] = field(default_factory=dict)
    _broken: dict[tuple[Any, ...], Broken] = field(default_factory=dict)
    revision: int = 0
    listeners: list[Callable[[], bool]] = field(default_factory=list)
    """Called after every declaration (whatever depends on the specs, such as a
    client's plans, goes stale); one returning False is not called again."""
    fixed: dict[tuple[str, str], EventSpec] = field(default_factory=dict)
    """Incoming specs given by a contract (``SocketIOSpec.from_document``): they win
    over what handlers declare."""

    @property
    def server(self) -> Any:
        """The python-socketio server whose handlers are read (``None``: none yet)."""
        source = self.source
        return None if source is None else source.server

    # -- declarations ---------------------------------------------------------------
    def declare(self, func: Callable[..., Any], declaration: Declaration) -> None:
        self.declarations[_user_function(func)] = declaration
        self._changed()

    def declare_emit(self, spec: EventSpec) -> None:
        self.emits[(spec.namespace, spec.event)] = spec
        self._changed()

    def _changed(self) -> None:
        self.revision += 1
        self._plans.clear()
        self._templates.clear()
        self._broken.clear()
        # listeners that report themselves gone (False) are dropped
        self.listeners[:] = [listener for listener in self.listeners if listener()]

    # -- dispatch ---------------------------------------------------------------------
    def incoming(self, event: Any, namespace: str) -> EventSpec | None:
        """The spec of an incoming event, or ``None`` to pass it through untouched.

        Raises :class:`UnusableHandler` when the handler's models cannot be built,
        and ``TypeError`` where python-socketio's own lookup fails on the event name
        (an unhashable one). The source is read once: after ``detach`` an event
        already in flight is passed through whole.
        """
        return self.route(event, namespace)[1]

    def route(self, event: Any, namespace: str) -> Route:
        """``(identity, spec, handler, coroutine, core)`` for an incoming event: the
        spec as :meth:`incoming` gives it; when python-socketio will call a function
        registered for exactly this event, that function and whether it is a
        coroutine function (else ``None, False``); and the validator of the one value
        the event carries, when it declares exactly one (``spec.args.core``, not for
        connect). Cached: no allocation per message."""
        if self.fixed:
            contract = self.fixed.get((namespace, event))
            if contract is not None:
                return (None, contract, None, False, None)
        source = self.source
        if source is None:
            return NO_ROUTE
        # Fast paths: a cached plan is valid while the handler python-socketio
        # calls first for this name is still the one it was built for.
        ns_handlers = source.handlers.get(namespace)
        if ns_handlers is not None:
            fn = ns_handlers.get(event)
            if fn is not None:  # a direct handler always wins
                hit = self._plans.get((namespace, event))
                if hit is not None and hit[0] is fn:
                    return hit
        elif "*" not in source.handlers:  # no function handler can match: a class namespace
            ns_obj = source.namespace_handlers.get(namespace)
            if ns_obj is not None:
                hit = self._plans.get((namespace, event))
                if hit is not None and hit[0] is ns_obj:
                    return hit
        return self._route_slow(source, event, namespace)

    def _route_slow(self, source: HandlerSource, event: Any, namespace: str) -> Route:
        revision = self.revision
        target = source.target(event, namespace)
        if target is None:
            return NO_ROUTE
        key = (namespace, event)
        hit = self._plans.get(key)
        if hit is not None and hit[0] is target.identity:
            return hit
        spec = self._read(namespace, event, target)
        plan = None if spec.args is None and spec.ack is None else spec
        # the function python-socketio calls for exactly this name, with the arguments
        # as dispatched (no catch-all name before them)
        handler = target.func if target.direct else None
        route: Route = (
            target.identity,
            plan,
            handler,
            handler is not None and inspect.iscoroutinefunction(handler),
            None if plan is None or plan.args is None or event == "connect" else plan.args.core,
        )
        cacheable = not isinstance(event, str) or len(event) <= MAX_CACHED_NAME
        if cacheable and self.revision == revision:  # not declared anew meanwhile
            if len(self._plans) >= MAX_PLANS:
                # catch-all handlers get a plan per event name the client invents
                self._plans.clear()
            self._plans[key] = route
        return route

    def _read(self, namespace: str, event: Any, target: Target) -> EventSpec:
        """``_build`` once per handler function: a catch-all handler serves any event
        name a client sends, and only the names differ between its specs. A failure
        is cached per handler too, so invented event names cannot grow the cache."""
        func = _user_function(target.func)
        key = (func, target.skip, target.environ, event == "connect")
        template = self._templates.get(key)
        if template is None:
            broken = self._broken.get(key)
            if broken is None:
                revision = self.revision
                try:
                    template = self._build_checked(namespace, event, target)
                except SpecError as error:
                    broken = Broken(error)
                    if self.revision == revision:
                        if len(self._broken) >= MAX_PLANS:
                            self._broken.clear()
                        self._broken[key] = broken
                    raise UnusableHandler(broken) from None
                if self.revision == revision:
                    self._templates[key] = template
            else:
                raise UnusableHandler(broken)
        if template.event == event and template.namespace == namespace:
            return template
        return dataclasses.replace(template, event=event, namespace=namespace)

    def spec_of(self, namespace: str, event: Any, target: Target) -> EventSpec:
        """The spec a handler called as ``target`` says, read now (not cached): for
        a handler called directly rather than by the server."""
        return self._build_checked(namespace, event, target)

    def _build_checked(self, namespace: str, event: Any, target: Target) -> EventSpec:
        """``_build``, with any failure to read the models reported as a SpecError
        naming the handler."""
        try:
            return self._build(namespace, event, target)
        except SpecError:
            raise
        except Exception as exc:
            name = getattr(_user_function(target.func), "__qualname__", repr(target.func))
            raise SpecError(
                f"cannot read the models of handler {name!r} for event "
                f"{display_name(event)} in namespace {display_name(namespace)}: {exc}"
            ) from exc

    def _build(self, namespace: str, event: str, target: Target) -> EventSpec:
        func = target.func
        decl = self.declarations.get(_user_function(func), Declaration())
        summary, description = docstring_parts(func)
        connect = event == "connect"
        skip = target.skip + (1 if connect and target.environ else 0)
        args: Arguments | None = None
        if decl.request is not UNSET:
            args = None if decl.request is None else Arguments.of(decl.request)
        elif decl.use_hints:
            args = arguments_from_handler(func, skip)
            if args is None and not connect and takes_no_data(func, skip):
                args = Arguments(())  # ``def ping(sid)``: the event carries no data
            if connect and args is not None:
                # connect takes one payload: auth
                args = Arguments(args.params[:1]) if args.params[:1] else None
                if args is not None and not args.validated:
                    args = None
        ack: Arguments | None = None
        if connect:
            ack = None
        elif decl.ack is not UNSET:
            ack = None if decl.ack is None else ack_from_annotation(decl.ack)
        elif decl.use_hints:
            ack = ack_from_handler(func)
        if ack is not None and ack.params and ack.params[0].payload is not None:
            _warn_error_field(ack.params[0].payload, event, namespace)
        return EventSpec(
            namespace=namespace,
            event=event,
            direction="receive",
            args=args,
            ack=ack,
            summary=decl.summary or summary,
            description=decl.description or description,
            tags=decl.tags,
            examples=decl.examples,
            deprecated=decl.deprecated,
            handler_name=getattr(_user_function(func), "__qualname__", None),
        )

    def emit_spec(self, event: str, namespace: str) -> EventSpec | None:
        return self.emits.get((namespace, event))

    # -- enumeration for the documentation --------------------------------------------
    def specs(self) -> list[EventSpec]:
        """Every documented event, sorted by namespace, event and direction.

        Catch-all events and namespaces (``'*'``) and ``disconnect`` carry no fixed
        name or payload and are not listed. Reads snapshots: handlers may be
        registered meanwhile from another thread.
        """
        out: dict[tuple[str, str, str], EventSpec] = {}
        source = self.source
        names = [] if source is None else source.names()
        for namespace, event in sorted(set(names)):
            if "*" in (namespace, event) or event == "disconnect":
                continue
            spec = self.incoming_for_docs(event, namespace, source)
            out[(namespace, event, "receive")] = spec
        for (namespace, event), spec in list(self.fixed.items()):
            out[(namespace, event, "receive")] = spec
        for (namespace, event), spec in list(self.emits.items()):
            out[(namespace, event, "send")] = spec
        return [out[k] for k in sorted(out)]

    def incoming_for_docs(
        self, event: str, namespace: str, source: HandlerSource | None = None
    ) -> EventSpec:
        """The spec of a handled event, validated or not, for the documentation."""
        source = source or self.source
        target = None if source is None else source.target(event, namespace)
        if target is None:
            return EventSpec(namespace=namespace, event=event, direction="receive", args=None)
        return self._build_checked(namespace, event, target)

    def fingerprint(self) -> tuple[Any, ...]:
        """Changes whenever a handler is added, removed or replaced."""
        source = self.source
        if source is None:
            return (self.revision,)
        return (self.revision, source.fingerprint())


def _warn_error_field(payload: Any, event: str, namespace: str) -> None:
    """A handler's ack whose ``error`` field could hold an error ack's marker is
    ambiguous to clients: say so when the handler is read."""
    warn_colliding_error_field(payload, event, namespace, stacklevel=4)

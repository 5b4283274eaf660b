"""What the server handles and sends: one :class:`EventSpec` per event and direction.

Handlers are read where python-socketio keeps them (``server.handlers`` and
``server.namespace_handlers``), so every registration style is seen, whenever it
happened. Each handler is inspected once, when first needed (first message or
first document), and the result is cached against the handler object.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .errors import SpecError
from .model import Direction as Direction
from .model import EventSpec as EventSpec
from .signature import (
    Arguments,
    ack_from_annotation,
    ack_from_handler,
    arguments_from_handler,
    docstring_parts,
)

RESERVED = frozenset({"connect", "disconnect"})
UNSET: Any = object()
#: Bound of the per-event plan cache (clients choose event names for catch-alls).
MAX_PLANS = 4096


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


@dataclass
class _Target:
    """A callable the server will invoke for an event, and how it is called."""

    identity: object
    func: Callable[..., Any]
    skip: int  # leading parameters that are not payload (sid, catch-all names)
    environ: bool  # connect handlers get ``environ`` before ``auth``


def _is_flask_wrapper(fn: Any) -> bool:
    code = getattr(fn, "__code__", None)
    return (
        getattr(fn, "__wrapped__", None) is not None
        and code is not None
        and code.co_name == "_handler"
        and "flask_socketio" in code.co_filename
    )


def _is_flask_namespace(obj: Any) -> bool:
    return any(c.__module__.startswith("flask_socketio") for c in type(obj).__mro__)


def _user_function(func: Callable[..., Any]) -> Callable[..., Any]:
    target = inspect.unwrap(func)
    user: Callable[..., Any] = getattr(target, "__func__", target)
    return user


@dataclass
class Registry:
    """Event specs of one server, built lazily and cached per handler."""

    server: Any = None
    flask: Any = None  # a flask_socketio.SocketIO, possibly before init_app
    declarations: dict[Callable[..., Any], Declaration] = field(default_factory=dict)
    emits: dict[tuple[str, str], EventSpec] = field(default_factory=dict)
    _plans: dict[tuple[str, str], tuple[object, EventSpec | None]] = field(default_factory=dict)
    _templates: dict[tuple[Any, ...], EventSpec] = field(default_factory=dict)
    _broken: dict[tuple[str, str], tuple[object, SpecError]] = field(default_factory=dict)
    revision: int = 0
    fixed: dict[tuple[str, str], EventSpec] = field(default_factory=dict)
    """Incoming specs given by a contract (``SocketIOSpec.from_document``): they win
    over what handlers declare."""

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

    # -- resolution, mirroring python-socketio's dispatch order -----------------------
    def _resolve(self, event: str, namespace: str) -> _Target | None:
        handlers = self.server.handlers
        connect = event == "connect"
        fn = None
        skip = 1
        any_event = False
        ns_handlers = handlers.get(namespace)
        if ns_handlers is not None:
            fn = ns_handlers.get(event)
            if fn is None and event not in RESERVED:
                fn = ns_handlers.get("*")
                skip, any_event = 2, True
        if fn is None and "*" in handlers:
            star = handlers["*"]
            fn = star.get(event)
            skip, any_event = 2, False
            if fn is None and event not in RESERVED:
                fn = star.get("*")
                skip, any_event = 3, True
        if fn is not None:
            if _is_flask_wrapper(fn):
                # Flask-SocketIO calls the user's function without sid; a catch-all
                # event handler gets the event name first.
                return _Target(fn, fn.__wrapped__, 1 if any_event else 0, False)
            return _Target(fn, fn, skip, connect)
        namespaces = self.server.namespace_handlers
        ns_obj = namespaces.get(namespace)
        skip = 1
        if ns_obj is None:
            ns_obj = namespaces.get("*")
            skip = 2
        if ns_obj is None:
            return None
        method = getattr(ns_obj, "on_" + event, None)
        if method is None:
            return None
        if _is_flask_namespace(ns_obj):
            return _Target(ns_obj, method, 0, False)
        return _Target(ns_obj, method, skip, connect)

    def incoming(self, event: str, namespace: str) -> EventSpec | None:
        """The spec of an incoming event, or ``None`` to pass it through untouched."""
        if self.fixed:
            contract = self.fixed.get((namespace, event))
            if contract is not None:
                return contract
        handlers = self.server.handlers
        ns_handlers = handlers.get(namespace)
        if ns_handlers is not None:
            fn = ns_handlers.get(event)
            if fn is not None:  # the common case: a direct handler already seen
                hit = self._plans.get((namespace, event))
                if hit is not None and hit[0] is fn:
                    return hit[1]
        elif "*" not in handlers:  # no function handler can match: a class namespace
            ns_obj = self.server.namespace_handlers.get(namespace)
            if ns_obj is not None:
                hit = self._plans.get((namespace, event))
                if hit is not None and hit[0] is ns_obj:
                    return hit[1]
        target = self._resolve(event, namespace)
        if target is None:
            return None
        key = (namespace, event)
        hit = self._plans.get(key)
        if hit is not None and hit[0] is target.identity:
            return hit[1]
        broken = self._broken.get(key)
        if broken is not None and broken[0] is target.identity:
            raise broken[1]
        try:
            spec = self._read(namespace, event, target)
        except SpecError as error:
            self._broken[key] = (target.identity, error)
            raise
        plan = None if spec.args is None and spec.ack is None else spec
        if len(self._plans) >= MAX_PLANS:
            # catch-all handlers get a plan per event name the client invents
            self._plans.clear()
        self._plans[key] = (target.identity, plan)
        return plan

    def _read(self, namespace: str, event: str, target: _Target) -> EventSpec:
        """``_build`` once per handler function: a catch-all handler serves any event
        name a client sends, and only the names differ between its specs."""
        func = _user_function(target.func)
        key = (func, target.skip, target.environ, event == "connect")
        template = self._templates.get(key)
        if template is None:
            template = self._templates[key] = self._build_checked(namespace, event, target)
        if template.event == event and template.namespace == namespace:
            return template
        return dataclasses.replace(template, event=event, namespace=namespace)

    def _build_checked(self, namespace: str, event: str, target: _Target) -> EventSpec:
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
                f"{event!r} in namespace {namespace!r}: {exc}"
            ) from exc

    def _build(self, namespace: str, event: str, target: _Target) -> EventSpec:
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
    def _handler_keys(self) -> Iterator[tuple[str, str]]:
        server = self.server
        if server is not None:
            for namespace, events in server.handlers.items():
                for event in events:
                    yield namespace, event
            for namespace, ns_obj in server.namespace_handlers.items():
                for attr in dir(type(ns_obj)):
                    if attr.startswith("on_") and callable(getattr(ns_obj, attr, None)):
                        yield namespace, attr[3:]
        elif self.flask is not None:
            for event, _fn, namespace in self.flask.handlers:
                yield namespace or "/", event
            for ns_obj in self.flask.namespace_handlers:
                for attr in dir(type(ns_obj)):
                    if attr.startswith("on_") and callable(getattr(ns_obj, attr, None)):
                        yield ns_obj.namespace or "/", attr[3:]

    def specs(self) -> list[EventSpec]:
        """Every documented event, sorted by namespace, event and direction.

        Catch-all events and namespaces (``'*'``) and ``disconnect`` carry no fixed
        name or payload and are not listed.
        """
        out: dict[tuple[str, str, str], EventSpec] = {}
        for namespace, event in sorted(set(self._handler_keys())):
            if "*" in (namespace, event) or event == "disconnect":
                continue
            spec = self.incoming_for_docs(event, namespace)
            out[(namespace, event, "receive")] = spec
        for (namespace, event), spec in self.fixed.items():
            out[(namespace, event, "receive")] = spec
        for (namespace, event), spec in self.emits.items():
            out[(namespace, event, "send")] = spec
        return [out[k] for k in sorted(out)]

    def incoming_for_docs(self, event: str, namespace: str) -> EventSpec:
        """The spec of a handled event, validated or not, for the documentation."""
        if self.server is not None:
            target = self._resolve(event, namespace)
        else:
            func = self._queued_handler(event, namespace)
            target = None if func is None else _Target(func, func, 0, False)
        if target is None:
            return EventSpec(namespace=namespace, event=event, direction="receive", args=None)
        return self._build_checked(namespace, event, target)

    def _queued_handler(self, event: str, namespace: str) -> Callable[..., Any] | None:
        for ev, fn, ns in self.flask.handlers:
            if ev == event and (ns or "/") == namespace:
                return fn.__wrapped__ if _is_flask_wrapper(fn) else fn  # type: ignore[no-any-return]
        for ns_obj in self.flask.namespace_handlers:
            if (ns_obj.namespace or "/") == namespace:
                method = getattr(ns_obj, "on_" + event, None)
                if method is not None:
                    return method  # type: ignore[no-any-return]
        return None

    def fingerprint(self) -> tuple[Any, ...]:
        """Changes whenever a handler is added, removed or replaced."""
        server = self.server
        if server is not None:
            return (
                self.revision,
                tuple(
                    (ns, ev, id(fn))
                    for ns, evs in server.handlers.items()
                    for ev, fn in evs.items()
                ),
                tuple((ns, id(obj)) for ns, obj in server.namespace_handlers.items()),
            )
        if self.flask is not None:
            return (self.revision, len(self.flask.handlers), len(self.flask.namespace_handlers))
        return (self.revision,)

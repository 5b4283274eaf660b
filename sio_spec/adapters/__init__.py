"""Instance hooks that connect the pipeline to a python-socketio server.

``_trigger_event``, ``emit`` and ``call`` are replaced on the server *instance*
(never the class), keeping the previous attribute and calling through it, so
other instrumentation (python-socketio's Admin UI, another library) chains.

This module holds what the sync (:mod:`.server`) and async (:mod:`.async_server`)
hooks share; they differ only where one awaits. Every decision is the pipeline's
(:meth:`~sio_spec.server.pipeline.Pipeline.before` / ``after``).

:func:`bind` chooses, once per object given to ``SocketIOSpec``, how sio-spec
attaches to it: where handlers are found, how ``spec.on`` registers one, which
hooks validate, and who answers validation errors (:class:`Binding`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from .._socketio_internals import TRIGGER_EVENT, own_trigger_event
from ..errors import SpecError, SpecTypeError, ValidationError
from ..server.pipeline import Pipeline, in_call, logger

SUPPORTED = "python-socketio >= 5.11, < 6"
HOOKED = (TRIGGER_EVENT, "emit", "call")
#: Stands for python-socketio's ``not_handled`` where the wrapped object has none
#: (clients): no handler result is ever this object.
NOT_HANDLED: Any = object()


def check_server(server: Any) -> None:
    """Fail at once, with the supported range, on a server we cannot hook."""
    try:
        version = metadata.version("python-socketio")
    except metadata.PackageNotFoundError:  # pragma: no cover - vendored copies
        version = "unknown"
    parts = version.split(".")
    try:
        major, minor = int(parts[0]), int(parts[1])
    except (ValueError, IndexError):
        major, minor = 0, 0
    if (major, minor) < (5, 11) or major >= 6:
        raise SpecError(
            f"sio-spec supports {SUPPORTED}; this process has python-socketio {version}"
        )
    missing = [name for name in HOOKED if not callable(getattr(server, name, None))]
    # clients have handlers, _trigger_event, emit and call too: require server parts
    missing += [
        name
        for name in (
            "handlers",
            "namespace_handlers",
            "not_handled",
            "manager",
            "_get_event_handler",
            "_get_namespace_handler",
        )
        if not hasattr(server, name)
    ]
    if missing:
        raise SpecError(
            f"{type(server).__name__} does not look like a python-socketio server "
            f"(missing {', '.join(missing)}); sio-spec supports {SUPPORTED}"
        )


def own_dispatch(server: Any) -> bool:
    """Whether ``server._trigger_event`` is python-socketio's own: not wrapped by
    anyone before sio-spec, not overridden by a subclass. Then a handler registered
    for exactly an event is called by the hook as python-socketio would call it."""
    return own_trigger_event(server)


class calling:
    """Marks the duration of a ``call()``: its internal callback is checked by the call
    hook (which can raise), not wrapped by :meth:`Pipeline.outgoing`."""

    def __enter__(self) -> None:
        self.token = in_call.set(True)

    def __exit__(self, *exc: object) -> None:
        in_call.reset(self.token)


def refusal_failed() -> None:
    logger.exception("error handler failed for a refused connection")


def refusal_handler(pipeline: Pipeline, error: Exception) -> Callable[..., Any] | None:
    """The error handler to call before refusing a connection: the user's for an
    invalid ``auth`` (to log, or to raise its own ``ConnectionRefusedError``; its
    return value is ignored, so it can never let an invalid client in), none for
    an unusable connect handler."""
    if isinstance(error, ValidationError):
        return pipeline.handler_for(error.namespace)
    return None


class Layout:
    """Where a wrapped ``emit`` / ``call`` takes its arguments, read once per call.

    The wrappers take ``(event, data=None, *rest, **kwargs)`` and hand everything on
    unchanged but for the data (validated and serialized) and the callback
    (wrapped): each signature of python-socketio is spelled once, here, as the names
    of its positional parameters. ``namespace`` gives the namespace where the method
    takes none (a simple client's).
    """

    __slots__ = ("_callback", "_namespace", "names", "namespace")

    SERVER_EMIT: Layout
    SERVER_CALL: Layout
    CLIENT_EMIT: Layout
    CLIENT_CALL: Layout

    def __init__(self, *names: str, namespace: Callable[[], Any] | None = None) -> None:
        self.names = names
        # positions in ``rest``, the arguments after event and data
        self._namespace = names.index("namespace") - 2 if "namespace" in names else -1
        self._callback = names.index("callback") - 2 if "callback" in names else -1
        self.namespace = namespace

    def named(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Every argument of a call by name (positional ones past the layout's names
        are refused, as the wrapped method would refuse them)."""
        if len(args) > len(self.names):
            raise SpecTypeError(f"takes at most {len(self.names)} positional arguments")
        out = dict(zip(self.names, args, strict=False))
        for name, value in kwargs.items():
            if name in out:
                raise SpecTypeError(f"got multiple values for argument {name!r}")
            out[name] = value
        return out

    def _namespace_of(self, rest: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        i = self._namespace
        if i >= 0:
            return rest[i] if len(rest) > i else kwargs.get("namespace")
        return None if self.namespace is None else self.namespace()

    def outgoing(
        self,
        pipeline: Pipeline,
        event: Any,
        data: Any,
        rest: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> tuple[Any, tuple[Any, ...]]:
        """``(data, rest)`` with the data prepared by :meth:`Pipeline.outgoing` and the
        callback wrapped where it was given; ``kwargs`` (the wrapper's own dict) is
        updated in place. Raises ``EmitValidationError`` before anything is sent."""
        if not rest and self.namespace is None:  # the common call: keywords only
            callback = kwargs.get("callback")
            data, wrapped = pipeline.outgoing(event, kwargs.get("namespace"), data, callback)
            if wrapped is not callback:
                kwargs["callback"] = wrapped
            return data, rest
        j = self._callback
        callback = (rest[j] if len(rest) > j else kwargs.get("callback")) if j >= 0 else None
        data, wrapped = pipeline.outgoing(event, self._namespace_of(rest, kwargs), data, callback)
        if wrapped is not callback:
            if len(rest) > j:
                rest = (*rest[:j], wrapped, *rest[j + 1 :])
            else:
                kwargs["callback"] = wrapped
        return data, rest

    def call_result(
        self,
        pipeline: Pipeline,
        event: Any,
        rest: tuple[Any, ...],
        kwargs: dict[str, Any],
        result: Any,
    ) -> Any:
        """What a ``call()`` with these arguments returned, checked."""
        return pipeline.call_result(event, self._namespace_of(rest, kwargs), result)


Layout.SERVER_EMIT = Layout(
    "event", "data", "to", "room", "skip_sid", "namespace", "callback", "ignore_queue"
)
Layout.SERVER_CALL = Layout("event", "data", "to", "sid", "namespace", "timeout", "ignore_queue")
Layout.CLIENT_EMIT = Layout("event", "data", "namespace", "callback")
Layout.CLIENT_CALL = Layout("event", "data", "namespace", "timeout")


@dataclass
class Hooks:
    """The wrappers installed on one server (or client), and what they replaced."""

    server: Any
    pipeline: Any = None
    wrappers: dict[str, Callable[..., Any]] = field(default_factory=dict)
    previous: dict[str, Any] = field(default_factory=dict)
    active: bool = True

    def install(self) -> None:
        for name, wrapper in self.wrappers.items():
            self.previous[name] = self.server.__dict__.get(name)
            setattr(self.server, name, wrapper)

    def uninstall(self) -> None:
        """Unwind: restore what was there when we are on top of the chain; when
        someone wrapped us since, stay in place but pass everything through."""
        self.active = False
        for name, wrapper in self.wrappers.items():
            if self.server.__dict__.get(name) is not wrapper:
                continue
            before = self.previous.get(name)
            if before is None:
                del self.server.__dict__[name]
            else:
                setattr(self.server, name, before)


from .binding import Binding as Binding  # noqa: E402  (it builds on the hooks above)
from .binding import bind as bind  # noqa: E402

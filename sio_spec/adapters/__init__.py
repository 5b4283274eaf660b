"""Instance hooks that connect the pipeline to a python-socketio server.

``_trigger_event``, ``emit`` and ``call`` are replaced on the server *instance*
(never the class), keeping the previous attribute and calling through it, so
other instrumentation (python-socketio's Admin UI, another library) chains.

This module holds what the sync (:mod:`.server`) and async (:mod:`.async_server`)
hooks share; they differ only where one awaits. Every decision is the pipeline's
(:meth:`~sio_spec.pipeline.Pipeline.before` / ``after``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from .._socketio_internals import TRIGGER_EVENT
from ..errors import SpecError, ValidationError
from ..pipeline import Pipeline, in_call, logger

SUPPORTED = "python-socketio >= 5.11, < 6"
HOOKED = (TRIGGER_EVENT, "emit", "call")


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


@dataclass
class Hooks:
    """The wrappers installed on one server, and what they replaced."""

    server: Any
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

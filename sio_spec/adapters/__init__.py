"""Instance hooks that connect the pipeline to a python-socketio server.

``_trigger_event``, ``emit`` and ``call`` are replaced on the server *instance*
(never the class), keeping the previous attribute and calling through it, so
other instrumentation (python-socketio's Admin UI, another library) chains.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from ..errors import SpecError

SUPPORTED = "python-socketio >= 5.11, < 6"
HOOKED = ("_trigger_event", "emit", "call")

# Set while a server ``call()`` runs: its internal callback is validated by the
# call hook (which can raise), not wrapped by the emit hook.
in_call: contextvars.ContextVar[bool] = contextvars.ContextVar("sio_spec_in_call", default=False)


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
        for name in ("handlers", "namespace_handlers", "not_handled", "manager")
        if not hasattr(server, name)
    ]
    if missing:
        raise SpecError(
            f"{type(server).__name__} does not look like a python-socketio server "
            f"(missing {', '.join(missing)}); sio-spec supports {SUPPORTED}"
        )


@dataclass
class Hooks:
    """The wrappers installed on one server, and what they replaced."""

    server: Any
    wrappers: dict[str, Callable[..., Any]]
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

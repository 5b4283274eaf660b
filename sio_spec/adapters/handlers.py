"""Handlers of a python-socketio server, found the way python-socketio finds them.

The lookup is python-socketio's own (``_get_event_handler`` then
``_get_namespace_handler``, present from 5.11 to 5.18 on servers and clients), so
sio-spec validates for exactly the handler that will be called; the number of
names it puts before the arguments tells how many handler parameters are not
payload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._socketio_internals import event_handler, namespace_handler
from ..server.registry import Target


def namespace_methods(ns_obj: Any) -> list[str]:
    """Event names a class-based namespace handles (its ``on_<event>`` methods)."""
    return [
        attr[3:]
        for attr in dir(type(ns_obj))
        if attr.startswith("on_") and callable(getattr(ns_obj, attr, None))
    ]


class SocketIOHandlers:
    """The :class:`~sio_spec.server.registry.HandlerSource` of a ``socketio.Server`` or
    ``socketio.AsyncServer``.

    ``leading`` is the number of arguments python-socketio passes before the
    payload to a plain handler: the sid on a server. A client's handlers get none
    (a subclass with ``leading = 0`` and ``connect_environ = False`` reads a
    ``socketio.Client``).
    """

    leading = 1
    connect_environ = True

    def __init__(self, server: Any) -> None:
        self.server = server
        self.handlers = server.handlers
        self.namespace_handlers = server.namespace_handlers

    def target(self, event: Any, namespace: str) -> Target | None:
        server = self.server
        fn, shifted = event_handler(server, event, namespace)
        if fn:
            return self.function_target(fn, len(shifted), event, namespace)
        ns_obj, shifted = namespace_handler(server, namespace)
        if not ns_obj:
            return None
        # python-socketio's Namespace.trigger_event builds the same name
        method = getattr(ns_obj, "on_" + (event or ""), None)
        if method is None:
            return None
        return self.method_target(ns_obj, method, len(shifted), event)

    def function_target(
        self, fn: Callable[..., Any], shifted: int, event: Any, namespace: str
    ) -> Target:
        """A function handler, called with ``shifted`` names, then the sid, then the
        payload."""
        return Target(
            fn,
            fn,
            shifted + self.leading,
            event == "connect" and self.connect_environ,
            direct=shifted == 0 and self.handlers.get(namespace, {}).get(event) is fn,
        )

    def method_target(
        self, ns_obj: Any, method: Callable[..., Any], shifted: int, event: Any
    ) -> Target:
        """An ``on_<event>`` method of a class-based namespace."""
        return Target(
            ns_obj, method, shifted + self.leading, event == "connect" and self.connect_environ
        )

    def names(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for namespace, events in list(self.handlers.items()):
            out.extend((namespace, event) for event in list(events))
        for namespace, ns_obj in list(self.namespace_handlers.items()):
            out.extend((namespace, event) for event in namespace_methods(ns_obj))
        return out

    def fingerprint(self) -> tuple[Any, ...]:
        return (
            tuple(
                (ns, ev, id(fn))
                for ns, evs in list(self.handlers.items())
                for ev, fn in list(evs.items())
            ),
            tuple((ns, id(obj)) for ns, obj in list(self.namespace_handlers.items())),
        )

"""Every part of python-socketio, python-engineio and Flask-SocketIO that sio-spec
uses beyond their documented API, in one place.

The rest of sio-spec calls the private parts only through this module, so a
release of python-socketio that renames or drops one changes this file alone; the
undocumented public attributes it relies on are listed here too.
:data:`INTERNALS` lists each part with the classes that must have it; the unit test
``tests/unit/test_socketio_internals.py`` fails when the installed release lacks
one (CI runs it against python-socketio 5.11.4 and the latest release).

Two kinds of part are listed:

- private names (``_trigger_event``, ``_get_event_handler``...) that sio-spec calls,
  replaces on an instance, or overrides in a subclass;
- public but undocumented attributes the in-process test transport relies on
  (``eio.sockets``, ``generate_id``, an engine.io socket's ``closing`` flag...).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "HANDLE_EMIT",
    "HANDLE_EVENT_INTERNAL",
    "INTERNALS",
    "PUBLISH",
    "TRIGGER_EVENT",
    "Internal",
    "add_flask_cookies",
    "eio_sockets",
    "engineio_connect_failed",
    "event_handler",
    "flask_app_of",
    "flask_handle_event",
    "is_server",
    "missing",
    "namespace_handler",
    "new_eio_sid",
    "own_trigger_event",
    "trigger_event",
]

#: The method that dispatches an event to its handler, on servers, clients and
#: engine.io servers: sio-spec's hooks replace it on the instance.
TRIGGER_EVENT = "_trigger_event"

#: The function a server runs in a background task to handle an event with
#: ``async_handlers=True``, called as ``(server, sid, eio_sid, ...)``: the test
#: transport recognizes it by name to wait for it.
HANDLE_EVENT_INTERNAL = "_handle_event_internal"


#: How a pub/sub client manager publishes a message to the other processes, and how
#: it delivers an emit one of them published: the observer wraps both.
PUBLISH = "_publish"
HANDLE_EMIT = "_handle_emit"


@dataclass(frozen=True)
class Internal:
    """One internal part: ``name`` on each of ``owners`` (``module:Class`` paths),
    and what sio-spec does with it."""

    name: str
    owners: tuple[str, ...]
    use: str
    #: the owner's package is an optional dependency (skipped when absent)
    optional: bool = False


_SERVERS = ("socketio:Server", "socketio:AsyncServer")
_CLIENTS = ("socketio:Client", "socketio:AsyncClient")
_EIO_SERVERS = ("engineio:Server", "engineio:AsyncServer")
_PUBSUB = ("socketio:PubSubManager", "socketio.async_pubsub_manager:AsyncPubSubManager")
_EIO_SOCKETS = ("engineio.socket:Socket", "engineio.async_socket:AsyncSocket")

INTERNALS: tuple[Internal, ...] = (
    Internal(TRIGGER_EVENT, _SERVERS + _CLIENTS, "wrapped on the instance by the hooks"),
    Internal(TRIGGER_EVENT, _EIO_SERVERS, "the test transport's connect and disconnect"),
    Internal(PUBLISH, _PUBSUB, "wrapped by the observer to carry the trace context"),
    Internal(HANDLE_EMIT, _PUBSUB, "wrapped by the observer to observe relayed emits"),
    Internal("_get_event_handler", _SERVERS + _CLIENTS, "finds the handler of an event"),
    Internal("_get_namespace_handler", _SERVERS + _CLIENTS, "finds a class-based namespace"),
    Internal(
        HANDLE_EVENT_INTERNAL,
        ("socketio.server:Server", "socketio.async_server:AsyncServer"),
        "the test transport waits for handlers run as background tasks",
    ),
    Internal("_handle_event", _CLIENTS, "the test clients record each event received"),
    Internal("_handle_eio_connect", _CLIENTS, "the test clients report a server error"),
    Internal("_engineio_client_class", _CLIENTS, "the test clients' in-process engine.io"),
    Internal("BaseServer", ("socketio:base_server",), "what the test clients accept"),
    Internal("not_handled", _SERVERS, "the result of an event without a handler"),
    Internal("packet_class", _SERVERS, "the test transport decodes binary packets"),
    Internal("sockets", _EIO_SERVERS, "the test transport registers its sockets"),
    Internal("generate_id", _EIO_SERVERS, "the test transport's engine.io session ids"),
    Internal("closing", _EIO_SOCKETS, "the test transport's server sockets close once"),
    Internal("last_ping", _EIO_SOCKETS, "the test transport's sockets never time out"),
    Internal("schedule_ping", _EIO_SOCKETS, "the test transport's sockets do not ping"),
    Internal("handlers", _EIO_SERVERS, "the test transport hands messages to the server"),
    Internal(
        "handlers",
        ("flask_socketio:SocketIO",),
        "handlers registered before init_app, as (event, function, namespace)",
        optional=True,
    ),
    Internal(
        "namespace_handlers",
        ("flask_socketio:SocketIO",),
        "class-based namespaces registered before init_app",
        optional=True,
    ),
    Internal(
        "_handle_event",
        ("flask_socketio:SocketIO",),
        "an error handler runs in Flask-SocketIO's request context",
        optional=True,
    ),
    Internal(
        "sockio_mw",
        ("flask_socketio:SocketIO",),
        "the Flask app of a SocketIO initialised with one",
        optional=True,
    ),
    Internal(
        "_add_cookies_to_wsgi",
        ("flask.testing:FlaskClient",),
        "a Flask test client lends its cookies to a test client's handshake",
        optional=True,
    ),
)


def _owner(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _has(owner: Any, name: str) -> bool:
    """Whether ``owner`` has ``name``: as a class attribute, or as an instance
    attribute that one of its methods (``__init__``, ``init_app``...) sets."""
    if hasattr(owner, name):
        return True
    for klass in getattr(owner, "__mro__", ()):
        for method in list(vars(klass).values()):
            code = getattr(method, "__code__", None)
            if code is not None and name in code.co_names:
                return True
    return False


def missing() -> list[str]:
    """The listed parts the installed packages lack, as ``module:Class.name``
    (optional packages that are not installed are skipped)."""
    out = []
    for internal in INTERNALS:
        for path in internal.owners:
            try:
                owner = _owner(path)
            except ImportError:
                if internal.optional:
                    continue
                raise
            if not _has(owner, internal.name):
                out.append(f"{path}.{internal.name}")
    return out


# -- the calls ------------------------------------------------------------------------------------


def trigger_event(obj: Any) -> Callable[..., Any]:
    """``obj``'s current event dispatch (a server's, a client's or an engine.io
    server's ``_trigger_event``, wrappers included)."""
    method: Callable[..., Any] = getattr(obj, TRIGGER_EVENT)
    return method


def own_trigger_event(obj: Any) -> bool:
    """Whether ``obj``'s event dispatch is python-socketio's own method of a
    ``Server``, ``AsyncServer``, ``Client`` or ``AsyncClient``: not wrapped on the
    instance, not overridden by a subclass."""
    import socketio

    trigger = getattr(obj, TRIGGER_EVENT)
    return getattr(trigger, "__self__", None) is obj and getattr(trigger, "__func__", None) in (
        getattr(socketio.Server, TRIGGER_EVENT),
        getattr(socketio.AsyncServer, TRIGGER_EVENT),
        getattr(socketio.Client, TRIGGER_EVENT),
        getattr(socketio.AsyncClient, TRIGGER_EVENT),
    )


def event_handler(server: Any, event: Any, namespace: str) -> tuple[Any, tuple[Any, ...]]:
    """The function handler python-socketio calls for ``event``, and the names it
    passes before the arguments (a ``*`` handler gets the event name)."""
    handler, shifted = server._get_event_handler(event, namespace, ())
    return handler, tuple(shifted)


def namespace_handler(server: Any, namespace: str) -> tuple[Any, tuple[Any, ...]]:
    """The class-based namespace python-socketio uses for ``namespace``, and the
    names it passes before the arguments (a ``*`` namespace gets the namespace)."""
    ns_obj, shifted = server._get_namespace_handler(namespace, ())
    return ns_obj, tuple(shifted)


def flask_handle_event(
    socketio: Any, handler: Callable[..., Any], message: Any, namespace: str, sid: str
) -> Any:
    """Run ``handler`` as Flask-SocketIO runs an event handler: in the request
    context, with the ``on_error`` handlers applied to what it raises."""
    return socketio._handle_event(handler, message, namespace, sid)


def flask_app_of(socketio: Any) -> Any:
    """The Flask app a ``flask_socketio.SocketIO`` was initialised with, or ``None``."""
    return getattr(getattr(socketio, "sockio_mw", None), "flask_app", None)


def add_flask_cookies(test_client: Any, environ: dict[str, Any]) -> None:
    """Put a Flask test client's cookies in a request ``environ``."""
    test_client._add_cookies_to_wsgi(environ)


def is_server(obj: Any) -> bool:
    """Whether ``obj`` is a ``socketio.Server`` or ``socketio.AsyncServer`` (or a
    subclass): python-socketio's common base class. (``import sio_spec`` does not
    import python-socketio, which imports every web framework it finds.)"""
    import socketio.base_server

    return isinstance(obj, socketio.base_server.BaseServer)


def eio_sockets(server: Any) -> dict[str, Any]:
    """The engine.io sockets of a Socket.IO server, by engine.io session id."""
    sockets: dict[str, Any] = server.eio.sockets
    return sockets


def new_eio_sid(server: Any) -> str:
    """A fresh engine.io session id, made the way the server makes its own."""
    return str(server.eio.generate_id())


def engineio_connect_failed(exc: BaseException) -> bool:
    """Whether a client's failed ``connect`` is engine.io's: no server answered.

    python-socketio re-raises engine.io's ``ConnectionError`` as its own; 5.11
    raises it ``from None`` (the original is only the suppressed ``__context__``),
    later releases ``from`` the original (its ``__cause__``).
    """
    import engineio

    original = exc.__cause__ if exc.__cause__ is not None else exc.__context__
    return isinstance(original, engineio.exceptions.ConnectionError)

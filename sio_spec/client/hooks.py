"""Instance hooks on ``socketio.Client`` / ``AsyncClient`` and the simple clients.

As on the server, ``emit``, ``call``, ``connect`` and ``_trigger_event`` are
replaced on the client *instance*, keeping the previous attribute and calling
through it, so other wrappers chain; :meth:`Hooks.uninstall` unwinds. Every
decision is the :class:`~.steps.ClientPipeline`'s (the server's pipeline with the
directions swapped), and the wrappers are the server's (:mod:`sio_spec.adapters`)
with the client's argument layouts: the sync and async ones differ only where one
awaits.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import Any

from .._socketio_internals import TRIGGER_EVENT, trigger_event
from ..adapters import Hooks, Layout, own_dispatch
from ..adapters import async_server as async_impl
from ..adapters import server as sync_impl
from ..server.pipeline import Call, Pass
from .steps import ClientHandlers, ClientPipeline


def _namespaces(client: Any, namespaces: Any) -> list[str]:
    if namespaces is None:
        return sorted({"/", *(ns for ns in client.handlers if ns != "*")})
    if isinstance(namespaces, str):
        return [namespaces]
    return list(namespaces)


def _with_auth(
    pipeline: ClientPipeline,
    original: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    namespaces: Callable[[Any], list[str]],
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """``connect()``'s arguments with ``auth`` checked against every namespace it is
    sent to (raises ``EmitValidationError`` before anything connects) and serialized."""
    bound = inspect.signature(original).bind(*args, **kwargs)
    bound.apply_defaults()
    auth = bound.arguments.get("auth")
    if not callable(auth):  # python-socketio also takes a function giving the auth
        checked = [pipeline.auth(ns, auth) for ns in namespaces(bound.arguments)]
        if checked:
            bound.arguments["auth"] = checked[0]
    return bound.args, bound.kwargs


def _deadline(timeout: Any) -> Callable[[], Any]:
    """What is left of ``timeout`` (``None``: no limit) each time it is called."""
    if timeout is None:
        return lambda: None
    end = time.monotonic() + timeout
    return lambda: max(0.0, end - time.monotonic())


def _connect_hook(
    state: Hooks,
    pipeline: ClientPipeline,
    connect: Callable[..., Any],
    namespaces: Callable[[Any], list[str]],
) -> Callable[..., Any]:
    """``connect``: ``auth`` checked against every namespace it is sent to and
    serialized first."""

    def _connect(*args: Any, **kwargs: Any) -> Any:
        if state.active:
            args, kwargs = _with_auth(pipeline, connect, args, kwargs, namespaces)
        return connect(*args, **kwargs)

    return _connect


def _async_connect_hook(
    state: Hooks,
    pipeline: ClientPipeline,
    connect: Callable[..., Any],
    namespaces: Callable[[Any], list[str]],
) -> Callable[..., Any]:
    """The asyncio twin of :func:`_connect_hook`."""

    async def _connect(*args: Any, **kwargs: Any) -> Any:
        if state.active:
            args, kwargs = _with_auth(pipeline, connect, args, kwargs, namespaces)
        return await connect(*args, **kwargs)

    return _connect


_CONNECT = {sync_impl: _connect_hook, async_impl: _async_connect_hook}


def _client(client: Any, pipeline: ClientPipeline, impl: Any) -> Hooks:
    """Hooks for ``socketio.Client`` (``impl``: :mod:`sio_spec.adapters.server`) or
    ``socketio.AsyncClient`` (:mod:`sio_spec.adapters.async_server`): the server's
    wrappers, with the client's argument layouts."""
    state = Hooks(client, pipeline)
    pipeline.read_handlers(ClientHandlers(client))
    state.wrappers.update(
        {
            TRIGGER_EVENT: impl.trigger_hook(
                state, pipeline, trigger_event(client), direct=own_dispatch(client)
            ),
            "emit": impl.emit_hook(state, Layout.CLIENT_EMIT, client.emit),
            "call": impl.call_hook(state, Layout.CLIENT_CALL, client.call),
            "connect": _CONNECT[impl](
                state, pipeline, client.connect, lambda a: _namespaces(client, a["namespaces"])
            ),
        }
    )
    return state


def client_hooks(client: Any, pipeline: ClientPipeline) -> Hooks:
    """Hooks for ``socketio.Client``."""
    return _client(client, pipeline, sync_impl)


def async_client_hooks(client: Any, pipeline: ClientPipeline) -> Hooks:
    """Hooks for ``socketio.AsyncClient``."""
    return _client(client, pipeline, async_impl)


def _received(pipeline: ClientPipeline, client: Any, item: Any) -> Any:
    """A simple client's received ``[event, *args]`` as its handler would get it,
    or ``None`` when it breaks the contract (the caller reads the next one)."""
    decision = pipeline.before(item[0], client.namespace or "/", tuple(item[1:]))
    if isinstance(decision, Call) or isinstance(decision, Pass):
        return [item[0], *decision.args]
    return None


def _simple(client: Any, pipeline: ClientPipeline, impl: Any) -> Hooks:
    """What the simple clients share: their inner client is created by ``connect``,
    so the checks sit on the simple client's own methods, and the namespace is the
    one it connected to."""
    state = Hooks(client, pipeline)
    namespace = lambda: client.namespace  # noqa: E731
    state.wrappers.update(
        emit=impl.emit_hook(state, Layout("event", "data", namespace=namespace), client.emit),
        call=impl.call_hook(
            state,
            Layout("event", "data", "timeout", namespace=namespace),
            client.call,
            prepare=True,
        ),
        connect=_CONNECT[impl](state, pipeline, client.connect, lambda a: [a["namespace"] or "/"]),
    )
    return state


def simple_client_hooks(client: Any, pipeline: ClientPipeline) -> Hooks:
    """Hooks for ``socketio.SimpleClient``."""
    state = _simple(client, pipeline, sync_impl)
    receive = client.receive

    def _receive(timeout: Any = None) -> Any:
        left = _deadline(timeout)
        while True:
            item = receive(timeout=left())
            if not state.active:
                return item
            received = _received(pipeline, client, item)
            if received is not None:
                return received

    state.wrappers["receive"] = _receive
    return state


def async_simple_client_hooks(client: Any, pipeline: ClientPipeline) -> Hooks:
    """Hooks for ``socketio.AsyncSimpleClient``."""
    state = _simple(client, pipeline, async_impl)
    receive = client.receive

    async def _receive(timeout: Any = None) -> Any:
        left = _deadline(timeout)
        while True:
            item = await receive(timeout=left())
            if not state.active:
                return item
            received = _received(pipeline, client, item)
            if received is not None:
                return received

    state.wrappers["receive"] = _receive
    return state

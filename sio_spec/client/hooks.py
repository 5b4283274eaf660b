"""Instance hooks on ``socketio.Client`` / ``AsyncClient`` and the simple clients.

As on the server, ``emit``, ``call``, ``connect`` and ``_trigger_event`` are
replaced on the client *instance*, keeping the previous attribute and calling
through it, so other wrappers chain; :meth:`Hooks.uninstall` unwinds. The sync and
async wrappers differ only where one awaits: every decision is in :mod:`.steps`.
"""

from __future__ import annotations

import contextvars
import inspect
import logging
from collections.abc import Callable
from typing import Any

from ..adapters import Hooks
from ..errors import RemoteInternalError, ValidationError
from ..signature import ack_values, from_ack_values
from .steps import RESERVED, Steps

logger = logging.getLogger("sio_spec.client")

# Set while ``call()`` runs: its internal callback is checked by the call hook (which
# raises), not wrapped by the emit hook (which logs).
_in_call: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "sio_spec_client_call", default=False
)


def _handler(client: Any, event: str, namespace: str) -> Callable[..., Any] | None:
    found: Callable[..., Any] | None = client.handlers.get(namespace, {}).get(event)
    return found


def _checked_callback(
    steps: Steps, event: str, namespace: str, callback: Callable[..., Any]
) -> Callable[..., Any]:
    def checked(*values: Any) -> Any:
        try:
            values = steps.answer(event, namespace, values)
        except (ValidationError, RemoteInternalError) as err:
            logger.warning("%s; callback not called", err)
            return None
        return callback(*values)

    return checked


def _namespaces(client: Any, namespaces: Any) -> list[str]:
    if namespaces is None:
        return sorted({"/", *(ns for ns in client.handlers if ns != "*")})
    if isinstance(namespaces, str):
        return [namespaces]
    return list(namespaces)


def _auth(steps: Steps, namespaces: list[str], auth: Any) -> Any:
    checked = auth
    for ns in namespaces:
        checked = steps.auth(ns, auth)
    return checked


def _bind(original: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    bound = inspect.signature(original).bind(*args, **kwargs)
    bound.apply_defaults()
    return bound


def client_hooks(client: Any, steps: Steps) -> Hooks:
    """Hooks for ``socketio.Client``."""
    trigger, emit, call, connect = (
        client._trigger_event,
        client.emit,
        client.call,
        client.connect,
    )
    state: list[Hooks] = []

    def _trigger_event(event: str, namespace: str, *args: Any) -> Any:
        if not state[0].active or event in RESERVED:
            return trigger(event, namespace, *args)
        checked = steps.incoming(event, namespace, args, _handler(client, event, namespace))
        if checked is None:
            return None
        return steps.reply(event, namespace, trigger(event, namespace, *checked))

    def _emit(event: str, data: Any = None, namespace: Any = None, callback: Any = None) -> Any:
        if state[0].active:
            ns = namespace or "/"
            data = steps.outgoing(event, ns, data)
            if callback is not None and not _in_call.get():
                callback = _checked_callback(steps, event, ns, callback)
        return emit(event, data, namespace=namespace, callback=callback)

    def _call(event: str, data: Any = None, namespace: Any = None, timeout: Any = 60) -> Any:
        if not state[0].active:
            return call(event, data, namespace=namespace, timeout=timeout)
        token = _in_call.set(True)
        try:
            result = call(event, data, namespace=namespace, timeout=timeout)
        finally:
            _in_call.reset(token)
        return from_ack_values(steps.answer(event, namespace or "/", ack_values(result)))

    def _connect(*args: Any, **kwargs: Any) -> Any:
        if state[0].active:
            bound = _bind(connect, args, kwargs)
            names = _namespaces(client, bound.arguments.get("namespaces"))
            bound.arguments["auth"] = _auth(steps, names, bound.arguments.get("auth"))
            args, kwargs = bound.args, bound.kwargs
        return connect(*args, **kwargs)

    hooks = Hooks(
        client,
        {"_trigger_event": _trigger_event, "emit": _emit, "call": _call, "connect": _connect},
    )
    state.append(hooks)
    return hooks


def async_client_hooks(client: Any, steps: Steps) -> Hooks:
    """Hooks for ``socketio.AsyncClient``."""
    trigger, emit, call, connect = (
        client._trigger_event,
        client.emit,
        client.call,
        client.connect,
    )
    state: list[Hooks] = []

    async def _trigger_event(event: str, namespace: str, *args: Any) -> Any:
        if not state[0].active or event in RESERVED:
            return await trigger(event, namespace, *args)
        checked = steps.incoming(event, namespace, args, _handler(client, event, namespace))
        if checked is None:
            return None
        return steps.reply(event, namespace, await trigger(event, namespace, *checked))

    async def _emit(
        event: str, data: Any = None, namespace: Any = None, callback: Any = None
    ) -> Any:
        if state[0].active:
            ns = namespace or "/"
            data = steps.outgoing(event, ns, data)
            if callback is not None and not _in_call.get():
                callback = _checked_callback(steps, event, ns, callback)
        return await emit(event, data, namespace=namespace, callback=callback)

    async def _call(event: str, data: Any = None, namespace: Any = None, timeout: Any = 60) -> Any:
        if not state[0].active:
            return await call(event, data, namespace=namespace, timeout=timeout)
        token = _in_call.set(True)
        try:
            result = await call(event, data, namespace=namespace, timeout=timeout)
        finally:
            _in_call.reset(token)
        return from_ack_values(steps.answer(event, namespace or "/", ack_values(result)))

    async def _connect(*args: Any, **kwargs: Any) -> Any:
        if state[0].active:
            bound = _bind(connect, args, kwargs)
            names = _namespaces(client, bound.arguments.get("namespaces"))
            bound.arguments["auth"] = _auth(steps, names, bound.arguments.get("auth"))
            args, kwargs = bound.args, bound.kwargs
        return await connect(*args, **kwargs)

    hooks = Hooks(
        client,
        {"_trigger_event": _trigger_event, "emit": _emit, "call": _call, "connect": _connect},
    )
    state.append(hooks)
    return hooks


def simple_client_hooks(client: Any, steps: Steps) -> Hooks:
    """Hooks for ``socketio.SimpleClient`` (its inner client is created by ``connect``,
    so the checks sit on the simple client's own methods)."""
    emit, call, connect, receive = client.emit, client.call, client.connect, client.receive
    state: list[Hooks] = []

    def _emit(event: str, data: Any = None) -> Any:
        if state[0].active:
            data = steps.outgoing(event, client.namespace or "/", data)
        return emit(event, data)

    def _call(event: str, data: Any = None, timeout: Any = 60) -> Any:
        if not state[0].active:
            return call(event, data, timeout=timeout)
        ns = client.namespace or "/"
        result = call(event, steps.outgoing(event, ns, data), timeout=timeout)
        return from_ack_values(steps.answer(event, ns, ack_values(result)))

    def _connect(*args: Any, **kwargs: Any) -> Any:
        if state[0].active:
            bound = _bind(connect, args, kwargs)
            ns = bound.arguments.get("namespace") or "/"
            bound.arguments["auth"] = steps.auth(ns, bound.arguments.get("auth"))
            args, kwargs = bound.args, bound.kwargs
        return connect(*args, **kwargs)

    def _receive(timeout: Any = None) -> Any:
        while True:
            item = receive(timeout=timeout)
            if not state[0].active:
                return item
            event, args = item[0], tuple(item[1:])
            checked = steps.incoming(event, client.namespace or "/", args, None)
            if checked is not None:
                return [event, *checked]

    hooks = Hooks(client, {"emit": _emit, "call": _call, "connect": _connect, "receive": _receive})
    state.append(hooks)
    return hooks


def async_simple_client_hooks(client: Any, steps: Steps) -> Hooks:
    """Hooks for ``socketio.AsyncSimpleClient``."""
    emit, call, connect, receive = client.emit, client.call, client.connect, client.receive
    state: list[Hooks] = []

    async def _emit(event: str, data: Any = None) -> Any:
        if state[0].active:
            data = steps.outgoing(event, client.namespace or "/", data)
        return await emit(event, data)

    async def _call(event: str, data: Any = None, timeout: Any = 60) -> Any:
        if not state[0].active:
            return await call(event, data, timeout=timeout)
        ns = client.namespace or "/"
        result = await call(event, steps.outgoing(event, ns, data), timeout=timeout)
        return from_ack_values(steps.answer(event, ns, ack_values(result)))

    async def _connect(*args: Any, **kwargs: Any) -> Any:
        if state[0].active:
            bound = _bind(connect, args, kwargs)
            ns = bound.arguments.get("namespace") or "/"
            bound.arguments["auth"] = steps.auth(ns, bound.arguments.get("auth"))
            args, kwargs = bound.args, bound.kwargs
        return await connect(*args, **kwargs)

    async def _receive(timeout: Any = None) -> Any:
        while True:
            item = await receive(timeout=timeout)
            if not state[0].active:
                return item
            event, args = item[0], tuple(item[1:])
            checked = steps.incoming(event, client.namespace or "/", args, None)
            if checked is not None:
                return [event, *checked]

    hooks = Hooks(client, {"emit": _emit, "call": _call, "connect": _connect, "receive": _receive})
    state.append(hooks)
    return hooks

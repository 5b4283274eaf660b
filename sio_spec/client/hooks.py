"""Instance hooks on ``socketio.Client`` / ``AsyncClient`` and the simple clients.

As on the server, ``emit``, ``call``, ``connect`` and ``_trigger_event`` are
replaced on the client *instance*, keeping the previous attribute and calling
through it, so other wrappers chain; :meth:`Hooks.uninstall` unwinds. Every
decision is the :class:`~.steps.ClientPipeline`'s (the server's pipeline with the
directions swapped); the sync and async wrappers differ only where one awaits.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import Any

from .._socketio_internals import TRIGGER_EVENT, trigger_event
from ..adapters import Hooks, calling
from ..pipeline import CALL, PASS
from .steps import RESERVED, ClientPipeline


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


def client_hooks(client: Any, pipeline: ClientPipeline) -> Hooks:
    """Hooks for ``socketio.Client``."""
    state = Hooks(client)
    before, after, prepare = pipeline.before, pipeline.after, pipeline.outgoing
    trigger, emit, call, connect = trigger_event(client), client.emit, client.call, client.connect

    def _trigger_event(event: str, namespace: str, *args: Any) -> Any:
        if not state.active or event in RESERVED:
            return trigger(event, namespace, *args)
        action, value, spec = before(event, namespace, args)
        if action == CALL:
            return after(spec, trigger(event, namespace, *value), "", event, namespace)[1]
        if action == PASS:
            return trigger(event, namespace, *value)
        return value

    def _emit(event: str, data: Any = None, namespace: Any = None, callback: Any = None) -> Any:
        if state.active:
            data, callback = prepare(event, namespace or "/", data, callback)
        return emit(event, data, namespace=namespace, callback=callback)

    def _call(event: str, data: Any = None, namespace: Any = None, timeout: Any = 60) -> Any:
        if not state.active:
            return call(event, data, namespace=namespace, timeout=timeout)
        with calling():
            result = call(event, data, namespace=namespace, timeout=timeout)
        return pipeline.call_result(event, namespace, result)

    def _connect(*args: Any, **kwargs: Any) -> Any:
        if state.active:
            args, kwargs = _with_auth(
                pipeline, connect, args, kwargs, lambda a: _namespaces(client, a["namespaces"])
            )
        return connect(*args, **kwargs)

    state.wrappers.update(
        {TRIGGER_EVENT: _trigger_event, "emit": _emit, "call": _call, "connect": _connect}
    )
    return state


def async_client_hooks(client: Any, pipeline: ClientPipeline) -> Hooks:
    """Hooks for ``socketio.AsyncClient``."""
    state = Hooks(client)
    before, after, prepare = pipeline.before, pipeline.after, pipeline.outgoing
    trigger, emit, call, connect = trigger_event(client), client.emit, client.call, client.connect

    async def _trigger_event(event: str, namespace: str, *args: Any) -> Any:
        if not state.active or event in RESERVED:
            return await trigger(event, namespace, *args)
        action, value, spec = before(event, namespace, args)
        if action == CALL:
            result = await trigger(event, namespace, *value)
            return after(spec, result, "", event, namespace)[1]
        if action == PASS:
            return await trigger(event, namespace, *value)
        return value

    async def _emit(
        event: str, data: Any = None, namespace: Any = None, callback: Any = None
    ) -> Any:
        if state.active:
            data, callback = prepare(event, namespace or "/", data, callback)
        return await emit(event, data, namespace=namespace, callback=callback)

    async def _call(event: str, data: Any = None, namespace: Any = None, timeout: Any = 60) -> Any:
        if not state.active:
            return await call(event, data, namespace=namespace, timeout=timeout)
        with calling():
            result = await call(event, data, namespace=namespace, timeout=timeout)
        return pipeline.call_result(event, namespace, result)

    async def _connect(*args: Any, **kwargs: Any) -> Any:
        if state.active:
            args, kwargs = _with_auth(
                pipeline, connect, args, kwargs, lambda a: _namespaces(client, a["namespaces"])
            )
        return await connect(*args, **kwargs)

    state.wrappers.update(
        {TRIGGER_EVENT: _trigger_event, "emit": _emit, "call": _call, "connect": _connect}
    )
    return state


def simple_client_hooks(client: Any, pipeline: ClientPipeline) -> Hooks:
    """Hooks for ``socketio.SimpleClient`` (its inner client is created by ``connect``,
    so the checks sit on the simple client's own methods)."""
    state = Hooks(client)
    emit, call, connect, receive = client.emit, client.call, client.connect, client.receive

    def _emit(event: str, data: Any = None) -> Any:
        if state.active:
            data = pipeline.outgoing(event, client.namespace or "/", data, None)[0]
        return emit(event, data)

    def _call(event: str, data: Any = None, timeout: Any = 60) -> Any:
        if not state.active:
            return call(event, data, timeout=timeout)
        ns = client.namespace or "/"
        result = call(event, pipeline.outgoing(event, ns, data, None)[0], timeout=timeout)
        return pipeline.call_result(event, ns, result)

    def _connect(*args: Any, **kwargs: Any) -> Any:
        if state.active:
            args, kwargs = _with_auth(
                pipeline, connect, args, kwargs, lambda a: [a["namespace"] or "/"]
            )
        return connect(*args, **kwargs)

    def _receive(timeout: Any = None) -> Any:
        left = _deadline(timeout)
        while True:
            item = receive(timeout=left())
            if not state.active:
                return item
            action, value, _ = pipeline.before(item[0], client.namespace or "/", tuple(item[1:]))
            if action in (CALL, PASS):
                return [item[0], *value]

    state.wrappers.update(emit=_emit, call=_call, connect=_connect, receive=_receive)
    return state


def async_simple_client_hooks(client: Any, pipeline: ClientPipeline) -> Hooks:
    """Hooks for ``socketio.AsyncSimpleClient``."""
    state = Hooks(client)
    emit, call, connect, receive = client.emit, client.call, client.connect, client.receive

    async def _emit(event: str, data: Any = None) -> Any:
        if state.active:
            data = pipeline.outgoing(event, client.namespace or "/", data, None)[0]
        return await emit(event, data)

    async def _call(event: str, data: Any = None, timeout: Any = 60) -> Any:
        if not state.active:
            return await call(event, data, timeout=timeout)
        ns = client.namespace or "/"
        result = await call(event, pipeline.outgoing(event, ns, data, None)[0], timeout=timeout)
        return pipeline.call_result(event, ns, result)

    async def _connect(*args: Any, **kwargs: Any) -> Any:
        if state.active:
            args, kwargs = _with_auth(
                pipeline, connect, args, kwargs, lambda a: [a["namespace"] or "/"]
            )
        return await connect(*args, **kwargs)

    async def _receive(timeout: Any = None) -> Any:
        left = _deadline(timeout)
        while True:
            item = await receive(timeout=left())
            if not state.active:
                return item
            action, value, _ = pipeline.before(item[0], client.namespace or "/", tuple(item[1:]))
            if action in (CALL, PASS):
                return [item[0], *value]

    state.wrappers.update(emit=_emit, call=_call, connect=_connect, receive=_receive)
    return state

"""Hooks for ``socketio.AsyncServer`` (asyncio: aiohttp, ASGI, Sanic, Tornado)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from socketio.exceptions import ConnectionRefusedError as Refused

from ..errors import RequestValidationError, ResponseValidationError, SpecError, ValidationError
from ..pipeline import Pipeline, connect_refusal, logger, unusable_handler
from . import Hooks, in_call


async def _handle(pipeline: Pipeline, err: ValidationError, sid: str) -> Any:
    result = pipeline.handler_for(err.namespace)(err, sid)
    if inspect.isawaitable(result):
        result = await result
    return result


def hooks(server: Any, pipeline: Pipeline) -> Hooks:
    registry = pipeline.registry
    trigger = server._trigger_event
    emit = server.emit
    call = server.call
    not_handled = server.not_handled
    state: Hooks

    async def _trigger_event(event: str, namespace: str, *args: Any) -> Any:
        if not state.active or event == "disconnect":
            return await trigger(event, namespace, *args)
        try:
            spec = registry.incoming(event, namespace)
        except SpecError as err:
            if event == "connect":
                raise Refused("internal_error") from err
            return unusable_handler(err, args[0])
        if spec is None:
            result = await trigger(event, namespace, *args)
            try:
                return pipeline.plain_ack(event, namespace, result)
            except ResponseValidationError as err:
                return await _handle(pipeline, err, args[0])
        if event == "connect":
            try:
                args = pipeline.connect(spec, args)
            except RequestValidationError as err:
                await refuse_connect(pipeline, err, args[0])
            return await trigger(event, namespace, *args)
        try:
            args = pipeline.request(spec, args)
        except RequestValidationError as err:
            return await _handle(pipeline, err, args[0])
        result = await trigger(event, namespace, *args)
        if result is not_handled:
            return result
        try:
            return pipeline.ack(spec, result)
        except ResponseValidationError as err:
            return await _handle(pipeline, err, args[0])

    async def _emit(
        event: str,
        data: Any = None,
        to: Any = None,
        room: Any = None,
        skip_sid: Any = None,
        namespace: str | None = None,
        callback: Callable[..., Any] | None = None,
        ignore_queue: bool = False,
        **kwargs: Any,
    ) -> Any:
        if state.active:
            # inside call() the reply is checked by the call hook, which can raise
            own_reply = callback is not None and not in_call.get()
            data, checked = pipeline.outgoing(
                event, namespace or "/", data, callback if own_reply else None
            )
            if own_reply:
                callback = checked
        return await emit(
            event,
            data,
            to=to,
            room=room,
            skip_sid=skip_sid,
            namespace=namespace,
            callback=callback,
            ignore_queue=ignore_queue,
            **kwargs,
        )

    async def _call(
        event: str,
        data: Any = None,
        to: Any = None,
        sid: Any = None,
        namespace: str | None = None,
        timeout: float = 60,
        **kwargs: Any,
    ) -> Any:
        if not state.active:
            return await call(
                event, data, to=to, sid=sid, namespace=namespace, timeout=timeout, **kwargs
            )
        token = in_call.set(True)
        try:
            result = await call(
                event, data, to=to, sid=sid, namespace=namespace, timeout=timeout, **kwargs
            )
        finally:
            in_call.reset(token)
        return pipeline.call_result(registry.emit_spec(event, namespace or "/"), result)

    state = Hooks(server, {"_trigger_event": _trigger_event, "emit": _emit, "call": _call})
    return state


async def refuse_connect(pipeline: Pipeline, err: RequestValidationError, sid: str) -> None:
    """Refuse a connection whose auth is invalid; see the sync adapter."""
    try:
        await _handle(pipeline, err, sid)
    except Refused:
        raise
    except Exception:
        logger.exception("error handler failed for a refused connection")
    raise Refused(*connect_refusal(err))

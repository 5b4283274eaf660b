"""Hooks for ``socketio.AsyncServer`` (asyncio: aiohttp, ASGI, Sanic, Tornado).

The same control flow as :mod:`.server`; it awaits the handler and any answer a
user error handler gives as a coroutine.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from socketio.exceptions import ConnectionRefusedError as Refused

from .._socketio_internals import TRIGGER_EVENT, trigger_event
from ..pipeline import CALL, PASS, REFUSE, Pipeline
from . import Hooks, calling, refusal_failed, refusal_handler


async def _settled(answer: Any) -> Any:
    if inspect.isawaitable(answer):
        return await answer
    return answer


def hooks(server: Any, pipeline: Pipeline) -> Hooks:
    state = Hooks(server)
    before, after, prepare = pipeline.before, pipeline.after, pipeline.outgoing
    trigger = trigger_event(server)
    emit = server.emit
    call = server.call
    not_handled = server.not_handled

    async def _trigger_event(event: str, namespace: str, *args: Any) -> Any:
        if not state.active:
            return await trigger(event, namespace, *args)
        action, value, spec = before(event, namespace, args)
        if action == CALL:
            result = await trigger(event, namespace, *value)
            if result is not_handled:
                return result
            ok, value = after(spec, result, value[0], event, namespace)
            return value if ok else await _settled(value)
        if action == PASS:
            return await trigger(event, namespace, *value)
        if action == REFUSE:
            await refuse(pipeline, value, args[0])
        return await _settled(value)

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
            data, callback = prepare(event, namespace, data, callback)
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
        with calling():
            result = await call(
                event, data, to=to, sid=sid, namespace=namespace, timeout=timeout, **kwargs
            )
        return pipeline.call_result(event, namespace, result)

    state.wrappers.update({TRIGGER_EVENT: _trigger_event, "emit": _emit, "call": _call})
    return state


async def refuse(pipeline: Pipeline, error: Exception, sid: str) -> None:
    """Refuse a connection ``before`` decided to refuse; see the sync adapter."""
    handler = refusal_handler(pipeline, error)
    if handler is not None:
        try:
            await _settled(handler(error, sid))
        except Refused:
            raise
        except Exception:
            refusal_failed()
    raise Refused(*pipeline.refusal(error)) from error

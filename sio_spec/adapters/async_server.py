"""Hooks for ``socketio.AsyncServer`` (asyncio: aiohttp, ASGI, Sanic, Tornado) and
the asyncio clients.

The factories of :mod:`.server`, line for line; they await the wrapped call and
any answer a user error handler gives as a coroutine.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any, NoReturn

import pydantic

from .._socketio_internals import TRIGGER_EVENT, trigger_event
from ..errors import SpecError
from ..server.payload import PayloadInvalid
from ..server.pipeline import Answer, Call, Pass, Pipeline, Refuse
from . import (
    NOT_HANDLED,
    Hooks,
    Layout,
    calling,
    own_dispatch,
    refusal_failed,
    refusal_handler,
)


async def _settled(answer: Any) -> Any:
    if inspect.isawaitable(answer):
        return await answer
    return answer


def trigger_hook(
    state: Hooks,
    pipeline: Pipeline,
    trigger: Callable[..., Any],
    not_handled: Any = NOT_HANDLED,
    *,
    direct: bool = False,
) -> Callable[..., Any]:
    """``_trigger_event``: the pipeline's decision, then the handler (or not).

    ``direct``: ``trigger`` is python-socketio's own dispatch, so a function
    registered for exactly the event is called here as it would call it."""
    before, after = pipeline.before, pipeline.after
    # a server calling python-socketio's own dispatch: the common message (a sid and
    # one declared value, a function handler, an instance of the declared ack model)
    # is handled here without a decision; anything else goes through ``before``
    route = pipeline.route if direct and pipeline.sid_first else None
    # otherwise (a client) the pipeline's own quick step, when it calls the handler
    quick = pipeline.quick if direct and route is None else None

    async def _trigger_event(event: Any, namespace: str, *args: Any) -> Any:
        if not state.active:
            return await trigger(event, namespace, *args)
        if route is not None and len(args) == 2 and event != "disconnect":
            try:
                _, spec, handler, coroutine, core = route(event, namespace)
            except (SpecError, TypeError):  # reported by ``before``
                core = None
            if core is not None and handler is not None:
                try:
                    value = core(args[1])
                except (pydantic.ValidationError, PayloadInvalid):  # reported by ``before``
                    pass
                else:
                    if coroutine:
                        try:
                            result = await handler(args[0], value)
                        except asyncio.CancelledError:  # as python-socketio's dispatch does
                            result = None
                    else:
                        result = handler(args[0], value)
                    checked = spec.ack  # type: ignore[union-attr]  # core: a spec
                    if checked is None:
                        if result is None:
                            return None
                    elif type(result) is checked.model:
                        try:
                            return checked.dump(result)  # type: ignore[misc]
                        except (PayloadInvalid, ValueError):  # reported by ``after``
                            pass
                    call = Call((args[0], value), spec, event, namespace, handler, coroutine)
                    ack = after(call, result)
                    return await _settled(ack.value) if isinstance(ack, Answer) else ack
        elif quick is not None:
            hit = quick(event, namespace, args)
            if hit is not None:
                valid, spec, handler, coroutine = hit
                if coroutine:
                    try:
                        result = await handler(*valid)
                    except asyncio.CancelledError:  # as python-socketio's dispatch does
                        result = None
                else:
                    result = handler(*valid)
                if result is None and spec.ack is None:
                    return None
                ack = after(Call(valid, spec, event, namespace, handler, coroutine), result)
                return await _settled(ack.value) if isinstance(ack, Answer) else ack
        decision = before(event, namespace, args)
        if isinstance(decision, Call):
            handler = decision.handler if direct else None
            if handler is None:
                result = await trigger(event, namespace, *decision.args)
                if result is not_handled:
                    return result
            elif decision.coroutine:
                try:
                    result = await handler(*decision.args)
                except asyncio.CancelledError:  # as python-socketio's dispatch does
                    result = None
            else:
                result = handler(*decision.args)
            spec = decision.spec
            if result is None and (spec is None or spec.ack is None):
                return None  # no ack: nothing to check or convert
            ack = after(decision, result)
            return await _settled(ack.value) if isinstance(ack, Answer) else ack
        if isinstance(decision, Pass):
            return await trigger(event, namespace, *decision.args)
        if isinstance(decision, Refuse):
            await refuse(pipeline, decision.error, args[0])
        return await _settled(decision.value)

    return _trigger_event


def emit_hook(state: Hooks, layout: Layout, emit: Callable[..., Any]) -> Callable[..., Any]:
    """``emit``: data validated and serialized, ``callback=`` wrapped."""
    prepare = state.pipeline.outgoing
    pipeline = state.pipeline

    async def _emit(event: Any, data: Any = None, *rest: Any, **kwargs: Any) -> Any:
        if not state.active:
            pass
        elif rest or layout.namespace is not None:
            data, rest = layout.outgoing(state.pipeline, event, data, rest, kwargs)
        else:  # the common call, keywords only: read here
            callback = kwargs.get("callback")
            emits = pipeline.emits
            if callback is None and emits is not None:
                # one declared model: validated (unless an instance of it) and
                # serialized here; anything else, or a problem, goes through ``outgoing``
                spec = emits.get((kwargs.get("namespace") or "/", event))
                checked = None if spec is None else spec.args
                if checked is not None and checked.model is not None:
                    try:
                        model = checked.model
                        value = data if type(data) is model else checked.core(data)
                        dumped = checked.dump(value)
                    except (pydantic.ValidationError, PayloadInvalid, ValueError):
                        pass
                    else:
                        return await emit(event, dumped, **kwargs)
            data, wrapped = prepare(event, kwargs.get("namespace"), data, callback)
            if wrapped is not callback:
                kwargs["callback"] = wrapped
        return await emit(event, data, *rest, **kwargs)

    return _emit


def call_hook(
    state: Hooks, layout: Layout, call: Callable[..., Any], *, prepare: bool = False
) -> Callable[..., Any]:
    """``call``: the reply checked (``prepare``: the data too, for a simple client
    whose inner client is not hooked)."""

    async def _call(event: Any, data: Any = None, *rest: Any, **kwargs: Any) -> Any:
        if not state.active:
            return await call(event, data, *rest, **kwargs)
        if prepare:
            data, rest = layout.outgoing(state.pipeline, event, data, rest, kwargs)
        with calling():
            result = await call(event, data, *rest, **kwargs)
        return layout.call_result(state.pipeline, event, rest, kwargs, result)

    return _call


def hooks(server: Any, pipeline: Pipeline) -> Hooks:
    state = Hooks(server, pipeline)
    state.wrappers.update(
        {
            TRIGGER_EVENT: trigger_hook(
                state,
                pipeline,
                trigger_event(server),
                server.not_handled,
                direct=own_dispatch(server),
            ),
            "emit": emit_hook(state, Layout.SERVER_EMIT, server.emit),
            "call": call_hook(state, Layout.SERVER_CALL, server.call),
        }
    )
    return state


async def refuse(pipeline: Pipeline, error: Exception, sid: str) -> NoReturn:
    """Refuse a connection ``before`` decided to refuse; see the sync adapter."""
    # python-socketio is imported only once a server is in use
    from socketio.exceptions import ConnectionRefusedError as Refused

    handler = refusal_handler(pipeline, error)
    if handler is not None:
        try:
            await _settled(handler(error, sid))
        except Refused:
            raise
        except Exception:
            refusal_failed()
    raise Refused(*pipeline.refusal(error)) from error

"""Hooks for ``socketio.Server`` (threads, eventlet, gevent, Flask-SocketIO)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from socketio.exceptions import ConnectionRefusedError as Refused

from ..errors import RequestValidationError, ResponseValidationError, SpecError
from ..pipeline import Pipeline, connect_refusal, logger, unusable_handler
from . import Hooks, in_call


def hooks(server: Any, pipeline: Pipeline) -> Hooks:
    registry = pipeline.registry
    trigger = server._trigger_event
    emit = server.emit
    call = server.call
    not_handled = server.not_handled
    state: Hooks

    def _trigger_event(event: str, namespace: str, *args: Any) -> Any:
        if not state.active or event == "disconnect":
            return trigger(event, namespace, *args)
        try:
            spec = registry.incoming(event, namespace)
        except SpecError as err:
            if event == "connect":
                raise Refused("internal_error") from err
            return unusable_handler(err, args[0])
        if spec is None:
            result = trigger(event, namespace, *args)
            try:
                return pipeline.plain_ack(event, namespace, result)
            except ResponseValidationError as err:
                return pipeline.handler_for(namespace)(err, args[0])
        if event == "connect":
            try:
                args = pipeline.connect(spec, args)
            except RequestValidationError as err:
                refuse_connect(pipeline, err, args[0])
            return trigger(event, namespace, *args)
        try:
            args = pipeline.request(spec, args)
        except RequestValidationError as err:
            return pipeline.handler_for(namespace)(err, args[0])
        result = trigger(event, namespace, *args)
        if result is not_handled:
            return result
        try:
            return pipeline.ack(spec, result)
        except ResponseValidationError as err:
            return pipeline.handler_for(namespace)(err, args[0])

    def _emit(
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
        return emit(
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

    def _call(
        event: str,
        data: Any = None,
        to: Any = None,
        sid: Any = None,
        namespace: str | None = None,
        timeout: float = 60,
        **kwargs: Any,
    ) -> Any:
        if not state.active:
            return call(event, data, to=to, sid=sid, namespace=namespace, timeout=timeout, **kwargs)
        token = in_call.set(True)
        try:
            result = call(
                event, data, to=to, sid=sid, namespace=namespace, timeout=timeout, **kwargs
            )
        finally:
            in_call.reset(token)
        return pipeline.call_result(registry.emit_spec(event, namespace or "/"), result)

    state = Hooks(server, {"_trigger_event": _trigger_event, "emit": _emit, "call": _call})
    return state


def refuse_connect(pipeline: Pipeline, err: RequestValidationError, sid: str) -> None:
    """Refuse a connection whose auth is invalid, whatever an error handler returns.

    A user error handler is still called (to log, or to raise its own
    ``ConnectionRefusedError`` with another message); its return value is ignored,
    so a truthy return can never let an invalid client in.
    """
    try:
        pipeline.handler_for(err.namespace)(err, sid)
    except Refused:
        raise
    except Exception:
        logger.exception("error handler failed for a refused connection")
    raise Refused(*connect_refusal(err))

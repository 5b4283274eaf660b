"""OpenTelemetry for a Socket.IO server or client held to a contract.

``instrument(spec)`` makes every event a span and a count, with the outcome the
validation pipeline decided; ``uninstrument(spec)`` removes it again. Only
``opentelemetry-api`` is needed (``pip install sio-spec[otel]``); the application
chooses the SDK and exporters. Payloads are never recorded.

Spans (attribute names from the OpenTelemetry messaging conventions where one fits):

- an event a server handles: kind SERVER, ``"{namespace} {event} process"``; a server
  emit or call: kind PRODUCER, ``"{namespace} {event} send"``; an emit another process
  published and this one delivers (pub/sub managers): PRODUCER, ``... send``, with
  ``sio_spec.relayed``;
- on a client: events from the server are CONSUMER ``... process``, emits and calls
  CLIENT ``... send``;
- attributes ``messaging.system`` (``socket.io``), ``messaging.destination.name`` (the
  namespace), ``messaging.operation.type`` (``process`` or ``send``),
  ``socketio.event``, ``socketio.sid``, ``socketio.room`` (emits to a room),
  ``sio_spec.outcome``; status ERROR and ``error.type`` when the outcome is not ``ok``.

Metrics: the counter ``sio_spec.events`` (attributes ``messaging.destination.name``,
``socketio.event``, ``sio_spec.direction``, ``sio_spec.outcome``) and the histogram
``sio_spec.handler.duration`` in seconds (namespace, event, outcome).

Context: a W3C ``traceparent`` (and ``tracestate``) in the connect ``auth`` parents
the spans of that connection; an emit published through a pub/sub client manager
carries the emitting span's context, beside the event in the manager's message.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import metrics, propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from . import __version__
from .server.observe import OK, OTHER, RECEIVE, RELAY, Outcome, observe, observer_of, unobserve

if TYPE_CHECKING:
    from .client import ClientSpec
    from .server.emitter import BaseEmitter
    from .spec import SocketIOSpec

__all__ = ["instrument", "traceparent", "uninstrument"]

SCOPE = "sio_spec"
#: Event names longer than this are cut in span names and attributes.
MAX_EVENT = 100
#: Longer trace context fields in a connect ``auth`` are ignored.
MAX_HEADER = 4096
W3C = TraceContextTextMapPropagator()


class OpenTelemetryObserver:
    """The :class:`~sio_spec.server.observe.Observer` of :func:`instrument`."""

    def __init__(
        self,
        *,
        client: bool,
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: metrics.MeterProvider | None = None,
    ) -> None:
        self.client = client
        self.tracer = trace.get_tracer(SCOPE, __version__, tracer_provider)
        meter = metrics.get_meter(SCOPE, __version__, meter_provider)
        self.events = meter.create_counter(
            "sio_spec.events", unit="{event}", description="Socket.IO events, by outcome."
        )
        self.duration = meter.create_histogram(
            "sio_spec.handler.duration",
            unit="s",
            description="Time the handler of an incoming event ran.",
        )
        #: The context a connection's ``traceparent`` gave, by sid.
        self.connections: dict[str, otel_context.Context] = {}
        self._lock = threading.Lock()

    def _parent(self, carrier: Mapping[str, Any], trusted: bool) -> otel_context.Context | None:
        """The context in ``carrier``: W3C trace context only from a client's ``auth``
        (its baggage would reach every service the handler calls), the global
        propagator's fields from a message another instrumented process published."""
        propagator = propagate.get_global_textmap() if trusted else W3C
        fields = {
            key: value
            for key in propagator.fields
            if isinstance(value := carrier.get(key), str) and len(value) <= MAX_HEADER
        }
        if not fields:
            return None
        extracted = propagator.extract(fields)
        if not trace.get_current_span(extracted).get_span_context().is_valid:
            return None
        return extracted

    def begin(
        self,
        direction: str,
        namespace: str,
        event: str,
        sid: str | None,
        *,
        room: str | None = None,
        carrier: Mapping[str, Any] | None = None,
    ) -> Any:
        parent = None if carrier is None else self._parent(carrier, direction == RELAY)
        if direction == RECEIVE and sid is not None:
            if event == "connect" and parent is not None:
                with self._lock:
                    self.connections[sid] = parent
            elif parent is None:
                parent = self.connections.get(sid)
        event = event[:MAX_EVENT]
        if direction == RECEIVE:
            kind = SpanKind.CONSUMER if self.client else SpanKind.SERVER
            operation = "process"
        else:
            kind = SpanKind.CLIENT if self.client else SpanKind.PRODUCER
            operation = "send"
        attributes: dict[str, Any] = {
            "messaging.system": "socket.io",
            "messaging.destination.name": namespace,
            "messaging.operation.type": operation,
            "socketio.event": event,
        }
        if sid is not None:
            attributes["socketio.sid"] = sid
        if room is not None:
            attributes["socketio.room"] = room
        if direction == RELAY:
            attributes["sio_spec.relayed"] = True
        span = self.tracer.start_span(
            f"{namespace} {event} {operation}", context=parent, kind=kind, attributes=attributes
        )
        token = otel_context.attach(trace.set_span_in_context(span, parent))
        return span, token, direction, namespace, event, sid

    def end(self, token: Any, outcome: Outcome) -> None:
        span, attached, direction, namespace, event, sid = token
        otel_context.detach(attached)
        result = outcome.outcome
        if not outcome.handled:
            event = OTHER
            span.update_name(f"{namespace} {OTHER} process")
            span.set_attribute("socketio.event", OTHER)
        span.set_attribute("sio_spec.outcome", result)
        if result != OK:
            span.set_attribute("error.type", outcome.error_type or result)
            span.set_status(Status(StatusCode.ERROR))
        span.end()
        attributes = {
            "messaging.destination.name": namespace,
            "socketio.event": event,
            "sio_spec.outcome": result,
        }
        if outcome.duration is not None:
            self.duration.record(outcome.duration, attributes)
        attributes["sio_spec.direction"] = direction
        self.events.add(1, attributes)
        if sid is not None and (event == "disconnect" or (event == "connect" and result != OK)):
            with self._lock:
                self.connections.pop(sid, None)

    def carrier(self) -> dict[str, str]:
        out: dict[str, str] = {}
        propagate.inject(out)
        return out


def instrument(
    spec: SocketIOSpec | ClientSpec | BaseEmitter,
    *,
    tracer_provider: trace.TracerProvider | None = None,
    meter_provider: metrics.MeterProvider | None = None,
) -> None:
    """Trace and count every event of ``spec``'s server (a :class:`~sio_spec.SocketIOSpec`
    attached to a server; for Flask-SocketIO once ``init_app`` has run) or client (a
    :class:`~sio_spec.ClientSpec` on a ``socketio.Client`` or ``AsyncClient``), or the
    emits of a worker's :meth:`~sio_spec.SocketIOSpec.emitter`. The global providers
    are used unless others are given. Instrumenting again replaces the previous
    instrumentation."""
    from .client import ClientSpec

    observe(
        spec,
        OpenTelemetryObserver(
            client=isinstance(spec, ClientSpec),
            tracer_provider=tracer_provider,
            meter_provider=meter_provider,
        ),
    )


def uninstrument(spec: SocketIOSpec | ClientSpec | BaseEmitter) -> None:
    """Remove what :func:`instrument` added; the spec validates as before."""
    if observer_of(spec) is not None:
        unobserve(spec)


def traceparent() -> dict[str, str]:
    """The current trace context as W3C headers (``traceparent``, ``tracestate``): merge
    it into a client's connect ``auth`` so the server's spans of that connection join
    the client's trace."""
    out: dict[str, str] = {}
    W3C.inject(out)
    return out

"""OpenTelemetry: ``sio_spec.telemetry.instrument`` on real servers and clients over loopback.

Spans and metrics are read with the SDK's in-memory exporter and metric reader; the
servers are the core suite's (``core_apps.App``: uvicorn ASGI, werkzeug WSGI,
Flask-SocketIO), the clients python-socketio's.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import socketio
from core_apps import MARKER, App, Move, ack_args, connected
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from pydantic import BaseModel
from support.servers import url, wait_for

from sio_spec import ClientSpec, EmitValidationError, SocketIOSpec
from sio_spec.telemetry import instrument, traceparent, uninstrument

KINDS = ["asgi", "wsgi", "flask"]
TIMEOUT = 5


class Token(BaseModel):
    token: str


class News(BaseModel):
    title: str


class Telemetry:
    """An SDK tracer provider and meter provider recording in memory."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader])
        self.tracer = self.tracer_provider.get_tracer("tests")

    def instrument(self, spec: Any) -> None:
        instrument(spec, tracer_provider=self.tracer_provider, meter_provider=self.meter_provider)

    def spans(self, name: str | None = None) -> list[ReadableSpan]:
        spans = list(self.exporter.get_finished_spans())
        return spans if name is None else [s for s in spans if s.name == name]

    def wait(self, name: str, count: int = 1) -> list[ReadableSpan]:
        return wait_for(
            lambda: (found := self.spans(name)) and len(found) >= count and found,
            timeout=TIMEOUT,
            message=f"no span {name!r}: {[s.name for s in self.spans()]}",
        )

    def points(self, metric: str) -> list[Any]:
        data = self.reader.get_metrics_data()
        out: list[Any] = []
        for resource in data.resource_metrics if data else []:
            for scope in resource.scope_metrics:
                for m in scope.metrics:
                    if m.name == metric:
                        out.extend(m.data.data_points)
        return out

    def count(self, **attributes: str) -> int:
        return sum(
            int(p.value)
            for p in self.points("sio_spec.events")
            if all(p.attributes.get(k) == v for k, v in attributes.items())
        )


@pytest.fixture
def telemetry() -> Iterator[Telemetry]:
    t = Telemetry()
    yield t
    t.tracer_provider.shutdown()
    t.meter_provider.shutdown()


def build(kind: str, t: Telemetry) -> tuple[App, SocketIOSpec]:
    """A server with one handler per outcome; instrumented."""
    app = App(kind)
    spec = app.spec()
    spec.emits("news", News)
    if kind == "flask":

        @app.target.on("connect")
        def flask_connect(auth: Token) -> bool:
            return auth.token != "nope"
    else:

        def connect(sid: str, environ: dict[str, Any], auth: Token) -> bool:
            return auth.token != "nope"

        app.sio.on("connect", connect)

    @app.on("move")
    def move(sid: str, m: Move) -> Move:
        with t.tracer.start_as_current_span("user work"):
            return m

    @app.on("baggage")
    def peek_baggage(sid: str) -> dict[str, Any]:
        from opentelemetry import baggage

        return dict(baggage.get_all())

    @app.on("bad_ack")
    def bad_ack(sid: str, m: Move) -> Move:
        return {"game_id": "not a number", "x": 0, "y": 0}  # type: ignore[return-value]

    if app.is_async:

        async def shout(sid: str, title: str) -> bool:
            await app.sio.emit("news", News(title=title), to=sid)
            return True

        async def shout_invalid(sid: str) -> bool:
            try:
                await app.sio.emit("news", {"title": 3}, to=sid)
            except EmitValidationError:
                return True
            return False

        app.sio.on("shout", shout)
        app.sio.on("shout_invalid", shout_invalid)
    else:

        @app.on("shout")
        def sync_shout(sid: str, title: str) -> bool:
            app.target.emit("news", News(title=title), to=sid)
            return True

        @app.on("shout_invalid")
        def sync_shout_invalid(sid: str) -> bool:
            try:
                app.target.emit("news", {"title": 3}, to=sid)
            except EmitValidationError:
                return True
            return False

    t.instrument(spec)
    return app, spec


def attrs(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


def no_payload(t: Telemetry) -> None:
    """The marker sent in payloads and auth appears in no span and no metric."""
    for span in t.spans():
        assert MARKER not in span.name
        assert all(MARKER not in str(v) for v in attrs(span).values()), span.name
        assert all(MARKER not in str(e.attributes) for e in span.events)
    for metric in ("sio_spec.events", "sio_spec.handler.duration"):
        for point in t.points(metric):
            assert all(MARKER not in str(v) for v in point.attributes.values())


@pytest.mark.parametrize("kind", KINDS)
def test_every_outcome_is_a_span_and_a_count(kind: str, telemetry: Telemetry) -> None:
    t = telemetry
    app, _spec = build(kind, t)
    with app.run() as port:
        with connected(port, auth={"token": "ok", "secret": MARKER}) as client:
            sid = client.get_sid()
            note = {"game_id": 1, "x": 1, "y": 2}
            assert ack_args(client, "move", note) == (note,)
            (error,) = ack_args(client, "move", {"game_id": MARKER, "x": 0, "y": 0})
            assert error["error"] == "validation_error"
            (error,) = ack_args(client, "bad_ack", note)
            assert error["error"] == "internal_error"
            assert ack_args(client, "shout_invalid") == (True,)
            news = threading.Event()
            client.on("news", lambda data: news.set())
            assert ack_args(client, "shout", "hello") == (True,)
            assert news.wait(TIMEOUT)
        refused = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            refused.connect(url(port), transports=["websocket"], auth={"token": "nope"})
        invalid = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            invalid.connect(url(port), transports=["websocket"], auth={"tok": MARKER})
        t.wait("/ disconnect process")

    process = t.spans("/ move process")
    assert [s.attributes["sio_spec.outcome"] for s in process] == ["ok", "validation_error"]
    ok, invalid_move = process
    assert ok.kind == SpanKind.SERVER
    assert attrs(ok) == {
        "messaging.system": "socket.io",
        "messaging.destination.name": "/",
        "messaging.operation.type": "process",
        "socketio.event": "move",
        "socketio.sid": sid,
        "sio_spec.outcome": "ok",
    }
    assert ok.status.status_code == StatusCode.UNSET
    assert invalid_move.status.status_code == StatusCode.ERROR
    assert invalid_move.attributes["error.type"] == "RequestValidationError"

    (bad,) = t.spans("/ bad_ack process")
    assert bad.attributes["sio_spec.outcome"] == "internal_error"
    assert bad.attributes["error.type"] == "ResponseValidationError"
    assert bad.status.status_code == StatusCode.ERROR

    sends = t.spans("/ news send")
    assert sorted(s.attributes["sio_spec.outcome"] for s in sends) == ["ok", "validation_error"]
    for span in sends:
        assert span.kind == SpanKind.PRODUCER
        assert span.attributes["messaging.operation.type"] == "send"
        assert span.attributes["socketio.sid"] == sid
    (rejected,) = [s for s in sends if s.attributes["sio_spec.outcome"] != "ok"]
    assert rejected.attributes["error.type"] == "EmitValidationError"
    # the emit happened inside the handler's span
    (shout,) = t.spans("/ shout process")
    (sent,) = [s for s in sends if s.attributes["sio_spec.outcome"] == "ok"]
    assert sent.parent is not None and sent.parent.span_id == shout.context.span_id

    connects = t.spans("/ connect process")
    assert sorted(s.attributes["sio_spec.outcome"] for s in connects) == [
        "ok",
        "refused",
        "refused",
    ]
    assert sorted(s.attributes.get("error.type", "") for s in connects) == [
        "",
        "ConnectionRefusedError",
        "RequestValidationError",
    ]

    assert t.count(**{"socketio.event": "move", "sio_spec.outcome": "ok"}) == 1
    assert t.count(**{"socketio.event": "move", "sio_spec.outcome": "validation_error"}) == 1
    assert t.count(**{"socketio.event": "bad_ack", "sio_spec.outcome": "internal_error"}) == 1
    assert t.count(**{"socketio.event": "connect", "sio_spec.outcome": "refused"}) == 2
    assert t.count(**{"socketio.event": "disconnect", "sio_spec.outcome": "ok"}) >= 1
    assert (
        t.count(
            **{"socketio.event": "news", "sio_spec.direction": "send", "sio_spec.outcome": "ok"}
        )
        == 1
    )
    assert t.count(**{"socketio.event": "move", "sio_spec.direction": "receive"}) == 2
    # the handler ran for the valid move only
    durations = [
        p for p in t.points("sio_spec.handler.duration") if p.attributes["socketio.event"] == "move"
    ]
    assert [(p.attributes["sio_spec.outcome"], p.count) for p in durations] == [("ok", 1)]
    assert durations[0].sum > 0
    no_payload(t)


@pytest.mark.parametrize("kind", KINDS)
def test_user_spans_nest_under_the_handlers_span(kind: str, telemetry: Telemetry) -> None:
    t = telemetry
    app, _ = build(kind, t)
    with app.run() as port, connected(port, auth={"token": "ok"}) as client:
        ack_args(client, "move", {"game_id": 1, "x": 1, "y": 2})
    (handler,) = t.spans("/ move process")
    (user,) = t.spans("user work")
    assert user.parent is not None and user.parent.span_id == handler.context.span_id
    assert user.context.trace_id == handler.context.trace_id


@pytest.mark.parametrize("kind", ["asgi", "flask"])
def test_traceparent_in_connect_auth_parents_the_connections_spans(
    kind: str, telemetry: Telemetry
) -> None:
    t = telemetry
    app, _ = build(kind, t)
    with app.run() as port:
        with t.tracer.start_as_current_span("browser page") as page:
            auth = {"token": "ok", **traceparent(), "baggage": "user=" + MARKER}
        assert set(auth) >= {"token", "traceparent"}
        with connected(port, auth=auth) as client:
            ack_args(client, "move", {"game_id": 1, "x": 1, "y": 2})
            # a client's baggage does not become the handler's
            assert ack_args(client, "baggage") == ({},)
        with connected(port, auth={"token": "ok", "traceparent": "00-garbage"}) as other:
            ack_args(other, "move", {"game_id": 1, "x": 1, "y": 2})
        t.wait("/ disconnect process", 2)
    trace_id = page.get_span_context().trace_id
    joined = [s for s in t.spans() if s.context.trace_id == trace_id and s.name != "browser page"]
    names = sorted(s.name for s in joined if s.name != "user work")
    assert names == [
        "/ baggage process",
        "/ connect process",
        "/ disconnect process",
        "/ move process",
    ]
    for span in joined:
        if span.name != "user work":
            assert span.parent is not None
            assert span.parent.span_id == page.get_span_context().span_id
            assert span.parent.is_remote
    # a connection whose traceparent cannot be read gets traces of its own
    others = [s for s in t.spans("/ move process") if s.context.trace_id != trace_id]
    assert len(others) == 1 and others[0].parent is None


def test_an_event_no_handler_takes_is_named_other(telemetry: Telemetry) -> None:
    t = telemetry
    app, _ = build("asgi", t)
    with app.run() as port, connected(port, auth={"token": "ok"}) as client:
        client.emit("no-such-event-" + MARKER, {"x": MARKER})
        client.emit("no-such-event-2", 1)
        client.emit(["not", "a", "name", MARKER], 1)  # any JSON is a name on the wire
        spans = t.wait("/ _OTHER process", 3)
    assert t.count(**{"socketio.event": "_OTHER"}) == 3
    # python-socketio's own handler lookup fails on a list (nothing answers it)
    assert sorted(s.attributes["sio_spec.outcome"] for s in spans) == [
        "internal_error",
        "ok",
        "ok",
    ]
    no_payload(t)


def test_a_handler_that_raises_is_an_internal_error(telemetry: Telemetry) -> None:
    t = telemetry
    app, _ = build("asgi", t)

    @app.on("boom")
    def boom(sid: str) -> None:
        raise LookupError("secret " + MARKER)

    with app.run() as port, connected(port, auth={"token": "ok"}) as client:
        client.emit("boom")
        (span,) = t.wait("/ boom process")
    assert span.attributes["sio_spec.outcome"] == "internal_error"
    assert span.attributes["error.type"] == "LookupError"
    assert span.status.status_code == StatusCode.ERROR
    assert span.status.description is None
    no_payload(t)


def test_async_server_spans_of_concurrent_events_stay_apart(telemetry: Telemetry) -> None:
    t = telemetry
    app = App("asgi")
    spec = app.spec()

    async def slow(sid: str, n: int) -> int:
        with t.tracer.start_as_current_span(f"work {n}"):
            await asyncio.sleep(0.05 if n % 2 else 0)
        return n

    app.sio.on("slow", slow)
    t.instrument(spec)
    with app.run() as port, connected(port) as client:
        done = threading.Semaphore(0)
        for n in range(6):
            client.emit("slow", n, callback=lambda *_: done.release())
        for _ in range(6):
            assert done.acquire(timeout=TIMEOUT)
    handlers = {s.context.span_id: s for s in t.spans("/ slow process")}
    assert len(handlers) == 6
    for n in range(6):
        (work,) = t.spans(f"work {n}")
        assert work.parent is not None and work.parent.span_id in handlers


# -- the client side ----------------------------------------------------------------------


def client_server() -> tuple[App, SocketIOSpec]:
    app = App("asgi")
    spec = app.spec()
    spec.emits("news", News)

    @app.on("move")
    def move(sid: str, m: Move) -> Move:
        return m

    async def push(sid: str, valid: bool) -> bool:
        await app.sio.emit("news", {"title": "fresh"}, to=sid)
        return True

    app.sio.on("push", push)

    return app, spec


def test_client_spans_are_client_and_consumer(telemetry: Telemetry) -> None:
    t = telemetry
    app, spec = client_server()
    server_side = Telemetry()
    server_side.instrument(spec)
    with app.run() as port:
        client = socketio.Client(reconnection=False)
        cs = ClientSpec(client, spec)
        t.instrument(cs)
        got = threading.Event()
        client.on("news", lambda news: got.set())
        client.connect(url(port), transports=["websocket"], wait_timeout=TIMEOUT)
        try:
            note = {"game_id": 1, "x": 1, "y": 2}
            assert client.call("move", Move(**note), timeout=TIMEOUT) == Move(**note)
            with pytest.raises(EmitValidationError):
                client.emit("move", {"game_id": MARKER})
            client.emit("move", note)
            assert client.call("push", True, timeout=TIMEOUT) is True
            assert got.wait(TIMEOUT)
        finally:
            client.disconnect()
        t.wait("/ news process")

    calls = t.spans("/ move send")
    assert [s.attributes["sio_spec.outcome"] for s in calls] == ["ok", "validation_error", "ok"]
    for span in calls:
        assert span.kind == SpanKind.CLIENT
        assert "socketio.sid" not in attrs(span)
    assert calls[1].attributes["error.type"] == "EmitValidationError"
    (news,) = t.spans("/ news process")
    assert news.kind == SpanKind.CONSUMER
    assert news.attributes["sio_spec.outcome"] == "ok"
    # the client's own connect and disconnect are not server events
    assert t.spans("/ connect process") == []
    assert t.count(**{"socketio.event": "move", "sio_spec.direction": "send"}) == 3
    no_payload(t)


def test_async_client_spans(telemetry: Telemetry) -> None:
    t = telemetry
    app, spec = client_server()

    async def scenario(port: int) -> None:
        client = socketio.AsyncClient(reconnection=False)
        t.instrument(ClientSpec(client, spec))
        got = asyncio.Event()

        async def on_news(news: News) -> None:
            with t.tracer.start_as_current_span("client handler"):
                got.set()

        client.on("news", on_news)
        await client.connect(url(port), transports=["websocket"], wait_timeout=TIMEOUT)
        try:
            assert await client.call("push", True, timeout=TIMEOUT) is True
            await asyncio.wait_for(got.wait(), TIMEOUT)
        finally:
            await client.disconnect()

    with app.run() as port:
        asyncio.run(scenario(port))
    (call,) = t.spans("/ push send")
    assert call.kind == SpanKind.CLIENT
    (news,) = t.spans("/ news process")
    (inner,) = t.spans("client handler")
    assert inner.parent is not None and inner.parent.span_id == news.context.span_id


# -- installing and removing ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["asgi", "wsgi"])
def test_uninstrument_restores_the_plain_hooks(kind: str, telemetry: Telemetry) -> None:
    t = telemetry
    app = App(kind)
    before = dict(app.sio.__dict__)
    spec = app.spec()
    plain = {name: app.sio.__dict__[name] for name in ("_trigger_event", "emit", "call")}
    manager = dict(app.sio.manager.__dict__)

    @app.on("move")
    def move(sid: str, m: Move) -> Move:
        return m

    t.instrument(spec)
    assert app.sio.__dict__["_trigger_event"] is not plain["_trigger_event"]
    uninstrument(spec)
    for name in ("_trigger_event", "emit", "call"):
        # the spec's own hooks are back on top, wrapping python-socketio's methods
        assert app.sio.__dict__[name].__qualname__ == plain[name].__qualname__
    assert app.sio.manager.__dict__ == manager
    with app.run() as port, connected(port) as client:
        (error,) = ack_args(client, "move", {"game_id": "x"})
        assert error["error"] == "validation_error"  # still validated
    assert t.spans() == []
    assert t.count() == 0
    spec.detach()
    assert app.sio.__dict__.keys() == before.keys()


def test_detach_while_instrumented_removes_everything(telemetry: Telemetry) -> None:
    app = App("asgi")
    before = dict(app.sio.__dict__)
    spec = app.spec()
    telemetry.instrument(spec)
    spec.detach()
    assert app.sio.__dict__ == before
    uninstrument(spec)  # nothing left to remove
    assert app.sio.__dict__ == before


def test_instrument_before_the_server_exists_is_a_clear_error() -> None:
    from flask import Flask
    from flask_socketio import SocketIO

    from sio_spec import SpecError

    socketio_ = SocketIO()
    spec = SocketIOSpec(socketio_)
    with pytest.raises(SpecError, match="init_app"):
        instrument(spec)
    socketio_.init_app(Flask(__name__), async_mode="threading")
    t = Telemetry()
    t.instrument(spec)
    assert spec.server.__dict__["_trigger_event"].__qualname__.startswith("_incoming")


def test_instrument_twice_replaces_the_first(telemetry: Telemetry) -> None:
    app = App("asgi")
    spec = app.spec()

    @app.on("move")
    def move(sid: str, m: Move) -> Move:
        return m

    first = Telemetry()
    first.instrument(spec)
    telemetry.instrument(spec)
    with app.run() as port, connected(port) as client:
        ack_args(client, "move", {"game_id": 1, "x": 1, "y": 1})
    assert first.spans("/ move process") == []
    assert len(telemetry.spans("/ move process")) == 1


def test_nothing_of_opentelemetry_is_imported_without_instrument() -> None:
    # python-socketio may pull in redis-py, which loads OpenTelemetry when it is
    # installed: from then on, any import of it fails
    code = """
import sys, socketio
loaded = {m for m in sys.modules if m.startswith("opentelemetry")}

class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.startswith("opentelemetry") or name in (
            "sio_spec.telemetry", "sio_spec.observe", "sio_spec.server.observe"
        ):
            raise ImportError("blocked: " + name)

sys.meta_path.insert(0, Blocked())
import sio_spec
from sio_spec import SocketIOSpec, ClientSpec
spec = SocketIOSpec(socketio.AsyncServer(), title="t")
SocketIOSpec(socketio.Server())
ClientSpec(socketio.Client(), spec)
spec.asyncapi()
new = {m for m in sys.modules if m.startswith("opentelemetry")} - loaded
assert not new, new
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_the_global_providers_are_used_by_default() -> None:
    code = (
        "import socketio\n"
        "from opentelemetry import trace, metrics\n"
        "from opentelemetry.sdk.trace import TracerProvider\n"
        "from opentelemetry.sdk.metrics import MeterProvider\n"
        "from opentelemetry.sdk.metrics.export import InMemoryMetricReader\n"
        "from sio_spec import SocketIOSpec\n"
        "from sio_spec.telemetry import instrument\n"
        "from sio_spec.observe import observer_of\n"
        "tp = TracerProvider(); trace.set_tracer_provider(tp)\n"
        "reader = InMemoryMetricReader()\n"
        "metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))\n"
        "spec = SocketIOSpec(socketio.Server())\n"
        "instrument(spec)\n"
        "obs = observer_of(spec)\n"
        "assert obs.tracer.resource is tp.resource, obs.tracer\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# -- the example ----------------------------------------------------------------------------


def json_objects(text: str) -> list[Any]:
    """Every top-level JSON object printed in ``text`` (the console exporters print
    indented JSON between other lines)."""
    import json

    decoder = json.JSONDecoder()
    found, at = [], 0
    while (start := text.find("{", at)) != -1:
        try:
            obj, end = decoder.raw_decode(text, start)
        except ValueError:
            at = start + 1
            continue
        found.append(obj)
        at = end
    return found


def test_the_example_prints_its_spans_and_metrics_to_the_console() -> None:
    from pathlib import Path

    from support.servers import free_port

    app = Path(__file__).resolve().parent.parent / "examples" / "telemetry" / "app.py"
    done = subprocess.run(
        [sys.executable, str(app), "--demo", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "valid move -> True" in done.stdout
    assert "invalid move -> validation_error" in done.stdout
    printed = json_objects(done.stdout)
    spans = [o for o in printed if "context" in o and "name" in o]
    (session,) = [s for s in spans if s["name"] == "demo session"]
    served = [s for s in spans if s["name"] != "demo session"]
    assert sorted(s["name"] for s in served) == [
        "/ board send",
        "/ connect process",
        "/ disconnect process",
        "/ make_move process",
        "/ make_move process",
    ]
    # the connect auth carried the client's trace: every span of the session is in it
    assert {s["context"]["trace_id"] for s in served} == {session["context"]["trace_id"]}
    outcomes = sorted(s["attributes"]["sio_spec.outcome"] for s in served)
    assert outcomes == ["ok", "ok", "ok", "ok", "validation_error"]
    metrics = [o for o in printed if "resource_metrics" in o]
    names = {
        m["name"]
        for o in metrics
        for r in o["resource_metrics"]
        for sm in r["scope_metrics"]
        for m in sm["metrics"]
    }
    assert names == {"sio_spec.events", "sio_spec.handler.duration"}


def test_a_server_call_is_one_span_with_the_replys_outcome(telemetry: Telemetry) -> None:
    from sio_spec import ClientAckValidationError

    class Answer(BaseModel):
        choice: int

    t = telemetry
    app = App("asgi")
    spec = app.spec()
    spec.emits("ask", News, ack=Answer)

    async def quiz(sid: str, reply: str) -> str:
        try:
            # positional, as python-socketio's signature allows: to, then sid, namespace
            answer = await app.sio.call("ask", News(title="?"), sid, None, "/", TIMEOUT)
        except ClientAckValidationError:
            return "invalid"
        return f"choice {answer.choice}"

    app.sio.on("quiz", quiz)
    t.instrument(spec)
    with app.run() as port, connected(port) as client:
        replies = iter([{"choice": 2}, {"choice": MARKER}])
        client.on("ask", lambda news: next(replies))
        assert ack_args(client, "quiz", "x") == ("choice 2",)
        assert ack_args(client, "quiz", "x") == ("invalid",)
        sid = client.get_sid()
    asks = t.spans("/ ask send")
    assert [s.attributes["sio_spec.outcome"] for s in asks] == ["ok", "validation_error"]
    assert asks[1].attributes["error.type"] == "ClientAckValidationError"
    quizzes = t.spans("/ quiz process")
    for ask, quiz_span in zip(asks, quizzes, strict=True):
        assert ask.kind == SpanKind.PRODUCER
        assert ask.attributes["socketio.sid"] == sid
        assert ask.attributes["messaging.destination.name"] == "/"
        assert ask.parent is not None and ask.parent.span_id == quiz_span.context.span_id
    no_payload(t)


@pytest.mark.parametrize("kind", ["asgi", "wsgi"])
def test_a_spec_without_validation_is_traced_too(kind: str, telemetry: Telemetry) -> None:
    t = telemetry
    app = App(kind)
    spec = app.spec(validate=False)

    @app.on("move")
    def move(sid: str, m: Move) -> Move:
        return m

    t.instrument(spec)
    with app.run() as port, connected(port) as client:
        assert ack_args(client, "move", {"game_id": "anything"}) == ({"game_id": "anything"},)
    (span,) = t.spans("/ move process")
    assert span.attributes["sio_spec.outcome"] == "ok"
    uninstrument(spec)
    assert "_trigger_event" not in app.sio.__dict__


def test_a_handler_whose_models_cannot_be_built_is_an_internal_error(
    telemetry: Telemetry,
) -> None:
    class Opaque:
        """Not something pydantic can validate."""

    t = telemetry
    app = App("asgi")
    spec = app.spec()

    @app.on("opaque")
    def opaque(sid: str, value: Opaque) -> None:
        raise AssertionError("never called")

    t.instrument(spec)
    with app.run() as port, connected(port) as client:
        (answer,) = ack_args(client, "opaque", {"x": 1})
    assert answer["error"] == "internal_error"
    (span,) = t.spans("/ opaque process")
    assert span.attributes["sio_spec.outcome"] == "internal_error"
    assert span.attributes["error.type"] == "UnusableHandler"


def test_what_cannot_be_instrumented_is_refused_in_one_line() -> None:
    from sio_spec import SpecError

    spec = SocketIOSpec(title="t")
    with pytest.raises(SpecError, match="attached"):
        instrument(spec)
    spec.attach(socketio.AsyncServer())
    simple = ClientSpec(socketio.SimpleClient(), spec)
    with pytest.raises(SpecError, match="Client or AsyncClient"):
        instrument(simple)
    simple.detach()
    assert "emit" not in simple.client.__dict__

"""Handler resolution and the plan cache (``sio_spec.registry`` with the handler
sources of ``sio_spec.adapters``), on un-started python-socketio and
Flask-SocketIO servers: no socket, no event loop.

The real-server suite (``test_core_registration.py``, ``test_flask_dropin.py``)
shows the same resolution on the wire.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

import flask
import flask_socketio
import pytest
import socketio
from pydantic import BaseModel

import sio_spec.registry
from sio_spec import SocketIOSpec, SpecError
from sio_spec.adapters.flask_socketio import FlaskHandlers
from sio_spec.adapters.handlers import SocketIOHandlers
from sio_spec.registry import Registry, UnusableHandler


class Move(BaseModel):
    x: int


class NotAModel:
    """pydantic cannot build a validator for this."""


def registry_for(server: Any) -> Registry:
    return Registry(source=SocketIOHandlers(server))


# -- python-socketio's resolution order ---------------------------------------------


def test_each_kind_of_handler_gets_its_payload_after_the_names_python_socketio_adds() -> None:
    sio = socketio.Server()

    @sio.on("direct")
    def direct(sid: str, move: Move) -> None: ...

    @sio.on("*")
    def any_event(event: str, sid: str, move: Move) -> None: ...

    @sio.on("shared", namespace="*")
    def any_namespace(namespace: str, sid: str, move: Move) -> None: ...

    @sio.on("*", namespace="*")
    def anything(event: str, namespace: str, sid: str, move: Move) -> None: ...

    source = SocketIOHandlers(sio)
    cases = {
        ("direct", "/"): (direct, 1),
        ("other", "/"): (any_event, 2),
        ("shared", "/chat"): (any_namespace, 2),
        ("other", "/chat"): (anything, 3),
    }
    for (event, namespace), (func, skip) in cases.items():
        target = source.target(event, namespace)
        assert target is not None
        # the same handler python-socketio itself would call
        assert target.identity is sio._get_event_handler(event, namespace, ())[0] is func
        assert target.skip == skip
        spec = registry_for(sio).incoming(event, namespace)
        assert spec is not None and spec.event == event and spec.namespace == namespace
        assert spec.args is not None
        assert spec.args.after_sid(("sid", {"x": 1})) == ("sid", Move(x=1))


def test_reserved_events_are_never_caught_by_a_catch_all() -> None:
    sio = socketio.Server()

    @sio.on("*")
    def any_event(event: str, sid: str, move: Move) -> None: ...

    source = SocketIOHandlers(sio)
    assert source.target("connect", "/") is None
    assert source.target("disconnect", "/") is None
    assert registry_for(sio).incoming("connect", "/") is None


def test_class_namespaces_resolve_to_their_on_methods() -> None:
    class Game(socketio.Namespace):
        def on_move(self, sid: str, move: Move) -> None: ...

    class Anywhere(socketio.Namespace):
        def on_move(self, namespace: str, sid: str, move: Move) -> None: ...

    sio = socketio.Server()
    game = Game("/game")
    anywhere = Anywhere("*")
    sio.register_namespace(game)
    sio.register_namespace(anywhere)
    source = SocketIOHandlers(sio)
    target = source.target("move", "/game")
    assert target is not None and target.identity is game and target.skip == 1
    target = source.target("move", "/elsewhere")
    assert target is not None and target.identity is anywhere and target.skip == 2
    assert source.target("nothing", "/game") is None
    # python-socketio looks up "on_" + (event or ""): falsy names find no method
    for name in (None, 0, False, ""):
        assert source.target(name, "/game") is None
    assert sorted(source.names()) == [("*", "move"), ("/game", "move")]


def test_a_plan_is_reused_until_the_handler_is_replaced() -> None:
    sio = socketio.Server()

    @sio.on("move")
    def first(sid: str, move: Move) -> None: ...

    registry = registry_for(sio)
    spec = registry.incoming("move", "/")
    assert spec is not None and registry.incoming("move", "/") is spec

    @sio.on("move")
    def second(sid: str, x: int) -> None: ...

    replaced = registry.incoming("move", "/")
    assert replaced is not None and replaced is not spec
    assert replaced.args is not None and replaced.args.after_sid(("s", "3")) == ("s", 3)


def test_an_unannotated_handler_has_no_plan() -> None:
    sio = socketio.Server()
    sio.on("free", lambda sid, data: None)
    assert registry_for(sio).incoming("free", "/") is None


def test_the_plan_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sio_spec.registry, "MAX_PLANS", 8)
    sio = socketio.Server()

    @sio.on("*")
    def any_event(event: str, sid: str, move: Move) -> None: ...

    registry = registry_for(sio)
    for i in range(50):
        assert registry.incoming(f"e{i}", "/") is not None
        assert len(registry._plans) <= 8


def test_an_unusable_handler_fails_once_per_handler_not_per_event_name() -> None:
    sio = socketio.Server()

    @sio.on("*")
    def any_event(event: str, sid: str, data: NotAModel) -> None: ...

    registry = registry_for(sio)
    errors = []
    for i in range(20):
        with pytest.raises(UnusableHandler) as caught:
            registry.incoming(f"invented-{i}", "/")
        errors.append(caught.value)
    assert len(registry._broken) == 1
    # one cached record, a new small exception per message, no traceback kept
    assert {id(e.broken) for e in errors} == {id(errors[0].broken)}
    assert errors[0].broken.error.__traceback__ is None
    assert "any_event" in str(errors[-1]) and "invented-0" in str(errors[-1])
    assert isinstance(errors[0], SpecError)


def test_a_long_event_name_is_cut_in_the_error_of_an_unusable_handler() -> None:
    sio = socketio.Server()

    @sio.on("*")
    def any_event(event: str, sid: str, data: NotAModel) -> None: ...

    with pytest.raises(UnusableHandler) as caught:
        registry_for(sio).incoming("n" * 100_000, "/")
    assert len(str(caught.value)) < 1000


def test_without_a_source_every_event_passes_through() -> None:
    registry = Registry()
    assert registry.incoming("move", "/") is None
    assert registry.specs() == [] and registry.fingerprint() == (0,)


# -- snapshots: documents built while handlers are registered ------------------------


@pytest.mark.parametrize("round_", range(5))
def test_listing_and_fingerprint_survive_concurrent_registration(round_: int) -> None:
    sio = socketio.Server()
    for i in range(500):
        sio.on(f"base{i}", lambda sid, move: None)
    spec = SocketIOSpec(sio)
    done = threading.Event()

    def register() -> None:
        # a new namespace each time: the table being iterated changes size
        for i in range(1000):
            sio.on("late", lambda sid, move: None, namespace=f"/n{i}")
        done.set()

    thread = threading.Thread(target=register, daemon=True)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, inside the iterations
    try:
        thread.start()
        reads = 0
        while True:  # at least one read, however fast the other thread is
            finished = done.is_set()
            spec.registry.fingerprint()
            spec.registry.source.names()  # type: ignore[union-attr]
            reads += 1
            if finished:
                break
    finally:
        sys.setswitchinterval(interval)
        thread.join(5)
    assert reads > 0
    assert len(spec.specs()) == 1500


# -- Flask-SocketIO --------------------------------------------------------------------


def test_flask_handlers_before_init_app_come_from_its_queue() -> None:
    socketio_ = flask_socketio.SocketIO()

    @socketio_.on("move", namespace="/game")
    def move(data: Move) -> None: ...

    source = FlaskHandlers(socketio_)
    assert source.server is None
    assert source.names() == [("/game", "move")]
    target = source.target("move", "/game")
    assert target is not None and target.func is move and target.skip == 0
    assert source.target("move", "/") is None


def test_flask_handlers_after_init_app_unwrap_flask_socketio_wrappers() -> None:
    app = flask.Flask(__name__)
    socketio_ = flask_socketio.SocketIO(app)

    @socketio_.on("move")
    def move(data: Move) -> None: ...

    @socketio_.on("*")
    def any_event(event: str, data: Move) -> None: ...

    class Game(flask_socketio.Namespace):
        def on_turn(self, data: Move) -> None: ...

    game = Game("/game")
    socketio_.on_namespace(game)
    source = FlaskHandlers(socketio_)
    assert source.server is socketio_.server
    direct = source.target("move", "/")
    assert direct is not None and direct.func is move and direct.skip == 0
    assert direct.identity is socketio_.server.handlers["/"]["move"]  # the wrapper it calls
    caught = source.target("other", "/")
    assert caught is not None and caught.func is any_event and caught.skip == 1
    method = source.target("turn", "/game")
    assert method is not None and method.identity is game and method.skip == 0
    spec = Registry(source=source).incoming("other", "/")
    assert spec is not None and spec.args is not None
    assert spec.args.validate(({"x": 2},)) == (Move(x=2),)

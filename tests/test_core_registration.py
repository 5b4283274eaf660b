"""Every registration style is validated, whether it happened before or after the spec
was attached; attach/detach, chaining with other instance wrappers, several specs in
one process, misuse, ``validate=False``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import socketio
from core_apps import (
    KINDS,
    App,
    Board,
    Move,
    ack_args,
    connected,
    native_handler,
    recording_client,
)

from sio_spec import SocketIOSpec, SpecError

VALID = {"game_id": 1, "x": 2, "y": 0}
INVALID = {"game_id": "one", "x": 2, "y": 0}
ACK = {"cells": [2], "turn": "X"}

STYLES = [
    "sio_on_decorator",
    "sio_event",
    "sio_on_call",
    "namespace_class",
    "catch_all_event",
    "catch_all_namespace",
    "catch_all_both",
    "spec_on",
    "spec_event",
]


def register(style: str, app: App, spec: SocketIOSpec, seen: list[Any]) -> None:
    """Register a handler of event ``play`` (payload ``Move``, ack ``Board``) in ``style``."""
    kind, sio = app.kind, app.sio

    def play(sid: str, move: Move) -> Board:
        seen.append(move)
        return {"cells": [move.x], "turn": "X"}  # type: ignore[return-value]

    def any_event(event: str, sid: str, move: Move) -> Board:
        seen.append(("event", event))
        return play(sid, move)

    def any_namespace(namespace: str, sid: str, move: Move) -> Board:
        seen.append(("namespace", namespace))
        return play(sid, move)

    def anything(event: str, namespace: str, sid: str, move: Move) -> Board:
        seen.append(("both", event, namespace))
        return play(sid, move)

    if style == "sio_on_decorator":
        sio.on("play")(native_handler(kind, play))
    elif style == "sio_event":
        sio.event(native_handler(kind, play))
    elif style == "sio_on_call":
        sio.on("play", native_handler(kind, play))
    elif style == "namespace_class":
        if app.is_async:

            class AsyncGame(socketio.AsyncNamespace):
                async def on_play(self, sid: str, move: Move) -> Board:
                    return play(sid, move)

            sio.register_namespace(AsyncGame("/"))
        else:

            class Game(socketio.Namespace):
                def on_play(self, sid: str, move: Move) -> Board:
                    return play(sid, move)

            sio.register_namespace(Game("/"))
    elif style == "catch_all_event":
        sio.on("*", native_handler(kind, any_event))
    elif style == "catch_all_namespace":
        sio.on("play", native_handler(kind, any_namespace), namespace="*")
    elif style == "catch_all_both":
        sio.on("*", native_handler(kind, anything), namespace="*")
    elif style == "spec_on":
        spec.on("play")(native_handler(kind, play))
    elif style == "spec_event":
        spec.event(native_handler(kind, play))
    else:
        raise ValueError(style)


def check_validated(port: int, seen: list[Any]) -> None:
    with connected(port) as client:
        (ack,) = ack_args(client, "play", INVALID)
        assert ack["error"] == "validation_error"
        assert (ack["event"], ack["namespace"]) == ("play", "/")
        assert [d["loc"] for d in ack["detail"]] == [["game_id"]]
        assert seen == []
        assert ack_args(client, "play", VALID) == (ACK,)
    moves = [m for m in seen if isinstance(m, Move)]
    assert moves == [Move(**VALID)]


@pytest.mark.parametrize("when", ["before_attach", "after_attach"])
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("kind", ["asgi", "wsgi"])
def test_registration_style_is_validated(kind: str, style: str, when: str) -> None:
    app = App(kind)
    seen: list[Any] = []
    spec = SocketIOSpec()
    if when == "after_attach":
        spec.attach(app.sio)
    register(style, app, spec, seen)
    if when == "before_attach":
        spec.attach(app.sio)
    with app.run() as port:
        check_validated(port, seen)
    extra = [s for s in seen if not isinstance(s, Move)]
    expected = {
        "catch_all_event": [("event", "play")],
        "catch_all_namespace": [("namespace", "/")],
        "catch_all_both": [("both", "play", "/")],
    }.get(style, [])
    assert extra == expected


@pytest.mark.parametrize("when", ["before_attach", "after_attach"])
@pytest.mark.parametrize("style", ["socketio_on", "on_namespace", "spec_on"])
def test_flask_socketio_registration_is_validated(style: str, when: str) -> None:
    import flask_socketio

    app = App("flask")
    socketio_obj = app.target
    seen: list[Any] = []

    def play(move: Move) -> Board:
        seen.append(move)
        return {"cells": [move.x], "turn": "X"}  # type: ignore[return-value]

    class Game(flask_socketio.Namespace):
        def on_play(self, move: Move) -> Board:
            return play(move)

    def do_register(spec: SocketIOSpec) -> None:
        if style == "socketio_on":
            socketio_obj.on("play")(play)
        elif style == "on_namespace":
            socketio_obj.on_namespace(Game("/"))
        else:
            spec.on("play")(play)

    spec = SocketIOSpec()
    if when == "after_attach":
        spec.attach(socketio_obj)
    do_register(spec)
    if when == "before_attach":
        spec.attach(socketio_obj)
    with app.run() as port:
        check_validated(port, seen)


@pytest.mark.parametrize("style", ["socketio_on", "spec_on", "on_namespace"])
def test_flask_app_factory_attaches_when_init_app_runs(style: str) -> None:
    import flask
    import flask_socketio
    from support.servers import run_flask_socketio

    socketio_obj = flask_socketio.SocketIO()
    spec = SocketIOSpec(socketio_obj, title="factory")
    seen: list[Any] = []

    def play(move: Move) -> Board:
        seen.append(move)
        return {"cells": [move.x], "turn": "X"}  # type: ignore[return-value]

    class Game(flask_socketio.Namespace):
        def on_play(self, move: Move) -> Board:
            return play(move)

    if style == "socketio_on":
        socketio_obj.on("play")(play)
    elif style == "spec_on":
        spec.on("play")(play)
    else:
        socketio_obj.on_namespace(Game("/"))
    assert socketio_obj.server is None

    def create_app() -> flask.Flask:
        app = flask.Flask(__name__)
        socketio_obj.init_app(app, async_mode="threading")
        return app

    app = create_app()
    assert spec.server is socketio_obj.server

    @socketio_obj.on("late")
    def late(move: Move) -> int:
        return move.game_id

    with run_flask_socketio(app, socketio_obj) as port:
        check_validated(port, seen)
        with connected(port) as client:
            assert ack_args(client, "late", VALID) == (1,)
            assert ack_args(client, "late", INVALID)[0]["error"] == "validation_error"


def _snapshot(obj: Any) -> dict[str, Any]:
    return dict(obj.__dict__)


@pytest.mark.parametrize("kind", KINDS)
def test_detach_restores_the_server_exactly(kind: str) -> None:
    app = App(kind)
    seen: list[Any] = []

    @app.on("typed")
    def typed(sid: str, move: Move) -> str:
        seen.append(move)
        return "typed"

    server_before = _snapshot(app.sio)
    target_before = _snapshot(app.target)
    spec = app.spec()
    assert "_trigger_event" in app.sio.__dict__
    assert "emit" in app.sio.__dict__
    spec.detach()
    assert "_trigger_event" not in app.sio.__dict__
    assert "emit" not in app.sio.__dict__
    assert "call" not in app.sio.__dict__
    assert _snapshot(app.sio) == server_before
    assert _snapshot(app.target) == target_before
    assert spec.server is None

    with app.run() as port, connected(port) as client:
        assert ack_args(client, "typed", INVALID) == ("typed",)
    assert seen == [INVALID]  # the raw dict reached the handler again

    # the same spec can be attached again, to the same server
    spec.attach(app.target)
    with app.run() as port, connected(port) as client:
        assert ack_args(client, "typed", INVALID)[0]["error"] == "validation_error"


def test_detach_before_init_app_restores_the_flask_socketio_object() -> None:
    import flask
    import flask_socketio

    socketio_obj = flask_socketio.SocketIO()
    before = _snapshot(socketio_obj)
    spec = SocketIOSpec(socketio_obj)
    assert "init_app" in socketio_obj.__dict__
    spec.detach()
    assert _snapshot(socketio_obj) == before
    socketio_obj.init_app(flask.Flask(__name__), async_mode="threading")
    assert "_trigger_event" not in socketio_obj.server.__dict__
    assert spec.server is None


@pytest.mark.parametrize("kind", ["aiohttp", "wsgi"])
def test_wrappers_installed_before_and_after_attach_keep_running(kind: str) -> None:
    app = App(kind)
    sio = app.sio
    seen: list[Any] = []
    trace: list[tuple[str, Any]] = []

    def chain(name: str, previous: Callable[..., Any], pick: int) -> Callable[..., Any]:
        if app.is_async:

            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                trace.append((name, args[pick] if len(args) > pick else None))
                return await previous(*args, **kwargs)

            return async_wrapper

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            trace.append((name, args[pick] if len(args) > pick else None))
            return previous(*args, **kwargs)

        return wrapper

    @app.on("play")
    def play(sid: str, move: Move) -> Board:
        seen.append(move)
        x = move.x if isinstance(move, Move) else move["x"]  # raw once detached
        return {"cells": [x], "turn": "X"}  # type: ignore[return-value]

    sio._trigger_event = chain("early", sio._trigger_event, 3)
    early_emit = sio.emit = chain("early_emit", sio.emit, 1)
    spec = SocketIOSpec(sio)
    spec.emits("board", Board)
    app.on_trigger(lambda sid, data: [(sio.emit, ("board", data), {"to": sid})])
    late = sio._trigger_event = chain("late", sio._trigger_event, 3)

    with app.run() as port:
        client, got = recording_client()
        with connected(port, client):
            assert ack_args(client, "play", INVALID)[0]["error"] == "validation_error"
            assert ack_args(client, "play", VALID) == (ACK,)
            (report,) = ack_args(client, "trigger", {"cells": ["3"], "turn": "O", "x": 1})
            assert report["raised"] is None
            got.wait("board")
    assert seen == [Move(**VALID)]
    plays = [t for t in trace if t[1] in (INVALID, VALID) or isinstance(t[1], Move)]
    # the late wrapper sees everything; the early one only what passed validation
    assert plays == [("late", INVALID), ("late", VALID), ("early", Move(**VALID))]
    # the early emit wrapper received the validated, serialized payload
    assert ("early_emit", {"cells": [3], "turn": "O"}) in trace
    assert got.items == [("board", "/", ({"cells": [3], "turn": "O"},))]

    spec.detach()
    # emit: the spec's hook was on top, so the earlier wrapper is back in place;
    # _trigger_event: someone wrapped the spec's hook since, so it stays, passing through
    assert sio.__dict__["emit"] is early_emit
    assert sio.__dict__["_trigger_event"] is late
    trace.clear()
    with app.run() as port, connected(port) as client:
        assert ack_args(client, "play", INVALID)  # not validated any more
    assert seen[-1] == INVALID
    assert [t[0] for t in trace if t[1] == INVALID] == ["late", "early"]

    # with nothing on top, detach restores the earlier wrapper itself
    app2 = App(kind)
    wrapped = app2.sio._trigger_event = chain("x", app2.sio._trigger_event, 3)
    spec2 = SocketIOSpec(app2.sio)
    spec2.detach()
    assert app2.sio.__dict__["_trigger_event"] is wrapped


def test_two_specs_on_two_servers_do_not_interfere() -> None:
    app_a, app_b = App("asgi"), App("wsgi")
    spec_a = app_a.spec(strict_emits=True)
    spec_b = app_b.spec()
    spec_a.error_handler(lambda err, sid: "A rejected")
    spec_b.error_handler(lambda err, sid: "B rejected")
    spec_a.emits("board", Board)

    @app_a.on("play")
    def play_a(sid: str, move: Move) -> str:
        return "A"

    @app_b.on("play")
    def play_b(sid: str, board: Board) -> str:
        return "B"

    app_a.on_trigger(lambda sid, data: [(app_a.sio.emit, (data, {"cells": "no"}), {})])
    app_b.on_trigger(lambda sid, data: [(app_b.sio.emit, (data, {"cells": "no"}), {})])

    with (
        app_a.run() as port_a,
        app_b.run() as port_b,
        connected(port_a) as a,
        connected(port_b) as b,
    ):
        assert ack_args(a, "play", {"cells": [], "turn": "X"}) == ("A rejected",)
        assert ack_args(b, "play", {"cells": [], "turn": "X"}) == ("B",)
        assert ack_args(a, "play", VALID) == ("A",)
        assert ack_args(b, "play", VALID) == ("B rejected",)
        assert ack_args(a, "trigger", "board")[0]["raised"] == "EmitValidationError"
        assert ack_args(a, "trigger", "other")[0]["raised"] == "EmitValidationError"
        assert ack_args(b, "trigger", "board")[0]["raised"] is None
        assert ack_args(b, "trigger", "other")[0]["raised"] is None
    assert spec_a.server is app_a.sio and spec_b.server is app_b.sio


@pytest.mark.parametrize("kind", ["asgi", "wsgi", "flask"])
def test_attaching_a_second_spec_to_the_same_server_raises(kind: str) -> None:
    app = App(kind)
    app.spec()
    with pytest.raises(SpecError, match="already has a SocketIOSpec"):
        SocketIOSpec(app.target)
    with pytest.raises(SpecError, match="already has a SocketIOSpec"):
        SocketIOSpec().attach(app.sio)


@pytest.mark.parametrize(
    "thing", [object(), "socketio", socketio.Client(), socketio.AsyncClient()], ids=repr
)
def test_attaching_to_something_that_is_not_a_server_raises(thing: Any) -> None:
    with pytest.raises(SpecError, match=r"python-socketio >= 5\.11, < 6"):
        SocketIOSpec(thing)


@pytest.mark.parametrize("kind", KINDS)
def test_validate_false_validates_nothing_and_installs_no_hooks(kind: str) -> None:
    app = App(kind)
    before = _snapshot(app.sio)
    spec = app.spec(validate=False, strict_emits=True)
    spec.emits("board", Board)
    seen: list[Any] = []

    @app.on("play")
    def play(sid: str, move: Move) -> Board:
        seen.append(move)
        return {"cells": "not a list"}  # type: ignore[return-value]

    app.on_trigger(lambda sid, data: [(app.target.emit, (data, {"cells": "no"}), {"to": sid})])
    assert set(app.sio.__dict__) - set(before) <= {"_sio_spec"}
    for name in ("_trigger_event", "emit", "call"):
        assert app.sio.__dict__.get(name) is before.get(name)

    with app.run() as port:
        client, got = recording_client()
        with connected(port, client):
            assert ack_args(client, "play", INVALID) == ({"cells": "not a list"},)
            assert ack_args(client, "trigger", "board")[0]["raised"] is None
            assert ack_args(client, "trigger", "undeclared")[0]["raised"] is None
            got.wait("undeclared")
    assert seen == [INVALID]
    assert got.items == [
        ("board", "/", ({"cells": "no"},)),
        ("undeclared", "/", ({"cells": "no"},)),
    ]
    # the documentation side still knows the events
    assert {(s.event, s.direction) for s in spec.specs()} >= {
        ("board", "send"),
        ("play", "receive"),
    }

"""The python-socketio, engine.io and Flask-SocketIO internals sio-spec uses are
listed in one module, present in the installed releases, and used nowhere else."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import engineio
import pytest
import socketio
from engineio import async_socket, socket
from socketio import async_pubsub_manager

import sio_spec
from sio_spec import _socketio_internals as internals

PACKAGE = Path(sio_spec.__file__).parent


def test_every_listed_internal_exists_in_the_installed_releases() -> None:
    assert internals.missing() == []


def test_a_missing_internal_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    gone = internals.Internal("_sio_spec_gone", ("socketio:Server",), "nothing")
    monkeypatch.setattr(internals, "INTERNALS", (*internals.INTERNALS, gone))
    assert internals.missing() == ["socketio:Server._sio_spec_gone"]


def test_instance_attributes_count_as_present() -> None:
    # set in __init__, not on the class: found through the methods that set them
    assert not hasattr(engineio.Server, "sockets")
    assert internals._has(engineio.Server, "sockets")
    assert not internals._has(engineio.Server, "_sio_spec_gone")


def _private_names() -> set[str]:
    """Private attributes of the classes sio-spec builds on."""
    owners = [
        socketio.Server,
        socketio.AsyncServer,
        socketio.Client,
        socketio.AsyncClient,
        socketio.SimpleClient,
        socketio.AsyncSimpleClient,
        socketio.PubSubManager,
        async_pubsub_manager.AsyncPubSubManager,
        engineio.Server,
        engineio.AsyncServer,
        socket.Socket,
        async_socket.AsyncSocket,
    ]
    for optional in ("flask_socketio:SocketIO", "flask.testing:FlaskClient"):
        module, _, name = optional.partition(":")
        try:
            owners.append(getattr(importlib.import_module(module), name))
        except ImportError:
            continue
    names: set[str] = set()
    for owner in owners:
        names.update(n for n in dir(owner) if n.startswith("_") and not n.startswith("__"))
    return names


def test_no_other_module_reaches_into_python_socketio() -> None:
    """Outside the internals module, no ``x._name`` of a python-socketio, engine.io
    or Flask-SocketIO class is read, except through ``super()`` in an override
    (the overridden names are listed too)."""
    private = _private_names()
    listed = {internal.name for internal in internals.INTERNALS}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "_socketio_internals.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Attribute) or node.attr not in private:
                continue
            value = node.value
            if isinstance(value, ast.Name) and value.id in ("self", "cls"):
                continue  # our own attributes (a test client's are checked below)
            if isinstance(value, ast.Call) and getattr(value.func, "id", None) == "super":
                if node.attr in listed:
                    continue
            found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} .{node.attr}")
    assert found == []


def test_overridden_internals_are_listed() -> None:
    """Methods of sio-spec's subclasses of python-socketio classes that override a
    private method are listed in the internals module."""
    from sio_spec.testing import AsyncTestClient, TestClient

    listed = {internal.name for internal in internals.INTERNALS}
    private = _private_names()
    for cls in (TestClient, AsyncTestClient):
        own = {n for n in vars(cls) if n.startswith("_") and not n.startswith("__")}
        assert own & private <= listed

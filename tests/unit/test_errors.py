"""The exceptions: one hierarchy under SioSpecError, builtins kept where they were
raised before, server failures apart from validation errors, error acks read
through their models."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

import pytest

import sio_spec
from sio_spec import errors
from sio_spec.client.steps import MAX_DETAIL_TEXT, MAX_DETAILS, MAX_LOC, remote_error
from sio_spec.error_acks import (
    SioSpecInternalError,
    SioSpecValidationError,
    internal_error_ack,
    read_error_ack,
    validation_error_ack,
)
from sio_spec.errors import (
    RemoteError,
    RemoteInternalError,
    RemoteValidationError,
    SioSpecError,
    SpecError,
    SpecTypeError,
    SpecValueError,
    ValidationError,
)

PACKAGE = Path(sio_spec.__file__).parent
DETAIL = {"loc": ["a"], "msg": "Field required", "type": "missing"}


def test_every_exception_of_the_errors_module_is_a_sio_spec_error() -> None:
    classes = [
        obj
        for obj in vars(errors).values()
        if inspect.isclass(obj) and issubclass(obj, BaseException)
    ]
    assert len(classes) > 10
    assert all(issubclass(cls, SioSpecError) for cls in classes)


def test_usage_errors_are_also_the_builtins_they_replace() -> None:
    assert issubclass(SpecTypeError, SpecError) and issubclass(SpecTypeError, TypeError)
    assert issubclass(SpecValueError, SpecError) and issubclass(SpecValueError, ValueError)
    with pytest.raises(TypeError):
        raise SpecTypeError("wrong kind")
    with pytest.raises(ValueError):
        raise SpecValueError("wrong value")


def test_a_server_failure_is_not_a_validation_error() -> None:
    failure = RemoteInternalError("move", "/", "internal error")
    with pytest.raises(RemoteInternalError):
        try:
            raise failure
        except ValidationError:  # pragma: no cover - the point: not caught here
            pytest.fail("except ValidationError caught a server failure")
    assert isinstance(failure, RemoteError) and isinstance(failure, SioSpecError)
    assert failure.errors() == [] and failure.error_count() == 0 and failure.json() == "[]"
    assert (failure.event, failure.namespace, failure.message) == ("move", "/", "internal error")
    assert str(failure) == "the server failed to handle event 'move': internal error"


def test_a_server_rejection_is_a_validation_error_and_a_remote_error() -> None:
    rejection = RemoteValidationError("move", "/", [DETAIL])
    assert isinstance(rejection, ValidationError) and isinstance(rejection, RemoteError)
    assert rejection.errors() == [DETAIL]
    assert str(rejection) == "the server rejected the payload of event 'move': a: Field required"


def test_public_paths_raise_no_bare_builtin_errors() -> None:
    """No ``raise ValueError(...)`` / ``raise TypeError(...)`` left in the package."""
    bare = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                name = getattr(node.exc.func, "id", None)
                if name in ("ValueError", "TypeError", "KeyError", "RuntimeError"):
                    bare.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {name}")
    assert bare == []


def test_a_test_client_for_something_else_raises_a_type_error() -> None:
    from sio_spec.testing import AsyncTestClient, TestClient

    for client in (TestClient, AsyncTestClient):
        with pytest.raises(SpecTypeError, match=r"expected a socketio\.Server"):
            client(object())


def test_the_wrong_test_client_for_a_server_raises_a_type_error() -> None:
    import socketio

    from sio_spec.testing import AsyncTestClient, TestClient

    with pytest.raises(TypeError, match="use AsyncTestClient"):
        TestClient(socketio.AsyncServer())
    with pytest.raises(SpecTypeError, match="use TestClient"):
        AsyncTestClient(socketio.Server())


def test_docs_routes_refuse_bad_options_with_usage_errors() -> None:
    from sio_spec.web.page import DocsRoutes

    doc = {"asyncapi": "3.0.0", "info": {"title": "t", "version": "1"}}
    with pytest.raises(SpecTypeError, match="unknown page option"):
        DocsRoutes(doc, colour="red")
    with pytest.raises(SpecValueError, match="unknown viewer"):
        DocsRoutes(doc, viewer="nope")
    with pytest.raises(SpecTypeError, match="expected a SocketIOSpec"):
        DocsRoutes(42)  # type: ignore[arg-type]


def test_the_flask_drop_in_refuses_a_second_declaration_with_a_value_error() -> None:
    flask = pytest.importorskip("flask")
    from sio_spec.flask import AsyncAPISocketIO

    socketio = AsyncAPISocketIO(flask.Flask(__name__))
    socketio.doc_emit("news", None)
    with pytest.raises(SpecValueError, match="already registered"):
        socketio.doc_emit("news", None)


# -- error acks, read through their models --------------------------------------------------


def test_error_acks_read_as_their_models() -> None:
    ack = validation_error_ack("invalid", "move", "/", [DETAIL])
    read = read_error_ack(ack)
    assert isinstance(read, SioSpecValidationError)
    assert read.event == "move" and read.detail[0].loc == ["a"]
    failure = read_error_ack(internal_error_ack("down"))
    assert isinstance(failure, SioSpecInternalError) and failure.message == "down"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "validation_error",
        ["validation_error"],
        {"error": "other", "message": "x"},
        {"error": "internal_error", "message": "x", "code": 3},  # a handler's own answer
        {"error": "internal_error", "message": 3},
        {"error": "validation_error", "detail": [DETAIL]},  # no message, event, namespace
        {"error": "validation_error", "message": "m", "event": "e", "namespace": "/", "detail": 1},
    ],
)
def test_other_values_are_not_error_acks(value: Any) -> None:
    assert read_error_ack(value) is None


def test_the_client_raises_the_error_acks_it_reads() -> None:
    details = [dict(DETAIL, loc=[i]) for i in range(MAX_DETAILS + 5)]
    rejected = remote_error("move", "/", (validation_error_ack("x", "move", "/", details),))
    assert isinstance(rejected, RemoteValidationError)
    assert rejected.error_count() == MAX_DETAILS and rejected.errors()[0] == dict(DETAIL, loc=[0])
    failed = remote_error("move", "/", (internal_error_ack("x" * 1000),))
    assert isinstance(failed, RemoteInternalError)
    assert failed.message == "x" * (MAX_DETAIL_TEXT - 3) + "..."
    long_loc = dict(DETAIL, loc=[True, *range(MAX_LOC + 5)], msg="two\nlines")
    raw = {"error": "validation_error", "message": "x", "event": "move", "namespace": "/"}
    bounded = remote_error("move", "/", (dict(raw, detail=[long_loc]),))
    assert isinstance(bounded, RemoteValidationError)
    assert bounded.errors()[0]["loc"] == list(range(MAX_LOC - 1))  # the boolean left out
    assert bounded.errors()[0]["msg"] == "two lines"
    assert remote_error("move", "/", ({"ok": True},)) is None
    assert remote_error("move", "/", (internal_error_ack("x"), 2)) is None


def test_the_client_keeps_what_it_can_of_a_sparse_or_odd_error_ack() -> None:
    sparse = {"error": "validation_error", "detail": [{"loc": ["a"]}, "not a detail"]}
    rejected = remote_error("move", "/", (sparse,))
    assert isinstance(rejected, RemoteValidationError)
    assert rejected.errors() == [{"loc": ["a"], "msg": "", "type": ""}]
    assert (rejected.event, rejected.namespace) == ("move", "/")
    odd = remote_error("move", "/", ({"error": "internal_error", "message": 7},))
    assert isinstance(odd, RemoteInternalError) and odd.message == "7"
    handler_answer = {"error": "internal_error", "message": "x", "code": 1}
    assert remote_error("move", "/", (handler_answer,)) is None

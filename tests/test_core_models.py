"""Where models come from, what handlers receive and how acks are serialized.

One server of each kind carries every handler below (module-scoped); each test
drives it with a python-socketio client over websocket.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

import apps_future
import pytest
from core_apps import (
    KINDS,
    WHEN,
    WHEN_ISO,
    App,
    Blob,
    Board,
    Color,
    Move,
    MoveAck,
    ack_args,
    connected,
    native_handler,
    recording_client,
)
from pydantic import Field
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from sio_spec import SocketIOSpec


@dataclasses.dataclass
class Point:
    x: int
    y: int


class PointTD(TypedDict):
    x: int
    label: str


NUMBER_SCHEMA = {
    "type": "object",
    "properties": {"n": {"type": "integer", "minimum": 0}, "tag": {"type": "string"}},
    "required": ["n"],
    "additionalProperties": False,
}
ACK_SCHEMA = {
    "type": "object",
    "properties": {"double": {"type": "integer"}},
    "required": ["double"],
}


def build(app: App, spec: SocketIOSpec, seen: dict[str, list[Any]]) -> None:
    def record(event: str, *values: Any) -> None:
        seen.setdefault(event, []).append(values)

    @app.on("dataclass")
    def dataclass_handler(sid: str, p: Point) -> Point:
        record("dataclass", p)
        return Point(x=p.y, y=p.x)

    @app.on("typeddict")
    def typeddict_handler(sid: str, p: PointTD) -> PointTD:
        record("typeddict", p)
        return {"x": p["x"] + 1, "label": p["label"]}

    @app.on("list_of_models")
    def list_handler(sid: str, moves: list[Move]) -> int:
        record("list_of_models", moves)
        return len(moves)

    @app.on("union")
    def union_handler(sid: str, item: Move | Board) -> str:
        record("union", item)
        return type(item).__name__

    @app.on("annotated")
    def annotated_handler(
        sid: str, n: Annotated[int, Field(gt=0)], code: Annotated[str, Field(max_length=3)]
    ) -> str:
        return f"{code}{n}"

    @app.on("primitive")
    def primitive_handler(sid: str, n: int) -> int:
        record("primitive", n)
        return n * 2

    @app.on("optional")
    def optional_handler(sid: str, a: int, b: str = "dflt") -> str:
        return f"{a}-{b}"

    @app.on("bytes")
    def bytes_handler(sid: str, blob: bytes) -> bytes:
        record("bytes", blob)
        return blob[::-1]

    @app.on("blob")
    def blob_handler(sid: str, blob: Blob) -> Blob:
        record("blob", blob)
        return Blob(name=blob.name.upper(), data=blob.data + b"\xff")

    @app.on("unannotated_param")
    def unannotated_handler(sid, raw, n: int) -> list[Any]:  # type: ignore[no-untyped-def]
        record("unannotated_param", raw, n)
        return [raw, n]

    @app.on("no_annotations")
    def raw_handler(sid, data):  # type: ignore[no-untyped-def]
        record("no_annotations", data)
        return data

    @app.on("undeclared_model")
    def undeclared_model(sid, data):  # type: ignore[no-untyped-def]
        return Board(cells=data, turn="X")

    @app.on("undeclared_tuple")
    def undeclared_tuple(sid, data):  # type: ignore[no-untyped-def]
        return (move_ack_obj(), Board(cells=[], turn="O"), "plain")

    @app.on("none_return")
    def none_handler(sid: str, move: Move) -> None:
        record("none_return", move)

    @app.on("tuple_return")
    def tuple_handler(sid: str, move: Move) -> tuple[int, Color, datetime]:
        return move.game_id, Color.RED, WHEN

    @app.on("dict_return")
    def dict_handler(sid: str, move: Move) -> MoveAck:
        return {"accepted": 1, "at": WHEN, "color": "red", "ignored": True}  # type: ignore[return-value]

    def explicit(sid, move):  # type: ignore[no-untyped-def]
        record("explicit", move)
        return {"accepted": True, "at": WHEN.isoformat(), "color": "blue"}

    def explicit_many(sid, move, n):  # type: ignore[no-untyped-def]
        record("explicit_many", move, n)
        return move.game_id + n

    def json_schema_handler(sid, data):  # type: ignore[no-untyped-def]
        record("json_schema", data)
        return {"double": data["n"] * 2}

    def json_schema_bad_ack(sid, data):  # type: ignore[no-untyped-def]
        return {"double": "not a number"}

    spec.on("explicit", request=Move, ack=MoveAck)(native_handler(app.kind, explicit))
    spec.on("explicit_many", request=[Move, int], ack=int)(native_handler(app.kind, explicit_many))
    spec.on("json_schema", request=NUMBER_SCHEMA, ack=ACK_SCHEMA)(
        native_handler(app.kind, json_schema_handler)
    )
    spec.on("json_schema_bad_ack", request=NUMBER_SCHEMA, ack=ACK_SCHEMA)(
        native_handler(app.kind, json_schema_bad_ack)
    )

    app.on("future_move")(apps_future.future_move)
    app.on("future_list")(apps_future.future_list)

    spec.emits(
        "schema_emit",
        {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
    )
    app.on_trigger(
        lambda sid, data: [(app.target.emit, ("schema_emit", data), {"to": sid})],
        event="emit_schema",
    )


def move_ack_obj() -> MoveAck:
    return MoveAck(accepted=True, at=WHEN, color=Color.BLUE)


@pytest.fixture(scope="module", params=KINDS)
def served(request: pytest.FixtureRequest) -> Iterator[tuple[int, dict[str, list[Any]]]]:
    app = App(request.param)
    spec = app.spec()
    seen: dict[str, list[Any]] = {}
    build(app, spec, seen)
    with app.run() as port:
        yield port, seen


@pytest.fixture
def client(served: tuple[int, dict[str, list[Any]]]) -> Iterator[Any]:
    port, seen = served
    seen.clear()
    with connected(port) as c:
        yield c


@pytest.fixture
def seen(served: tuple[int, dict[str, list[Any]]]) -> dict[str, list[Any]]:
    return served[1]


def detail(ack: Any) -> list[tuple[Any, ...]]:
    assert ack["error"] == "validation_error", ack
    return [(tuple(d["loc"]), d["type"]) for d in ack["detail"]]


def test_dataclass_payload_arrives_as_instance_and_ack_as_object(client: Any, seen: Any) -> None:
    assert ack_args(client, "dataclass", {"x": 1, "y": "2"}) == ({"x": 2, "y": 1},)
    assert seen["dataclass"] == [(Point(x=1, y=2),)]
    assert detail(ack_args(client, "dataclass", {"x": 1})[0]) == [(("y",), "missing")]


def test_typeddict_payload_is_validated(client: Any, seen: Any) -> None:
    assert ack_args(client, "typeddict", {"x": "4", "label": "a"}) == ({"x": 5, "label": "a"},)
    assert seen["typeddict"] == [({"x": 4, "label": "a"},)]
    assert detail(ack_args(client, "typeddict", {"x": 4})[0]) == [(("label",), "missing")]


def test_list_of_models_arrives_as_instances(client: Any, seen: Any) -> None:
    moves = [{"game_id": 1, "x": 0, "y": 0}, {"game_id": 2, "x": 1, "y": 1}]
    assert ack_args(client, "list_of_models", moves) == (2,)
    assert seen["list_of_models"] == [([Move(**moves[0]), Move(**moves[1])],)]
    bad = [moves[0], {"game_id": 2, "x": 9, "y": 1}]
    assert detail(ack_args(client, "list_of_models", bad)[0]) == [((1, "x"), "less_than_equal")]


def test_union_picks_the_matching_model(client: Any, seen: Any) -> None:
    assert ack_args(client, "union", {"game_id": 1, "x": 0, "y": 0}) == ("Move",)
    assert ack_args(client, "union", {"cells": [], "turn": "X"}) == ("Board",)
    ack = ack_args(client, "union", {"turn": 1})[0]
    assert ack["error"] == "validation_error"
    # each member's problems are reported; members are labelled "*", not by class name
    assert {d["loc"][0] for d in ack["detail"]} == {"*"}
    assert {d["loc"][1] for d in ack["detail"] if d["type"] == "missing"} == {
        "game_id",
        "x",
        "y",
        "cells",
    }


def test_annotated_constraints_are_enforced(client: Any) -> None:
    assert ack_args(client, "annotated", 3, "abc") == ("abc3",)
    assert detail(ack_args(client, "annotated", 0, "abcd")[0]) == [
        ((0,), "greater_than"),
        ((1,), "string_too_long"),
    ]


def test_primitive_payload_is_coerced_and_checked(client: Any, seen: Any) -> None:
    assert ack_args(client, "primitive", "21") == (42,)
    assert seen["primitive"] == [(21,)]
    assert detail(ack_args(client, "primitive", "abc")[0]) == [((), "int_parsing")]


def test_parameter_with_default_is_an_optional_argument(client: Any) -> None:
    assert ack_args(client, "optional", 1) == ("1-dflt",)
    assert ack_args(client, "optional", 1, "b") == ("1-b",)
    assert detail(ack_args(client, "optional")[0]) == [((0,), "missing")]


def test_bytes_stay_binary_in_both_directions(client: Any, seen: Any) -> None:
    assert ack_args(client, "bytes", b"\x00\x01\x02") == (b"\x02\x01\x00",)
    assert seen["bytes"] == [(b"\x00\x01\x02",)]
    (ack,) = ack_args(client, "blob", {"name": "f", "data": b"\x10\x00"})
    assert ack == {"name": "F", "data": b"\x10\x00\xff"}
    assert isinstance(ack["data"], bytes)
    assert seen["blob"] == [(Blob(name="f", data=b"\x10\x00"),)]


def test_unannotated_parameter_is_passed_through_untouched(client: Any, seen: Any) -> None:
    raw = {"anything": [1, "two", None], "nested": {"k": 1.5}}
    assert ack_args(client, "unannotated_param", raw, "7") == ([raw, 7],)
    assert seen["unannotated_param"] == [(raw, 7)]
    assert detail(ack_args(client, "unannotated_param", raw, "x")[0]) == [((1,), "int_parsing")]


def test_handler_without_annotations_gets_the_raw_payload(client: Any, seen: Any) -> None:
    raw = {"game_id": "not validated", "extra": [1]}
    assert ack_args(client, "no_annotations", raw) == (raw,)
    assert seen["no_annotations"] == [(raw,)]


def test_models_returned_by_undeclared_handlers_are_serialized(client: Any) -> None:
    assert ack_args(client, "undeclared_model", [1, 2]) == ({"cells": [1, 2], "turn": "X"},)
    assert ack_args(client, "undeclared_tuple", []) == (
        {"accepted": True, "at": WHEN_ISO, "color": "blue"},
        {"cells": [], "turn": "O"},
        "plain",
    )


def test_none_return_sends_an_empty_ack(client: Any, seen: Any) -> None:
    assert ack_args(client, "none_return", {"game_id": 1, "x": 0, "y": 0}) == ()
    assert seen["none_return"] == [(Move(game_id=1, x=0, y=0),)]


def test_returned_tuple_becomes_several_ack_arguments(client: Any) -> None:
    assert ack_args(client, "tuple_return", {"game_id": 9, "x": 0, "y": 0}) == (9, "red", WHEN_ISO)


def test_dict_returned_for_a_declared_model_is_normalized(client: Any) -> None:
    assert ack_args(client, "dict_return", {"game_id": 9, "x": 0, "y": 0}) == (
        {"accepted": True, "at": WHEN_ISO, "color": "red"},
    )


def test_spec_on_request_and_ack_validate_an_unannotated_handler(client: Any, seen: Any) -> None:
    assert ack_args(client, "explicit", {"game_id": 1, "x": 0, "y": 0}) == (
        {"accepted": True, "at": WHEN_ISO, "color": "blue"},
    )
    assert seen["explicit"] == [(Move(game_id=1, x=0, y=0),)]
    assert detail(ack_args(client, "explicit", {"game_id": 1})[0]) == [
        (("x",), "missing"),
        (("y",), "missing"),
    ]
    assert ack_args(client, "explicit_many", {"game_id": 1, "x": 0, "y": 0}, "2") == (3,)
    assert seen["explicit_many"] == [(Move(game_id=1, x=0, y=0), 2)]
    assert detail(ack_args(client, "explicit_many", {"game_id": 1, "x": 0, "y": 0}, "z")[0]) == [
        ((1,), "int_parsing")
    ]


def test_json_schema_dict_models_validate_request_and_ack(client: Any, seen: Any) -> None:
    assert ack_args(client, "json_schema", {"n": 4, "tag": "t"}) == ({"double": 8},)
    assert seen["json_schema"] == [({"n": 4, "tag": "t"},)]
    (ack,) = ack_args(client, "json_schema", {"n": -1, "tag": 5, "other": 1})
    assert ack["error"] == "validation_error"
    assert sorted((tuple(d["loc"]), d["type"]) for d in ack["detail"]) == [
        ((), "extra_forbidden"),
        (("n",), "minimum"),
        (("tag",), "type_error"),
    ]
    assert detail(ack_args(client, "json_schema", {})[0]) == [(("n",), "missing")]
    (ack,) = ack_args(client, "json_schema_bad_ack", {"n": 1})
    assert ack["error"] == "internal_error"


def test_json_schema_dict_validates_emits(served: Any) -> None:
    port, _ = served
    c, got = recording_client()
    with connected(port, c):
        (report,) = ack_args(c, "emit_schema", {"n": "x"})
        assert report["raised"] == "EmitValidationError"
        assert report["errors"] == [
            {"loc": ["n"], "msg": 'Input should be of type "integer"', "type": "type_error"}
        ]
        assert ack_args(c, "emit_schema", {"n": 3})[0]["raised"] is None
        got.wait("schema_emit")
    assert got.items == [("schema_emit", "/", ({"n": 3},))]


def test_future_annotations_and_forward_references(client: Any) -> None:
    apps_future.seen.clear()
    order = {"order_id": 5, "lines": [{"sku": "a", "qty": "2"}]}
    assert ack_args(client, "future_move", order) == ({"order_id": 5, "lines": 1, "note": None},)
    assert ack_args(client, "future_move", order, {"text": "hi"}) == (
        {"order_id": 5, "lines": 1, "note": {"text": "hi"}},
    )
    assert apps_future.seen == [
        (apps_future.Order(order_id=5, lines=[apps_future.Line(sku="a", qty=2)]), None),
        (
            apps_future.Order(order_id=5, lines=[apps_future.Line(sku="a", qty=2)]),
            apps_future.Note(text="hi"),
        ),
    ]
    assert detail(ack_args(client, "future_move", {"order_id": 5, "lines": [{"sku": "a"}]})[0]) == [
        ((0, "lines", 0, "qty"), "missing")
    ]
    assert ack_args(client, "future_list", [order, order]) == (
        [{"order_id": 5, "lines": 1, "note": None}] * 2,
    )

"""Reading handlers into argument lists (``sio_spec.signature``), without a server.

A handler's positional parameters after ``sid`` (and a catch-all's event name) are
the event's arguments; its return annotation is the ack. What is read here is what
the real-server tests see on the wire.
"""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field

from sio_spec import SioSpecError, SpecError
from sio_spec.payload import PayloadInvalid
from sio_spec.signature import (
    Arguments,
    ack_from_annotation,
    ack_from_handler,
    arguments_from_handler,
    docstring_parts,
)


class Move(BaseModel):
    x: int
    y: int


def details(exc: pytest.ExceptionInfo[PayloadInvalid]) -> list[tuple[list[Any], str]]:
    return [(d["loc"], d["type"]) for d in exc.value.details]


# -- arguments_from_handler ------------------------------------------------------------------


def test_one_annotated_argument_after_sid_is_validated() -> None:
    def make_move(sid: str, move: Move) -> None:
        pass

    args = arguments_from_handler(make_move, 1)
    assert args is not None
    assert [p.name for p in args.params] == ["move"]
    assert args.single and args.validated
    (value,) = args.validate(({"x": 1, "y": "2"},))
    assert value == Move(x=1, y=2)
    sid, checked = args.after_sid(("sid-1", {"x": 0, "y": 0}))
    assert sid == "sid-1" and checked == Move(x=0, y=0)


def test_invalid_single_argument_reports_locations_inside_the_payload() -> None:
    def make_move(sid: str, move: Move) -> None:
        pass

    args = arguments_from_handler(make_move, 1)
    assert args is not None
    with pytest.raises(PayloadInvalid) as exc:
        args.validate(({"x": "left"},))
    assert details(exc) == [(["x"], "int_parsing"), (["y"], "missing")]
    with pytest.raises(PayloadInvalid) as exc:
        args.validate(())
    assert details(exc) == [([], "missing")]
    with pytest.raises(PayloadInvalid) as exc:
        args.validate(({"x": 1, "y": 1}, "extra"))
    assert details(exc) == [([], "arguments_count")]


def test_several_arguments_prefix_locations_with_their_position() -> None:
    def join(sid: str, room: str, move: Move) -> None:
        pass

    args = arguments_from_handler(join, 1)
    assert args is not None and not args.single
    assert [(p.name, p.required) for p in args.params] == [("room", True), ("move", True)]
    assert args.validate(("lobby", {"x": 1, "y": 2})) == ("lobby", Move(x=1, y=2))
    with pytest.raises(PayloadInvalid) as exc:
        args.validate((3, {"x": 1}))
    assert details(exc) == [([0], "string_type"), ([1, "y"], "missing")]


def test_parameters_with_defaults_are_optional_arguments() -> None:
    def join(sid: str, room: str, active: bool = False, move: Move | None = None) -> None:
        pass

    args = arguments_from_handler(join, 1)
    assert args is not None
    assert [(p.name, p.required) for p in args.params] == [
        ("room", True),
        ("active", False),
        ("move", False),
    ]
    assert args.validate(("lobby",)) == ("lobby",)
    assert args.validate(("lobby", True, None)) == ("lobby", True, None)
    with pytest.raises(PayloadInvalid) as exc:
        args.validate(())
    assert details(exc) == [([0], "missing")]


def test_a_single_optional_argument_may_be_left_out() -> None:
    def ping(sid: str, move: Move | None = None) -> None:
        pass

    args = arguments_from_handler(ping, 1)
    assert args is not None
    assert [(p.name, p.required) for p in args.params] == [("move", False)]
    assert args.validate(()) == ()
    assert args.validate(({"x": 1, "y": 1},)) == (Move(x=1, y=1),)


def test_catch_all_handlers_skip_the_event_name() -> None:
    def any_event(event: str, sid: str, move: Move) -> None:
        pass

    args = arguments_from_handler(any_event, 2)
    assert args is not None
    assert [p.name for p in args.params] == ["move"]


def test_methods_of_namespace_classes_lose_self() -> None:
    class Game:
        def on_move(self, sid: str, move: Move) -> Move:
            return move

    args = arguments_from_handler(Game().on_move, 1)
    assert args is not None
    assert [p.name for p in args.params] == ["move"]
    ack = ack_from_handler(Game().on_move)
    assert ack is not None and [p.name for p in ack.params] == ["ack"]


def test_bytes_arguments_are_binary_and_stay_bytes() -> None:
    def upload(sid: str, name: str, blob: bytes) -> None:
        pass

    args = arguments_from_handler(upload, 1)
    assert args is not None
    blob = args.params[1].payload
    assert blob is not None and blob.binary
    assert args.validate(("a.bin", b"\x00\xff")) == ("a.bin", b"\x00\xff")


def test_star_args_take_any_number_of_validated_values() -> None:
    def scores(sid: str, *values: int) -> None:
        pass

    args = arguments_from_handler(scores, 1)
    assert args is not None
    assert args.params == () and args.variadic is not None
    assert args.validate((1, "2", 3)) == (1, 2, 3)
    with pytest.raises(PayloadInvalid) as exc:
        args.validate((1, "two"))
    assert details(exc) == [([1], "int_parsing")]


def test_handlers_without_annotations_are_not_validated() -> None:
    def plain(sid, data):  # type: ignore[no-untyped-def]
        pass

    def with_any(sid: str, data: Any) -> None:
        pass

    assert arguments_from_handler(plain, 1) is None
    assert arguments_from_handler(with_any, 1) is None


def test_annotated_constraints_are_kept() -> None:
    def rename(sid: str, name: Annotated[str, Field(min_length=2)]) -> None:
        pass

    args = arguments_from_handler(rename, 1)
    assert args is not None
    with pytest.raises(PayloadInvalid) as exc:
        args.validate(("a",))
    assert details(exc) == [([], "string_too_short")]


def test_unresolvable_hints_raise_a_spec_error_naming_the_handler() -> None:
    def broken(sid: str, data: NotDefinedAnywhere) -> None:  # type: ignore[name-defined]  # noqa: F821
        pass

    with pytest.raises(SpecError, match="broken") as exc:
        arguments_from_handler(broken, 1)
    assert isinstance(exc.value, SioSpecError)
    assert "NotDefinedAnywhere" in str(exc.value)


# -- acks ------------------------------------------------------------------------------------


def test_the_return_annotation_is_the_ack() -> None:
    def no_hint(sid):  # type: ignore[no-untyped-def]
        pass

    def returns_none(sid: str) -> None:
        pass

    def returns_model(sid: str) -> Move:
        return Move(x=0, y=0)

    def returns_any(sid: str) -> Any:
        return None

    assert ack_from_handler(no_hint) is None
    assert ack_from_handler(returns_any) is None
    empty = ack_from_handler(returns_none)
    assert empty is not None and empty.params == () and empty.variadic is None
    one = ack_from_handler(returns_model)
    assert one is not None and one.single
    assert one.outgoing(Move(x=1, y=2)) == {"x": 1, "y": 2}
    assert one.outgoing({"x": "3", "y": 4}) == {"x": 3, "y": 4}
    with pytest.raises(PayloadInvalid):
        one.outgoing({"x": 1})


def test_a_fixed_tuple_is_several_ack_arguments_a_variable_one_is_one() -> None:
    several = ack_from_annotation(tuple[int, Move])
    assert several is not None
    assert [p.name for p in several.params] == ["arg0", "arg1"]
    assert several.outgoing((1, Move(x=0, y=0))) == (1, {"x": 0, "y": 0})
    with pytest.raises(PayloadInvalid) as exc:
        several.outgoing(1)
    assert details(exc) == [([1], "missing")]

    one = ack_from_annotation(tuple[int, ...])
    assert one is not None and one.single
    assert one.outgoing([1, "2"]) == [1, 2]


def test_explicit_models_build_arguments_like_hints() -> None:
    one = Arguments.of(Move)
    assert one.single and [p.name for p in one.params] == ["data"]
    many = Arguments.of([str, Move])
    assert [p.name for p in many.params] == ["arg0", "arg1"]
    assert many.validate(("a", {"x": 1, "y": 1})) == ("a", Move(x=1, y=1))
    untyped = Arguments.of([Any, int])
    assert untyped.params[0].payload is None
    assert ack_from_annotation(None) == Arguments(())


def test_docstrings_give_summary_and_description() -> None:
    def handler() -> None:
        """Make a move.

        The board must have a free cell.
        """

    def undocumented() -> None:
        pass

    assert docstring_parts(handler) == ("Make a move.", "The board must have a free cell.")
    assert docstring_parts(undocumented) == (None, None)
    assert docstring_parts(None) == (None, None)

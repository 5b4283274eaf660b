"""An ack model with an ``error`` field that may hold ``"validation_error"`` or
``"internal_error"`` cannot be told apart from sio-spec's error acks by clients:
declaring it warns, naming the event; a field whose values cannot collide does not."""

import warnings
from typing import Literal

import pytest
import socketio
from pydantic import BaseModel, Field

from sio_spec import SocketIOSpec


class FreeForm(BaseModel):
    error: str | None = None


class Narrow(BaseModel):
    error: Literal["out_of_range", "occupied"] | None = None


class Marker(BaseModel):
    error: Literal["validation_error"]


class NoErrorField(BaseModel):
    ok: bool = True
    reason: str | None = None


def spec_with(ack: type[BaseModel]) -> SocketIOSpec:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio, title="Game", version="1.0.0")

    @sio.on("move", namespace="/game")
    async def move(sid: str, x: int) -> ack:  # type: ignore[valid-type]
        return ack()

    return spec


@pytest.mark.parametrize("ack", [FreeForm, Marker])
def test_an_ack_whose_error_field_may_collide_warns(ack: type[BaseModel]) -> None:
    spec = spec_with(ack)
    with pytest.warns(UserWarning, match=r"ack of event 'move' in namespace '/game'.*'error'"):
        spec.asyncapi()


@pytest.mark.parametrize("ack", [Narrow, NoErrorField])
def test_an_ack_that_cannot_collide_is_quiet(ack: type[BaseModel]) -> None:
    spec = spec_with(ack)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spec.asyncapi()


def test_explicit_ack_and_json_schema_dicts_warn_too() -> None:
    sio = socketio.Server()
    spec = SocketIOSpec(sio)

    @spec.on("a", ack={"type": "object", "properties": {"error": {"type": "string"}}})
    def a(sid: str) -> None: ...

    with pytest.warns(UserWarning, match="'validation_error' or 'internal_error'"):
        spec.asyncapi()


def test_the_quickstart_ack_does_not_warn() -> None:
    """The README's first server: its ``MoveAck`` keeps clear of the error acks' key."""

    class MoveAck(BaseModel):
        accepted: bool
        reason: str | None = None

    spec = spec_with(MoveAck)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spec.asyncapi()


def test_aliases_unions_and_constraints_are_read_as_clients_see_them() -> None:
    class Aliased(BaseModel):
        problem: str | None = Field(None, serialization_alias="error")

    class Constrained(BaseModel):
        error: str = Field(default="occupied", pattern="^occupied$")

    with pytest.warns(UserWarning, match="'error' field"):
        spec_with(Aliased).asyncapi()  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spec_with(Constrained).asyncapi()
        spec_with(Narrow | NoErrorField).asyncapi()  # type: ignore[arg-type]
    with pytest.warns(UserWarning, match="'validation_error' or 'internal_error'"):
        spec_with(NoErrorField | FreeForm).asyncapi()  # type: ignore[arg-type]


def test_dataclasses_typed_dicts_and_primitives() -> None:
    import dataclasses

    from typing_extensions import TypedDict

    @dataclasses.dataclass
    class Result:
        error: str | None = None

    class Answer(TypedDict):
        error: Literal["busy"]

    with pytest.warns(UserWarning, match="'error' field"):
        spec_with(Result).asyncapi()  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for quiet in (Answer, int, list[Narrow], dict[str, str]):
            spec_with(quiet).asyncapi()  # type: ignore[arg-type]

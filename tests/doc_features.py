"""A server that uses every documented feature, for the code generator tests."""

from __future__ import annotations

import dataclasses
import enum
from typing import Annotated, Any, Literal

import socketio
from pydantic import BaseModel, Field, computed_field
from typing_extensions import TypedDict

from sio_spec import SocketIOSpec


class Color(str, enum.Enum):
    RED = "red"
    BLUE = "blue"


class Cat(BaseModel):
    kind: Literal["cat"] = "cat"
    lives: int = 9


class Dog(BaseModel):
    kind: Literal["dog"] = "dog"
    good: bool = True


Pet = Annotated[Cat | Dog, Field(discriminator="kind")]


class Owner(BaseModel):
    """Someone with a pet."""

    name: str = Field(examples=["ada"])
    pet: Pet
    nickname: str | None = None
    color: Color = Color.RED
    tags: list[str] = Field(default_factory=list)


class Status(BaseModel):
    """What the server answers: every field is always sent."""

    ok: bool = True
    error: str | None = None
    retries: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def failed(self) -> bool:
        return not self.ok


class Point(TypedDict):
    x: int
    y: int


@dataclasses.dataclass
class Box:
    width: int
    height: int = 1


class Shapes(BaseModel):
    """Enums in every position a field can hold them."""

    modes: list[Literal["a", "b"]]
    level: Literal["low", "high"] | None = None
    pair: tuple[int, str]
    scores: dict[str, Literal["x", "y"]]
    either: int | str


class Auth(BaseModel):
    token: str


def build() -> SocketIOSpec:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(
        sio,
        title="Features",
        version="1.0.0",
        servers={"local": "ws://localhost:8000"},
    )

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Auth) -> None:
        pass

    @sio.on("adopt")
    async def adopt(sid: str, owner: Owner) -> Status:
        return Status()

    @sio.on("echo_status")
    async def echo_status(sid: str, status: Status) -> Status:
        return status

    @sio.on("pet")
    async def pet(sid: str, pet: Pet) -> Pet:
        return pet

    @sio.on("move", namespace="/game")
    async def move(sid: str, x: int, y: int, note: str = "") -> tuple[bool, str]:
        return True, note

    @sio.on("place", namespace="/game")
    async def place(sid: str, where: Point, box: Box) -> Box:
        return box

    @sio.on("upload", namespace="/game")
    async def upload(sid: str, name: str, data: bytes) -> int:
        return len(data)

    @spec.on("tick", namespace="/game", request=[])
    async def tick(sid: str) -> None:
        pass

    @sio.on("anything", namespace="/game")
    async def anything(sid, data):  # type: ignore[no-untyped-def]
        pass

    @sio.on("choose", namespace="/game")
    async def choose(sid: str, color: Color) -> Color | None:
        return color

    @sio.on("shapes", namespace="/game")
    async def shapes(sid: str, shapes: Shapes, switch: Literal["on", "off"]) -> Shapes:
        return shapes

    spec.emits("status", Status, summary="Status pushed to clients")
    spec.emits("move", (int, int), namespace="/game", summary="Another player's move")
    spec.emits("ask", Owner, namespace="/game", ack=Status, summary="Asks the client")
    return spec


spec = build()

"""A server using every feature a document can describe: the contract reader and the
TypeScript generator are tested against it (and the TypeScript client runs against it).

``make_server()`` builds a fresh ``socketio.AsyncServer`` (aiohttp) with its spec;
``spec`` at module level is one already built, for the CLI
(``tests/apps/features.py:spec``).
"""

from __future__ import annotations

import enum
from datetime import datetime, timezone
from typing import Annotated, Any, Literal

import socketio
from pydantic import BaseModel, Field

from sio_spec import SocketIOSpec


class Color(str, enum.Enum):
    RED = "red"
    BLUE = "blue"


class Move(BaseModel):
    """A move on the board."""

    game_id: int = Field(examples=[7])
    x: int = Field(ge=0, le=2, description="Column", examples=[1])
    y: int = Field(ge=0, le=2, description="Row", examples=[2])


class MoveAck(BaseModel):
    accepted: bool
    at: datetime
    color: Color
    mode: Literal["classic", "blitz"] = "classic"


class Circle(BaseModel):
    kind: Literal["circle"] = "circle"
    radius: float = Field(gt=0)


class Square(BaseModel):
    kind: Literal["square"] = "square"
    side: float = Field(gt=0)


Shape = Annotated[Circle | Square, Field(discriminator="kind")]


class Drawing(BaseModel):
    shapes: list[Shape]
    origin: tuple[int, int] = (0, 0)


class TreeNode(BaseModel):
    """A node of a tree: recursive."""

    label: str
    children: list[TreeNode] = []


class Profile(BaseModel):
    nickname: str | None = Field(description="Required, may be null")
    bio: str | None = None
    age: int = Field(default=0, ge=0, json_schema_extra={"deprecated": True})
    website: str = Field(default="", json_schema_extra={"format": "uri"})


class Uploaded(BaseModel):
    name: str
    size: int


class Notice(BaseModel):
    text: str
    level: Literal["info", "warning"] = "info"


class Answer(BaseModel):
    ok: bool


class AdminAuth(BaseModel):
    token: str = Field(min_length=1)


class Stats(BaseModel):
    users: int
    rooms: dict[str, int]


def make_server() -> tuple[socketio.AsyncServer, SocketIOSpec]:
    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
    spec = SocketIOSpec(sio, title="Features API", version="2.1.0", description="Every feature.")

    spec.emits("notice", Notice, summary="A notice for everyone")
    spec.emits("question", Notice, ack=Answer, summary="Asks the client")
    spec.emits("tick", [], summary="A tick without data")
    spec.emits("pair", [str, int], summary="Two arguments")
    spec.emits("blob", bytes, summary="Raw bytes")
    spec.emits("stats", Stats, namespace="/admin/v2")

    @spec.on("move", summary="Make a move", tags=["game"])
    async def move(sid: str, data: Move) -> MoveAck:
        at = datetime(2024, 5, 17, tzinfo=timezone.utc)
        return MoveAck(accepted=True, at=at, color=Color.RED)

    @sio.on("ping")
    async def ping(sid: str) -> str:
        return "pong"

    @sio.on("typing")
    async def typing(sid: str, room: str, active: bool = True) -> None:
        await sio.emit("pair", (room, int(active)), to=sid)

    @sio.on("upload")
    async def upload(sid: str, name: str, data: bytes) -> Uploaded:
        return Uploaded(name=name, size=len(data))

    @sio.on("draw")
    async def draw(sid: str, drawing: Drawing) -> int:
        return len(drawing.shapes)

    @sio.on("tree")
    async def tree(sid: str, node: TreeNode) -> int:
        return 1 + sum(1 for _ in node.children)

    @sio.on("scores")
    async def scores(sid: str, data: dict[str, int]) -> list[str]:
        return sorted(data)

    @sio.on("profile")
    async def profile(sid: str, data: Profile) -> Profile:
        return data

    @sio.on("anything")
    async def anything(sid, data=None):  # type: ignore[no-untyped-def]
        return data

    raw_item = {
        "type": "object",
        "title": "RawItem",
        "description": "A JSON Schema dict model",
        "properties": {"sku": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}},
        "required": ["sku"],
    }

    @spec.on("raw", request=raw_item)
    async def raw(sid: str, data: dict[str, Any]) -> None:
        return None

    @spec.on("old", deprecated=True, description="Use move instead.")
    async def old(sid: str, data: Move) -> None:
        return None

    @sio.on("ask")
    async def ask(sid: str) -> Answer:
        answer = await sio.call("question", Notice(text="ready?"), to=sid, timeout=5)
        await sio.emit("blob", b"\x00\x01\x02", to=sid)
        await sio.emit("tick", to=sid)
        return Answer.model_validate(answer)

    @sio.on("connect", namespace="/admin/v2")
    async def admin_connect(sid: str, environ: dict[str, Any], auth: AdminAuth) -> None:
        if auth.token != "secret":
            raise socketio.exceptions.ConnectionRefusedError("forbidden")

    @sio.on("stats", namespace="/admin/v2")
    async def stats(sid: str) -> Stats:
        return Stats(users=1, rooms={"general": 1})

    return sio, spec


sio, spec = make_server()

"""Chat server: a python-socketio ``AsyncServer`` on aiohttp, validated and documented
by sio-spec.

- ``/chat``: an ``AsyncNamespace`` class. Clients connect with ``auth={"username": ...}``,
  join rooms, post messages to a room, tell the room they are typing (an event with two
  arguments) and upload files (a file name and raw bytes).
- ``/admin``: function handlers; connect with ``auth={"token": ...}``, read stats and
  make announcements to every chat user.
- ``GET /asyncapi`` is the documentation page, ``/asyncapi.json`` and ``/asyncapi.yaml``
  the document.

Run it: ``python examples/chat_aiohttp/app.py [--port 8080]``.
Export its document: ``sio-spec export examples/chat_aiohttp/app.py:spec``.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
from datetime import datetime, timezone
from typing import Annotated, Any, Literal

import socketio
from aiohttp import web
from pydantic import BaseModel, Field

from sio_spec import SocketIOSpec
from sio_spec.web import aiohttp_docs

ADMIN_TOKEN = os.environ.get("CHAT_ADMIN_TOKEN", "let-me-in")
MAX_UPLOAD = 1_000_000

Username = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")]
RoomName = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9-]+$")]

sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
spec = SocketIOSpec(
    sio,
    title="Chat API",
    version="1.0.0",
    description="Rooms, messages and file uploads over Socket.IO.",
    servers={"local": "http://localhost:8080"},
)


# -- models ----------------------------------------------------------------------------


class ChatAuth(BaseModel):
    """Who is connecting to ``/chat``."""

    username: Username = Field(examples=["ada"])


class AdminAuth(BaseModel):
    """Credentials for ``/admin``."""

    token: str = Field(min_length=1)


class JoinRoom(BaseModel):
    room: RoomName = Field(examples=["general"])


class Joined(BaseModel):
    room: str
    members: int = Field(ge=1, description="Users in the room, you included")


class PostMessage(BaseModel):
    room: RoomName
    text: str = Field(min_length=1, max_length=2000, examples=["hello!"])


class Posted(BaseModel):
    id: int = Field(description="Id of the new message")


class NotInRoom(BaseModel):
    error: Literal["not_in_room"] = "not_in_room"


class Message(BaseModel):
    """A message posted to a room."""

    id: int
    room: str
    author: str
    text: str
    sent_at: datetime


class Typing(BaseModel):
    """Someone in the room started or stopped typing."""

    room: str
    username: str
    active: bool


class Uploaded(BaseModel):
    filename: str
    size: int
    sha256: str


class Stats(BaseModel):
    users: int
    rooms: dict[str, int] = Field(description="Members per room")


class Announce(BaseModel):
    text: str = Field(min_length=1, max_length=500)


class Announcement(BaseModel):
    """A message from the administrators to every chat user."""

    text: str
    sent_at: datetime


# -- what the server sends ---------------------------------------------------------------

spec.emits("message", Message, namespace="/chat", summary="A message was posted to a room")
spec.emits("typing", Typing, namespace="/chat", summary="Typing indicator of a room member")
spec.emits(
    "announcement", Announcement, namespace="/chat", summary="Sent by an administrator to everyone"
)


# -- /chat -------------------------------------------------------------------------------

message_ids = itertools.count(1)


class ChatNamespace(socketio.AsyncNamespace):
    """Rooms and messages; every handler's models come from its type hints."""

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: ChatAuth) -> None:
        await self.save_session(sid, {"username": auth.username, "rooms": set()})

    async def on_join(self, sid: str, data: JoinRoom) -> Joined:
        """Join a room (created on first use)."""
        session = await self.get_session(sid)
        await self.enter_room(sid, data.room)
        session["rooms"].add(data.room)
        return Joined(room=data.room, members=len(_members(data.room)))

    async def on_leave(self, sid: str, data: JoinRoom) -> None:
        """Leave a room."""
        session = await self.get_session(sid)
        await self.leave_room(sid, data.room)
        session["rooms"].discard(data.room)

    async def on_send(self, sid: str, data: PostMessage) -> Posted | NotInRoom:
        """Post a message to a room you joined; everyone in it receives ``message``."""
        session = await self.get_session(sid)
        if data.room not in session["rooms"]:
            return NotInRoom()
        message = Message(
            id=next(message_ids),
            room=data.room,
            author=session["username"],
            text=data.text,
            sent_at=datetime.now(timezone.utc),
        )
        await self.emit("message", message, room=data.room)
        return Posted(id=message.id)

    async def on_typing(self, sid: str, room: RoomName, active: bool = True) -> None:
        """Tell the others in ``room`` that you are (``active``) or stopped typing."""
        session = await self.get_session(sid)
        await self.emit(
            "typing",
            Typing(room=room, username=session["username"], active=active),
            room=room,
            skip_sid=sid,
        )

    async def on_upload(
        self,
        sid: str,
        filename: Annotated[str, Field(min_length=1, max_length=255)],
        content: Annotated[bytes, Field(strict=True, max_length=MAX_UPLOAD)],
    ) -> Uploaded:
        """Upload a file: its name, then its bytes (a binary attachment)."""
        return Uploaded(
            filename=filename, size=len(content), sha256=hashlib.sha256(content).hexdigest()
        )


def _members(room: str, namespace: str = "/chat") -> list[str]:
    return [sid for sid, _ in sio.manager.get_participants(namespace, room)]


sio.register_namespace(ChatNamespace("/chat"))


# -- /admin ------------------------------------------------------------------------------


@sio.on("connect", namespace="/admin")
async def admin_connect(sid: str, environ: dict[str, Any], auth: AdminAuth) -> None:
    if auth.token != ADMIN_TOKEN:
        raise socketio.exceptions.ConnectionRefusedError("forbidden")


@sio.on("stats", namespace="/admin")
async def stats(sid: str) -> Stats:
    """Connected chat users and the size of each room."""
    rooms: dict[str, int] = {}
    users = 0
    for room, members in sio.manager.rooms.get("/chat", {}).items():
        if room is None:
            users = len(members)
        elif room not in members:  # skip each client's own room
            rooms[room] = len(members)
    return Stats(users=users, rooms=dict(sorted(rooms.items())))


@spec.on("announce", namespace="/admin", summary="Send an announcement to every chat user")
async def announce(sid: str, data: Announce) -> None:
    await sio.emit(
        "announcement",
        Announcement(text=data.text, sent_at=datetime.now(timezone.utc)),
        namespace="/chat",
    )


# -- the web application -----------------------------------------------------------------

app = web.Application()
sio.attach(app)
aiohttp_docs(spec, app, path="/asyncapi")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    args = parser.parse_args(argv)
    print(f"AsyncAPI docs: http://{args.host}:{args.port}/asyncapi", flush=True)
    web.run_app(app, host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()

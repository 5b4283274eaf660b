"""Notes server: a python-socketio ``AsyncServer`` under uvicorn, next to a Starlette app,
validated and documented by sio-spec.

- Socket.IO on ``/socket.io/``: ``add_note``, ``list_notes``, ``delete_note``; every
  client is told about new notes with ``note_added``.
- Starlette on every other path: ``GET /notes`` lists the same notes over HTTP.
- ``GET /asyncapi`` is the documentation page, ``/asyncapi.json`` and ``/asyncapi.yaml``
  the document.

Run it: ``python examples/asgi/app.py [--port 8000]`` (or ``uvicorn app:app`` in this
folder). Export its document: ``sio-spec export examples/asgi/app.py:app``.
"""

from __future__ import annotations

import argparse
import itertools
import os
from datetime import datetime, timezone

import socketio
import uvicorn
from pydantic import BaseModel, Field
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sio_spec import SocketIOSpec
from sio_spec.web import asgi_docs

sio = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins="*")
spec = SocketIOSpec(
    sio,
    title="Notes API",
    version="1.0.0",
    description="Shared notes, over Socket.IO and HTTP.",
    servers={"local": "http://localhost:8000"},
)


class NewNote(BaseModel):
    title: str = Field(min_length=1, max_length=100, examples=["Groceries"])
    body: str = Field(default="", max_length=10_000)
    tags: list[str] = Field(default_factory=list, max_length=10)


class Note(NewNote):
    """A stored note."""

    id: int
    created_at: datetime


class NoteId(BaseModel):
    id: int = Field(ge=1)


class Deleted(BaseModel):
    deleted: bool


notes: dict[int, Note] = {}
note_ids = itertools.count(1)

spec.emits("note_added", Note, summary="Sent to every client when a note is added")


@sio.event
async def add_note(sid: str, note: NewNote) -> Note:
    """Add a note; every connected client receives ``note_added``."""
    stored = Note(id=next(note_ids), created_at=datetime.now(timezone.utc), **note.model_dump())
    notes[stored.id] = stored
    await sio.emit("note_added", stored)
    return stored


@sio.event
async def list_notes(sid: str, tag: str | None = None) -> list[Note]:
    """All notes, or those with ``tag``."""
    return [n for n in notes.values() if tag is None or tag in n.tags]


@spec.on("delete_note", request=NoteId, ack=Deleted, summary="Delete a note by id", tags=["notes"])
async def delete_note(sid: str, data: NoteId) -> Deleted:
    return Deleted(deleted=notes.pop(data.id, None) is not None)


async def http_notes(request: Request) -> JSONResponse:
    return JSONResponse([n.model_dump(mode="json") for n in notes.values()])


starlette_app = Starlette(routes=[Route("/notes", http_notes)])

# Socket.IO first, then the docs routes, then Starlette for everything else.
app = socketio.ASGIApp(sio, other_asgi_app=asgi_docs(spec, starlette_app, path="/asyncapi"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)
    print(f"AsyncAPI docs: http://{args.host}:{args.port}/asyncapi", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()

"""Declarations shared by every process of the scale-out test (tests/test_scaleout.py).

Server processes (python-socketio AsyncServer, Flask-SocketIO) and worker processes
import this module and call :func:`declare` on their own ``SocketIOSpec``: the
declarations are the contract all of them validate their emits against.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, Field

#: Document information, the same in every process.
TITLE = "Scale-out notices"
VERSION = "1.0.0"

#: The Redis pub/sub channel every manager uses (python-socketio's default).
CHANNEL = "socketio"

WHEN = datetime(2024, 5, 17, 12, 30, tzinfo=timezone.utc)
WHEN_ISO = "2024-05-17T12:30:00Z"


class Notice(BaseModel):
    """A notice pushed by the server to its clients."""

    text: str
    seq: int = Field(ge=0)
    at: datetime
    origin: str


class BroadcastRequest(BaseModel):
    """Ask the server to emit a notice to everyone, or to one room."""

    text: str
    seq: int = Field(ge=0)
    room: str | None = None


def notice(text: str, seq: int, origin: str) -> Notice:
    return Notice(text=text, seq=seq, at=WHEN, origin=origin)


def invalid_notice(seq: int, origin: str) -> dict[str, Any]:
    """A payload a plain manager would happily publish; ``at`` is not a datetime."""
    return {"text": "invalid", "seq": seq, "at": "not a date", "origin": origin}


def declare(spec: Any) -> None:
    """The server -> client events, declared identically in every process."""
    spec.emits("notice", Notice, summary="A notice for every client, or for a room.")

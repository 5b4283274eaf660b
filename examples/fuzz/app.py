"""Booking server: an ASGI ``socketio.AsyncServer`` whose contract ``test_contract.py``
proves with ``sio_spec.testing.fuzz`` (and CI with ``sio-spec fuzz``).

- ``/`` (connect auth: a ``client`` name): ``book`` reserves seats and answers a
  ``Booking``; ``cancel`` frees them; every client is told ``seats_left``.
- The models are plain pydantic models in their default (lax) mode.

Run the proof: ``pytest examples/fuzz`` or
``sio-spec fuzz examples/fuzz/app.py:sio --examples 200``.
"""

from __future__ import annotations

from typing import Annotated, Literal

import socketio
from pydantic import BaseModel, Field

from sio_spec import SocketIOSpec

sio = socketio.AsyncServer(async_mode="asgi")
spec = SocketIOSpec(sio, title="Booking API", version="1.0.0")
spec.emits("seats_left", int)

CAPACITY = 120
bookings: dict[int, int] = {}


class Client(BaseModel):
    client: str = Field(min_length=1, max_length=40)


class Adult(BaseModel):
    kind: Literal["adult"]


class Child(BaseModel):
    kind: Literal["child"]
    age: int = Field(ge=0, le=17)


class Request(BaseModel):
    show: int = Field(ge=1, le=5)
    guests: list[Annotated[Adult | Child, Field(discriminator="kind")]] = Field(
        min_length=1, max_length=8
    )
    note: str | None = Field(default=None, max_length=200)


class Booking(BaseModel):
    id: int
    seats: int
    left: int


class Cancelled(BaseModel):
    freed: int


def seats_taken() -> int:
    return sum(bookings.values())


@sio.event
async def connect(sid: str, environ: dict[str, object], auth: Client) -> None:
    await sio.emit("seats_left", CAPACITY - seats_taken(), to=sid)


@spec.on("book")
async def book(sid: str, request: Request) -> Booking:
    seats = min(len(request.guests), CAPACITY - seats_taken())
    booking_id = len(bookings) + 1
    bookings[booking_id] = seats
    left = CAPACITY - seats_taken()
    await sio.emit("seats_left", left)
    return Booking(id=booking_id, seats=seats, left=left)


@spec.on("cancel")
async def cancel(sid: str, booking_id: int) -> Cancelled:
    return Cancelled(freed=bookings.pop(booking_id, 0))


app = socketio.ASGIApp(sio)

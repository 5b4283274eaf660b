"""Handlers in a module with ``from __future__ import annotations``: every hint is a
string, and the models they name are defined only *after* the handlers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

seen: list[Any] = []


def future_move(sid: str, order: Order, note: Note | None = None) -> Receipt:
    seen.append((order, note))
    return Receipt(order_id=order.order_id, lines=len(order.lines), note=note)


def future_list(sid: str, orders: list[Order]) -> list[Receipt]:
    return [Receipt(order_id=o.order_id, lines=len(o.lines)) for o in orders]


class Line(BaseModel):
    sku: str
    qty: int


class Order(BaseModel):
    order_id: int
    lines: list[Line]  # a forward reference resolved inside the model too


class Note(BaseModel):
    text: str


class Receipt(BaseModel):
    order_id: int
    lines: int
    note: Note | None = None

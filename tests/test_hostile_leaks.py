"""Error acks and logs never carry the client's input.

A marker string is put everywhere a client controls: field values, unknown keys of a
model that forbids them, keys of ``dict[str, int]`` and ``dict[int, int]`` fields, the
tag of a discriminated union and of a plain union, a UUID, base64 bytes. It must not
appear in any ack, in any ``sio_spec`` log record (captured at DEBUG) or in any
other record; each rejected call logs exactly one INFO line and nothing at ERROR.
"""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Annotated, Any, Literal

import pytest
import socketio
from pydantic import Base64Bytes, BaseModel, ConfigDict, Field
from support.servers import run_asgi, run_flask_socketio, url

from sio_spec import SocketIOSpec

MARKER = "LEAK-MARKER-c0ffee"
TIMEOUT = 5


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    count: int


class Counts(BaseModel):
    by_name: dict[str, int]
    by_id: dict[int, int] = {}


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool


Pet = Annotated[Cat | Dog, Field(discriminator="kind")]


class Owner(BaseModel):
    pet: Pet
    other: Cat | Dog | None = None
    ref: uuid.UUID | None = None
    blob: Base64Bytes | None = None


# (event, payload sent, loc of every expected problem)
CASES: list[tuple[str, Any, list[list[str | int]]]] = [
    ("strict", {"name": MARKER, "count": MARKER, MARKER: MARKER}, [["count"], ["*"]]),
    (
        "strict",
        {"name": 1, "count": 2, "nested": {MARKER: [MARKER]}, MARKER * 50: 0},
        [["name"], ["*"], ["*"]],
    ),
    ("strict", [MARKER, {MARKER: MARKER}], [[]]),
    ("strict", MARKER, [[]]),
    ("counts", {"by_name": {MARKER: MARKER, "ok": 1}}, [["by_name", "*"]]),
    (
        "counts",
        {"by_name": {}, "by_id": {MARKER: 1, "2": MARKER}},
        [["by_id", "*", "[key]"], ["by_id", "*"]],
    ),
    ("owner", {"pet": {"kind": MARKER, "lives": 9}}, [["pet"]]),
    ("owner", {"pet": {"kind": "cat", "lives": MARKER}}, [["pet", "cat", "lives"]]),
    ("owner", {"pet": {MARKER: "cat"}}, [["pet"]]),
    (
        "owner",
        {"pet": {"kind": "dog", "good": True}, "other": {"kind": MARKER}},
        [
            # union members are labelled "*": a class name is never reported
            ["other", "*", "kind"],
            ["other", "*", "lives"],
            ["other", "*", "kind"],
            ["other", "*", "good"],
        ],
    ),
    ("owner", {"pet": {"kind": "dog", "good": True}, "ref": MARKER}, [["ref"]]),
    (
        "owner",
        {"pet": {"kind": "dog", "good": True}, "ref": "12345678-1234-1234-1234-LEAKMARKER00"},
        [["ref"]],
    ),
    ("owner", {"pet": {"kind": "dog", "good": True}, "blob": "LEAK$MARKER"}, [["blob"]]),
]


@contextlib.contextmanager
def serve(kind: str) -> Iterator[int]:
    if kind == "asgi":
        sio = socketio.AsyncServer(async_mode="asgi")
        SocketIOSpec(sio)

        async def strict(sid: str, item: Strict) -> None:
            raise AssertionError("not called with invalid input")

        async def counts(sid: str, item: Counts) -> None:
            raise AssertionError("not called with invalid input")

        async def owner(sid: str, item: Owner) -> None:
            raise AssertionError("not called with invalid input")

        for fn in (strict, counts, owner):
            sio.on(fn.__name__, fn)
        with run_asgi(socketio.ASGIApp(sio)) as port:
            yield port
    else:
        import flask
        from flask_socketio import SocketIO

        app = flask.Flask(__name__)
        sock = SocketIO(app, async_mode="threading")
        SocketIOSpec(sock)

        @sock.on("strict")
        def strict_(item: Strict) -> None:
            raise AssertionError("not called with invalid input")

        @sock.on("counts")
        def counts_(item: Counts) -> None:
            raise AssertionError("not called with invalid input")

        @sock.on("owner")
        def owner_(item: Owner) -> None:
            raise AssertionError("not called with invalid input")

        with run_flask_socketio(app, sock) as port:
            yield port


@pytest.mark.parametrize("kind", ["asgi", "flask"])
def test_markers_in_values_keys_and_tags_never_reach_acks_or_logs(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sio_spec")
    acks = []
    with serve(kind) as port:
        client = socketio.Client(reconnection=False)
        client.connect(url(port), transports=["websocket"], wait_timeout=TIMEOUT)
        try:
            for event, payload, _ in CASES:
                acks.append(client.call(event, payload, timeout=TIMEOUT))
        finally:
            client.disconnect()

    for (event, _, locs), ack in zip(CASES, acks, strict=True):
        text = json.dumps(ack)
        assert MARKER not in text and "LEAK" not in text, ack
        assert ack["error"] == "validation_error" and ack["event"] == event
        assert [d["loc"] for d in ack["detail"]] == locs, (event, ack["detail"])

    records = [r for r in caplog.records if r.name == "sio_spec"]
    assert [r.levelname for r in records] == ["INFO"] * len(CASES)  # one line per failure
    for record in caplog.records:
        message = record.getMessage()
        assert MARKER not in message and "LEAK" not in message, message
        assert record.exc_info is None and record.levelno < logging.WARNING, message


def test_the_messages_that_pydantic_would_fill_with_input_are_rewritten() -> None:
    """The three pydantic error types that quote the input say what was expected."""
    from sio_spec.payload import Payload, PayloadInvalid

    payload = Payload(Owner)
    with pytest.raises(PayloadInvalid) as info:
        payload.validate({"pet": {"kind": MARKER}, "ref": "LEAKMARKER", "blob": "LEAK$MARKER"})
    by_type = {d["type"]: d["msg"] for d in info.value.details}
    assert by_type == {
        "union_tag_invalid": "Input tag found using 'kind' does not match any of the "
        "expected tags: 'cat', 'dog'",
        "uuid_parsing": "Input should be a valid UUID",
        "base64_decode": "Base64 decoding error",
    }

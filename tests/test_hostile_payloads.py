"""Hostile payloads: what they can still cost or break (one uvicorn server).

- A payload with a million problems costs about what pydantic's own validation costs:
  only the first 100 errors are turned into details (``benchmarks/bench_errors.py``
  measures the ratio).
- NaN and infinities: rejected in every incoming float (models, dataclasses, TypedDict,
  primitives, JSON Schema dicts) and never sent (acks become ``internal_error``, emits
  raise ``EmitValidationError``), declared or not.
- JSON Schema dict payloads: a recursion too deep for ``jsonschema`` or a number it cannot
  compute with gets the validation error ack, not an exception in the hook.
- Models nested anywhere in undeclared acks and emits are serialized; ``bytes`` stay binary.
- A model instance mutated into a wrong type is refused, not sent.
- Error details never name a server-side class.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
from collections.abc import Iterator
from typing import Any

import pydantic
import pytest
import socketio
from pydantic import BaseModel, ConfigDict
from support.servers import run_asgi, url, wait_for
from typing_extensions import TypedDict

from sio_spec import EmitValidationError, SocketIOSpec
from sio_spec.payload import MAX_ERRORS

TIMEOUT = 10
NAN = float("nan")
INF = float("inf")


class Item(BaseModel):
    a: int
    b: str
    c: float


class Order(BaseModel):
    items: list[Item]


class Reading(BaseModel):
    value: float
    label: str = ""


class Loose(BaseModel):
    model_config = ConfigDict(allow_inf_nan=True)  # explicitly allows NaN: respected
    value: float


@dataclasses.dataclass
class DPoint:
    x: float


class TPoint(TypedDict):
    x: float


class Counter(BaseModel):
    n: int


class SecretTool:
    """A server-side class that must never be named to a client."""


class InternalAdminCommand(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    action: str
    tool: SecretTool | None = None


class InternalAuditCommand(BaseModel):
    audit: int


MEASURE_SCHEMA = {
    "type": "object",
    "properties": {"v": {"type": "number", "maximum": 5, "multipleOf": 0.5}},
    "required": ["v"],
}
TREE_SCHEMA = {
    "$defs": {
        "node": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "child": {"$ref": "#/$defs/node"}},
        }
    },
    "$ref": "#/$defs/node",
}


def build() -> tuple[socketio.AsyncServer, SocketIOSpec]:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio)
    spec.emits("reading_out", Reading)
    spec.emits("counter_out", Counter)

    @sio.on("order")
    async def order(sid: str, o: Order) -> int:
        return len(o.items)

    @sio.on("reading")
    async def reading(sid: str, r: Reading) -> Reading:
        return r

    @sio.on("dpoint")
    async def dpoint(sid: str, p: DPoint) -> float:
        return p.x

    @sio.on("tpoint")
    async def tpoint(sid: str, p: TPoint) -> float:
        return p["x"]

    @sio.on("level")
    async def level(sid: str, x: float) -> float:
        return x

    @sio.on("loose")
    async def loose(sid: str, r: Loose) -> Loose:
        return r

    @sio.on("loose_is_nan")
    async def loose_is_nan(sid: str, r: Loose) -> bool:
        return math.isnan(r.value)

    @sio.on("server_inf")
    async def server_inf(sid: str) -> Reading:
        return Reading(value=math.inf)  # the model itself allows it; sending does not

    @sio.on("plain_nan")
    async def plain_nan(sid, data):  # type: ignore[no-untyped-def]
        return {"values": [1.0, data]}

    @sio.on("nested_ack")
    async def nested_ack(sid):  # type: ignore[no-untyped-def]
        return [Item(a=1, b="x", c=1.5), {"k": Item(a=2, b="y", c=2.5)}, b"\x00\xff"]

    @sio.on("mutated_ack")
    async def mutated_ack(sid: str) -> Counter:
        counter = Counter(n=1)
        counter.n = "not a number"  # type: ignore[assignment]
        return counter

    @sio.on("emit")
    async def emit(sid: str, which: str) -> Any:
        data: Any = {
            "declared_inf": Reading(value=math.inf),
            "declared_nan_dict": {"value": "nan"},
            "undeclared_nan": {"x": [1.0, math.nan]},
            "undeclared_nested_inf": [Reading(value=-math.inf)],
            "mutated": Counter(n=1),
            "nested": [Item(a=1, b="x", c=1.5), {"k": Item(a=2, b="y", c=2.5)}],
        }[which]
        if which == "mutated":
            data.n = 2.5
        event = {"declared_inf": "reading_out", "declared_nan_dict": "reading_out"}.get(
            which, "counter_out" if which == "mutated" else "free"
        )
        try:
            await sio.emit(event, data, to=sid)
        except EmitValidationError as err:
            return {"refused": err.errors()}
        return "sent"

    spec.on("measure", request=MEASURE_SCHEMA, handler=lambda sid, data: "ok")
    spec.on("tree", request=TREE_SCHEMA, handler=lambda sid, data: "ok")
    spec.on("limit", request={"type": "number", "maximum": 5}, handler=lambda sid, data: "ok")

    async def anything(
        event: str, sid: str, cmd: InternalAdminCommand | InternalAuditCommand
    ) -> str:
        return event

    sio.on("*", anything)
    return sio, spec


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    sio, _ = build()
    with run_asgi(socketio.ASGIApp(sio)) as port:
        yield port


@pytest.fixture(scope="module")
def client(port: int) -> Iterator[socketio.Client]:
    client = socketio.Client(reconnection=False)
    client.received = []  # type: ignore[attr-defined]
    for event in ("free", "reading_out", "counter_out"):
        client.on(event, lambda *args, e=event: client.received.append((e, args)))  # type: ignore[attr-defined]
    client.connect(url(port), transports=["websocket"], wait_timeout=TIMEOUT)
    yield client
    client.disconnect()


def call(client: socketio.Client, event: str, *args: Any) -> Any:
    return client.call(event, args[0] if len(args) == 1 else args, timeout=TIMEOUT)


def check_finite_rejected(ack: Any, *loc: Any) -> None:
    assert ack["error"] == "validation_error", ack
    assert ack["detail"] == [
        {"loc": list(loc), "msg": "Input should be a finite number", "type": "finite_number"}
    ]


INTERNAL = "internal_error"


# -- 1. error explosion -------------------------------------------------------------------


def test_a_payload_with_90000_problems_gets_exactly_pydantics_first_100(
    port: int, client: socketio.Client
) -> None:
    bad = {"items": [{"a": "x", "b": 1, "c": "y"} for _ in range(30_000)]}  # 720 kB
    with pytest.raises(pydantic.ValidationError) as by_hand:
        Order.model_validate(bad)
    assert by_hand.value.error_count() == 90_000
    expected = [
        {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
        for e in by_hand.value.errors()[:MAX_ERRORS]
    ]
    ack = call(client, "order", bad)
    assert ack["error"] == "validation_error"
    assert ack["detail"][:MAX_ERRORS] == expected
    assert ack["detail"][MAX_ERRORS:] == [
        {
            "loc": [],
            "msg": f"Too many errors; only the first {MAX_ERRORS} are reported",
            "type": "too_many_errors",
        }
    ]
    # 100 problems exactly: no cap entry, every one reported
    hundred = {"items": [{"a": "x", "b": "ok", "c": 1} for _ in range(MAX_ERRORS)]}
    detail = call(client, "order", hundred)["detail"]
    assert len(detail) == MAX_ERRORS and detail[-1]["loc"] == ["items", MAX_ERRORS - 1, "a"]
    assert call(client, "order", {"items": [{"a": 1, "b": "x", "c": 1.5}]}) == 1


# -- 2. NaN and infinities ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "payload", "loc"),
    [
        ("reading", {"value": NAN}, ["value"]),
        ("reading", {"value": "1e400"}, ["value"]),  # a string pydantic would turn into inf
        ("reading", {"value": "-Infinity"}, ["value"]),
        ("order", {"items": [{"a": 1, "b": "x", "c": INF}]}, ["items", 0, "c"]),
        ("dpoint", {"x": "nan"}, ["x"]),
        ("tpoint", {"x": -INF}, ["x"]),
        ("level", NAN, []),
        ("level", "inf", []),
    ],
)
def test_non_finite_floats_are_rejected_in_every_kind_of_payload(
    client: socketio.Client, event: str, payload: Any, loc: list[Any]
) -> None:
    check_finite_rejected(call(client, event, payload), *loc)


def test_finite_floats_still_pass(client: socketio.Client) -> None:
    assert call(client, "reading", {"value": "1e300"}) == {"value": 1e300, "label": ""}
    assert call(client, "dpoint", {"x": -0.0}) == -0.0
    assert call(client, "tpoint", {"x": 2}) == 2.0
    assert call(client, "level", 1.5) == 1.5


def test_a_model_that_allows_nan_receives_it_but_it_is_never_sent(
    client: socketio.Client,
) -> None:
    assert call(client, "loose_is_nan", {"value": NAN}) is True
    ack = call(client, "loose", {"value": INF})
    assert ack["error"] == INTERNAL


def test_acks_holding_nan_or_infinity_become_internal_error(client: socketio.Client) -> None:
    assert call(client, "server_inf")["error"] == INTERNAL
    assert call(client, "plain_nan", 2.0) == {"values": [1.0, 2.0]}
    # an unannotated handler echoing the client's NaN: refused, not sent
    assert call(client, "plain_nan", NAN)["error"] == INTERNAL
    assert client.connected


def test_emits_holding_nan_or_infinity_raise_and_send_nothing(client: socketio.Client) -> None:
    client.received.clear()  # type: ignore[attr-defined]
    for which, loc in [
        ("declared_inf", ["value"]),
        ("declared_nan_dict", ["value"]),
        ("undeclared_nan", ["*", 1]),  # keys of undeclared data are masked
        ("undeclared_nested_inf", ["value"]),
    ]:
        ack = call(client, "emit", which)
        assert ack == {
            "refused": [
                {"loc": loc, "msg": "Input should be a finite number", "type": "finite_number"}
            ]
        }, which
    assert call(client, "emit", "nested") == "sent"
    wait_for(lambda: client.received, timeout=TIMEOUT)  # type: ignore[attr-defined]
    assert [event for event, _ in client.received] == ["free"]  # type: ignore[attr-defined]


# -- 3. JSON Schema dict payloads ---------------------------------------------------------


def test_json_schema_payloads_reject_non_finite_numbers(client: socketio.Client) -> None:
    assert call(client, "measure", {"v": 4.5}) == "ok"
    for value in (NAN, INF, -INF):  # NaN would pass "maximum"; multipleOf cannot compute
        check_finite_rejected(call(client, "measure", {"v": value}), "v")
    ack = call(client, "measure", {"v": 7})
    assert [d["type"] for d in ack["detail"]] == ["maximum"]
    # NaN satisfies {"maximum": 5} for jsonschema (every comparison with it is false)
    assert call(client, "limit", 4) == "ok"
    check_finite_rejected(call(client, "limit", NAN))
    check_finite_rejected(call(client, "limit", -INF))


def test_json_schema_failures_of_the_validator_itself_get_the_error_ack(
    client: socketio.Client, caplog: pytest.LogCaptureFixture
) -> None:
    deep: Any = {"name": "leaf"}
    for _ in range(400):
        deep = {"name": "n", "child": deep}
    with caplog.at_level(logging.INFO):
        ack = call(client, "tree", deep)
        assert ack["error"] == "validation_error"
        assert ack["detail"] == [
            {"loc": [], "msg": "Input is nested too deeply", "type": "recursion_depth_exceeded"}
        ]
    assert call(client, "tree", {"name": "a", "child": {"name": "b"}}) == "ok"
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


# -- 9. models nested in undeclared acks and emits ----------------------------------------


def test_models_nested_in_undeclared_acks_and_emits_are_serialized(
    client: socketio.Client,
) -> None:
    ack = call(client, "nested_ack")
    assert ack == [
        {"a": 1, "b": "x", "c": 1.5},
        {"k": {"a": 2, "b": "y", "c": 2.5}},
        b"\x00\xff",  # bytes stay a binary attachment
    ]
    client.received.clear()  # type: ignore[attr-defined]
    assert call(client, "emit", "nested") == "sent"
    wait_for(lambda: client.received, timeout=TIMEOUT)  # type: ignore[attr-defined]
    assert client.received == [  # type: ignore[attr-defined]
        ("free", ([{"a": 1, "b": "x", "c": 1.5}, {"k": {"a": 2, "b": "y", "c": 2.5}}],))
    ]


# -- 10. a declared instance mutated into a wrong type ------------------------------------


def test_a_mutated_instance_is_refused_not_sent(client: socketio.Client) -> None:
    assert call(client, "mutated_ack")["error"] == INTERNAL
    client.received.clear()  # type: ignore[attr-defined]
    ack = call(client, "emit", "mutated")
    # the instance's fields are validated again to say what is wrong
    assert ack == {
        "refused": [
            {
                "loc": ["n"],
                "msg": "Input should be a valid integer, got a number with a fractional part",
                "type": "int_from_float",
            }
        ]
    }
    assert call(client, "emit", "nested") == "sent"
    wait_for(lambda: client.received, timeout=TIMEOUT)  # type: ignore[attr-defined]
    assert [event for event, _ in client.received] == ["free"]  # type: ignore[attr-defined]


# -- 11. no server-side class names in error details --------------------------------------


def test_error_details_of_undocumented_catch_all_models_name_no_class(
    client: socketio.Client,
) -> None:
    assert call(client, "admin", {"action": "x"}) == "admin"
    for payload in ("not an object", {"action": "x", "tool": "a tool"}, [1, 2]):
        ack = call(client, "admin", payload)
        assert ack["error"] == "validation_error"
        text = json.dumps(ack)
        for name in ("InternalAdminCommand", "InternalAuditCommand", "SecretTool"):
            assert name not in text, ack
    ack = call(client, "admin", "not an object")
    model_type = {
        "loc": ["*"],  # union members are labelled "*", not by class name
        "msg": "Input should be a valid dictionary or model instance",
        "type": "model_type",
    }
    assert ack["detail"] == [model_type, model_type]
    ack = call(client, "admin", {"action": "x", "tool": "a tool"})
    assert ("Input should be an instance of the expected class", "is_instance_of") in [
        (d["msg"], d["type"]) for d in ack["detail"]
    ]

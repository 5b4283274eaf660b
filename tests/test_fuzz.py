"""``sio_spec.testing.fuzz``: a server that keeps its contract has no finding, and
every planted bug is found, shrunk, and reproduced by sending the shrunk payload
again by hand with a real python-socketio client over a loopback port."""

from __future__ import annotations

import asyncio
import enum
import threading
from typing import Annotated, Any, Literal

import pytest
import socketio
from pydantic import BaseModel, Field
from support.servers import run_asgi, run_wsgi, url

from sio_spec import SocketIOSpec
from sio_spec.testing import fuzz

TIMEOUT = 5

# -- a server that keeps its contract (lax pydantic models) -------------------------------


class Size(str, enum.Enum):
    S = "s"
    M = "m"


class Shirt(BaseModel):
    kind: Literal["shirt"]
    size: Size


class Mug(BaseModel):
    kind: Literal["mug"]
    ml: int = Field(ge=100, le=500)


class Line(BaseModel):
    item: Annotated[Shirt | Mug, Field(discriminator="kind")]
    quantity: int = Field(ge=1, le=99)
    note: str | None = Field(default=None, max_length=40)


class Order(BaseModel):
    lines: list[Line] = Field(min_length=1, max_length=4)
    coupon: str | None = Field(default=None, pattern=r"^[A-Z]{3}-\d{2}$")
    express: bool = False


class Receipt(BaseModel):
    count: int
    total: float


class Token(BaseModel):
    token: str = Field(min_length=3)


class Added(BaseModel):
    lines: int


def good_server() -> tuple[socketio.Server, SocketIOSpec]:
    sio = socketio.Server(async_mode="threading")
    spec = SocketIOSpec(sio)
    spec.emits("added", Added, namespace="/shop")

    @sio.on("connect", namespace="/shop")
    def connect(sid: str, environ: dict[str, Any], auth: Token) -> None:
        pass

    @spec.on("order", namespace="/shop")
    def order(sid: str, order: Order, priority: int = 0) -> Receipt:
        sio.emit("added", {"lines": len(order.lines)}, to=sid, namespace="/shop")
        return Receipt(count=len(order.lines), total=sum(ln.quantity * 2.5 for ln in order.lines))

    @spec.on("ping")
    def ping(sid: str, n: int, label: str) -> str:
        return f"{label}:{n}"

    @spec.on("upload")
    def upload(sid: str, data: bytes) -> int:
        return len(data)

    return sio, spec


def test_a_server_that_keeps_its_contract_has_no_finding() -> None:
    sio, _ = good_server()
    report = fuzz(sio, examples=40, seed=7)
    assert report.findings == []
    report.raise_for_findings()
    checks = {(c.namespace, c.event, c.what) for c in report.checks}
    assert {
        ("/shop", "connect", "auth"),
        ("/shop", "connect", "invalid auth"),
        ("/shop", "order", "valid"),
        ("/shop", "order", "invalid"),
        ("/shop", "added", "server event"),
        ("/", "ping", "invalid"),
        ("/", "upload", "valid"),
    } <= checks
    assert all(c.skipped is None for c in report.checks), [c.skipped for c in report.checks]
    assert report.sent >= 40 * 6 + 20 * 2 and report.seed == 7
    # connect auth came first, then the namespace's events
    shop = [c.event for c in report.checks if c.namespace == "/shop"]
    assert shop[:2] == ["connect", "connect"]


@pytest.mark.parametrize("version", ["2.6.0", "3.1.0"])
def test_the_contract_read_from_other_asyncapi_versions(version: str) -> None:
    sio, spec = good_server()
    report = fuzz(sio, document=spec.asyncapi(version), examples=15, seed=2)
    assert report.findings == []
    assert {c.what for c in report.checks} >= {"auth", "invalid auth", "valid", "invalid"}


def test_a_contract_first_server_keeps_the_document_it_was_given() -> None:
    # validated by jsonschema from the document instead of pydantic models; the binary
    # argument is a $ref to a {type: string, format: binary} component
    document = good_server()[1].asyncapi()
    sio = socketio.Server(async_mode="threading")
    SocketIOSpec.from_document(sio, document)

    @sio.on("connect", namespace="/shop")
    def connect(sid: str, environ: dict[str, Any], auth: Any) -> None:
        pass

    @sio.on("order", namespace="/shop")
    def order(sid: str, order: dict[str, Any], priority: int = 0) -> Any:
        sio.emit("added", {"lines": len(order["lines"])}, to=sid, namespace="/shop")
        return {"count": len(order["lines"]), "total": 1.5}

    @sio.on("ping")
    def ping(sid: str, n: int, label: str) -> str:
        return f"{label}:{n}"

    @sio.on("upload")
    def upload(sid: str, data: bytes) -> int:
        return len(data)

    report = fuzz(sio, examples=30, seed=3)
    assert report.findings == []
    assert all(c.skipped is None for c in report.checks)


def test_an_async_server_in_process_that_keeps_its_contract_has_no_finding() -> None:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio)

    @spec.on("order")
    async def order(sid: str, order: Order) -> Receipt:
        await asyncio.sleep(0)
        return Receipt(count=len(order.lines), total=0.0)

    report = fuzz(socketio.ASGIApp(sio), examples=25, seed=3)
    assert report.findings == [] and report.sent >= 50


def test_fuzz_from_a_coroutine_runs_the_async_server_on_its_own_loop() -> None:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio)

    @spec.on("ping")
    async def ping(sid: str, n: int) -> int:
        return n

    async def main() -> Any:
        return fuzz(sio, examples=10, seed=1)

    report = asyncio.run(main())
    assert report.findings == [] and report.sent >= 10


def test_a_flask_socketio_server_in_process() -> None:
    flask = pytest.importorskip("flask")
    flask_socketio = pytest.importorskip("flask_socketio")
    app = flask.Flask(__name__)
    socketio_ext = flask_socketio.SocketIO(app, async_mode="threading")
    spec = SocketIOSpec(socketio_ext)

    @spec.on("ping")
    def ping(n: int) -> int:
        return n

    report = fuzz(socketio_ext, examples=10, seed=1)
    assert report.findings == [] and report.sent >= 20


def credentials_server() -> socketio.Server:
    """Connect auth fits its schema only with the right token: a rule the contract
    cannot state."""
    sio = socketio.Server(async_mode="threading")
    spec = SocketIOSpec(sio)

    @sio.on("connect", namespace="/admin")
    def connect(sid: str, environ: dict[str, Any], auth: Token) -> None:
        if auth.token != "s3cret":
            raise socketio.exceptions.ConnectionRefusedError("forbidden")

    @spec.on("stats", namespace="/admin")
    def stats(sid: str, n: int) -> int:
        return n

    return sio


def test_connect_auth_the_server_refuses_for_its_own_reasons_is_skipped_not_a_finding() -> None:
    report = fuzz(credentials_server(), examples=10, seed=1)
    assert report.findings == []
    skipped = {(c.event, c.what): c.skipped for c in report.checks if c.skipped}
    assert "forbidden" in skipped[("connect", "auth")]
    assert "pass auth it accepts" in skipped[("stats", "valid")]
    # with the credentials, the namespace's events are checked (and auth is not fuzzed)
    report = fuzz(credentials_server(), examples=10, seed=1, auth={"token": "s3cret"})
    assert report.findings == []
    assert {(c.event, c.what) for c in report.checks if not c.skipped} == {
        ("stats", "valid"),
        ("stats", "invalid"),
    }


def test_a_connect_handler_that_crashes_for_one_valid_auth() -> None:
    sio = socketio.Server(async_mode="threading")
    spec = SocketIOSpec(sio)

    @sio.on("connect", namespace="/admin")
    def connect(sid: str, environ: dict[str, Any], auth: Token) -> None:
        if auth.token.isdigit():
            raise ValueError("a number is not a token")

    @spec.on("stats", namespace="/admin")
    def stats(sid: str, n: int) -> int:
        return n

    report = fuzz(sio, examples=20, seed=2)
    finding = next(f for f in report.findings if f.event == "connect")
    assert finding.kind == "disconnect" and "raised ValueError" in finding.message
    assert finding.payload == ({"token": "000"},)


def test_the_contracts_own_examples_are_sent_first() -> None:
    sio = socketio.Server(async_mode="threading")
    spec = SocketIOSpec(sio)

    @spec.on("note", examples=[{"text": "Groceries: milk, eggs"}])
    def note(sid: str, body: Text) -> int:
        if body.text.startswith("Groceries"):  # a value random text never hits
            raise RuntimeError("the groceries list is full")
        return len(body.text)

    report = fuzz(sio, examples=5, seed=1)
    (finding,) = report.findings
    assert finding.payload == ({"text": "Groceries: milk, eggs"},)
    assert "RuntimeError" in finding.message


def test_the_same_seed_gives_the_same_findings() -> None:
    first = fuzz(buggy_server()[0], examples=30, seed=11, events=["describe"])
    again = fuzz(buggy_server()[0], examples=30, seed=11, events=["describe"])
    assert [f.payload for f in first.findings] == [f.payload for f in again.findings]
    assert first.findings


# -- planted bugs ------------------------------------------------------------------------------


class Split(BaseModel):
    total: int = Field(ge=0)
    people: int = Field(ge=0, le=50)


class Text(BaseModel):
    text: str = Field(max_length=30)


class Length(BaseModel):
    length: int


def buggy_server(async_mode: str = "threading") -> tuple[socketio.Server, SocketIOSpec]:
    sio = socketio.Server(async_mode=async_mode)
    spec = SocketIOSpec(sio)

    @spec.on("split")
    def split(sid: str, bill: Split) -> int:
        return bill.total // bill.people  # crashes for people == 0

    @spec.on("describe", ack=Length)
    def describe(sid: str, body: Text) -> Any:
        if len(body.text) > 5:
            return {"length": "long"}  # breaks the ack model
        return {"length": len(body.text)}

    @spec.on("fine")
    def fine(sid: str, body: Text) -> int:
        return len(body.text)

    return sio, spec


def replay_by_hand(app_factory: Any, event: str, payload: tuple[Any, ...]) -> Any:
    """Send ``payload`` with a real python-socketio client to a fresh server of the
    same code on a loopback port; the ack's arguments, or ``"no answer"``."""
    with run_wsgi(socketio.WSGIApp(app_factory())) as port:
        client = socketio.Client(reconnection=False)
        client.connect(url(port), wait_timeout=TIMEOUT)
        try:
            got: list[tuple[Any, ...]] = []
            done = threading.Event()

            def ack(*args: Any) -> None:
                got.append(args)
                done.set()

            client.emit(event, payload, callback=ack)
            if not done.wait(1.5):
                return "no answer"
            return list(got[0])
        finally:
            client.disconnect()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_handler_that_crashes_for_one_valid_value() -> None:
    sio, _ = buggy_server()
    report = fuzz(sio, examples=50, seed=5, events=["split"])
    (finding,) = report.findings
    assert finding.kind == "no_answer" and "ZeroDivisionError" in finding.message
    assert finding.payload == ({"total": 0, "people": 0},)  # shrunk to the smallest
    assert "seed=5" in finding.replay and "'split'" in finding.replay
    assert replay_by_hand(lambda: buggy_server()[0], "split", finding.payload) == "no answer"
    assert replay_by_hand(lambda: buggy_server()[0], "split", ({"total": 4, "people": 2},)) == [2]


def test_an_ack_that_breaks_its_model_for_some_input() -> None:
    sio, _ = buggy_server()
    report = fuzz(sio, examples=50, seed=5, events=["describe", "fine"])
    (finding,) = report.findings
    assert (finding.event, finding.kind) == ("describe", "error_ack")
    assert finding.answer[0]["error"] == "internal_error"
    (body,) = finding.payload
    assert len(body["text"]) == 6  # the shortest text that breaks it
    answer = replay_by_hand(lambda: buggy_server()[0], "describe", finding.payload)
    assert answer[0]["error"] == "internal_error"


def test_an_ack_outside_its_schema_without_sio_spec_validation() -> None:
    # the same bug where nothing checks the ack: the fuzzer checks it against the contract
    document = buggy_server()[1].asyncapi()
    plain = socketio.Server(async_mode="threading")

    @plain.on("describe")
    def describe(sid: str, body: Any) -> Any:
        return {"length": "long"} if len(body["text"]) > 5 else {"length": len(body["text"])}

    report = fuzz(plain, document=document, examples=40, seed=2, events=["describe"])
    (finding,) = [f for f in report.findings if f.kind == "invalid_ack"]
    assert finding.payload == ({"text": "000000"},)
    assert finding.answer == [{"length": "long"}]
    assert "length" in finding.message


class Slow(BaseModel):
    text: str


def slow_server() -> socketio.AsyncServer:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio)

    @spec.on("echo")
    async def echo(sid: str, body: Slow) -> str:
        if len(body.text) > 8:
            await asyncio.sleep(3)  # never answers long strings in time
        return body.text

    return sio


def test_a_handler_that_never_answers_long_strings() -> None:
    report = fuzz(slow_server(), examples=30, seed=1, timeout=0.5)
    (finding,) = report.findings
    assert finding.kind == "no_answer" and finding.event == "echo"
    assert finding.payload == ({"text": "0" * 9},)
    with run_asgi(socketio.ASGIApp(slow_server())) as port:
        client = socketio.Client(reconnection=False)
        client.connect(url(port), wait_timeout=TIMEOUT)
        try:
            with pytest.raises(socketio.exceptions.TimeoutError):
                client.call("echo", finding.payload[0], timeout=1)
            assert client.call("echo", {"text": "short"}, timeout=TIMEOUT) == "short"
        finally:
            client.disconnect()


def lax_document() -> dict[str, Any]:
    """The contract of ``good_server`` without auth: validated payloads."""
    return SocketIOSpec(good_server()[0]).asyncapi()


def careless_server() -> socketio.Server:
    """Claims the contract of ``good_server`` (validated payloads, error acks) and
    validates nothing."""
    sio = socketio.Server(async_mode="threading")

    @sio.on("ping")
    def ping(sid: str, n: Any = None, label: Any = None) -> Any:
        return f"{label}:{n}"

    return sio


def test_a_server_that_accepts_invalid_payloads() -> None:
    _, spec = good_server()
    report = fuzz(careless_server(), document=spec.asyncapi(), examples=30, seed=4, events=["ping"])
    kinds = {f.kind for f in report.findings}
    assert kinds == {"accepts_invalid"}
    (finding,) = report.findings
    assert finding.payload == ("xyz", "")  # shrunk: letters for n, the shortest label
    assert finding.message == "a payload with letters for an integer was accepted"
    answer = replay_by_hand(careless_server, "ping", finding.payload)
    assert answer != "no answer" and not (isinstance(answer[0], dict) and "error" in answer[0])
    # a sio-spec server answers the same payload with a validation error
    strict = replay_by_hand(lambda: good_server()[0], "ping", finding.payload)
    assert strict[0]["error"] == "validation_error"


def test_a_server_event_that_breaks_its_schema() -> None:
    _, spec = good_server()
    sio = socketio.Server(async_mode="threading")

    @sio.on("order", namespace="/shop")
    def order(sid: str, order: Any = None, priority: int = 0) -> Any:
        sio.emit("added", {"lines": "several"}, to=sid, namespace="/shop")  # not an integer
        return {"count": 1, "total": 2.5}

    report = fuzz(sio, document=spec.asyncapi(), examples=10, seed=1, namespaces=["/shop"])
    found = {(f.event, f.kind): f for f in report.findings}
    assert ("added", "invalid_event") in found
    finding = found[("added", "invalid_event")]
    assert finding.payload == ({"lines": "several"},)
    assert "'order'" in finding.message and "lines" in finding.message


def test_a_schema_without_values_skips_its_checks() -> None:
    document = {
        "asyncapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "channels": {
            "root": {
                "address": "/",
                "messages": {
                    "never": {"payload": {"type": "integer", "minimum": 5, "maximum": 1}},
                    "fine": {"payload": {"type": "integer"}},
                },
            }
        },
        "operations": {
            name: {
                "action": "receive",
                "channel": {"$ref": "#/channels/root"},
                "messages": [{"$ref": f"#/channels/root/messages/{name}"}],
            }
            for name in ("never", "fine")
        },
    }
    sio = socketio.Server(async_mode="threading")
    sio.on("fine", lambda sid, n=None: None)
    sio.on("never", lambda sid, n=None: None)
    report = fuzz(sio, document=document, examples=5, seed=1)
    assert report.findings == []
    skipped = {c.event: c.skipped for c in report.checks}
    assert skipped["fine"] is None
    assert "bounds leave no value" in (skipped["never"] or "")


def test_raise_for_findings_lists_them() -> None:
    report = fuzz(buggy_server()[0], examples=30, seed=5, events=["split", "describe"])
    with pytest.raises(AssertionError) as caught:
        report.raise_for_findings()
    text = str(caught.value)
    assert "split: no_answer" in text and "describe: error_ack" in text
    assert "payload:" in text and "replay:" in text


def test_usage_errors() -> None:
    from sio_spec import SioSpecError

    plain = socketio.Server()
    with pytest.raises(SioSpecError, match="document"):
        fuzz(plain)
    with pytest.raises(SioSpecError):
        fuzz(None)

"""Documents and JSON Schemas are untrusted input: each hostile one is refused when it
is read, with one line naming where, or is handled within its limits.

Servers here are real python-socketio servers on loopback (some without sio-spec, to
play a server that sends anything); clients are python-socketio clients held to the
server's document with ``ClientSpec``.
"""

from __future__ import annotations

import copy
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio
from support.servers import run_asgi, url, wait_for

from sio_spec import ClientSpec, EmitValidationError, RemoteValidationError, SocketIOSpec
from sio_spec.agent import MAX_INLINE_DEPTH, agent_schema
from sio_spec.contract import ContractError, load_document, read_contract
from sio_spec.errors import SioSpecError
from sio_spec.guard import Limits
from sio_spec.web import asgi_docs

TIMEOUT = 10


def document(payload: Any, schemas: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """An AsyncAPI 3.0 document: clients send ``go`` with ``payload``, the server
    sends ``news`` with the same payload."""
    doc: dict[str, Any] = {
        "asyncapi": "3.0.0",
        "info": {"title": "Hostile", "version": "1"},
        "channels": {
            "root": {
                "address": "/",
                "messages": {
                    "go": {"name": "go", "payload": payload},
                    "news": {"name": "news", "payload": copy.deepcopy(payload)},
                },
            }
        },
        "operations": {
            "go": {
                "action": "receive",
                "channel": {"$ref": "#/channels/root"},
                "messages": [{"$ref": "#/channels/root/messages/go"}],
            },
            "news": {
                "action": "send",
                "channel": {"$ref": "#/channels/root"},
                "messages": [{"$ref": "#/channels/root/messages/news"}],
            },
        },
        "components": {"schemas": schemas or {}},
    }
    doc.update(extra)
    return doc


def one_line(exc: pytest.ExceptionInfo[BaseException]) -> str:
    text = str(exc.value)
    assert "\n" not in text and len(text) < 600, text
    assert isinstance(exc.value, SioSpecError)
    return text


# -- an HTTP server that counts what it is asked for ---------------------------------------


class Requests(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.path)
        body = json.dumps({"definitions": {"s": {"const": "TOPSECRET"}}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def http_server() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Counting", (Requests,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# -- a plain python-socketio server that emits and answers whatever the test says -------------


class Hostile:
    """A python-socketio ASGI server without sio-spec: it emits ``news`` with the
    payload a client asks for, answers ``go`` with ``answer``, and records what it got."""

    def __init__(self, answer: Any = None) -> None:
        self.sio = socketio.AsyncServer(async_mode="asgi")
        self.received: list[Any] = []
        self.answer = answer

        @self.sio.on("go")
        async def go(sid: str, data: Any = None) -> Any:
            self.received.append(("go", data))
            return self.answer

        @self.sio.on("send_me")
        async def send_me(sid: str, data: Any) -> None:
            self.received.append(("send_me", data))
            await self.sio.emit("news", data, to=sid)

        @self.sio.on("*")
        async def anything(event: str, sid: str, data: Any = None) -> None:
            self.received.append((event, data))

    def app(self, doc: dict[str, Any] | None = None) -> Any:
        docs = asgi_docs(doc) if doc is not None else None
        return socketio.ASGIApp(self.sio, other_asgi_app=docs)


def connected(port: int, doc: Any, **options: Any) -> tuple[socketio.Client, ClientSpec]:
    client = socketio.Client(reconnection=False)
    held = ClientSpec(client, doc, **options)
    client.connect(url(port), transports=["websocket"], wait_timeout=TIMEOUT)
    return client, held


# -- 1. no retrieval, ever --------------------------------------------------------------------


def test_id_relative_references_never_fetch(http_server: tuple[str, list[str]]) -> None:
    """A nested ``$id`` naming a URL used to make a ``$ref`` inside it fetch that URL
    (and a ``file://`` one read a local file into an error reply)."""
    base, seen = http_server
    nested = {
        "$id": f"{base}/x.json",
        "allOf": [{"$ref": "#/definitions/s"}],
    }
    request = {"type": "object", "properties": {"a": nested}, "definitions": {"s": {}}}
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio)
    got: list[Any] = []

    @spec.on("go", request=request)
    async def go(sid: str, data: Any) -> str:
        got.append(data)
        return "ok"

    with run_asgi(socketio.ASGIApp(sio)) as port:
        client = socketio.Client(reconnection=False)
        client.connect(url(port), transports=["websocket"], wait_timeout=TIMEOUT)
        try:
            assert client.call("go", {"a": "anything"}, timeout=TIMEOUT) == "ok"
        finally:
            client.disconnect()
    assert got == [{"a": "anything"}]
    assert seen == []


def test_documents_with_id_urls_are_validated_locally(
    http_server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, seen = http_server
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"definitions": {"s": {"const": "TOPSECRET"}}}))
    for where in (f"{base}/x.json", secret.as_uri()):
        payload = {
            "type": "object",
            "properties": {"a": {"$id": where, "allOf": [{"$ref": "#/definitions/s"}]}},
            "definitions": {"s": {"type": "string"}},
        }
        hostile = Hostile(answer="fine")
        with run_asgi(hostile.app()) as port:
            client, _ = connected(port, document(payload))
            try:
                assert client.call("go", {"a": "hello"}, timeout=TIMEOUT) == "fine"
                with pytest.raises(EmitValidationError) as exc:
                    client.emit("go", {"a": 5})
                assert "TOPSECRET" not in str(exc.value)
            finally:
                client.disconnect()
    assert seen == []


@pytest.mark.parametrize(
    "ref", ["http://127.0.0.1:9/x.json", "file:///etc/passwd", "other.yaml#/x", "//host/x"]
)
def test_references_outside_the_document_are_refused(ref: str) -> None:
    for where in ("payload", "component"):
        schema = {"type": "object", "properties": {"a": {"$ref": ref}}}
        doc = (
            document(schema)
            if where == "payload"
            else document({"$ref": "#/components/schemas/A"}, {"A": schema})
        )
        with pytest.raises(ContractError) as exc:
            SocketIOSpec.from_document(None, doc)
        assert "points outside the document" in one_line(exc)
    spec = SocketIOSpec(socketio.Server())
    with pytest.raises(ContractError):
        spec.on("go", request={"$ref": ref})(lambda sid, d: None)
        spec.specs()


# -- 2. alias bombs -----------------------------------------------------------------------------

BOMB = "\n".join(
    [
        "asyncapi: 3.0.0",
        "info: {title: bomb, version: '1'}",
        "x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]",
        *(
            f"x-{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]"
            for i in range(7)
        ),
        "",
    ]
)


def test_alias_bombs_are_refused_before_they_grow(tmp_path: Path) -> None:
    assert len(BOMB.encode()) < 800
    with pytest.raises(ContractError) as exc:
        SocketIOSpec.from_document(None, BOMB)
    assert "more than 2000000 values with its aliases expanded" in one_line(exc)
    assert "max_nodes" in str(exc.value)
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB)
    with pytest.raises(ContractError):
        ClientSpec(socketio.Client(), str(path))
    # aliases within the limit are read as plain data
    small = "asyncapi: 3.0.0\ninfo: &i {title: t, version: '1'}\nx-copy: *i\n"
    assert load_document(small)["x-copy"] == {"title": "t", "version": "1"}
    # the limit has a keyword: 4 levels of the same bomb hold about 11,000 values
    small_bomb = "\n".join(BOMB.splitlines()[:6]) + "\n"
    with pytest.raises(ContractError):
        SocketIOSpec.from_document(None, small_bomb, max_nodes=10_000)
    loaded = SocketIOSpec.from_document(None, small_bomb, max_nodes=20_000)
    assert len(loaded.asyncapi()["x-d"]) == 10


def test_recursive_aliases_are_refused() -> None:
    with pytest.raises(ContractError) as exc:
        SocketIOSpec.from_document(None, "asyncapi: 3.0.0\nx-loop: &l [*l]\n")
    assert "refers to the value holding it" in one_line(exc)


# -- 3. patterns match in linear time -----------------------------------------------------------

EVIL = "^(a+)+$"
ATTACK = "a" * 40 + "!"


def test_backtracking_patterns_cannot_stall_a_client() -> None:
    """A server event whose schema has a backtracking pattern, and a value made to
    stall Python's ``re``: the client checks it at once and reports it."""
    hostile = Hostile()
    invalid: list[Any] = []
    doc = document({"type": "string", "pattern": EVIL})
    with run_asgi(hostile.app()) as port:
        client, _ = connected(port, doc, on_invalid_event=invalid.append, unknown_events="allow")
        try:
            with pytest.raises(EmitValidationError):
                client.emit("go", ATTACK)
            client.emit("send_me", ATTACK)  # the server sends it back as "news"
            wait_for(lambda: invalid, timeout=TIMEOUT)
        finally:
            client.disconnect()
    assert invalid[0].event == "news"
    assert ("go", ATTACK) not in hostile.received


def test_backtracking_patterns_cannot_stall_a_server() -> None:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio)

    @spec.on("go", request={"type": "object", "patternProperties": {EVIL: {"type": "integer"}}})
    async def go(sid: str, data: Any) -> str:
        return "ok"

    @spec.on("name", request={"type": "string", "pattern": EVIL})
    async def name(sid: str, data: Any) -> str:
        return "ok"

    with run_asgi(socketio.ASGIApp(sio)) as port:
        client = socketio.Client(reconnection=False)
        client.connect(url(port), transports=["websocket"], wait_timeout=TIMEOUT)
        try:
            answer = client.call("name", ATTACK, timeout=TIMEOUT)
            assert answer["error"] == "validation_error"
            answer = client.call("go", {ATTACK: "x"}, timeout=TIMEOUT)
            assert answer == "ok"  # the name does not match: the property is not checked
            answer = client.call("go", {"aaa": "x"}, timeout=TIMEOUT)
            assert answer["error"] == "validation_error"
        finally:
            client.disconnect()


@pytest.mark.parametrize("pattern", ["(a)\\1", "(?=a)b", "(?<!a)b", "("])
def test_patterns_the_linear_engine_cannot_compile_are_refused(pattern: str) -> None:
    for schema in (
        {"type": "string", "pattern": pattern},
        {"type": "object", "patternProperties": {pattern: {}}},
    ):
        with pytest.raises(ContractError) as exc:
            read_contract(document({"$ref": "#/components/schemas/A"}, {"A": schema}))
        text = one_line(exc)
        assert "/components/schemas/A/pattern" in text
        assert "not a linear-time regular expression" in text


# -- 5. schemas are checked when they are read ----------------------------------------------


@pytest.mark.parametrize(
    ("bad", "pointer", "problem"),
    [
        ({"type": "integr"}, "/type", "unknown type 'integr'"),
        ({"type": "string", "pattern": "("}, "/pattern", "unclosed group"),
        ({"required": [{"x": 1}]}, "/required", "'required' must be a list of strings"),
        ({"properties": {"a": {"minLength": -1}}}, "/properties/a/minLength", "non-negative"),
        ({"anyOf": []}, "/anyOf", "non-empty list"),
        ({"items": [{"type": 3}]}, "/items/0/type", "unknown type 3"),
    ],
)
def test_invalid_schemas_are_refused_when_read(bad: Any, pointer: str, problem: str) -> None:
    # in a component that nothing uses
    with pytest.raises(ContractError) as exc:
        SocketIOSpec.from_document(None, document({"type": "string"}, {"Unused": bad}))
    text = one_line(exc)
    assert f"invalid JSON Schema at /components/schemas/Unused{pointer}" in text
    assert problem in text
    # in a message payload, through ClientSpec
    with pytest.raises(ContractError) as exc:
        ClientSpec(socketio.Client(), document(bad))
    assert f"/channels/root/messages/go/payload{pointer}" in one_line(exc)


def test_invalid_request_schemas_on_servers_are_refused() -> None:
    spec = SocketIOSpec(socketio.Server())
    with pytest.raises(ContractError) as exc:
        spec.on("go", request={"type": "integr"})(lambda sid, data: None)
        spec.specs()
    assert "unknown type 'integr'" in one_line(exc)


# -- 6 and 7. values that cannot be rendered, keys that are not strings ---------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("maximum: 0x" + "f" * 4000, "a number with more than 300 digits"),
        ("maximum: " + "9" * 301, "a number with more than 300 digits"),
        ("maximum: .nan", "NaN or an infinite number"),
        ("maximum: .inf", "NaN or an infinite number"),
        ("maximum: 1e999", "NaN or an infinite number"),
    ],
)
def test_numbers_that_cannot_be_rendered_are_refused(text: str, problem: str) -> None:
    yaml = (
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n"
        f"components:\n  schemas:\n    A:\n      type: number\n      {text}\n"
    )
    with pytest.raises(ContractError) as exc:
        SocketIOSpec.from_document(None, yaml)
    assert f"refused at /components/schemas/A/maximum: {problem}" in one_line(exc)
    as_json = '{"asyncapi": "3.0.0", "x": ' + ("NaN" if "nan" in text else "1" + "0" * 400) + "}"
    with pytest.raises(ContractError):
        load_document(as_json)


def test_dict_documents_are_held_to_the_same_limits() -> None:
    with pytest.raises(ContractError) as exc:
        SocketIOSpec.from_document(None, document({"type": "number", "maximum": float("nan")}))
    assert "NaN" in one_line(exc)
    with pytest.raises(ContractError) as exc:
        read_contract(document({"type": "number", "maximum": 10**5000}))
    assert "more than 300 digits" in one_line(exc)
    assert read_contract(document({"type": "number", "maximum": 10**299})).namespaces


def test_keys_that_are_not_strings_are_refused() -> None:
    yaml = (
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n"
        "components:\n  schemas:\n    1: {type: string}\n    A: {type: string}\n"
    )
    with pytest.raises(ContractError) as exc:
        SocketIOSpec.from_document(None, yaml)
    assert "refused at /components/schemas: a key that is not a string ('1')" in one_line(exc)
    with pytest.raises(ContractError) as exc:
        read_contract(document({"type": "string"}, {1: {"type": "string"}, "A": {}}))  # type: ignore[dict-item]
    assert "a key that is not a string (int)" in one_line(exc)


def test_depth_and_size_limits_have_keywords(tmp_path: Path) -> None:
    deep: Any = "bottom"
    for _ in range(300):
        deep = [deep]
    doc = document({"type": "string"}, **{"x-deep": deep})
    with pytest.raises(ContractError) as exc:
        SocketIOSpec.from_document(None, doc)
    assert "deeper than 200 levels (raise the limit with max_depth)" in one_line(exc)
    assert SocketIOSpec.from_document(None, doc, max_depth=400).asyncapi()["x-deep"]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(document({"type": "string", "description": "x" * 5000})))
    with pytest.raises(ContractError) as exc:
        SocketIOSpec.from_document(None, str(path), max_bytes=4000)
    assert "larger than 4000 bytes (raise the limit with max_bytes)" in one_line(exc)
    with pytest.raises(ContractError):
        ClientSpec(socketio.Client(), str(path), max_bytes=4000)
    assert SocketIOSpec.from_document(None, str(path), max_bytes=40_000).asyncapi()
    with pytest.raises(ContractError):
        read_contract(document({"maximum": 10**50}), limits=Limits(max_number_digits=20))


# -- 11. the agent catalog stays bounded -----------------------------------------------------


def test_agent_catalog_of_doubling_and_long_chains_is_bounded() -> None:
    doubling = {
        f"S{i}": {
            "type": "object",
            "properties": {
                "a": {"$ref": f"#/components/schemas/S{i + 1}"},
                "b": {"$ref": f"#/components/schemas/S{i + 1}"},
            },
        }
        for i in range(24)
    }
    doubling["S24"] = {"type": "string"}
    catalog = agent_schema(document({"$ref": "#/components/schemas/S0"}, doubling))
    assert len(json.dumps(catalog)) < 20_000_000
    assert '"x-not-inlined": true' in json.dumps(catalog)

    chain = {
        f"S{i}": {
            "type": "object",
            "properties": {"next": {"$ref": f"#/components/schemas/S{i + 1}"}},
        }
        for i in range(3000)
    }
    chain["S3000"] = {"type": "string"}
    catalog = agent_schema(document({"$ref": "#/components/schemas/S0"}, chain))
    node = catalog["events"][0]["input_schema"]
    depth = 0
    while "properties" in node:
        node = node["properties"]["next"]
        depth += 1
    assert depth == MAX_INLINE_DEPTH
    assert node["x-not-inlined"] is True


# -- 12. a server's error details stay small -------------------------------------------------


def test_remote_validation_error_text_is_bounded() -> None:
    huge = ("line\n" * 300_000)[:1_500_000]
    detail = [{"loc": ["a\nb"] * 100, "msg": huge, "type": huge} for _ in range(5)]
    hostile = Hostile(answer={"error": "validation_error", "detail": detail})
    doc = document({"type": "string"})
    doc["operations"]["go"]["reply"] = {
        "messages": [
            {"$ref": "#/components/messages/Ok"},
            {"$ref": "#/components/messages/Error"},
        ],
    }
    doc["components"]["messages"] = {
        "Ok": {"payload": {"type": "string"}},
        "Error": {"payload": {"$ref": "#/components/schemas/SioSpecValidationError"}},
    }
    doc["components"]["schemas"]["SioSpecValidationError"] = {"type": "object"}
    with run_asgi(hostile.app()) as port:
        client, _ = connected(port, doc)
        try:
            with pytest.raises(RemoteValidationError) as exc:
                client.call("go", "x", timeout=TIMEOUT)
        finally:
            client.disconnect()
    text = str(exc.value)
    assert "\n" not in text
    assert len(text) < 5_000
    for err in exc.value.errors():
        assert len(err["msg"]) <= 300 and "\n" not in err["msg"]
        assert len(err["loc"]) <= 32


# -- 13. one detail per missing field --------------------------------------------------------


def test_each_missing_field_is_reported_once() -> None:
    request = {"type": "object", "required": ["a", "b", "c"], "properties": {}}
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio)

    @spec.on("go", request=request)
    async def go(sid: str, data: Any) -> str:
        return "ok"

    doc = document(request)
    with run_asgi(socketio.ASGIApp(sio)) as port:
        client = socketio.Client(reconnection=False)
        client.connect(url(port), transports=["websocket"], wait_timeout=TIMEOUT)
        try:
            answer = client.call("go", {}, timeout=TIMEOUT)
        finally:
            client.disconnect()
    assert [d["loc"] for d in answer["detail"]] == [["a"], ["b"], ["c"]]
    with pytest.raises(EmitValidationError) as exc:
        ClientSpec(socketio.Client(), doc).pipeline.outgoing("go", "/", {}, None)
    assert exc.value.error_count() == 3


# -- 15. events the contract does not describe ------------------------------------------------


def test_undescribed_events_name_the_closest_one(caplog: pytest.LogCaptureFixture) -> None:
    hostile = Hostile(answer="done")
    doc = document({"type": "string"})
    with run_asgi(hostile.app()) as port:
        client, _ = connected(port, doc)
        try:
            with pytest.raises(EmitValidationError) as exc:
                client.call("gp", "refused", timeout=TIMEOUT)
            assert "the closest described event is 'go'" in one_line(exc)
            with pytest.raises(EmitValidationError):
                client.emit("send_me", "refused")
            assert client.call("go", "x", timeout=TIMEOUT) == "done"
        finally:
            client.disconnect()
        client, _ = connected(port, doc, unknown_events="warn")
        try:
            with caplog.at_level("WARNING", logger="sio_spec.client"):
                client.emit("gp", "sent anyway")
                client.emit("gp", "again")
            wait_for(lambda: ("gp", "again") in hostile.received, timeout=TIMEOUT)
        finally:
            client.disconnect()
        warned = [r for r in caplog.records if "closest described event is 'go'" in r.getMessage()]
        assert len(warned) == 1
        client, _ = connected(port, doc, unknown_events="allow")
        try:
            client.emit("gp", "allowed")
            wait_for(lambda: ("gp", "allowed") in hostile.received, timeout=TIMEOUT)
        finally:
            client.disconnect()
    assert [r for r in hostile.received if r[1] == "refused"] == []


def test_test_client_refuses_undescribed_events() -> None:
    from sio_spec.testing import TestClient

    sio = socketio.Server(async_mode="threading")
    spec = SocketIOSpec(sio)

    @spec.on("make_move", request={"type": "object"})
    def make_move(sid: str, data: Any) -> str:
        return "ok"

    client = TestClient(sio, validate=True)
    client.connect()
    try:
        with pytest.raises(EmitValidationError) as exc:
            client.emit("make_mvoe", {})
        assert "closest described event is 'make_move'" in str(exc.value)
        assert client.call("make_move", {}) == "ok"
    finally:
        client.disconnect()


def test_anchor_references_are_refused_not_read_as_the_whole_document() -> None:
    with pytest.raises(ContractError) as exc:
        read_contract(document({"type": "object", "properties": {"a": {"$ref": "#secret"}}}))
    assert "'#secret' is not a JSON pointer" in one_line(exc)


SCALARS = """\
asyncapi: 3.0.0
info: {title: "Scalars: all", version: '1.0'}
x-ints: [0, -7, +12, 0o17, 0x1F, 1_000, 012]
x-floats: [1.5, -0.25, 1e3, 6.02e+23, .5, 1.]
x-words: [true, false, True, FALSE, null, Null, ~, yes, no, on, off, 'quoted', "esc\\n"]
x-empty:
x-multi: |
  two
  lines
x-folded: >
  one
  line
base: &base {a: 1, b: [x, y]}
x-merged:
  <<: *base
  b: over
x-copy: *base
"""


def test_documents_read_as_the_pure_yaml_loader_reads_them() -> None:
    from ruamel.yaml import YAML

    expected = YAML(typ="safe", pure=True).load(SCALARS)
    assert load_document(SCALARS) == expected
    # a document with a %YAML directive is read the same way too
    directive = "%YAML 1.2\n---\n" + SCALARS
    assert load_document(directive) == YAML(typ="safe", pure=True).load(directive)

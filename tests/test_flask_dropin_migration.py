"""What sio-asyncapi 1.0 users still needed after changing only their imports:
``asyncapi_doc.dict()`` / ``.json()``, the agent schema, handlers validated when
called directly, pydantic.v1 models, duplicate ``doc_emit``, AsyncAPI 3.1.0 by
default, the error attributes their handlers read, and the tic-tac-toe example run
headless. Exercised on Flask-SocketIO's test client and on a real Flask-SocketIO
server with a real python-socketio client."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any, Optional

import flask
import jsonschema
import pytest
import requests
import socketio
from flask_socketio import emit
from pydantic import AnyUrl, BaseModel, Field, field_validator
from support.external import asyncapi_validate
from support.servers import free_port, run_flask_socketio, url, wait_for

from sio_spec import (
    EmitValidationError,
    RequestValidationError,
    ResponseValidationError,
    SocketIOSpec,
    SpecError,
)
from sio_spec.agent import agent_schema
from sio_spec.flask import AsyncAPISocketIO

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # pydantic.v1 warns on Python versions it does not support
    from pydantic.v1 import BaseModel as BaseModelV1

ROOT = Path(__file__).resolve().parent.parent
TICTACTOE = ROOT / "examples" / "tictactoe"
SECRET = "client-secret-5d1c"


# -- an application in the style of sio-asyncapi's own test fixture --------------------------


class DownloadFileRequest(BaseModel):
    """Request model for download file"""

    url: AnyUrl = Field(description="URL to download")
    location: str = Field(description="Destination path")
    check_hash: Optional[bool] = False  # noqa: UP045 (as sio-asyncapi users write it)


class DownloadAccepted(BaseModel):
    """Response model for download file"""

    class Data(BaseModel):
        is_accepted: bool = True

    success: bool = True
    error: Optional[str] = None  # noqa: UP045
    data: Data


class QueueModel(BaseModel):
    """Emit model for the current list"""

    downloader_queue: list[AnyUrl]


class TreeNode(BaseModel):
    """A recursive model: its schema refers to itself."""

    name: str
    children: list[TreeNode] = []


class Ping(BaseModel):
    seen: int = 0

    @field_validator("seen")
    @classmethod
    def count(cls, value: int) -> int:
        VALIDATIONS.append(value)
        return value


VALIDATIONS: list[int] = []


class Folder(BaseModel):
    name: str
    files: list[File] = []


class File(BaseModel):
    name: str
    parent: Optional[Folder] = None  # noqa: UP045


class Answer(BaseModel):
    ok: bool


class Recorder:
    def __init__(self) -> None:
        self.items: queue.Queue[tuple[str, Any]] = queue.Queue()

    def put(self, what: str, value: Any) -> None:
        self.items.put((what, value))

    def get(self) -> tuple[str, Any]:
        return self.items.get(timeout=5)


def build(seen: Recorder, **options: Any) -> tuple[flask.Flask, AsyncAPISocketIO]:
    app = flask.Flask(__name__)
    sio = AsyncAPISocketIO(
        app,
        async_mode="threading",
        title="Downloader API",
        version="1.0.0",
        description="Server downloader API",
        server_url="http://localhost:5000",
        server_name="DOWNLOADER_BACKEND",
        **options,
    )

    @sio.doc_emit("current_list", QueueModel, "Current list of files to download")
    @sio.on("get_download_list", get_from_typehint=True)
    def get_download_list() -> None:
        """Get the current list of files to download"""
        sio.emit("current_list", {"downloader_queue": ["https://example.com/a.jpg"]})

    @sio.on("download_file", get_from_typehint=True)
    def download_file(request: DownloadFileRequest) -> DownloadAccepted:
        """Accept a request to download a file.

        Requests are queued, not executed at once."""
        seen.put("download_file", request)
        if request.location == "/bad-ack":
            return {"data": {"is_accepted": "perhaps"}}  # type: ignore[return-value]
        return DownloadAccepted(data=DownloadAccepted.Data(is_accepted=True))

    @sio.on("tree", request_model=TreeNode, response_model=TreeNode)
    def tree(node: TreeNode) -> TreeNode:
        return node

    @sio.on("ping_a", get_from_typehint=True)
    @sio.on("ping_b", get_from_typehint=True)
    def ping(data: Ping) -> Ping:
        seen.put("ping", data)
        return data

    @sio.on("emit_bad")
    def emit_bad() -> None:
        emit("current_list", {"downloader_queue": [SECRET]})

    return app, sio


@pytest.fixture(scope="module")
def seen() -> Recorder:
    return Recorder()


@pytest.fixture(scope="module")
def built(seen: Recorder) -> tuple[flask.Flask, AsyncAPISocketIO]:
    return build(seen)


@pytest.fixture(scope="module")
def served(built: tuple[flask.Flask, AsyncAPISocketIO], seen: Recorder) -> Iterator[str]:
    app, sio = built

    @sio.on_error_default
    def default_errors(e: Exception) -> Any:
        # what error handlers written for sio-asyncapi read
        if isinstance(e, (RequestValidationError, ResponseValidationError, EmitValidationError)):
            return {
                "kind": type(e).__name__,
                "str": str(e),
                "errors": e.errors(),
                "json": json.loads(e.json()),
                "count": e.error_count(),
                "model": getattr(e.model, "__name__", e.model),
                "parent": e.parent,
                "raw_errors": e.raw_errors,
            }
        raise e

    with run_flask_socketio(app, sio) as port:
        yield url(port)


@pytest.fixture
def client(served: str) -> Iterator[socketio.Client]:
    sio = socketio.Client(reconnection=False)
    received: queue.Queue[tuple[str, Any]] = queue.Queue()
    sio.on("*", lambda event, *args: received.put((event, args)))
    sio.received = received  # type: ignore[attr-defined]
    sio.connect(served, transports=["websocket"], wait_timeout=5)
    try:
        yield sio
    finally:
        sio.disconnect()


def has_ref(node: Any) -> bool:
    if isinstance(node, dict):
        return "$ref" in node or any(has_ref(v) for v in node.values())
    if isinstance(node, list):
        return any(has_ref(v) for v in node)
    return False


# -- 1. asyncapi_doc.dict() / .json() ---------------------------------------------------------


def test_asyncapi_doc_dict_and_json_as_sio_asyncapi_spelled_them(
    built: tuple[flask.Flask, AsyncAPISocketIO],
) -> None:
    _, sio = built
    doc = sio.asyncapi_doc
    # sio-asyncapi's tests call it through a helper: model_dump() if present, else dict()
    assert not hasattr(doc, "model_dump")
    as_dict = doc.dict(by_alias=True, exclude_none=True)
    assert as_dict == sio.spec.asyncapi() == doc.get_dict()
    as_dict["info"]["title"] = "changed"  # a copy: the document is not affected
    assert sio.spec.asyncapi()["info"]["title"] == "Downloader API"
    assert json.loads(doc.json()) == sio.spec.asyncapi()
    indented = doc.json(indent=2, by_alias=True, exclude_none=True)
    assert indented.startswith('{\n  "asyncapi": "3.1.0"')
    assert json.loads(indented) == json.loads(doc.get_json())


# -- 7. AsyncAPI 3.1.0 by default -------------------------------------------------------------


def test_the_drop_in_publishes_asyncapi_3_1_0_by_default_and_the_core_3_0_0(
    built: tuple[flask.Flask, AsyncAPISocketIO],
) -> None:
    _, sio = built
    assert sio.asyncapi_doc.get_yaml().startswith("asyncapi: 3.1.0\n")
    assert sio.spec.asyncapi()["asyncapi"] == "3.1.0"
    result = asyncapi_validate(sio.spec.asyncapi())
    assert (result.errors, result.warnings) == (0, 0), result.messages("error")
    assert SocketIOSpec(socketio.Server()).asyncapi()["asyncapi"] == "3.0.0"
    chosen = AsyncAPISocketIO(flask.Flask(__name__), asyncapi_version="3.0.0")
    assert chosen.asyncapi_doc.get_dict()["asyncapi"] == "3.0.0"
    old = AsyncAPISocketIO(flask.Flask(__name__), asyncapi_version="2.6.0")
    assert old.asyncapi_doc.get_dict()["asyncapi"] == "2.6.0"
    assert old.get_agent_schema()["asyncapi_version"] == "3.0.0"  # read from 3.x


# -- 2. the agent schema ----------------------------------------------------------------------


def test_agent_schema_has_sio_asyncapi_keys_and_inlines_every_schema(
    built: tuple[flask.Flask, AsyncAPISocketIO],
) -> None:
    _, sio = built
    catalog = sio.get_agent_schema()
    assert catalog["format"] == "sio-asyncapi-agent-schema"
    assert catalog["version"] == "1.0"
    assert catalog["asyncapi_version"] == "3.1.0"
    assert catalog["info"]["title"] == "Downloader API"
    assert list(catalog["servers"]) == ["DOWNLOADER_BACKEND"]
    assert "connect_auth" not in catalog  # no namespace declares auth
    assert not has_ref(catalog)
    by_name = {event["name"]: event for event in catalog["events"]}

    download = by_name["download_file"]
    assert download["namespace"] == "/"
    assert download["direction"] == "client_to_server"
    assert download["operation_id"] == "root.download_file.receive"
    assert download["message_component"] == "download_file"
    assert download["description"].startswith("Accept a request to download a file.")
    assert download["input_schema_component"] == "DownloadFileRequest"
    assert download["input_schema"]["title"] == "DownloadFileRequest"
    assert download["ack_schema_component"] == "DownloadAccepted"
    ack = download["ack_schema"]
    assert ack["title"] == "DownloadAccepted"  # the declared ack, not the error ack
    assert ack["properties"]["data"]["properties"]["is_accepted"]["type"] == "boolean"
    assert ack["properties"]["data"]["x-component-ref"].endswith("/Data")

    current = by_name["current_list"]
    assert current["direction"] == "server_to_client"
    assert current["output_schema_component"] == "QueueModel"
    assert current["output_schema"]["title"] == "QueueModel"
    assert current["description"] == "Current list of files to download"
    assert "input_schema" not in current and "ack_schema" not in current

    assert json.loads(sio.get_agent_schema_json()) == catalog
    assert sio.asyncapi_doc.get_agent_schema() == catalog
    assert json.loads(sio.asyncapi_doc.get_agent_schema_json()) == catalog


def test_agent_schemas_validate_payloads_on_their_own(
    built: tuple[flask.Flask, AsyncAPISocketIO],
) -> None:
    """Each inlined schema is a complete JSON Schema: an agent can check a payload
    with it alone, and it agrees with what the server accepts."""
    _, sio = built
    by_name = {event["name"]: event for event in sio.get_agent_schema()["events"]}
    schema = by_name["download_file"]["input_schema"]
    checker = jsonschema.Draft7Validator(schema)
    assert checker.is_valid({"url": "https://example.com/x", "location": "/tmp/x"})
    assert not checker.is_valid({"url": "https://example.com/x"})
    ack = jsonschema.Draft7Validator(by_name["download_file"]["ack_schema"])
    assert ack.is_valid({"success": True, "error": None, "data": {"is_accepted": False}})
    assert not ack.is_valid({"data": {"is_accepted": "perhaps"}})


def test_agent_schema_bounds_recursive_models(
    built: tuple[flask.Flask, AsyncAPISocketIO],
) -> None:
    _, sio = built
    by_name = {event["name"]: event for event in sio.get_agent_schema()["events"]}
    node = by_name["tree"]["input_schema"]
    # pydantic names the two modes of a model used both ways TreeNode-Input / -Output
    assert by_name["tree"]["input_schema_component"].startswith("TreeNode")
    component = by_name["tree"]["input_schema_component"]
    assert node["title"] == component
    assert node["x-component-ref"] == f"#/components/schemas/{component}"
    inner = node["properties"]["children"]["items"]
    assert inner["x-recursive"] is True
    assert inner["x-component-ref"] == node["x-component-ref"]
    assert "properties" not in inner  # not expanded again
    assert not has_ref(node)
    checker = jsonschema.Draft7Validator(node)
    assert checker.is_valid({"name": "root", "children": [{"name": "leaf"}]})
    assert not checker.is_valid({"children": []})


def test_agent_schema_of_the_core_with_mutual_recursion_and_server_calls() -> None:
    sio = socketio.Server()
    spec = SocketIOSpec(sio, title="Core", version="2.0.0")

    @spec.on("open", namespace="/fs")
    def open_folder(sid: str, folder: Folder) -> File:
        return File(name="x")

    @sio.on("connect", namespace="/fs")
    def connect(sid: str, environ: dict[str, Any], auth: Answer) -> None:
        return None

    spec.emits("confirm", File, namespace="/fs", ack=Answer)
    catalog = spec.agent_schema()
    assert catalog["connect_auth"]["/fs"]["title"] == "Answer"  # connect is no event
    assert "connect" not in {event["name"] for event in catalog["events"]}
    assert catalog["asyncapi_version"] == "3.0.0"
    assert catalog["info"]["title"] == "Core"
    assert not has_ref(catalog)
    by_name = {event["name"]: event for event in catalog["events"]}
    folder = by_name["open"]["input_schema"]
    assert by_name["open"]["namespace"] == "/fs"
    file_schema = folder["properties"]["files"]["items"]
    # File is received (in Folder) and sent (as the ack): its two modes are named apart
    assert file_schema["title"] == "FileInput"
    parents = file_schema["properties"]["parent"]["anyOf"]
    assert any(p.get("x-recursive") is True for p in parents)
    confirm = by_name["confirm"]
    assert confirm["direction"] == "server_to_client"
    assert confirm["ack_schema"]["title"] == "Answer"  # the client's reply to a call
    assert spec.agent_schema("3.1.0")["asyncapi_version"] == "3.1.0"
    # a 2.6 document gives the same catalog, named by its 2.x operations
    old = agent_schema(spec.asyncapi("2.6.0"))
    assert old["asyncapi_version"] == "2.6.0"
    assert {e["name"]: e["operation_id"] for e in old["events"]} == {
        "confirm": "fs.subscribe",
        "open": "fs.publish",
    }
    for event in old["events"]:
        same = by_name[event["name"]]
        assert {k: v for k, v in event.items() if k.endswith("schema")} == {
            k: v for k, v in same.items() if k.endswith("schema")
        }
    assert old["connect_auth"] == catalog["connect_auth"]
    document = spec.asyncapi()
    assert agent_schema(MappingProxyType(document)) == catalog  # any mapping will do
    assert spec.asyncapi() == document  # the document is not changed


def test_cli_exports_the_agent_schema(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sio_spec",
            "export",
            "examples/tictactoe/app.py:socketio",
            "--format",
            "agent",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    catalog = json.loads(result.stdout)
    assert catalog["format"] == "sio-asyncapi-agent-schema"
    assert catalog["asyncapi_version"] == "3.1.0"
    by_name = {event["name"]: event for event in catalog["events"]}
    assert by_name["make_move"]["input_schema_component"] == "MakeMoveData"
    assert by_name["make_move"]["ack_schema_component"] == "MakeMoveAckData"
    assert by_name["move_made"]["direction"] == "server_to_client"
    assert not has_ref(catalog)
    wrong = subprocess.run(
        [
            sys.executable,
            "-m",
            "sio_spec",
            "export",
            "examples/tictactoe/app.py:socketio",
            "--format",
            "agent",
            "--asyncapi-version",
            "2.6.0",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert wrong.returncode == 2
    assert "3.x" in wrong.stderr and "Traceback" not in wrong.stderr


# -- 3. handlers called directly --------------------------------------------------------------


def test_a_handler_called_directly_validates_like_the_original_wrapper() -> None:
    seen = Recorder()
    app2 = flask.Flask(__name__)
    sio2 = AsyncAPISocketIO(app2, async_mode="threading")

    @sio2.on("download_file", get_from_typehint=True)
    def download_file(request: DownloadFileRequest) -> DownloadAccepted:
        seen.put("direct", request)
        if request.location == "/bad-ack":
            return {"data": {"is_accepted": "perhaps"}}  # type: ignore[return-value]
        if request.location == "/none":
            return None  # type: ignore[return-value]
        return DownloadAccepted(data=DownloadAccepted.Data())

    result = download_file({"url": "https://example.com/a", "location": "/tmp/a"})
    what, request = seen.get()
    assert what == "direct" and isinstance(request, DownloadFileRequest)
    assert result == {"success": True, "error": None, "data": {"is_accepted": True}}
    # sio-asyncapi's wrapper also took the payload as ``request=``
    assert download_file(request={"url": "https://example.com/b", "location": "/tmp/b"})
    assert isinstance(seen.get()[1], DownloadFileRequest)
    assert download_file({"url": "https://example.com/c", "location": "/none"}) is None
    seen.get()

    with pytest.raises(RequestValidationError) as invalid:
        download_file({"url": SECRET, "location": "/tmp/a"})
    assert invalid.value.event == "download_file" and invalid.value.namespace == "/"
    assert [e["loc"] for e in invalid.value.errors()] == [["url"]]
    assert SECRET not in str(invalid.value) and SECRET not in invalid.value.json()
    assert invalid.value.model is DownloadFileRequest
    assert seen.items.empty()  # the handler did not run

    with pytest.raises(ResponseValidationError) as bad_ack:
        download_file({"url": "https://example.com/d", "location": "/bad-ack"})
    assert bad_ack.value.errors()[0]["loc"] == ["data", "is_accepted"]
    assert bad_ack.value.model is DownloadAccepted
    seen.get()


def test_direct_calls_of_catch_all_and_several_argument_handlers() -> None:
    sio = AsyncAPISocketIO(flask.Flask(__name__), async_mode="threading")

    @sio.on("*", get_from_typehint=True)
    def any_event(event: str, node: TreeNode) -> None:
        assert isinstance(node, TreeNode)

    @sio.on("pair", request_model=[TreeNode, Answer])
    def pair(node: Any, answer: Any) -> tuple[str, bool]:
        return node.name, answer.ok

    assert any_event("whatever", {"name": "n"}) is None
    with pytest.raises(RequestValidationError) as invalid:
        any_event("whatever", {"children": []})
    assert invalid.value.errors()[0]["loc"] == ["name"]
    assert pair({"name": "a"}, {"ok": "true"}) == ("a", True)
    assert pair({"name": "a"}, answer={"ok": False}) == ("a", False)
    with pytest.raises(RequestValidationError) as second:
        pair({"name": "a"}, {"ok": "perhaps"})
    assert second.value.errors()[0]["loc"] == [1, "ok"]  # the 0-based argument first
    assert second.value.model is None  # several arguments: no one model


def test_direct_calls_without_validation_pass_values_through(seen: Recorder) -> None:
    sio = AsyncAPISocketIO(flask.Flask(__name__), async_mode="threading", validate=False)

    @sio.on("download_file", get_from_typehint=True)
    def download_file(request: Any) -> DownloadAccepted:
        return DownloadAccepted(data=DownloadAccepted.Data(is_accepted=request == "yes"))

    # nothing validated; a returned model is what the client would get: an object
    assert download_file("yes") == {"success": True, "error": None, "data": {"is_accepted": True}}


def test_decorated_handlers_are_validated_once_on_the_server(
    client: socketio.Client, seen: Recorder
) -> None:
    """The server calls the user's function (validated by the hooks), not the
    validating function ``@socketio.on`` returns; stacked decorators register the
    same function for both events."""
    VALIDATIONS.clear()
    assert client.call("ping_a", {"seen": 1}, timeout=5) == {"seen": 1}
    assert client.call("ping_b", {"seen": 2}, timeout=5) == {"seen": 2}
    validated = list(VALIDATIONS)
    first, second = seen.get(), seen.get()
    assert (first[0], type(first[1]), first[1].seen) == ("ping", Ping, 1)
    assert (second[0], type(second[1]), second[1].seen) == ("ping", Ping, 2)
    assert validated == [1, 2]  # one validation per message; the ack instance is not redone


def test_the_server_still_answers_with_the_error_handler(
    client: socketio.Client, seen: Recorder
) -> None:
    ack = client.call("download_file", {"url": SECRET, "location": "/tmp/x"}, timeout=5)
    assert ack["kind"] == "RequestValidationError"
    assert SECRET not in json.dumps(ack)
    assert seen.items.empty()
    ok = client.call("download_file", {"url": "https://example.com/x", "location": "/t"}, timeout=5)
    assert ok == {"success": True, "error": None, "data": {"is_accepted": True}}
    assert isinstance(seen.get()[1], DownloadFileRequest)


# -- 8. error attributes read by sio-asyncapi error handlers ------------------------------------


def test_error_handlers_read_errors_json_and_the_original_attributes(
    client: socketio.Client, seen: Recorder
) -> None:
    ack = client.call("download_file", {"url": 7, "location": SECRET, "extra": SECRET}, timeout=5)
    assert ack["kind"] == "RequestValidationError"
    assert ack["errors"] == ack["json"]
    assert ack["count"] == len(ack["errors"]) == 1
    assert ack["errors"][0]["loc"] == ["url"]
    assert ack["model"] == "DownloadFileRequest"
    # parent and raw_errors were pydantic's own errors, which quote the input: not kept
    assert (ack["parent"], ack["raw_errors"]) == (None, None)
    assert SECRET not in json.dumps(ack)

    bad = client.call("download_file", {"url": "https://e.com/", "location": "/bad-ack"}, timeout=5)
    seen.get()
    assert bad["kind"] == "ResponseValidationError"
    assert bad["errors"][0]["loc"] == ["data", "is_accepted"]
    assert bad["model"] == "DownloadAccepted"

    emitted = client.call("emit_bad", timeout=5)
    assert emitted["kind"] == "EmitValidationError"
    assert emitted["count"] == 1 and SECRET not in json.dumps(emitted)
    assert emitted["model"] == "QueueModel"
    assert client.received.empty()  # nothing invalid was sent


# -- 5. pydantic.v1 models ----------------------------------------------------------------------


with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from pydantic.v1 import AnyUrl as AnyUrlV1
    from pydantic.v1 import Field as FieldV1


class OldPart(BaseModelV1):
    size: int = FieldV1(..., example=3)


class OldRequest(BaseModelV1):
    """A request written for sio-asyncapi with pydantic.v1"""

    url: AnyUrlV1 = FieldV1(..., description="URL to download", example="https://e.com/x")
    part: OldPart
    parts: list[OldPart] = []


class OldAck(BaseModelV1):
    accepted: bool = FieldV1(..., example=True)


@pytest.fixture(scope="module")
def old_models() -> Iterator[tuple[AsyncAPISocketIO, str, Recorder]]:
    app = flask.Flask(__name__)
    sio = AsyncAPISocketIO(app, async_mode="threading", title="Old models")
    got = Recorder()

    @sio.doc_emit("part_seen", OldPart)
    @sio.on("old", get_from_typehint=True)
    def old(request: OldRequest) -> OldAck:
        """Take a request made of pydantic.v1 models."""
        got.put("old", request)
        sio.emit("part_seen", OldPart(size=request.part.size))  # works outside a request too
        return OldAck(accepted=request.part.size > 0)

    @sio.on("old_explicit", request_model=OldRequest, response_model=OldAck)
    def old_explicit(request: Any) -> Any:
        got.put("old_explicit", request)
        return {"accepted": "maybe"}

    sio.direct = {"old": old, "old_explicit": old_explicit}  # type: ignore[attr-defined]
    sio.got = got  # type: ignore[attr-defined]
    with run_flask_socketio(app, sio) as port:
        yield sio, url(port), got


def test_pydantic_v1_models_are_validated_on_a_real_server(
    old_models: tuple[AsyncAPISocketIO, str, Recorder],
) -> None:
    _, base, got = old_models
    client = socketio.Client(reconnection=False)
    received: queue.Queue[tuple[str, Any]] = queue.Queue()
    client.on("*", lambda event, *args: received.put((event, args)))
    client.connect(base, transports=["websocket"], wait_timeout=5)
    try:
        payload = {"url": "https://e.com/a", "part": {"size": "4"}}
        assert client.call("old", payload, timeout=5) == {"accepted": True}
        what, request = got.get()
        assert what == "old" and isinstance(request, OldRequest)
        assert request.part == OldPart(size=4)  # the v1 model reached the handler, coerced
        assert received.get(timeout=5) == ("part_seen", ({"size": 4},))

        bad = client.call("old", {"url": SECRET, "part": {"size": "x"}, SECRET: 1}, timeout=5)
        assert bad["error"] == "validation_error"
        assert sorted(tuple(d["loc"]) for d in bad["detail"]) == [("part", "size"), ("url",)]
        assert SECRET not in json.dumps(bad)
        assert got.items.empty()  # the handler did not run

        wrong_ack = client.call("old_explicit", payload, timeout=5)
        assert wrong_ack["error"] == "internal_error"  # an invalid v1 ack is not sent
        assert isinstance(got.get()[1], OldRequest)
    finally:
        client.disconnect()


def test_pydantic_v1_models_are_documented_and_validated_in_direct_calls(
    old_models: tuple[AsyncAPISocketIO, str, Recorder],
) -> None:
    sio, _, _ = old_models
    doc = sio.spec.asyncapi()
    schemas = doc["components"]["schemas"]
    messages = doc["channels"]["root_old"]["messages"]
    assert messages["old"]["payload"] == {"$ref": "#/components/schemas/OldRequest"}
    assert messages["ack"]["payload"] == {"$ref": "#/components/schemas/OldAck"}
    assert schemas["OldRequest"]["properties"]["part"] == {"$ref": "#/components/schemas/OldPart"}
    assert schemas["OldRequest"]["properties"]["url"]["description"] == "URL to download"
    assert messages["old"]["examples"]  # built from the v1 Field(example=...) values
    result = asyncapi_validate(doc)
    assert (result.errors, result.warnings) == (0, 0), result.messages("error")

    by_name = {e["name"]: e for e in sio.get_agent_schema()["events"]}
    assert by_name["old"]["input_schema_component"] == "OldRequest"
    assert by_name["old"]["input_schema"]["properties"]["part"]["title"] == "OldPart"
    assert by_name["old"]["ack_schema_component"] == "OldAck"
    assert not has_ref(by_name["old"])

    old = sio.direct["old"]  # type: ignore[attr-defined]
    assert old({"url": "https://e.com/b", "part": {"size": 2}}) == {"accepted": True}
    got = sio.got  # type: ignore[attr-defined]
    assert isinstance(got.get()[1], OldRequest)
    with pytest.raises(RequestValidationError) as invalid:
        old({"url": SECRET, "part": {"size": 1}})
    assert invalid.value.errors()[0]["loc"] == ["url"] and SECRET not in str(invalid.value)
    with pytest.raises(ResponseValidationError):
        sio.direct["old_explicit"]({"url": "https://e.com/c", "part": {"size": 1}})  # type: ignore[attr-defined]
    got.get()


def test_pydantic_v1_models_inside_other_types_are_refused_at_registration() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydantic warns about the mix itself

        class NewWithOld(BaseModel):
            inner: list[OldPart]

    sio = AsyncAPISocketIO(flask.Flask(__name__), async_mode="threading")

    def handler(data: list[OldPart]) -> None:
        return None

    cases: list[Any] = [
        lambda: sio.on("a", request_model=list[OldPart])(handler),
        lambda: sio.on("b", response_model=Optional[OldPart])(lambda: None),  # noqa: UP045
        lambda: sio.on("c", get_from_typehint=True)(handler),
        lambda: sio.on("d", request_model=NewWithOld)(handler),
        lambda: sio.on("e", request_model=[OldPart, list[OldPart]])(handler),
        lambda: sio.doc_emit("f", list[OldPart]),
    ]
    for case in cases:
        with pytest.raises(SpecError) as refused:
            case()
        message = str(refused.value)
        assert "OldPart is a pydantic.v1 model" in message and "on its own" in message
        assert "from pydantic import BaseModel" in message
    assert [event for event, _, _ in sio.handlers] == []  # nothing was registered
    assert sio.spec.asyncapi()["operations"] == {}


def test_pydantic_v1_models_inside_other_types_fail_the_core_document() -> None:
    sio = socketio.Server()
    spec = SocketIOSpec(sio)

    @sio.event
    def legacy(sid: str, data: list[OldPart]) -> None:
        return None

    with pytest.raises(SpecError, match=r"OldPart is a pydantic\.v1 model"):
        spec.asyncapi()


# -- 6. doc_emit twice ----------------------------------------------------------------------------


def test_documenting_the_same_emit_twice_raises_value_error() -> None:
    sio = AsyncAPISocketIO(flask.Flask(__name__), async_mode="threading")
    sio.doc_emit("status", QueueModel)
    with pytest.raises(ValueError, match="status"):
        sio.doc_emit("status", TreeNode)
    sio.doc_emit("status", TreeNode, namespace="/other")  # another namespace is fine
    with pytest.raises(ValueError):
        sio.doc_emit("status", TreeNode, namespace="/other")
    channels = sio.spec.asyncapi()["channels"]
    assert channels["root_status"]["messages"]["status"]["payload"]["$ref"].endswith("/QueueModel")


# -- on Flask-SocketIO's test client ---------------------------------------------------------------


def test_the_flask_test_client_sees_the_same_behaviour(seen: Recorder) -> None:
    app, sio = build(seen)
    client = sio.test_client(app)
    good = client.emit(
        "download_file", {"url": "https://example.com/a", "location": "/a"}, callback=True
    )
    assert good == {"success": True, "error": None, "data": {"is_accepted": True}}
    assert isinstance(seen.get()[1], DownloadFileRequest)
    bad = client.emit("download_file", {"url": SECRET, "location": "/a"}, callback=True)
    assert bad["error"] == "validation_error" and SECRET not in json.dumps(bad)
    client.emit("get_download_list")
    received = client.get_received()
    assert received == [
        {
            "name": "current_list",
            "args": [{"downloader_queue": ["https://example.com/a.jpg"]}],
            "namespace": "/",
        }
    ]
    client.disconnect()


# -- the tic-tac-toe example, headless ----------------------------------------------------


@pytest.mark.parametrize("how", ["--port", "PORT"])
def test_tictactoe_launcher_runs_headless_with_its_docs(how: str) -> None:
    committed = (TICTACTOE / "chat_gpt_asyncapi.yaml").read_bytes()
    port = free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    args = [sys.executable, str(TICTACTOE / "serve.py")]
    if how == "PORT":
        env["PORT"] = str(port)
    else:
        args += ["--port", str(port)]
    proc = subprocess.Popen(
        args,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,  # no terminal
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        docs = f"http://127.0.0.1:{port}/asyncapi"
        assert proc.stdout.readline().strip() == f"AsyncAPI docs: {docs}"

        def served() -> requests.Response | None:
            if proc.poll() is not None:
                raise AssertionError(f"serve.py exited with {proc.returncode}")
            try:
                return requests.get(f"{docs}.json", timeout=2)
            except requests.ConnectionError:
                return None

        document = wait_for(served, timeout=20, interval=0.1)
        assert document.status_code == 200
        assert document.json()["asyncapi"] == "3.1.0"
        page = requests.get(docs, timeout=5)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        yaml = requests.get(f"{docs}.yaml", timeout=5).text
        assert yaml == committed.decode("utf-8")

        player = socketio.Client(reconnection=False)
        events: queue.Queue[tuple[str, Any]] = queue.Queue()
        player.on("*", lambda event, *a: events.put((event, a)))
        player.connect(url(port), transports=["websocket"], wait_timeout=5)
        try:
            player.emit("create_game")
            assert events.get(timeout=5) == ("game_created", ({"game_id": 1},))
            ack = player.call("make_move", {"game_id": 1, "x": 0, "y": 0}, timeout=5)
            assert ack is None  # the post's make_move returns nothing
            assert events.get(timeout=5)[0] == "move_made"
        finally:
            player.disconnect()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    assert (TICTACTOE / "chat_gpt_asyncapi.yaml").read_bytes() == committed

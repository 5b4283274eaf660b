"""The AsyncAPI document built from declarations, without a running server.

Specs here have no server, or an un-started ``socketio.Server`` /
``socketio.AsyncServer``: building the document needs neither a socket nor an
event loop. The official parser checks the same documents in ``test_asyncapi.py``.
"""

from __future__ import annotations

import ast
import pathlib
from typing import Any

import jsonschema
import pytest
import socketio
from pydantic import BaseModel, Field

import sio_spec
from sio_spec import EventSpec, Info, SioSpecError, SocketIOSpec, SpecError
from sio_spec.asyncapi import VERSIONS, build
from sio_spec.asyncapi.titles import name_types
from sio_spec.error_acks import (
    SioSpecInternalError,
    SioSpecValidationError,
    error_ack_schema,
    error_ack_schemas,
    internal_error_ack,
    validation_error_ack,
)
from sio_spec.errors import RequestValidationError, ResponseValidationError
from sio_spec.pipeline import error_payload
from sio_spec.web.page import DocsRoutes, DocumentProvider

PACKAGE = pathlib.Path(sio_spec.__file__).parent


class Move(BaseModel):
    """A move on the board."""

    x: int = Field(examples=[1])
    y: int = Field(examples=[2])


class Tick(BaseModel):
    n: int


class Auth(BaseModel):
    token: str


def game_spec(**options: Any) -> SocketIOSpec:
    sio = socketio.AsyncServer()
    spec = SocketIOSpec(sio, title="Game", version="2.0.0", **options)

    @sio.on("move")
    async def move(sid: str, data: Move) -> Move:
        """Make a move."""
        return data

    @sio.on("join", namespace="/lobby")
    async def join(sid: str, room: str, active: bool = False) -> None:
        pass

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Auth) -> None:
        pass

    spec.emits("tick", Tick, ack=Tick)
    return spec


def resolve(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


# -- structure -------------------------------------------------------------------------------


def test_a_spec_without_server_documents_its_emits() -> None:
    spec = SocketIOSpec(title="Feed", version="1.0.0")
    spec.emits("tick", Tick, namespace="/feed", summary="Every second.")
    doc = spec.asyncapi()
    assert doc["asyncapi"] == "3.0.0"
    assert doc["info"] == {"title": "Feed", "version": "1.0.0"}
    assert doc["channels"]["feed"]["address"] == "/feed"
    operation = doc["operations"]["feed.tick.send"]
    assert operation["action"] == "send"
    assert operation["summary"] == "Every second."
    message = resolve(doc, operation["messages"][0])
    assert message["payload"] == {"$ref": "#/components/schemas/Tick"}
    assert doc["components"]["schemas"]["Tick"]["required"] == ["n"]


def test_handlers_of_an_unstarted_server_become_receive_operations() -> None:
    doc = game_spec().asyncapi()
    # a channel per namespace (its description and connect auth) and one per event
    assert set(doc["channels"]) == {"root", "root_move", "root_tick", "lobby", "lobby_join"}
    assert set(doc["operations"]) == {
        "root.move.receive",
        "root.tick.send",
        "lobby.join.receive",
    }
    move = doc["operations"]["root.move.receive"]
    assert move["action"] == "receive"
    assert move["summary"] == "Make a move."
    replies = [resolve(doc, r)["title"] for r in move["reply"]["messages"]]
    assert replies == [
        "Acknowledgement for move",
        "Validation error for move",
        "Internal error for move",
    ]
    message = doc["channels"]["root_move"]["messages"]["move"]
    assert message["examples"] == [{"payload": {"x": 1, "y": 2}}]
    assert doc["channels"]["root"]["x-connect-auth"] == {"$ref": "#/components/schemas/Auth"}


def test_several_arguments_are_a_tuple_payload() -> None:
    doc = game_spec().asyncapi()
    message = doc["channels"]["lobby_join"]["messages"]["join"]
    assert message["x-sio-spec-arguments"] == ["room", "active"]
    payload = resolve(doc, message["payload"])
    assert payload["type"] == "array"
    assert payload["items"] == [{"type": "string"}, {"type": "boolean"}]
    assert (payload["minItems"], payload["maxItems"], payload["additionalItems"]) == (1, 2, False)
    ack = doc["channels"]["lobby_join"]["messages"]["ack"]
    assert "payload" not in ack  # -> None: an empty acknowledgement
    assert ack["x-sio-spec-arguments"] == []


def test_version_2_6_uses_publish_subscribe_and_x_ack() -> None:
    doc = game_spec().asyncapi("2.6.0")
    assert doc["asyncapi"] == "2.6.0"
    root = doc["channels"]["/"]
    assert root["publish"]["message"] == {"$ref": "#/components/messages/root.move"}
    assert root["subscribe"]["message"] == {"$ref": "#/components/messages/root.tick"}
    tick = doc["components"]["messages"]["root.tick"]
    assert tick["x-ack"]["payload"] == {"$ref": "#/components/schemas/Tick"}
    move_acks = doc["components"]["messages"]["root.move"]["x-ack"]["oneOf"]
    assert move_acks[1]["payload"] == {"$ref": "#/components/schemas/SioSpecValidationError"}


@pytest.mark.parametrize("version", VERSIONS)
def test_every_version_is_built_and_cached_until_a_handler_changes(version: str) -> None:
    sio = socketio.Server()
    spec = SocketIOSpec(sio)

    @sio.on("move")
    def move(sid: str, data: Move) -> None:
        pass

    first = spec.asyncapi(version)
    assert first["asyncapi"] == version
    assert spec.asyncapi(version) is first

    @sio.on("undo")
    def undo(sid: str) -> None:
        pass

    assert spec.asyncapi(version) is not first


def test_info_and_servers_from_info() -> None:
    info = Info(
        title="T",
        version="1",
        description="About.",
        servers="wss://api.example.com",
        license={"name": "MIT"},
        tags=("games",),
    )
    v3 = build(info, [], version="3.0.0")
    assert v3["info"] == {
        "title": "T",
        "version": "1",
        "description": "About.",
        "license": {"name": "MIT"},
        "tags": [{"name": "games"}],
    }
    server = v3["servers"]["production"]
    assert (server["host"], server["pathname"], server["protocol"]) == (
        "api.example.com",
        "/socket.io",
        "wss",
    )
    assert server["x-sio-spec-protocol"]["name"] == "socket.io"
    v2 = build(info, [], version="2.6.0")
    assert v2["servers"]["production"]["url"] == "wss://api.example.com/socket.io"
    assert v2["tags"] == [{"name": "games"}] and "tags" not in v2["info"]


def test_build_reads_plain_event_specs() -> None:
    spec = EventSpec(namespace="/", event="ping", direction="send", args=None)
    doc = build(Info(title="T", version="1"), [spec])
    assert doc["operations"]["root.ping.send"]["action"] == "send"
    assert "payload" not in doc["channels"]["root_ping"]["messages"]["ping"]


def test_unknown_versions_and_bad_examples_raise_spec_errors() -> None:
    with pytest.raises(SpecError, match="unknown AsyncAPI version"):
        build(Info(title="T", version="1"), [], version="4.0.0")
    with pytest.raises(SpecError, match="asyncapi_version"):
        SocketIOSpec(asyncapi_version="1.0.0")
    spec = SocketIOSpec(socketio.Server())
    spec.emits("tick", Tick, examples=[{"n": "many"}])
    with pytest.warns(UserWarning, match="tick"):  # left out of the document, with a warning
        doc = spec.asyncapi()
    assert "examples" not in doc["channels"]["root_tick"]["messages"]["tick"]
    with pytest.raises(SpecError, match="tick") as exc:
        build(Info(title="T", version="1"), spec.specs(), strict=True)
    assert isinstance(exc.value, SioSpecError)


# -- the error acks --------------------------------------------------------------------------


def test_error_components_are_the_models_schemas() -> None:
    doc = game_spec().asyncapi()
    schemas = doc["components"]["schemas"]
    # as the models give them, each type titled and a const as its one-value enum
    titled = name_types(error_ack_schemas())
    for name in ("SioSpecValidationError", "SioSpecErrorDetail"):
        assert schemas[name] == titled[name]
        assert schemas[name]["title"] == name
    assert schemas["SioSpecValidationError"]["required"] == [
        "error",
        "message",
        "event",
        "namespace",
        "detail",
    ]
    detail = schemas["SioSpecValidationError"]["properties"]["detail"]
    assert detail["items"] == {"$ref": "#/components/schemas/SioSpecErrorDetail"}
    assert error_ack_schema("SioSpecInternalError")["required"] == ["error", "message"]
    assert set(error_ack_schemas()) == {
        "SioSpecErrorDetail",
        "SioSpecValidationError",
        "SioSpecInternalError",
    }


def test_validation_off_documents_no_error_ack() -> None:
    schemas = game_spec(validate=False).asyncapi()["components"]["schemas"]
    assert "SioSpecValidationError" not in schemas
    assert "SioSpecErrorDetail" not in schemas


def test_a_user_model_with_an_error_ack_name_keeps_it() -> None:
    class SioSpecErrorDetail(BaseModel):
        reason: str

    spec = SocketIOSpec(socketio.Server())

    @spec.on("report", request=SioSpecErrorDetail)
    def report(sid: str, data: Any) -> None:
        pass

    doc = spec.asyncapi()
    schemas = doc["components"]["schemas"]
    assert schemas["SioSpecErrorDetail"]["required"] == ["reason"]
    ours = schemas["SioSpecValidationError"]["properties"]["detail"]["items"]
    assert ours == {"$ref": "#/components/schemas/SioSpecErrorDetail_2"}
    assert schemas["SioSpecErrorDetail_2"]["required"] == ["loc", "msg", "type"]


def test_the_acks_sent_match_the_documented_schemas() -> None:
    doc = game_spec().asyncapi()
    rejected = RequestValidationError(
        "move", "/", [{"loc": ["x"], "msg": "Field required", "type": "missing"}]
    )
    sent = error_payload(rejected)
    assert sent == {
        "error": "validation_error",
        "message": "invalid payload for event 'move'",
        "event": "move",
        "namespace": "/",
        "detail": [{"loc": ["x"], "msg": "Field required", "type": "missing"}],
    }
    internal = error_payload(ResponseValidationError("move", "/", []))
    assert internal == {
        "error": "internal_error",
        "message": "the server could not produce a valid ack for event 'move'",
    }
    components = dict(doc["components"]["schemas"], **error_ack_schemas())

    def check(instance: Any, name: str) -> None:
        schema = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": components}}
        jsonschema.Draft7Validator(schema).validate(instance)

    check(sent, "SioSpecValidationError")
    check(internal, "SioSpecInternalError")
    with pytest.raises(jsonschema.ValidationError):
        check(internal, "SioSpecValidationError")
    example = doc["channels"]["root_move"]["messages"]["validation_error"]["examples"][0]["payload"]
    check(example, "SioSpecValidationError")


def test_error_ack_builders_give_plain_data_in_wire_order() -> None:
    sent = validation_error_ack("bad", "e", "/ns", [{"loc": [0, "a"], "msg": "m", "type": "t"}])
    assert list(sent) == ["error", "message", "event", "namespace", "detail"]
    assert sent["detail"] == [{"loc": [0, "a"], "msg": "m", "type": "t"}]
    assert SioSpecValidationError.model_validate(sent).detail[0].loc == [0, "a"]
    assert internal_error_ack("down") == {"error": "internal_error", "message": "down"}
    assert SioSpecInternalError.model_validate({"error": "internal_error", "message": "x"})


def test_every_sio_spec_exception_is_a_sio_spec_error() -> None:
    assert issubclass(sio_spec.ValidationError, SioSpecError)
    assert issubclass(sio_spec.SpecError, SioSpecError)
    for name in ("RequestValidationError", "EmitValidationError", "ClientAckValidationError"):
        assert issubclass(getattr(sio_spec, name), sio_spec.ValidationError)


# -- imports point one way -------------------------------------------------------------------


def imported_modules(
    path: pathlib.Path, *, where: str = "anywhere", type_checking: bool = False
) -> set[str]:
    """Modules ``path`` imports, as absolute names: ``anywhere``, in the module's
    ``body`` only, or inside ``functions``. Imports under ``if TYPE_CHECKING:``
    count only with ``type_checking``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ["sio_spec", *path.relative_to(PACKAGE).parent.parts]
    for node in ast.walk(tree):
        if (
            not type_checking
            and isinstance(node, ast.If)
            and "TYPE_CHECKING" in ast.unparse(node.test)
        ):
            node.body = []
    if where == "body":
        nodes: list[ast.AST] = list(tree.body)
    elif where == "functions":
        functions = (ast.FunctionDef, ast.AsyncFunctionDef)
        nodes = [n for f in ast.walk(tree) if isinstance(f, functions) for n in ast.walk(f)]
    else:
        nodes = list(ast.walk(tree))
    out: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                out.add(".".join(base + ([node.module] if node.module else [])))
            else:
                out.add(node.module or "")
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return out


def test_the_model_module_imports_nothing_of_sio_spec() -> None:
    imported = imported_modules(PACKAGE / "model.py")
    assert imported  # it does import the standard library
    assert not {m for m in imported if m.startswith("sio_spec")}


@pytest.mark.parametrize("module", ["asyncapi/builder.py", "asyncapi/info.py", "web/page.py"])
def test_the_builder_and_the_web_layer_do_not_import_the_spec_class(module: str) -> None:
    imported = imported_modules(PACKAGE / module, type_checking=True)
    assert "sio_spec.model" in imported
    assert "sio_spec.spec" not in imported


def test_the_spec_imports_the_document_builder_at_module_level() -> None:
    spec_py = PACKAGE / "spec.py"
    assert "sio_spec.asyncapi" in imported_modules(spec_py, where="body")
    assert "sio_spec.asyncapi" not in imported_modules(spec_py, where="functions")


# -- anything that gives a document ----------------------------------------------------------


class FixedProvider:
    """A document provider that is not a SocketIOSpec."""

    def asyncapi(self, version: str | None = None) -> dict[str, Any]:
        return {"asyncapi": version or "3.0.0", "info": {"title": "Fixed", "version": "1"}}

    def to_json(self, version: str | None = None, indent: int | None = 2) -> str:
        return '{"asyncapi": "%s"}' % (version or "3.0.0")

    def to_yaml(self, version: str | None = None) -> str:
        return f"asyncapi: {version or '3.0.0'}\n"


def test_the_docs_routes_take_any_document_provider() -> None:
    provider = FixedProvider()
    assert isinstance(provider, DocumentProvider)
    assert isinstance(game_spec(), DocumentProvider)
    routes = DocsRoutes(provider)
    assert routes.respond("yaml", "GET", "version=2.6.0").body == b"asyncapi: 2.6.0\n"
    assert routes.respond("json", "GET", "").body == b'{"asyncapi": "3.0.0"}\n'
    page = routes.respond("html", "GET", "")
    assert page.status == 200 and b"<title>Fixed</title>" in page.body
    assert routes.respond("json", "GET", "version=9.9.9").status == 400


def test_the_docs_routes_refuse_objects_that_give_no_document() -> None:
    with pytest.raises(TypeError, match="expected a SocketIOSpec or an AsyncAPI document"):
        DocsRoutes(object())  # type: ignore[arg-type]

"""``sio-spec diff``: one pair of servers per rule, in both directions and across versions.

Each case builds two python-socketio servers that differ by one change, reads both
documents back as contracts and checks the change found and its severity. Servers
are not started: the document is built from the handlers registered on them.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pytest
import socketio
from pydantic import BaseModel, ConfigDict, Field

from sio_spec import SocketIOSpec
from sio_spec.contract import read_contract
from sio_spec.diff import RULES, Change, diff_contracts, render_json, render_markdown

Build = Callable[[socketio.AsyncServer, SocketIOSpec], None]
VERSIONS = ("3.0.0", "3.1.0", "2.6.0")


def contract(build: Build, version: str = "3.0.0") -> Any:
    sio = socketio.AsyncServer()
    spec = SocketIOSpec(sio, title="API", version="1")
    build(sio, spec)
    return read_contract(spec.asyncapi(version))


def changes(old: Build, new: Build, versions: tuple[str, str] = ("3.0.0", "3.0.0")) -> list[Change]:
    return diff_contracts(contract(old, versions[0]), contract(new, versions[1]))


def kinds(found: list[Change]) -> set[tuple[str, str]]:
    return {(c.kind, c.severity) for c in found}


# -- models ------------------------------------------------------------------------------------


class A(BaseModel):
    a: int


class AB(BaseModel):
    a: int
    b: int


class ABOpt(BaseModel):
    a: int
    b: int = 0


class AIntStr(BaseModel):
    a: int | str


class ANullable(BaseModel):
    a: int | None


class Kind2(BaseModel):
    a: Literal["x", "y"]


class Kind1(BaseModel):
    a: Literal["x"]


class When(BaseModel):
    a: datetime.datetime


class AStr(BaseModel):
    a: str


class Short(BaseModel):
    a: str = Field(max_length=5)


class Long(BaseModel):
    a: str = Field(max_length=10)


class Patterned(BaseModel):
    a: str = Field(pattern="^[a-z]+$")


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    a: int


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool


class Pets(BaseModel):
    pet: Cat | Dog = Field(discriminator="kind")


class CatsOnly(BaseModel):
    pet: Cat


class Ints(BaseModel):
    a: list[int]


class Strs(BaseModel):
    a: list[str]


class Renamed(BaseModel):
    a: int


class Node(BaseModel):
    name: str
    children: list[Node] = []


class Node2(BaseModel):
    name: str
    children: list[Node2] = []
    weight: int


# -- builders ------------------------------------------------------------------------------------


def receives(model: Any) -> Build:
    """A server whose handler for ``e`` takes ``model``."""

    def build(sio: socketio.AsyncServer, spec: SocketIOSpec) -> None:
        @spec.on("e", request=model)
        async def e(sid: str, data: Any) -> None:
            return None

    return build


def sends(model: Any) -> Build:
    """A server that emits ``e`` with ``model``."""

    def build(sio: socketio.AsyncServer, spec: SocketIOSpec) -> None:
        spec.emits("e", model)

    return build


def sends_schema(model: Any) -> Build:
    """A server that emits ``e`` with the validation-mode JSON Schema of ``model``:
    documents describe what the server sends in serialization mode, where every field
    with a default is always present, so optional fields are written as schemas."""
    return sends(model.model_json_schema())


SCHEMA_CASES = [
    # (old, new, kind, severity when the client sends, severity when the server sends)
    (A, AB, "property-added-required", "breaking", "non-breaking"),
    (A, ABOpt, "property-added-optional", "non-breaking", "non-breaking"),
    (AB, A, "property-removed", "warning", "breaking"),
    (ABOpt, AB, "property-required", "breaking", "non-breaking"),
    (AB, ABOpt, "property-optional", "non-breaking", "breaking"),
    (AIntStr, A, "type-narrowed", "breaking", "non-breaking"),
    (A, AIntStr, "type-widened", "non-breaking", "breaking"),
    (ANullable, A, "nullable-removed", "breaking", "non-breaking"),
    (A, ANullable, "nullable-added", "non-breaking", "breaking"),
    (Kind2, Kind1, "enum-narrowed", "breaking", "non-breaking"),
    (Kind1, Kind2, "enum-widened", "non-breaking", "breaking"),
    (AStr, When, "format-added", "breaking", "non-breaking"),
    (When, AStr, "format-removed", "non-breaking", "breaking"),
    (Long, Short, "constraint-tightened", "breaking", "non-breaking"),
    (Short, Long, "constraint-loosened", "non-breaking", "breaking"),
    (AStr, Patterned, "constraint-tightened", "breaking", "non-breaking"),
    (A, Closed, "additional-properties-forbidden", "breaking", "non-breaking"),
    (Closed, A, "additional-properties-allowed", "non-breaking", "breaking"),
    (Pets, CatsOnly, "union-member-removed", "breaking", "non-breaking"),
    (CatsOnly, Pets, "union-member-added", "non-breaking", "breaking"),
    (Ints, Strs, "type-narrowed", "breaking", "non-breaking"),
]


@pytest.mark.parametrize(
    ("old", "new", "kind", "client", "server"),
    SCHEMA_CASES,
    ids=[f"{c[2]}-{c[0].__name__}-{c[1].__name__}" for c in SCHEMA_CASES],
)
def test_schema_rule_by_direction(old: Any, new: Any, kind: str, client: str, server: str) -> None:
    found_in = changes(receives(old), receives(new))
    assert (kind, client) in kinds(found_in), found_in
    assert all(c.direction == "client-to-server" and c.event == "e" for c in found_in)
    found_out = changes(sends_schema(old), sends_schema(new))
    assert (kind, server) in kinds(found_out), found_out
    assert all(c.direction == "server-to-client" for c in found_out)


@pytest.mark.parametrize("versions", [("2.6.0", "3.0.0"), ("3.1.0", "2.6.0"), ("3.0.0", "3.1.0")])
def test_rules_hold_across_versions(versions: tuple[str, str]) -> None:
    found = changes(receives(A), receives(AB), versions)
    assert kinds(found) == {("property-added-required", "breaking")}
    path = next(iter(found)).path
    assert path.endswith("b")


def test_same_server_in_every_version_is_no_change() -> None:
    build = _feature_complete
    for old in VERSIONS:
        for new in VERSIONS:
            assert changes(build, build, (old, new)) == [], (old, new)


def test_renamed_component_with_the_same_shape_is_no_change() -> None:
    assert changes(receives(A), receives(Renamed)) == []
    assert changes(sends(A), sends(Renamed)) == []


def test_a_field_with_a_default_is_always_sent() -> None:
    # what the server sends is described in serialization mode: a defaulted field is
    # always present, so adding one is "required" for readers (and harmless)
    assert kinds(changes(sends(A), sends(ABOpt))) == {("property-added-required", "non-breaking")}
    assert kinds(changes(receives(A), receives(ABOpt))) == {
        ("property-added-optional", "non-breaking")
    }


def test_recursive_models_compare_without_looping() -> None:
    found = changes(receives(Node), receives(Node2))
    assert kinds(found) == {("property-added-required", "breaking")}
    assert {c.path for c in found} == {"payload.weight"}


def test_nested_path_through_refs() -> None:
    class Outer(BaseModel):
        inner: A

    class Outer2(BaseModel):
        inner: AB

    found = changes(receives(Outer), receives(Outer2))
    assert [(c.kind, c.path) for c in found] == [("property-added-required", "payload.inner.b")]


# -- arguments, events, namespaces, auth, acks -----------------------------------------------------


def handler(*params: str, ack: Any = None, event: str = "e", namespace: str = "/") -> Build:
    """A handler ``e(sid, <params>)``; each param is ``name:type`` or ``name:type=default``."""
    annotations: dict[str, Any] = {}
    defaults: list[Any] = []
    names = []
    types = {"int": int, "str": str, "bytes": bytes}
    for param in params:
        name, _, rest = param.partition(":")
        typ, eq, default = rest.partition("=")
        if typ:
            annotations[name] = types[typ]
        names.append(name)
        if eq:
            defaults.append(types[typ](default))
    source = f"async def h(sid, {', '.join(names)}):\n    return None\n"
    scope: dict[str, Any] = {}
    exec(source, scope)
    func = scope["h"]
    func.__annotations__ = dict(annotations, **({"return": ack} if ack is not None else {}))
    func.__defaults__ = tuple(defaults) or None

    def build(sio: socketio.AsyncServer, spec: SocketIOSpec) -> None:
        sio.on(event, func, namespace=namespace)

    return build


ARGUMENT_CASES = [
    (handler("a:int"), handler("a:int", "b:int"), "argument-added-required", "breaking"),
    (handler("a:int"), handler("a:int", "b:int=0"), "argument-added-optional", "non-breaking"),
    (handler("a:int", "b:int"), handler("a:int"), "argument-removed", "breaking"),
    (handler("a:int", "b:int=0"), handler("a:int", "b:int"), "argument-required", "breaking"),
    (handler("a:int", "b:int"), handler("a:int", "b:int=0"), "argument-optional", "non-breaking"),
    (handler("a:str"), handler("a:bytes"), "binary-changed", "breaking"),
    (handler("a"), handler("a:int"), "arguments-declared", "warning"),
]


@pytest.mark.parametrize(
    ("old", "new", "kind", "severity"), ARGUMENT_CASES, ids=[c[2] for c in ARGUMENT_CASES]
)
def test_client_event_arguments(old: Build, new: Build, kind: str, severity: str) -> None:
    assert (kind, severity) in kinds(changes(old, new))


def emit_args(*models: Any, ack: Any = None, deprecated: bool = False) -> Build:
    def build(sio: socketio.AsyncServer, spec: SocketIOSpec) -> None:
        spec.emits("e", list(models), ack=ack, deprecated=deprecated)

    return build


def test_server_event_arguments() -> None:
    assert ("argument-added-required", "non-breaking") in kinds(
        changes(emit_args(A), emit_args(A, AB))
    )
    assert ("argument-removed", "breaking") in kinds(changes(emit_args(A, AB), emit_args(A)))


def both(*builds: Build) -> Build:
    def build(sio: socketio.AsyncServer, spec: SocketIOSpec) -> None:
        for b in builds:
            b(sio, spec)

    return build


def test_events_and_namespaces_added_and_removed() -> None:
    keep = handler("a:int", event="kept")
    one = both(keep, handler("a:int"))
    assert kinds(changes(one, keep)) == {("event-removed", "breaking")}
    assert kinds(changes(keep, one)) == {("event-added", "non-breaking")}
    assert kinds(changes(both(keep, sends(A)), keep)) == {("event-removed", "warning")}
    assert kinds(changes(keep, both(keep, sends(A)))) == {("event-added", "non-breaking")}
    other = both(keep, handler("a:int", namespace="/other"))
    assert kinds(changes(other, keep)) == {("namespace-removed", "breaking")}
    assert kinds(changes(keep, other)) == {("namespace-added", "non-breaking")}


def test_deprecation_is_a_warning() -> None:
    found = changes(emit_args(A), emit_args(A, deprecated=True))
    assert kinds(found) == {("event-deprecated", "warning")}


class Auth(BaseModel):
    token: str


class Auth2(BaseModel):
    token: str
    tenant: str


def with_auth(model: Any) -> Build:
    def build(sio: socketio.AsyncServer, spec: SocketIOSpec) -> None:
        if model is None:

            @sio.event
            async def connect(sid: str, environ: dict[str, Any]) -> None:
                return None

        else:

            async def connect(sid: str, environ: dict[str, Any], auth: Any) -> None:
                return None

            connect.__annotations__["auth"] = model
            sio.on("connect", connect)

    return build


def test_connect_auth_added_removed_changed() -> None:
    assert ("auth-added", "breaking") in kinds(changes(with_auth(None), with_auth(Auth)))
    assert ("auth-removed", "non-breaking") in kinds(changes(with_auth(Auth), with_auth(None)))
    found = changes(with_auth(Auth), with_auth(Auth2))
    assert [(c.kind, c.severity, c.path) for c in found] == [
        ("property-added-required", "breaking", "auth.tenant")
    ]


def test_handler_acks() -> None:
    # every handler answers an ack when asked; a return annotation declares it (and
    # the internal_error ack that replaces an invalid one)
    assert kinds(changes(handler("a:int"), handler("a:int", ack=A))) == {
        ("arguments-declared", "non-breaking"),
        ("error-ack-added", "warning"),
    }
    assert kinds(changes(handler("a:int", ack=A), handler("a:int"))) == {
        ("arguments-undeclared", "warning"),
        ("error-ack-removed", "non-breaking"),
    }
    found = changes(handler("a:int", ack=AB), handler("a:int", ack=A))
    assert [(c.kind, c.severity, c.path) for c in found] == [
        ("property-removed", "breaking", "ack.b")
    ]


def test_client_replies_to_server_calls() -> None:
    assert ("ack-added", "breaking") in kinds(changes(emit_args(A), emit_args(A, ack=A)))
    assert ("ack-removed", "non-breaking") in kinds(changes(emit_args(A, ack=A), emit_args(A)))
    found = changes(emit_args(A, ack=A), emit_args(A, ack=AB))
    assert ("property-added-required", "breaking") in kinds(found)


def test_every_rule_has_a_severity_for_both_senders() -> None:
    for rule in RULES.values():
        assert rule.when_client_sends in ("breaking", "warning", "non-breaking")
        assert rule.when_server_sends in ("breaking", "warning", "non-breaking")


# -- output and the command ------------------------------------------------------------------------


def _feature_complete(sio: socketio.AsyncServer, spec: SocketIOSpec) -> None:
    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Auth) -> None:
        return None

    @sio.on("pets")
    async def pets(sid: str, pets: Pets, note: str = "") -> A:
        return A(a=1)

    @sio.on("tree", namespace="/trees")
    async def tree(sid: str, node: Node) -> None:
        return None

    @sio.on("blob")
    async def blob(sid: str, data: bytes) -> None:
        return None

    spec.emits("closed", Closed, ack=When)
    spec.emits("nothing", [])


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sio_spec", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _save(build: Build, path: Path, version: str = "3.0.0") -> None:
    sio = socketio.AsyncServer()
    spec = SocketIOSpec(sio, title="API", version="1")
    build(sio, spec)
    spec.save(path, version)


def test_markdown_and_json_shapes() -> None:
    found = changes(receives(A), receives(AB)) + changes(sends(AB), sends(ABOpt))
    data = json.loads(render_json(found))
    assert set(data) == {"changes"}
    for item in data["changes"]:
        assert set(item) == {
            "severity",
            "kind",
            "namespace",
            "event",
            "direction",
            "path",
            "message",
        }
    md = render_markdown(found)
    assert md.startswith("## AsyncAPI contract changes")
    assert "### Breaking (" in md and "| namespace | event | direction | path | change |" in md


def test_cli_files_exit_codes_and_formats(tmp_path: Path) -> None:
    _save(receives(A), tmp_path / "old.yaml", "2.6.0")
    _save(receives(AB), tmp_path / "new.json", "3.1.0")
    done = _run("diff", "old.yaml", "new.json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "namespace /, event e (client-to-server)" in done.stdout
    assert "breaking" in done.stdout and "property-added-required" in done.stdout
    assert _run("diff", "old.yaml", "new.json", "--fail-on", "none", cwd=tmp_path).returncode == 0
    as_json = _run("diff", "old.yaml", "new.json", "--format", "json", cwd=tmp_path)
    assert json.loads(as_json.stdout)["changes"][0]["kind"] == "property-added-required"
    same = _run("diff", "old.yaml", "old.yaml", cwd=tmp_path)
    assert same.returncode == 0 and "No changes." in same.stdout
    _save(receives(ABOpt), tmp_path / "opt.yaml")
    warn = _run("diff", "old.yaml", "opt.yaml", "--fail-on", "warning", cwd=tmp_path)
    assert warn.returncode == 0, warn.stdout  # only a non-breaking change


def test_cli_target_source(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import socketio\nfrom pydantic import BaseModel\nfrom sio_spec import SocketIOSpec\n"
        "sio = socketio.AsyncServer()\nspec = SocketIOSpec(sio)\n"
        "class M(BaseModel):\n    a: int\n    b: int\n"
        "@sio.on('e')\nasync def e(sid, m: M) -> None:\n    return None\n"
    )
    _save(receives(A), tmp_path / "old.yaml")
    done = _run("diff", "old.yaml", "app.py:spec", cwd=tmp_path)
    assert done.returncode == 1 and "property-added-required" in done.stdout, done.stderr


def test_cli_git_sources(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "ci@example.invalid")
    git("config", "user.name", "CI")
    _save(receives(AB), tmp_path / "asyncapi.yaml")
    git("add", "asyncapi.yaml")
    git("commit", "-q", "-m", "contract")
    _save(receives(A), tmp_path / "asyncapi.yaml")
    done = _run("diff", "git:HEAD:asyncapi.yaml", "asyncapi.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr  # a removed field clients send: warning
    assert "property-removed" in done.stdout
    assert (
        _run(
            "diff", "git:HEAD:asyncapi.yaml", "asyncapi.yaml", "--fail-on", "warning", cwd=tmp_path
        ).returncode
        == 1
    )
    bad = _run("diff", "git:no-such-ref:asyncapi.yaml", "asyncapi.yaml", cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "no-such-ref" in bad.stderr


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("asyncapi: [unclosed\n")
    (tmp_path / "other.yaml").write_text("openapi: 3.0.0\n")
    _save(receives(A), tmp_path / "ok.yaml")
    for args in (
        ("missing.yaml", "ok.yaml"),
        ("broken.yaml", "ok.yaml"),
        ("other.yaml", "ok.yaml"),
        ("ok.yaml", "nomodule_xyz:spec"),
    ):
        done = _run("diff", *args, cwd=tmp_path)
        assert done.returncode == 2, (args, done.stdout)
        assert done.stderr.startswith("sio-spec: error: ") and done.stderr.count("\n") == 1
        assert "Traceback" not in done.stderr


# -- check --against -----------------------------------------------------------------------------

APP = """
import socketio
from pydantic import BaseModel
from sio_spec import SocketIOSpec

sio = socketio.AsyncServer()
spec = SocketIOSpec(sio)

class M(BaseModel):
    a: int

class Ack(BaseModel):
    ok: bool

@sio.on("e")
async def e(sid, m: M) -> Ack:
    return Ack(ok=True)

spec.emits("news", M)
"""


def test_check_against_agreeing_and_disagreeing(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)

    def contract_with(*builds: Build) -> Build:
        def build(sio: socketio.AsyncServer, spec: SocketIOSpec) -> None:
            class M(BaseModel):
                a: int

            class Ack(BaseModel):
                ok: bool

            async def e(sid: str, m: Any) -> Any:
                return None

            e.__annotations__.update(m=M, **{"return": Ack})
            sio.on("e", e)
            spec.emits("news", M)
            for b in builds:
                b(sio, spec)

        return build

    _save(contract_with(), tmp_path / "same.yaml", "2.6.0")
    ok = _run("check", "app.py:spec", "--against", "same.yaml", cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr

    # the contract documents a client event the code does not handle
    _save(contract_with(handler("x:int", event="missing")), tmp_path / "more.yaml")
    more = _run("check", "app.py:spec", "--against", "more.yaml", cwd=tmp_path)
    assert more.returncode == 1
    assert "event missing (client-to-server)" in more.stdout and "event-removed" in more.stdout

    # the contract lacks an event the code handles
    (tmp_path / "app2.py").write_text(
        APP + "\n@sio.on('extra')\nasync def extra(sid, n: int):\n    pass\n"
    )
    extra = _run("check", "app2.py:spec", "--against", "same.yaml", cwd=tmp_path)
    assert extra.returncode == 1 and "event-added" in extra.stdout

    # the code sends more than the contract allows (the contract's news has a narrower field)
    class Narrow(BaseModel):
        a: int = Field(ge=0)

    def narrow(sio: socketio.AsyncServer, spec: SocketIOSpec) -> None:
        spec.emits("news", Narrow)

    _save(contract_with(narrow), tmp_path / "narrow.yaml")
    sends_more = _run("check", "app.py:spec", "--against", "narrow.yaml", cwd=tmp_path)
    assert sends_more.returncode == 1 and "constraint-loosened" in sends_more.stdout

    both_given = _run("check", "app.py:spec", "same.yaml", "--against", "same.yaml", cwd=tmp_path)
    assert both_given.returncode == 2


def _escaped_name_document(required: list[str]) -> dict[str, Any]:
    """A hand-written document whose component name holds ``/`` and ``~`` (escaped in
    the reference as ``~1`` and ``~0``)."""
    move = {
        "type": "object",
        "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}},
        "required": required,
    }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "API", "version": "1"},
        "channels": {
            "root": {
                "address": "/",
                "messages": {
                    "move": {"name": "move", "payload": {"$ref": "#/components/schemas/v1~1Move~0"}}
                },
            }
        },
        "operations": {
            "move": {
                "action": "receive",
                "channel": {"$ref": "#/channels/root"},
                "messages": [{"$ref": "#/channels/root/messages/move"}],
            }
        },
        "components": {"schemas": {"v1/Move~": move}},
    }


def test_components_with_escaped_names_are_compared() -> None:
    old = read_contract(_escaped_name_document(["x"]))
    new = read_contract(_escaped_name_document(["x", "y"]))
    found = diff_contracts(old, new)
    assert [(c.kind, c.severity, c.path) for c in found] == [
        ("property-required", "breaking", "payload.y")
    ]

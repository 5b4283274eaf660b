"""TypeScript types for socket.io-client (``spec.typescript()``, ``sio-spec export
--format typescript``): they compile under ``tsc --strict``, they reject wrong
programs, and a compiled client using them talks to the live Python server."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from support.external import node, node_modules
from support.servers import run_aiohttp, url

from sio_spec import SocketIOSpec
from sio_spec.cli import load_target
from sio_spec.contract import contract_of, load_document, read_contract
from sio_spec.typescript import render

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "tests" / "js"
FEATURES = f"{ROOT}/tests/apps/features.py:spec"
EXAMPLES = {
    "chat_aiohttp": "spec",
    "asgi": "app",
    "plain_wsgi": "sio",
    "tictactoe": "socketio",
}
#: The flags the generated module is promised to compile under.
STRICT = ["--strict", "--noEmit", "--isolatedModules", "--verbatimModuleSyntax"]
STRICT += ["--erasableSyntaxOnly"]
ESM = ["--module", "nodenext", "--target", "es2022"]
DIRECTIVE = re.compile(r"^(\s*)// @ts-expect-error\b.*$", re.M)


def tsc(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    compiler = node_modules() / "typescript" / "bin" / "tsc"
    return subprocess.run(
        [node(), str(compiler), "--pretty", "false", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
    )


def error_lines(output: str, file: str) -> set[int]:
    return {int(m) for m in re.findall(rf"^{re.escape(file)}\((\d+),\d+\): error", output, re.M)}


@pytest.fixture(scope="module")
def features() -> SocketIOSpec:
    return load_target(FEATURES)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, features: SocketIOSpec) -> Path:
    """A folder with the generated modules, the client program and node_modules."""
    folder = tmp_path_factory.mktemp("typescript")
    (folder / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
    os.symlink(node_modules(), folder / "node_modules", target_is_directory=True)
    (folder / "features.ts").write_text(features.typescript(), encoding="utf-8")
    for name, attr in EXAMPLES.items():
        spec = load_target(f"{ROOT}/examples/{name}/app.py:{attr}")
        (folder / f"{name}.ts").write_text(spec.typescript(), encoding="utf-8")
    shutil.copy(JS / "typescript_client.ts", folder / "typescript_client.ts")
    return folder


# -- compiling ----------------------------------------------------------------------------------


def test_every_module_and_the_client_compile_strictly(workdir: Path) -> None:
    files = ["features.ts", *(f"{n}.ts" for n in EXAMPLES), "typescript_client.ts"]
    proc = tsc(workdir, *STRICT, *ESM, *files)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_modules_need_no_dom_and_no_node_types(workdir: Path) -> None:
    """Self-contained: only the ES library, no DOM, no @types (``Blob`` then is never)."""
    config = {
        "compilerOptions": {
            "strict": True,
            "noEmit": True,
            "isolatedModules": True,
            "verbatimModuleSyntax": True,
            "erasableSyntaxOnly": True,
            "lib": ["es2020"],
            "types": [],
        },
        "files": ["features.ts", *(f"{n}.ts" for n in EXAMPLES)],
    }
    (workdir / "tsconfig.bare.json").write_text(json.dumps(config), encoding="utf-8")
    proc = tsc(workdir, "-p", "tsconfig.bare.json")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_expected_errors_are_errors(workdir: Path) -> None:
    """Every ``@ts-expect-error`` line fails to compile once the directive is gone (so
    the types are not ``any``), and nothing else does."""
    source = (workdir / "typescript_client.ts").read_text(encoding="utf-8")
    expected = {
        source.count("\n", 0, m.start()) + 2 for m in DIRECTIVE.finditer(source)
    }  # 1-based line after each directive
    assert len(expected) >= 25
    stripped = DIRECTIVE.sub(r"\1//", source)  # same line numbers
    (workdir / "stripped_client.ts").write_text(stripped, encoding="utf-8")
    proc = tsc(workdir, *STRICT, *ESM, "features.ts", "stripped_client.ts")
    assert proc.returncode != 0
    assert error_lines(proc.stdout, "stripped_client.ts") == expected, proc.stdout


# -- the live server ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    sys.path.insert(0, str(ROOT / "tests" / "apps"))
    try:
        import features as app_module
    finally:
        sys.path.remove(str(ROOT / "tests" / "apps"))
    sio, _spec = app_module.make_server()
    app = web.Application()
    sio.attach(app)
    with run_aiohttp(app, shutdown_timeout=0.2) as port:
        yield port


def test_compiled_client_against_the_live_server(workdir: Path, server: int) -> None:
    out = workdir / "out"
    proc = tsc(
        workdir,
        *[f for f in STRICT if f != "--noEmit"],
        *ESM,
        "--outDir",
        str(out),
        "features.ts",
        "typescript_client.ts",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (out / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
    os.symlink(node_modules(), out / "node_modules", target_is_directory=True)
    run = subprocess.run(
        [node(), str(out / "typescript_client.js"), url(server)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    seen: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["move"] == {"accepted": True, "color": "red", "at": "2024-05-17T00:00:00Z"}
    assert seen["invalid"] == {"event": "move", "locs": [["x"]]}
    assert seen["upload"] == {"name": "data.bin", "size": 3}
    assert seen["ask"] == {"ok": True}
    assert seen["question"] == "ready?"
    assert seen["blob"] == [0, 1, 2]
    assert seen["tick"] is True
    assert seen["pair"] == ["general", 1]
    assert seen["profile"] == {"nickname": None, "bio": None, "age": 0, "website": ""}
    assert seen["stats"] == {"users": 1, "rooms": {"general": 1}}


# -- what is written ----------------------------------------------------------------------------


def test_deterministic_and_the_same_for_every_document_version(features: SocketIOSpec) -> None:
    text = features.typescript()
    assert features.typescript() == text
    for version in ("3.0.0", "3.1.0", "2.6.0"):
        assert render(read_contract(features.asyncapi(version))) == text
    assert render(contract_of(features)) == text
    assert text.endswith("}\n") and "\r" not in text


def test_names_and_shapes(features: SocketIOSpec) -> None:
    text = features.typescript()
    for name in (
        "export interface ClientToServerEvents {",
        "export interface ServerToClientEvents {",
        "export interface AdminV2ClientToServerEvents {",
        "export interface AdminV2ServerToClientEvents {",
        "export type AdminV2ConnectAuth = AdminAuth;",
        "export interface SioSpecValidationError {",
        "export interface TreeNode {",
        'export type Color = "red" | "blue";',
    ):
        assert name in text
    assert "ConnectAuth =" not in text.replace("AdminV2ConnectAuth =", "")
    # JSDoc from the schema
    move = text[text.index("export interface Move {") :]
    assert "   * Column\n   *\n   * @minimum 0\n   * @maximum 2\n   * @example 1\n" in move
    assert "@format date-time" in text
    assert "@deprecated" in text
    assert "rooms: Record<string, number>;" in text
    assert "origin?: [number, number];" in text
    assert "children?: TreeNode[];" in text
    assert "any" not in re.sub(r"//.*|/\*[\s\S]*?\*/", "", text).split()


def both_ways_document() -> dict[str, Any]:
    """One schema with defaults and bytes, sent by clients and by the server."""
    profile = {"$ref": "#/components/schemas/Profile"}
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Both ways", "version": "1"},
        "channels": {
            "root": {
                "address": "/",
                "messages": {
                    "save": {"name": "save", "payload": profile},
                    "save.ack": {"payload": profile},
                    "saved": {"name": "saved", "payload": {"$ref": "#/components/schemas/Card"}},
                },
            }
        },
        "operations": {
            "save": {
                "action": "receive",
                "channel": {"$ref": "#/channels/root"},
                "messages": [{"$ref": "#/channels/root/messages/save"}],
                "reply": {"messages": [{"$ref": "#/channels/root/messages/save.ack"}]},
            },
            "saved": {
                "action": "send",
                "channel": {"$ref": "#/channels/root"},
                "messages": [{"$ref": "#/channels/root/messages/saved"}],
            },
        },
        "components": {
            "schemas": {
                "Profile": {
                    "type": "object",
                    "properties": {
                        "nickname": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                        "bio": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
                        "age": {"type": "integer", "default": 0},
                        "kind": {"const": "person", "default": "person"},
                        "avatar": {"type": "string", "format": "binary"},
                    },
                    "required": ["nickname"],
                },
                "Card": {
                    "type": "object",
                    "properties": {"owner": profile, "note": {"type": "string", "default": ""}},
                },
            }
        },
    }


def test_sent_and_received_shapes_are_kept_apart(tmp_path: Path) -> None:
    """Nullable is not optional; defaulted fields may be left out when sending but
    are present when received; bytes are what socket.io-client sends or hands over."""
    text = render(read_contract(both_ways_document()))
    sent = text[text.index("export interface Profile {") :].split("\n}")[0]
    received = text[text.index("export interface ProfileReceived {") :].split("\n}")[0]
    assert "  nickname: string | null;" in sent and "  nickname: string | null;" in received
    assert "  bio?: string | null;" in sent and "  bio: string | null;" in received
    assert "  age?: number;" in sent and "  age: number;" in received
    assert '  kind?: "person";' in sent and '  kind: "person";' in received
    assert "  avatar?: SioSpecBinary;" in sent
    assert "  avatar?: SioSpecReceivedBinary;" in received  # no default: may be absent
    # only received: one type, received shape, under the schema's own name
    assert "export interface Card {" in text and "CardReceived" not in text
    assert '  owner?: ProfileReceived;\n  /** @default "" */\n  note: string;' in text
    assert "save: (data: Profile, callback: (ack: ProfileReceived) => void) => void;" in text
    (tmp_path / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
    (tmp_path / "both.ts").write_text(text, encoding="utf-8")
    (tmp_path / "use.ts").write_text(
        'import type { Profile, ProfileReceived } from "./both.js";\n'
        "export const sent: Profile = { nickname: null };\n"
        "// @ts-expect-error nickname is required, even if it may be null\n"
        "export const none: Profile = {};\n"
        "export const got: ProfileReceived = "
        '{ nickname: "a", bio: null, age: 1, kind: "person" };\n'
        "// @ts-expect-error a received profile has its defaulted fields\n"
        'export const partial: ProfileReceived = { nickname: "a", kind: "person" };\n'
        "// @ts-expect-error a constant is that constant\n"
        'export const other: Profile = { nickname: "a", kind: "robot" };\n',
        encoding="utf-8",
    )
    proc = tsc(tmp_path, *STRICT, "--module", "nodenext", "both.ts", "use.ts")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_hand_written_documents(tmp_path: Path) -> None:
    doc = {
        "asyncapi": "2.6.0",
        "info": {"title": "Hand */ written", "version": "1"},
        "channels": {
            "/": {
                "publish": {
                    "message": {
                        "oneOf": [
                            {
                                "name": "new message",
                                "payload": {"type": "string"},
                                "x-ack": {"args": {"$ref": "#/components/schemas/Record"}},
                            },
                            {
                                "name": "move",
                                "payload": {
                                    "type": "array",
                                    "prefixItems": [{"type": "integer"}, {"type": "integer"}],
                                    "minItems": 1,
                                },
                            },
                        ]
                    }
                },
            },
            "/2fa-codes": {
                "subscribe": {
                    "message": {
                        "name": "code",
                        "payload": {"$ref": "#/components/schemas/ClientToServerEvents"},
                    }
                },
                "x-connect-auth": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
        "components": {
            "schemas": {
                "Record": {
                    "type": "object",
                    "description": "A name taken by TypeScript */ itself",
                    "properties": {"class": {"type": "string"}, "with space": {"type": "null"}},
                },
                "ClientToServerEvents": {"enum": ["a", 1, None, True]},
                "Item-Input": {"type": ["string", "integer"], "nullable": True},
            }
        },
    }
    text = render(read_contract(doc))
    assert "export interface Record_ {" in text
    assert '  "with space"?: null;' in text
    assert 'export type ClientToServerEvents_2 = "a" | 1 | null | true;' in text
    assert "export type ItemInput = string | number | null;" in text
    assert '"new message": (data: string, callback: (ack: Record_) => void) => void;' in text
    assert "move: (arg0: number, arg1?: number) => void;" in text
    assert "export type Ns2faCodesConnectAuth = Record<string, string>;" in text
    assert "*/ itself" not in text and "*\\/ itself" in text
    (tmp_path / "hand.ts").write_text(text, encoding="utf-8")
    proc = tsc(tmp_path, *STRICT, "hand.ts")
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- the command line ---------------------------------------------------------------------------


def sio_spec_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sio_spec", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_export_and_check(tmp_path: Path, features: SocketIOSpec) -> None:
    shown = sio_spec_cli("export", FEATURES, "--format", "typescript")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == features.typescript()
    target = tmp_path / "api.ts"
    wrote = sio_spec_cli("export", FEATURES, "-o", str(target))
    assert wrote.returncode == 0, wrote.stderr
    assert target.read_text(encoding="utf-8") == features.typescript()
    ok = sio_spec_cli("check", FEATURES, str(target))
    assert ok.returncode == 0 and "is up to date" in ok.stderr
    target.write_text(features.typescript().replace("ok: boolean;", "ok: string;"))
    stale = sio_spec_cli("check", FEATURES, str(target))
    assert stale.returncode == 1
    assert "+  ok: boolean;" in stale.stdout and "-  ok: string;" in stale.stdout
    assert f"sio-spec export {FEATURES} -o {target}" in stale.stderr


def test_the_chat_example_ships_its_types() -> None:
    """examples/chat_aiohttp/chat-api.ts is what sio-spec writes today."""
    proc = sio_spec_cli(
        "check", "examples/chat_aiohttp/app.py:spec", "examples/chat_aiohttp/chat-api.ts"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_document_files_give_the_same_types(tmp_path: Path) -> None:
    spec = load_target(f"{ROOT}/examples/chat_aiohttp/app.py:spec")
    committed = (ROOT / "examples" / "chat_aiohttp" / "asyncapi.yaml").resolve()
    assert render(read_contract(load_document(committed))) == spec.typescript()


def test_the_readme_example_compiles(tmp_path: Path) -> None:
    """The browser example of the docs, as a Vite project compiles it."""
    readme = (ROOT / "docs" / "topics" / "typescript.rst").read_text(encoding="utf-8")
    block = readme[readme.index(".. code-block:: typescript\n\n    // src/chat.ts") :]
    lines = []
    for line in block.splitlines()[2:]:
        if line and not line.startswith("    "):
            break
        lines.append(line[4:])
    code = "\n".join(lines).strip() + "\n"
    assert "does not compile" in code
    code = code.replace(
        'chat.emit("join", { room: 42 }, () => {}); // does not compile: room is a string',
        '// @ts-expect-error room is a string\nchat.emit("join", { room: 42 }, () => {});',
    )
    src = tmp_path / "src"
    src.mkdir()
    (tmp_path / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
    os.symlink(node_modules(), tmp_path / "node_modules", target_is_directory=True)
    spec = load_target(f"{ROOT}/examples/chat_aiohttp/app.py:spec")
    (src / "chat-api.ts").write_text(spec.typescript(), encoding="utf-8")
    (src / "chat.ts").write_text(code, encoding="utf-8")
    bundler = ["--module", "esnext", "--moduleResolution", "bundler", "--target", "es2022"]
    proc = tsc(tmp_path, *STRICT, *bundler, "--lib", "es2022,dom", "src/chat.ts")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def edge_document() -> dict[str, Any]:
    """Shapes that are rare but legal: each must give a module that compiles."""

    def message(name: str, payload: Any = None, **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"name": name, **extra}
        if payload is not None:
            body["payload"] = payload
        return body

    def op(action: str, key: str, replies: tuple[str, ...] = ()) -> dict[str, Any]:
        body: dict[str, Any] = {
            "action": action,
            "channel": {"$ref": "#/channels/edge"},
            "messages": [{"$ref": f"#/channels/edge/messages/{key}"}],
        }
        if replies:
            body["reply"] = {
                "messages": [{"$ref": f"#/channels/edge/messages/{r}"} for r in replies]
            }
        return body

    pair = {
        "type": "array",
        "items": [{"type": "boolean"}, {"type": "integer"}],
        "minItems": 1,
        "maxItems": 2,
    }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Edges", "version": "0"},
        "channels": {
            "edge": {
                "address": "/edge cases",
                "messages": {
                    "quote": message(
                        'say "hi" */',
                        {"$ref": "#/components/schemas/Weird"},
                        summary="Ends a comment */ early",
                        description="Two\nlines",
                    ),
                    "multi": message("multi", {"type": "string"}),
                    "multi.ack": {"x-sio-spec-arguments": ["ok", "count"], "payload": pair},
                    "multi.error": {
                        "payload": {"$ref": "#/components/schemas/SioSpecValidationError"}
                    },
                    "push": message(
                        "push",
                        {"type": "array", "items": [{"type": "string"}, {"type": "number"}]},
                    ),
                    "push.reply": {"payload": {"type": ["string", "null"]}},
                    "open": message(
                        "open",
                        {"type": "array", "prefixItems": [{"type": "string"}], "items": True},
                    ),
                    "nothing": message("nothing", x_unused=True),
                },
            },
            "empty": {"address": "/empty"},
        },
        "operations": {
            "quote": op("receive", "quote"),
            "multi": op("receive", "multi", ("multi.ack", "multi.error")),
            "push": op("send", "push", ("push.reply",)),
            "open": op("send", "open"),
            "nothing": op("receive", "nothing"),
        },
        "components": {
            "schemas": {
                "Weird": {
                    "type": "object",
                    "title": "A */ title",
                    "properties": {
                        "enum_objects": {"enum": [{"a": 1}, [1, "x"], None, 1.5]},
                        "const_object": {"const": {"k": ["v"]}},
                        "mixed": {
                            "anyOf": [
                                {
                                    "allOf": [
                                        {"$ref": "#/components/schemas/Base"},
                                        {"type": "object"},
                                    ]
                                },
                                {"type": ["integer", "null"]},
                                True,
                            ]
                        },
                        "never": False,
                        "open_map": {
                            "type": "object",
                            "properties": {"fixed": {"type": "integer"}},
                            "additionalProperties": {"type": "string"},
                        },
                        "patterned": {"patternProperties": {"^x-": {"type": "boolean"}}},
                        "not_null": {"not": {"type": "null"}},
                        "tuple_rest": {
                            "type": "array",
                            "items": [{"type": "string"}],
                            "additionalItems": {"type": "integer"},
                        },
                        "closed": {"type": "object", "additionalProperties": False},
                        "deep": {"$ref": "#/components/schemas/Base/properties/name"},
                        "class": {"type": "string", "format": "uuid", "examples": ["*/"]},
                    },
                },
                "Base": {"type": "object", "properties": {"name": {"type": "string"}}},
                "SioSpecValidationError": {
                    "type": "object",
                    "properties": {"error": {"const": "validation_error"}},
                    "required": ["error"],
                },
            }
        },
    }


def test_rare_shapes_compile(tmp_path: Path) -> None:
    text = render(read_contract(edge_document()))
    assert "export interface EdgeCasesClientToServerEvents {" in text
    assert "export interface EmptyClientToServerEvents {}" in text
    assert "[ok: boolean, count?: number] | [error: SioSpecValidationError]" in text
    assert "[arg0: string, arg1: number, callback: (ack: string | null) => void]" in text
    assert "open: (data?: string) => void;" in text
    assert "nothing: (...args: unknown[]) => void;" in text
    assert "*/ early" not in text and "*/ title" not in text
    (tmp_path / "edge.ts").write_text(text, encoding="utf-8")
    proc = tsc(tmp_path, *STRICT, "edge.ts")
    assert proc.returncode == 0, proc.stdout + proc.stderr + text


def random_schema(rng: random.Random, names: list[str], depth: int = 0) -> Any:
    """A JSON Schema built from every keyword the writer reads, with hostile text."""
    texts = ['a "quote"', "back\\slash", "*/ end", "line\nbreak", "ünïcode ✓", "", "__proto__"]
    leaf = depth > 3
    kind = rng.choice(
        ["string", "integer", "number", "boolean", "null", "binary", "enum", "const", "ref", "any"]
        + ([] if leaf else ["object", "array", "tuple", "anyOf", "allOf", "oneOf", "map", "list"])
    )
    schema: dict[str, Any]
    if kind in ("string", "integer", "number", "boolean", "null"):
        schema = {"type": kind}
    elif kind == "binary":
        schema = {"type": "string", "format": "binary"}
    elif kind == "enum":
        schema = {"enum": rng.sample([*texts, 1, 2.5, None, True, {"k": "v"}], 3)}
    elif kind == "const":
        schema = {"const": rng.choice([*texts, 0, False, [1, "x"]])}
    elif kind == "ref":
        return {"$ref": f"#/components/schemas/{rng.choice(names)}"}
    elif kind == "any":
        return rng.choice([{}, True])
    elif kind == "object":
        props = {
            rng.choice([*texts, "plain", "with space", "class", "0digit"]) + str(i): random_schema(
                rng, names, depth + 1
            )
            for i in range(rng.randint(0, 4))
        }
        schema = {"type": "object", "properties": props}
        schema["required"] = [k for k in props if rng.random() < 0.5]
        if rng.random() < 0.3:
            schema["additionalProperties"] = random_schema(rng, names, depth + 1)
    elif kind == "map":
        schema = {"type": "object", "additionalProperties": random_schema(rng, names, depth + 1)}
    elif kind == "list":
        schema = {"type": "array", "items": random_schema(rng, names, depth + 1)}
    elif kind == "array":
        schema = {"type": "array", "uniqueItems": True, "minItems": 1}
    elif kind == "tuple":
        items = [random_schema(rng, names, depth + 1) for _ in range(rng.randint(1, 3))]
        schema = {"type": "array", "items": items, "minItems": rng.randint(0, len(items))}
        schema["additionalItems"] = rng.choice([False, True, {"type": "integer"}])
    else:
        branches = [random_schema(rng, names, depth + 1) for _ in range(rng.randint(1, 3))]
        schema = {kind: branches}
    if rng.random() < 0.3:
        schema["title"] = rng.choice(texts)
    if rng.random() < 0.3:
        schema["description"] = rng.choice(texts)
    if rng.random() < 0.2:
        schema["examples"] = [rng.choice(texts)]
    if rng.random() < 0.2:
        schema["default"] = None
    if rng.random() < 0.1:
        schema["deprecated"] = True
    if rng.random() < 0.1:
        schema["nullable"] = True
    return schema


def test_random_schemas_compile(tmp_path: Path) -> None:
    """Two hundred random schemas (recursive, hostile names and texts), each used in
    both directions, give one module that compiles."""
    rng = random.Random(20261203)
    names = [
        rng.choice(["Item", "item", "Item-Input", "2nd", "Record", "a.b", "Ü"]) + str(i)
        for i in range(200)
    ]
    schemas = {name: random_schema(rng, names) for name in names}
    messages: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for i, name in enumerate(names):
        ref = {"$ref": f"#/components/schemas/{name}"}
        messages[f"in{i}"] = {"name": f"in {name}", "payload": ref}
        messages[f"in{i}.ack"] = {"payload": ref}
        messages[f"out{i}"] = {"name": f"out {name}", "payload": random_schema(rng, names)}
        for key, action in ((f"in{i}", "receive"), (f"out{i}", "send")):
            operations[key] = {
                "action": action,
                "channel": {"$ref": "#/channels/c"},
                "messages": [{"$ref": f"#/channels/c/messages/{key}"}],
            }
        operations[f"in{i}"]["reply"] = {"messages": [{"$ref": f"#/channels/c/messages/in{i}.ack"}]}
    doc = {
        "asyncapi": "3.0.0",
        "info": {"title": "Random", "version": "1"},
        "channels": {"c": {"address": "/", "messages": messages}},
        "operations": operations,
        "components": {"schemas": schemas},
    }
    text = render(read_contract(doc))
    assert render(read_contract(doc)) == text
    (tmp_path / "random.ts").write_text(text, encoding="utf-8")
    proc = tsc(tmp_path, *STRICT, "random.ts")
    assert proc.returncode == 0, proc.stdout[:3000]


def test_hostile_document_text_stays_inside_comments() -> None:
    """A version with a line break and a namespace path holding ``*/`` cannot end the
    comments they are written in: no document text becomes code."""
    document = {
        "asyncapi": "3.0.0",
        "info": {"title": "T", "version": "1\nexport const pwned = 1;"},
        "channels": {
            "evil": {
                "address": "/a*/export const ns = 2;/*",
                "messages": {"m": {"name": "m", "payload": {"type": "string"}}},
            }
        },
        "operations": {
            "evil.m": {
                "action": "receive",
                "channel": {"$ref": "#/channels/evil"},
                "messages": [{"$ref": "#/channels/evil/messages/m"}],
            }
        },
    }
    from sio_spec.contract import read_contract
    from sio_spec.typescript import render

    text = render(read_contract(document))
    assert "pwned" in text and "const ns" in text  # the hostile text is there, as comments
    code = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    code = re.sub(r"//[^\n]*", "", code)
    assert "pwned" not in code and "const ns" not in code

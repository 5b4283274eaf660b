"""The document in the official AsyncAPI tool chain.

@asyncapi/modelina generates TypeScript, Python (pydantic preset) and Java from the
documents of the examples and of servers using every feature: no type is anonymous,
the Python imports (and reads a discriminated union), the Java compiles. No two
different schemas share a title. @asyncapi/html-template renders a document with each
event named in its operation's section, and Spectral's ``spectral:asyncapi`` ruleset
finds no error and only the warnings the docs name (cleared by ``description``,
``contact``, ``license``, ``tags`` and ``servers``).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
import socketio
from doc_features import build as doc_features
from pydantic import BaseModel, Field
from ruamel.yaml import YAML
from support.external import JS_DIR, javac, node_script

from sio_spec import SocketIOSpec
from sio_spec.asyncapi.titles import makes_type

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {
    "chat": "examples/chat_aiohttp/asyncapi.yaml",
    "asgi": "examples/asgi/asyncapi.yaml",
    "plain_wsgi": "examples/plain_wsgi/asyncapi.yaml",
    "tictactoe": "examples/tictactoe/chat_gpt_asyncapi.yaml",
}
ANONYMOUS = re.compile(r"AnonymousSchema|anonymous-schema", re.I)
pytestmark = pytest.mark.timeout(600)  # node tools on a loaded machine

#: The Spectral warnings a document without description, contact, license, tags and
#: servers gets (docs/generators.rst).
DOCUMENTED_WARNINGS = {
    "asyncapi-info-description",
    "asyncapi-info-contact",
    "asyncapi-info-license",
    "asyncapi-3-tags",
    "asyncapi-tags",
    "asyncapi-servers",
}


# ---------------------------------------------------------------------- the rich server


class Circle(BaseModel):
    kind: Literal["circle"] = "circle"
    radius: float = Field(gt=0)


class Square(BaseModel):
    kind: Literal["square"] = "square"
    side: float = 1.0


Shape = Annotated[Circle | Square, Field(discriminator="kind")]


class DrawShape(BaseModel):
    """Received and sent: its nested union differs in the two directions."""

    shape: Shape
    label: str | None = None


class Layer(BaseModel):
    name: str
    parent: Layer | None = None
    opacity: float | None = None
    mode: Literal["normal", "multiply"] = "normal"


class Token(BaseModel):
    token: str = Field(min_length=1)


def rich_spec(**options: Any) -> SocketIOSpec:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio, title="Canvas", version="1.0.0", **options)

    @sio.on("connect", namespace="/canvas")
    async def connect(sid: str, environ: dict[str, Any], auth: Token) -> None:
        pass

    @spec.on("draw", namespace="/canvas", summary="Draw a shape")
    async def draw(sid: str, shape: DrawShape) -> DrawShape:
        return shape

    @sio.on("layer", namespace="/canvas")
    async def layer(sid: str, layer: Layer, index: int, data: bytes = b"") -> Layer:
        return layer

    spec.emits("drawn", DrawShape, namespace="/canvas", summary="Someone drew")
    spec.emits("legacy", Layer, namespace="/canvas", deprecated=True)
    return spec


def exported(target: str, version: str) -> dict[str, Any]:
    """``sio-spec export TARGET --asyncapi-version VERSION`` as a dict."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sio_spec",
            "export",
            target,
            "--format",
            "json",
            "--asyncapi-version",
            version,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    doc: dict[str, Any] = json.loads(proc.stdout)
    return doc


def example(path: str) -> dict[str, Any]:
    """A committed example document; one in 3.1.0 is exported again in 3.0.0, the
    newest version modelina 5.10 reads."""
    doc: dict[str, Any] = YAML(typ="safe").load((ROOT / path).read_text("utf-8"))
    if doc["asyncapi"] == "3.1.0":
        doc = exported("examples/tictactoe/app.py:socketio", "3.0.0")
    return doc


def features_spec() -> SocketIOSpec:
    from apps.features import make_server

    return make_server()[1]


DOCUMENTS: dict[str, Any] = {
    "rich": lambda: rich_spec().asyncapi("3.0.0"),
    "rich-2.6": lambda: rich_spec().asyncapi("2.6.0"),
    "features": lambda: features_spec().asyncapi("3.0.0"),
    "features-2.6": lambda: features_spec().asyncapi("2.6.0"),
    "doc-features": lambda: doc_features().asyncapi("3.0.0"),
    **{name: (lambda path=path: example(path)) for name, path in EXAMPLES.items()},
}


def document(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = DOCUMENTS[name]()
    return doc


# ---------------------------------------------------------------------- the schemas


def schemas_of(doc: dict[str, Any]) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every schema of the document's components, and whether it is a union branch."""
    stack: list[tuple[Any, bool]] = [(s, False) for s in doc["components"]["schemas"].values()]
    while stack:
        node, branch = stack.pop()
        if not isinstance(node, dict) or "$ref" in node:
            continue
        yield node, branch
        for key in ("items", "additionalProperties", "additionalItems"):
            value = node.get(key)
            stack.extend((v, False) for v in (value if isinstance(value, list) else [value]))
        stack.extend((v, False) for v in (node.get("properties") or {}).values())
        for key in ("anyOf", "oneOf", "allOf"):
            stack.extend((v, True) for v in node.get(key) or ())


def canonical(node: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in node.items() if k != "title"}, sort_keys=True)


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_every_type_has_a_title_of_its_own(name: str) -> None:
    doc = document(name)
    held: dict[str, str] = {}
    for schema, branch in schemas_of(doc):
        title = schema.get("title")
        if makes_type(schema) or branch:
            assert isinstance(title, str) and title, schema
        if title is not None:
            # no two different schemas share a title, nested ones included
            assert held.setdefault(title, canonical(schema)) == canonical(schema), title


def test_nested_unions_and_optionals_are_named_after_where_they_sit() -> None:
    schemas = rich_spec().asyncapi("3.0.0")["components"]["schemas"]
    # the union is serialized differently in each direction: two types, two titles
    assert schemas["DrawShapeInput"]["properties"]["shape"]["title"] == "DrawShapeInputShape"
    assert schemas["DrawShapeOutput"]["properties"]["shape"]["title"] == "DrawShapeOutputShape"
    parent = schemas["LayerInput"]["properties"]["parent"]
    assert parent["title"] == "LayerInputParentOrNull"
    assert parent["anyOf"][1] == {"type": "null", "title": "LayerInputParentNull"}
    opacity = schemas["LayerInput"]["properties"]["opacity"]
    assert [b["title"] for b in opacity["anyOf"]] == [
        "LayerInputOpacity",
        "LayerInputOpacityNull",
    ]


def test_constants_are_one_value_enums_but_union_tags() -> None:
    schemas = rich_spec().asyncapi("3.0.0")["components"]["schemas"]
    error = schemas["SioSpecValidationError"]["properties"]["error"]
    assert error["enum"] == ["validation_error"] and "const" not in error
    assert error["title"] == "SioSpecValidationErrorError"
    # the tag of a discriminated union stays a const, required in its members
    for member in ("CircleInput", "CircleOutput", "Circle"):
        if member in schemas:
            circle = schemas[member]
            assert circle["properties"]["kind"]["const"] == "circle"
            assert "kind" in circle["required"]


# ---------------------------------------------------------------------- modelina


def java_defaults(node: Any) -> Any:
    """The document without the defaults modelina's Java output writes as invalid
    Java: arrays (``Foo[] children = ;``, ``Object[] origin = 0,0;``) and whole numbers
    of a ``number`` field (``Double side = 1;``: JSON has no ``1.0``). Java only."""
    if isinstance(node, list):
        return [java_defaults(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: java_defaults(v) for k, v in node.items()}
    default = out.get("default")
    if isinstance(default, list) or (
        out.get("type") == "number"
        and isinstance(default, (int, float))
        and default == int(default)
    ):
        del out["default"]
    return out


Generated = dict[str, tuple[Path, dict[str, Any]]]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Path, Any]]:
    """``generated(name)``: the folder modelina wrote the TypeScript, Python and Java of
    a document to, and what it printed (``{language: {models, warnings}}``); made once."""
    done: Generated = {}

    def get(name: str) -> tuple[Path, dict[str, Any]]:
        if name in done:
            return done[name]
        folder = tmp_path_factory.mktemp(f"modelina-{name}")
        doc = document(name)
        (folder / "asyncapi.json").write_text(json.dumps(doc), encoding="utf-8")
        (folder / "java.json").write_text(json.dumps(java_defaults(doc)), encoding="utf-8")
        proc = node_script(
            JS_DIR / "codegen.mjs",
            str(folder / "asyncapi.json"),
            str(folder),
            "--java-input",
            str(folder / "java.json"),
            timeout=240,
        )
        assert proc.returncode == 0, proc.stderr
        result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
        done[name] = (folder, result)
        return done[name]

    return get


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_modelina_names_every_type(
    name: str, generated: Callable[[str], tuple[Path, dict[str, Any]]]
) -> None:
    folder, result = generated(name)
    for language in ("typescript", "python", "java"):
        models = result[language]["models"]
        assert models, language
        assert not [m for m in models if ANONYMOUS.search(m)], (language, models)
    for file in folder.rglob("*"):
        if file.suffix in (".ts", ".py", ".java"):
            assert not ANONYMOUS.search(file.read_text(encoding="utf-8")), file


PYTHON_CHECK = """
import importlib, json, pkgutil, sys
import asyncapimodels
names = sorted(m.name for m in pkgutil.iter_modules(asyncapimodels.__path__))
for name in names:
    importlib.import_module("asyncapimodels." + name)
check = json.loads(sys.argv[1])
if check:
    module = importlib.import_module("asyncapimodels." + check["module"])
    value = getattr(module, check["model"]).model_validate(check["data"])
    print(type(getattr(value, check["field"])).__name__)
print(len(names))
"""


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_generated_python_imports(
    name: str, generated: Callable[[str], tuple[Path, dict[str, Any]]]
) -> None:
    folder, result = generated(name)
    (folder / "python" / "asyncapimodels" / "__init__.py").write_text("", encoding="utf-8")
    check: dict[str, Any] = {}
    if name == "rich":
        # the discriminated union reads its members by their tag
        check = {
            "module": "draw_shape_input",
            "model": "DrawShapeInput",
            "data": {"shape": {"kind": "square", "side": 2}},
            "field": "shape",
        }
    proc = subprocess.run(
        [sys.executable, "-c", PYTHON_CHECK, json.dumps(check)],
        cwd=folder / "python",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.split()
    assert int(lines[-1]) == len(result["python"]["models"])
    if check:
        assert lines[0].startswith("Square"), lines


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_generated_java_compiles(
    name: str, generated: Callable[[str], tuple[Path, dict[str, Any]]]
) -> None:
    compiler = javac()
    folder, _result = generated(name)
    sources = sorted(str(p) for p in (folder / "java" / "models").glob("*.java"))
    assert sources
    proc = subprocess.run(
        [compiler, "-nowarn", "-d", str(folder / "classes"), *sources],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# ---------------------------------------------------------------------- html-template


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """The rich document and html-template's single-file page of it."""
    folder = tmp_path_factory.mktemp("html-template")
    doc = rich_spec().asyncapi("3.0.0")
    (folder / "asyncapi.json").write_text(json.dumps(doc), encoding="utf-8")
    proc = node_script(
        JS_DIR / "render.mjs",
        "html",
        str(folder / "asyncapi.json"),
        str(folder / "out"),
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    page = (folder / "out" / "index.html").read_text(encoding="utf-8")
    return doc, re.sub(r"<script.*?</script>|<style.*?</style>", "", page, flags=re.S)


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_html_template_names_each_event_in_its_operation(
    rendered: tuple[dict[str, Any], str],
) -> None:
    doc, page = rendered
    starts = [
        (m.start(), m.group(1))
        for m in re.finditer(r'<li[^>]* id="operation-[a-z]+-([^"]+)"', page)
    ]
    assert sorted(key for _, key in starts) == sorted(doc["operations"])
    ends = [start for start, _ in starts[1:]] + [page.index('id="schemas"')]
    for (start, key), end in zip(starts, ends, strict=True):
        section = page[start:end]
        heading = text(section[: section.index("</h3>")])
        assert heading.endswith("/canvas"), heading
        # what follows the heading: the channel's description names the event
        event = key.split(".")[1]
        intro = text(section[section.index("</h3>") : section.index("Operation ID")])
        assert re.search(rf"emits? {event} on /canvas", intro), intro
        assert "auth" in intro and "token (string, required)" in intro, intro
        # the sidebar lists the operation by its key
        assert f">{key}</span>" in page
    assert "Draw a shape" in page and "Someone drew" in page
    assert not ANONYMOUS.search(page)


# ---------------------------------------------------------------------- Spectral


def spectral(documents: dict[str, dict[str, Any]], folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Spectral's ``spectral:asyncapi`` findings per document."""
    ruleset = folder / ".spectral.yaml"
    ruleset.write_text('extends: ["spectral:asyncapi"]\n', encoding="utf-8")
    files = []
    for name, doc in documents.items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        files.append(str(path))
    cli = JS_DIR / "node_modules" / "@stoplight" / "spectral-cli" / "dist" / "index.js"
    proc = node_script(
        cli, "lint", *files, "-r", str(ruleset), "-f", "json", "--quiet", timeout=180
    )
    found: list[dict[str, Any]] = json.loads(proc.stdout) if proc.stdout.strip() else []
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in documents}
    for item in found:
        out[Path(item["source"]).stem].append(item)
    return out


def test_spectral_finds_no_error_and_only_the_documented_warnings(tmp_path: Path) -> None:
    options = {
        "description": "A shared canvas.",
        "contact": {
            "name": "Canvas team",
            "url": "https://example.org/canvas",
            "email": "canvas@example.org",
        },
        "license": {"name": "MIT"},
        "tags": ["canvas"],
        "servers": {"local": "ws://localhost:8000"},
    }
    documents = {
        "plain-3.0": rich_spec().asyncapi("3.0.0"),
        "plain-2.6": rich_spec().asyncapi("2.6.0"),
        "features-3.0": features_spec().asyncapi("3.0.0"),
        "features-2.6": features_spec().asyncapi("2.6.0"),
        "options-3.0": rich_spec(**options).asyncapi("3.0.0"),
        "options-3.1": rich_spec(**options).asyncapi("3.1.0"),
        "options-2.6": rich_spec(**options).asyncapi("2.6.0"),
    }
    found = spectral(documents, tmp_path)
    for name, items in found.items():
        errors = [f"{i['code']}: {i['message']}" for i in items if i["severity"] == 0]
        assert not errors, (name, errors)
        warnings = {i["code"] for i in items if i["severity"] == 1}
        if name.startswith("options"):
            assert not warnings, (name, warnings)
        else:
            assert warnings and warnings <= DOCUMENTED_WARNINGS, (name, warnings)

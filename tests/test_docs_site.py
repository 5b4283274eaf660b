"""The documentation: the Sphinx site builds with warnings as errors, the README stays a
short front page whose links lead into the site, and the code of the README and the
tutorial runs as written (server, tests, TypeScript, client)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from support.external import node_modules, require
from support.servers import run_asgi, url

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.rst"


def code_blocks(path: Path, language: str | None = None) -> list[str]:
    """The literal blocks of a reST file (``.. code-block:: LANG`` or after ``::``)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        line = lines[i]
        directive = re.match(r"\.\. code-block:: (\w+)", line)
        opens = directive is not None or (
            line.rstrip().endswith("::") and not line.startswith("..")
        )
        if opens and (language is None or (directive and directive.group(1) == language)):
            i += 1
            body: list[str] = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith("    ")):
                body.append(lines[i][4:])
                i += 1
            text = "\n".join(body).strip("\n")
            if text:
                blocks.append(text + "\n")
            continue
        i += 1
    return blocks


# -- the site -----------------------------------------------------------------------------


def test_the_site_builds_without_a_warning(tmp_path: Path) -> None:
    try:
        import furo  # noqa: F401
        import sphinx  # noqa: F401
    except ImportError:
        require("sphinx and furo", 'the docs extra is not installed (pip install ".[docs]")')
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"),
            *("-d", str(tmp_path / "doctrees"), str(DOCS), str(tmp_path / "html")),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = tmp_path / "html"
    for page in (
        "index",
        "tutorial/first-server",
        "howto/flask",
        "topics/validation",
        "reference/sio_spec",
        "reference/cli",
        "performance",
    ):
        assert (html / f"{page}.html").is_file(), page
    reference = (html / "reference" / "sio_spec.html").read_text(encoding="utf-8")
    assert 'id="sio_spec.SocketIOSpec.emits"' in reference
    # every public name of the documented modules has its entry
    import importlib

    pages = {
        "sio_spec": "sio_spec",
        "sio_spec.testing": "testing",
        "sio_spec.web": "web",
        "sio_spec.flask": "flask",
        "sio_spec.client": "client",
        "sio_spec.fuzz": "fuzz",
        "sio_spec.mock": "mock",
        "sio_spec.telemetry": "telemetry",
        "sio_spec.observe": "observe",
        "sio_spec.datagen": "datagen",
    }
    every = "".join(
        (html / "reference" / f"{page}.html").read_text(encoding="utf-8") for page in pages.values()
    )
    missing = []
    for module_name in pages:
        module = importlib.import_module(module_name)
        public = getattr(module, "__all__", None)
        if public is None:  # no __all__: its public functions and classes
            public = [
                n
                for n, v in vars(module).items()
                if not n.startswith("_") and getattr(v, "__module__", None) == module_name
            ]
        for name in public:
            if name.startswith("_"):
                continue
            own = getattr(getattr(module, name), "__module__", module_name)
            ids = {f'id="{where}.{name}"' for where in (module_name, own, "sio_spec")}
            if not any(found in every for found in ids):  # re-exports: documented once
                missing.append(f"{module_name}.{name}")
    assert not missing, missing
    cli = (html / "reference" / "cli.html").read_text(encoding="utf-8")
    assert "usage: sio-spec export" in cli and "usage: sio-spec diff" in cli


def test_every_page_is_in_a_toctree() -> None:
    """Sphinx warns about orphan pages; this names them without building."""
    pages = {
        str(p.relative_to(DOCS).with_suffix(""))
        for p in DOCS.rglob("*.rst")
        if "_build" not in p.parts and "_static" not in p.parts
    }
    listed = {"index"}
    for path in DOCS.rglob("*.rst"):
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"\.\. toctree::\n((?:\n|   .*\n)+)", text):
            for entry in block.splitlines():
                entry = entry.strip()
                if entry and not entry.startswith(":"):
                    base = path.parent.relative_to(DOCS)
                    listed.add(entry[1:] if entry.startswith("/") else str(base / entry))
    assert pages <= listed, sorted(pages - listed)


# -- the README ---------------------------------------------------------------------------


def test_the_readme_is_a_short_front_page() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 300
    for command in (
        "python3 -m venv .venv && .venv/bin/pip install -q nox && .venv/bin/nox -s example",
        "python3 -m venv .venv && .venv/bin/pip install -q nox && .venv/bin/nox -s tests",
    ):
        assert command in text
    targets = re.findall(r"^\.\. _[^:]+: (\S+)$", text, re.M)
    local = [t for t in targets if not t.startswith("http")]
    assert len(local) >= 6
    for target in local:
        assert (ROOT / target).is_file(), target
    for image in re.findall(r"^\.\. image:: (\S+)$", text, re.M):
        assert (ROOT / image).is_file(), image
    (example,) = code_blocks(README, "python")
    assert len(example.splitlines()) <= 22


def test_the_readme_example_runs(tmp_path: Path) -> None:
    from sio_spec.testing import AsyncTestClient

    (example,) = code_blocks(README, "python")
    namespace: dict[str, Any] = {"__name__": "readme_game"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning either: its ack keeps clear of "error"
        exec(compile(example, "README.rst", "exec"), namespace)
        namespace["spec"].asyncapi()

    async def play() -> tuple[Any, Any]:
        async with AsyncTestClient(namespace["app"]) as client:
            await client.connect()
            good = await client.call("make_move", {"game_id": 1, "x": 0, "y": 2})
            bad = await client.call("make_move", {"game_id": "abc"})
            return good, bad

    good, bad = asyncio.run(play())
    assert good == {"accepted": True}
    assert bad["error"] == "validation_error"
    assert [d["loc"] for d in bad["detail"]] == [["game_id"], ["x"], ["y"]]


# -- the tutorial -------------------------------------------------------------------------


def tutorial_game(directory: Path) -> Path:
    """``game.py`` as the first step of the tutorial builds it."""
    first, *_, mounted = code_blocks(DOCS / "tutorial" / "first-server.rst", "python")
    assert "class MoveAck" in first and "asgi_docs" in mounted
    path = directory / "game.py"
    path.write_text(first + "\n" + mounted, encoding="utf-8")
    return path


def test_the_tutorial_tests_pass_as_written(tmp_path: Path) -> None:
    tutorial_game(tmp_path)
    (test,) = code_blocks(DOCS / "tutorial" / "tests.rst", "python")
    (tmp_path / "test_game.py").write_text(test, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error", "."],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed" in proc.stdout


def test_the_tutorial_typescript_compiles(tmp_path: Path) -> None:
    """The narrowing ``"error" in ack && ack.error === "validation_error"`` compiles
    against the tutorial's ``MoveAck`` (which has no field named ``error``)."""
    from sio_spec.targets import load_target

    game = tutorial_game(tmp_path)
    spec = load_target(f"{game}:spec")
    (code,) = code_blocks(DOCS / "tutorial" / "typescript.rst", "typescript")
    assert '"error" in ack && ack.error === "validation_error"' in code
    src = tmp_path / "src"
    src.mkdir()
    (tmp_path / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
    modules = node_modules()
    os.symlink(modules, tmp_path / "node_modules", target_is_directory=True)
    (src / "game-api.ts").write_text(spec.typescript(), encoding="utf-8")
    (src / "game.ts").write_text(code, encoding="utf-8")
    from support.external import node

    compiler = modules / "typescript" / "bin" / "tsc"
    flags = ["--strict", "--noEmit", "--isolatedModules", "--verbatimModuleSyntax"]
    flags += ["--module", "esnext", "--moduleResolution", "bundler", "--target", "es2022"]
    proc = subprocess.run(
        [node(), str(compiler), "--pretty", "false", *flags, "--lib", "es2022,dom", "src/game.ts"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_tutorial_client_runs_against_the_server(tmp_path: Path) -> None:
    game = tutorial_game(tmp_path)
    (bot,) = code_blocks(DOCS / "tutorial" / "client.rst", "python")
    sys.path.insert(0, str(tmp_path))
    try:
        import importlib

        module = importlib.import_module("game")
        with run_asgi(module.app) as port:
            script = bot.replace("http://127.0.0.1:8000", url(port))
            (tmp_path / "bot.py").write_text(script, encoding="utf-8")
            env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]))
            proc = subprocess.run(
                [sys.executable, "bot.py"],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("game", None)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "accepted: True" in proc.stdout
    assert "'loc': ['game_id']" in proc.stdout
    assert "turn: O" in proc.stdout
    assert game.is_file()


@pytest.mark.parametrize(
    "page", ["howto/flask.rst", "howto/aiohttp.rst", "tutorial/first-server.rst"]
)
def test_python_blocks_of_the_guides_compile(page: str) -> None:
    for block in code_blocks(DOCS / page, "python"):
        compile(block, page, "exec")


def test_the_flask_guide_runs(tmp_path: Path) -> None:
    from sio_spec.testing import TestClient

    (code,) = code_blocks(DOCS / "howto" / "flask.rst", "python")
    namespace: dict[str, Any] = {"__name__": "flask_guide"}
    exec(compile(code, "flask.rst", "exec"), namespace)
    with TestClient(namespace["app"]) as client:
        client.connect()
        assert client.call("move", {"x": 1, "y": 2}) == {"accepted": True}
        assert client.call("move", {"x": "a"})["error"] == "validation_error"
    page = namespace["app"].test_client().get("/asyncapi.json")
    assert page.status_code == 200 and "root_move" in page.get_json()["channels"]


def test_the_aiohttp_guide_serves_its_docs() -> None:
    from aiohttp.test_utils import TestClient as HTTPClient
    from aiohttp.test_utils import TestServer

    (code,) = code_blocks(DOCS / "howto" / "aiohttp.rst", "python")
    namespace: dict[str, Any] = {"__name__": "aiohttp_guide"}
    exec(compile(code, "aiohttp.rst", "exec"), namespace)

    async def fetch() -> tuple[int, str]:
        async with HTTPClient(TestServer(namespace["app"])) as http:
            response = await http.get("/asyncapi.yaml")
            return response.status, await response.text()

    status, text = asyncio.run(fetch())
    assert status == 200 and "say" in text and "/chat" in text

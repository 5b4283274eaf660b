"""``sio-spec`` export / check / serve, run as real subprocesses on apps written to tmp_path."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
import requests
from support.servers import free_port, wait_for

import sio_spec

CONSOLE_SCRIPT = Path(sys.executable).with_name("sio-spec")

APP = '''
import socketio
from pydantic import BaseModel

from sio_spec import SocketIOSpec


class Move(BaseModel):
    game_id: int
    x: int
    y: int{extra_field}


sio = socketio.AsyncServer(async_mode="asgi")
spec = SocketIOSpec(sio, title="Game API", version="1.0.0")
app = socketio.ASGIApp(sio)
not_a_spec = 42


@sio.on("make_move")
async def make_move(sid: str, move: Move) -> None:
    """Play one move."""


spec.emits("move_made", Move)

if __name__ == "__main__":
    raise SystemExit("the __main__ block must not run on import")
'''

SYNC_APP = '''
import socketio
from flask import Flask
from flask_socketio import SocketIO
from pydantic import BaseModel

from sio_spec import SocketIOSpec


class Move(BaseModel):
    game_id: int
    x: int
    y: int


sio = socketio.Server(async_mode="threading")
SocketIOSpec(sio, title="Game API", version="1.0.0")
wsgi = socketio.WSGIApp(sio)


@sio.on("make_move")
def make_move(sid, move: Move) -> None:
    """Play one move."""


flask_app = Flask(__name__)
socketio_ext = SocketIO(flask_app, async_mode="threading")
flask_spec = SocketIOSpec(socketio_ext, title="Flask API", version="1.0.0")


@socketio_ext.on("make_move")
def flask_make_move(move: Move) -> None:
    """Play one move."""


bare = socketio.Server(async_mode="threading")
'''


def write_app(directory: Path, name: str = "game.py", extra_field: str = "") -> Path:
    path = directory / name
    path.write_text(APP.format(extra_field=extra_field), encoding="utf-8")
    return path


def run(*args: str, cwd: Path, script: bool = False) -> subprocess.CompletedProcess[str]:
    """``python -m sio_spec ARGS`` (or the ``sio-spec`` console script) in ``cwd``."""
    command = [str(CONSOLE_SCRIPT)] if script else [sys.executable, "-m", "sio_spec"]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        [*command, *args], cwd=cwd, capture_output=True, text=True, timeout=60, env=env
    )


def run_here(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``sio_spec.cli.main(ARGS)`` in this process (what the console script calls), in
    ``cwd``; sys.path and sys.modules are restored afterwards. Fast, for the many
    error paths; the subprocess tests cover the real entry points."""
    from sio_spec.cli import main

    out, err = io.StringIO(), io.StringIO()
    path, modules, here = list(sys.path), set(sys.modules), os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse usage errors
                code = int(exc.code or 0)
    finally:
        os.chdir(here)
        sys.path[:] = path
        for name in set(sys.modules) - modules:
            del sys.modules[name]
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("sio-spec: error: ")
    assert "Traceback" not in proc.stderr
    return lines[0]


# -- export ------------------------------------------------------------------------------


def test_export_yaml_and_json(tmp_path: Path) -> None:
    write_app(tmp_path)
    stdout = run("export", "game.py:spec", cwd=tmp_path)
    assert stdout.returncode == 0, stdout.stderr
    assert stdout.stdout.startswith("asyncapi: 3.0.0\n")
    assert "make_move" in stdout.stdout and "move_made" in stdout.stdout
    assert "__main__" not in stdout.stderr

    assert run("export", "game.py:spec", "-o", "doc.yaml", cwd=tmp_path).returncode == 0
    assert (tmp_path / "doc.yaml").read_text(encoding="utf-8") == stdout.stdout

    assert (
        run("export", "game.py:spec", "-o", "doc.json", cwd=tmp_path, script=True).returncode == 0
    )
    document = json.loads((tmp_path / "doc.json").read_text(encoding="utf-8"))
    assert document["asyncapi"] == "3.0.0"
    assert document["info"]["title"] == "Game API"

    as_json = run("export", "game.py:spec", "--format", "json", cwd=tmp_path)
    assert as_json.stdout == (tmp_path / "doc.json").read_text(encoding="utf-8")
    # a format the extension contradicts would write a file check cannot read back
    forced = run("export", "game.py:spec", "--format", "yaml", "-o", "forced.json", cwd=tmp_path)
    assert "does not match the extension of forced.json" in one_error_line(forced)
    assert not (tmp_path / "forced.json").exists()

    old = run("export", "game.py:spec", "--asyncapi-version", "2.6.0", cwd=tmp_path)
    assert old.stdout.startswith("asyncapi: 2.6.0\n")


def test_export_matches_spec_save(tmp_path: Path) -> None:
    """What the CLI writes is byte for byte what ``spec.save`` writes."""
    from sio_spec.cli import load_target

    app = write_app(tmp_path, "save_app.py")
    spec = load_target(f"{app}:spec")
    spec.save(tmp_path / "saved.yaml")
    spec.save(tmp_path / "saved.json")
    run("export", "save_app.py:spec", "-o", "cli.yaml", cwd=tmp_path)
    run("export", "save_app.py:spec", "-o", "cli.json", cwd=tmp_path)
    assert (tmp_path / "cli.yaml").read_bytes() == (tmp_path / "saved.yaml").read_bytes()
    assert (tmp_path / "cli.json").read_bytes() == (tmp_path / "saved.json").read_bytes()


def test_target_forms_find_the_same_spec(tmp_path: Path) -> None:
    package = tmp_path / "myproj"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    write_app(package, "realtime.py")
    (package / "sync_app.py").write_text(SYNC_APP, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    reference = run("export", "myproj.realtime:spec", cwd=tmp_path).stdout
    assert reference.startswith("asyncapi: 3.0.0")
    for target, cwd in (
        ("myproj.realtime:sio", tmp_path),  # a server with a spec attached
        ("myproj.realtime:app", tmp_path),  # socketio.ASGIApp around it
        ("myproj/realtime.py:spec", tmp_path),  # a file path
        ("../myproj/realtime.py:app", elsewhere),  # relative to the current directory
        (f"{package / 'realtime.py'}:sio", elsewhere),  # absolute
    ):
        proc = run_here("export", target, cwd=cwd)
        assert proc.returncode == 0, (target, proc.stderr)
        assert proc.stdout == reference, target
    assert run("export", "../myproj/realtime.py:app", cwd=elsewhere).stdout == reference

    sync_reference = run_here("export", "myproj.sync_app:sio", cwd=tmp_path)
    assert sync_reference.returncode == 0, sync_reference.stderr
    assert run_here("export", "myproj.sync_app:wsgi", cwd=tmp_path).stdout == sync_reference.stdout

    flask_reference = run_here("export", "myproj.sync_app:flask_spec", cwd=tmp_path)
    assert "Flask API" in flask_reference.stdout
    for target in ("myproj.sync_app:socketio_ext", "myproj.sync_app:flask_app"):
        proc = run_here("export", target, cwd=tmp_path)
        assert proc.stdout == flask_reference.stdout, (target, proc.stderr)


def test_file_target_imports_sibling_modules(tmp_path: Path) -> None:
    """Like ``python file.py``: the file's directory is importable."""
    (tmp_path / "models.py").write_text(
        "from pydantic import BaseModel\n\nclass Chat(BaseModel):\n    text: str\n",
        encoding="utf-8",
    )
    (tmp_path / "server.py").write_text(
        textwrap.dedent("""
        import socketio
        from models import Chat
        from sio_spec import SocketIOSpec

        sio = socketio.AsyncServer(async_mode="asgi")
        spec = SocketIOSpec(sio, title="Chat", version="2.0.0")
        spec.emits("chat", Chat)
    """),
        encoding="utf-8",
    )
    other = tmp_path / "other"
    other.mkdir()
    proc = run("export", "../server.py:spec", "--format", "json", cwd=other)
    assert proc.returncode == 0, proc.stderr
    assert "Chat" in json.loads(proc.stdout)["components"]["schemas"]


# -- check -------------------------------------------------------------------------------


def test_check_passes_then_fails_after_a_model_change(tmp_path: Path) -> None:
    write_app(tmp_path)
    for name in ("doc.yaml", "doc.json"):
        assert run("export", "game.py:spec", "-o", name, cwd=tmp_path).returncode == 0
        ok = run("check", "game.py:spec", name, cwd=tmp_path)
        assert ok.returncode == 0, ok.stdout + ok.stderr
        assert ok.stdout == ""

    write_app(tmp_path, extra_field="\n    player: str = 'X'")
    stale = run("check", "game.py:spec", "doc.yaml", cwd=tmp_path, script=True)
    assert stale.returncode == 1, stale.stderr
    assert stale.stdout.startswith("--- doc.yaml\n+++ ")
    assert re.search(r"^\+ +player:$", stale.stdout, re.M), stale.stdout
    assert "sio-spec export game.py:spec -o doc.yaml" in stale.stderr
    assert len(stale.stderr.strip().splitlines()) == 1

    stale_json = run("check", "game.py:spec", "doc.json", cwd=tmp_path)
    assert stale_json.returncode == 1
    assert '+      "player": {' in stale_json.stdout or '"player"' in stale_json.stdout

    # the command printed on stderr fixes it
    fix = shlex.split(stale.stderr.split("with: ", 1)[1].strip())
    assert fix[0] == "sio-spec"
    assert run(*fix[1:], cwd=tmp_path, script=True).returncode == 0
    assert run("check", "game.py:spec", "doc.yaml", cwd=tmp_path).returncode == 0


def test_check_respects_the_asyncapi_version(tmp_path: Path) -> None:
    write_app(tmp_path)
    run("export", "game.py:spec", "-o", "v2.yaml", "--asyncapi-version", "2.6.0", cwd=tmp_path)
    assert (
        run(
            "check", "game.py:spec", "v2.yaml", "--asyncapi-version", "2.6.0", cwd=tmp_path
        ).returncode
        == 0
    )
    wrong = run("check", "game.py:spec", "v2.yaml", cwd=tmp_path)
    assert wrong.returncode == 1
    assert "-asyncapi: 2.6.0" in wrong.stdout and "+asyncapi: 3.0.0" in wrong.stdout


def test_check_missing_file(tmp_path: Path) -> None:
    write_app(tmp_path)
    proc = run_here("check", "game.py:spec", "nothing.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert "nothing.yaml does not exist" in proc.stderr
    assert "sio-spec export game.py:spec -o nothing.yaml" in proc.stderr


def test_a_bad_example_warns_and_strict_fails(tmp_path: Path) -> None:
    bad = "{'game_id': 'five', 'x': 0, 'y': 0}"
    write_app(
        tmp_path,
        extra_field=f"\n    model_config = {{'json_schema_extra': {{'examples': [{bad}]}}}}",
    )
    # without --strict: the document is written, the bad example left out with a warning
    lenient = run("export", "game.py:spec", "-o", "doc.yaml", cwd=tmp_path)
    assert lenient.returncode == 0, lenient.stderr
    assert "example 1 of the payload of event 'make_move'" in lenient.stderr
    from ruamel.yaml import YAML

    doc = YAML(typ="safe").load((tmp_path / "doc.yaml").read_text())
    assert "examples" not in doc["channels"]["root_make_move"]["messages"]["make_move"]
    assert run("check", "game.py:spec", "doc.yaml", cwd=tmp_path).returncode == 0
    # with --strict (CI): export and check fail naming the example, and write nothing
    for args in (
        ("export", "game.py:spec", "-o", "strict.yaml"),
        ("check", "game.py:spec", "doc.yaml"),
    ):
        strict = run(*args, "--strict", cwd=tmp_path)
        line = one_error_line(strict)
        assert "example 1 of the payload of event 'make_move'" in line
        assert "--strict" in line
    assert not (tmp_path / "strict.yaml").exists()
    # a clean app passes --strict
    write_app(tmp_path)
    assert run("export", "game.py:spec", "--strict", cwd=tmp_path).returncode == 0


# -- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("game_no_colon", "invalid TARGET 'game_no_colon'"),
        ("game.py:", "invalid TARGET"),
        ("game.py:1abc", "invalid attribute '1abc'"),
        ("no_such_module_zz:spec", "module not found: 'no_such_module_zz'"),
        ("no_such_pkg_zz.sub:spec", "module not found: 'no_such_pkg_zz.sub'"),
        ("missing.py:spec", "file not found: missing.py"),
        ("game.py:nope", "'game.py' has no attribute 'nope'"),
        ("game:spec.nope", "'game' has no attribute 'spec.nope'"),
        ("game.py:not_a_spec", "is a builtins.int: expected a SocketIOSpec"),
        ("game.py:Move", "expected a SocketIOSpec"),
        ("broken.py:spec", "error while importing 'broken.py': RuntimeError: boom"),
        (
            "needs_dep:spec",
            "error while importing 'needs_dep': ModuleNotFoundError: "
            "No module named 'dependency_zz'",
        ),
    ],
)
def test_bad_targets(tmp_path: Path, target: str, message: str) -> None:
    write_app(tmp_path)
    (tmp_path / "broken.py").write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    (tmp_path / "needs_dep.py").write_text("import dependency_zz\n", encoding="utf-8")
    line = one_error_line(run_here("export", target, cwd=tmp_path))
    assert message in line


def test_server_without_spec(tmp_path: Path) -> None:
    (tmp_path / "sync_app.py").write_text(SYNC_APP, encoding="utf-8")
    line = one_error_line(run_here("check", "sync_app.py:bare", "x.yaml", cwd=tmp_path))
    assert "socketio.server.Server" in line and "none found" in line


def test_error_exit_status_of_the_real_process(tmp_path: Path) -> None:
    for script in (False, True):
        line = one_error_line(run("export", "no_such_module_zz:spec", cwd=tmp_path, script=script))
        assert line == "sio-spec: error: module not found: 'no_such_module_zz'"


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    proc = run("--debug", "export", "broken.py:spec", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" in proc.stderr
    assert "RuntimeError: boom" in proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("export",),
        ("frobnicate", "x:y"),
        ("export", "game.py:spec", "--asyncapi-version", "9.9.9"),
        ("export", "game.py:spec", "--format", "xml"),
        ("check", "game.py:spec"),
        ("serve", "game.py:spec", "--port", "eighty"),
        # options that would be ignored
        ("check", "game.py:spec", "--against", "doc.yaml", "--strict"),
        ("check", "game.py:spec", "--against", "doc.yaml", "--asyncapi-version", "3.1.0"),
        ("check", "game.py:spec", "types.ts", "--asyncapi-version", "2.6.0"),
        ("export", "game.py:spec", "--format", "typescript", "--asyncapi-version", "3.1.0"),
        ("export", "game.py:spec", "-o", "types.ts", "--asyncapi-version", "3.0.0"),
        ("export", "game.py:spec", "--format", "agent", "--asyncapi-version", "3.1.0"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    write_app(tmp_path)
    proc = run_here(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert "usage: sio-spec" in proc.stderr
    assert proc.stdout == ""


CONTRACT_FIRST = """
import pathlib

import socketio

from sio_spec import SocketIOSpec

sio = socketio.Server(async_mode="threading")
spec = SocketIOSpec.from_document(sio, str(pathlib.Path(__file__).with_name("{document}")))


@sio.on("make_move")
def make_move(sid, data):
    return {{"ok": True}}
"""


@pytest.mark.parametrize("version", ["2.6.0", "3.1.0"])
def test_contract_first_targets(tmp_path: Path, version: str) -> None:
    """A ``from_document`` spec is read from the document it publishes, whatever its
    version: types, agent catalog, check --against and diff all work."""
    write_app(tmp_path)
    document = f"contract-{version}.json"
    exported = run_here(
        "export", "game.py:spec", "-o", document, "--asyncapi-version", version, cwd=tmp_path
    )
    assert exported.returncode == 0, exported.stderr
    (tmp_path / "first.py").write_text(CONTRACT_FIRST.format(document=document), encoding="utf-8")

    types = run_here("export", "first.py:spec", "--format", "typescript", cwd=tmp_path)
    assert types.returncode == 0, types.stderr
    model_types = run_here("export", "game.py:spec", "--format", "typescript", cwd=tmp_path)
    assert types.stdout == model_types.stdout
    assert "ClientToServerEvents" in types.stdout

    agent = run_here("export", "first.py:spec", "--format", "agent", cwd=tmp_path)
    assert agent.returncode == 0, agent.stderr
    catalog = json.loads(agent.stdout)
    assert catalog["asyncapi_version"] == version
    assert {e["name"] for e in catalog["events"]} == {"make_move", "move_made"}

    agrees = run_here("check", "first.py:spec", "--against", document, cwd=tmp_path)
    assert agrees.returncode == 0, agrees.stderr
    assert "keeps the contract" in agrees.stderr
    for args in (("first.py:spec", document), (document, "first.py:spec")):
        same = run_here("diff", *args, cwd=tmp_path)
        assert same.returncode == 0, same.stderr
    assert run_here("export", "first.py:spec", "--strict", cwd=tmp_path).returncode == 0


def test_strict_checks_the_examples_of_a_contract_first_document(tmp_path: Path) -> None:
    write_app(tmp_path)
    assert run_here("export", "game.py:spec", "-o", "doc.json", cwd=tmp_path).returncode == 0
    doc = json.loads((tmp_path / "doc.json").read_text(encoding="utf-8"))
    message = doc["channels"]["root_make_move"]["messages"]["make_move"]
    message["examples"] = [
        {"payload": {"game_id": 1, "x": 0, "y": 0}},
        {"payload": {"game_id": "five", "x": 0, "y": 0}},
    ]
    (tmp_path / "bad.json").write_text(json.dumps(doc), encoding="utf-8")
    (tmp_path / "first.py").write_text(CONTRACT_FIRST.format(document="bad.json"), encoding="utf-8")
    lenient = run_here("export", "first.py:spec", "--format", "json", cwd=tmp_path)
    assert lenient.returncode == 0  # the document is published as given
    assert json.loads(lenient.stdout) == doc
    for args in (("export", "first.py:spec"), ("check", "first.py:spec", "bad.json")):
        line = one_error_line(run_here(*args, "--strict", cwd=tmp_path))
        assert "example 2 of 'make_move'" in line and "'five' is not of type 'integer'" in line
        assert line.endswith("(--strict)")


def test_version(tmp_path: Path) -> None:
    for script in (False, True):
        proc = run("--version", cwd=tmp_path, script=script)
        assert proc.returncode == 0
        assert proc.stdout.strip() == f"sio-spec {sio_spec.__version__}"


def test_unwritable_output(tmp_path: Path) -> None:
    write_app(tmp_path)
    line = one_error_line(
        run_here("export", "game.py:spec", "-o", "no/such/dir/doc.yaml", cwd=tmp_path)
    )
    assert "cannot write no/such/dir/doc.yaml" in line


# -- serve -------------------------------------------------------------------------------


class Served:
    """``sio-spec serve`` in a subprocess; the URL it prints, once it answers."""

    def __init__(self, *args: str, cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [str(CONSOLE_SCRIPT), "serve", *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        assert self.proc.stdout is not None
        stdout = self.proc.stdout
        threading.Thread(target=lambda: self.lines.extend(stdout), daemon=True).start()

    def url(self) -> str:
        def printed() -> str | None:
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited: {self.proc.stderr.read()}")  # type: ignore[union-attr]
            for line in self.lines:
                found = re.search(r"http://\S+", line)
                if found:
                    return found.group(0)
            return None

        return wait_for(printed, timeout=30, message="serve printed no URL")

    def stop(self) -> int:
        self.proc.terminate()
        try:
            return self.proc.wait(10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(5)


def test_serve_target(tmp_path: Path) -> None:
    write_app(tmp_path)
    port = free_port()
    server = Served("game.py:spec", "--port", str(port), cwd=tmp_path)
    try:
        page_url = server.url()
        assert page_url == f"http://127.0.0.1:{port}/asyncapi"
        page = requests.get(page_url, timeout=5)
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert "make_move" in page.text and 'id="sio-spec-model"' in page.text
        assert "script-src 'sha256-" in page.headers["content-security-policy"]
        assert '"console":false' in page.text  # no Socket.IO server to connect to
        root = requests.get(f"http://127.0.0.1:{port}/", timeout=5, allow_redirects=False)
        assert root.status_code in (302, 307)
        assert root.headers["location"] == "/asyncapi"
        as_json = requests.get(page_url + ".json?version=2.6.0", timeout=5)
        assert as_json.json()["asyncapi"] == "2.6.0"
        assert requests.get(page_url + ".yaml", timeout=5).text.startswith("asyncapi: 3.0.0")
    finally:
        assert server.stop() in (0, -15)


def test_serve_react_viewer(tmp_path: Path) -> None:
    write_app(tmp_path)
    server = Served("game.py:spec", "--port", "0", "--viewer", "asyncapi-react", cwd=tmp_path)
    try:
        page = requests.get(server.url(), timeout=5)
        assert "AsyncApiStandalone.render" in page.text
    finally:
        assert server.stop() in (0, -15)


def test_serve_file(tmp_path: Path) -> None:
    write_app(tmp_path)
    run("export", "game.py:spec", "-o", "doc.yaml", cwd=tmp_path)
    server = Served("doc.yaml", "--port", "0", cwd=tmp_path)
    try:
        page_url = server.url()
        assert not page_url.endswith(":0/asyncapi")
        page = requests.get(page_url, timeout=5)
        assert "make_move" in page.text
        assert requests.get(page_url + ".yaml", timeout=5).text == (
            tmp_path / "doc.yaml"
        ).read_text(encoding="utf-8")
        assert requests.get(page_url + ".json?version=2.6.0", timeout=5).status_code == 400
    finally:
        assert server.stop() in (0, -15)


def test_serve_bad_file(tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    line = one_error_line(run_here("serve", "notes.yaml", cwd=tmp_path))
    assert "not an AsyncAPI document" in line
    line = one_error_line(run_here("serve", "absent.json", cwd=tmp_path))
    assert "cannot read absent.json" in line


@pytest.mark.parametrize(
    "args",
    [
        ("export", "broken.py:spec", "--debug"),
        ("export", "--debug", "broken.py:spec"),
        ("check", "broken.py:spec", "asyncapi.yaml", "--debug"),
    ],
)
def test_debug_is_accepted_after_the_subcommand(tmp_path: Path, args: tuple[str, ...]) -> None:
    (tmp_path / "broken.py").write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    proc = run_here(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" in proc.stderr
    assert "RuntimeError: boom" in proc.stderr


def test_without_debug_no_traceback_after_the_subcommand(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    line = one_error_line(run_here("export", "broken.py:spec", cwd=tmp_path))
    assert "RuntimeError: boom" in line


@pytest.mark.parametrize(
    ("fmt", "output"),
    [("json", "out.yaml"), ("yaml", "out.json"), ("typescript", "out.yml"), ("agent", "api.ts")],
)
def test_export_refuses_a_format_its_extension_contradicts(
    tmp_path: Path, fmt: str, output: str
) -> None:
    write_app(tmp_path)
    line = one_error_line(
        run_here("export", "game.py:spec", "--format", fmt, "-o", output, cwd=tmp_path)
    )
    assert f"--format {fmt} does not match the extension of {output}" in line
    assert not (tmp_path / output).exists()


@pytest.mark.parametrize(
    ("fmt", "output"), [("json", "out.json"), ("agent", "agent.json"), ("yaml", "out.txt")]
)
def test_export_format_and_extension_that_agree(tmp_path: Path, fmt: str, output: str) -> None:
    write_app(tmp_path)
    proc = run_here("export", "game.py:spec", "--format", fmt, "-o", output, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / output).stat().st_size > 0


def test_export_json_to_a_json_file_then_check_passes(tmp_path: Path) -> None:
    write_app(tmp_path)
    assert (
        run_here(
            "export", "game.py:spec", "--format", "json", "-o", "a.json", cwd=tmp_path
        ).returncode
        == 0
    )
    proc = run_here("check", "game.py:spec", "a.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr

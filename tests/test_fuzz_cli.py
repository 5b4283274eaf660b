"""``sio-spec fuzz`` on the command line: over a real connection (``--url``) against
servers that are not sio-spec (a plain python-socketio server with a hand-written
document, node's socket.io server publishing its own), in process for a TARGET,
its JSON and JUnit XML reports, exit codes and the progress bar."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import socket
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import socketio
from support.external import JS_DIR, node, node_modules
from support.servers import run_asgi, url

ROOT = Path(__file__).resolve().parent.parent

# -- a plain python-socketio server and its hand-written document ----------------------------

DOCUMENT = """
asyncapi: 3.0.0
info: {title: plain python-socketio server, version: 1.0.0}
channels:
  root:
    address: /
    x-connect-auth:
      type: object
      properties: {token: {type: string, minLength: 1}}
      required: [token]
    messages:
      add:
        payload:
          type: object
          properties: {a: {type: integer}, b: {type: integer}}
          required: [a, b]
      addAck:
        payload: {type: object, properties: {sum: {type: integer}}, required: [sum]}
      stats:
        payload:
          type: object
          properties: {values: {type: array, items: {type: number}, minItems: 1}}
          required: [values]
      statsAck:
        payload: {type: object, properties: {mean: {type: number}}, required: [mean]}
      store:
        payload:
          type: object
          properties: {key: {type: string, maxLength: 8}, value: {type: integer}}
          required: [key, value]
          additionalProperties: false
      stored:
        payload: {type: boolean}
      invalid:
        payload: {$ref: '#/components/schemas/SioSpecValidationError'}
operations:
  add:
    action: receive
    channel: {$ref: '#/channels/root'}
    messages: [{$ref: '#/channels/root/messages/add'}]
    reply:
      messages:
        - {$ref: '#/channels/root/messages/addAck'}
        - {$ref: '#/channels/root/messages/invalid'}
  stats:
    action: receive
    channel: {$ref: '#/channels/root'}
    messages: [{$ref: '#/channels/root/messages/stats'}]
    reply: {messages: [{$ref: '#/channels/root/messages/statsAck'}]}
  store:
    action: receive
    channel: {$ref: '#/channels/root'}
    messages: [{$ref: '#/channels/root/messages/store'}]
    reply:
      messages:
        - {$ref: '#/channels/root/messages/stored'}
        - {$ref: '#/channels/root/messages/invalid'}
components:
  schemas:
    SioSpecValidationError:
      type: object
      properties:
        error: {const: validation_error}
        message: {type: string}
      required: [error]
"""


def plain_server() -> socketio.AsyncServer:
    """Validates auth and ``add`` by hand, breaks the ``stats`` ack for more than two
    values, and stores whatever it gets although its document promises validation."""
    sio = socketio.AsyncServer(async_mode="asgi")

    def invalid() -> dict[str, Any]:
        return {"error": "validation_error", "message": "invalid payload"}

    @sio.event
    async def connect(sid: str, environ: Any, auth: Any) -> bool:
        token = auth.get("token") if isinstance(auth, dict) else None
        return isinstance(token, str) and len(token) >= 1

    @sio.event
    async def add(sid: str, data: Any = None) -> Any:
        if not isinstance(data, dict):
            return invalid()
        a, b = data.get("a"), data.get("b")
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (a, b)):
            return invalid()
        return {"sum": a + b}

    @sio.event
    async def stats(sid: str, data: Any) -> Any:
        values = data["values"]
        mean = sum(values) / len(values) if len(values) <= 2 else None
        return {"mean": mean}

    @sio.event
    async def store(sid: str, data: Any = None) -> Any:
        return True

    return sio


def sio_spec(
    *args: str, cwd: Path = ROOT, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "sio_spec", "fuzz", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def test_url_against_a_plain_python_socketio_server(tmp_path: Path) -> None:
    document = tmp_path / "asyncapi.yaml"
    document.write_text(DOCUMENT)
    junit = tmp_path / "fuzz.xml"
    with run_asgi(socketio.ASGIApp(plain_server())) as port:
        done = sio_spec(
            str(document),
            "--url",
            url(port),
            "--examples",
            "15",
            "--seed",
            "9",
            "--timeout",
            "2",
            "--format",
            "json",
        )
        assert done.returncode == 1, done.stderr
        report = json.loads(done.stdout)
        found = {(f["event"], f["kind"]): f for f in report["findings"]}
        assert set(found) == {("stats", "invalid_ack"), ("store", "accepts_invalid")}
        assert report["sent"] > 15 * 4 and report["seed"] == 9
        for f in report["findings"]:
            assert set(f) >= {"namespace", "event", "kind", "payload", "answer", "message"}
            assert f["replay"].startswith("sio-spec fuzz ") and "--seed 9" in f["replay"]
        stats = found[("stats", "invalid_ack")]
        assert len(stats["payload"][0]["values"]) == 3  # shrunk: the fewest values that fail
        assert stats["answer"] == [{"mean": None}]

        # the shrunk payloads, sent again by hand, do the same
        client = socketio.Client(reconnection=False)
        client.connect(url(port), auth={"token": "t"}, wait_timeout=5)
        try:
            assert client.call("stats", stats["payload"][0], timeout=5) == {"mean": None}
            bad = found[("store", "accepts_invalid")]["payload"][0]
            assert client.call("store", bad, timeout=5) is True
        finally:
            client.disconnect()

        done = sio_spec(
            str(document),
            "--url",
            url(port),
            "--examples",
            "10",
            "--seed",
            "9",
            "--format",
            "junit",
            "-o",
            str(junit),
        )
    assert done.returncode == 1
    assert "2 findings" in done.stdout  # the text summary still goes to stdout
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert int(suite.get("tests", "0")) == len(cases) >= 7
    failed = {c.get("name"): c.find("failure") for c in cases if c.find("failure") is not None}
    assert set(failed) == {"stats (valid)", "store (invalid)"}
    assert failed["stats (valid)"].get("type") == "invalid_ack"  # type: ignore[union-attr]
    assert "replay: sio-spec fuzz" in (failed["stats (valid)"].text or "")  # type: ignore[union-attr]
    names = {c.get("name") for c in cases}
    assert {"connect (auth)", "connect (invalid auth)", "add (valid)", "add (invalid)"} <= names


@contextlib.contextmanager
def node_server() -> Iterator[int]:
    node_modules()
    proc = subprocess.Popen(
        [node(), str(JS_DIR / "fuzz_server.mjs")],
        cwd=JS_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the node server did not start: {proc.stderr.read()}")  # type: ignore[union-attr]
        yield int(json.loads(line)["port"])
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def test_url_against_node_socket_io_publishing_its_document() -> None:
    with node_server() as port:
        done = sio_spec(
            url(port, "/asyncapi.json"),
            "--examples",
            "15",
            "--seed",
            "4",
            "--timeout",
            "2",
            "--format",
            "json",
        )
        assert done.returncode == 1, done.stderr
        report = json.loads(done.stdout)
        (finding,) = report["findings"]
        assert (finding["event"], finding["kind"]) == ("shout", "invalid_ack")
        assert finding["payload"] == ["0000"] and finding["answer"] == [4]
        assert report["skipped"] == []  # "noted" was sent by the server, and matched
        client = socketio.Client(reconnection=False)
        client.connect(url(port), wait_timeout=5)
        try:
            assert client.call("shout", finding["payload"][0], timeout=5) == 4
            assert client.call("shout", "abc", timeout=5) == "ABC"
        finally:
            client.disconnect()


APP = """
import socketio
from pydantic import BaseModel, Field
from sio_spec import SocketIOSpec

sio = socketio.Server(async_mode="threading")
spec = SocketIOSpec(sio)


class Item(BaseModel):
    name: str = Field(max_length=10)
    count: int = Field(ge=0)


@spec.on("keep")
def keep(sid, item: Item) -> int:
    return item.count
"""


def test_target_in_process_text_output_and_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "shop.py").write_text(textwrap.dedent(APP))
    done = sio_spec("shop.py:sio", "--examples", "10", "--seed", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("0 findings; 2 checks")
    assert "\r" not in done.stderr  # no progress bar off a terminal

    done = sio_spec("shop.py:sio", "--examples", "5", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0 and json.loads(done.stdout)["findings"] == []

    for args, message in [
        (["asyncapi.yaml"], "needs --url"),
        (["shop.py:sio", "--auth", "{not json"], "--auth is not valid JSON"),
        (["shop.py:sio", "--examples", "0"], "--examples"),
        (["shop.py:missing"], "no attribute"),
        (["shop.py:sio", "--format", "xml"], "invalid choice"),
        (["shop.py:sio", "--event", "keeep"], "did you mean 'keep'"),
        (["shop.py:sio", "--namespace", "/nope"], "the contract has '/'"),
    ]:
        done = sio_spec(*args, cwd=tmp_path)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert message in done.stderr
        assert "Traceback" not in done.stderr


def test_a_url_where_nothing_answers_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "asyncapi.yaml").write_text(DOCUMENT)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, not listening: connections are refused
        done = sio_spec("asyncapi.yaml", "--url", url(port), "--examples", "3", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "no Socket.IO server answers there" in done.stderr
    assert "Traceback" not in done.stderr


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    (tmp_path / "shop.py").write_text(textwrap.dedent(APP))
    primary, secondary = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sio_spec", "fuzz", "shop.py:sio", "--examples", "5"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=secondary,
        env=env,
    )
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(120) == 0
    os.close(primary)
    assert b"\r" in seen and b"2/2" in seen and b"[####" in seen


def test_url_with_a_target_for_the_contract() -> None:
    # the contract from the code, the server over a socket: a deployed copy of the app
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "fuzz_example_served", ROOT / "examples" / "fuzz" / "app.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its models' annotations resolve in the module
    spec.loader.exec_module(module)
    with run_asgi(module.app) as port:
        done = sio_spec(
            "examples/fuzz/app.py:sio",
            "--url",
            url(port),
            "--examples",
            "10",
            "--seed",
            "2",
            "--format",
            "json",
        )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["findings"] == [] and report["sent"] >= 40
    assert report["skipped"] == []  # seats_left, sent on connect and on booking, was checked


def test_python_api_over_a_real_connection() -> None:
    from sio_spec.testing import fuzz

    with run_asgi(socketio.ASGIApp(plain_server())) as port:
        report = fuzz(
            None, url=url(port), document=DOCUMENT, examples=8, seed=3, events=["add", "stats"]
        )
    assert {(f.event, f.kind) for f in report.findings} == {("stats", "invalid_ack")}
    (finding,) = report.findings
    assert "document=..." in finding.replay and f"url='{url(port)}'" in finding.replay


def test_the_cli_reads_the_fuzz_runner_only_when_it_runs() -> None:
    code = (
        "import sys, sio_spec.cli; sio_spec.cli.build_parser(); "
        "print(sorted({'socketio', 'hypothesis'} & set(sys.modules)))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.stdout.strip() == "[]", done.stderr

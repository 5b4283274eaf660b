"""``sio-spec mock``: the command line, in a real process on a loopback port.

Bad documents get the one-line errors and exit status 2 that ``diff`` gives for the
same file; a served mock answers the example's front-end script, logs one line per
event, and gives the same generated answers for the same ``--seed``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio

from sio_spec.cli import main

ROOT = Path(__file__).resolve().parent.parent
CHAT = ROOT / "examples" / "mock" / "asyncapi.yaml"
TIMEOUT = 30


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


BAD = {
    "missing.yaml": None,
    "broken.yaml": "asyncapi: 3.0.0\ninfo: [unclosed\n",
    "not-asyncapi.json": '{"openapi": "3.1.0"}',
    "malformed.yaml": "asyncapi: 3.0.0\ninfo: {title: x, version: '1'}\nchannels: 5\n",
    "old.yaml": "asyncapi: 1.2.0\ninfo: {title: x, version: '1'}\n",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_documents_get_the_one_line_errors_of_diff(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = BAD[name]
    if text is not None:
        (tmp_path / name).write_text(text, encoding="utf-8")
    code, out, err = run_cli(capsys, "mock", name, "--port", "0")
    diff_code, _, diff_err = run_cli(capsys, "diff", name, name)
    assert (code, out) == (2, "")
    assert err.startswith("sio-spec: error: ") and err.count("\n") == 1
    assert "Traceback" not in err
    assert (diff_code, diff_err) == (2, err)


def test_a_schema_that_cannot_be_compiled_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pattern.yaml"
    path.write_text(
        "asyncapi: 3.0.0\ninfo: {title: x, version: '1'}\n"
        "channels:\n  root:\n    address: /\n    messages:\n      m:\n        name: m\n"
        "        payload: {type: string, pattern: '(unclosed'}\n"
        "operations:\n  m:\n    action: receive\n    channel: {$ref: '#/channels/root'}\n"
        "    messages: [{$ref: '#/channels/root/messages/m'}]\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(capsys, "mock", str(path))
    assert (code, out) == (2, "")
    assert err.startswith(f"sio-spec: error: {path} is not a valid AsyncAPI document: ")
    assert err.count("\n") == 1


def test_reading_limits_apply_as_for_diff(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "mock", str(CHAT), "--max-bytes", "100")
    diff_code, _, diff_err = run_cli(capsys, "diff", str(CHAT), str(CHAT), "--max-bytes", "100")
    assert (code, out) == (2, "")
    assert err.startswith("sio-spec: error: ") and err.count("\n") == 1
    assert (diff_code, diff_err) == (2, err)
    code, out, err = run_cli(capsys, "mock", str(CHAT), "--max-depth", "3")
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf"])
def test_emit_every_must_be_a_positive_number(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["mock", str(CHAT), f"--emit-every={value}"])
    assert exited.value.code == 2
    assert "--emit-every" in capsys.readouterr().err


# -- a served mock -------------------------------------------------------------------------------


class Served:
    def __init__(self, proc: subprocess.Popen[str], url: str) -> None:
        self.proc = proc
        self.url = url
        self.log: list[str] = []


@contextlib.contextmanager
def serve(*args: str) -> Iterator[Served]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sio_spec", "mock", *args, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    reader: threading.Thread | None = None
    try:
        assert proc.stdout is not None and proc.stderr is not None
        banner = proc.stdout.readline()
        found = re.search(r"at (http://127\.0\.0\.1:\d+) ", banner)
        assert found is not None, (banner, proc.stderr.read() if proc.poll() is not None else "")
        served = Served(proc, found.group(1))
        stderr = proc.stderr
        reader = threading.Thread(target=lambda: served.log.extend(stderr), daemon=True)
        reader.start()
        yield served
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(TIMEOUT)
        if reader is not None:
            reader.join(TIMEOUT)


def test_the_example_front_end_runs_against_the_served_mock() -> None:
    with serve(str(CHAT), "--seed", "1", "--emit-every", "0.2") as served:
        done = subprocess.run(
            [sys.executable, str(ROOT / "examples" / "mock" / "frontend.py"), served.url],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            cwd=ROOT,
        )
        served.proc.send_signal(signal.SIGINT)
        assert served.proc.wait(TIMEOUT) == 130  # stopped by CTRL+C, as a shell reports it
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        'send_message -> {"id": 1, "room": "lobby", "sent_at": "2026-01-01T12:00:00Z", '
        '"text": "hello"}'
    )
    room = json.loads(lines[1].removeprefix("join -> "))
    assert isinstance(room["name"], str) and 0 <= room["members"] <= 1000
    assert lines[2] == "send_message without text -> validation_error ['text']"
    assert re.fullmatch(r"server event (message|presence) -> \[.*\]", lines[3])
    log = "".join(served.log)
    assert "in /chat 'send_message' from " in log and ": ack, example 1" in log
    assert "in /chat 'join' from " in log and ": ack, generated" in log
    assert ": validation_error (1 problem(s))" in log
    assert re.search(r"out /chat '(message|presence)' to 1 client\(s\)", log)
    assert "Traceback" not in log


def generated_answers(served: Served) -> list[Any]:
    client = socketio.SimpleClient()
    client.connect(
        served.url, namespace="/chat", auth={"token": "12345678"}, transports=["websocket"]
    )
    try:
        return [client.call("join", "room", timeout=TIMEOUT) for _ in range(3)]
    finally:
        client.disconnect()


def test_the_same_seed_answers_the_same_in_another_process() -> None:
    with serve(str(CHAT), "--seed", "2024") as served:
        first = generated_answers(served)
    with serve(str(CHAT), "--seed", "2024") as served:
        again = generated_answers(served)
    with serve(str(CHAT)) as served:
        unseeded = generated_answers(served)
    assert first == again
    assert first != unseeded


def test_a_target_is_mocked_from_the_document_its_server_publishes() -> None:
    with serve("examples/asgi/app.py:app", "--seed", "5") as served:
        client = socketio.SimpleClient()
        client.connect(served.url, transports=["websocket"])
        try:
            note = client.call("add_note", {"title": "x", "body": "y"}, timeout=TIMEOUT)
            invalid = client.call("add_note", {"body": 5}, timeout=TIMEOUT)
        finally:
            client.disconnect()
    assert isinstance(note, dict) and isinstance(note["id"], int)
    assert invalid["error"] == "validation_error"

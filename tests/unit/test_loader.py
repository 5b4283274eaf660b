"""Finding a spec from a TARGET and reading document files (``sio_spec.loader``), in process.

The CLI runs the same functions in subprocesses (``tests/test_cli.py``); here they
are called directly, so each case costs an import, not an interpreter.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import socketio

from sio_spec import SioSpecError, SocketIOSpec
from sio_spec.loader import (
    TargetError,
    find_spec,
    is_document_file,
    load_document_file,
    load_source,
    load_target,
)
from sio_spec.web import asgi_docs, wsgi_docs

APP = """
import socketio
from sio_spec import SocketIOSpec

sio = socketio.AsyncServer(async_mode="asgi")
spec = SocketIOSpec(sio, title="{title}", version="1.0.0")
app = socketio.ASGIApp(sio)
holder = type("Holder", (), {{"inner": spec}})
not_a_spec = 42

if __name__ == "__main__":
    raise SystemExit("the __main__ block must not run on import")
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory to write modules into; ``sys.path`` and the modules imported from
    it are restored afterwards."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        module = sys.modules.get(name)
        if str(tmp_path) in str(getattr(module, "__file__", "") or ""):
            del sys.modules[name]


def write(directory: Path, name: str, title: str = "Game") -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(APP.format(title=title), encoding="utf-8")
    return path


def message(exc: pytest.ExceptionInfo[TargetError]) -> str:
    return str(exc.value)


# -- TARGET forms ----------------------------------------------------------------------------


def test_a_file_path_target_finds_the_spec(workdir: Path) -> None:
    write(workdir, "tgt_file_app.py", title="From file")
    spec = load_target("tgt_file_app.py:spec")
    assert isinstance(spec, SocketIOSpec)
    assert spec.info.title == "From file"
    # the same module is not imported twice
    assert load_target(f"{workdir / 'tgt_file_app.py'}:spec") is spec


def test_module_targets_import_from_the_current_directory(workdir: Path) -> None:
    write(workdir, "tgt_pkg/__init__.py")
    write(workdir, "tgt_pkg/realtime.py", title="From module")
    spec = load_target("tgt_pkg.realtime:spec")
    assert spec.info.title == "From module"
    for attr in ("sio", "app", "holder.inner"):
        assert load_target(f"tgt_pkg.realtime:{attr}") is spec


def test_targets_that_name_no_spec_explain_why(workdir: Path) -> None:
    write(workdir, "tgt_errors_app.py")
    cases = {
        "no_colon": "invalid TARGET 'no_colon': expected 'module:attribute'",
        "tgt_errors_app.py:1bad": "invalid attribute '1bad'",
        "tgt_errors_app.py:missing": "'tgt_errors_app.py' has no attribute 'missing'",
        "tgt_errors_app.py:not_a_spec": "'tgt_errors_app.py:not_a_spec' is a builtins.int",
        "nowhere.py:spec": "file not found: nowhere.py",
        "tgt_no_such_module:spec": "module not found: 'tgt_no_such_module'",
    }
    for target, expected in cases.items():
        with pytest.raises(TargetError) as exc:
            load_target(target)
        assert expected in message(exc), target
        assert isinstance(exc.value, SioSpecError)


def test_an_import_error_is_reported_on_one_line_without_traceback(workdir: Path) -> None:
    (workdir / "tgt_broken.py").write_text(
        textwrap.dedent(
            """
            import tgt_missing_dependency
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(TargetError) as exc:
        load_target("tgt_broken.py:spec")
    assert message(exc) == (
        "error while importing 'tgt_broken.py': "
        "ModuleNotFoundError: No module named 'tgt_missing_dependency'"
    )
    with pytest.raises(TargetError) as exc:
        load_target("tgt_broken:spec")
    assert message(exc).startswith("error while importing 'tgt_broken': ModuleNotFoundError")


# -- find_spec -------------------------------------------------------------------------------


def test_find_spec_looks_through_servers_and_apps() -> None:
    sio = socketio.Server()
    spec = SocketIOSpec(sio)
    assert find_spec(spec) is spec
    assert find_spec(sio) is spec
    assert find_spec(socketio.WSGIApp(sio)) is spec
    assert find_spec(wsgi_docs(spec)) is spec
    async_sio = socketio.AsyncServer()
    async_spec = SocketIOSpec(async_sio)
    assert find_spec(socketio.ASGIApp(async_sio)) is async_spec
    assert find_spec(asgi_docs(async_spec, socketio.ASGIApp(async_sio))) is async_spec
    assert find_spec(socketio.Server()) is None
    assert find_spec({"asyncapi": "3.0.0"}) is None
    assert find_spec(None) is None


# -- document files --------------------------------------------------------------------------


def test_document_files_are_read_as_json_or_yaml(tmp_path: Path) -> None:
    document = {"asyncapi": "3.0.0", "info": {"title": "T", "version": "1"}}
    (tmp_path / "doc.json").write_text(json.dumps(document), encoding="utf-8")
    (tmp_path / "doc.yaml").write_text(
        "asyncapi: 3.0.0\ninfo:\n  title: T\n  version: '1'\n", encoding="utf-8"
    )
    assert load_document_file(str(tmp_path / "doc.json")) == document
    assert load_document_file(str(tmp_path / "doc.yaml")) == document
    assert load_source(str(tmp_path / "doc.yaml")) == document


def test_bad_document_files_explain_why(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n", encoding="utf-8")
    cases = {
        "bad.json": "bad.json is not valid JSON: JSONDecodeError",
        "list.yaml": "list.yaml is not an AsyncAPI document (no 'asyncapi' field)",
        "absent.yaml": "cannot read",
    }
    for name, expected in cases.items():
        with pytest.raises(TargetError) as exc:
            load_document_file(str(tmp_path / name))
        assert expected in message(exc), name


def test_document_file_syntax_errors_name_the_line(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("asyncapi: 3.0.0\ninfo: [unclosed\n", encoding="utf-8")
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(TargetError) as exc:
        load_document_file(str(tmp_path / "bad.yaml"))
    assert "bad.yaml is not valid YAML at line 3: " in message(exc)
    assert "\n" not in message(exc)
    with pytest.raises(TargetError) as exc:
        load_document_file(str(tmp_path / "deep.json"))
    assert "deep.json nests deeper than 200 levels (raise the limit with max_depth)" in message(exc)


def test_document_files_and_targets_are_told_apart(workdir: Path) -> None:
    assert is_document_file("asyncapi.yaml")
    assert is_document_file("docs/asyncapi.json")
    assert is_document_file("contract.yml")
    assert not is_document_file("app.py:spec")
    assert not is_document_file("pkg.module:spec")
    write(workdir, "tgt_source_app.py", title="Source")
    source = load_source("tgt_source_app.py:spec")
    assert isinstance(source, SocketIOSpec) and source.info.title == "Source"

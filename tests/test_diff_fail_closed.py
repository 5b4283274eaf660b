"""``sio-spec diff`` and ``check --against`` on hostile or unusual contracts: what the
diff cannot compare is reported as breaking, what it prints cannot be forged, and
what it reads cannot run git options. Driven through the CLI, on document files."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from test_cli import run_here

from sio_spec.contract import read_contract
from sio_spec.diff import diff_contracts


def contract(payload: Any, schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    """A 3.0 document: clients send ``move`` with ``payload``."""
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Game", "version": "1"},
        "channels": {"root": {"address": "/", "messages": {"move": {"payload": payload}}}},
        "operations": {
            "move": {
                "action": "receive",
                "channel": {"$ref": "#/channels/root"},
                "messages": [{"$ref": "#/channels/root/messages/move"}],
            }
        },
        "components": {"schemas": schemas or {}},
    }


BASE = {"type": "object", "properties": {"x": {"type": "integer"}, "tags": {"type": "array"}}}

NARROWINGS = {
    "not": {"not": {"required": ["x"]}},
    "if-then-else": {"if": {"required": ["x"]}, "then": {"required": ["tags"]}},
    "dependentRequired": {"dependentRequired": {"x": ["tags"]}},
    "dependencies": {"dependencies": {"x": ["tags"]}},
    "propertyNames": {"propertyNames": {"maxLength": 1}},
    "patternProperties": {"patternProperties": {"^y": {"type": "string"}}},
    "nested not": {"properties": {"x": {"type": "integer", "not": {"const": 3}}}},
    "contains": {"properties": {"tags": {"type": "array", "contains": {"const": "a"}}}},
}


def write(path: Path, document: dict[str, Any]) -> str:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path.name


def merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if key == "properties":
            out["properties"] = {**out["properties"], **value}
        else:
            out[key] = value
    return out


@pytest.mark.parametrize("name", sorted(NARROWINGS))
def test_keywords_the_diff_does_not_model_are_breaking(tmp_path: Path, name: str) -> None:
    old = write(tmp_path / "old.json", contract(BASE))
    new = write(tmp_path / "new.json", contract(merged(BASE, NARROWINGS[name])))
    done = run_here("diff", old, new, cwd=tmp_path)
    assert done.returncode == 1, done.stdout
    assert "breaking     unclassified" in done.stdout
    assert "(not compared)" in done.stdout
    listed = json.loads(run_here("diff", old, new, "--format", "json", cwd=tmp_path).stdout)
    assert {(c["kind"], c["severity"]) for c in listed["changes"]} == {("unclassified", "breaking")}
    # and the same document against itself stays quiet
    assert run_here("diff", new, new, cwd=tmp_path).stdout == "No changes.\n"


def test_unmodeled_keywords_compare_through_renamed_components(tmp_path: Path) -> None:
    shape = {"type": "string", "not": {"const": "x"}}
    old = contract({"type": "object", "not": {"$ref": "#/components/schemas/A"}}, {"A": shape})
    new = contract({"type": "object", "not": {"$ref": "#/components/schemas/B"}}, {"B": shape})
    assert diff_contracts(read_contract(old), read_contract(new)) == []


def test_a_payload_switched_to_avro_is_breaking(tmp_path: Path) -> None:
    avro = {
        "schemaFormat": "application/vnd.apache.avro;version=1.9.0",
        "schema": {"type": "record", "name": "Move", "fields": [{"name": "x", "type": "int"}]},
    }
    old = write(tmp_path / "old.json", contract(BASE))
    new = write(tmp_path / "new.json", contract(avro))
    done = run_here("diff", old, new, "--format", "json", cwd=tmp_path)
    assert done.returncode == 1
    kinds = {(c["kind"], c["severity"]) for c in json.loads(done.stdout)["changes"]}
    assert ("unclassified", "breaking") in kinds
    changed = copy.deepcopy(avro)
    changed["schema"]["fields"].append({"name": "y", "type": "int"})
    newer = write(tmp_path / "newer.json", contract(changed))
    done = run_here("diff", new, newer, cwd=tmp_path)
    assert done.returncode == 1
    assert "schema format 'application/vnd.apache.avro;version=1.9.0' changed" in done.stdout
    assert run_here("diff", new, new, cwd=tmp_path).returncode == 0


HOSTILE = "<img src=x onerror=alert(1)>`code`|\n  breaking     forged line"


def test_markdown_and_text_output_cannot_be_forged(tmp_path: Path) -> None:
    old = write(tmp_path / "old.json", contract(BASE))
    new_doc = contract(merged(BASE, {"properties": {HOSTILE: {"type": "string"}}}))
    new_doc["channels"]["root"]["messages"][HOSTILE] = {"payload": {"type": "string"}}
    new_doc["operations"]["evil"] = {
        "action": "receive",
        "channel": {"$ref": "#/channels/root"},
        "messages": [
            {"$ref": "#/channels/root/messages/" + HOSTILE.replace("~", "~0").replace("/", "~1")}
        ],
    }
    new = write(tmp_path / "new.json", new_doc)
    markdown = run_here("diff", old, new, "--format", "markdown", cwd=tmp_path).stdout
    assert "<img" not in markdown and "`" not in markdown
    assert "&lt;img src\\=x onerror\\=alert\\(1\\)&gt;" in markdown
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert all(line.count(" | ") == 4 for line in rows), rows
    text = run_here("diff", old, new, cwd=tmp_path).stdout
    assert "forged line" in text
    assert not any(line.startswith("  breaking     forged") for line in text.splitlines())
    changes = json.loads(run_here("diff", old, new, "--format", "json", cwd=tmp_path).stdout)
    # one line per change, plus one heading per event and the summary line
    headings = {(c["namespace"], c["event"]) for c in changes["changes"]}
    assert len(text.splitlines()) == len(changes["changes"]) + len(headings) + 1


@pytest.mark.parametrize(
    "source", ["git:--output=written.txt:a.yaml", "git:HEAD:--output=written.txt", "git:-p:a.yaml"]
)
def test_git_sources_cannot_pass_options(tmp_path: Path, source: str) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    old = write(tmp_path / "old.json", contract(BASE))
    done = run_here("diff", source, old, cwd=tmp_path)
    assert done.returncode == 2
    assert "may not start with '-'" in done.stderr
    assert not (tmp_path / "written.txt").exists()


def test_diff_refuses_hostile_documents_in_one_line(tmp_path: Path) -> None:
    from test_untrusted_documents import BOMB

    (tmp_path / "bomb.yaml").write_text(BOMB)
    old = write(tmp_path / "old.json", contract(BASE))
    done = run_here("diff", old, "bomb.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert "max_nodes" in done.stderr and len(done.stderr.splitlines()) == 1
    done = run_here(
        "diff", old, "bomb.yaml", "--max-nodes", "100000000", "--max-bytes", "9", cwd=tmp_path
    )
    assert done.returncode == 2 and "larger than 9 bytes" in done.stderr
    huge = contract({"type": "integer", "maximum": 10**400})
    (tmp_path / "huge.json").write_text(json.dumps(huge).replace("1" + "0" * 400, "1" + "0" * 400))
    done = run_here("diff", old, "huge.json", cwd=tmp_path)
    assert done.returncode == 2 and "more than 300 digits" in done.stderr
    done = run_here("diff", old, "huge.json", "--max-number-digits", "500", cwd=tmp_path)
    assert done.returncode == 1


APP = """
import pathlib

import socketio

from sio_spec import SocketIOSpec

sio = socketio.Server(async_mode="threading")
spec = SocketIOSpec.from_document(sio, str(pathlib.Path(__file__).with_name("contract.json")))


@sio.on("{name}")
def handler(sid, data):
    return None
{extra}
"""


@pytest.mark.parametrize(
    ("name", "extra", "expected"),
    [
        ("make_mvoe", "", ["event 'make_mvoe' was added", "event 'move' was removed"]),
        (
            "move",
            "\n@sio.on('undocumented')\ndef other(sid, data):\n    return None\n",
            ["event 'undocumented' was added"],
        ),
    ],
)
def test_check_against_compares_the_code_of_a_contract_first_spec(
    tmp_path: Path, name: str, extra: str, expected: list[str]
) -> None:
    write(tmp_path / "contract.json", contract(BASE))
    (tmp_path / "first.py").write_text(APP.format(name=name, extra=extra), encoding="utf-8")
    done = run_here("check", "first.py:spec", "--against", "contract.json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    for line in expected:
        assert line in done.stdout
    assert "disagrees with contract.json" in done.stderr
    (tmp_path / "first.py").write_text(APP.format(name="move", extra=""), encoding="utf-8")
    done = run_here("check", "first.py:spec", "--against", "contract.json", cwd=tmp_path)
    assert done.returncode == 0, done.stdout
    assert "keeps the contract" in done.stderr


def test_deep_chains_and_shared_components_give_a_bounded_diff() -> None:
    chain = {
        f"S{i}": {
            "type": "object",
            "properties": {"next": {"$ref": f"#/components/schemas/S{i + 1}"}},
        }
        for i in range(3000)
    }
    chain["S3000"] = {"type": "string"}
    old = contract({"$ref": "#/components/schemas/S0"}, chain)
    new = copy.deepcopy(old)
    new["components"]["schemas"]["S3000"] = {"type": "integer"}
    changes = diff_contracts(read_contract(old), read_contract(new))
    assert [(c.kind, c.severity) for c in changes] == [("unclassified", "breaking")]
    assert diff_contracts(read_contract(old), read_contract(old)) == []

    doubling = {
        f"S{i}": {
            "type": "object",
            "properties": {
                "a": {"$ref": f"#/components/schemas/S{i + 1}"},
                "b": {"$ref": f"#/components/schemas/S{i + 1}"},
            },
        }
        for i in range(24)
    }
    doubling["S24"] = {"type": "string"}
    old = contract({"$ref": "#/components/schemas/S0"}, doubling)
    new = copy.deepcopy(old)
    new["components"]["schemas"]["S24"] = {"type": "integer"}
    changes = diff_contracts(read_contract(old), read_contract(new))
    assert len(changes) <= 201
    assert changes[-1].kind == "unclassified" and "more changes (not listed)" in changes[-1].message

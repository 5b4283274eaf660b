"""Modules renamed for clarity keep their former import paths."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

# modules grouped into the server/ and writers/ packages, by their former path
MOVED = {
    **{
        f"sio_spec.{name}": f"sio_spec.server.{name}"
        for name in (
            "emitter",
            "error_acks",
            "fast_jsonschema",
            "observe",
            "payload",
            "pipeline",
            "pydantic_v1",
            "registry",
            "sendable",
            "signature",
        )
    },
    "sio_spec.agent": "sio_spec.writers.agent",
    "sio_spec.plans": "sio_spec.writers.plans",
}


@pytest.mark.parametrize(("old", "new"), sorted(MOVED.items()))
def test_a_moved_module_is_the_same_module_at_its_former_path(old: str, new: str) -> None:
    former, current = importlib.import_module(old), importlib.import_module(new)
    assert former is current
    package, _, name = old.rpartition(".")
    assert getattr(importlib.import_module(package), name) is current


@pytest.mark.parametrize("old", sorted(MOVED))
def test_a_former_path_imported_first_is_the_same_module(old: str) -> None:
    # in a fresh interpreter, the former path imported before anything else
    new = MOVED[old]
    code = (
        f"import {old}, {new}, sys; import sio_spec; "
        f"assert sys.modules[{old!r}] is sys.modules[{new!r}] is sio_spec.{old[9:]}"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_private_names_and_patches_reach_the_moved_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sio_spec.payload
    import sio_spec.server.payload as payload

    assert sio_spec.payload._jsonable is payload._jsonable
    monkeypatch.setattr("sio_spec.payload.SchemaMode", "patched")
    assert payload.SchemaMode == "patched"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("sio_spec.targets", "sio_spec.loader"),
        ("sio_spec.adapters.flask", "sio_spec.adapters.flask_socketio"),
        ("sio_spec.asyncapi.names", "sio_spec.names"),
    ],
)
def test_a_former_module_re_exports_the_same_objects(old: str, new: str) -> None:
    former, current = importlib.import_module(old), importlib.import_module(new)
    assert former.__all__
    for name in former.__all__:
        assert getattr(former, name) is getattr(current, name)


def test_the_testing_package_keeps_every_public_name() -> None:
    import sio_spec.testing as testing
    from sio_spec.testing.clients import AsyncTestClient, Received, TestClient
    from sio_spec.testing.environ import DEFAULT_URL

    assert (testing.TestClient, testing.AsyncTestClient, testing.Received) == (
        TestClient,
        AsyncTestClient,
        Received,
    )
    assert testing.DEFAULT_URL == DEFAULT_URL == "http://testserver"
    assert set(testing.__all__) == {
        "AsyncTestClient",
        "DEFAULT_URL",
        "Received",
        "TestClient",
        "fuzz",
    }


# the public names of each module that became a package, as they were
SPLIT = {
    "sio_spec.contract": [
        "Ack",
        "Argument",
        "Contract",
        "ContractError",
        "Direction",
        "Event",
        "JsonSchema",
        "Limits",
        "Namespace",
        "contract_of",
        "load_document",
        "parse_document",
        "parse_text",
        "read_contract",
    ],
    "sio_spec.typescript": ["render"],
    "sio_spec.diff": [
        "DISAGREEING_KINDS",
        "MAX_COMPARE_DEPTH",
        "MAX_EXPANSION",
        "MAX_FINDINGS",
        "RULES",
        "SEVERITIES",
        "Change",
        "Effect",
        "Rule",
        "Sender",
        "Severity",
        "diff_contracts",
        "disagreements",
        "reaches",
        "render_json",
        "render_markdown",
        "render_text",
        "rule_table",
        "summary_line",
    ],
    "sio_spec.guard": [
        "DEFAULT_LIMITS",
        "MAX_BYTES",
        "MAX_DEPTH",
        "MAX_NODES",
        "MAX_NUMBER_DIGITS",
        "ContractError",
        "Limits",
        "check_schema",
        "check_value",
        "fetch",
        "json_schema_validator",
        "linear_pattern",
        "parse",
        "read_file",
    ],
    "sio_spec.datagen": [
        "ArgumentsGenerator",
        "Broken",
        "BrokenArguments",
        "GenerationError",
        "Generator",
        "HypothesisSource",
        "RandomSource",
        "Source",
        "arguments",
        "generator",
    ],
}


@pytest.mark.parametrize("package", sorted(SPLIT))
def test_a_module_split_into_a_package_keeps_every_public_name(package: str) -> None:
    module = importlib.import_module(package)
    assert hasattr(module, "__path__"), f"{package} is a package"
    assert set(module.__all__) == set(SPLIT[package])
    for name in SPLIT[package]:
        assert getattr(module, name) is not None

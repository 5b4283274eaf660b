"""Modules renamed for clarity keep their former import paths."""

from __future__ import annotations

import importlib

import pytest


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

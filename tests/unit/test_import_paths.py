"""Modules renamed for clarity keep their former import paths."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("sio_spec.targets", "sio_spec.loader"),
        ("sio_spec.adapters.flask", "sio_spec.adapters.flask_socketio"),
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

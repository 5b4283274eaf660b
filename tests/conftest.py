"""Shared pytest configuration for the sio-spec test suite.

Helpers live in ``tests/support`` and are imported as ``support.servers`` /
``support.external`` (this directory is put on ``sys.path`` below so that
works with every pytest import mode).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

#: Per-test timeout applied only when pytest-timeout is installed and no
#: ``--timeout`` / ``timeout`` ini value was given.
DEFAULT_TIMEOUT = 120


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.pluginmanager.hasplugin("timeout"):
        return
    configured = config.getoption("timeout", None)
    if configured is None:
        try:
            configured = config.getini("timeout")
        except ValueError:
            configured = None
    if configured not in (None, "", 0, "0"):
        return
    marker = pytest.mark.timeout(DEFAULT_TIMEOUT)
    for item in items:
        if item.get_closest_marker("timeout") is None:
            item.add_marker(marker)

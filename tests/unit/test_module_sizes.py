"""No module of sio_spec grows past about 800 lines: a larger one is split by concern
into a package (as ``contract``, ``guard``, ``typescript``, ``diff`` and ``datagen``)."""

from __future__ import annotations

from pathlib import Path

import sio_spec

PACKAGE = Path(sio_spec.__file__).parent
MAX_LINES = 800


def test_no_module_is_over_800_lines() -> None:
    sizes = {
        str(path.relative_to(PACKAGE)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert len(sizes) > 50  # the package was found
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}

"""Sphinx configuration of the sio-spec documentation (``nox -s docs``)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # document the checkout, not an installed copy
sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

import sio_spec  # noqa: E402

project = "sio-spec"
author = "the sio-spec authors"
copyright = "the sio-spec authors"
release = sio_spec.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "cli_help",
]

exclude_patterns = ["_build", "_static", "screenshots.py"]
templates_path: list[str] = []
html_static_path = ["_static"]
html_theme = "furo"
html_title = f"sio-spec {release}"
html_theme_options = {"navigation_with_keys": True}

autodoc_default_options = {
    "members": True,
    "show-inheritance": True,
}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = True
autodoc_class_signature = "mixed"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
default_role = "code"
# keep the names of the web layer's type aliases in signatures
autodoc_type_aliases = {
    "ASGIApp": "ASGIApp",
    "SpecOrDocument": "SpecOrDocument",
    "Viewer": "Viewer",
    "WSGIApp": "WSGIApp",
}

"""The former name of :mod:`sio_spec.loader` (finding a spec or a document from a
command-line argument), kept so existing imports work. Not to be confused with
:class:`sio_spec.server.registry.Target`, the handler a registry validates for."""

from typing import Any

from .. import loader as _current
from ..loader import (
    DOCUMENT_SUFFIXES,
    TargetError,
    describe_exception,
    find_spec,
    is_document_file,
    load_contract,
    load_document_file,
    load_git_document,
    load_source,
    load_target,
    parse_document,
)

__all__ = [
    "DOCUMENT_SUFFIXES",
    "TargetError",
    "describe_exception",
    "find_spec",
    "is_document_file",
    "load_contract",
    "load_document_file",
    "load_git_document",
    "load_source",
    "load_target",
    "parse_document",
]


def __getattr__(name: str) -> Any:
    """Every other name of the module under its current name."""
    return getattr(_current, name)

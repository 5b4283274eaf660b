"""The former name of :mod:`sio_spec.loader` (finding a spec or a document from a
command-line argument), kept so existing imports work. Not to be confused with
:class:`sio_spec.registry.Target`, the handler a registry validates for."""

from .loader import (
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

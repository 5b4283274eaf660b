"""Finding a spec or a document from a command-line argument.

``TARGET`` is ``module:attr`` or ``path/to/file.py:attr`` naming a ``SocketIOSpec``,
a python-socketio server or ``flask_socketio.SocketIO`` with a spec attached, or an
app wrapping one (``socketio.ASGIApp`` / ``WSGIApp``, a Flask app, the docs apps).
Importing TARGET runs the module under its own name, so an
``if __name__ == "__main__":`` block does not start a server. A document file is a
``.json`` / ``.yaml`` / ``.yml`` AsyncAPI document.

Used by the ``sio-spec`` command; every failure is a :class:`TargetError` whose
message is one line the user can act on.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pathlib
import sys
from collections.abc import Mapping
from typing import Any

from . import guard
from .contract import Contract, ContractError, _read_contract, contract_of, parse_text
from .errors import SioSpecError
from .guard import DEFAULT_LIMITS, Limits
from .spec import SocketIOSpec

DOCUMENT_SUFFIXES = (".json", ".yaml", ".yml")


class TargetError(SioSpecError):
    """A TARGET or document file cannot be loaded; the message says why, on one line."""


def load_target(target: str) -> SocketIOSpec:
    """The :class:`SocketIOSpec` named by ``module:attr`` or ``file.py:attr``."""
    module_part, sep, attr = target.rpartition(":")
    if not sep or not module_part or not attr:
        raise TargetError(
            f"invalid TARGET {target!r}: expected 'module:attribute' or 'path/to/file.py:attribute'"
        )
    if _looks_like_path(module_part):
        module = _import_file(module_part)
    else:
        module = _import_module(module_part)
    obj: Any = module
    for name in attr.split("."):
        if not name.isidentifier():
            raise TargetError(f"invalid attribute {attr!r} in TARGET {target!r}")
        try:
            obj = getattr(obj, name)
        except AttributeError:
            raise TargetError(f"{module_part!r} has no attribute {attr!r}") from None
    spec = find_spec(obj)
    if spec is None:
        raise TargetError(
            f"{target!r} is a {type(obj).__module__}.{type(obj).__qualname__}: "
            "expected a SocketIOSpec, or a server or app with a SocketIOSpec "
            "attached (none found)"
        )
    return spec


def _looks_like_path(text: str) -> bool:
    return text.endswith(".py") or "/" in text or os.sep in text


def _import_file(path_text: str) -> Any:
    path = pathlib.Path(path_text).resolve()
    if not path.is_file():
        raise TargetError(f"file not found: {path_text}")
    directory = str(path.parent)
    if directory not in sys.path:
        sys.path.insert(0, directory)
    name = path.stem if path.stem.isidentifier() else "_sio_spec_target"
    existing = sys.modules.get(name)
    if existing is not None:
        if pathlib.Path(getattr(existing, "__file__", "") or "").resolve() == path:
            return existing
        name = f"_sio_spec_target_{name}"
    module_spec = importlib.util.spec_from_file_location(name, path)
    if module_spec is None or module_spec.loader is None:
        raise TargetError(f"cannot import {path_text}: not a Python file")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    try:
        module_spec.loader.exec_module(module)
    except BaseException as exc:
        sys.modules.pop(name, None)
        _import_failed(path_text, exc)
    return module


def _import_module(name: str) -> Any:
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)  # like ``python -m``: modules of the current directory
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (name == exc.name or name.startswith(exc.name + ".")):
            raise TargetError(f"module not found: {name!r}") from exc
        _import_failed(name, exc)
    except BaseException as exc:
        _import_failed(name, exc)


def describe_exception(exc: BaseException) -> str:
    """``Type: first line of the message`` (errors are reported on one line)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    return f"{type(exc).__name__}: {lines[0]}" + (" ..." if len(lines) > 1 else "")


def _import_failed(what: str, exc: BaseException) -> Any:
    if isinstance(exc, KeyboardInterrupt):
        raise exc
    detail = describe_exception(exc)
    raise TargetError(f"error while importing {what!r}: {detail}") from exc


def find_spec(obj: Any, _depth: int = 0) -> SocketIOSpec | None:
    """The spec behind ``obj``: itself, the one attached to a server, or the one of
    the server an app wraps (``socketio.ASGIApp``/``WSGIApp``, Flask's
    ``extensions['socketio']``, middleware ``.app`` / ``.wsgi_app``)."""
    if isinstance(obj, SocketIOSpec):
        return obj
    if _depth > 6 or obj is None or isinstance(obj, (str, bytes, int, float, Mapping)):
        return None
    attached = getattr(obj, "__dict__", {}).get("_sio_spec")
    if isinstance(attached, SocketIOSpec):
        return attached
    source = getattr(getattr(obj, "routes", None), "source", None)  # the docs apps
    served = getattr(source, "spec", None)
    if isinstance(served, SocketIOSpec):
        return served
    extensions = getattr(obj, "extensions", None)
    candidates: list[Any] = []
    if isinstance(extensions, Mapping):
        candidates.append(extensions.get("socketio"))
    for name in (
        "engineio_server",
        "engineio_app",
        "server",
        "other_asgi_app",
        "other_wsgi_app",
        "wsgi_app",
        "app",
    ):
        candidates.append(getattr(obj, "__dict__", {}).get(name))
    for candidate in candidates:
        if candidate is not None and candidate is not obj:
            found = find_spec(candidate, _depth + 1)
            if found is not None:
                return found
    return None


def parse_document(text: str, name: str, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """An AsyncAPI document parsed from ``text`` by :func:`sio_spec.contract.parse_text`
    (JSON when ``name`` ends in ``.json``, YAML otherwise; within ``limits``), for the
    command line's sources: a value without an ``asyncapi`` field is refused too, and
    errors are :class:`TargetError`."""
    try:
        data = parse_text(text, name, limits=limits)
    except ContractError as exc:
        raise TargetError(str(exc)) from exc
    if not isinstance(data, dict) or "asyncapi" not in data:
        raise TargetError(f"{name} is not an AsyncAPI document (no 'asyncapi' field)")
    return data


def load_document_file(path_text: str, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """An AsyncAPI document read from a ``.json`` / ``.yaml`` file, within ``limits``."""
    try:
        text = guard.read_file(path_text, limits)
    except ContractError as exc:
        raise TargetError(str(exc)) from exc
    return parse_document(text, path_text, limits)


def load_git_document(source: str, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """``git:REF:PATH``: the document at PATH in commit REF of the current repository,
    read with ``git show`` (a REF or PATH starting with ``-`` is refused: git would
    read it as an option)."""
    ref, sep, path = source[len("git:") :].partition(":")
    if not sep or not ref or not path:
        raise TargetError(f"invalid source {source[:200]!r}: expected git:REF:PATH")
    if ref.startswith("-") or path.startswith("-"):
        raise TargetError(
            f"invalid source {source[:200]!r}: a git REF or PATH may not start with '-'"
        )
    import subprocess

    try:
        done = subprocess.run(
            ["git", "show", "--no-textconv", "--end-of-options", f"{ref}:{path}", "--"],
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise TargetError(f"cannot run git to read {source!r}: {type(exc).__name__}") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        first = reason[0] if reason else f"git exited with status {done.returncode}"
        raise TargetError(f"cannot read {path!r} at git ref {ref!r}: {first}")
    try:
        text = guard.decode(done.stdout, f"{path} at {ref}", limits)
    except ContractError as exc:
        raise TargetError(str(exc)) from exc
    return parse_document(text, path, limits)


def load_contract(source: str, limits: Limits = DEFAULT_LIMITS) -> Contract:
    """The contract named by a document file, ``git:REF:PATH`` or a TARGET; documents
    are read within ``limits``."""
    if source.startswith("git:"):
        document = load_git_document(source, limits)
    elif is_document_file(source):
        document = load_document_file(source, limits)
    else:
        return contract_of(load_target(source))
    try:
        return _read_contract(document, limits=None)
    except ContractError as exc:
        raise TargetError(f"{source} is not a valid AsyncAPI document: {exc}") from exc


def code_contract(spec: SocketIOSpec) -> Contract:
    """What the code of ``spec`` handles and emits, as a contract (for
    ``check --against``). For a spec built from models, its document; for a
    :meth:`~sio_spec.SocketIOSpec.from_document` spec (which publishes its document
    as given), the events its server has handlers for (validated as the document
    says where it describes them, else as the handlers' hints say), its connect auth
    and its emits: a handler registered under a name the document lacks, or an event
    of the document that nothing handles, is a disagreement."""
    from .asyncapi import build
    from .model import VERSIONS

    if spec.published_versions == VERSIONS:
        return contract_of(spec)
    registry = spec.registry
    source = registry.source
    found: dict[tuple[str, str, str], Any] = {}
    names = [] if source is None else source.names()
    for namespace, event in sorted(set(names)):
        if "*" in (namespace, event) or event == "disconnect":
            continue
        fixed = registry.fixed.get((namespace, event))
        found[(namespace, event, "receive")] = (
            fixed if fixed is not None else registry.incoming_for_docs(event, namespace, source)
        )
    for (namespace, event), fixed in list(registry.fixed.items()):
        if event == "connect":
            found[(namespace, event, "receive")] = fixed
    for (namespace, event), emitted in list(registry.emits.items()):
        found[(namespace, event, "send")] = emitted
    document = build(
        spec.info, [found[k] for k in sorted(found)], version="3.0.0", validation=spec.validate
    )
    return _read_contract(document, limits=None, check_schemas=False)


def is_document_file(text: str) -> bool:
    """``text`` names a document file (``.json`` / ``.yaml`` / ``.yml``) rather than a TARGET."""
    path = pathlib.Path(text)
    return path.suffix in DOCUMENT_SUFFIXES and ":" not in path.name


def load_source(text: str, limits: Limits = DEFAULT_LIMITS) -> SocketIOSpec | dict[str, Any]:
    """A document file's content (read within ``limits``), or the spec named by a TARGET."""
    if is_document_file(text):
        return load_document_file(text, limits)
    return load_target(text)

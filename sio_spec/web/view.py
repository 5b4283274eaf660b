"""The compact view model the docs page renders: built from the normalized contract.

Only what the page shows goes in: per namespace its connect auth and events (direction,
arguments, ack, error acks, descriptions, examples, deprecation), and the component
schemas the ``$ref`` s point at. Empty and default fields are left out to keep the page
small.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..contract import Ack, Argument, Contract, ContractError, Event, Namespace, read_contract

__all__ = ["view_model", "view_model_of_document"]

_DIRECTIONS = {"client-to-server": "c", "server-to-client": "s"}


def _argument(arg: Argument) -> dict[str, Any]:
    out: dict[str, Any] = {"name": arg.name}
    if arg.schema is not None:
        out["schema"] = arg.schema
    if not arg.required:
        out["required"] = False
    if arg.binary:
        out["binary"] = True
    return out


def _arguments(args: tuple[Argument, ...] | None) -> list[dict[str, Any]] | None:
    return None if args is None else [_argument(arg) for arg in args]


def _ack(ack: Ack) -> dict[str, Any]:
    out: dict[str, Any] = {"args": _arguments(ack.args)}
    if ack.errors:
        out["errors"] = list(ack.errors)
    return out


def _event(event: Event) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": event.name,
        "dir": _DIRECTIONS.get(event.direction, "c"),
        "args": _arguments(event.args),
    }
    if event.ack is not None:
        out["ack"] = _ack(event.ack)
    if event.summary:
        out["summary"] = event.summary
    if event.description:
        out["description"] = event.description
    if event.deprecated:
        out["deprecated"] = True
    if event.examples:
        out["examples"] = [list(example) for example in event.examples]
    if event.tags:
        out["tags"] = list(event.tags)
    return out


def _namespace(namespace: Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": namespace.path,
        "events": [_event(event) for event in namespace.events],
    }
    if namespace.auth is not None:
        out["auth"] = namespace.auth
    if namespace.description:
        out["description"] = namespace.description
    return out


def view_model(contract: Contract) -> dict[str, Any]:
    """The JSON-ready view model of ``contract``."""
    out: dict[str, Any] = {
        "title": contract.title,
        "version": contract.version,
        "asyncapi": contract.asyncapi_version,
        "namespaces": [_namespace(namespace) for namespace in contract.namespaces],
        "schemas": dict(contract.schemas),
    }
    if contract.description:
        out["description"] = contract.description
    return out


def view_model_of_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """The view model of an AsyncAPI document (3.0, 3.1 or 2.6).

    A document the contract reader refuses gives a model with no namespaces and the
    reader's one-line ``error``, which the page shows as text.
    """
    try:
        return view_model(read_contract(document))
    except ContractError as exc:
        info = document.get("info")
        info = info if isinstance(info, Mapping) else {}
        # only strings: the refused document may hold values that cannot be rendered
        return {
            "title": _string(info.get("title"), "AsyncAPI"),
            "version": _string(info.get("version"), ""),
            "asyncapi": _string(document.get("asyncapi"), ""),
            "namespaces": [],
            "schemas": {},
            "error": str(exc),
        }


def _string(value: Any, default: str) -> str:
    return value[:200] if isinstance(value, str) else default

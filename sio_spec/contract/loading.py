"""Loading a document (a dict, a file, a text) and reading its contract."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Protocol

from .. import guard
from ..guard import DEFAULT_LIMITS, ContractError, Limits
from .model import Contract
from .v2 import _V2Reader
from .v3 import _V3Reader

# -- loading -------------------------------------------------------------------------------


def load_document(
    source: str | os.PathLike[str] | Mapping[str, Any], limits: Limits = DEFAULT_LIMITS
) -> dict[str, Any]:
    """An AsyncAPI document as a dict: from a dict, or a ``.json`` / ``.yaml`` /
    ``.yml`` file (a string holding the document text itself is read too), within
    ``limits`` (see :mod:`sio_spec.guard`).

    Raises :class:`ContractError` with a one-line message when the file cannot be
    read or parsed, is past a limit, or does not hold a mapping.
    """
    if isinstance(source, Mapping):
        document = dict(source)
        guard.check_value(document, "the document", limits)
        return document
    if isinstance(source, str) and ("\n" in source or source.lstrip().startswith("{")):
        return parse_document(
            source, "the document text", json_first=source.lstrip().startswith("{"), limits=limits
        )
    path = os.fspath(source)
    text = guard.read_file(path, limits)
    return parse_document(text, path, limits=limits)


def parse_document(
    text: str, where: str, *, json_first: bool | None = None, limits: Limits = DEFAULT_LIMITS
) -> dict[str, Any]:
    """The AsyncAPI document in ``text`` (JSON when ``json_first``, else YAML, which
    also reads JSON; ``None``: JSON when ``where`` ends in ``.json``); ``where`` names
    the text in messages.

    Raises :class:`ContractError` with a one-line message when the text cannot be
    parsed, is past one of ``limits``, or does not hold a mapping.
    """
    data = parse_text(text, where, json_first=json_first, limits=limits)
    if not isinstance(data, dict):
        raise ContractError(f"{where} does not hold an AsyncAPI document (not a mapping)")
    return data


def parse_text(
    text: str, where: str, *, json_first: bool | None = None, limits: Limits = DEFAULT_LIMITS
) -> Any:
    """The JSON (``json_first``) or YAML value of ``text``, whatever its type, within
    ``limits`` (``json_first=None``: JSON when ``where`` ends in ``.json``).

    Raises :class:`ContractError` with a one-line message naming ``where`` when
    the text cannot be parsed or is past a limit.
    """
    if json_first is None:
        json_first = where.lower().endswith(".json")
    return guard.parse(text, where, json_first=json_first, limits=limits)


# -- reading -------------------------------------------------------------------------------


def read_contract(document: Mapping[str, Any], *, limits: Limits = DEFAULT_LIMITS) -> Contract:
    """The contract of an AsyncAPI 2.x, 3.0 or 3.1 document (a dict, as from
    :func:`load_document`). Raises :class:`ContractError` when it is malformed, past
    one of ``limits``, or holds a schema that is not valid JSON Schema."""
    return _read_contract(document, limits=limits)


def _read_contract(
    document: Mapping[str, Any],
    *,
    limits: Limits | None = DEFAULT_LIMITS,
    check_schemas: bool = True,
) -> Contract:
    """:func:`read_contract`; ``limits=None``: the values were checked already (the
    document comes from :func:`load_document`); ``check_schemas=False``: the document
    is sio-spec's own (generated from the code)."""
    if not isinstance(document, Mapping):
        raise ContractError("an AsyncAPI document must be a mapping")
    if not isinstance(document, dict):
        document = dict(document)  # $ref pointers walk plain dicts
    if limits is not None:
        guard.check_value(document, "the document", limits)
    version = document.get("asyncapi")
    if not isinstance(version, str):
        raise ContractError("not an AsyncAPI document: the 'asyncapi' version field is missing")
    if version.startswith("3."):
        major = 3
    elif version.startswith("2."):
        major = 2
    else:
        raise ContractError(f"unsupported AsyncAPI version {version!r}; use 2.x, 3.0 or 3.1")
    try:
        reader = _V3Reader if major == 3 else _V2Reader
        return reader(document, version, check_schemas).read()
    except RecursionError:
        raise ContractError("the document nests too deeply to be read") from None


class HasContract(Protocol):
    """What :func:`contract_of` reads: anything with a ``contract()`` method, such as
    :class:`~sio_spec.SocketIOSpec`."""

    def contract(self) -> Contract: ...


def contract_of(spec: HasContract) -> Contract:
    """The contract of a spec's document: ``spec.contract()`` (see
    :meth:`~sio_spec.SocketIOSpec.contract`), cached while the document is."""
    return spec.contract()

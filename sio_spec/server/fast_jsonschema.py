"""An optional compiled engine for the verdict on JSON Schema dict payloads.

With ``sio-spec[speed]`` installed (``jsonschema-rs``), a schema made only of
keywords whose meaning both engines share exactly gets a second, compiled
validator that gives the verdict on each message: the ``jsonschema`` validator
remains the reference. A value the compiled engine rejects, or cannot take (it
raises), is checked again by ``jsonschema``, which also writes every error
detail: verdicts and error locations are those of ``jsonschema``, only faster for
valid messages.

Kept off the compiled path: ``pattern`` / ``patternProperties`` / ``format``
(regular expression and format semantics differ between the engines),
``multipleOf`` and ``uniqueItems`` (number and equality corner cases),
references other than local ones or with keywords beside them (``#...``;
nothing is ever retrieved: the compiled validator gets a retriever that refuses),
dynamic references, and any keyword not listed below. The compiled validator reads
the schema ``jsonschema`` validates with (``$id`` base URIs removed) under the same
draft. Such schemas use ``jsonschema`` alone, as without the
extra.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..errors import SpecValueError

#: Keywords whose validation (or absence of it) is the same in both engines.
SAFE_KEYWORDS = frozenset(
    {
        "$schema",
        "$id",
        "$comment",
        "$defs",
        "definitions",
        "$ref",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "type",
        "enum",
        "const",
        "properties",
        "required",
        "additionalProperties",
        "minProperties",
        "maxProperties",
        "items",
        "prefixItems",
        "additionalItems",
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
    }
)
# What may sit beside "$ref" on the compiled path.
_BESIDE_REF = frozenset(
    {"$ref", "$defs", "definitions", "title", "description", "$comment", "default", "examples"}
)
# Keywords whose value is a map of sub-schemas / a list of sub-schemas / one sub-schema.
_SCHEMA_MAPS = frozenset({"properties", "$defs", "definitions"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SCHEMA_ONE = frozenset(
    {"additionalProperties", "items", "additionalItems", "not", "if", "then", "else"}
)
# Keywords whose value is data or a name list, not a schema.
_DATA = frozenset({"enum", "const", "default", "examples", "required", "type"})


def compilable(schema: Any) -> bool:
    """Whether every keyword of ``schema`` (at any depth) is one both engines read
    alike, and every ``$ref`` is local."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, bool):
            continue
        if not isinstance(node, dict):
            return False
        for key, value in node.items():
            if key not in SAFE_KEYWORDS:
                return False
            if not _plain_numbers(value):
                return False
            if key == "$ref":
                if not isinstance(value, str) or not value.startswith("#"):
                    return False
                # drafts disagree on keywords beside a reference (draft 7 and before
                # ignore them): only annotations may sit there
                if any(k not in _BESIDE_REF for k in node):
                    return False
            elif key in _SCHEMA_MAPS:
                if not isinstance(value, dict):
                    return False
                stack.extend(value.values())
            elif key in _SCHEMA_LISTS:
                if not isinstance(value, list):
                    return False
                stack.extend(value)
            elif key in _SCHEMA_ONE:
                if isinstance(value, list):  # draft 4-7 "items": a list of schemas
                    stack.extend(value)
                else:
                    stack.append(value)
    return True


#: Integers beyond this size may lose precision in the compiled engine's schema.
_SAFE_INT = 2**53


def _plain_numbers(value: Any) -> bool:
    """Whether every number in a keyword's value (``enum``, ``const``, bounds...) is
    finite and, for integers, exactly representable in both engines."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, bool) or node is None or isinstance(node, str):
            continue
        if isinstance(node, float):
            if not math.isfinite(node):
                return False
        elif isinstance(node, int):
            if not -_SAFE_INT <= node <= _SAFE_INT:
                return False
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return True


def _refuse(uri: str) -> Any:
    raise SpecValueError("sio-spec does not retrieve schemas")


#: The compiled engine's validator class for each meta-schema ``jsonschema`` uses.
_DRAFTS = {
    "json-schema.org/draft-04/schema": "Draft4Validator",
    "json-schema.org/draft-06/schema": "Draft6Validator",
    "json-schema.org/draft-07/schema": "Draft7Validator",
    "json-schema.org/draft/2019-09/schema": "Draft201909Validator",
    "json-schema.org/draft/2020-12/schema": "Draft202012Validator",
}


def _draft_of(validator: Any) -> str | None:
    meta = getattr(type(validator), "META_SCHEMA", None)
    uri = meta.get("$schema") if isinstance(meta, dict) else None
    if not isinstance(uri, str):
        return None
    return _DRAFTS.get(uri.split("://", 1)[-1].rstrip("#"))


def compiled_verdict(validator: Any) -> Callable[[Any], bool] | None:
    """The compiled engine's ``is_valid`` for the schema of a ``jsonschema``
    ``validator`` (built by :func:`sio_spec.guard.json_schema_validator`), under the
    same draft; ``None`` when the extra is not installed or the schema uses what the
    engines may read differently."""
    schema = getattr(validator, "schema", None)
    draft = _draft_of(validator)
    if draft is None or not isinstance(schema, dict) or not compilable(schema):
        return None
    try:
        import jsonschema_rs
    except ImportError:
        return None
    try:
        compiled = getattr(jsonschema_rs, draft)(
            schema,
            retriever=_refuse,
            pattern_options=jsonschema_rs.RegexOptions(),
            validate_formats=False,
        )
    except Exception:  # an option or schema this version does not take: jsonschema alone
        return None
    is_valid: Callable[[Any], bool] = compiled.is_valid
    return is_valid

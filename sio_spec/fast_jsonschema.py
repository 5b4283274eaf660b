"""An optional compiled engine for the verdict on JSON Schema dict payloads.

With ``sio-spec[fast]`` installed (``jsonschema-rs``), a schema made only of
keywords whose meaning both engines share exactly gets a second, compiled
validator that gives the verdict on each message: the ``jsonschema`` validator
remains the reference. A value the compiled engine rejects, or cannot take (it
raises), is checked again by ``jsonschema``, which also writes every error
detail: verdicts and error locations are those of ``jsonschema``, only faster for
valid messages.

Kept off the compiled path: ``pattern`` / ``patternProperties`` / ``format``
(regular expression and format semantics differ between the engines),
``multipleOf`` and ``uniqueItems`` (number and equality corner cases),
references other than local ones (``#...``; nothing is ever retrieved: the
compiled validator gets a retriever that refuses), dynamic references, and any
keyword not listed below. Such schemas use ``jsonschema`` alone, as without the
extra.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
            if key == "$ref":
                if not isinstance(value, str) or not value.startswith("#"):
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


def _refuse(uri: str) -> Any:
    raise ValueError("sio-spec does not retrieve schemas")


def compiled_verdict(schema: dict[str, Any]) -> Callable[[Any], bool] | None:
    """The compiled engine's ``is_valid`` for ``schema``, or ``None`` (the extra is
    not installed, or the schema uses what the engines may read differently)."""
    if not compilable(schema):
        return None
    try:
        import jsonschema_rs
    except ImportError:
        return None
    try:
        validator = jsonschema_rs.validator_for(
            schema,
            retriever=_refuse,
            pattern_options=jsonschema_rs.RegexOptions(),
            validate_formats=False,
        )
    except Exception:  # an option or schema this version does not take: jsonschema alone
        return None
    is_valid: Callable[[Any], bool] = validator.is_valid
    return is_valid

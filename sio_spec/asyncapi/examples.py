"""Checking examples against their payload schema at build time.

The official parser does not check that examples match their schema, so the
builder does: each example is validated with ``jsonschema`` (draft-07, the base
of the AsyncAPI Schema Object) against its message payload, ``$ref`` resolved
in the document's ``components/schemas``.
"""

from __future__ import annotations

import json
from typing import Any


class ExampleChecker:
    """Validates examples against payload schemas of one document."""

    def __init__(self, components: dict[str, Any]) -> None:
        self._components = components
        self._validators: dict[str, Any] = {}
        self._results: dict[tuple[str, str], str | None] = {}

    def check(self, schema: dict[str, Any], value: Any) -> str | None:
        """``None`` when ``value`` matches ``schema``, else the best error message
        (results are remembered: models shared by many events are checked once)."""
        key = json.dumps(schema, sort_keys=True)
        memo = (key, json.dumps(value, sort_keys=True))
        if memo in self._results:
            return self._results[memo]
        result = self._results[memo] = self._check(key, schema, value)
        return result

    def _check(self, key: str, schema: dict[str, Any], value: Any) -> str | None:
        from jsonschema import Draft7Validator
        from jsonschema.exceptions import best_match

        validator = self._validators.get(key)
        if validator is None:
            root = {"components": {"schemas": self._components}, "allOf": [schema]}
            validator = self._validators[key] = Draft7Validator(root)
        if validator.is_valid(value):
            return None
        error = best_match(validator.iter_errors(value))
        if error is None:
            return None
        where = "/".join(str(p) for p in error.absolute_path)
        return f"{error.message} (at /{where})" if where else error.message

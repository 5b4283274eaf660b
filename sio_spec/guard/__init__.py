"""The one gate for everything sio-spec reads from outside.

AsyncAPI documents (files, text, dicts, fetched URLs, ``git show`` output) and the
JSON Schemas they hold are untrusted input: a server publishes its document to
every client, and a pull request can change the document a CI job diffs. Every
consumer (the contract reader, ``ClientSpec``, ``diff``, ``check --against``, the
docs page, TypeScript, the agent catalog) reads through this package, which:

- caps the bytes read (:attr:`Limits.max_bytes`), the values of the parsed tree
  with YAML aliases expanded (:attr:`Limits.max_nodes`: an alias bomb is refused
  while it is built, before anything walks the expanded tree), the nesting depth
  (:attr:`Limits.max_depth`) and the digits of a number
  (:attr:`Limits.max_number_digits`);
- refuses NaN, infinities and mapping keys that are not strings;
- checks every JSON Schema against the rules of JSON Schema (a ``type`` that does
  not exist, a ``required`` that is not a list of strings, a ``pattern`` that the
  linear-time engine cannot compile, a ``$ref`` outside the document);
- builds every ``jsonschema`` validator sio-spec uses (:func:`json_schema_validator`):
  it never retrieves anything, and it matches ``pattern`` and ``patternProperties``
  with pydantic-core's regular expressions, which run in linear time.

Every refusal is a :class:`ContractError` whose message is one line.
"""

from __future__ import annotations

from .fetch import MAX_REDIRECTS as MAX_REDIRECTS
from .fetch import decode as decode
from .fetch import fetch, read_file
from .limits import (
    DEFAULT_LIMITS,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    MAX_NUMBER_DIGITS,
    ContractError,
    Limits,
)
from .limits import limits_of as limits_of
from .limits import pointer_of as pointer_of
from .parsing import check_value, parse
from .patterns import MAX_CACHED_PATTERNS as MAX_CACHED_PATTERNS
from .patterns import linear_pattern
from .schemas import check_schema
from .validator import json_schema_validator

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_NUMBER_DIGITS",
    "ContractError",
    "Limits",
    "check_schema",
    "check_value",
    "fetch",
    "json_schema_validator",
    "linear_pattern",
    "parse",
    "read_file",
]

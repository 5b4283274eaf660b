"""Regular expressions matched in linear time (pydantic-core's engine)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from .limits import ContractError, _one_line

# -- linear-time patterns --------------------------------------------------------------

_PATTERNS: dict[str, Callable[[Any], bool]] = {}
_PATTERNS_LOCK = threading.Lock()
#: Compiled patterns kept at most (each is a small pydantic-core validator).
MAX_CACHED_PATTERNS = 4096


def linear_pattern(pattern: str) -> Callable[[Any], bool]:
    """Whether a string contains a match of ``pattern`` (JSON Schema's ``pattern``:
    a search, not anchored), with pydantic-core's regular expressions, which never
    backtrack: matching takes time linear in the string. Raises :class:`ContractError`
    for a pattern that engine cannot compile (a syntax error, a backreference,
    look-around)."""
    found = _PATTERNS.get(pattern)
    if found is not None:
        return found
    import pydantic_core
    from pydantic_core import core_schema

    try:
        validator = pydantic_core.SchemaValidator(
            core_schema.str_schema(pattern=pattern, strict=True),
            core_schema.CoreConfig(regex_engine="rust-regex"),
        )
    except pydantic_core.SchemaError as exc:
        reason = str(exc).strip().splitlines()
        detail = reason[-1].removeprefix("error: ") if reason else "does not compile"
        raise ContractError(
            f"the pattern {_one_line(repr(pattern), 80)} is not a linear-time regular "
            f"expression: {_one_line(detail, 100)}"
        ) from None
    matches = validator.isinstance_python
    with _PATTERNS_LOCK:
        if len(_PATTERNS) >= MAX_CACHED_PATTERNS:
            _PATTERNS.clear()
        _PATTERNS[pattern] = matches
    return matches

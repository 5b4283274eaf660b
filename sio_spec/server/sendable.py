"""What may be sent: numbers JSON can carry, instances whose fields match their types.

Two guarantees of every payload sio-spec sends (and, for numbers, receives) that must
cost next to nothing per message:

- NaN and infinities are found by :func:`finite` (a flat payload in one call);
- a model instance whose fields were assigned values of the wrong type is refused by
  pydantic's serializer, through a warnings filter (:func:`install_mismatch_filter`,
  :func:`filter_in_force`).
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping
from typing import Any

_isfinite = math.isfinite


def finite(value: Any) -> bool:
    """Whether no float in a JSON-like value (dicts, lists, tuples) is NaN or infinite.

    Recursion is bounded by the caller: the packet decoder stops at about 1,000
    levels, and pydantic's serializer at about 255. Scalars inside a container are
    checked in the container's frame (a flat payload costs one call).
    """
    kind = type(value)
    if kind is dict:
        items: Any = value.values()
    elif kind is list or kind is tuple:
        items = value
    elif kind is str or kind is int or kind is bool or value is None:
        return True
    elif kind is float:
        return _isfinite(value)
    else:
        return _finite_other(value)
    for item in items:
        kind = type(item)
        if kind is str or kind is int or kind is bool or item is None:
            continue
        if kind is float:
            if not _isfinite(item):
                return False
        elif not finite(item):
            return False
    return True


#: Nesting depth up to which a value accepted by the compiled JSON Schema engine is
#: accepted without asking ``jsonschema`` (which fails on much deeper values).
COMPILED_DEPTH = 24


def finite_within(value: Any, depth: int) -> bool | None:
    """:func:`finite` for a value nested at most ``depth`` levels; ``None`` when it
    is nested deeper (nothing is decided then)."""
    kind = type(value)
    if kind is dict:
        items: Any = value.values()
    elif kind is list or kind is tuple:
        items = value
    elif kind is float:
        return _isfinite(value)
    else:
        return finite(value)
    if depth <= 0:
        return None
    for item in items:
        kind = type(item)
        if kind is str or kind is int or kind is bool or item is None:
            continue
        if kind is float:
            if not _isfinite(item):
                return False
            continue
        inner = finite_within(item, depth - 1)
        if not inner:
            return inner
    return True


def _finite_other(value: Any) -> bool:
    if isinstance(value, (str, int, bytes)):  # subclasses: enums
        return True
    if isinstance(value, float):
        return _isfinite(value)
    if isinstance(value, Mapping):
        return all(finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(finite(v) for v in value)
    return True


# -- instances whose fields no longer match their types ----------------------------------
#
# pydantic's serializer notices a field whose value does not match its type in every
# mode; by default it only warns (a UserWarning attributed to the caller's module).
# Its checking mode (``warnings="error"``) raises instead, but costs about twice the
# serialization of a small model. A warnings filter scoped to this module turns the
# warning into an exception for the price of the default mode. It holds while no
# filter placed before it can catch that warning first and do something else with it
# (a later ``warnings.simplefilter("ignore")``, ``catch_warnings`` with filters of its
# own): :func:`filter_in_force` tells, and the checking mode is used meanwhile.

_SERIALIZER_WARNING = "Pydantic serializer warnings"
#: The installed filter and the module it is scoped to (set once, on import of the
#: module that calls the serializer).
_INSTALLED: list[Any] = [None, ""]
#: (filters list, its length, the filter's index there, in force) as last computed;
#: read by the serializer's caller on every call.
MISMATCH_STATE: list[Any] = [None, -1, 0, False]


def install_mismatch_filter(module: str) -> Any:
    """Install the filter for the serializer's warning raised from ``module`` (once);
    returns the filter entry."""
    if _INSTALLED[0] is None:
        warnings.filterwarnings(
            "error",
            message=_SERIALIZER_WARNING,
            category=UserWarning,
            module=re.escape(module) + "$",
        )
        _INSTALLED[:] = [warnings.filters[0], module]
    return _INSTALLED[0]


def _may_catch_first(entry: Any) -> bool:
    """Whether a filter could take the serializer's warning from this module and do
    anything but raise it (conservatively: a message or line condition counts)."""
    action, _message, category, module, _lineno = entry
    if action == "error":
        return False
    if not (isinstance(category, type) and issubclass(UserWarning, category)):
        return False
    return module is None or bool(module.match(_INSTALLED[1]))


def filter_in_force() -> bool:
    """Whether every serializer warning raised from this module is an exception: the
    mismatch filter is installed and no filter before it may catch the warning."""
    filters = warnings.filters
    force = MISMATCH_STATE
    installed = _INSTALLED[0]
    # unchanged since last computed: the same list, the filter at the same place (a
    # filter added or removed before it moves it; catch_warnings swaps the list)
    if filters is force[0]:
        index = force[2]
        if index < len(filters) and filters[index] is installed:
            return bool(force[3])
    for index, entry in enumerate(filters):
        if installed is not None and entry is installed:
            verdict = not any(_may_catch_first(f) for f in filters[:index])
            break
    else:
        index, verdict = len(filters), False
    MISMATCH_STATE[:] = [filters, len(filters), index, verdict]
    return verdict

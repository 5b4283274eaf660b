"""Text parsed as JSON or YAML, and parsed values checked against the limits."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .limits import (
    DEFAULT_LIMITS,
    ContractError,
    Limits,
    _digits_over,
    _one_line,
    _Refused,
    _too_deep,
    _too_many_digits,
    _too_many_nodes,
    pointer_of,
)
from .yaml_reader import _parse_yaml


def parse(text: str, where: str, *, json_first: bool, limits: Limits = DEFAULT_LIMITS) -> Any:
    """The JSON (``json_first``) or YAML value of ``text``, checked with
    :func:`check_value` (YAML is checked while it is built).

    Raises :class:`ContractError` with a one-line message naming ``where``.
    """
    if len(text) > limits.max_bytes and len(text.encode("utf-8")) > limits.max_bytes:
        raise ContractError(
            f"{where} is larger than {limits.max_bytes} bytes (raise the limit with max_bytes)"
        )
    if json_first:
        data = _parse_json(text, where, limits)
        check_value(data, where, limits)
        return data
    return _parse_yaml(text, where, limits)


def _parse_json(text: str, where: str, limits: Limits) -> Any:
    import json

    def constant(name: str) -> Any:
        raise _Refused(f"{name} is not a JSON number")

    def floating(token: str) -> float:
        value = float(token)
        if not math.isfinite(value):
            raise _Refused("a number too large to represent")
        return value

    def integer(token: str) -> int:
        if len(token.lstrip("-")) > limits.max_number_digits:
            raise _Refused(_too_many_digits(limits))
        return int(token)

    try:
        return json.loads(text, parse_constant=constant, parse_float=floating, parse_int=integer)
    except _Refused as exc:
        raise ContractError(f"{where} is refused: {exc.problem}") from None
    except RecursionError:
        raise ContractError(_too_deep(where, limits)) from None
    except ValueError as exc:
        detail = f"{type(exc).__name__}: {_one_line(exc)}"
        raise ContractError(f"{where} is not valid JSON: {detail}") from None


def check_value(value: Any, where: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a parsed document (or a dict given as one) that is past ``limits``:
    too many values (shared and repeated subtrees counted each time they appear, as
    YAML aliases expand), too deep, a key that is not a string, an integer with too
    many digits, NaN or an infinity, or a value that is not JSON data."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    max_digits = limits.max_number_digits
    max_depth = limits.max_depth
    budget = limits.max_nodes
    # an integer has more than max_digits digits only when it has at least this many bits
    max_bits = int(max_digits * 3.3219280948873626) - 1

    def walk(node: Any, depth: int) -> int:
        kind = type(node)
        if kind is str or kind is bool or node is None:
            return 1
        if kind is int:
            if node.bit_length() > max_bits and _digits_over(node, max_digits):
                raise _Refused(_too_many_digits(limits))
            return 1
        if kind is float:
            if not math.isfinite(node):
                raise _Refused("NaN or an infinite number")
            return 1
        if kind is dict or kind is list:
            key = id(node)
            known = sizes.get(key)
            if known is not None:
                return known
            if key in active:
                raise _Refused("a value that contains itself")
            if depth >= max_depth:
                raise _Refused(
                    f"nesting deeper than {max_depth} levels (raise the limit with max_depth)"
                )
            active.add(key)
            total = 1
            if kind is dict:
                for k, v in node.items():
                    if type(k) is not str:
                        raise _Refused(f"a key that is not a string ({type(k).__name__})")
                    try:
                        total += walk(v, depth + 1)
                    except _Refused as exc:
                        exc.path.append(k)
                        raise
                    if total > budget:
                        raise _Refused(_too_many_nodes(limits))
            else:
                for i, v in enumerate(node):
                    try:
                        total += walk(v, depth + 1)
                    except _Refused as exc:
                        exc.path.append(i)
                        raise
                    if total > budget:
                        raise _Refused(_too_many_nodes(limits))
            active.discard(key)
            sizes[key] = total
            return total
        if isinstance(node, str):  # str and int subclasses (enums) are what they hold
            return 1
        if isinstance(node, int):
            return walk(int(node), depth)
        if isinstance(node, float):
            return walk(float(node), depth)
        if isinstance(node, tuple):
            return walk(list(node), depth)
        if isinstance(node, Mapping):
            return walk(dict(node), depth)
        raise _Refused(f"a value that is not JSON data ({kind.__name__})")

    try:
        if walk(value, 0) > budget:
            raise _Refused(_too_many_nodes(limits))
    except _Refused as exc:
        at = pointer_of(exc.path[::-1])
        raise ContractError(f"{where} is refused at {at}: {exc.problem}") from None
    except RecursionError:
        raise ContractError(_too_deep(where, limits)) from None

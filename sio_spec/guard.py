"""The one gate for everything sio-spec reads from outside.

AsyncAPI documents (files, text, dicts, fetched URLs, ``git show`` output) and the
JSON Schemas they hold are untrusted input: a server publishes its document to
every client, and a pull request can change the document a CI job diffs. Every
consumer (the contract reader, ``ClientSpec``, ``diff``, ``check --against``, the
docs page, TypeScript, the agent catalog) reads through this module, which:

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

import gc
import math
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import SpecError
from .jsonschema_keywords import escape_pointer

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

#: Bytes of a document read at most (16 MiB).
MAX_BYTES = 16 * 1024 * 1024
#: Values (mappings, lists, scalars, keys not counted) of a document with YAML aliases
#: expanded.
MAX_NODES = 2_000_000
#: Levels of nested mappings and lists.
MAX_DEPTH = 200
#: Decimal digits of an integer.
MAX_NUMBER_DIGITS = 300


class ContractError(SpecError):
    """An AsyncAPI document could not be read: unreadable, not AsyncAPI, malformed, or
    past one of the reading limits.

    The message is one line naming the problem and where it is.
    """


@dataclass(frozen=True)
class Limits:
    """The limits of reading one document; each has a keyword of the same name on
    :meth:`~sio_spec.SocketIOSpec.from_document`, :class:`~sio_spec.ClientSpec` and
    :meth:`~sio_spec.ClientSpec.from_url`, and a ``--max-...`` option of the CLI."""

    max_bytes: int = MAX_BYTES
    max_nodes: int = MAX_NODES
    max_depth: int = MAX_DEPTH
    max_number_digits: int = MAX_NUMBER_DIGITS

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_nodes", "max_depth", "max_number_digits"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise SpecError(f"{name} must be a positive integer")


DEFAULT_LIMITS = Limits()


def limits_of(
    max_bytes: int | None = None,
    max_nodes: int | None = None,
    max_depth: int | None = None,
    max_number_digits: int | None = None,
) -> Limits:
    """:class:`Limits` from keywords, ``None`` meaning the default."""
    return Limits(
        max_bytes=MAX_BYTES if max_bytes is None else max_bytes,
        max_nodes=MAX_NODES if max_nodes is None else max_nodes,
        max_depth=MAX_DEPTH if max_depth is None else max_depth,
        max_number_digits=MAX_NUMBER_DIGITS if max_number_digits is None else max_number_digits,
    )


def _one_line(text: Any, size: int = 200) -> str:
    return " ".join(str(text).split())[:size]


def pointer_of(path: list[Any]) -> str:
    """A JSON pointer (``/a/b/0``; ``/`` for the whole document) from its segments,
    on one line and at most about 200 characters (the middle elided)."""
    if not path:
        return "/"
    text = "".join("/" + escape_pointer(str(p)) for p in path)
    text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= 200 else text[:100] + "/.../" + text[-95:]


# -- reading bytes ---------------------------------------------------------------------


def read_file(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> str:
    """The UTF-8 text of a file, at most ``limits.max_bytes`` bytes of it."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as fh:
            data = fh.read(limits.max_bytes + 1)
    except OSError as exc:
        raise ContractError(f"cannot read {name}: {exc.strerror or type(exc).__name__}") from None
    return decode(data, name, limits)


def decode(data: bytes, where: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """``data`` as UTF-8 text, refused past ``limits.max_bytes``."""
    if len(data) > limits.max_bytes:
        raise ContractError(
            f"{where} is larger than {limits.max_bytes} bytes (raise the limit with max_bytes)"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ContractError(f"cannot read {where}: not UTF-8 text") from None


# -- parsing ---------------------------------------------------------------------------


class _Refused(Exception):
    """A value past a limit; ``path`` is filled in while the stack unwinds."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.path: list[Any] = []


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


def _too_deep(where: str, limits: Limits) -> str:
    return f"{where} nests deeper than {limits.max_depth} levels (raise the limit with max_depth)"


def _too_many_digits(limits: Limits) -> str:
    return (
        f"a number with more than {limits.max_number_digits} digits "
        "(raise the limit with max_number_digits)"
    )


def _too_many_nodes(limits: Limits) -> str:
    return (
        f"more than {limits.max_nodes} values with its aliases expanded "
        "(raise the limit with max_nodes)"
    )


def _digits_over(value: int, digits: int) -> bool:
    """Whether ``value`` has more than ``digits`` decimal digits (computed without
    ``str()``, which refuses integers of more than 4,300 digits)."""
    return bool(abs(value) >= 10**digits)


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


# -- YAML ------------------------------------------------------------------------------

_YAML_DIRECTIVE = re.compile(r"^%YAML", re.MULTILINE)
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _loader_class() -> Any:
    """A safe YAML loader on ruamel.yaml's C parser (``ruamel.yaml.clib``) that reads
    the same data as the pure-Python safe loader for YAML 1.2 documents; ``None``
    when the C parser is not installed."""
    try:
        from _ruamel_yaml import CParser  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    from ruamel.yaml.constructor import SafeConstructor
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
    from ruamel.yaml.resolver import VersionedResolver
    from ruamel.yaml.tag import Tag

    tags: dict[str, Any] = {}

    def tag(suffix: str) -> Any:
        found = tags.get(suffix)
        if found is None:
            found = tags[suffix] = Tag(suffix=suffix)
        return found

    class Loader(CParser, SafeConstructor, VersionedResolver):  # type: ignore[misc]
        # the C parser reads every document as YAML 1.2 (documents with a %YAML
        # directive go to the pure loader); the resolver's table is looked up once
        processing_version = (1, 2)

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            self._parser = self._composer = self
            SafeConstructor.__init__(self, loader=self)
            VersionedResolver.__init__(self, version=None, loadumper=self)
            self.allow_duplicate_keys = False
            table = self.versioned_resolver
            extra = table.get(None, [])
            self._table = {k: list(v) + extra for k, v in table.items() if k is not None}
            self._extra = extra
            self._defaults = {
                ScalarNode: tag(_STR),
                SequenceNode: tag(_SEQ),
                MappingNode: tag(_MAP),
            }

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode and implicit[0]:
                for suffix, regexp in self._table.get(value[0] if value else "", self._extra):
                    if regexp.match(value):
                        return tag(suffix)
            return self._defaults[kind]

    return Loader


_LOADER: Any = False


def _parse_yaml(text: str, where: str, limits: Limits) -> Any:
    global _LOADER
    from ruamel.yaml.error import YAMLError

    if _LOADER is False:
        _LOADER = _loader_class()
    loader: Any
    constructor: Any
    if _LOADER is not None and not _YAML_DIRECTIVE.search(text):
        loader = constructor = _LOADER(text)
        compose = loader.get_single_node
    else:
        from ruamel.yaml import YAML

        yaml = YAML(typ="safe", pure=True)
        loader, constructor = None, yaml.constructor

        def compose() -> Any:
            return yaml.compose(text)

    collecting = gc.isenabled()
    try:
        # the parse allocates one object per value and frees none: cyclic garbage
        # collection passes during it find nothing and cost more the bigger the document
        if collecting:
            gc.disable()
        try:
            node = compose()
        except RecursionError:
            raise ContractError(_too_deep(where, limits)) from None
        if node is None:
            return None
        return _Builder(constructor, limits).build(node, where)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or type(exc).__name__
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise ContractError(f"{where} is not valid YAML{at}: {_one_line(problem)}") from None
    except ContractError:
        raise
    except Exception as exc:  # ruamel raises a few non-YAMLError types
        raise ContractError(f"{where} is not valid YAML: {type(exc).__name__}") from None
    finally:
        if collecting:
            gc.enable()
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()


class _Builder:
    """Python data from a composed YAML node graph, within the limits: an alias is
    the same node object, so the expanded size of each node is counted once and
    added each time it appears; the build stops as soon as the count passes
    ``max_nodes``, while the data built so far is still as small as the text."""

    def __init__(self, constructor: Any, limits: Limits) -> None:
        self.constructor = constructor
        self.limits = limits
        self.built: dict[int, tuple[Any, int]] = {}
        self.active: set[int] = set()
        self.total = 0

    def build(self, node: Any, where: str) -> Any:
        try:
            return self.node(node, 0)[0]
        except _Refused as exc:
            at = pointer_of(exc.path[::-1])
            raise ContractError(f"{where} is refused at {at}: {exc.problem}") from None
        except RecursionError:
            raise ContractError(_too_deep(where, self.limits)) from None

    def count(self, size: int) -> None:
        self.total += size
        if self.total > self.limits.max_nodes:
            raise _Refused(_too_many_nodes(self.limits))

    def node(self, node: Any, depth: int) -> tuple[Any, int]:
        key = id(node)
        hit = self.built.get(key)
        if hit is not None:
            self.count(hit[1])
            return hit
        if key in self.active:
            raise _Refused("an alias that refers to the value holding it")
        tag = str(node.ctag)
        kind = node.id
        if kind == "scalar":
            value = self.scalar(node, tag)
            self.count(1)
            result = (value, 1)
        else:
            if depth >= self.limits.max_depth:
                raise _Refused(
                    f"nesting deeper than {self.limits.max_depth} levels "
                    "(raise the limit with max_depth)"
                )
            self.active.add(key)
            if kind == "mapping":
                result = self.mapping(node, tag, depth)
            else:
                result = self.sequence(node, tag, depth)
            self.active.discard(key)
        if node.anchor is not None or kind != "scalar":
            self.built[key] = result
        return result

    def scalar(self, node: Any, tag: str) -> Any:
        if tag == _STR:
            return node.value
        if tag == _INT:
            text = node.value
            digits = len(text.lstrip("+-").replace("_", ""))
            # hex and binary digits are denser or sparser than decimal: check the value
            if digits > self.limits.max_number_digits // 2:
                value = self.constructor.construct_yaml_int(node)
                if _digits_over(value, self.limits.max_number_digits):
                    raise _Refused(_too_many_digits(self.limits))
                return value
            return self.constructor.construct_yaml_int(node)
        if tag == _FLOAT:
            value = self.constructor.construct_yaml_float(node)
            if not math.isfinite(value):
                raise _Refused("NaN or an infinite number")
            return value
        if tag == _BOOL:
            return self.constructor.construct_yaml_bool(node)
        if tag == _NULL:
            return None
        if tag == _TIMESTAMP:  # YAML 1.2's JSON schema has no dates: the text as written
            return node.value
        raise _Refused(f"a value of YAML type {_one_line(tag, 60)!r}, which is not JSON data")

    def mapping(self, node: Any, tag: str, depth: int) -> tuple[Any, int]:
        if tag != _MAP:
            raise _Refused(f"a value of YAML type {_one_line(tag, 60)!r}, which is not JSON data")
        out: dict[str, Any] = {}
        size = 1
        self.count(1)
        pairs = node.value
        merged = 0  # pairs from << merge keys come first; the mapping's own keys win
        if any(str(key_node.ctag) == _MERGE for key_node, _ in pairs):
            own = [(k, v) for k, v in pairs if str(k.ctag) != _MERGE]
            self.constructor.flatten_mapping(node)
            merge = list(getattr(node, "merge", None) or [])
            pairs, merged = merge + own, len(merge)
        own_names: set[str] = set()
        sizes: dict[str, int] = {}
        for index, (key_node, value_node) in enumerate(pairs):
            if key_node.id != "scalar" or str(key_node.ctag) != _STR:
                shown = key_node.value if key_node.id == "scalar" else key_node.id
                raise _Refused(f"a key that is not a string ({_one_line(shown, 40)!r})")
            name = key_node.value
            if index >= merged:
                if name in own_names:
                    raise _Refused(f"the key {_one_line(name, 60)!r} appears twice")
                own_names.add(name)
            try:
                value, n = self.node(value_node, depth + 1)
            except _Refused as exc:
                exc.path.append(name)
                raise
            size += n - sizes.get(name, 0)
            out[name] = value
            sizes[name] = n
        return out, size

    def sequence(self, node: Any, tag: str, depth: int) -> tuple[Any, int]:
        if tag != _SEQ:
            raise _Refused(f"a value of YAML type {_one_line(tag, 60)!r}, which is not JSON data")
        out: list[Any] = []
        size = 1
        self.count(1)
        for i, item in enumerate(node.value):
            try:
                value, n = self.node(item, depth + 1)
            except _Refused as exc:
                exc.path.append(i)
                raise
            out.append(value)
            size += n
        return out, size


# -- JSON Schema -----------------------------------------------------------------------

_TYPES = frozenset({"array", "boolean", "integer", "null", "number", "object", "string"})
_SUBSCHEMA = (
    "additionalItems",
    "additionalProperties",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
)
_SCHEMA_OBJECTS = ("properties", "definitions", "$defs", "dependentSchemas")
_SCHEMA_ARRAYS = ("allOf", "anyOf", "oneOf")
_COUNTS = (
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "minContains",
    "maxContains",
)
_NUMBERS = ("maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum")
_STRINGS = ("$schema", "$comment", "format", "contentMediaType", "contentEncoding")


class _Invalid(Exception):
    def __init__(self, path: list[Any], problem: str) -> None:
        super().__init__(problem)
        self.path = path
        self.problem = problem


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def check_schema(schema: Any, where: str = "the schema") -> None:
    """Refuse a JSON Schema that is not valid JSON Schema: a ``type`` that does not
    exist, a ``required`` or ``enum`` of the wrong shape, a count or bound that is not
    a number, a ``pattern`` the linear-time engine cannot compile (backreferences,
    look-around, syntax errors), a ``$ref`` outside the document.

    ``where`` is the JSON pointer of ``schema``; the :class:`ContractError` names the
    pointer of the offending keyword below it.
    """
    try:
        _check(schema, [])
    except _Invalid as exc:
        base = where.rstrip("/") if where.startswith(("/", "#")) else where
        at = base + pointer_of(exc.path) if exc.path else where
        raise ContractError(f"invalid JSON Schema at {at}: {exc.problem}") from None
    except RecursionError:
        raise ContractError(f"invalid JSON Schema at {where}: nested too deeply") from None


def _check(schema: Any, path: list[Any]) -> None:
    if isinstance(schema, bool):
        return
    if not isinstance(schema, dict):
        raise _Invalid(path, f"a schema must be an object or a boolean, not {_kind(schema)}")
    for key, value in schema.items():
        rule = _RULES.get(key)
        if rule is not None:
            rule(key, value, path)


def _rule_type(key: str, value: Any, path: list[Any]) -> None:
    if isinstance(value, str):
        if value in _TYPES:
            return
        names: list[Any] = [value]
    elif isinstance(value, list):
        if not value:
            raise _Invalid([*path, key], "'type' must not be an empty list")
        names = value
    else:
        names = [value]
    for name in names:
        if not isinstance(name, str) or name not in _TYPES:
            raise _Invalid([*path, key], f"unknown type {_one_line(repr(name), 60)}")


def _rule_required(key: str, value: Any, path: list[Any]) -> None:
    if not _string_list(value):
        raise _Invalid([*path, key], "'required' must be a list of strings")


def _rule_enum(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, list):
        raise _Invalid([*path, key], "'enum' must be a list")


def _rule_pattern(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, str):
        raise _Invalid([*path, key], "'pattern' must be a string")
    _compiles(value, [*path, key])


def _rule_pattern_properties(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, dict):
        raise _Invalid([*path, key], "'patternProperties' must be an object")
    for pattern, sub in value.items():
        _compiles(pattern, [*path, key, pattern])
        _check(sub, [*path, key, pattern])


def _rule_schema_object(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, dict):
        raise _Invalid([*path, key], f"{key!r} must be an object of schemas")
    for name, sub in value.items():
        if sub is True or sub is False:
            continue
        _check(sub, [*path, key, name])


def _rule_schema_array(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, list) or not value:
        raise _Invalid([*path, key], f"{key!r} must be a non-empty list of schemas")
    for i, sub in enumerate(value):
        _check(sub, [*path, key, i])


def _rule_items(key: str, value: Any, path: list[Any]) -> None:
    if isinstance(value, list):
        for i, sub in enumerate(value):
            _check(sub, [*path, key, i])
    elif key == "prefixItems":
        raise _Invalid([*path, key], "'prefixItems' must be a list of schemas")
    else:
        _check(value, [*path, key])


def _rule_subschema(key: str, value: Any, path: list[Any]) -> None:
    _check(value, [*path, key])


def _rule_dependencies(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, dict):
        raise _Invalid([*path, key], "'dependencies' must be an object")
    for name, sub in value.items():
        if not _string_list(sub):
            _check(sub, [*path, key, name])


def _rule_dependent_required(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, dict) or not all(_string_list(v) for v in value.values()):
        raise _Invalid([*path, key], "'dependentRequired' must map names to lists of strings")


def _rule_count(key: str, value: Any, path: list[Any]) -> None:
    if not _number(value) or value < 0 or value != int(value):
        raise _Invalid([*path, key], f"{key!r} must be a non-negative integer")


def _rule_number(key: str, value: Any, path: list[Any]) -> None:
    if not _number(value):
        raise _Invalid([*path, key], f"{key!r} must be a number")


def _rule_multiple_of(key: str, value: Any, path: list[Any]) -> None:
    if not _number(value) or value <= 0:
        raise _Invalid([*path, key], "'multipleOf' must be a number above 0")


def _rule_unique_items(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, bool):
        raise _Invalid([*path, key], "'uniqueItems' must be a boolean")


def _rule_ref(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, str):
        raise _Invalid([*path, key], "'$ref' must be a string")
    if not value.startswith("#"):
        raise _Invalid(
            [*path, key],
            f"$ref {_one_line(repr(value), 80)} points outside the document "
            "(only '#...' references are read)",
        )


def _rule_string(key: str, value: Any, path: list[Any]) -> None:
    if not isinstance(value, str):
        raise _Invalid([*path, key], f"{key!r} must be a string")


_RULES: dict[str, Callable[[str, Any, list[Any]], None]] = {
    "type": _rule_type,
    "required": _rule_required,
    "enum": _rule_enum,
    "pattern": _rule_pattern,
    "patternProperties": _rule_pattern_properties,
    "items": _rule_items,
    "prefixItems": _rule_items,
    "dependencies": _rule_dependencies,
    "dependentRequired": _rule_dependent_required,
    "multipleOf": _rule_multiple_of,
    "uniqueItems": _rule_unique_items,
    "$ref": _rule_ref,
    **{key: _rule_schema_object for key in _SCHEMA_OBJECTS},
    **{key: _rule_schema_array for key in _SCHEMA_ARRAYS},
    **{key: _rule_subschema for key in _SUBSCHEMA},
    **{key: _rule_count for key in _COUNTS},
    **{key: _rule_number for key in _NUMBERS},
    **{key: _rule_string for key in _STRINGS},
}


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", type(None): "null"}.get(
        type(value), f"a {type(value).__name__}"
    )


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


def _compiles(pattern: Any, path: list[Any]) -> None:
    if not isinstance(pattern, str):
        raise _Invalid(path, "a pattern must be a string")
    try:
        linear_pattern(pattern)
    except ContractError as exc:
        raise _Invalid(path, str(exc)) from None


_VALIDATOR_CLASSES: dict[Any, Any] = {}


def _linear_class(base: Any) -> Any:
    """``base`` (a jsonschema validator class) with ``pattern`` and
    ``patternProperties`` matched in linear time."""
    cls = _VALIDATOR_CLASSES.get(base)
    if cls is not None:
        return cls
    import jsonschema

    def pattern(validator: Any, patrn: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if validator.is_type(instance, "string") and not linear_pattern(patrn)(instance):
            yield jsonschema.ValidationError(f"does not match the pattern {patrn!r}")

    def pattern_properties(
        validator: Any, patterns: Any, instance: Any, schema: Any
    ) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        for patrn, subschema in patterns.items():
            matches = linear_pattern(patrn)
            for name, value in instance.items():
                if matches(name):
                    yield from validator.descend(value, subschema, path=name, schema_path=patrn)

    def additional_properties(validator: Any, aP: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        props = schema.get("properties", {})
        patterns = [linear_pattern(p) for p in schema.get("patternProperties", {})]
        extras = [k for k in instance if k not in props and not any(m(k) for m in patterns)]
        if validator.is_type(aP, "object"):
            for extra in extras:
                yield from validator.descend(instance[extra], aP, path=extra)
        elif not aP and extras:
            yield jsonschema.ValidationError("Additional properties are not allowed")

    cls = jsonschema.validators.extend(
        base,
        {
            "pattern": pattern,
            "patternProperties": pattern_properties,
            "additionalProperties": additional_properties,
        },
    )
    _VALIDATOR_CLASSES[base] = cls
    return cls


def _refuse_retrieval(uri: str) -> Any:
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


def _without_ids(node: Any) -> Any:
    """A copy of a schema without ``$id`` / ``id`` base URIs: every ``$ref`` resolves
    against the schema itself, never against a URI a document chose."""
    if isinstance(node, dict):
        return {
            k: _without_ids(v)
            for k, v in node.items()
            if not (k in ("$id", "id") and isinstance(v, str))
        }
    if isinstance(node, list):
        return [_without_ids(v) for v in node]
    return node


def json_schema_validator(schema: Mapping[str, Any], where: str = "the schema") -> Any:
    """The ``jsonschema`` validator of ``schema``, the only way sio-spec builds one.

    The schema is checked first (:func:`check_schema`); ``$id`` base URIs are
    dropped and references resolve in a registry that refuses to retrieve anything,
    so validating never opens a file or a connection; ``pattern`` and
    ``patternProperties`` are matched in linear time.
    """
    import jsonschema
    from referencing import Registry

    check_schema(schema, where)
    clean = _without_ids(dict(schema))
    base = jsonschema.validators.validator_for(clean, default=jsonschema.Draft7Validator)
    # the meta-schema without its "regex" format check: patterns follow the linear
    # engine's syntax (checked above), not Python's
    problem = jsonschema.exceptions.best_match(base(base.META_SCHEMA).iter_errors(clean))
    if problem is not None:
        at = where.rstrip("/") + pointer_of(list(problem.absolute_path))
        raise ContractError(f"invalid JSON Schema at {at}: {_one_line(problem.message, 120)}")
    cls = _linear_class(base)
    registry: Any = Registry(retrieve=_refuse_retrieval)  # type: ignore[call-arg]
    return cls(clean, registry=registry)


# -- fetching --------------------------------------------------------------------------

#: Redirects :func:`fetch` follows at most.
MAX_REDIRECTS = 5


def fetch(url: str, *, timeout: float, limits: Limits = DEFAULT_LIMITS) -> tuple[str, str]:
    """GET an http(s) URL: its text and content type. ``timeout`` is the deadline
    for the whole exchange (connecting, headers, body, redirects), and at most
    ``limits.max_bytes`` bytes of body are read."""
    import http.client
    import urllib.parse

    shown = _one_line(url)
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ContractError(f"not an http(s) URL: {shown!r}")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ContractError(f"cannot fetch {shown}: no answer within {timeout} s")
        conn: http.client.HTTPConnection
        if parts.scheme == "https":
            conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=remaining)
        else:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=remaining)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        timer = threading.Timer(remaining, _cut, (conn,))
        timer.daemon = True
        timer.start()
        try:
            try:
                conn.request("GET", path, headers={"Accept": "application/json, */*"})
                response = conn.getresponse()
                if response.status in (301, 302, 303, 307, 308):
                    location = response.getheader("Location")
                    if not location:
                        raise ContractError(f"cannot fetch {shown}: redirect without a Location")
                    url = urllib.parse.urljoin(url, location)
                    continue
                if response.status >= 400:
                    raise ContractError(f"cannot fetch {shown}: HTTP status {response.status}")
                body = _read_body(response, limits, shown, deadline, timeout)
                content_type = response.getheader("Content-Type") or ""
            except (OSError, http.client.HTTPException, ValueError) as exc:
                if time.monotonic() >= deadline:
                    raise ContractError(
                        f"cannot fetch {shown}: no complete answer within {timeout} s"
                    ) from None
                raise ContractError(f"cannot fetch {shown}: {type(exc).__name__}") from None
        finally:
            timer.cancel()
            conn.close()
        return decode(body, shown, limits), content_type
    raise ContractError(f"cannot fetch {shown}: more than {MAX_REDIRECTS} redirects")


def _cut(conn: Any) -> None:
    """Unblock a read that is past the deadline."""
    sock = getattr(conn, "sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _read_body(response: Any, limits: Limits, shown: str, deadline: float, timeout: float) -> bytes:
    length = response.getheader("Content-Length")
    if length is not None and length.isdigit() and int(length) > limits.max_bytes:
        raise ContractError(
            f"{shown} is larger than {limits.max_bytes} bytes (raise the limit with max_bytes)"
        )
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() >= deadline:
            raise ContractError(f"cannot fetch {shown}: no complete answer within {timeout} s")
        chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
        if not chunk:
            if time.monotonic() >= deadline:
                raise ContractError(f"cannot fetch {shown}: no complete answer within {timeout} s")
            break
        size += len(chunk)
        if size > limits.max_bytes:
            raise ContractError(
                f"{shown} is larger than {limits.max_bytes} bytes (raise the limit with max_bytes)"
            )
        chunks.append(chunk)
    return b"".join(chunks)

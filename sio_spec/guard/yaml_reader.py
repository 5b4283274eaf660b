"""YAML read safely: JSON's types only, aliases counted while they are built."""

from __future__ import annotations

import gc
import math
import re
from typing import Any

from .limits import (
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

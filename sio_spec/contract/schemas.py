"""Schemas of a document rewritten so every reference is a component."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .. import guard
from ..guard import ContractError
from ..jsonschema_keywords import (
    ONE_SCHEMA,
    SCHEMA_LISTS,
    SCHEMA_MAPS,
    escape_pointer,
    ref_name,
    schema_ref,
    unescape_pointer,
)
from ..names import Names, sanitize

_JSON_FORMATS = re.compile(
    r"^application/(?:vnd\.aai\.asyncapi(?:\+json|\+yaml)?|schema(?:\+json|\+yaml)?)"
)


class _Schemas:
    """Rewrites schemas so every reference is ``#/components/schemas/<Name>``."""

    def __init__(
        self, document: Mapping[str, Any], components: Mapping[str, Any], check: bool = True
    ) -> None:
        self.document = document
        self.source = components
        self.check = check
        self.checked: set[int] = set()
        self.out: dict[str, Any] = {}
        self.names = Names(components)
        self.lifted: dict[tuple[int, str], str] = {}
        for name in sorted(components):
            self.out[name] = {}  # placeholder: refs between components resolve
        for name in sorted(components):
            body = components[name]
            where = f"/components/schemas/{escape_pointer(name)}"
            if isinstance(body, dict) and "schemaFormat" in body and "schema" in body:
                body = _multi_format(body, f"components.schemas.{name}")
                where += "/schema"
            self.verify(body, where)
            self.out[name] = self.rewrite(body, body if isinstance(body, dict) else None)

    def verify(self, schema: Any, where: str | None = None) -> None:
        """Refuse a schema of the document that is not valid JSON Schema (once per
        schema object); ``where`` is its JSON pointer, found when not given."""
        if not self.check or schema is None or id(schema) in self.checked:
            return
        try:
            guard.check_schema(schema, where or "/")
        except ContractError:
            if where is None:
                found = _find(self.document, schema)
                guard.check_schema(schema, found if found is not None else "a schema")
            raise
        self.checked.add(id(schema))

    def take(self, base: str) -> str:
        return self.names.take(sanitize(base, "Schema"))

    def rewrite(self, node: Any, root: dict[str, Any] | None) -> Any:
        """A copy of the schema ``node``; ``root`` is the top of the schema it is part
        of (where ``#/$defs/...`` of an embedded JSON Schema resolve)."""
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = schema_ref(self.target(value, root))
            elif key in ONE_SCHEMA:
                out[key] = (
                    [self.rewrite(v, root) for v in value]
                    if isinstance(value, list)
                    else self.rewrite(value, root)
                )
            elif key in SCHEMA_LISTS and isinstance(value, list):
                out[key] = [self.rewrite(v, root) for v in value]
            elif key in SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {k: self.rewrite(v, root) for k, v in value.items()}
            elif key == "dependencies" and isinstance(value, dict):
                out[key] = {
                    k: self.rewrite(v, root) if isinstance(v, dict) else v for k, v in value.items()
                }
            else:
                out[key] = value
        return out

    def target(self, ref: str, root: dict[str, Any] | None) -> str:
        """The component name ``ref`` stands for (lifting the target when needed)."""
        name = ref_name(ref)
        if name is not None and name in self.source:
            return name
        if not ref.startswith("#"):
            raise ContractError(f"$ref {ref!r} points outside the document, which is not supported")
        if ref != "#" and not ref.startswith("#/"):
            raise ContractError(
                f"$ref {ref[:200]!r} is not a JSON pointer ('#/...'), which is not supported"
            )
        segments = [unescape_pointer(s) for s in ref[1:].split("/")[1:]] if ref != "#" else []
        found, value = _pointer(self.document, segments)
        holder: Any = self.document
        if not found and root is not None and segments[:1] in (["$defs"], ["definitions"]):
            found, value = _pointer(root, segments)
            holder = root
        if not found:
            raise ContractError(f"$ref {ref!r} points at nothing in the document")
        key = (id(holder), "/".join(segments))
        if key in self.lifted:
            return self.lifted[key]
        if segments[:1] in (["$defs"], ["definitions"]) and len(segments) == 2:
            base = segments[1]
        else:
            rest = segments[1:] if segments[:1] == ["components"] else segments
            if rest[:1] == ["schemas"]:
                rest = rest[1:]
            base = "_".join(rest)
        name = self.lifted[key] = self.take(base)
        if isinstance(value, dict) and "schemaFormat" in value and "schema" in value:
            value = _multi_format(value, ref)
        self.verify(value, guard.pointer_of(segments) if holder is self.document else None)
        self.out[name] = {}
        self.out[name] = self.rewrite(value, value if isinstance(value, dict) else root)
        return name


def _pointer(doc: Any, segments: Sequence[str]) -> tuple[bool, Any]:
    node = doc
    for seg in segments:
        if isinstance(node, dict) and seg in node:
            node = node[seg]
        elif isinstance(node, list) and seg.isdigit() and int(seg) < len(node):
            node = node[int(seg)]
        else:
            return False, None
    return True, node


def _find(document: Any, target: Any) -> str | None:
    """The JSON pointer of the object ``target`` (by identity) in ``document``."""
    stack: list[tuple[Any, list[Any]]] = [(document, [])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if node is target:
            return guard.pointer_of(path)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            stack.extend((v, [*path, k]) for k, v in node.items() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, [*path, i]) for i, v in enumerate(node) if isinstance(v, (dict, list)))
    return None


def _multi_format(body: dict[str, Any], where: str) -> Any:
    """The schema of a Multi Format Schema Object when it is JSON Schema based
    (``None`` for other formats: Avro, Protobuf... are not read)."""
    fmt = body.get("schemaFormat")
    if fmt is None or (isinstance(fmt, str) and _JSON_FORMATS.match(fmt)):
        return body.get("schema")
    return None

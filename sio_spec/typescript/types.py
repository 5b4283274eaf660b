"""Schemas written as TypeScript types."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from ..contract import JsonSchema, ref_name
from ..jsonschema_keywords import (
    CONSTRAINTS,
    is_binary,
)
from .graph import _ARRAY_KEYS, _OBJECT_KEYS, _STRUCTURE, _discriminator, _has_default
from .naming import _Namer
from .text import (
    RECEIVE,
    SEND,
    View,
    _array,
    _auto_title,
    _comment_text,
    _jsdoc,
    _json,
    _key,
    _literal,
    _members_of,
    _paren,
    _type_name,
    _union,
)

#: A title that is one identifier names a type (the document's titles for generators):
#: it is not written as a property's documentation.
_TYPE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class _TypeWriter(_Namer):
    """Writes schemas as types, under the names :class:`_Namer` chose."""

    # -- schemas ------------------------------------------------------------------------------
    def ts(self, schema: Any, view: View, indent: str, tags: Collection[str] = ()) -> str:
        """The TypeScript type of ``schema`` as seen in ``view`` (``tags``: properties
        of the object that must be present: the tag of a discriminated union)."""
        if schema is True or schema is None:
            return "unknown"
        if schema is False:
            return "never"
        if not isinstance(schema, dict):
            return "unknown"
        text = self._ts(schema, view, indent, tags)
        if schema.get("nullable") is True and text not in ("unknown", "null"):
            text = _union([*_members_of(text), "null"])
        return text

    def _ts(self, schema: JsonSchema, view: View, indent: str, tags: Collection[str] = ()) -> str:
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = ref_name(ref)
            if name is not None and (name, view) in self.names:
                return self.names[(name, view)]
            return "unknown"
        if "const" in schema:
            return _literal(schema["const"])
        enum = schema.get("enum")
        if isinstance(enum, list):
            return _union(_literal(v) for v in enum) if enum else "never"
        for key in ("anyOf", "oneOf"):
            members = schema.get(key)
            if isinstance(members, list):
                tag = _discriminator(schema)
                inner = (tag,) if tag is not None else ()
                union = _union(self.ts(m, view, indent, inner) for m in members)
                rest = {k: v for k, v in schema.items() if k != key}
                if any(k in _STRUCTURE for k in rest):
                    return f"{_paren(self._ts(rest, view, indent, tags))} & {_paren(union)}"
                return union
        all_of = schema.get("allOf")
        if isinstance(all_of, list) and all_of:
            parts = [self.ts(m, view, indent) for m in all_of]
            rest = {k: v for k, v in schema.items() if k != "allOf"}
            if any(k in _STRUCTURE for k in rest):
                parts.insert(0, self._ts(rest, view, indent, tags))
            parts = [p for p in parts if p != "unknown"] or ["unknown"]
            return " & ".join(_paren(p) for p in dict.fromkeys(parts))
        kind = schema.get("type")
        if isinstance(kind, list):
            return _union(self._ts({**schema, "type": k}, view, indent, tags) for k in kind)
        if kind is None:
            if any(k in schema for k in _OBJECT_KEYS):
                kind = "object"
            elif any(k in schema for k in _ARRAY_KEYS):
                kind = "array"
            elif is_binary(schema):
                kind = "string"
        if kind == "string":
            if is_binary(schema):
                helper = "SioSpecBinary" if view == SEND else "SioSpecReceivedBinary"
                self.helpers.update((helper, "SioSpecBlob"))
                return helper
            return "string"
        if kind in ("integer", "number"):
            return "number"
        if kind == "boolean":
            return "boolean"
        if kind == "null":
            return "null"
        if kind == "array":
            return self._array(schema, view, indent)
        if kind == "object":
            return self._object(schema, view, indent, tags)
        return "unknown"

    def _array(self, schema: JsonSchema, view: View, indent: str) -> str:
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list):
            items: list[Any] | None = prefix
            rest = schema.get("items", True)
        else:
            items = schema.get("items") if isinstance(schema.get("items"), list) else None
            rest = schema.get("additionalItems", True)
        if items is None:
            item = schema.get("items")
            return _array(self.ts(item, view, indent) if item is not None else "unknown")
        minimum = schema.get("minItems", 0)
        minimum = minimum if isinstance(minimum, int) else 0
        maximum = schema.get("maxItems")
        if isinstance(maximum, int) and maximum < len(items):
            items = items[:maximum]
        closed = rest is False or (isinstance(maximum, int) and maximum <= len(items))
        parts = []
        for i, item in enumerate(items):
            text = self.ts(item, view, indent)
            parts.append(text if i < minimum else f"{_paren(text)}?")
        if not closed:
            parts.append("..." + _array(self.ts(rest, view, indent)))
        return "[" + ", ".join(parts) + "]"

    def _object(
        self, schema: JsonSchema, view: View, indent: str, tags: Collection[str] = ()
    ) -> str:
        lines = self._members(schema, view, indent + "  ", tags)
        if lines is None:
            return "Record<string, unknown>"
        if isinstance(lines, str):
            return lines
        if not lines:
            return "Record<string, never>"
        return "{\n" + "\n".join(lines) + f"\n{indent}}}"

    def _members(
        self, schema: JsonSchema, view: View, indent: str, tags: Collection[str] = ()
    ) -> list[str] | str | None:
        """The member lines of an object type; a string for a ``Record``; ``None``
        for an object that says nothing about its keys."""
        props = schema.get("properties")
        props = props if isinstance(props, dict) else {}
        required = schema.get("required")
        required = set(required) if isinstance(required, list) else set()
        extra = schema.get("additionalProperties")
        patterns = schema.get("patternProperties")
        index: list[str] = []
        if isinstance(extra, dict) or extra is True:
            index.append(self.ts(extra, view, indent))
        if isinstance(patterns, dict):
            index.extend(self.ts(p, view, indent) for p in patterns.values())
        if not props:
            if index:
                if self.current in self.index_maps:
                    return f"{{ [key: string]: {_union(index)} }}"
                return f"Record<string, {_union(index)}>"
            if extra is False:
                return []
            return None
        lines: list[str] = []
        types: list[str] = []
        for name, prop in props.items():
            optional = name not in required
            if optional and (name in tags or (view == RECEIVE and _has_default(prop))):
                optional = False
            text = self.ts(prop, view, indent)
            types.append(text)
            lines.extend(_jsdoc(self.doc_lines(prop, name), indent))
            lines.append(f"{indent}{_key(str(name))}{'?' if optional else ''}: {text};")
        if index:
            absent = ["undefined"] if len(required) < len(props) else []
            allowed = _union([*index, *types, *absent])
            lines.append(f"{indent}[key: string]: {allowed};")
        return lines

    def doc_lines(self, schema: Any, prop: str | None = None, type_name: str = "") -> list[str]:
        """JSDoc lines of a schema: title, description, format, constraints, default,
        examples, deprecation."""
        if not isinstance(schema, dict):
            return []
        lines: list[str] = []
        title = schema.get("title")
        if (
            isinstance(title, str)
            and title
            and title != type_name
            and (prop is None or (title != _auto_title(prop) and not _TYPE_NAME.match(title)))
        ):
            lines.extend(_comment_text(title))
        description = schema.get("description")
        if isinstance(description, str) and description:
            if lines:
                lines.append("")
            lines.extend(_comment_text(description))
        tags: list[str] = []
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt != "binary":
            tags.append(f"@format {fmt}")
        for key in CONSTRAINTS:
            if key in schema and not isinstance(schema[key], (dict, list)):
                value = schema[key]
                tags.append(f"@{key} {value if isinstance(value, str) else _json(value)}")
        if "default" in schema:
            tags.append(f"@default {_json(schema['default'])}")
        examples = schema.get("examples")
        if isinstance(examples, list):
            tags.extend(f"@example {_json(e)}" for e in examples)
        elif "example" in schema:
            tags.append(f"@example {_json(schema['example'])}")
        if schema.get("deprecated") is True:
            tags.append("@deprecated")
        if tags and lines:
            lines.append("")
        for tag in tags:
            lines.extend(_comment_text(tag))
        return lines

    def named(self, name: str, view: View, type_name: str) -> list[str]:
        schema: Any = self.schemas[name]
        own = self.doc_lines(schema, type_name=_type_name(name))
        if (name, RECEIVE) in self.names and self.names[(name, RECEIVE)] == type_name != (
            self.names.get((name, SEND))
        ):
            note = f"`{self.names[(name, SEND)]}` as the client receives it: fields with a "
            note += "default are always present."
            own = [*own, *([""] if own else []), note]
        if name in self.void:
            own = [*own, *([""] if own else []), "Refers to itself without describing a value."]
            schema = True
        self.current = name
        try:
            return self.declare(type_name, schema, view, own, self.tags.get(name, ()))
        finally:
            self.current = None

    def declare(
        self,
        type_name: str,
        schema: Any,
        view: View,
        doc: list[str],
        tags: Collection[str] = (),
    ) -> list[str]:
        """``export interface`` (a plain object) or ``export type`` of a schema."""
        out = _jsdoc(doc, "")
        if isinstance(schema, dict) and self._is_interface(schema):
            members = self._members(schema, view, "  ", tags)
            assert isinstance(members, list)
            out.append(f"export interface {type_name} {{")
            out.extend(members)
            out.append("}")
        else:
            out.append(f"export type {type_name} = {self.ts(schema, view, '', tags)};")
        return out

    def hoist(self, schema: Any, view: View, base: str) -> str:
        """A name for an inline schema of an event that spans several lines: declared
        beside the components (its ``title``, else ``base``)."""
        title = schema.get("title") if isinstance(schema, dict) else None
        name = self._take(_type_name(title) if isinstance(title, str) and title else base)
        self.hoisted.extend(self.declare(name, schema, view, self.doc_lines(schema, None, name)))
        self.hoisted.append("")
        return name

    @staticmethod
    def _is_interface(schema: JsonSchema) -> bool:
        if any(k in schema for k in ("$ref", "const", "enum", "anyOf", "oneOf", "allOf")):
            return False
        if schema.get("nullable") is True:
            return False
        kind = schema.get("type")
        if kind not in ("object", None):
            return False
        props = schema.get("properties")
        return isinstance(props, dict) and bool(props)

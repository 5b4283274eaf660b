"""TypeScript types for socket.io-client, written from an API's contract.

The input is a :class:`~sio_spec.contract.Contract` (never the registry).

:func:`render` returns one self-contained module (types only, no runtime code, no
imports) that compiles with ``tsc --strict --isolatedModules --verbatimModuleSyntax
--erasableSyntaxOnly``:

- every schema of ``components/schemas`` is an exported type of the same name
  (characters a TypeScript name cannot hold are dropped, the next letter
  capitalized);
- per namespace, ``ClientToServerEvents`` and ``ServerToClientEvents`` (and
  ``ConnectAuth`` when the connect ``auth`` is declared) in socket.io's
  typed-events convention, so ``Socket<ServerToClientEvents, ClientToServerEvents>``
  from ``socket.io-client`` 4.x types ``emit``, ``on``, ``once``, acks,
  ``timeout().emit`` and ``emitWithAck``. Namespaces other than ``/`` prefix
  the names with the PascalCase of their path (``/admin/v2`` ->
  ``AdminV2ClientToServerEvents``).

Acks: an event whose ack carries data takes the ack callback as its last, required
parameter (socket.io's convention, which ``emitWithAck`` and ``timeout()`` rely on);
an event whose ack carries nothing but a possible error takes it as an optional
one. The callback receives the declared ack or one of the error acks the document
lists (``SioSpecValidationError``...). Server events that expect a reply (``call()``)
give their listener a typed callback.

What a client sends and what it receives are typed apart where they differ: a field
with a default may be left out when sending but is always present when received
(when a schema is used both ways, the received shape is ``<Name>Received``), and
binary data is ``SioSpecBinary`` when sent, ``SioSpecReceivedBinary`` when received.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any, Literal

from .names import Names
from .contract import Ack, Argument, Contract, Event, JsonSchema, Namespace, ref_name
from .jsonschema_keywords import DEFINITION_MAPS, ONE_SCHEMA, SCHEMA_LISTS, SCHEMA_MAPS

__all__ = ["render"]

View = Literal["send", "receive"]
"""``send``: data the client sends; ``receive``: data the client receives."""

SEND: View = "send"
RECEIVE: View = "receive"

_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_NAME_PARTS = re.compile(r"[A-Za-z0-9_$]+")
_SIMPLE_TYPE = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$.]*(?:<[^<>]*>)?(?:\[\])*$|^\"[^\"]*\"$")

#: Names a schema type may not take: TypeScript's own type names and keywords,
#: the globals the module refers to, and the helper types it defines.
_RESERVED = frozenset(
    {
        "any",
        "unknown",
        "never",
        "void",
        "undefined",
        "null",
        "object",
        "string",
        "number",
        "bigint",
        "boolean",
        "symbol",
        "this",
        "type",
        "interface",
        "enum",
        "namespace",
        "module",
        "declare",
        "readonly",
        "keyof",
        "typeof",
        "infer",
        "is",
        "asserts",
        "unique",
        "Array",
        "ArrayBuffer",
        "ArrayBufferView",
        "Uint8Array",
        "Blob",
        "Record",
        "Readonly",
        "globalThis",
        "SioSpecBinary",
        "SioSpecReceivedBinary",
        "SioSpecBlob",
    }
)
_JS_RESERVED = frozenset(
    """break case catch class const continue debugger default delete do else enum export
    extends false finally for function if import in instanceof new null return super switch
    this throw true try typeof var void while with yield let static implements interface
    package private protected public await arguments eval""".split()
)

_CONSTRAINTS = (
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "contentEncoding",
    "contentMediaType",
)
_OBJECT_KEYS = ("properties", "additionalProperties", "patternProperties", "required")
_ARRAY_KEYS = ("items", "prefixItems", "additionalItems")
_STRUCTURE = frozenset(("type", "const", "enum", *_OBJECT_KEYS, *_ARRAY_KEYS))

_HELPERS = {
    "SioSpecBlob": (
        "/** `Blob` where the environment has one (browsers, Node 18+), `never` elsewhere. */",
        "export type SioSpecBlob = typeof globalThis extends { Blob: { prototype: infer B } }"
        " ? B : never;",
    ),
    "SioSpecBinary": (
        "/**\n"
        " * Binary data socket.io-client sends as an attachment: an `ArrayBuffer`, a typed\n"
        " * array or `DataView` (Node's `Buffer` too), or a `Blob` / `File`.\n"
        " */",
        "export type SioSpecBinary = ArrayBuffer | ArrayBufferView | SioSpecBlob;",
    ),
    "SioSpecReceivedBinary": (
        "/**\n"
        " * Binary data as socket.io-client hands it over: an `ArrayBuffer` in browsers\n"
        ' * (a `Blob` when the connection\'s `binaryType` is `"blob"`), a `Buffer` (a\n'
        " * `Uint8Array`) under Node.\n"
        " */",
        "export type SioSpecReceivedBinary = ArrayBuffer | Uint8Array | SioSpecBlob;",
    ),
}


def render(contract: Contract) -> str:
    """The TypeScript module of ``contract`` (text ending with a newline; the same
    contract always gives the same bytes)."""
    return _Writer(contract).module()


# -- small helpers --------------------------------------------------------------------------


def _literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "number"
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, str):
        return str(json.dumps(value))
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "Record<string, never>"
        return "{ " + " ".join(f"{_key(str(k))}: {_literal(v)};" for k, v in value.items()) + " }"
    return "unknown"


def _key(name: str) -> str:
    return name if _IDENT.match(name) else json.dumps(name)


def _param(name: str, taken: set[str]) -> str:
    base = "".join(c if c in _IDENT_CHARS else "_" for c in name) or "arg"
    if base[0].isdigit():
        base = "_" + base
    if base in _JS_RESERVED:
        base += "_"
    out = base
    i = 2
    while out in taken:
        out = f"{base}{i}"
        i += 1
    taken.add(out)
    return out


def _type_name(name: str) -> str:
    parts: list[str] = _NAME_PARTS.findall(name)
    if not parts:
        return "Schema"
    out = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
    if out[0].isdigit():
        out = "_" + out
    return out


def _prefix(path: str) -> str:
    words: list[str] = []
    for segment in path.split("/"):
        for part in re.findall(r"[A-Za-z0-9]+", segment):
            words.append(part[:1].upper() + part[1:])
    out = "".join(words)
    if out and out[0].isdigit():
        out = "Ns" + out
    return out


_IDENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")


def _comment_text(text: str) -> list[str]:
    safe = text.replace("*/", "*\\/").replace("\r\n", "\n").replace("\r", "\n")
    return [line.rstrip() for line in safe.split("\n")]


def _jsdoc(lines: list[str], indent: str) -> list[str]:
    # whatever a line holds (a namespace path, a name), it cannot end the comment
    lines = [line.replace("*/", "*\\/") for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        return []
    if len(lines) == 1:
        return [f"{indent}/** {lines[0]} */"]
    return [f"{indent}/**", *(f"{indent} * {line}".rstrip() for line in lines), f"{indent} */"]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


def _auto_title(name: str) -> str:
    return name.replace("_", " ").strip().title()


def _union(members: Iterable[str]) -> str:
    seen: list[str] = []
    for member in members:
        if member not in seen:
            seen.append(member)
    if not seen:
        return "never"
    if "unknown" in seen:
        return "unknown"
    return " | ".join(seen)


def _members_of(union: str) -> list[str]:
    """The members of a union type's text, split at its top level only."""
    out: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(union):
        char = union[i]
        if char == '"':  # a string literal: skip it, escapes included
            i += 1
            while i < len(union) and union[i] != '"':
                i += 2 if union[i] == "\\" else 1
        elif char in "([{<":
            depth += 1
        elif char in ")]}>" and not (char == ">" and union[i - 1] == "="):
            depth -= 1
        elif depth == 0 and union.startswith(" | ", i):
            out.append(union[start:i])
            start = i + 3
            i += 2
        i += 1
    out.append(union[start:])
    return out


def _paren(text: str) -> str:
    return f"({text})" if (" | " in text or " & " in text or "=>" in text) else text


def _array(item: str) -> str:
    return f"{item}[]" if _SIMPLE_TYPE.match(item) else f"Array<{item}>"


def _wrap(line: str, indent: str) -> str:
    """A long ``(...args: A | B) => void`` line with one accepted list per line."""
    head, sep, rest = line.partition("(...args: [")
    if len(line) <= 100 or not sep or not rest.endswith("]) => void;"):
        return line
    variants = ("[" + rest[: -len(") => void;")]).split("] | [")
    lines = [f"{head}(", f"{indent}  ...args:"]
    for i, variant in enumerate(variants):
        text = variant if i == 0 else "[" + variant
        text = text if i == len(variants) - 1 else text + "]"
        lines.append(f"{indent}    | {text}")
    lines.append(f"{indent}) => void;")
    return "\n".join(lines)


def _discriminator(schema: JsonSchema) -> str | None:
    """The tag property of a discriminated union (``discriminator`` as a property
    name, or OpenAPI's ``{propertyName: ...}``)."""
    value = schema.get("discriminator")
    if isinstance(value, dict):
        value = value.get("propertyName")
    return value if isinstance(value, str) else None


def _tags(schemas: Mapping[str, JsonSchema]) -> dict[str, set[str]]:
    """Per component: the tag properties it must carry as a member of a
    discriminated union (a client may not leave them out, even with a default)."""
    out: dict[str, set[str]] = {}
    stack: list[Any] = list(schemas.values())
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        tag = _discriminator(node)
        if tag is not None:
            for key in ("oneOf", "anyOf"):
                for member in node.get(key) or ():
                    if isinstance(member, dict) and isinstance(member.get("$ref"), str):
                        name = ref_name(member["$ref"])
                        if name is not None:
                            out.setdefault(name, set()).add(tag)
        stack.extend(_children(node))
    return out


def _is_binary(schema: Any) -> bool:
    return (
        isinstance(schema, dict)
        and schema.get("format") == "binary"
        and schema.get("type") in ("string", None)
    )


# The sub-schemas the types follow (conditionals, property names, definitions and the
# 2019+ keywords give no TypeScript type of their own).
_ONE_OR_LIST = ONE_SCHEMA - {
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
}
_MAPS = SCHEMA_MAPS - DEFINITION_MAPS - {"dependentSchemas"}


def _children(schema: Any) -> Iterator[Any]:
    """The sub-schemas of ``schema`` (not following references)."""
    if not isinstance(schema, dict):
        return
    for key, value in schema.items():
        if key in _ONE_OR_LIST:
            if isinstance(value, list):
                yield from value
            elif isinstance(value, dict):
                yield value
        elif key in SCHEMA_LISTS:
            if isinstance(value, list):
                yield from value
        elif key in _MAPS and isinstance(value, dict):
            yield from value.values()


def _refs(schema: Any) -> Iterator[str]:
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref_name(ref)
            if name is not None:
                yield name
        stack.extend(_children(node))


def _alias_refs(schema: Any, through_maps: bool) -> set[str]:
    """Components a type alias of ``schema`` names where TypeScript resolves them at
    once: the schema's own reference, union and intersection members and, with
    ``through_maps``, the values of a ``Record``. Properties, array items and tuple
    elements are resolved lazily and may recurse freely."""
    out: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref_name(ref)
            if name is not None:
                out.add(name)
            continue
        for key in ("anyOf", "oneOf", "allOf"):
            members = node.get(key)
            if isinstance(members, list):
                stack.extend(members)
        if through_maps and not node.get("properties"):
            extra = node.get("additionalProperties")
            if isinstance(extra, dict):
                stack.append(extra)
            patterns = node.get("patternProperties")
            if isinstance(patterns, dict):
                stack.extend(patterns.values())
    return out


def _cyclic(edges: Mapping[str, set[str]]) -> set[str]:
    """The names that reach themselves in ``edges``."""
    out: set[str] = set()
    for start in edges:
        seen: set[str] = set()
        stack = list(edges[start])
        while stack:
            name = stack.pop()
            if name == start:
                out.add(start)
                break
            if name in seen or name not in edges:
                continue
            seen.add(name)
            stack.extend(edges[name])
    return out


def _differs(schema: Any, tags: Collection[str] = ()) -> bool:
    """The schema itself (not what it references) reads differently sent and received
    (``tags``: properties that are required anyway)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        if _is_binary(node):
            return True
        props = node.get("properties")
        if isinstance(props, dict):
            required = node.get("required")
            required = set(required) if isinstance(required, list) else set()
            for name, prop in props.items():
                if (
                    name not in required
                    and not (node is schema and name in tags)
                    and isinstance(prop, dict)
                    and "default" in prop
                ):
                    return True
        stack.extend(_children(node))
    return False


# -- the writer -----------------------------------------------------------------------------


class _Writer:
    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.schemas: Mapping[str, JsonSchema] = contract.schemas
        self.helpers: set[str] = set()
        self.taken = Names(_RESERVED)
        self.refs = {name: set(_refs(schema)) for name, schema in self.schemas.items()}
        self.tags = _tags(self.schemas)
        # type aliases TypeScript cannot resolve: maps in a cycle are written as index
        # signatures (which it resolves lazily); a cycle of bare references or unions
        # describes no value and is ``unknown``
        self.index_maps = _cyclic({n: _alias_refs(v, True) for n, v in self.schemas.items()})
        self.void = _cyclic({n: _alias_refs(v, False) for n, v in self.schemas.items()})
        self.current: str | None = None
        self.sensitive = self._sensitive()
        self.used = self._usage()
        # one type per schema (two when sent and received shapes differ and both occur)
        self.names: dict[tuple[str, View], str] = {}
        self.order: list[tuple[str, View, str]] = []
        self.hoisted: list[str] = []
        self.prefixes: dict[str, str] = {}
        self.fixed = self._fixed_names()
        for name in sorted(self.schemas):
            views = self.used.get(name, set())
            if name not in self.sensitive:
                primary = self._take(_type_name(name))
                self.names[(name, SEND)] = self.names[(name, RECEIVE)] = primary
                self.order.append((name, SEND, primary))
                continue
            first: View = RECEIVE if views == {RECEIVE} else SEND
            primary = self._take(_type_name(name))
            self.names[(name, first)] = primary
            self.order.append((name, first, primary))
            if views == {SEND, RECEIVE}:
                received = self._take(_type_name(name) + "Received")
                self.names[(name, RECEIVE)] = received
                self.order.append((name, RECEIVE, received))
            else:
                other: View = SEND if first == RECEIVE else RECEIVE
                self.names[(name, other)] = primary

    # -- naming -------------------------------------------------------------------------------
    def _take(self, base: str) -> str:
        return self.taken.take(base if base not in _RESERVED else base + "_")

    def _fixed_names(self) -> dict[str, tuple[str, str, str]]:
        """Per namespace: the names of its two event maps and of its connect auth.
        Taken before the schemas' so the names API users rely on never move."""
        out: dict[str, tuple[str, str, str]] = {}
        used_prefixes: set[str] = set()
        for ns in self.contract.namespaces:
            base = _prefix(ns.path)
            prefix = base
            i = 2
            while prefix in used_prefixes:
                prefix = f"{base}{i}"
                i += 1
            used_prefixes.add(prefix)
            self.prefixes[ns.path] = prefix
            names = (
                f"{prefix}ClientToServerEvents",
                f"{prefix}ServerToClientEvents",
                f"{prefix}ConnectAuth",
            )
            self.taken.reserve(names)
            out[ns.path] = names
        return out

    def _sensitive(self) -> set[str]:
        direct = {
            name
            for name, schema in self.schemas.items()
            if _differs(schema, self.tags.get(name, ()))
        }
        referrers: dict[str, set[str]] = {}
        for name, targets in self.refs.items():
            for target in targets:
                referrers.setdefault(target, set()).add(name)
        out = set(direct)
        stack = list(direct)
        while stack:
            for parent in referrers.get(stack.pop(), ()):
                if parent not in out:
                    out.add(parent)
                    stack.append(parent)
        return out

    def _usage(self) -> dict[str, set[View]]:
        used: dict[str, set[View]] = {}
        stack: list[tuple[Any, View]] = []
        for ns in self.contract.namespaces:
            if ns.auth is not None:
                stack.append((ns.auth, SEND))
            for event in ns.events:
                sent: View = SEND if event.direction == "client-to-server" else RECEIVE
                answered: View = RECEIVE if sent == SEND else SEND
                for arg in event.args or ():
                    stack.append((arg.schema, sent))
                if event.ack is not None:
                    for arg in event.ack.args or ():
                        stack.append((arg.schema, answered))
                    for error in event.ack.errors:
                        stack.append(({"$ref": f"#/components/schemas/{error}"}, answered))

        names: list[tuple[str, View]] = []

        def walk() -> None:
            while stack or names:
                if names:
                    name, view = names.pop()
                    targets: Iterable[str] = self.refs[name]
                else:
                    schema, view = stack.pop()
                    targets = _refs(schema)
                for target in targets:
                    views = used.setdefault(target, set())
                    if view not in views and target in self.schemas:
                        views.add(view)
                        names.append((target, view))

        walk()
        for name in sorted(self.schemas):
            if name not in used:
                used[name] = {SEND}
                names.append((name, SEND))
                walk()
        return used

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
            elif _is_binary(schema):
                kind = "string"
        if kind == "string":
            if _is_binary(schema):
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
            and (prop is None or title != _auto_title(prop))
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
        for key in _CONSTRAINTS:
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

    # -- events -------------------------------------------------------------------------------
    def params(
        self,
        args: tuple[Argument, ...],
        view: View,
        taken: set[str],
        base: str,
        single: str = "data",
    ) -> list[tuple[str, bool, str]]:
        """``(name, optional, type)`` of each argument; after an optional argument
        every later one is optional too. ``base`` names the types of inline object
        schemas (``<base>`` for one argument, ``<base><Argument>`` for several)."""
        unnamed = all(re.fullmatch(r"arg\d+", a.name) for a in args)
        out = []
        optional = False
        for arg in args:
            label = single if unnamed and len(args) == 1 else arg.name
            optional = optional or not arg.required
            text = self.ts(arg.schema, view, "  ")
            if "\n" in text:
                suffix = "" if len(args) == 1 else _type_name(label[:1].upper() + label[1:])
                text = self.hoist(arg.schema, view, base + suffix)
            out.append((_param(label, taken), optional, text))
        return out

    @staticmethod
    def _list(params: list[tuple[str, bool, str]], optional: bool = True) -> str:
        return ", ".join(f"{n}{'?' if o and optional else ''}: {t}" for n, o, t in params)

    def callback(self, ack: Ack, view: View, base: str) -> str:
        """The type of the ack callback: it receives the ack's arguments, or one
        error ack."""
        errors = [self.names.get((e, view), "unknown") for e in ack.errors]
        if ack.args is None:
            return "(...args: unknown[]) => void"
        if not ack.args:
            return f"(error?: {_union(errors)}) => void" if errors else "() => void"
        params = self.params(ack.args, view, set(), base, single="ack")
        if not errors:
            return f"({self._list(params)}) => void"
        if len(params) == 1:
            name, optional, text = params[0]
            both = _union([*_members_of(text), *errors])
            return f"({name}{'?' if optional else ''}: {both}) => void"
        variants = [f"[{self._list(params)}]", f"[error: {_union(errors)}]"]
        return f"(...args: {' | '.join(variants)}) => void"

    def signature(self, event: Event, prefix: str) -> str:
        """The listener type of an event in socket.io's typed-events convention."""
        sent: View = SEND if event.direction == "client-to-server" else RECEIVE
        answered: View = RECEIVE if sent == SEND else SEND
        words = re.findall(r"[A-Za-z0-9]+", event.name)
        base = prefix + "".join(w[:1].upper() + w[1:] for w in words)
        if sent == SEND:
            payload, answer = base + "Payload", base + "Ack"
        else:
            payload, answer = base + "Message", base + "Reply"
        if event.args is None:
            if event.ack is None or (event.direction == "client-to-server" and not event.ack.args):
                return "(...args: unknown[]) => void"
            # not declared, but answered with data: no argument or one of any type
            # (``{} | null | undefined`` is ``unknown`` without swallowing the
            # callback's type where the two positions meet)
            callback = self.callback(event.ack, answered, answer)
            return (
                f"(...args: [callback: {callback}] | "
                f"[data: {{}} | null | undefined, callback: {callback}]) => void"
            )
        taken: set[str] = set()
        params = self.params(event.args, sent, taken, payload)
        if event.ack is None:
            return f"({self._list(params)}) => void"
        callback = f"{_param('callback', taken)}: {self.callback(event.ack, answered, answer)}"
        # socket.io-client's emitWithAck and timeout() need the callback as the last,
        # required element; when it may be left out, or an optional argument comes
        # before it, every accepted argument list is spelled out.
        optional_callback = event.direction == "client-to-server" and not event.ack.args
        lowest = next((i for i, p in enumerate(params) if p[1]), len(params))
        if lowest == len(params) and not optional_callback:
            return f"({', '.join(filter(None, [self._list(params), callback]))}) => void"
        variants = []
        for count in range(lowest, len(params) + 1):
            head = self._list(params[:count], optional=False)
            if optional_callback:
                variants.append(f"[{head}]")
            variants.append(f"[{', '.join(filter(None, [head, callback]))}]")
        return f"(...args: {' | '.join(variants)}) => void"

    def event_doc(self, event: Event) -> list[str]:
        lines: list[str] = []
        if event.summary:
            lines.extend(_comment_text(event.summary))
        if event.description and event.description != event.summary:
            if lines:
                lines.append("")
            lines.extend(_comment_text(event.description))
        tags = []
        for example in event.examples:
            tags.append("@example " + ", ".join(_json(v) for v in example))
        if event.deprecated:
            tags.append("@deprecated")
        if tags and lines:
            lines.append("")
        for tag in tags:
            lines.extend(_comment_text(tag))
        return lines

    def namespace(self, ns: Namespace) -> list[str]:
        to_server, to_client, auth = self.fixed[ns.path]
        out: list[str] = []
        label = json.dumps(ns.path)
        if ns.auth is not None:
            out.extend(_jsdoc([f"The `auth` payload of a connection to namespace {label}."], ""))
            out.append(f"export type {auth} = {self.ts(ns.auth, SEND, '')};")
            out.append("")
        for direction, name, text in (
            (
                "client-to-server",
                to_server,
                f"Events clients emit on namespace {label}:\nthe second type argument of "
                "socket.io-client's `Socket`.",
            ),
            (
                "server-to-client",
                to_client,
                f"Events the server emits on namespace {label}:\nthe first type argument of "
                "socket.io-client's `Socket`.",
            ),
        ):
            out.extend(_jsdoc(text.split("\n"), ""))
            events = [e for e in ns.events if e.direction == direction]
            if not events:
                out.append(f"export interface {name} {{}}")
            else:
                out.append(f"export interface {name} {{")
                for event in events:
                    out.extend(_jsdoc(self.event_doc(event), "  "))
                    signature = self.signature(event, self.prefixes[ns.path])
                    out.append(_wrap(f"  {_key(event.name)}: {signature};", "  "))
                out.append("}")
            out.append("")
        return out

    # -- the module ---------------------------------------------------------------------------
    def module(self) -> str:
        contract = self.contract
        body: list[str] = []
        for name, view, type_name in self.order:
            body.extend(self.named(name, view, type_name))
            body.append("")
        events: list[str] = []
        for ns in contract.namespaces:
            events.extend(self.namespace(ns))
        body.extend(self.hoisted)  # inline schemas of events, named while writing them
        body.extend(events)
        head = [
            f"// TypeScript types of {json.dumps(contract.title)} {json.dumps(contract.version)}"
            " for socket.io-client.",
            "// Written by sio-spec from the AsyncAPI document: do not edit, regenerate.",
            "",
        ]
        for helper in ("SioSpecBlob", "SioSpecBinary", "SioSpecReceivedBinary"):
            if helper in self.helpers:
                head.extend(_HELPERS[helper])
                head.append("")
        if not contract.namespaces and not self.order:
            head.append("export {};")
            head.append("")
        text = "\n".join([*head, *body]).rstrip("\n") + "\n"
        return text


def _has_default(schema: Any) -> bool:
    return isinstance(schema, dict) and "default" in schema

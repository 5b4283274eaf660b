"""TypeScript text: names, literals, unions, comments, and the helper types."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, Literal

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

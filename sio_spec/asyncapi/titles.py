"""One title per type: the component schemas as code generators and templates read them.

Code generators (modelina for TypeScript, Python, Java...) make a type of every
enum, union, inline object and tuple and name it by its ``title``; untitled
ones become ``AnonymousSchema_N``, and two different schemas with the same
title become one type. The HTML and Markdown templates show the title of each
``anyOf`` / ``oneOf`` branch. So every such schema of the document gets a title
of its own, made from where it sits:

* a component keeps its title when no other component holds it, else it is
  titled with its key;
* a nested type is titled ``<Component><Field>`` for a field, then ``Item``
  (array items), ``Item1``... (tuple items), ``Value`` (map values) and, in a
  union, a branch number when several branches are not ``null`` (the union
  itself is ``<...>Union``; a nullable one ``<...>OrNull``, its ``null`` branch
  ``<...>Null``);
* a title the user chose is kept unless a different schema already holds it (what
  it holds is then named after it); pydantic's own field titles (``Kind`` for field
  ``kind``) are replaced on types and left out on plain values (``Game Id`` on an
  integer ``game_id`` says nothing more than the property name), so no two different
  schemas of the document share a title.

A string ``const`` is written as the equivalent one-value ``enum``: several
generators mishandle ``const`` (modelina's pydantic preset writes Python that
does not import), every one of them reads a one-value ``enum``. The tag of a
discriminated union stays a ``const`` (generators need it to tell the members
apart) and, in a component only ever reached through such a union, it is
required: the union cannot be read without it (pydantic rejects a member
without its tag), and generators mishandle an optional ``const`` with a default.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ..jsonschema_keywords import copy_json, ref_name
from ..names import Names

_BRANCHES = ("anyOf", "oneOf", "allOf")


def _pascal(text: str) -> str:
    parts = re.split(r"[^A-Za-z0-9]+", text)
    return "".join(p[:1].upper() + p[1:] for p in parts if p)


def _canonical(node: Mapping[str, Any]) -> str:
    body = {k: v for k, v in node.items() if k != "title"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)


def _is_null(node: Any) -> bool:
    return (
        isinstance(node, dict) and node.get("type") == "null" and len(node.keys() - {"title"}) == 1
    )


def _discriminator(node: Mapping[str, Any]) -> str | None:
    value = node.get("discriminator")
    if isinstance(value, dict):
        value = value.get("propertyName")
    return value if isinstance(value, str) else None


def union_tags(
    components: Mapping[str, Any], outside: Any = None, only: bool = True
) -> dict[str, str]:
    """``{component: tag property}`` for the members of discriminated unions (in
    ``components`` and the schemas in ``outside``); ``only``: those reached only as
    members of a union."""
    tagged: dict[str, str] = {}
    direct: set[str] = set()
    stack: list[Any] = [*components.values(), outside]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref_name(ref)
            if name is not None:
                direct.add(name)
        tag = _discriminator(node)
        for key, value in node.items():
            if tag is not None and key in ("oneOf", "anyOf") and isinstance(value, list):
                for member in value:
                    ref = member.get("$ref") if isinstance(member, dict) else None
                    name = ref_name(ref) if isinstance(ref, str) else None
                    if name is not None and len(member) == 1:
                        tagged.setdefault(name, tag)
                    else:
                        stack.append(member)
            elif key != "$ref":
                stack.append(value)
    return {name: tag for name, tag in tagged.items() if not (only and name in direct)}


def _require_tag(node: Any, tag: str) -> None:
    """The tag of a union member: kept as a ``const`` and required."""
    props = node.get("properties") if isinstance(node, dict) else None
    prop = props.get(tag) if isinstance(props, dict) else None
    if not isinstance(prop, dict) or "const" not in prop:
        return
    required = node.get("required")
    if not isinstance(required, list):
        node["required"] = [tag]
    elif tag not in required:
        required.append(tag)


def const_as_enum(node: dict[str, Any]) -> None:
    """A string ``const`` as the one-value ``enum`` in its place (same meaning)."""
    value = node.get("const")
    if not isinstance(value, str) or "enum" in node:
        return
    items = [(("enum", [value]) if k == "const" else (k, v)) for k, v in node.items()]
    node.clear()
    node.update(items)


def makes_type(node: Mapping[str, Any]) -> bool:
    """A schema a code generator declares a type for: enum, union, object, tuple."""
    if "enum" in node or "const" in node:
        return True
    if any(isinstance(node.get(k), list) for k in _BRANCHES):
        return True
    props = node.get("properties")
    if isinstance(props, dict) and props and node.get("type", "object") == "object":
        return True
    return isinstance(node.get("items"), list)


class _Titles:
    def __init__(self, keys: list[str]) -> None:
        self.names = Names(keys)
        self.held: dict[str, str] = {}  # title -> canonical JSON of its schema

    def claim(self, title: str, node: Mapping[str, Any]) -> bool:
        """Give ``title`` to ``node`` if it is free or held by the same schema."""
        canonical = _canonical(node)
        if title in self.held:
            return self.held[title] == canonical
        if title in self.names:
            return False
        self.held[title] = canonical
        self.names.reserve([title])
        return True

    def take(self, wanted: str, node: Mapping[str, Any]) -> str:
        """``wanted`` if :meth:`claim` gives it, else the first free ``wanted_2``..."""
        if self.claim(wanted, node):
            return wanted
        title = self.names.take(wanted)
        self.held[title] = _canonical(node)
        return title

    def visit(self, node: Any, base: str, default: str | None, tag: bool = False) -> None:
        """Title ``node`` (a sub-schema found at ``base``) and what it holds.
        ``default``: pydantic's title for it (replaced); ``""``: a union branch."""
        if not isinstance(node, dict) or "$ref" in node:
            return
        if not tag:
            const_as_enum(node)
        if makes_type(node) or default == "":
            title = node.get("title")
            if isinstance(title, str) and title and title != default and self.claim(title, node):
                # the user's name: what it holds is named after it, so that the same
                # type met twice is the same schema twice
                base = _pascal(title) or base
            else:
                node["title"] = self.take(_union_base(node, base), node)
        elif isinstance(node.get("title"), str):
            # a plain value: pydantic's field title says nothing the property name does
            # not, a title of the user's is kept while no other schema holds it
            if node["title"] == default:
                del node["title"]
            elif not self.claim(node["title"], node):
                node["title"] = self.take(base, node)
        self.children(node, base)

    def children(self, node: dict[str, Any], base: str, tag: str | None = None) -> None:
        props = node.get("properties")
        if isinstance(props, dict):
            for prop, sub in props.items():
                label = str(prop)
                default = label.replace("_", " ").title()
                self.visit(sub, base + _pascal(label), default, label == tag)
        items = node.get("items")
        if isinstance(items, dict):
            self.visit(items, base + "Item", None)
        elif isinstance(items, list):
            for i, sub in enumerate(items, 1):
                self.visit(sub, f"{base}Item{i}", None)
        for key, suffix in (("additionalProperties", "Value"), ("additionalItems", "Item")):
            self.visit(node.get(key), base + suffix, None)
        for key in _BRANCHES:
            branches = node.get(key)
            if not isinstance(branches, list):
                continue
            several = sum(1 for b in branches if not _is_null(b)) > 1
            number = 0
            for sub in branches:
                if _is_null(sub):
                    name = f"{base}Null"
                else:
                    number += 1
                    name = f"{base}{number}" if several else base
                # "" as the default: every branch is titled, primitives included
                self.visit(sub, name, "")

    def root(self, key: str, node: Any, tag: str | None, required: bool) -> None:
        if not isinstance(node, dict):
            return
        const_as_enum(node)
        if tag is not None and required:
            _require_tag(node, tag)
        self.children(node, key, tag)


def _union_base(node: dict[str, Any], base: str) -> str:
    branches = next((node[k] for k in _BRANCHES if isinstance(node.get(k), list)), None)
    if branches is None:
        return base
    real = [b for b in branches if not _is_null(b)]
    if len(real) == 1:
        return base + "OrNull" if len(real) < len(branches) else base + "Union"
    return base


def name_types(components: Mapping[str, Any], outside: Any = None) -> dict[str, Any]:
    """A copy of ``components`` (by key) where every type has a title of its own;
    ``outside``: the rest of the document (where it refers to components)."""
    tags = union_tags(components, outside, only=False)
    required = union_tags(components, outside)
    keys = sorted(components)
    out: dict[str, Any] = {k: copy_json(components[k]) for k in keys}
    titles = _Titles(keys)
    for key in keys:
        node = out[key]
        if not isinstance(node, dict):
            continue
        title = node.get("title")
        if not (isinstance(title, str) and title and title != key and titles.claim(title, node)):
            node["title"] = key
            titles.held[key] = _canonical(node)
    for key in keys:
        titles.root(key, out[key], tags.get(key), key in required)
    return out

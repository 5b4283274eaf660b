"""Payload schemas of the document and the shared ``components/schemas``.

All pydantic payloads are rendered in one pass of
:meth:`pydantic.TypeAdapter.json_schemas`, so a model used by several events is
one component and its ``$defs`` are shared. Component names are pydantic's
own: the class name when it is unique in the document; when two different
classes share a name, pydantic qualifies both with their module and qualname
(``tests__models_a__Item``), and then with an occurrence number in the order
events are listed (``...__Item__1``). Every character outside
``[A-Za-z0-9._-]`` becomes ``_``.

What the server receives is described in validation mode, what it sends (acks
of handlers, emits) in serialization mode, where every field is present: fields
with defaults are required and computed fields are included. When one model
has both schemas in a document and they differ, the two get distinct names:
``FooInput`` (what the server receives) and ``FooOutput`` (what it sends), each
titled with its name; a model with one schema keeps its own name ``Foo``.

Plain JSON Schema dicts are kept as given, with their ``$defs`` /
``definitions`` lifted into the components (same name when free or holding
the same schema, else ``Name_2``...) and their ``$ref`` rewritten.

Every schema is then made AsyncAPI-friendly: pydantic's discriminator object
becomes the plain property name, ``prefixItems`` becomes the draft-07 list
form of ``items`` plus ``additionalItems``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pydantic
from pydantic.json_schema import GenerateJsonSchema

from ..jsonschema_keywords import (
    ONE_SCHEMA,
    REF_PREFIX,
    SCHEMA_LISTS,
    SCHEMA_MAPS,
    follow_refs,
    schema_ref,
)
from ..jsonschema_keywords import copy_json as copy_json
from ..jsonschema_keywords import is_binary as is_binary
from ..names import Names, escape_pointer, sanitize
from ..server.payload import Payload, SchemaMode
from ..server.signature import Arguments, Param
from .titles import name_types

RefMap = Callable[[str], str]


def _keep(ref: str) -> str:
    return ref


def fix_schema(node: Any, ref: RefMap = _keep) -> Any:
    """A copy of ``node`` with refs mapped by ``ref``, discriminator objects turned
    into property names and ``prefixItems`` into draft-07 tuple ``items``."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            out[key] = ref(value)
        elif key == "discriminator" and isinstance(value, dict):
            name = value.get("propertyName")
            if isinstance(name, str):
                out[key] = name
        elif key in ONE_SCHEMA:
            out[key] = (
                fix_schema(value, ref)
                if not isinstance(value, list)
                else [fix_schema(v, ref) for v in value]
            )
        elif key in SCHEMA_LISTS and isinstance(value, list):
            out[key] = [fix_schema(v, ref) for v in value]
        elif key in SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {k: fix_schema(v, ref) for k, v in value.items()}
        else:
            out[key] = value
    if "prefixItems" in out:
        prefix = out.pop("prefixItems")
        rest = out.pop("items", None)
        fixed: dict[str, Any] = {}
        for key, value in out.items():
            fixed[key] = value
            if key == "type":
                fixed["items"] = prefix
        if "items" not in fixed:
            fixed["items"] = prefix
        fixed["additionalItems"] = True if rest is None else rest
        out = fixed
    return out


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


class _Generator(GenerateJsonSchema):
    """pydantic's generator, with every field of a model or dataclass required in
    serialization mode: what the server sends always carries fields with defaults."""

    def field_is_required(self, field: Any, total: bool) -> bool:
        if self.mode == "serialization" and field["type"] != "typed-dict-field":
            return field.get("serialization_exclude_if") is None
        return super().field_is_required(field, total)


_MODE_SUFFIX = re.compile(r"^(.+)-(Input|Output)$")


def _mode_names(defs: dict[str, Any]) -> dict[str, str]:
    """pydantic's ``Foo-Input`` / ``Foo-Output`` as ``FooInput`` / ``FooOutput``
    (``Foo-Input_2`` style fallbacks when the joined name is taken)."""
    out: dict[str, str] = {}
    taken = set(defs)
    for name in defs:
        match = _MODE_SUFFIX.match(name)
        if match is None:
            continue
        joined = match.group(1) + match.group(2)
        candidate, i = joined, 2
        while candidate in taken:
            candidate = f"{joined}_{i}"
            i += 1
        taken.add(candidate)
        out[name] = candidate
    return out


def _pascal(text: str) -> str:
    parts = re.split(r"[^A-Za-z0-9]+", text)
    return "".join(p[:1].upper() + p[1:] for p in parts if p)


class SchemaSet:
    """The schemas of every payload of one document and their components."""

    def __init__(self) -> None:
        self.components: dict[str, Any] = {}
        self._names = Names()
        self._schemas: dict[tuple[int, SchemaMode], dict[str, Any]] = {}
        self._lifted: dict[str, str] = {}  # lifted name -> canonical JSON of its schema

    # -- collection ---------------------------------------------------------------
    @classmethod
    def collect(cls, wanted: Iterable[tuple[Payload, SchemaMode]]) -> SchemaSet:
        """Render every ``(payload, mode)`` of ``wanted`` (duplicates are fine)."""
        self = cls()
        seen: dict[tuple[int, SchemaMode], Payload] = {}
        for payload, mode in wanted:
            seen.setdefault((id(payload), mode), payload)
        typed = [(key, p) for key, p in seen.items() if p.adapter is not None]
        raw = [(key, p) for key, p in seen.items() if p.adapter is None]
        self._add_pydantic(typed)
        for key, payload in raw:
            assert payload.raw_schema is not None
            self._schemas[key] = self._add_raw(payload.raw_schema)
        return self

    def _add_pydantic(self, items: list[tuple[tuple[int, SchemaMode], Payload]]) -> None:
        if not items:
            return
        inputs: list[tuple[int, SchemaMode, pydantic.TypeAdapter[Any]]] = []
        for index, (key, payload) in enumerate(items):
            assert payload.adapter is not None
            inputs.append((index, key[1], payload.adapter))
        try:
            rendered, defs = pydantic.TypeAdapter.json_schemas(
                inputs, ref_template=REF_PREFIX + "{model}", schema_generator=_Generator
            )
        except Exception:
            # A type without a JSON Schema (arbitrary classes, callables) must not
            # hide the others: render the rest, document that one as ``{}``.
            usable = [i for i in inputs if _renders(i[2], i[1])]
            rendered, defs = (
                pydantic.TypeAdapter.json_schemas(
                    usable, ref_template=REF_PREFIX + "{model}", schema_generator=_Generator
                )
                if usable
                else ({}, {})
            )
        all_defs: dict[str, Any] = defs.get("$defs") or {}
        renamed = _mode_names(all_defs)
        ref: RefMap = _keep
        if renamed:
            by_ref = {schema_ref(old): schema_ref(new) for old, new in renamed.items()}

            def ref(value: str) -> str:
                return by_ref.get(value, value)

        for name, schema in all_defs.items():
            fixed = fix_schema(schema, ref)
            new = renamed.get(name)
            if new is not None:
                name = new
                if isinstance(fixed, dict) and "title" in fixed:
                    fixed["title"] = new
            self._names.take(name)
            self.components[name] = fixed
        for index, (key, _payload) in enumerate(items):
            schema = rendered.get((index, key[1]))
            self._schemas[key] = {} if schema is None else fix_schema(schema, ref)

    def _add_raw(self, schema: Mapping[str, Any]) -> dict[str, Any]:
        root = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
        lifted: dict[str, str] = {}
        for section in ("$defs", "definitions"):
            defs = root.pop(section, None)
            if not isinstance(defs, dict):
                continue
            for name in defs:
                lifted[f"#/{section}/{escape_pointer(name)}"] = ""
        root_name: list[str] = []

        def ref(value: str) -> str:
            if not value.startswith("#"):
                return value
            for prefix, target in lifted.items():
                if value == prefix or value.startswith(prefix + "/"):
                    return schema_ref(target) + value[len(prefix) :]
            # a pointer into the schema itself: the schema becomes a component
            if not root_name:
                title = root.get("title")
                base = sanitize(title if isinstance(title, str) else "Schema", "Schema")
                root_name.append(self._names.take(base))
            return schema_ref(root_name[0]) + value[1:]

        # name the lifted definitions first so refs between them resolve
        pending: list[tuple[str, Any]] = []
        for section in ("$defs", "definitions"):
            defs = schema.get(section)
            if not isinstance(defs, dict):
                continue
            for name, sub in defs.items():
                body = (
                    {k: v for k, v in sub.items() if k not in ("$schema", "$id")}
                    if isinstance(sub, dict)
                    else sub
                )
                pending.append((f"#/{section}/{escape_pointer(name)}", body))
                lifted[f"#/{section}/{escape_pointer(name)}"] = self._raw_name(name, body)
        for pointer, body in pending:
            target = lifted[pointer]
            if target not in self.components:
                self.components[target] = fix_schema(body, ref)
        fixed: dict[str, Any] = fix_schema(root, ref)
        if root_name:
            self.components[root_name[0]] = fixed
            return {"$ref": schema_ref(root_name[0])}
        return fixed

    def _raw_name(self, name: str, body: Any) -> str:
        base = sanitize(name, "Schema")
        candidate = base
        i = 1
        while candidate in self._names:
            existing = self.components.get(candidate)
            if existing is not None and _canonical(existing) == _canonical(body):
                return candidate
            i += 1
            candidate = f"{base}_{i}"
        return self._names.take(candidate)

    def reserve(self, name: str, schema: dict[str, Any]) -> str:
        """Add a schema of sio_spec's own under a free name; returns the name."""
        key = self._names.take(name)
        self.components[key] = schema
        return key

    def lift(self, schema: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
        """``schema`` as a component under the first of ``names`` that is free or
        already holds the same schema (titled with its name); a ``$ref`` to it."""
        body = {k: v for k, v in schema.items() if k != "title"}
        wanted = _canonical(body)
        for name in names:
            if name not in self._names:
                return self._add_lifted(self._names.take(name), body, wanted)
            if self._lifted.get(name) == wanted:
                return {"$ref": schema_ref(name)}
        return self._add_lifted(self._names.take(names[-1]), body, wanted)

    def _add_lifted(self, name: str, body: dict[str, Any], canonical: str) -> dict[str, Any]:
        self._lifted[name] = canonical
        self.components[name] = self._titled(name, body)
        return {"$ref": schema_ref(name)}

    @staticmethod
    def _titled(name: str, body: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = copy_json({"title": name, **body})
        return out

    def sorted_components(self, outside: Any = None) -> dict[str, Any]:
        """The components by name, every type in them titled (see :mod:`.titles`);
        ``outside``: the rest of the document, where it refers to them."""
        return name_types(self.components, outside)

    # -- lookups ------------------------------------------------------------------
    def payload(self, payload: Payload | None, mode: SchemaMode) -> dict[str, Any]:
        """The schema of one argument (``{}`` when it is not validated)."""
        if payload is None:
            return {}
        schema: dict[str, Any] = copy_json(self._schemas.get((id(payload), mode), {}))
        return schema

    def arguments(self, args: Arguments | None, mode: SchemaMode) -> dict[str, Any] | None:
        """The message payload for a list of positional arguments.

        One argument: its schema. Several: a draft-07 tuple (``items`` list,
        ``minItems``/``maxItems``, ``additionalItems``). None: no payload.
        """
        if args is None:
            return None
        params = args.params
        if args.single:
            return self.payload(params[0].payload, mode)
        variadic = args.variadic
        if not params and variadic is None:
            return None
        if not params:
            assert variadic is not None
            return {"type": "array", "items": self.payload(variadic.payload, mode)}
        out: dict[str, Any] = {
            "type": "array",
            "description": "Positional arguments: "
            + ", ".join(_label(p) for p in params)
            + (f", *{variadic.name}" if variadic is not None else ""),
            "items": [self.payload(p.payload, mode) for p in params],
            "minItems": sum(1 for p in params if p.required),
        }
        if variadic is None:
            out["maxItems"] = len(params)
            out["additionalItems"] = False
        else:
            out["additionalItems"] = self.payload(variadic.payload, mode)
        return out

    def resolve(self, schema: Any) -> Any:
        """Follow ``$ref`` to components until a schema without one."""
        return follow_refs(schema, self.components)

    def examples_of(self, schema: Any, depth: int = 0) -> list[Any]:
        """Examples declared by a schema: its ``examples`` list, its (deprecated)
        ``example``, or an object built from per-property examples when every
        required property has one (nested models are followed)."""
        if depth > 8 or not isinstance(schema, dict):
            return []
        own = _declared(schema)
        if own:
            return own
        target = self.resolve(schema)
        if target is not schema:
            own = _declared(target)
            if own:
                return own
        if not isinstance(target, dict):
            return []
        items = target.get("items")
        if isinstance(items, dict):
            inner = self.examples_of(items, depth + 1)
            return [[inner[0]]] if inner else []
        for key in ("anyOf", "oneOf"):
            branches = target.get(key)
            if isinstance(branches, list):
                for branch in branches:
                    inner = self.examples_of(branch, depth + 1)
                    if inner:
                        return inner[:1]
        props = target.get("properties")
        if not isinstance(props, dict) or not props:
            return []
        built: dict[str, Any] = {}
        for name, prop in props.items():
            found = self.examples_of(prop, depth + 1)
            if found:
                built[name] = found[0]
        required = target.get("required") or []
        if not built or any(r not in built for r in required):
            return []
        return [built]

    def argument_examples(self, args: Arguments | None, mode: SchemaMode) -> list[Any]:
        """An example of a whole argument list, built from its arguments' schemas."""
        if args is None:
            return []
        if args.single:
            return self.examples_of(self.payload(args.params[0].payload, mode))
        values: list[Any] = []
        for param in args.params:
            found = (
                self.examples_of(self.payload(param.payload, mode))
                if param.payload is not None
                else []
            )
            if not found:
                if param.required:
                    return []
                break
            values.append(found[0])
        return [values] if values else []


def _declared(schema: dict[str, Any]) -> list[Any]:
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return list(examples)
    if "example" in schema:
        return [schema["example"]]
    return []


def _label(param: Param) -> str:
    return param.name if param.required else f"{param.name} (optional)"


def _renders(adapter: pydantic.TypeAdapter[Any], mode: SchemaMode) -> bool:
    try:
        adapter.json_schema(mode=mode)
    except Exception:
        return False
    return True

"""The public generators: one schema, or an event's arguments."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..guard import ContractError, json_schema_validator
from .base import _ATTEMPTS, Broken, BrokenArguments, GenerationError
from .breaker import _Breaker, _set_at, _Site
from .compile import _Compiler, _Node
from .draw import _Draw
from .sources import HypothesisSource, Source

# -- checking ------------------------------------------------------------------------------------


def _validator(schema: Any, schemas: Mapping[str, Any]) -> Any:
    """The ``jsonschema`` validator of ``schema`` (named schemas embedded), built by
    :func:`sio_spec.guard.json_schema_validator`: draft 7, nothing retrieved,
    patterns matched in linear time."""
    from ..writers.plans import standalone

    whole = standalone(schema if isinstance(schema, dict) else {}, schemas)
    if not isinstance(schema, dict):
        whole = {"$schema": whole["$schema"], **({} if schema else {"not": {}})}
    try:
        return json_schema_validator(whole)
    except ContractError as exc:
        raise GenerationError(str(exc)) from None


def _as_json(value: Any) -> Any:
    """``value`` with bytes as strings of the same length: JSON Schema has no bytes,
    and a ``format: binary`` string stands for them."""
    if isinstance(value, (bytes, bytearray)):
        return "\x00" * len(value)
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_json(v) for v in value]
    return value


# -- the public generators -----------------------------------------------------------------------


class Generator:
    """Valid and broken values of one schema, compiled once.

    ``schema`` is a JSON Schema whose ``$ref`` point at
    ``#/components/schemas/<Name>`` of ``schemas`` (as in a
    :class:`~sio_spec.contract.Contract`), or at its own ``$defs`` /
    ``definitions``. Raises :class:`GenerationError` when the schema cannot be
    compiled (an unresolvable reference, a pattern that is not a regular
    expression).
    """

    def __init__(self, schema: Any, schemas: Mapping[str, Any] | None = None) -> None:
        self.schema = schema
        self.schemas: Mapping[str, Any] = schemas or {}
        root = schema if isinstance(schema, Mapping) else None
        self._compiler = _Compiler(self.schemas, root)
        self._root = self._compiler.compile(schema)
        self._exact = _all_exact(self._compiler, self._root)
        self._check: Any = None

    def is_valid(self, value: Any) -> bool:
        """Whether ``value`` passes the schema (``jsonschema``, draft 7; bytes are
        strings)."""
        try:
            return bool(self._jsonschema().is_valid(_as_json(value)))
        except (TypeError, ValueError, RecursionError):
            return False

    def explain(self, value: Any) -> str:
        """One line saying where ``value`` breaks the schema (``""`` when it does not)."""
        import jsonschema

        try:
            errors = self._jsonschema().iter_errors(_as_json(value))
            error = jsonschema.exceptions.best_match(errors)
        except (TypeError, ValueError, RecursionError) as exc:
            return f"cannot be checked ({type(exc).__name__})"
        if error is None:
            return ""
        where = "/".join(str(p) for p in error.absolute_path)
        text = " ".join(error.message.split())
        if len(text) > 160:
            text = text[:160] + "..."
        return f"at /{where}: {text}" if where else text

    def _jsonschema(self) -> Any:
        if self._check is None:
            self._check = _validator(self.schema, self.schemas)
        return self._check

    def valid(self, source: Source) -> Any:
        """A value the schema accepts. Raises :class:`GenerationError` when none
        can be drawn."""
        draw = _Draw(self._compiler, source)
        for _ in range(_ATTEMPTS if not self._exact else 1):
            value = draw.value(self._root)
            if self._exact or self.is_valid(value):
                return value
            reject = getattr(source, "reject", None)
            if reject is not None:
                reject()  # hypothesis: discard this example and learn from it
        raise GenerationError("no value drawn for the schema passes it")

    def strategy(self) -> Any:
        """A hypothesis strategy of valid values (needs hypothesis)."""
        return _strategy(self.valid)

    def broken(self, source: Source) -> Broken | None:
        """A valid value broken in exactly one place, as no lax validator accepts
        either; ``None`` when the schema accepts anything."""
        draw = _Draw(self._compiler, source)
        value = self.valid(source)
        return _break(self, draw, self._root, value, source)


def _break(gen: Generator, draw: _Draw, root: _Node, value: Any, source: Source) -> Broken | None:
    breaker = _Breaker(draw)
    sites = breaker.sites(root, value)
    options: list[tuple[_Site, Callable[[Any], Any], str]] = [
        (site, fn, reason) for site in sites for fn, reason in breaker.ways(site)
    ]
    if not options:
        return None
    first = source.integer(0, len(options) - 1)
    for k in range(len(options)):
        site, fn, reason = options[(first + k) % len(options)]
        broken = _set_at(value, site.path, fn)
        if not gen.is_valid(broken):
            return Broken(broken, site.path, reason)
    return None


def _all_exact(compiler: _Compiler, root: _Node) -> bool:
    """Whether every node reachable from ``root`` is modelled exactly."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.ref is not None:
            stack.append(compiler.ref(node.ref))
            continue
        if not node.exact or (node.one_of and not node.discriminator):
            return False
        if node.union is not None:
            stack.extend(node.union)
        stack.extend(node.properties.values())
        for child in (node.additional, node.items, node.tail):
            if isinstance(child, _Node):
                stack.append(child)
        stack.extend(node.tuple or ())
    return True


class ArgumentsGenerator:
    """Valid and broken argument lists of an event or an ack (a
    :class:`~sio_spec.contract.Argument` tuple)."""

    def __init__(self, args: Sequence[Any], schemas: Mapping[str, Any] | None = None) -> None:
        self.args = tuple(args)
        self.schemas: Mapping[str, Any] = schemas or {}
        self.generators: tuple[Generator | None, ...] = tuple(
            None if a.schema is None else Generator(_arg_schema(a), self.schemas) for a in self.args
        )

    @property
    def required(self) -> int:
        """How many leading arguments are required."""
        count = 0
        for arg in self.args:
            if not arg.required:
                break
            count += 1
        return count

    def valid(self, source: Source) -> tuple[Any, ...]:
        """One value per argument (optional trailing arguments some of the time)."""
        out: list[Any] = []
        for i, gen in enumerate(self.generators):
            if i >= self.required and not source.boolean():
                break
            if gen is None:
                out.append(_Draw(_Compiler({}, None), source).anything(0))
            else:
                out.append(gen.valid(source))
        return tuple(out)

    def strategy(self) -> Any:
        """A hypothesis strategy of valid argument tuples (needs hypothesis)."""
        return _strategy(self.valid)

    def is_valid(self, values: Sequence[Any]) -> bool:
        """Whether ``values`` fit the arguments (count and each schema)."""
        if len(values) < self.required or len(values) > len(self.args):
            return False
        return all(
            gen is None or gen.is_valid(v) for gen, v in zip(self.generators, values, strict=False)
        )

    def broken(self, source: Source) -> BrokenArguments | None:
        """Valid arguments with one broken in one place, or (for several arguments)
        the last required one missing; ``None`` when nothing can be broken."""
        values = self.valid(source)
        options: list[tuple[int, Generator]] = [
            (i, gen) for i, gen in enumerate(self.generators) if gen is not None and i < len(values)
        ]
        # a lone argument's contract cannot say whether it may be left out (a
        # parameter with a default): only leave out one of several
        ways = len(options) + (1 if self.required and len(self.args) > 1 else 0)
        if ways == 0:
            return None
        first = source.integer(0, ways - 1)
        for k in range(ways):
            pick = (first + k) % ways
            if pick == len(options):
                name = self.args[self.required - 1].name
                return BrokenArguments(
                    values[: self.required - 1], (self.required - 1,), f"missing argument {name!r}"
                )
            i, gen = options[pick]
            draw = _Draw(gen._compiler, source)
            broken = _break(gen, draw, gen._root, values[i], source)
            if broken is not None:
                out = (*values[:i], broken.value, *values[i + 1 :])
                return BrokenArguments(out, (i, *broken.path), broken.reason)
        return None


def _strategy(draw_value: Callable[[Source], Any]) -> Any:
    from hypothesis import strategies

    @strategies.composite
    def values(draw: Callable[[Any], Any]) -> Any:
        return draw_value(HypothesisSource(draw))

    return values()


def _arg_schema(arg: Any) -> Any:
    schema = arg.schema
    if arg.binary and isinstance(schema, dict) and "$ref" not in schema:
        return {**schema, "type": "string", "format": "binary"}
    return schema


_CACHE: dict[tuple[str, int], Generator] = {}
_ARGS_CACHE: dict[tuple[str, int], ArgumentsGenerator] = {}
_CACHE_SIZE = 512


def generator(schema: Any, schemas: Mapping[str, Any] | None = None) -> Generator:
    """The compiled :class:`Generator` of ``schema`` (cached per schema and
    named-schema table)."""
    key = (json.dumps(schema, sort_keys=True, default=str), id(schemas))
    hit = _CACHE.get(key)  # the entry holds ``schemas``: its id cannot be reused meanwhile
    if hit is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        hit = _CACHE[key] = Generator(schema, schemas)
    return hit


def arguments(args: Sequence[Any], schemas: Mapping[str, Any] | None = None) -> ArgumentsGenerator:
    """The compiled :class:`ArgumentsGenerator` of an argument tuple (an event's
    or an ack's ``args`` from a :class:`~sio_spec.contract.Contract`)."""
    key = (
        json.dumps([(a.name, a.schema, a.required, a.binary) for a in args], default=str),
        id(schemas),
    )
    hit = _ARGS_CACHE.get(key)
    if hit is None:
        if len(_ARGS_CACHE) >= _CACHE_SIZE:
            _ARGS_CACHE.clear()
        hit = _ARGS_CACHE[key] = ArgumentsGenerator(args, schemas)
    return hit

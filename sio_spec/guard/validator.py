"""The one factory of ``jsonschema`` validators: no retrieval, linear patterns."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .limits import ContractError, _one_line, pointer_of
from .patterns import linear_pattern
from .schemas import check_schema

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

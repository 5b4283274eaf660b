"""The error acks: what a client gets back instead of a handler's answer.

Each shape is one pydantic model. The pipeline builds its answers from these models
and the AsyncAPI document's component schemas are their JSON schemas, so what goes on
the wire and what the document says cannot drift apart. The component names
(``SioSpecValidationError``, ``SioSpecInternalError``, ``SioSpecErrorDetail``) are the
models' names and their schemas' titles.

The models are data, not exceptions: the exceptions sio-spec raises are in
:mod:`sio_spec.errors`.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter
from pydantic import ValidationError as PydanticValidationError
from pydantic.json_schema import models_json_schema

from ..jsonschema_keywords import REF_PREFIX, copy_json


class SioSpecErrorDetail(BaseModel):
    """One problem found in a payload."""

    loc: list[str | int] = Field(
        description="Path inside the payload; for events with several arguments it "
        "starts with the argument's 0-based position."
    )
    msg: str
    type: str


class SioSpecValidationError(BaseModel):
    """Sent as the acknowledgement when an event's payload is invalid; the handler
    was not called. Input values are never echoed."""

    error: Literal["validation_error"]
    message: str
    event: str
    namespace: str
    detail: list[SioSpecErrorDetail]


class SioSpecInternalError(BaseModel):
    """Sent as the acknowledgement when the server cannot answer (its handler's
    answer is invalid, or the handler's models cannot be read). Details are only
    logged on the server."""

    error: Literal["internal_error"]
    message: str


ERROR_ACK_MODELS: tuple[type[BaseModel], ...] = (
    SioSpecErrorDetail,
    SioSpecValidationError,
    SioSpecInternalError,
)


def validation_error_ack(
    message: str, event: str, namespace: str, detail: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """The ``validation_error`` ack as sent: a :class:`SioSpecValidationError` dumped
    to plain data (keys ``error``, ``message``, ``event``, ``namespace``, ``detail``)."""
    return SioSpecValidationError.model_validate(
        {
            "error": "validation_error",
            "message": message,
            "event": event,
            "namespace": namespace,
            "detail": list(detail),
        }
    ).model_dump()


def internal_error_ack(message: str) -> dict[str, Any]:
    """The ``internal_error`` ack as sent: a :class:`SioSpecInternalError` dumped to
    plain data (keys ``error``, ``message``)."""
    return SioSpecInternalError(error="internal_error", message=message).model_dump()


ErrorAck = Annotated[SioSpecValidationError | SioSpecInternalError, Field(discriminator="error")]
"""An error ack, told apart by its ``error`` field."""

_ERROR_ACK: TypeAdapter[SioSpecValidationError | SioSpecInternalError] = TypeAdapter(ErrorAck)


def read_error_ack(value: Any) -> SioSpecValidationError | SioSpecInternalError | None:
    """``value`` read as an error ack through its model, or ``None`` when it is not
    one: not a mapping, another ``error``, or a shape its model rejects. An
    ``internal_error`` ack has exactly the keys ``error`` and ``message``, so a
    handler's answer with more keys is never mistaken for one."""
    if not isinstance(value, Mapping):
        return None
    kind = value.get("error")
    if kind not in ("validation_error", "internal_error"):
        return None
    if kind == "internal_error" and set(value) != {"error", "message"}:
        return None
    try:
        return _ERROR_ACK.validate_python(dict(value))
    except PydanticValidationError:
        return None


def _tidy(schema: dict[str, Any]) -> dict[str, Any]:
    """Descriptions on one line, and no property titles (pydantic titles every
    property after its name; the document does without)."""
    for holder in (schema, *(schema.get("properties") or {}).values()):
        text = holder.get("description") if isinstance(holder, dict) else None
        if isinstance(text, str):
            holder["description"] = " ".join(text.split())
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for prop in properties.values():
            if isinstance(prop, dict):
                prop.pop("title", None)
    return schema


@functools.cache
def _schemas() -> dict[str, dict[str, Any]]:
    _, top = models_json_schema(
        [(model, "serialization") for model in ERROR_ACK_MODELS],
        ref_template=REF_PREFIX + "{model}",
    )
    defs: dict[str, dict[str, Any]] = top["$defs"]
    return {name: _tidy(schema) for name, schema in defs.items()}


def error_ack_schema(name: str) -> dict[str, Any]:
    """The JSON schema of one error-ack model by component name (``SioSpecErrorDetail``,
    ``SioSpecValidationError`` or ``SioSpecInternalError``): a fresh copy, whose
    references point at ``#/components/schemas/<name>`` of the other models.

    Raises ``KeyError`` for any other name.
    """
    schema: dict[str, Any] = copy_json(_schemas()[name])
    return schema


def error_ack_schemas() -> dict[str, dict[str, Any]]:
    """Every error-ack schema by component name (fresh copies)."""
    return {name: error_ack_schema(name) for name in _schemas()}


#: The values of ``error`` that mark an error ack.
ERROR_KEYS = ("validation_error", "internal_error")


def colliding_error_values(schema: Mapping[str, Any]) -> list[str]:
    """The error-ack markers (``"validation_error"``, ``"internal_error"``) that an ack
    of this JSON schema could carry in a top-level ``error`` field: a client that
    tells error acks apart by ``error`` would take such an ack for an error ack."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    found_defs = schema.get("$defs")
    defs: Mapping[str, Any] = found_defs if isinstance(found_defs, Mapping) else {}
    found: list[str] = []

    def visit(node: Any, depth: int) -> None:
        if not isinstance(node, Mapping) or depth > 8:
            return
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            visit(defs.get(ref[len("#/$defs/") :]), depth + 1)
        for key in ("anyOf", "oneOf", "allOf"):
            members = node.get(key)
            if isinstance(members, list):
                for member in members:
                    visit(member, depth + 1)
        properties = node.get("properties")
        if not isinstance(properties, Mapping) or "error" not in properties:
            return
        field = properties["error"]
        if field is True:
            found.extend(v for v in ERROR_KEYS if v not in found)
            return
        if not isinstance(field, Mapping):
            return
        try:
            validator = Draft202012Validator({**field, "$defs": defs})
            found.extend(v for v in ERROR_KEYS if v not in found and validator.is_valid(v))
        except (SchemaError, RecursionError, TypeError, ValueError):
            return

    visit(schema, 0)
    return found


def _field_accepts(annotation: Any, metadata: tuple[Any, ...]) -> tuple[str, ...]:
    """The error-ack markers a model field of this type accepts."""
    import pydantic

    target: Any = annotation
    if metadata:
        parts = (annotation, *metadata)
        target = typing.Annotated[parts]
    try:
        try:
            adapter = _adapter(target)
        except TypeError:  # unhashable metadata: build it uncached
            adapter = pydantic.TypeAdapter(target)
    except Exception:  # a type pydantic cannot build fails later, with its own message
        return ()
    accepted = []
    for value in ERROR_KEYS:
        try:
            adapter.validate_python(value)
        except Exception:  # refused (or a validator of the user's own raised)
            continue
        accepted.append(value)
    return tuple(accepted)


@functools.lru_cache(maxsize=256)
def _adapter(target: Any) -> Any:
    import pydantic

    return pydantic.TypeAdapter(target)


def _model_collisions(tp: Any, depth: int = 0) -> list[str] | None:
    """The markers an ``error`` field of ``tp`` (a pydantic model, or a union of models)
    may hold; ``None`` when only its JSON schema can tell (a dataclass or ``TypedDict``
    with such a field)."""
    if depth > 8:
        return []
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _model_collisions(typing.get_args(tp)[0], depth + 1)
    if origin is typing.Union or isinstance(tp, types.UnionType):
        found: list[str] = []
        for member in typing.get_args(tp):
            if member is type(None):
                continue
            inner = _model_collisions(member, depth + 1)
            if inner is None:
                return None
            found.extend(v for v in inner if v not in found)
        return found
    if not isinstance(tp, type) or origin is not None:
        return []  # a primitive, a container, a Literal: no field named "error"
    if not issubclass(tp, BaseModel):
        # a dataclass or TypedDict with an "error" field: read its JSON schema
        named = any("error" in getattr(base, "__annotations__", {}) for base in tp.__mro__)
        return None if named else []
    fields = getattr(tp, "model_fields", None)
    if not isinstance(fields, Mapping):
        return []
    for name, field in fields.items():
        if (field.serialization_alias or field.alias or name) == "error":
            return list(_field_accepts(field.annotation, tuple(field.metadata)))
    return []


def payload_collisions(payload: Any) -> list[str]:
    """The error-ack markers an ack of this payload could carry in its ``error`` field
    (see :func:`colliding_error_values`). Models are read from their fields, cheaply;
    other types and JSON Schema dicts from their JSON schema."""
    raw = getattr(payload, "raw_schema", None)
    if raw is None:
        found = _model_collisions(getattr(payload, "annotation", None))
        if found is not None:
            return found
    try:
        schema = payload.json_schema("serialization") if raw is None else raw
    except Exception:  # a schema pydantic cannot write fails later, with its own message
        return []
    return colliding_error_values(schema) if isinstance(schema, Mapping) else []


def warn_colliding_error_field(
    payload: Any, event: str, namespace: str, stacklevel: int = 2
) -> None:
    """Warn (``UserWarning``) when an ack of this payload could be taken for an error
    ack: its ``error`` field accepts ``"validation_error"`` or ``"internal_error"``."""
    import warnings

    values = payload_collisions(payload)
    if values:
        shown = " or ".join(repr(v) for v in values)
        warnings.warn(
            f"the ack of event {event!r} in namespace {namespace!r} has an 'error' field "
            f"that may hold {shown}, the key and values that mark sio-spec's error acks: "
            "clients cannot tell them apart; rename the field or narrow its values",
            UserWarning,
            stacklevel=stacklevel,
        )

"""pydantic.v1 models, as sio-asyncapi accepted them.

pydantic 2 ships its predecessor as ``pydantic.v1``. Its models cannot go through
pydantic 2's ``TypeAdapter`` (validation fails with a ``TypeError`` and there is no
JSON Schema), so a model class declared on its own (``data: OldModel``,
``request_model=OldModel``, ``-> OldModel``) gets a payload of its own here: the
model validates and builds the instance the handler receives, its ``.json()`` is
what is sent, and its ``.schema()`` is the documented schema. A v1 model used inside
another type (``list[OldModel]``, ``OldModel | None``, a field of a pydantic 2
model) is refused with a :class:`~sio_spec.SpecError` that says how to fix it.

Nothing here imports ``pydantic.v1``: the module of a v1 model has done that.
"""

from __future__ import annotations

import json
import typing
from typing import Any

from ..errors import ErrorDetail, SpecError
from .payload import Payload, PayloadInvalid

#: The location pydantic.v1 gives errors about the whole value.
_ROOT = "__root__"


def _is_v1_model(obj: Any) -> bool:
    return isinstance(obj, type) and any(
        c.__module__.startswith("pydantic.v1.") and c.__name__ == "BaseModel" for c in obj.__mro__
    )


def _is_v2_model(obj: Any) -> bool:
    return isinstance(obj, type) and isinstance(getattr(obj, "model_fields", None), dict)


def _name(model: type) -> str:
    return f"{model.__module__}.{model.__qualname__}"


def find_pydantic_v1(annotation: Any) -> type | None:
    """The first pydantic.v1 model class in ``annotation``: itself, a type argument
    (``list[M]``, ``M | None``, ``Annotated[M, ...]``) or a field of a pydantic 2
    model, at any depth."""
    stack = [annotation]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if _is_v1_model(node):
            found: type = node
            return found
        if _is_v2_model(node):
            stack.extend(field.annotation for field in node.model_fields.values())
            continue
        try:
            stack.extend(typing.get_args(node))
        except Exception:  # an object typing cannot take apart: nothing inside
            continue
    return None


def refuse_nested_pydantic_v1(annotation: Any) -> None:
    """Raise :class:`SpecError` when ``annotation`` uses a pydantic.v1 model anywhere
    but on its own."""
    if _is_v1_model(annotation):
        return
    model = find_pydantic_v1(annotation)
    if model is None:
        return
    raise SpecError(
        f"{_name(model)} is a pydantic.v1 model (from pydantic.v1 import BaseModel) used "
        "inside another type; sio-spec accepts a pydantic.v1 model only on its own "
        "(data: Model, request_model=Model, -> Model). Fix: derive it from "
        "pydantic.BaseModel (from pydantic import BaseModel; parse_obj() becomes "
        "model_validate(), dict() model_dump(), Field(example=...) "
        "Field(examples=[...])), or declare the payload as that model alone"
    )


def pydantic_v1_payload(annotation: Any) -> Payload | None:
    """A :class:`PydanticV1Payload` when ``annotation`` is a pydantic.v1 model class;
    ``None`` when it uses none; :class:`SpecError` when it uses one inside another
    type."""
    if _is_v1_model(annotation):
        return PydanticV1Payload(annotation)
    refuse_nested_pydantic_v1(annotation)
    return None


def _schema(model: Any) -> dict[str, Any]:
    """The model's v1 JSON Schema, with the model itself as a definition so the
    document shares it under its name like a pydantic 2 model."""
    schema: dict[str, Any] = json.loads(json.dumps(model.schema(), default=str))
    definitions = schema.pop("definitions", {})
    name = str(schema.get("title") or model.__name__)
    while name in definitions:
        name += "_"
    definitions[name] = schema
    return {"$ref": f"#/definitions/{name}", "definitions": definitions}


class PydanticV1Payload(Payload):
    """A payload validated, serialized and documented by a pydantic.v1 model."""

    def __init__(self, model: Any) -> None:
        super().__init__(_schema(model))
        self.annotation = model
        known = self.known_names | {_ROOT}
        parse = model.parse_obj

        def validate(value: Any) -> Any:
            if isinstance(value, model):
                return value
            try:
                return parse(value)
            except ValueError as exc:  # pydantic.v1's ValidationError is a ValueError
                errors = getattr(exc, "errors", None)
                if not callable(errors):
                    raise
                raise PayloadInvalid(_details(errors(), known)) from None

        def dump(value: Any) -> Any:
            if isinstance(value, model):
                return json.loads(value.json())
            return json.loads(json.dumps(value, default=str))

        self.validate = validate
        self.core_validate = validate
        self.dump = dump


def _details(errors: list[dict[str, Any]], known: frozenset[str]) -> list[ErrorDetail]:
    """pydantic.v1 errors in sio-spec's shape: location parts that are not names of
    the schema came from the client and are masked; messages carry no input."""
    out: list[ErrorDetail] = []
    for err in errors:
        loc: list[str | int] = []
        for part in err.get("loc", ()):
            if part == _ROOT:
                continue
            if isinstance(part, int) or (isinstance(part, str) and part in known):
                loc.append(part)
            else:
                loc.append("*")
        out.append({"loc": loc, "msg": str(err.get("msg", "")), "type": str(err.get("type"))})
    return out

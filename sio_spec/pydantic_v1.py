"""pydantic.v1 models are refused with a message that says how to fix them.

pydantic 2 ships its predecessor as ``pydantic.v1``; its models look like models
but pydantic 2's validators and JSON Schema generator cannot use them. sio-spec
validates and documents pydantic 2 models (and plain JSON Schema dicts) only, so a
v1 model anywhere in a declaration is a :class:`~sio_spec.SpecError` at once,
instead of a ``TypeError`` on the first message.
"""

from __future__ import annotations

import typing
from typing import Any

from .errors import SpecError


def _is_v1_model(obj: Any) -> bool:
    return isinstance(obj, type) and any(
        c.__module__.startswith("pydantic.v1.") and c.__name__ == "BaseModel" for c in obj.__mro__
    )


def _is_v2_model(obj: Any) -> bool:
    return isinstance(obj, type) and isinstance(getattr(obj, "model_fields", None), dict)


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


def refuse_pydantic_v1(annotation: Any) -> None:
    """Raise :class:`SpecError` when ``annotation`` uses a pydantic.v1 model."""
    model = find_pydantic_v1(annotation)
    if model is None:
        return
    name = f"{model.__module__}.{model.__qualname__}"
    raise SpecError(
        f"{name} is a pydantic.v1 model (from pydantic.v1 import BaseModel); sio-spec "
        "validates and documents pydantic 2 models only. Fix: derive it from "
        "pydantic.BaseModel (from pydantic import BaseModel; parse_obj() becomes "
        "model_validate(), dict() model_dump(), Field(example=...) "
        "Field(examples=[...])), or declare its JSON Schema dict instead of the class"
    )

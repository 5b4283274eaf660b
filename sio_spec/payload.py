"""Compiled models: one object per declared type, built once, called per message.

A :class:`Payload` wraps either anything pydantic's ``TypeAdapter`` accepts or a
plain JSON Schema ``dict``. It validates a value, dumps it to something the
Socket.IO packet encoder can send (JSON-compatible values, ``bytes`` kept as
binary attachments) and gives its JSON Schema for the documentation.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

import pydantic
import pydantic_core

from .errors import ErrorDetail

SchemaMode = Literal["validation", "serialization"]

# Labels pydantic puts in ``loc`` for union members; they name types, not input.
_TYPE_LABELS = frozenset(
    {
        "int",
        "str",
        "float",
        "bool",
        "bytes",
        "none",
        "list",
        "dict",
        "tuple",
        "set",
        "frozenset",
        "decimal",
        "date",
        "datetime",
        "time",
        "timedelta",
        "uuid",
        "url",
        "literal",
        "enum",
        "any",
        "is-instance",
        "json",
        "[key]",
    }
)


#: At most this many problems are reported for one message; a hostile payload with
#: a million wrong items gets a bounded error ack, not a 25x larger one.
MAX_ERRORS = 100
TOO_MANY: ErrorDetail = {
    "loc": [],
    "msg": f"Too many errors; only the first {MAX_ERRORS} are reported",
    "type": "too_many_errors",
}


class PayloadInvalid(Exception):
    """Raised by :meth:`Payload.validate`; carries sanitized error details
    (at most :data:`MAX_ERRORS`, then one ``too_many_errors`` entry)."""

    def __init__(self, details: list[ErrorDetail]) -> None:
        if len(details) > MAX_ERRORS:
            details = [*details[:MAX_ERRORS], dict(TOO_MANY)]
        super().__init__(f"{len(details)} validation error(s)")
        self.details = details


def _collect_names(schema: Any, into: set[str]) -> None:
    """Gather every string of a JSON Schema: property names, titles, enum values.

    Locations in error reports keep only these; any other string in a location
    came from the client (an unknown key) and is masked.
    """
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str):
                    into.add(key)
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            into.add(node)


def _mask_loc(loc: Iterable[Any], known: frozenset[str]) -> list[str | int]:
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, int):
            out.append(part)
        elif isinstance(part, str) and (part in known or part in _TYPE_LABELS):
            out.append(part)
        else:
            out.append("*")
    return out


def _jsonable(value: Any) -> Any:
    """Make a python-mode dump sendable while keeping ``bytes`` binary."""
    if value is None or isinstance(value, (str, int, float, bool, bytes)):
        return value
    if isinstance(value, dict):
        return {
            k if isinstance(k, str) else str(_jsonable(k)): _jsonable(v) for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytearray):
        return bytes(value)
    return pydantic_core.to_jsonable_python(value)


def _core_has_bytes(core_schema: Any) -> bool:
    """Whether a pydantic-core schema validates ``bytes`` anywhere."""
    stack = [core_schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "bytes":
                return True
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
    return False


def _has_binary(schema: Any) -> bool:
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("format") == "binary":
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


class Payload:
    """A validator, serializer and schema for one declared type."""

    __slots__ = (
        "_known",
        "_raw_validator",
        "adapter",
        "annotation",
        "binary",
        "core_validate",
        "dump",
        "model",
        "raw_schema",
        "validate",
    )

    annotation: Any
    _known: frozenset[str] | None
    adapter: pydantic.TypeAdapter[Any] | None
    raw_schema: dict[str, Any] | None
    binary: bool
    validate: Callable[[Any], Any]
    core_validate: Callable[[Any], Any]
    dump: Callable[[Any], Any]
    model: type[pydantic.BaseModel] | None

    def __init__(self, annotation: Any) -> None:
        self.annotation = annotation
        if isinstance(annotation, Mapping):
            self._init_json_schema(dict(annotation))
        else:
            self._init_adapter(annotation)

    # -- pydantic -------------------------------------------------------------------
    def _init_adapter(self, annotation: Any) -> None:
        adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(annotation)
        self.adapter = adapter
        self.raw_schema = None
        self._raw_validator = None
        self._known = None  # computed on the first error: documents need no names
        self.binary = _core_has_bytes(adapter.core_schema)
        # pydantic-core's validator and serializer, called directly: the TypeAdapter
        # methods add a Python layer that costs as much as validating a small model.
        core_validate = adapter.validator.validate_python
        to_python = adapter.serializer.to_python
        self.core_validate = core_validate
        self.model = _plain_model(annotation)
        details = self.details

        def validate(value: Any) -> Any:
            try:
                return core_validate(value)
            except pydantic.ValidationError as exc:
                raise PayloadInvalid(details(exc)) from None

        self.validate = validate
        if self.binary:

            def dump(value: Any) -> Any:
                return _jsonable(to_python(value))
        else:

            def dump(value: Any) -> Any:
                return to_python(value, mode="json")

        self.dump = dump

    @property
    def known_names(self) -> frozenset[str]:
        """Every name the schema defines; other strings in an error location came
        from the client and are masked."""
        if self._known is None:
            known: set[str] = set()
            try:
                _collect_names(self.json_schema(), known)
            except pydantic.errors.PydanticInvalidForJsonSchema:  # e.g. Callable: no schema
                pass
            self._known = frozenset(known)
        return self._known

    def details(self, exc: pydantic.ValidationError) -> list[ErrorDetail]:
        """Sanitized details of a pydantic error raised by :attr:`core_validate`."""
        return pydantic_details(exc, self.known_names)

    # -- JSON Schema ----------------------------------------------------------------
    def _init_json_schema(self, schema: dict[str, Any]) -> None:
        import jsonschema

        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validator = cls(schema)
        self.adapter = None
        self.raw_schema = schema
        self._raw_validator = validator
        known: set[str] = set()
        _collect_names(schema, known)
        self._known = frozenset(known)
        self.binary = _has_binary(schema)
        known_names = self._known
        is_valid = validator.is_valid

        def validate(value: Any) -> Any:
            if is_valid(value):
                return value
            raise PayloadInvalid(_jsonschema_details(validator.iter_errors(value), known_names))

        self.validate = validate
        self.core_validate = validate
        self.model = None
        self.dump = _jsonable

    # -- documentation --------------------------------------------------------------
    def json_schema(self, mode: SchemaMode = "validation") -> dict[str, Any]:
        """The standalone JSON Schema of this payload (pydantic ``$defs`` included)."""
        if self.adapter is not None:
            return self.adapter.json_schema(mode=mode)
        assert self.raw_schema is not None
        copied: dict[str, Any] = json.loads(json.dumps(self.raw_schema))
        return copied

    def __repr__(self) -> str:
        return f"Payload({self.annotation!r})"


def _safe_msg(kind: str, msg: str) -> str:
    """Messages of the few pydantic error types that quote the input, without it."""
    if kind == "union_tag_invalid":  # "Input tag '<input>' found using 'kind' does not ..."
        return "Input tag found using " + msg.rpartition(" found using ")[2]
    if kind == "uuid_parsing":  # "..., invalid character: found `<input char>` at 3"
        return "Input should be a valid UUID"
    if kind == "base64_decode":  # "... Invalid byte <input byte>, offset 0."
        return "Base64 decoding error"
    return msg


_QUOTING = frozenset({"union_tag_invalid", "uuid_parsing", "base64_decode"})


def pydantic_details(exc: pydantic.ValidationError, known: frozenset[str]) -> list[ErrorDetail]:
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    return [
        {
            "loc": _mask_loc(err["loc"], known),
            "msg": _safe_msg(err["type"], err["msg"]) if err["type"] in _QUOTING else err["msg"],
            "type": err["type"],
        }
        for err in errors[: MAX_ERRORS + 1]
    ]


def _plain_model(annotation: Any) -> type[pydantic.BaseModel] | None:
    """The model class when an instance of exactly it needs no revalidation."""
    if (
        isinstance(annotation, type)
        and issubclass(annotation, pydantic.BaseModel)
        and annotation.model_config.get("revalidate_instances", "never") == "never"
    ):
        return annotation
    return None


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _jsonschema_details(errors: Iterable[Any], known: frozenset[str]) -> list[ErrorDetail]:
    """Describe jsonschema errors in pydantic's shape, never quoting the instance."""
    out: list[ErrorDetail] = []
    for err in sorted(errors, key=lambda e: (list(map(str, e.absolute_path)), e.validator)):
        path = list(err.absolute_path)
        rule = str(err.validator)
        value = err.validator_value
        if rule == "required" and isinstance(err.instance, dict):
            for name in value:
                if name not in err.instance:
                    out.append(
                        {
                            "loc": _mask_loc([*path, name], known),
                            "msg": "Field required",
                            "type": "missing",
                        }
                    )
            continue
        if rule == "additionalProperties":
            msg, kind = "Extra inputs are not permitted", "extra_forbidden"
        elif rule == "type":
            msg, kind = f"Input should be of type {json.dumps(value)}", "type_error"
        elif _scalar(value):
            msg, kind = f"Input does not satisfy {rule!r} = {json.dumps(value)}", rule
        else:
            msg, kind = f"Input does not satisfy {rule!r}", rule
        out.append({"loc": _mask_loc(path, known), "msg": msg, "type": kind})
    return out

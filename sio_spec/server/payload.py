"""Compiled models: one object per declared type, built once, called per message.

A :class:`Payload` wraps either anything pydantic's ``TypeAdapter`` accepts or a
plain JSON Schema ``dict``. It validates a value, dumps it to something the
Socket.IO packet encoder can send (JSON-compatible values, ``bytes`` kept as
binary attachments) and gives its JSON Schema for the documentation.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Literal

import pydantic
import pydantic_core

from ..errors import ErrorDetail
from ..jsonschema_keywords import DEFINITION_MAPS, SCHEMA_MAPS
from .fast_jsonschema import compiled_verdict
from .sendable import (
    COMPILED_DEPTH,
    MISMATCH_STATE,
    filter_in_force,
    finite,
    finite_within,
    install_mismatch_filter,
)

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


#: The problem reported for NaN or +-Infinity anywhere in a payload (pydantic's wording).
NONFINITE_MSG = "Input should be a finite number"
#: Input nested deeper than the JSON Schema validator can follow.
TOO_DEEP: ErrorDetail = {
    "loc": [],
    "msg": "Input is nested too deeply",
    "type": "recursion_depth_exceeded",
}
#: A JSON Schema check that failed on a value it cannot compute with (a huge number).
UNCHECKABLE: ErrorDetail = {
    "loc": [],
    "msg": "Input could not be checked against the schema",
    "type": "unprocessable",
}
#: An instance of the declared model whose fields no longer match their types.
MISMATCH: ErrorDetail = {
    "loc": [],
    "msg": "Value does not match the declared type",
    "type": "serialization_mismatch",
}


class PayloadInvalid(Exception):
    """Raised by :meth:`Payload.validate`; carries sanitized error details
    (at most :data:`MAX_ERRORS`, then one ``too_many_errors`` entry)."""

    def __init__(self, details: list[ErrorDetail]) -> None:
        if len(details) > MAX_ERRORS:
            details = [*details[:MAX_ERRORS], dict(TOO_MANY)]
        super().__init__(f"{len(details)} validation error(s)")
        self.details = details


# JSON Schema keywords whose values name server-side things (class names as titles,
# definition references) or are prose: never a field name or a value a client sends.
_NOT_NAMES = frozenset({"title", "description", "$ref", "$id", "$schema", "$comment"})
_NAME_MAPS = SCHEMA_MAPS - DEFINITION_MAPS


def _collect_names(schema: Any, into: set[str]) -> None:
    """Gather the property names and values of a JSON Schema (enum and const values,
    discriminator tags, keywords).

    Locations in error reports keep only these; any other string in a location came
    from the client (an unknown key) or names a class (pydantic labels the members of
    a union of models by class name), and is masked.
    """
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in _NOT_NAMES:
                    continue
                if isinstance(value, dict) and (key in _NAME_MAPS or key in DEFINITION_MAPS):
                    if key in _NAME_MAPS:
                        into.update(k for k in value if isinstance(k, str))
                    stack.extend(value.values())
                    continue
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


_isfinite = math.isfinite


def nonfinite_loc(value: Any) -> list[Any]:
    """Where the first NaN or infinite float of ``value`` sits (``[]`` if none)."""
    stack: list[tuple[Any, list[Any]]] = [(value, [])]
    while stack:
        node, path = stack.pop()
        if isinstance(node, float):
            if not _isfinite(node):
                return path
        elif isinstance(node, Mapping):
            stack.extend((v, [*path, k]) for k, v in reversed(list(node.items())))
        elif isinstance(node, (list, tuple)):
            stack.extend((v, [*path, i]) for i, v in reversed(list(enumerate(node))))
    return []


def nonfinite_detail(value: Any, known: frozenset[str]) -> ErrorDetail:
    """The error detail for a value holding NaN or an infinity."""
    return {
        "loc": _mask_loc(nonfinite_loc(value), known),
        "msg": NONFINITE_MSG,
        "type": "finite_number",
    }


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


# -- non-finite floats ------------------------------------------------------------------
#
# JSON has no NaN or Infinity, and socket.io clients drop the connection on a packet
# that holds them. Incoming payloads are validated with a copy of the declared type's
# core schema in which every float and Decimal that does not explicitly allow them
# (``allow_inf_nan=True`` on the field or in the model config) rejects them: the same
# pydantic-core validator, so no cost per message. What the server sends is checked
# after serialization where the declared type can hold a float at all.

# Keys of a core schema that hold data or functions, never a schema to rewrite.
_NOT_SCHEMA = frozenset(
    {
        "metadata",
        "default",
        "expected",
        "custom_error_context",
        "cls",
        "config",
        "function",
        "serialization",
        "json_schema_input_schema",
        "ref",
        "schema_ref",
        "post_init",
        "generic_origin",
    }
)
_FLOAT_TYPES = frozenset({"float", "decimal"})
# Core schema types whose JSON serialization cannot produce a float.
_NO_FLOAT_OUT = frozenset(
    {
        "none",
        "bool",
        "int",
        "str",
        "bytes",
        "date",
        "time",
        "datetime",
        "timedelta",
        "uuid",
        "url",
        "multi-host-url",
        "decimal",
        "literal",
        "missing-sentinel",
        "model",
        "model-fields",
        "model-field",
        "computed-field",
        "dataclass",
        "dataclass-args",
        "dataclass-field",
        "typed-dict",
        "typed-dict-field",
        "list",
        "tuple",
        "set",
        "frozenset",
        "dict",
        "nullable",
        "default",
        "union",
        "tagged-union",
        "definitions",
        "definition-ref",
        "lax-or-strict",
        "json-or-python",
        "chain",
        "function-after",
        "function-before",
    }
)


def _walk_schema(node: Any, allowed: bool) -> Any:
    """A copy of a core schema where floats and Decimals reject NaN and infinities,
    unless the field or the enclosing config set ``allow_inf_nan`` itself."""
    if isinstance(node, dict):
        config = node.get("config")
        if isinstance(config, dict) and "allow_inf_nan" in config:
            allowed = bool(config["allow_inf_nan"])
        out = {
            key: value
            if key in _NOT_SCHEMA or not isinstance(value, (dict, list, tuple))
            else _walk_schema(value, allowed)
            for key, value in node.items()
        }
        if node.get("type") in _FLOAT_TYPES and "allow_inf_nan" not in node and not allowed:
            out["allow_inf_nan"] = False
        return out
    items = [
        _walk_schema(value, allowed) if isinstance(value, (dict, list, tuple)) else value
        for value in node
    ]
    return items if isinstance(node, list) else tuple(items)


def _schema_nodes(schema: Any) -> Iterator[dict[str, Any]]:
    """Every schema dict of a core schema (data and function entries skipped)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("type"), str):
                yield node
            stack.extend(
                value
                for key, value in node.items()
                if key not in _NOT_SCHEMA and isinstance(value, (dict, list, tuple))
            )
        elif isinstance(node, (list, tuple)):
            stack.extend(v for v in node if isinstance(v, (dict, list, tuple)))


def _may_hold_float(core_schema: Any) -> bool:
    """Whether a serialized value of this schema may hold a float: a float field,
    ``Any``, or a type or serializer sio-spec cannot see through."""
    for node in _schema_nodes(core_schema):
        kind = node["type"]
        if kind not in _NO_FLOAT_OUT or "serialization" in node:
            return True
    return False


_INSTANCE_TYPES = frozenset({"model", "dataclass"})


def _fresh_after_validation(core_schema: Any) -> bool:
    """Whether a validated value of this schema is always built by the validator from
    plain data: no model or dataclass whose instances pass through unvalidated, no
    ``Any``, custom type or serializer, no field that allows NaN. Such a value needs
    neither the serializer's checking mode nor a scan for NaN when it is sent."""
    for node in _schema_nodes(core_schema):
        kind = node["type"]
        if kind in _INSTANCE_TYPES or "serialization" in node or node.get("allow_inf_nan"):
            return False
        config = node.get("config")
        if isinstance(config, dict) and config.get("allow_inf_nan"):
            return False
        if kind != "float" and kind not in _NO_FLOAT_OUT:
            return False
    return True


_complete_lock = threading.Lock()


@contextlib.contextmanager
def _own_validators(core_schema: Any) -> Iterator[None]:
    """While building a validator from a copied schema, make pydantic-core compile the
    models' fields from that copy instead of reusing each class's own validator (it
    does so for classes marked complete). The mark is restored right after."""
    classes = {
        node["cls"]
        for node in _schema_nodes(core_schema)
        if node["type"] in ("model", "dataclass") and isinstance(node.get("cls"), type)
    }
    mark = "__pydantic_complete__"
    with _complete_lock:
        saved = {cls: cls.__dict__[mark] for cls in classes if mark in cls.__dict__}
        try:
            for cls in saved:
                type.__setattr__(cls, mark, False)
            yield
        finally:
            for cls, value in saved.items():
                type.__setattr__(cls, mark, value)


def _finite_validator(adapter: pydantic.TypeAdapter[Any]) -> Callable[[Any], Any]:
    """``validate_python`` of a validator that rejects NaN and infinities in every
    float and Decimal that does not explicitly allow them."""
    core_schema = adapter.core_schema
    strict = _walk_schema(core_schema, False)
    if strict == core_schema:  # no float anywhere: the adapter's validator as it is
        return adapter.validator.validate_python
    config: Any = None
    with contextlib.suppress(Exception):  # the adapter's own config, when it exposes it
        config = adapter.validator.__reduce__()[1][1]
    try:
        with _own_validators(core_schema):
            validator = pydantic_core.SchemaValidator(strict, config)
    except Exception:  # a schema pydantic-core will not rebuild: its own validator, as is
        return adapter.validator.validate_python
    return validator.validate_python


def _checking_mode() -> Any:
    """The serializer's ``warnings=`` that raises on a value of the wrong type
    (``"error"``, pydantic 2.7+); older versions only warn."""
    try:
        pydantic.TypeAdapter(int).serializer.to_python(1, warnings="error")
    except TypeError:
        return True
    return "error"


_CHECKING = _checking_mode()

# -- instances whose fields no longer match their types ------------------------------------
# (see sio_spec.server.sendable: the filter is scoped to this module, which calls the serializer)

MISMATCH_FILTER = install_mismatch_filter(__name__)


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
        "floats",
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
    floats: bool
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
        core_validate = _finite_validator(adapter)
        to_python = adapter.serializer.to_python
        self.core_validate = core_validate
        self.model = _plain_model(annotation)
        self.floats = _may_hold_float(adapter.core_schema)
        details = self.details

        def validate(value: Any) -> Any:
            try:
                return core_validate(value)
            except pydantic.ValidationError as exc:
                raise PayloadInvalid(details(exc)) from None

        self.validate = validate
        self.dump = self._compile_dump(to_python)

    def _compile_dump(self, to_python: Callable[..., Any]) -> Callable[[Any], Any]:
        """The checked serializer: a value whose fields do not match their types
        (pydantic's serializer reports it) or that holds NaN or an infinity raises
        :class:`PayloadInvalid` instead of being sent."""
        mismatch = self._mismatch
        serialization_error = pydantic_core.PydanticSerializationError
        binary = self.binary
        assert self.adapter is not None
        if _fresh_after_validation(self.adapter.core_schema):
            # only ever called with what the validator just built: nothing to recheck
            scan, checking = False, False
        else:
            scan, checking = self.floats, _CHECKING
        mode: Any = None if binary else "json"
        known = self._known_names

        force, installed = MISMATCH_STATE, MISMATCH_FILTER
        if checking and not binary and not scan:
            # the common case (a model sent as JSON data) in as few steps as possible
            def dump_model(value: Any) -> Any:
                # in force as last computed, and still at its place in the same list:
                # filters added or removed before it move it, catch_warnings swaps
                # the list (see sio_spec.server.sendable)
                filters = warnings.filters
                try:
                    fast = force[3] and filters is force[0] and filters[force[2]] is installed
                except IndexError:  # the list shrank in place: compute again
                    fast = False
                try:
                    if fast or filter_in_force():
                        return to_python(value, mode="json", by_alias=True)
                    return to_python(value, mode="json", by_alias=True, warnings=checking)
                except (serialization_error, UserWarning):
                    raise PayloadInvalid(mismatch(value)) from None

            return dump_model

        def dump(value: Any) -> Any:
            try:
                if not checking:
                    out = to_python(value, mode=mode, by_alias=True, warnings=False)
                elif filter_in_force():
                    out = to_python(value, mode=mode, by_alias=True)
                else:
                    out = to_python(value, mode=mode, by_alias=True, warnings=checking)
            except (serialization_error, UserWarning):
                raise PayloadInvalid(mismatch(value)) from None
            if binary:
                out = _jsonable(out)
            if scan and not finite(out):
                raise PayloadInvalid([nonfinite_detail(out, known())])
            return out

        return dump

    def convert(self, value: Any) -> Any:
        """Serialize without any check (for servers with validation turned off)."""
        if self.adapter is None:
            return _jsonable(value)
        to_python = self.adapter.serializer.to_python
        if self.binary:
            return _jsonable(to_python(value, by_alias=True, warnings=False))
        return to_python(value, mode="json", by_alias=True, warnings=False)

    def _mismatch(self, value: Any) -> list[ErrorDetail]:
        """What is wrong with a value the serializer refused: its fields validated
        again, or a generic detail when that finds nothing."""
        assert self.adapter is not None
        try:
            self.core_validate(
                self.adapter.serializer.to_python(value, by_alias=True, warnings=False)
            )
        except pydantic.ValidationError as exc:
            return self.details(exc)
        except Exception:  # the value cannot even be dumped: the generic answer
            pass
        return [dict(MISMATCH)]

    def _known_names(self) -> frozenset[str]:
        return self.known_names

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
        from ..guard import json_schema_validator

        # checked, never retrieving anything, patterns matched in linear time
        validator = json_schema_validator(schema)
        self.adapter = None
        self.raw_schema = schema
        self._raw_validator = validator
        known: set[str] = set()
        _collect_names(schema, known)
        self._known = frozenset(known)
        self.binary = _has_binary(schema)
        known_names = self._known
        is_valid = validator.is_valid
        iter_errors = validator.iter_errors
        # the optional compiled engine gives the verdict on valid messages; jsonschema
        # confirms any rejection and writes the details
        compiled = compiled_verdict(validator)

        def validate(value: Any) -> Any:
            # JSON Schema numbers are finite: NaN passes any "maximum", and "multipleOf"
            # cannot compute with NaN or an infinity. The scan runs after the schema
            # (a rejected payload is not walked whole: the schema stops at its first error)
            try:
                if compiled is not None:
                    try:
                        fast = compiled(value)
                    except (ValueError, TypeError, OverflowError):  # a value it cannot take
                        fast = False
                    if fast:
                        # jsonschema gives up on deep values (RecursionError): only a
                        # value shallow enough for it to decide is accepted on this
                        # verdict alone
                        # (a NaN or an infinity is read again below, as without
                        # the engine: the engines may differ on them)
                        if finite_within(value, COMPILED_DEPTH):
                            return value
                if is_valid(value):
                    if finite(value):
                        return value
                    details = [nonfinite_detail(value, known_names)]
                else:  # stop at the cap: a huge payload may hold a million problems
                    first = itertools.islice(iter_errors(value), MAX_ERRORS + 1)
                    details = _jsonschema_details(first, known_names)
            except RecursionError:
                details = [dict(TOO_DEEP)]
            except (ValueError, ArithmeticError, TypeError):
                details = _uncheckable(value, known_names)
            raise PayloadInvalid(details)

        self.validate = validate
        self.core_validate = validate
        self.model = None
        self.floats = True
        self.dump = _jsonable  # only called with values validate() accepted: all finite

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


# Messages rewritten before they reach a client: the pydantic templates of these types
# quote the input or name a server-side class, attribute or exception.
_SAFE_MSG = {
    "uuid_parsing": "Input should be a valid UUID",
    "base64_decode": "Base64 decoding error",
    "model_type": "Input should be a valid dictionary or model instance",
    "model_attributes_type": "Input should be a valid dictionary or object",
    "dataclass_type": "Input should be a dictionary or a dataclass instance",
    "dataclass_exact_type": "Input should be an instance of the dataclass",
    "named_tuple_type": "Input should be a tuple, list or dictionary",
    "is_instance_of": "Input should be an instance of the expected class",
    "is_subclass_of": "Input should be a subclass of the expected class",
    "no_such_attribute": "Object has no such attribute",
    "get_attribute_error": "Error extracting attribute",
    "mapping_type": "Input should be a valid mapping",
    "iteration_error": "Error iterating over object",
    "needs_python_object": "Input should be a Python object",
}


def _safe_msg(kind: str, msg: str) -> str:
    """A pydantic message without input or server-side names."""
    if kind == "union_tag_invalid":  # "Input tag '<input>' found using 'kind' does not ..."
        return "Input tag found using " + msg.rpartition(" found using ")[2]
    return _SAFE_MSG.get(kind, msg)


_DECODE = json.JSONDecoder().raw_decode
_NO_EXTRAS = {"include_url": False, "include_context": False, "include_input": False}


def first_errors(exc: pydantic.ValidationError) -> list[dict[str, Any]]:
    """At most ``MAX_ERRORS + 1`` errors of a pydantic error, ``loc``/``msg``/``type``.

    ``errors()`` turns every error into a dict, which for a million errors costs
    several times the validation itself. Beyond the cap, pydantic-core renders them
    as JSON instead (in Rust, a fraction of the validation time) and only the first
    ones are decoded.
    """
    if exc.error_count() <= MAX_ERRORS:
        return exc.errors(**_NO_EXTRAS)  # type: ignore[return-value]
    text = exc.json(**_NO_EXTRAS)
    out: list[dict[str, Any]] = []
    pos = 1  # after "["
    while len(out) <= MAX_ERRORS:
        err, pos = _DECODE(text, pos)
        out.append(err)
        if text[pos] != ",":
            break
        pos += 1
    return out


def pydantic_details(exc: pydantic.ValidationError, known: frozenset[str]) -> list[ErrorDetail]:
    return [
        {
            "loc": _mask_loc(err["loc"], known),
            "msg": _safe_msg(err["type"], err["msg"]),
            "type": err["type"],
        }
        for err in first_errors(exc)
    ]


def _uncheckable(value: Any, known: frozenset[str]) -> list[ErrorDetail]:
    """Why ``jsonschema`` failed on a value: a non-finite number, or something else."""
    try:
        if not finite(value):
            return [nonfinite_detail(value, known)]
    except RecursionError:
        pass
    return [dict(UNCHECKABLE)]


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
    missing: set[tuple[Any, ...]] = set()
    for err in sorted(errors, key=lambda e: (list(map(str, e.absolute_path)), e.validator)):
        path = list(err.absolute_path)
        rule = str(err.validator)
        value = err.validator_value
        if rule == "required" and isinstance(err.instance, dict):
            # jsonschema reports one error per missing name, each with the whole list:
            # each missing name is reported once
            for name in value:
                where = (*path, name)
                if name not in err.instance and where not in missing:
                    missing.add(where)
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

"""Argument lists of Socket.IO messages and how to read them from handlers.

A Socket.IO event carries zero or more positional arguments, and so does an
ack. :class:`Arguments` describes such a list (one :class:`Param` per
position) and compiles, once, the function that validates a received tuple.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pydantic
import pydantic_core
from pydantic import BaseModel

from ..errors import ErrorDetail, SpecError
from .payload import TOO_DEEP, Payload, PayloadInvalid, nonfinite_detail
from .pydantic_v1 import pydantic_v1_payload

_payload_cache: dict[Any, Payload] = {}
_TYPES: dict[tuple[Any, ...], tuple[Any, ...]] = {}


def payload_for(annotation: Any) -> Payload:
    """One :class:`Payload` per distinct annotation in the process."""
    try:
        hit = _payload_cache.get(annotation)
    except TypeError:  # unhashable, e.g. a JSON Schema dict
        return Payload(annotation)
    if hit is None:
        hit = _payload_cache[annotation] = pydantic_v1_payload(annotation) or Payload(annotation)
    return hit


@dataclass(frozen=True)
class Param:
    """One positional argument: its name, its payload (``None``: not validated)."""

    name: str
    payload: Payload | None
    required: bool = True


@dataclass(frozen=True)
class Arguments:
    """The positional arguments of one message (event payload or ack).

    Three functions are compiled once from the parameters:
    ``validate(args)`` checks a received tuple and returns the validated values;
    ``after_sid(args)`` does the same for ``(sid, *payload)`` as handlers get it;
    ``outgoing(value)`` validates and serializes what the server sends (a handler's
    return value or emitted data: ``None``, one value, or a tuple of several).
    """

    params: tuple[Param, ...]
    variadic: Param | None = None
    validate: Callable[[tuple[Any, ...]], tuple[Any, ...]] = field(
        init=False, repr=False, compare=False
    )
    after_sid: Callable[[tuple[Any, ...]], tuple[Any, ...]] = field(
        init=False, repr=False, compare=False
    )
    outgoing: Callable[[Any], Any] = field(init=False, repr=False, compare=False)
    #: For a message of exactly one required, declared value (the common case), what
    #: the pipeline calls inline: the validator of that value (``None`` otherwise),
    #: the model class whose instances are sent without revalidation (``None``: not a
    #: plain model) and the checked serializer. Either raises on a problem; the
    #: general functions above then report it.
    core: Callable[[Any], Any] | None = field(init=False, repr=False, compare=False)
    model: type[Any] | None = field(init=False, repr=False, compare=False)
    dump: Callable[[Any], Any] | None = field(init=False, repr=False, compare=False)
    #: The payloads of the parameters (and of ``*args``): two argument lists with the
    #: same types validate alike, and have the same ``types`` object.
    types: tuple[Any, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        validate = _compile_validate(self)
        object.__setattr__(self, "validate", validate)
        object.__setattr__(self, "after_sid", _compile_after_sid(self, validate))
        object.__setattr__(self, "outgoing", _compile_outgoing(self, validate))
        only = self.params[0].payload if self.single and self.params[0].required else None
        object.__setattr__(self, "core", None if only is None else only.core_validate)
        object.__setattr__(self, "model", None if only is None else only.model)
        object.__setattr__(self, "dump", None if only is None else only.dump)
        variadic = None if self.variadic is None else self.variadic.payload
        payloads = tuple((p.payload, p.required) for p in self.params)
        # one object per distinct list of types: argument lists compare with ``is``
        types = (payloads, variadic)
        object.__setattr__(self, "types", _TYPES.setdefault(types, types))

    @property
    def single(self) -> bool:
        """True when the message is exactly one argument (errors are not prefixed)."""
        return len(self.params) == 1 and self.variadic is None

    @property
    def validated(self) -> bool:
        return any(p.payload is not None for p in self.params) or (
            self.variadic is not None and self.variadic.payload is not None
        )

    @classmethod
    def of(cls, models: Any) -> Arguments:
        """From an explicit declaration: one model, or a list/tuple of models."""
        if isinstance(models, Arguments):
            return models
        if isinstance(models, (list, tuple)):
            return cls(tuple(Param(f"arg{i}", _explicit(m)) for i, m in enumerate(models)))
        return cls((Param("data", _explicit(models)),))


def _explicit(model: Any) -> Payload | None:
    return None if model is Any else payload_for(model)


def _too_many(expected: int) -> ErrorDetail:
    return {"loc": [], "msg": f"Expected at most {expected} argument(s)", "type": "arguments_count"}


_MISSING: ErrorDetail = {"loc": [], "msg": "Field required", "type": "missing"}


def _single_checker(payload: Payload | None) -> Callable[[Any], Any] | None:
    """A function validating one value and raising only PayloadInvalid."""
    if payload is None:
        return None
    if payload.adapter is None:
        return payload.core_validate  # JSON Schema payloads raise PayloadInvalid already
    core = payload.core_validate
    details = payload.details

    def check(value: Any) -> Any:
        try:
            return core(value)
        except pydantic.ValidationError as exc:
            raise PayloadInvalid(details(exc)) from None

    return check


def _compile_validate(spec: Arguments) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    params = spec.params
    variadic = spec.variadic
    n = len(params)
    checks = [_single_checker(p.payload) for p in params]
    rest = _single_checker(variadic.payload) if variadic else None

    if spec.single and params[0].required:
        only = checks[0]

        def validate_single(args: tuple[Any, ...]) -> tuple[Any, ...]:
            if len(args) == 1:
                return args if only is None else (only(args[0]),)
            raise PayloadInvalid([dict(_MISSING) if not args else _too_many(1)])

        return validate_single

    prefix = not spec.single

    def validate_many(args: tuple[Any, ...]) -> tuple[Any, ...]:
        count = len(args)
        if count > n and variadic is None:
            raise PayloadInvalid([_too_many(n)])
        errors: list[ErrorDetail] = []
        out = list(args)
        for i, check in enumerate(checks):
            if i >= count:
                if params[i].required:
                    errors.append(dict(_MISSING, loc=[i] if prefix else []))
                continue
            if check is None:
                continue
            try:
                out[i] = check(args[i])
            except PayloadInvalid as exc:
                errors.extend(dict(d, loc=[i, *d["loc"]]) if prefix else d for d in exc.details)
        if rest is not None:
            for i in range(n, count):
                try:
                    out[i] = rest(args[i])
                except PayloadInvalid as exc:
                    errors.extend(dict(d, loc=[i, *d["loc"]]) for d in exc.details)
        if errors:
            raise PayloadInvalid(errors)
        return tuple(out)

    return validate_many


def _compile_after_sid(
    spec: Arguments, validate: Callable[[tuple[Any, ...]], tuple[Any, ...]]
) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    def after_sid(args: tuple[Any, ...]) -> tuple[Any, ...]:
        return (args[0], *validate(args[1:]))

    payload = spec.params[0].payload if spec.single and spec.params[0].required else None
    if payload is None or payload.adapter is None:
        return after_sid
    # the hot path: one argument after sid, validated by pydantic-core in this frame
    core = payload.core_validate
    details = payload.details

    def after_sid_single(args: tuple[Any, ...]) -> tuple[Any, ...]:
        if len(args) == 2:
            try:
                return (args[0], core(args[1]))
            except pydantic.ValidationError as exc:
                raise PayloadInvalid(details(exc)) from None
        return after_sid(args)

    return after_sid_single


def _compile_outgoing(
    spec: Arguments, validate: Callable[[tuple[Any, ...]], tuple[Any, ...]]
) -> Callable[[Any], Any]:
    dumps = [p.payload.dump if p.payload is not None else dump_any for p in spec.params]
    rest = spec.variadic.payload.dump if spec.variadic and spec.variadic.payload else dump_any

    # a JSON Schema dict validates JSON data: a model (or any Python value) given for
    # it is first serialized as it would be sent
    json_data = [p.payload is not None and p.payload.adapter is None for p in spec.params]
    rest_json = bool(
        spec.variadic and spec.variadic.payload and spec.variadic.payload.adapter is None
    )

    def outgoing(value: Any) -> Any:
        values = ack_values(value)
        if rest_json or True in json_data:
            values = tuple(
                dump_any(v) if (json_data[i] if i < len(json_data) else rest_json) else v
                for i, v in enumerate(values)
            )
        values = validate(values)
        return from_ack_values(
            tuple((dumps[i] if i < len(dumps) else rest)(v) for i, v in enumerate(values))
        )

    if not spec.single or spec.params[0].payload is None or not spec.params[0].required:
        return outgoing  # an optional single value may be absent (None): general path
    payload = spec.params[0].payload
    if payload.adapter is None:
        return outgoing
    # the hot path: pydantic-core's validator and the checked serializer in this frame
    model = payload.model
    core = payload.core_validate
    details = payload.details
    dump = payload.dump

    def outgoing_single(value: Any) -> Any:
        if type(value) is model:
            # an instance is not revalidated (pydantic's default); the serializer
            # still refuses fields whose type no longer matches, and NaN
            return dump(value)
        if isinstance(value, tuple):
            return outgoing(value)  # several values for one argument: reported by count
        try:
            validated = core(value)
        except pydantic.ValidationError as exc:
            raise PayloadInvalid(details(exc)) from None
        return dump(validated)

    return outgoing_single


def dump_any(value: Any, *, check: bool = True) -> Any:
    """Serialize a value with nothing declared, wherever models sit in it.

    Models (and dataclasses) found at any depth of dicts, lists and tuples are
    dumped JSON-compatible, ``bytes`` stay binary attachments, other values pydantic
    knows (datetimes, enums, sets) are converted, and what nothing can convert is
    kept for python-socketio to handle as before. Containers are copied only where
    something changed. With ``check`` (validation on), NaN or an infinity anywhere,
    or a model whose fields no longer match their types, raises
    :class:`PayloadInvalid`: such a packet would break the clients' JSON parser.
    """
    try:
        return _convert(value, check)
    except _NotFinite:  # located in the converted value, keys masked (they may be input)
        raise PayloadInvalid([nonfinite_detail(_convert(value, False), frozenset())]) from None
    except RecursionError:
        raise PayloadInvalid([dict(TOO_DEEP)]) from None


class _NotFinite(Exception):
    pass


_isfinite = math.isfinite
_PLAIN = (str, int, bool, bytes, type(None))


def _convert(value: Any, check: bool) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None or kind is bytes:
        return value
    if kind is float:
        if check and not _isfinite(value):
            raise _NotFinite
        return value
    if kind is dict:
        out: dict[Any, Any] | None = None
        for key, item in value.items():
            new = _convert(item, check)
            if new is not item:
                if out is None:
                    out = dict(value)
                out[key] = new
        return value if out is None else out
    if kind is list or kind is tuple:
        items: list[Any] | None = None
        for i, item in enumerate(value):
            new = _convert(item, check)
            if new is not item:
                if items is None:
                    items = list(value)
                items[i] = new
        if items is None:
            return value
        return items if kind is list else tuple(items)
    return _convert_other(value, check)


def _convert_other(value: Any, check: bool) -> Any:
    if isinstance(value, BaseModel) or (
        dataclasses.is_dataclass(value) and not isinstance(value, type)
    ):
        try:
            payload = payload_for(type(value))
        except Exception:  # a type pydantic cannot handle: convert it as a plain value
            payload = None
        if payload is not None:
            return payload.dump(value) if check else payload.convert(value)
    if isinstance(value, _PLAIN):  # str / int subclasses (enums) encode as they are
        return value
    if isinstance(value, float):
        if check and not _isfinite(value):
            raise _NotFinite
        return value
    if isinstance(value, bytearray):
        return bytes(value)
    if isinstance(value, Mapping):
        return _convert(dict(value), check)
    if isinstance(value, (list, tuple)):
        return _convert(list(value), check)
    try:
        converted = pydantic_core.to_jsonable_python(value)
    except pydantic_core.PydanticSerializationError:
        return value  # unknown to pydantic too: python-socketio decides, as before
    return _convert(converted, check)


# -- reading handlers -------------------------------------------------------------------

_EMPTY = inspect.Parameter.empty


def _hints(func: Callable[..., Any]) -> dict[str, Any]:
    target = inspect.unwrap(func)
    if inspect.ismethod(target):
        target = target.__func__
    try:
        return typing.get_type_hints(target, include_extras=True)
    except NameError as exc:
        name = getattr(target, "__qualname__", repr(target))
        raise SpecError(
            f"cannot resolve the type hints of handler {name!r}: {exc}. Define the models "
            "at module level, or pass them explicitly with spec.on(request=..., ack=...)."
        ) from None
    except Exception:
        return {}


def positional_params(func: Callable[..., Any]) -> list[inspect.Parameter]:
    """The positional parameters of a handler as the server calls it (bound methods
    lose ``self``; decorated functions are read through ``__wrapped__``)."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return []
    return [
        p
        for p in sig.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
    ]


def takes_no_data(func: Callable[..., Any], skip: int) -> bool:
    """Whether a handler takes nothing after its ``skip`` leading parameters (``def
    ping(sid)``): such an event carries no data, which is not the same as an event
    whose data is not declared."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return False
    params = [
        p
        for p in sig.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
    ]
    return len(params) == skip and all(p.kind is not p.VAR_POSITIONAL for p in params)


def arguments_from_handler(func: Callable[..., Any], skip: int) -> Arguments | None:
    """The event's arguments read from a handler's parameters after ``skip`` leading
    ones (``sid``, catch-all names). ``None`` when nothing is annotated."""
    hints = _hints(func)
    params = positional_params(func)[skip:]
    out: list[Param] = []
    variadic: Param | None = None
    for p in params:
        ann = hints.get(p.name, _EMPTY)
        payload = None if ann is _EMPTY or ann is Any else payload_for(ann)
        if p.kind is p.VAR_POSITIONAL:
            variadic = Param(p.name, payload, required=False)
        else:
            out.append(Param(p.name, payload, required=p.default is _EMPTY))
    spec = Arguments(tuple(out), variadic)
    return spec if spec.validated else None


def ack_from_handler(func: Callable[..., Any]) -> Arguments | None:
    """The ack declared by the return annotation: ``None`` when there is none,
    no arguments for ``-> None``, several for a fixed ``tuple[A, B]``."""
    hints = _hints(func)
    if "return" not in hints:
        return None
    return ack_from_annotation(hints["return"])


def ack_from_annotation(ann: Any) -> Arguments | None:
    if isinstance(ann, Arguments):  # already built, like ``Arguments.of``
        return ann
    if ann is None or ann is type(None):
        return Arguments(())
    if ann is Any:
        return None
    origin = typing.get_origin(ann)
    if origin is typing.Annotated:
        return Arguments.of(ann)
    if origin is tuple:
        items = typing.get_args(ann)
        if items and items[-1] is not Ellipsis and items != ((),):
            return Arguments(tuple(Param(f"arg{i}", payload_for(t)) for i, t in enumerate(items)))
    return Arguments((Param("ack", payload_for(ann)),))


def ack_values(result: Any) -> tuple[Any, ...]:
    """How python-socketio turns a handler's return value into ack arguments."""
    if result is None:
        return ()
    if isinstance(result, tuple):
        return result
    return (result,)


def from_ack_values(values: Sequence[Any]) -> Any:
    """The inverse of :func:`ack_values`."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return tuple(values)


def docstring_parts(func: Callable[..., Any] | None) -> tuple[str | None, str | None]:
    """Summary (first line) and description (the rest) of a docstring."""
    if func is None:
        return None, None
    doc = inspect.getdoc(inspect.unwrap(func))
    if not doc:
        return None, None
    head, _, tail = doc.strip().partition("\n")
    return head.strip() or None, tail.strip() or None

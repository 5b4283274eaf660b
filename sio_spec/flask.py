"""``AsyncAPISocketIO``: the drop-in for users of sio-asyncapi.

A ``flask_socketio.SocketIO`` with sio-asyncapi's constructor arguments and
decorators, built on :class:`sio_spec.SocketIOSpec` (one pipeline, one document
builder)::

    # instead of: from sio_asyncapi import AsyncAPISocketIO as SocketIO
    from sio_spec.flask import AsyncAPISocketIO as SocketIO
    from sio_spec import (EmitValidationError, RequestValidationError,
                          ResponseValidationError)

Importing this module imports Flask-SocketIO; ``import sio_spec`` does not.
"""

from __future__ import annotations

import builtins
import functools
import inspect
import json
import pathlib
import typing
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask_socketio import SocketIO

from .errors import (
    EmitValidationError,
    RequestValidationError,
    ResponseValidationError,
    SpecError,
    SpecValueError,
    ValidationError,
)
from .server.pipeline import Call, serialize_any
from .server.pydantic_v1 import refuse_nested_pydantic_v1
from .server.registry import UNSET, Declaration, EventSpec, Target
from .server.signature import Arguments, Param, ack_from_annotation, positional_params
from .spec import SocketIOSpec
from .writers.agent import agent_schema_json

__all__ = [
    "AsyncAPIDoc",
    "AsyncAPISocketIO",
    # re-exported: the seed's imports can all come from here
    "EmitValidationError",
    "RequestValidationError",
    "ResponseValidationError",
]

F = TypeVar("F", bound=Callable[..., Any])

#: The AsyncAPI version the drop-in writes by default: sio-asyncapi 1.0 published 3.1.
DEFAULT_ASYNCAPI_VERSION = "3.1.0"


class AsyncAPIDoc:
    """The AsyncAPI document of an :class:`AsyncAPISocketIO`, as sio-asyncapi's
    ``socketio.asyncapi_doc`` exposed it. Always current: it is built from the
    handlers and declarations when asked for (and cached until they change)."""

    def __init__(self, spec: SocketIOSpec) -> None:
        self.spec = spec

    def get_dict(self, version: str | None = None) -> builtins.dict[str, Any]:
        """The document as a dict (a copy is not made: do not change it)."""
        return self.spec.asyncapi(version)

    def dict(self, **_options: Any) -> builtins.dict[str, Any]:
        """The document as a new dict, as sio-asyncapi's ``asyncapi_doc.dict()``; its
        pydantic-style options (``by_alias``, ``exclude_none``) change nothing."""
        copied: builtins.dict[str, Any] = json.loads(self.spec.to_json(indent=None))
        return copied

    def json(self, **options: Any) -> str:
        """The document as JSON text, as sio-asyncapi's ``asyncapi_doc.json()``: the
        options go to ``json.dumps`` (``indent``, ``sort_keys``...), except the
        pydantic-style ``by_alias`` / ``exclude_none``, which change nothing."""
        for ignored in ("by_alias", "exclude_none"):
            options.pop(ignored, None)
        return json.dumps(self.spec.asyncapi(), **options)

    def get_yaml(self, version: str | None = None) -> str:
        """The document as YAML text (AsyncAPI 3.1.0 unless ``version`` says otherwise)."""
        return self.spec.to_yaml(version)

    def get_json(self, version: str | None = None, indent: int | None = 2) -> str:
        """The document as JSON text."""
        return self.spec.to_json(version, indent=indent)

    def get_agent_schema(self) -> builtins.dict[str, Any]:
        """The compact event catalog for agents (``spec.agent_schema()``)."""
        return self.spec.agent_schema()

    def get_agent_schema_json(self) -> str:
        """:meth:`get_agent_schema` as JSON text (indented, keys sorted)."""
        return agent_schema_json(self.get_agent_schema())

    def save(self, path: str | pathlib.Path, version: str | None = None) -> pathlib.Path:
        """Write the document: ``.json`` gives JSON, anything else YAML."""
        return self.spec.save(path, version)


def _optional_ack(model: Any) -> Arguments | None:
    """The ack of a sio-asyncapi handler: validated when the handler returns a value;
    ``None`` (no ack) is always accepted, as sio-asyncapi did."""
    arguments = ack_from_annotation(model)
    if arguments is None or not arguments.single:
        return arguments
    (param,) = arguments.params
    return Arguments((Param(param.name, param.payload, required=False),))


def _return_hint(func: Callable[..., Any]) -> Any:
    """The resolved return annotation of ``func``; ``UNSET`` when there is none or it
    cannot be resolved yet (then the core reads it when first needed)."""
    target: Any = getattr(func, "__func__", func)
    try:
        hints = typing.get_type_hints(target, include_extras=True)
    except Exception:
        return UNSET
    return hints.get("return", UNSET)


def _declared_models(
    handler: Callable[..., Any], request_model: Any, response_model: Any, use_hints: bool
) -> list[Any]:
    """The models a registration names, for the checks made at registration time."""
    models = [m for m in (request_model, response_model) if m is not None]
    if isinstance(request_model, (list, tuple)):
        models.extend(request_model)
    if use_hints:
        target: Any = getattr(handler, "__func__", handler)
        try:
            models.extend(typing.get_type_hints(target, include_extras=True).values())
        except Exception:
            pass  # unresolved yet: checked when the models are built
    return models


def _single_model(args: Arguments | None) -> Any:
    """The declared type of a message of exactly one argument, else ``None``."""
    if args is None or len(args.params) != 1 or args.variadic is not None:
        return None
    payload = args.params[0].payload
    return None if payload is None else payload.annotation


def _original(handler: Callable[..., Any]) -> Callable[..., Any]:
    """The user's function behind a function returned by :meth:`AsyncAPISocketIO.on`."""
    found: Callable[..., Any] = getattr(handler, "_sio_spec_handler", handler)
    return found


def _bind(
    handler: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """``args``/``kwargs`` of a direct call as the server would pass them: the
    payload positionally (a payload given by keyword, like sio-asyncapi's
    ``request=``, is moved to its position), the rest by keyword."""
    if not kwargs:
        return args, kwargs
    try:
        bound = inspect.signature(handler).bind(*args, **kwargs)
    except TypeError:
        return args, kwargs  # the call itself will raise the TypeError
    given = bound.arguments
    ordered: list[Any] = []
    used: set[str] = set()
    for param in positional_params(handler):
        if param.name not in given:
            break
        used.add(param.name)
        if param.kind is param.VAR_POSITIONAL:
            ordered.extend(given[param.name])
            break
        ordered.append(given[param.name])
    rest: dict[str, Any] = {}
    for name, value in given.items():
        if name in used:
            continue
        if inspect.signature(handler).parameters[name].kind is inspect.Parameter.VAR_KEYWORD:
            rest.update(value)
        else:
            rest[name] = value
    return tuple(ordered), rest


class AsyncAPISocketIO(SocketIO):  # type: ignore[misc]
    """``flask_socketio.SocketIO`` with validation and AsyncAPI documentation.

    Same constructor arguments as sio-asyncapi's class; every other keyword is
    passed to ``flask_socketio.SocketIO``. ``self.spec`` is the
    :class:`~sio_spec.SocketIOSpec` behind it: everything it offers (``spec.on``,
    ``spec.emits``, ``spec.to_yaml()``, the docs page and the CLI) works here too.
    """

    def __init__(
        self,
        app: Any = None,
        *,
        validate: bool = True,
        generate_docs: bool = True,
        version: str = "1.0.0",
        title: str = "Socket.IO API",
        description: str | None = None,
        server_url: str | None = None,
        server_name: str | None = None,
        asyncapi_version: str = DEFAULT_ASYNCAPI_VERSION,
        **kwargs: Any,
    ) -> None:
        super().__init__(app, **kwargs)
        self.validate = validate
        # The document is built on demand, so generating it costs nothing until
        # asked for; the flag is kept for compatibility.
        self.generate_docs = generate_docs
        servers = {server_name or "default": server_url} if server_url else None
        self.spec = SocketIOSpec(
            self,
            title=title,
            version=version,
            description=description,
            servers=servers,
            validate=validate,
            asyncapi_version=asyncapi_version,
        )
        self.asyncapi_doc = AsyncAPIDoc(self.spec)
        route = self.spec.pipeline.fallback

        def with_model(error: ValidationError, sid: str) -> Any:
            self._fill_model(error)
            return route(error, sid)

        self.spec.pipeline.fallback = with_model
        self._doc_emits: set[tuple[str, str]] = set()
        self._direct: dict[tuple[Callable[..., Any], str, str], tuple[int, EventSpec]] = {}

    def on(
        self,
        message: str,
        namespace: str | None = None,
        *,
        get_from_typehint: bool = False,
        request_model: Any = None,
        response_model: Any = None,
    ) -> Callable[[F], F]:
        """Register a handler like ``flask_socketio.SocketIO.on``.

        - ``get_from_typehint=True``: the payload models are the handler's parameter
          annotations and the ack model its return annotation.
        - ``request_model`` / ``response_model``: explicit models (they win over
          the hints). ``request_model`` may be a list of models for an event with
          several arguments.
        - neither: the event is documented (without payload) and not validated.

        A handler returning ``None`` sends no ack value and is never an ack error.

        Returns a function that validates like the server does when called directly
        (as handler unit tests do): the payload becomes the model
        (``RequestValidationError`` if invalid), the return value is checked
        (``ResponseValidationError``) and returned as the client receives it.
        The server calls the handler itself, validated once.
        """
        register: Callable[[F], F] = super().on(message, namespace=namespace)
        where = namespace or "/"

        def decorator(decorated: F) -> F:
            handler = _original(decorated)
            for model in _declared_models(
                handler, request_model, response_model, get_from_typehint
            ):
                refuse_nested_pydantic_v1(model)
            ack: Any = response_model
            if ack is None and get_from_typehint:
                ack = _return_hint(handler)
            decl = Declaration(
                request=UNSET if request_model is None else request_model,
                ack=UNSET if ack is None or ack is UNSET else _optional_ack(ack),
                use_hints=get_from_typehint,
            )
            self.spec.registry.declare(handler, decl)
            if self.validate:
                register(handler)  # the hooks validate
            else:
                # Validation off: no hooks, but a model returned as ack is still sent
                # as an object (sio-asyncapi sent it as a JSON string even then).
                @functools.wraps(handler)
                def serialized(*args: Any, **kwargs: Any) -> Any:
                    return serialize_any(handler(*args, **kwargs), check=False)

                register(serialized)
            return self._direct_call(handler, message, where)  # type: ignore[return-value]

        return decorator

    def _direct_call(
        self, handler: Callable[..., Any], event: str, namespace: str
    ) -> Callable[..., Any]:
        """``handler`` as :meth:`on` returns it: validated when called directly."""

        @functools.wraps(handler)
        def validated(*args: Any, **kwargs: Any) -> Any:
            if not self.validate:
                return serialize_any(handler(*args, **kwargs))
            spec = self._direct_spec(handler, event, namespace)
            pipeline = self.spec.pipeline
            if spec.args is not None:
                args, kwargs = _bind(handler, args, kwargs)
                skip = 1 if event == "*" else 0  # a catch-all gets the event name first
                try:
                    args = (*args[:skip], *pipeline.arguments(spec, tuple(args[skip:])))
                except RequestValidationError as request_error:
                    request_error.model = _single_model(spec.args)
                    raise
            try:
                return pipeline.reply(Call(args, spec, event, namespace), handler(*args, **kwargs))
            except ResponseValidationError as ack_error:
                ack_error.model = _single_model(spec.ack)
                raise

        validated._sio_spec_handler = handler  # type: ignore[attr-defined]
        return validated

    def _direct_spec(self, handler: Callable[..., Any], event: str, namespace: str) -> EventSpec:
        """The handler's spec as the server reads it (Flask-SocketIO passes no sid;
        a catch-all handler gets the event name first)."""
        registry = self.spec.registry
        key = (handler, event, namespace)
        hit = self._direct.get(key)
        if hit is None or hit[0] != registry.revision:
            skip = 1 if event == "*" else 0
            target = Target(handler, handler, skip, False)
            hit = self._direct[key] = (
                registry.revision,
                registry.spec_of(namespace, event, target),
            )
        return hit[1]

    def emit(self, event: str, *args: Any, **kwargs: Any) -> Any:
        """``flask_socketio.SocketIO.emit``; an ``EmitValidationError`` names its model."""
        try:
            return super().emit(event, *args, **kwargs)
        except EmitValidationError as error:
            self._fill_model(error)
            raise

    def _fill_model(self, error: ValidationError) -> None:
        """Set ``error.model`` to the declared model, as sio-asyncapi's errors had it
        (``None`` when the message has several arguments or is not declared)."""
        if error.model is not None:
            return
        registry = self.spec.registry
        args: Arguments | None = None
        try:
            if isinstance(error, EmitValidationError):
                declared = registry.emits.get((error.namespace, error.event))
                args = None if declared is None else declared.args
            elif registry.server is not None:
                spec = registry.incoming(error.event, error.namespace)
                if spec is not None:
                    ack = isinstance(error, ResponseValidationError)
                    args = spec.ack if ack else spec.args
        except SpecError:
            return
        error.model = _single_model(args)

    def get_agent_schema(self) -> dict[str, Any]:
        """The compact event catalog for agents, as sio-asyncapi 1.0's
        ``get_agent_schema()`` (same keys; built by ``spec.agent_schema()``)."""
        return self.spec.agent_schema()

    def get_agent_schema_json(self) -> str:
        """:meth:`get_agent_schema` as JSON text (indented, keys sorted)."""
        return agent_schema_json(self.get_agent_schema())

    def doc_emit(
        self,
        event: str,
        model: Any,
        description: str | None = None,
        namespace: str | None = None,
        *,
        discription: str | None = None,
        ack: Any = None,
        summary: str | None = None,
        examples: Sequence[Any] | None = None,
    ) -> Callable[[F], F]:
        """Declare (document and validate) an event the server emits; a decorator,
        usually on the handler that emits it, as in sio-asyncapi. Same as
        ``self.spec.emits(event, model, namespace=namespace, ...)``. ``discription``
        is sio-asyncapi's spelling of ``description``. Declaring the same event twice
        in one namespace raises :class:`~sio_spec.SpecValueError` (a ``ValueError``, as in
        sio-asyncapi)."""
        key = (namespace or "/", event)
        if key in self._doc_emits:
            raise SpecValueError(f"Event {event} already registered for namespace {key[0]}")
        decorator: Callable[[F], F] = self.spec.emits(
            event,
            model,
            namespace=namespace or "/",
            ack=ack,
            summary=summary,
            description=description or discription or None,
            examples=examples,
        )
        self._doc_emits.add(key)
        return decorator

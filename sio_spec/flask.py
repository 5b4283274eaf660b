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

import functools
import pathlib
import typing
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask_socketio import SocketIO

from .errors import EmitValidationError, RequestValidationError, ResponseValidationError
from .pipeline import serialize_any
from .registry import UNSET, Declaration
from .signature import Arguments, Param, ack_from_annotation
from .spec import SocketIOSpec

__all__ = [
    "AsyncAPIDoc",
    "AsyncAPISocketIO",
    # re-exported: the seed's imports can all come from here
    "EmitValidationError",
    "RequestValidationError",
    "ResponseValidationError",
]

F = TypeVar("F", bound=Callable[..., Any])


class AsyncAPIDoc:
    """The AsyncAPI document of an :class:`AsyncAPISocketIO`, as sio-asyncapi's
    ``socketio.asyncapi_doc`` exposed it. Always current: it is built from the
    handlers and declarations when asked for (and cached until they change)."""

    def __init__(self, spec: SocketIOSpec) -> None:
        self.spec = spec

    def get_dict(self, version: str | None = None) -> dict[str, Any]:
        """The document as a dict (a copy is not made: do not change it)."""
        return self.spec.asyncapi(version)

    def get_yaml(self, version: str | None = None) -> str:
        """The document as YAML text (AsyncAPI 3.0.0 unless ``version`` says otherwise)."""
        return self.spec.to_yaml(version)

    def get_json(self, version: str | None = None, indent: int | None = 2) -> str:
        """The document as JSON text."""
        return self.spec.to_json(version, indent=indent)

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
        )
        self.asyncapi_doc = AsyncAPIDoc(self.spec)

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
        """
        register: Callable[[F], F] = super().on(message, namespace=namespace)

        def decorator(handler: F) -> F:
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
                return register(handler)  # the spec's hooks validate and serialize
            # Validation off: no hooks, but a model returned as ack is still sent as
            # an object (sio-asyncapi sent it as a JSON string even then).

            @functools.wraps(handler)
            def serialized(*args: Any, **kwargs: Any) -> Any:
                return serialize_any(handler(*args, **kwargs), check=False)

            register(serialized)
            return handler

        return decorator

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
        is sio-asyncapi's spelling of ``description``."""
        return self.spec.emits(
            event,
            model,
            namespace=namespace or "/",
            ack=ack,
            summary=summary,
            description=description or discription or None,
            examples=examples,
        )

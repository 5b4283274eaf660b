"""``SocketIOSpec``: attach to a server, declare events, produce the document."""

from __future__ import annotations

import contextlib
import gc
import inspect
import pathlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, overload

from . import adapters
from .asyncapi import build, dump_json, dump_yaml
from .contract import Contract, _read_contract, load_document
from .errors import SpecError
from .guard import limits_of
from .model import DEFAULT_VERSION, EventSpec
from .model import VERSIONS as VERSIONS
from .model import Info as Info
from .server.emitter import AsyncEmitter, Emitter
from .server.pipeline import ErrorHandler, Pipeline, default_error_handler
from .server.registry import UNSET, Declaration, Registry
from .server.signature import Arguments, ack_from_annotation
from .typescript import render as render_typescript
from .writers.agent import agent_schema, agent_schema_of
from .writers.plans import auth_spec, event_spec

F = TypeVar("F", bound=Callable[..., Any])


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building or rendering a document.

    Both allocate many small containers (schemas, TypeAdapters, YAML nodes) and
    create nothing cyclic worth collecting; left running, the collector walks the
    whole heap again and again and takes most of the time for a large API.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class SocketIOSpec:
    """Validation and AsyncAPI documentation for one python-socketio server.

    ``server`` may be a ``socketio.Server``, a ``socketio.AsyncServer`` or a
    ``flask_socketio.SocketIO`` (also before its ``init_app``); or ``None`` and
    :meth:`attach` later.
    """

    def __init__(
        self,
        server: Any = None,
        *,
        title: str = "Socket.IO API",
        version: str = "1.0.0",
        description: str | None = None,
        servers: Any = None,
        validate: bool = True,
        asyncapi_version: str = DEFAULT_VERSION,
        strict_emits: bool = False,
        contact: Mapping[str, Any] | None = None,
        license: Mapping[str, Any] | None = None,
        tags: Sequence[Any] = (),
        external_docs: Mapping[str, Any] | None = None,
        terms_of_service: str | None = None,
    ) -> None:
        if asyncapi_version not in VERSIONS:
            raise SpecError(f"asyncapi_version must be one of {', '.join(VERSIONS)}")
        self.info = Info(
            title=title,
            version=version,
            description=description,
            servers=servers,
            contact=contact,
            license=license,
            tags=tuple(tags),
            external_docs=external_docs,
            terms_of_service=terms_of_service,
        )
        self.validate = validate
        self.asyncapi_version = asyncapi_version
        self.registry = Registry()
        self.pipeline = Pipeline(self.registry, strict_emits=strict_emits)
        self._hooks: adapters.Hooks | None = None
        self._undo_init: Callable[[], None] | None = None
        self._target: Any = None
        self._binding: adapters.Binding | None = None
        self._queued: list[tuple[str, str, Callable[..., Any]]] = []
        self._cache: dict[str, tuple[Any, dict[str, Any]]] = {}
        self._texts: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        self._document: dict[str, Any] | None = None
        self._contract: tuple[dict[str, Any], Contract] | None = None
        if server is not None:
            self.attach(server)

    @classmethod
    def from_document(
        cls,
        server: Any,
        source: Any,
        *,
        validate: bool = True,
        strict_emits: bool = False,
        max_bytes: int | None = None,
        max_nodes: int | None = None,
        max_depth: int | None = None,
        max_number_digits: int | None = None,
    ) -> SocketIOSpec:
        """A spec that holds ``server`` to a given AsyncAPI document (2.6, 3.0 or 3.1;
        a dict, a path or the document's text) instead of its type hints.

        The document is read within limits, each raised by its keyword (``None``: the
        default): ``max_bytes`` (16 MiB), ``max_nodes`` (values with YAML aliases
        expanded), ``max_depth`` (nesting), ``max_number_digits``; every schema must be
        valid JSON Schema (see :mod:`sio_spec.guard`).

        Every event the document describes is validated as documented, in both
        directions: client events and connect ``auth`` (handlers receive the validated
        JSON values), acks (from ``reply`` in 3.x, ``x-ack`` in 2.x), server emits and
        clients' replies. Events the document lacks are handled as without it.
        :meth:`asyncapi` returns the document itself.
        """
        limits = limits_of(max_bytes, max_nodes, max_depth, max_number_digits)
        document = load_document(source, limits)
        contract = _read_contract(document, limits=None)
        version = document["asyncapi"] if document["asyncapi"] in VERSIONS else DEFAULT_VERSION
        spec = cls(
            title=contract.title,
            version=contract.version,
            description=contract.description,
            validate=validate,
            asyncapi_version=version,
            strict_emits=strict_emits,
        )
        spec._document = document
        for event in contract.events():
            planned = event_spec(contract, event)
            if planned.direction == "send":
                spec.registry.emits[(event.namespace, event.name)] = planned
            else:
                spec.registry.fixed[(event.namespace, event.name)] = planned
        for ns in contract.namespaces:
            auth = auth_spec(contract, ns.path)
            if auth is not None:
                spec.registry.fixed[(ns.path, "connect")] = auth
        spec.registry.revision += 1
        if server is not None:
            spec.attach(server)
        return spec

    # -- attaching --------------------------------------------------------------------
    @property
    def server(self) -> Any:
        """The python-socketio server this spec is attached to (``None`` before)."""
        return self.registry.server

    def attach(self, server: Any) -> SocketIOSpec:
        """Hook this spec on ``server``; returns the spec."""
        if self._target is not None:
            raise SpecError("this spec is already attached; call detach() first")
        existing = getattr(server, "_sio_spec", None)
        if existing is not None and existing is not self:
            raise SpecError("this server already has a SocketIOSpec attached")
        binding = adapters.bind(server)
        self._binding = binding
        self._target = server
        self.registry.source = binding.source()
        self.pipeline.fallback = binding.fallback(default_error_handler)
        server._sio_spec = self
        self._undo_init = binding.when_ready(self._hook)
        for event, namespace, handler in self._queued:
            self._register(event, namespace, handler)
        self._queued.clear()
        return self

    def _hook(self, server: Any) -> None:
        adapters.check_server(server)
        binding = self._binding
        assert binding is not None
        self.registry.source = binding.source()
        server._sio_spec = self
        if self.validate:
            self._hooks = binding.install(server, self.pipeline)

    def detach(self) -> None:
        """Remove every hook: the server behaves exactly as before :meth:`attach`."""
        if self._hooks is not None:
            self._hooks.uninstall()
            self._hooks = None
        if self._undo_init is not None:
            self._undo_init()
            self._undo_init = None
        for obj in (self._target, self.registry.server):
            if obj is not None and obj.__dict__.get("_sio_spec") is self:
                del obj.__dict__["_sio_spec"]
        self.registry.source = None
        self.pipeline.fallback = default_error_handler
        self._target = None
        self._binding = None

    # -- declaring handlers -------------------------------------------------------------
    def on(
        self,
        event: str,
        namespace: str | None = None,
        *,
        request: Any = None,
        ack: Any = None,
        summary: str | None = None,
        description: str | None = None,
        tags: Sequence[str] = (),
        examples: Sequence[Any] | None = None,
        deprecated: bool = False,
        handler: Callable[..., Any] | None = None,
    ) -> Callable[[F], F]:
        """Register a handler with the server (like ``sio.on``), with explicit models
        and documentation. ``request`` is one model, or a list of models for an event
        with several arguments; ``ack`` the model of the return value. Models not
        given are read from the handler's type hints."""
        decl = Declaration(
            request=UNSET if request is None else request,
            ack=UNSET if ack is None else ack,
            summary=summary,
            description=description,
            tags=tuple(tags),
            examples=None if examples is None else tuple(examples),
            deprecated=deprecated,
        )

        def decorator(func: F) -> F:
            self.registry.declare(func, decl)
            self._register(event, namespace or "/", func)
            return func

        if handler is not None:
            decorator(handler)
        return decorator

    @overload
    def event(self, func: F) -> F: ...

    @overload
    def event(self, *, namespace: str | None = None) -> Callable[[F], F]: ...

    def event(self, func: Any = None, *, namespace: str | None = None) -> Any:
        """Register a handler named after its function, like ``sio.event``."""
        if func is None:
            return lambda f: self.on(f.__name__, namespace)(f)
        return self.on(func.__name__, namespace)(func)

    def _register(self, event: str, namespace: str, handler: Callable[..., Any]) -> None:
        if self._binding is None:
            self._queued.append((event, namespace, handler))
        else:
            self._binding.register(event, namespace, handler)

    def emits(
        self,
        event: str,
        payload: Any = None,
        *,
        namespace: str = "/",
        ack: Any = None,
        summary: str | None = None,
        description: str | None = None,
        tags: Sequence[str] = (),
        examples: Sequence[Any] | None = None,
        deprecated: bool = False,
    ) -> Callable[[F], F]:
        """Declare an event the server sends. ``payload`` is one model, a list of
        models for several arguments, or ``[]`` for an event without data (``None``:
        not declared, sent unvalidated). ``ack`` declares the client's reply to a
        ``call()`` or ``callback=``. Usable as a decorator on the handler that
        emits it; the declaration holds either way."""
        spec = EventSpec(
            namespace=namespace,
            event=event,
            direction="send",
            args=None if payload is None else Arguments.of(payload),
            ack=None if ack is None else ack_from_annotation(ack),
            summary=summary,
            description=description,
            tags=tuple(tags),
            examples=None if examples is None else tuple(examples),
            deprecated=deprecated,
        )
        self.registry.declare_emit(spec)

        def decorator(func: F) -> F:
            return func

        return decorator

    @overload
    def error_handler(self, namespace: ErrorHandler) -> ErrorHandler: ...

    @overload
    def error_handler(self, namespace: str | None = None) -> Callable[[F], F]: ...

    def error_handler(self, namespace: Any = None) -> Any:
        """Replace the default answer to a validation error, for one namespace or all.

        The handler is called with ``(error, sid)``; its return value becomes the ack.
        For an invalid connect ``auth`` the connection is refused whatever it returns.
        """
        if callable(namespace):
            self.pipeline.error_handlers[None] = namespace
            return namespace

        def decorator(func: F) -> F:
            self.pipeline.error_handlers[namespace] = func
            return func

        return decorator

    # -- workers ------------------------------------------------------------------------
    def emitter(self, manager: Any) -> Emitter | AsyncEmitter:
        """Wrap a ``write_only=True`` client manager (``socketio.RedisManager``,
        ``AsyncRedisManager``, Kafka, AMQP, ZeroMQ) so a process that is not a server
        emits through the same declarations: every emit is validated and serialized
        before it is published, and an invalid one raises ``EmitValidationError``
        and publishes nothing. Asynchronous managers give an :class:`AsyncEmitter`
        whose methods are coroutines. With ``validate=False`` nothing is rejected;
        models are still dumped to JSON-compatible data, which a message queue needs."""
        if inspect.iscoroutinefunction(manager.emit):
            return AsyncEmitter(self.pipeline, manager, validate=self.validate)
        return Emitter(self.pipeline, manager, validate=self.validate)

    # -- the document ---------------------------------------------------------------------
    def specs(self) -> list[EventSpec]:
        """Every documented event (both directions), in a stable order."""
        return self.registry.specs()

    def asyncapi(self, version: str | None = None) -> dict[str, Any]:
        """The AsyncAPI document as a dict.

        Built once and cached until a handler or declaration changes; the returned
        dict is that cache, so copy it before changing it.
        """
        version = version or self.asyncapi_version
        if self._document is not None:
            if version != self._document["asyncapi"] and version != self.asyncapi_version:
                raise SpecError(
                    f"this spec publishes the document it was given (AsyncAPI "
                    f"{self._document['asyncapi']}); it cannot be turned into {version}"
                )
            return self._document
        if version not in VERSIONS:
            raise SpecError(
                f"unknown AsyncAPI version {version!r}; use one of {', '.join(VERSIONS)}"
            )
        key = self.registry.fingerprint()
        hit = self._cache.get(version)
        if hit is None or hit[0] != key:
            with _collector_paused():
                doc = build(self.info, self.specs(), version=version, validation=self.validate)
            hit = self._cache[version] = (key, doc)
        return hit[1]

    @property
    def published_versions(self) -> tuple[str, ...]:
        """The AsyncAPI versions :meth:`asyncapi` can give: every one of
        :data:`~sio_spec.model.VERSIONS` for a spec built from models, only the
        document's own version for a :meth:`from_document` spec (which publishes
        the document it was given and converts it to nothing)."""
        if self._document is not None:
            return (str(self._document["asyncapi"]),)
        return VERSIONS

    def to_yaml(self, version: str | None = None) -> str:
        """The document as YAML (cached like :meth:`asyncapi`)."""
        return self._text(version, "yaml", dump_yaml)

    def to_json(self, version: str | None = None, indent: int | None = 2) -> str:
        """The document as JSON (cached like :meth:`asyncapi`)."""
        return self._text(version, f"json{indent}", lambda doc: dump_json(doc, indent=indent))

    def _text(self, version: str | None, form: str, render: Callable[[dict[str, Any]], str]) -> str:
        doc = self.asyncapi(version)
        key = (version or self.asyncapi_version, form)
        hit = self._texts.get(key)
        if hit is None or hit[0] is not doc:
            with _collector_paused():
                text = render(doc)
            hit = self._texts[key] = (doc, text)
        return hit[1]

    def typescript(self) -> str:
        """TypeScript types of this API for socket.io-client (see :mod:`sio_spec.typescript`),
        written from the document; the same document always gives the same text."""
        with _collector_paused():
            return render_typescript(self.contract())

    def contract(self) -> Contract:
        """The :class:`~sio_spec.contract.Contract` of this spec's document, read once
        and cached while the document is: AsyncAPI 3.0.0 for a spec built from models,
        the document it publishes for a :meth:`from_document` spec (see
        :attr:`published_versions`)."""
        versions = self.published_versions
        doc = self.asyncapi(DEFAULT_VERSION if DEFAULT_VERSION in versions else versions[0])
        hit = self._contract
        if hit is None or hit[0] is not doc:
            # the spec's own document: generated from its code, or checked by from_document
            hit = self._contract = (doc, _read_contract(doc, limits=None, check_schemas=False))
        return hit[1]

    def save(self, path: str | pathlib.Path, version: str | None = None) -> pathlib.Path:
        """Write the document; ``.json`` gives JSON, anything else YAML."""
        target = pathlib.Path(path)
        text = self.to_json(version) if target.suffix == ".json" else self.to_yaml(version)
        target.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        return target

    def agent_schema(self, version: str | None = None) -> dict[str, Any]:
        """A compact, self-contained event catalog for agents (see :mod:`sio_spec.writers.agent`).

        A spec built from models reads its document in ``version`` (default: the
        spec's version when it is 3.x, else 3.0.0, whose operation keys name the
        events); a :meth:`from_document` spec reads the document it publishes."""
        if self._document is not None:
            self.asyncapi(version)  # refuses a version this document is not in
            return agent_schema_of(self.contract())
        if version is None and self.asyncapi_version.startswith("3."):
            version = self.asyncapi_version
        if version in (None, DEFAULT_VERSION):
            return agent_schema_of(self.contract())  # read once per document
        return agent_schema(self.asyncapi(version))

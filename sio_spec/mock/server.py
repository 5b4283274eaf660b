"""A Socket.IO server that plays the part of the server an AsyncAPI document describes.

The document is held by :meth:`SocketIOSpec.from_document
<sio_spec.SocketIOSpec.from_document>`, so client events and connect ``auth`` are
validated, and refused, exactly as a sio-spec server does it. Each client event the
document describes gets a handler answering its ack with :mod:`.values`; server
events are emitted on a timer and on demand (``POST /asyncapi/emit``, which the docs
console calls). Every event in and out is logged on the ``sio_spec.mock`` logger,
one line each.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

import socketio

from ..contract import Contract, Event, contract_of
from ..errors import (
    EmitValidationError,
    ResponseValidationError,
    SioSpecError,
    SpecError,
    ValidationError,
    display_name,
)
from ..server.error_acks import internal_error_ack
from ..server.pipeline import error_payload
from ..server.signature import from_ack_values
from ..spec import SocketIOSpec
from ..targets import describe_exception
from ..web import asgi_docs
from .values import Pick, Values, event_seed, shown

__all__ = ["DOCS_PATH", "EMIT_PATH", "Mock", "app", "logger"]

logger = logging.getLogger("sio_spec.mock")

#: Where the docs page is served; the documents are at ``/asyncapi.json`` and ``.yaml``.
DOCS_PATH = "/asyncapi"
#: ``POST`` here ``{"namespace": "/", "event": "name", "args": [...]}`` (``args``
#: optional: the mock picks valid ones) to emit a server event to every client of the
#: namespace; the docs console's "Send this server event" control calls it.
EMIT_PATH = DOCS_PATH + "/emit"
MAX_BODY = 1 << 20
_RESERVED = frozenset({"connect", "disconnect", "connect_error"})
# Set by a handler that has logged its event's line: the pipeline's check of its answer
# (which runs in the same task) does not log a second one.
_logged: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "sio_spec_mock_logged", default=False
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Mock:
    """A mock of the server an AsyncAPI document describes (2.6, 3.0 or 3.1; a dict,
    a path or the document's text).

    :attr:`app` is the ASGI application: Socket.IO at ``/socket.io/``, the docs page
    and console at ``/asyncapi``, the document at ``/asyncapi.json`` and
    ``/asyncapi.yaml``. ``seed`` makes every answer repeatable; ``emit_every``
    (seconds) emits each server event to the clients of its namespace on a timer,
    which runs while the ASGI server runs the app's lifespan. The document is read
    within the limits of :meth:`~sio_spec.SocketIOSpec.from_document` (``max_bytes``,
    ``max_nodes``, ``max_depth``, ``max_number_digits``).

    Raises :class:`~sio_spec.contract.ContractError` (a
    :class:`~sio_spec.SioSpecError`) when the document cannot be read, and
    :class:`~sio_spec.SpecError` when one of its schemas cannot be compiled.
    """

    def __init__(
        self,
        document: Any,
        *,
        seed: int | str | None = None,
        emit_every: float | None = None,
        max_bytes: int | None = None,
        max_nodes: int | None = None,
        max_depth: int | None = None,
        max_number_digits: int | None = None,
    ) -> None:
        if emit_every is not None and not emit_every > 0:
            raise SpecError("emit_every must be a positive number of seconds")
        self.seed: int | str = secrets.randbits(63) if seed is None else seed
        self.emit_every = emit_every
        self.server = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins="*")
        self.spec = SocketIOSpec.from_document(
            self.server,
            document,
            max_bytes=max_bytes,
            max_nodes=max_nodes,
            max_depth=max_depth,
            max_number_digits=max_number_digits,
        )
        self.contract: Contract = contract_of(self.spec)
        self.clients: dict[str, set[str]] = {}
        self._values: dict[tuple[str, str, str], Values] = {}
        self._task: asyncio.Task[None] | None = None
        self.spec.error_handler(self._rejected)
        paths = {ns.path for ns in self.contract.namespaces} | {"/"}
        for path in sorted(paths):
            self._namespace(path)
        self.server_events: tuple[Event, ...] = tuple(
            e for e in self.contract.events() if e.direction == "server-to-client"
        )
        for event in self.contract.events():
            if event.direction == "client-to-server" and event.name not in _RESERVED:
                self.server.on(event.name, self._handler(event), namespace=event.namespace)
        docs = asgi_docs(self.spec, path=DOCS_PATH, mock_emit=EMIT_PATH)
        self.app: ASGIApp = socketio.ASGIApp(
            self.server,
            other_asgi_app=_Routes(self, docs),
            on_startup=self.start,
            on_shutdown=self.stop,
        )

    # -- the timer ------------------------------------------------------------------------
    async def start(self) -> None:
        """Start emitting server events every :attr:`emit_every` seconds (if set)."""
        if self.emit_every is not None and self._task is None and self.server_events:
            self._task = asyncio.ensure_future(self._emit_loop(self.emit_every))

    async def stop(self) -> None:
        """Stop the timer."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    async def _emit_loop(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            for event in self.server_events:
                if self.clients.get(event.namespace):
                    try:
                        await self.push(event)
                    except Exception as exc:  # no value fits, an invalid one; the timer goes on
                        logger.warning(
                            "out %s %s: not sent: %s",
                            event.namespace,
                            display_name(event.name),
                            describe_exception(exc),
                        )

    # -- server events --------------------------------------------------------------------
    def server_event(self, namespace: str, name: str) -> Event | None:
        """The server event ``name`` of ``namespace`` the document describes, or ``None``."""
        ns = self.contract.namespace(namespace)
        return None if ns is None else ns.event(name, "server-to-client")

    async def push(self, event: Event, args: list[Any] | None = None) -> tuple[int, Pick]:
        """Emit ``event`` to every client of its namespace, with ``args`` (validated
        against the document; raises :class:`~sio_spec.EmitValidationError`) or,
        without, the next of its values. Returns how many clients it went to and
        what was sent."""
        if args is None:
            pick = self._values_of(event, "server-to-client").next()
        else:
            pick = Pick(tuple(args), "given")
        await self.server.emit(event.name, _emit_data(pick.values), namespace=event.namespace)
        clients = len(self.clients.get(event.namespace, ()))
        logger.info(
            "out %s %s to %d client(s): %s",
            event.namespace,
            display_name(event.name),
            clients,
            pick.source,
        )
        return clients, pick

    # -- client events --------------------------------------------------------------------
    def _values_of(self, event: Event, direction: str) -> Values:
        key = (direction, event.namespace, event.name)
        values = self._values.get(key)
        if values is None:
            spec = (
                self.spec.registry.fixed.get((event.namespace, event.name))
                if direction == "ack"
                else self.spec.registry.emits.get((event.namespace, event.name))
            )
            if direction == "ack":
                ack = event.ack
                args = None if ack is None else ack.args
                examples = () if ack is None else ack.examples
                checker = None if spec is None else spec.ack
            else:
                args, examples = event.args, event.examples
                checker = None if spec is None else spec.args
            seed = event_seed(self.seed, direction, event.namespace, event.name)
            values = Values(args, examples, checker, self.contract.schemas, seed)
            if values.skipped:
                logger.warning(
                    "%s %s: %d example(s) that do not match the schema are not used",
                    event.namespace,
                    display_name(event.name),
                    values.skipped,
                )
            self._values[key] = values
        return values

    def _handler(self, event: Event) -> Callable[..., Awaitable[Any]]:
        namespace, name = event.namespace, display_name(event.name)
        if event.ack is None:

            async def no_ack(sid: str, *args: Any) -> None:
                logger.info("in %s %s from %s: no ack", namespace, name, sid)

            return no_ack

        async def answer(sid: str, *args: Any) -> Any:
            _logged.set(False)
            try:
                pick = self._values_of(event, "ack").next()
            except SioSpecError as exc:  # no value fits the ack schema
                logger.warning(
                    "in %s %s from %s: internal_error (no ack value: %s)", namespace, name, sid, exc
                )
                # the ack schema refuses this answer too: already logged, on one line
                _logged.set(True)
                return internal_error_ack("the mock server cannot produce this event's ack")
            logger.info("in %s %s from %s: ack, %s", namespace, name, sid, pick.source)
            return from_ack_values(pick.values)

        return answer

    def _namespace(self, path: str) -> None:
        clients = self.clients.setdefault(path, set())
        server = self.server

        async def connect(sid: str, environ: Any, auth: Any = None) -> None:
            clients.add(sid)
            logger.info("connect %s %s", path, sid)

        async def disconnect(sid: str, *reason: Any) -> None:
            clients.discard(sid)
            logger.info("disconnect %s %s", path, sid)

        async def unknown(event: Any, sid: str, *args: Any) -> Any:
            described = isinstance(event, str) and self.server_event(path, event) is not None
            logger.info(
                "in %s %s from %s: %s",
                path,
                display_name(event),
                sid,
                "a server event, which clients do not send" if described else "not in the document",
            )
            return server.not_handled

        server.on("connect", connect, namespace=path)
        server.on("disconnect", disconnect, namespace=path)
        server.on("*", unknown, namespace=path)

    def _rejected(self, error: ValidationError, sid: str) -> Any:
        problems = len(error.errors())
        if error.event == "connect":
            logger.info(
                "refuse %s connect from %s: validation_error (auth, %d problem(s))",
                error.namespace,
                sid,
                problems,
            )
        elif isinstance(error, ResponseValidationError):
            if _logged.get():
                _logged.set(False)
                return error_payload(error)
            logger.warning(
                "in %s %s from %s: internal_error (the answer does not match the ack schema: %s)",
                error.namespace,
                display_name(error.event),
                sid,
                error,
            )
        else:
            logger.info(
                "in %s %s from %s: validation_error (%d problem(s))",
                error.namespace,
                display_name(error.event),
                sid,
                problems,
            )
        return error_payload(error)


def _emit_data(values: tuple[Any, ...]) -> Any:
    """python-socketio's ``data`` for a list of argument values."""
    if len(values) == 1:
        return values[0]
    return tuple(values) if values else None


def app(document: Any, *, seed: int | str | None = None) -> ASGIApp:
    """The ASGI app of a :class:`Mock` of ``document`` (see there); serve it with any
    ASGI server, e.g. ``uvicorn.run(sio_spec.mock.app("asyncapi.yaml"))``."""
    return Mock(document, seed=seed).app


# -- the HTTP routes besides the docs ---------------------------------------------------------


class _Routes:
    """``POST /asyncapi/emit`` and a redirect from ``/`` to the docs; the rest to the docs."""

    def __init__(self, mock: Mock, docs: ASGIApp) -> None:
        self.mock = mock
        self.docs = docs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if path == EMIT_PATH:
                status, body = await self._emit(scope, receive)
                await _respond(send, status, body)
                return
            if path == "/" and scope["method"] in ("GET", "HEAD"):
                await _respond(send, 302, {"location": DOCS_PATH}, (("location", DOCS_PATH),))
                return
        await self.docs(scope, receive, send)

    async def _emit(self, scope: Scope, receive: Receive) -> tuple[int, dict[str, Any]]:
        if scope["method"] != "POST":
            return 405, {"error": "use POST"}
        headers = dict(scope.get("headers") or ())
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if content_type != b"application/json":
            return 415, {"error": "send a JSON body (Content-Type: application/json)"}
        raw = await _read_body(receive)
        if raw is None:
            return 413, {"error": f"the body is larger than {MAX_BODY} bytes"}
        try:
            request = json.loads(raw)
        except (ValueError, RecursionError):
            return 400, {"error": "the body is not valid JSON"}
        if not isinstance(request, Mapping):
            return 400, {"error": 'expected {"namespace": ..., "event": ..., "args": [...]}'}
        namespace = request.get("namespace", "/")
        name = request.get("event")
        args = request.get("args")
        if not isinstance(namespace, str) or not isinstance(name, str):
            return 400, {"error": "namespace and event must be strings"}
        if args is not None and not isinstance(args, list):
            return 400, {"error": "args must be a list with one item per argument"}
        event = self.mock.server_event(namespace, name)
        if event is None:
            return 404, {"error": "the document describes no such server event"}
        try:
            clients, pick = await self.mock.push(event, args)
        except EmitValidationError as exc:
            return 400, {"error": "invalid arguments", "detail": exc.errors()}
        return 200, {
            "namespace": namespace,
            "event": name,
            "clients": clients,
            "source": pick.source,
            "args": shown(list(pick.values)),
        }


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _respond(
    send: Send, status: int, body: dict[str, Any], headers: tuple[tuple[str, str], ...] = ()
) -> None:
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
                (b"cache-control", b"no-cache"),
                *((k.encode("latin-1"), v.encode("latin-1")) for k, v in headers),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})

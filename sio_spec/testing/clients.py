"""The public test clients: python-socketio's clients over the in-process transport."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, NamedTuple

import socketio
from socketio import exceptions as sio_exceptions

from ..errors import SpecError, SpecTypeError, ValidationError
from .engineio_clients import AsyncEngineIOClient, EngineIOClient
from .environ import DEFAULT_URL, build_environ
from .target import Target
from .transport import Hub, Link

__all__ = ["AsyncTestClient", "Received", "TestClient"]


class Received(NamedTuple):
    """One event the server sent to a test client."""

    name: str
    args: list[Any]
    namespace: str


class _Common:
    """What both test clients add to python-socketio's clients."""

    __test__ = False  # not a pytest test class

    _target: Target
    _validate: bool
    _raise_server_exceptions: bool
    _settle_timeout: float
    _received: list[Received]
    _received_lock: threading.Lock
    _query_string: str | None
    _extra_environ: Mapping[str, Any] | None
    _flask_test_client: Any
    _headers: dict[str, str]
    eio: Any
    logger: Any

    def _setup(
        self,
        app: Any,
        *,
        asyncio_based: bool,
        flask_app: Any,
        validate: bool,
        raise_server_exceptions: bool,
        settle_timeout: float,
        headers: Mapping[str, str] | None,
        query_string: str | None,
        environ: Mapping[str, Any] | None,
        flask_test_client: Any,
    ) -> None:
        self._target = Target(app, flask_app)
        self._validate = validate
        if validate and self._target.spec is None:
            raise SpecError("validate=True needs a SocketIOSpec attached to the server")
        if self._target.server.is_asyncio_based() != asyncio_based:
            raise SpecTypeError(
                "this is a socketio.AsyncServer: use AsyncTestClient"
                if not asyncio_based
                else "this is a synchronous socketio.Server: use TestClient"
            )
        self._raise_server_exceptions = raise_server_exceptions
        self._settle_timeout = settle_timeout
        self._received = []
        self._received_lock = threading.Lock()
        self._headers = dict(headers or {})
        self._query_string = query_string
        self._extra_environ = environ
        self._flask_test_client = flask_test_client

    @property
    def server(self) -> Any:
        """The python-socketio server under test."""
        return self._target.server

    def _environ(self, url: Any, headers: Mapping[str, str], engineio_path: str) -> dict[str, Any]:
        return build_environ(
            self._target,
            url,
            headers,
            engineio_path,
            self._query_string,
            self._extra_environ,
            self._flask_test_client,
        )

    def _connect_arguments(
        self, headers: Mapping[str, str] | None, **arguments: Any
    ) -> dict[str, Any]:
        """``connect()``'s keyword arguments, the client's headers under the call's."""
        return {"headers": {**self._headers, **dict(headers or {})}, **arguments}

    def _hub(self) -> Hub | None:
        return Hub.current(self._target.server)

    def _record(self, namespace: str | None, data: list[Any]) -> None:
        """Record an event from the server, as it was sent."""
        with self._received_lock:
            self._received.append(Received(data[0], list(data[1:]), namespace or "/"))

    def _report_invalid(self, err: ValidationError) -> None:
        """With ``validate=True``: a server event outside the contract is raised from
        the client's next call (its handler was not called)."""
        link = self._link()
        if link is not None:
            link.report(err)

    def _hold_to_spec(self) -> None:
        if self._validate:
            self._target.client_spec(self)

    def _take(self, namespace: str | None) -> list[Received]:
        with self._received_lock:
            if namespace is None:
                out, self._received = self._received, []
            else:
                out = [r for r in self._received if r.namespace == namespace]
                self._received = [r for r in self._received if r.namespace != namespace]
        return out

    def _link(self) -> Link | None:
        link: Link | None = getattr(self.eio, "link", None)
        return link

    def _raise_pending(self, link: Link | None = None) -> None:
        link = link or self._link()
        if link is not None:
            error = link.pop_error()
            if error is not None:
                raise error

    def _failed_link(self) -> Link | None:
        """The link, when the server raised while the namespaces connected (it exists
        from the engine.io connect on: kept to report the error even after the
        client gave up)."""
        link = self._link()
        return link if link is not None and link.errors else None


def _result(values: tuple[Any, ...]) -> Any:
    """``call()``'s return value for the ack arguments, as python-socketio gives it."""
    if len(values) > 1:
        return values
    return values[0] if values else None


class TestClient(_Common, socketio.Client):  # type: ignore[misc]
    """python-socketio's ``Client``, connected in process to ``app``.

    ``app`` is a ``socketio.Server``, a ``flask_socketio.SocketIO`` (or its Flask
    app), a ``socketio.WSGIApp`` or a :class:`~sio_spec.SocketIOSpec` attached to
    one of them. The API and life cycle are the client's: :meth:`connect` (the
    URL is optional; its path, query and host reach the environ), ``emit``,
    :meth:`call`, ``on``, ``disconnect``, ``sid``, ``get_sid(namespace)``,
    ``connected``; a refused connection raises ``socketio.exceptions.ConnectionError``
    and calls the ``connect_error`` handler with the server's data.

    Options: ``validate=True`` holds the client to the spec attached to the server
    with a :class:`~sio_spec.ClientSpec`: what it sends is checked
    (``EmitValidationError``, nothing sent), handlers and ``call()`` get the
    server's models, an ack outside the contract raises ``AckValidationError``
    and the server's error acks ``RemoteValidationError`` / ``RemoteInternalError``;
    a server event outside the contract is not handed to handlers and its
    ``EmitValidationError`` is raised from the client's next call. ``received()``
    lists events as the server sent them.
    ``raise_server_exceptions=True`` re-raises, in the test, an exception a server
    handler raised for this client (off: it is logged, as the server would).
    ``settle_timeout`` bounds how long a call waits for handlers the server runs
    as background tasks. ``headers`` / ``query_string`` / ``environ`` shape the
    handshake request; ``flask_test_client`` lends a Flask test client's cookies
    (the Flask session) to Flask-SocketIO handlers. Other keyword arguments go to
    ``socketio.Client`` (``reconnection`` defaults to False here).
    """

    def __init__(
        self,
        app: Any,
        *,
        validate: bool = False,
        raise_server_exceptions: bool = True,
        settle_timeout: float = 5.0,
        headers: Mapping[str, str] | None = None,
        query_string: str | None = None,
        environ: Mapping[str, Any] | None = None,
        flask_app: Any = None,
        flask_test_client: Any = None,
        reconnection: bool = False,
        handle_sigint: bool = False,
        **kwargs: Any,
    ) -> None:
        self._setup(
            app,
            asyncio_based=False,
            flask_app=flask_app,
            validate=validate,
            raise_server_exceptions=raise_server_exceptions,
            settle_timeout=settle_timeout,
            headers=headers,
            query_string=query_string,
            environ=environ,
            flask_test_client=flask_test_client,
        )
        super().__init__(reconnection=reconnection, handle_sigint=handle_sigint, **kwargs)
        self._hold_to_spec()

    def _engineio_client_class(self) -> Callable[..., Any]:
        return functools.partial(EngineIOClient, self)

    def __enter__(self) -> TestClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.disconnect()

    def _settle(self) -> None:
        hub = self._hub()
        if hub is not None:
            hub.settle(self._settle_timeout)

    def connect(
        self,
        url: Any = DEFAULT_URL,
        headers: Mapping[str, str] | None = None,
        auth: Any = None,
        transports: Any = None,
        namespaces: Any = None,
        socketio_path: str = "socket.io",
        wait: bool = True,
        wait_timeout: float = 1,
        retry: bool = False,
    ) -> None:
        """Connect to the server in process; arguments as ``socketio.Client.connect``."""
        super().connect(
            url,
            **self._connect_arguments(
                headers,
                auth=auth,
                transports=transports,
                namespaces=namespaces,
                socketio_path=socketio_path,
                wait=wait,
                wait_timeout=wait_timeout,
                retry=retry,
            ),
        )
        self._settle()
        self._raise_pending()

    def _handle_eio_connect(self) -> None:
        super()._handle_eio_connect()
        link = self._failed_link()
        if link is not None:
            error = link.pop_error()
            self.eio.disconnect()
            if error is not None:
                raise error

    def emit(
        self,
        event: str,
        data: Any = None,
        namespace: str | None = None,
        callback: Callable[..., Any] | None = None,
    ) -> None:
        """Send an event (as ``socketio.Client.emit``) and wait until the server
        handled it; raises what a server handler raised for it."""
        super().emit(event, data=data, namespace=namespace, callback=callback)
        self._settle()
        self._raise_pending()

    def call(
        self, event: str, data: Any = None, namespace: str | None = None, timeout: float = 60
    ) -> Any:
        """Send an event and return the server's ack, as ``socketio.Client.call``
        (``socketio.exceptions.TimeoutError`` when none comes within ``timeout``)."""
        link = self._link()
        box: list[tuple[Any, ...]] = []
        cond = link.cond if link is not None else threading.Condition()

        def on_ack(*args: Any) -> None:
            with cond:
                box.append(args)
                cond.notify_all()

        self.emit(event, data, namespace=namespace, callback=on_ack)
        with cond:
            cond.wait_for(lambda: bool(box) or bool(link and link.errors), timeout)
        self._raise_pending(link)
        if not box:
            raise sio_exceptions.TimeoutError()
        return _result(box[0])

    def disconnect(self) -> None:
        """Disconnect from the server, as ``socketio.Client.disconnect``."""
        super().disconnect()
        self._settle()

    def received(self, namespace: str | None = None) -> list[Received]:
        """The events the server sent since the last call, oldest first, as
        :class:`Received` ``(name, args, namespace)`` tuples, and forget them.
        ``namespace`` keeps only that namespace's events (``None``: all)."""
        self._settle()
        self._raise_pending()
        return self._take(namespace)

    def _handle_event(self, namespace: str | None, id: Any, data: list[Any]) -> None:
        self._record(namespace, data)
        super()._handle_event(namespace, id, data)


class AsyncTestClient(_Common, socketio.AsyncClient):  # type: ignore[misc]
    """python-socketio's ``AsyncClient``, connected in process to a
    ``socketio.AsyncServer`` (or a ``socketio.ASGIApp`` / :class:`SocketIOSpec`
    around one), running in the test's own event loop. Same options and
    behaviour as :class:`TestClient`; the methods are coroutines, except
    :meth:`received`, which is one too so it can wait for the server's tasks.
    """

    def __init__(
        self,
        app: Any,
        *,
        validate: bool = False,
        raise_server_exceptions: bool = True,
        settle_timeout: float = 5.0,
        headers: Mapping[str, str] | None = None,
        query_string: str | None = None,
        environ: Mapping[str, Any] | None = None,
        reconnection: bool = False,
        handle_sigint: bool = False,
        **kwargs: Any,
    ) -> None:
        self._setup(
            app,
            asyncio_based=True,
            flask_app=None,
            validate=validate,
            raise_server_exceptions=raise_server_exceptions,
            settle_timeout=settle_timeout,
            headers=headers,
            query_string=query_string,
            environ=environ,
            flask_test_client=None,
        )
        super().__init__(reconnection=reconnection, handle_sigint=handle_sigint, **kwargs)
        self._hold_to_spec()

    def _engineio_client_class(self) -> Callable[..., Any]:
        return functools.partial(AsyncEngineIOClient, self)

    async def __aenter__(self) -> AsyncTestClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.disconnect()

    async def _settle(self) -> None:
        hub = self._hub()
        if hub is not None:
            await hub.settle_async(self._settle_timeout)

    async def connect(
        self,
        url: Any = DEFAULT_URL,
        headers: Mapping[str, str] | None = None,
        auth: Any = None,
        transports: Any = None,
        namespaces: Any = None,
        socketio_path: str = "socket.io",
        wait: bool = True,
        wait_timeout: float = 1,
        retry: bool = False,
    ) -> None:
        """Connect to the server in process; arguments as ``socketio.AsyncClient.connect``."""
        await super().connect(
            url,
            **self._connect_arguments(
                headers,
                auth=auth,
                transports=transports,
                namespaces=namespaces,
                socketio_path=socketio_path,
                wait=wait,
                wait_timeout=wait_timeout,
                retry=retry,
            ),
        )
        await self._settle()
        self._raise_pending()

    async def _handle_eio_connect(self) -> None:
        await super()._handle_eio_connect()
        link = self._failed_link()
        if link is not None:
            error = link.pop_error()
            await self.eio.disconnect()
            if error is not None:
                raise error

    async def emit(
        self,
        event: str,
        data: Any = None,
        namespace: str | None = None,
        callback: Callable[..., Any] | None = None,
    ) -> None:
        """Send an event and wait until the server handled it."""
        await super().emit(event, data=data, namespace=namespace, callback=callback)
        await self._settle()
        self._raise_pending()

    async def call(
        self, event: str, data: Any = None, namespace: str | None = None, timeout: float = 60
    ) -> Any:
        """Send an event and return the server's ack, as ``socketio.AsyncClient.call``."""
        link = self._link()
        box: list[tuple[Any, ...]] = []
        acked = asyncio.Event()

        def on_ack(*args: Any) -> None:
            box.append(args)
            acked.set()

        await self.emit(event, data, namespace=namespace, callback=on_ack)
        if not box:
            waiters: list[Awaitable[Any]] = [acked.wait()]
            if link is not None and link.error_event is not None:
                waiters.append(link.error_event.wait())
            tasks = [asyncio.ensure_future(w) for w in waiters]
            try:
                await asyncio.wait(tasks, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in tasks:
                    task.cancel()
        if link is not None and link.error_event is not None:
            link.error_event.clear()
        self._raise_pending(link)
        if not box:
            raise sio_exceptions.TimeoutError()
        return _result(box[0])

    async def disconnect(self) -> None:
        """Disconnect from the server, as ``socketio.AsyncClient.disconnect``."""
        await super().disconnect()
        await self._settle()

    async def received(self, namespace: str | None = None) -> list[Received]:
        """The events the server sent since the last call (see
        :meth:`TestClient.received`), after the server's pending tasks ran."""
        await self._settle()
        self._raise_pending()
        return self._take(namespace)

    async def _handle_event(self, namespace: str | None, id: Any, data: list[Any]) -> None:
        self._record(namespace, data)
        await super()._handle_event(namespace, id, data)

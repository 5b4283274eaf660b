"""Run real servers on a loopback port in a background thread.

Every context manager yields the TCP port the server listens on
(``127.0.0.1``) and stops the server on exit.  Server threads are daemon
threads and every shutdown step is bounded, so a misbehaving server can leak
a thread but can never hang the test process.

    with run_asgi(socketio.ASGIApp(sio)) as port:
        client.connect(f"http://127.0.0.1:{port}", transports=["websocket"])
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

__all__ = [
    "HOST",
    "SHUTDOWN_TIMEOUT",
    "STARTUP_TIMEOUT",
    "free_port",
    "run_aiohttp",
    "run_asgi",
    "run_flask_socketio",
    "run_wsgi",
    "url",
    "wait_for",
]

HOST = "127.0.0.1"
#: Seconds to wait for a server to start accepting connections.
STARTUP_TIMEOUT = 10.0
#: Seconds to wait for a server thread to finish after being told to stop.
SHUTDOWN_TIMEOUT = 5.0

T = TypeVar("T")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def url(port: int, path: str = "") -> str:
    """``http://127.0.0.1:<port><path>``."""
    return f"http://{HOST}:{port}{path}"


def wait_for(
    predicate: Callable[[], T],
    timeout: float = 5.0,
    interval: float = 0.01,
    message: str | None = None,
) -> T:
    """Poll ``predicate`` every ``interval`` seconds until it returns a truthy
    value, and return that value.

    Raises ``TimeoutError`` when ``timeout`` seconds pass first.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(message or f"condition {predicate!r} not met within {timeout}s")
        time.sleep(interval)


def _bound_socket() -> socket.socket:
    """A listening-ready socket bound to a kernel-chosen loopback port.

    Binding ourselves (instead of picking a port and letting the server bind
    it later) avoids races between parallel test processes.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    return sock


def _join(thread: threading.Thread, what: str) -> None:
    thread.join(SHUTDOWN_TIMEOUT)
    if thread.is_alive():  # pragma: no cover - only when something is broken
        import warnings

        warnings.warn(
            f"{what} thread did not stop within {SHUTDOWN_TIMEOUT}s; leaking it",
            RuntimeWarning,
            stacklevel=3,
        )


# --------------------------------------------------------------------- ASGI


@contextlib.contextmanager
def run_asgi(app: Any, **config: Any) -> Iterator[int]:
    """Serve an ASGI application (e.g. ``socketio.ASGIApp``) with uvicorn.

    Extra keyword arguments are passed to ``uvicorn.Config``.
    """
    import uvicorn

    sock = _bound_socket()
    port = int(sock.getsockname()[1])
    options: dict[str, Any] = {
        "host": HOST,
        "port": port,
        "log_level": "warning",
        "lifespan": "off",
        "timeout_graceful_shutdown": 1,
    }
    options.update(config)
    server = uvicorn.Server(uvicorn.Config(app, **options))
    errors: list[BaseException] = []

    def target() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # reported to the caller
            errors.append(exc)

    thread = threading.Thread(target=target, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        try:
            wait_for(
                lambda: server.started or not thread.is_alive(),
                timeout=STARTUP_TIMEOUT,
                message="uvicorn did not start",
            )
        except TimeoutError:
            server.should_exit = True
            raise
        if not server.started:
            raise RuntimeError(f"uvicorn failed to start: {errors!r}")
        yield port
    finally:
        server.should_exit = True
        _join(thread, "uvicorn")
        sock.close()


# ------------------------------------------------------------------ aiohttp


@contextlib.contextmanager
def run_aiohttp(app: Any, shutdown_timeout: float = 1.0) -> Iterator[int]:
    """Serve an ``aiohttp.web.Application`` on its own event loop."""
    from aiohttp import web

    ready = threading.Event()
    state: dict[str, Any] = {}

    async def serve() -> None:
        runner = web.AppRunner(app, shutdown_timeout=shutdown_timeout)
        await runner.setup()
        try:
            site = web.TCPSite(runner, HOST, 0)
            await site.start()
            state["port"] = int(runner.addresses[0][1])
            stop = asyncio.Event()
            state["loop"] = asyncio.get_running_loop()
            state["stop"] = stop
            ready.set()
            await stop.wait()
        finally:
            await runner.cleanup()

    def target() -> None:
        try:
            asyncio.run(serve())
        except BaseException as exc:  # reported to the caller
            state["error"] = exc
        finally:
            ready.set()

    thread = threading.Thread(target=target, name="aiohttp", daemon=True)
    thread.start()
    try:
        if not ready.wait(STARTUP_TIMEOUT):
            raise TimeoutError("aiohttp did not start")
        if "port" not in state:
            raise RuntimeError(f"aiohttp failed to start: {state.get('error')!r}")
        yield state["port"]
    finally:
        loop = state.get("loop")
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # loop already closed
                loop.call_soon_threadsafe(state["stop"].set)
        _join(thread, "aiohttp")


# --------------------------------------------------------------------- WSGI


def _wsgi_request_handler() -> Any:
    from werkzeug.serving import WSGIRequestHandler

    class RequestHandler(WSGIRequestHandler):
        """Close the connection once a websocket session has ended.

        simple-websocket ends a werkzeug websocket by raising
        ``ConnectionError``; werkzeug would then keep reading the socket as
        HTTP, racing the websocket thread for the client's close frame (the
        client then waits ~3 s for a close reply that never comes).
        """

        def connection_dropped(self, error: BaseException, environ: Any = None) -> None:
            self.close_connection = True

        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass  # keep test output quiet; errors are still logged

    return RequestHandler


@contextlib.contextmanager
def run_wsgi(app: Any) -> Iterator[int]:
    """Serve a WSGI application with werkzeug's threaded server.

    Works with python-socketio / python-engineio in ``async_mode="threading"``
    including the websocket transport (werkzeug exposes the raw socket that
    ``simple-websocket`` needs).
    """
    from werkzeug.serving import make_server

    server = make_server(HOST, 0, app, threaded=True, request_handler=_wsgi_request_handler())
    port = int(server.server_port)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"wsgi-{port}",
        daemon=True,
    )
    thread.start()
    try:
        yield port
    finally:
        # shutdown() waits for serve_forever() without a timeout; run it in a
        # helper thread so that a stuck server cannot hang the test process.
        stopper = threading.Thread(target=server.shutdown, daemon=True)
        stopper.start()
        _join(stopper, "wsgi shutdown")
        _join(thread, "wsgi")
        server.server_close()


@contextlib.contextmanager
def run_flask_socketio(app: Any, socketio: Any) -> Iterator[int]:
    """Serve a Flask app with ``flask_socketio.SocketIO(app, async_mode="threading")``.

    ``SocketIO(app)`` / ``socketio.init_app(app)`` wraps ``app.wsgi_app`` in
    the engine.io middleware, so the Flask app itself is the WSGI callable;
    werkzeug's threaded server then handles websocket upgrades.
    (``socketio.run`` cannot be stopped from another thread, so it is not used.)
    """
    server = getattr(socketio, "server", None)
    if server is None:
        raise RuntimeError("SocketIO is not attached to the app (call init_app)")
    if server.async_mode != "threading":
        raise RuntimeError(
            f"run_flask_socketio needs async_mode='threading', got {server.async_mode!r}"
        )
    with run_wsgi(app) as port:
        yield port

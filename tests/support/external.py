"""Tools outside Python used by the tests: node + npm packages, chromium, redis.

When a tool is missing the test is skipped, unless the environment variable
``SIO_SPEC_REQUIRE_ALL=1`` is set (CI), in which case it fails instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NoReturn

import pytest

from .servers import HOST, free_port

__all__ = [
    "JS_DIR",
    "ParseResult",
    "asyncapi_validate",
    "chromium",
    "javac",
    "node",
    "node_modules",
    "node_script",
    "redis_server",
    "require",
    "require_all",
    "run_redis",
    "sio_client",
]

#: ``tests/js``: package.json and the node scripts used by the tests.
JS_DIR = Path(__file__).resolve().parent.parent / "js"

NPM_INSTALL_TIMEOUT = 600.0


def require_all() -> bool:
    """True when missing external tools must fail the run (``SIO_SPEC_REQUIRE_ALL=1``)."""
    return os.environ.get("SIO_SPEC_REQUIRE_ALL", "").strip() == "1"


def require(what: str, reason: str) -> NoReturn:
    """Skip the current test because ``what`` is unavailable.

    Fails it instead when ``SIO_SPEC_REQUIRE_ALL=1``.
    """
    if require_all():
        pytest.fail(f"{what} is required: {reason}", pytrace=False)
    pytest.skip(reason)


# --------------------------------------------------------------------- node


def node() -> str:
    """Path of the ``node`` executable, or skip/fail."""
    path = shutil.which("node")
    if path is None:
        require("node", "node is not installed")
    return path


_npm_state: dict[str, Any] = {}


def _packages_digest() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        file = JS_DIR / name
        if file.exists():
            digest.update(name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive inter-process lock (no-op where fcntl is unavailable)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(path, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def node_modules() -> Path:
    """Install the npm packages of ``tests/js/package.json`` (once) and return
    ``tests/js/node_modules``.

    The install runs under a file lock so parallel test processes do not
    collide, and is skipped when a stamp file shows that the installed tree
    matches package.json / package-lock.json.
    """
    if "path" in _npm_state:
        return _npm_state["path"]  # type: ignore[no-any-return]
    if "error" in _npm_state:
        require("npm packages", _npm_state["error"])
    node()
    npm = shutil.which("npm")
    if npm is None:
        require("npm", "npm is not installed")

    modules = JS_DIR / "node_modules"
    stamp = modules / ".sio-spec-installed"
    with _file_lock(JS_DIR / ".npm-install.lock"):
        digest = _packages_digest()
        current = stamp.read_text().strip() if stamp.exists() else ""
        if current != digest:
            try:
                proc = subprocess.run(
                    [npm, "install", "--no-audit", "--no-fund"],
                    cwd=JS_DIR,
                    env=dict(os.environ, PUPPETEER_SKIP_DOWNLOAD="1"),
                    capture_output=True,
                    text=True,
                    timeout=NPM_INSTALL_TIMEOUT,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                _npm_state["error"] = f"npm install failed: {exc}"
                require("npm packages", _npm_state["error"])
            if proc.returncode != 0:
                tail = (proc.stderr or proc.stdout).strip()[-2000:]
                _npm_state["error"] = f"npm install failed ({proc.returncode}): {tail}"
                require("npm packages", _npm_state["error"])
            stamp.write_text(_packages_digest() + "\n")
    _npm_state["path"] = modules
    return modules


def node_script(
    path: str | os.PathLike[str],
    *args: str,
    timeout: float = 30,
    cwd: str | os.PathLike[str] | None = None,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``node <path> <args...>`` with ``NODE_PATH`` set to the test
    node_modules; output is captured as text; the exit status is not checked.

    Note: ``NODE_PATH`` only affects CommonJS ``require``.  ES module scripts
    resolve bare imports from their own location, so keep ``.mjs`` scripts in
    ``tests/js/`` (or use ``createRequire``).
    """
    exe = node()
    modules = node_modules()
    env = dict(os.environ)
    env["NODE_PATH"] = os.pathsep.join(p for p in (str(modules), env.get("NODE_PATH", "")) if p)
    env.setdefault("NO_COLOR", "1")
    return subprocess.run(
        [exe, os.fspath(path), *args],
        cwd=cwd,
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _last_json_line(proc: subprocess.CompletedProcess[str], script: str) -> Any:
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if not lines:
        raise RuntimeError(f"{script} printed nothing (exit {proc.returncode}):\n{proc.stderr}")
    try:
        return json.loads(lines[-1])
    except ValueError as exc:
        raise RuntimeError(
            f"{script} printed invalid JSON (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        ) from exc


# ----------------------------------------------------------------- asyncapi


@dataclasses.dataclass
class ParseResult:
    """Outcome of ``@asyncapi/parser``.

    ``diagnostics`` items: ``{"severity": "error"|"warning"|"info"|"hint",
    "code": str|None, "message": str, "path": [str, ...]}``.
    """

    errors: int
    warnings: int
    diagnostics: list[dict[str, Any]]

    def messages(self, severity: str = "error") -> list[str]:
        """``"path: message (code)"`` for each diagnostic of ``severity``."""
        return [
            f"{'/'.join(d['path'])}: {d['message']} ({d['code']})"
            for d in self.diagnostics
            if d["severity"] == severity
        ]


def asyncapi_validate(document: Mapping[str, Any] | str) -> ParseResult:
    """Validate an AsyncAPI document with the official ``@asyncapi/parser``.

    ``document`` is a mapping (serialised as JSON) or JSON/YAML text.
    """
    text = document if isinstance(document, str) else json.dumps(document)
    suffix = ".yaml" if isinstance(document, str) else ".json"
    with tempfile.TemporaryDirectory(prefix="sio-spec-asyncapi-") as tmp:
        file = Path(tmp) / f"asyncapi{suffix}"
        file.write_text(text, encoding="utf-8")
        proc = node_script(JS_DIR / "validate.mjs", str(file), timeout=60)
    if proc.returncode != 0:
        raise RuntimeError(
            f"validate.mjs failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    data = _last_json_line(proc, "validate.mjs")
    return ParseResult(
        errors=int(data["errors"]),
        warnings=int(data["warnings"]),
        diagnostics=list(data["diagnostics"]),
    )


def sio_client(
    url: str,
    namespace: str,
    event: str,
    payload: Any = None,
    *,
    auth: Any = None,
    binary: bool = False,
    spread: bool = False,
    transport: str = "websocket",
    timeout: float = 10.0,
) -> dict[str, Any]:
    """Run ``tests/js/client_roundtrip.mjs`` (the JavaScript socket.io-client)
    and return its JSON result, one of::

        {"ack": <first ack arg>, "args": [<all ack args>]}
        {"connect_error": {"message": ..., "data": ...}}
        {"error": "...", ...}

    ``binary=True`` sends the payload as a Buffer (UTF-8 of a string payload,
    else of its JSON); inside payloads ``{"$base64": "..."}`` objects become
    Buffers, and Buffers in acks are returned as ``{"$base64": "..."}``.
    ``spread=True`` sends the items of a list payload as separate arguments.
    """
    args = [url, namespace, event, json.dumps(payload)]
    if auth is not None:
        args += ["--auth", json.dumps(auth)]
    if binary:
        args.append("--binary")
    if spread:
        args.append("--spread")
    args += ["--transport", transport, "--timeout", str(int(timeout * 1000))]
    proc = node_script(JS_DIR / "client_roundtrip.mjs", *args, timeout=timeout + 20)
    result: dict[str, Any] = _last_json_line(proc, "client_roundtrip.mjs")
    return result


# ---------------------------------------------------------------------- java


def javac() -> str:
    """Path of the ``javac`` executable (a JDK), or skip/fail."""
    path = shutil.which("javac")
    if path is None:
        require("javac", "no JDK (javac) is installed")
    return path


# ------------------------------------------------------------------ chromium

CHROMIUM_CANDIDATES = (
    "/usr/bin/chromium",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)


def chromium() -> str:
    """Path of a chromium/chrome binary, or skip/fail."""
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.isabs(candidate):
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
        else:
            found = shutil.which(candidate)
            if found:
                return found
    require("chromium", "no chromium/chrome binary found")


# --------------------------------------------------------------------- redis


def redis_server() -> str:
    """Path of ``redis-server``, or skip/fail."""
    path = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.access("/usr/bin/redis-server", os.X_OK) else None
    )
    if path is None:
        require("redis-server", "redis-server is not installed")
    return path


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def run_redis(startup_timeout: float = 10.0) -> Iterator[int]:
    """Start a throw-away ``redis-server`` on a free loopback port, yield the
    port once it answers PING, and terminate it on exit.

    Use it as ``redis://127.0.0.1:<port>/0``.
    """
    exe = redis_server()
    last_error = ""
    for _attempt in range(3):  # the free port may be taken in the meantime
        port = free_port()
        with tempfile.TemporaryFile() as log:
            proc = subprocess.Popen(
                [
                    exe,
                    "--port",
                    str(port),
                    "--bind",
                    HOST,
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                deadline = time.monotonic() + startup_timeout
                while not _redis_ping(port):
                    if proc.poll() is not None:
                        break
                    if time.monotonic() >= deadline:
                        raise TimeoutError(f"redis-server did not start on port {port}")
                    time.sleep(0.01)
                else:
                    yield port
                    return
                log.seek(0)
                output = log.read().decode(errors="replace")
                last_error = f"redis-server exited with {proc.returncode}: {output[-1000:]}"
            finally:
                if proc.poll() is None:
                    proc.terminate()
                    try:
                        proc.wait(5)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait(5)
    raise RuntimeError(last_error)

"""Reading documents: files, bytes and URLs, within the limits."""

from __future__ import annotations

import os
import socket
import threading
import time
from typing import Any

from .limits import DEFAULT_LIMITS, ContractError, Limits, _one_line

# -- reading bytes ---------------------------------------------------------------------


def read_file(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> str:
    """The UTF-8 text of a file, at most ``limits.max_bytes`` bytes of it."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as fh:
            data = fh.read(limits.max_bytes + 1)
    except OSError as exc:
        raise ContractError(f"cannot read {name}: {exc.strerror or type(exc).__name__}") from None
    return decode(data, name, limits)


def decode(data: bytes, where: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """``data`` as UTF-8 text, refused past ``limits.max_bytes``."""
    if len(data) > limits.max_bytes:
        raise ContractError(
            f"{where} is larger than {limits.max_bytes} bytes (raise the limit with max_bytes)"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ContractError(f"cannot read {where}: not UTF-8 text") from None


# -- fetching --------------------------------------------------------------------------

#: Redirects :func:`fetch` follows at most.
MAX_REDIRECTS = 5


def fetch(url: str, *, timeout: float, limits: Limits = DEFAULT_LIMITS) -> tuple[str, str]:
    """GET an http(s) URL: its text and content type. ``timeout`` is the deadline
    for the whole exchange (connecting, headers, body, redirects), and at most
    ``limits.max_bytes`` bytes of body are read."""
    import http.client
    import urllib.parse

    shown = _one_line(url)
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ContractError(f"not an http(s) URL: {shown!r}")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ContractError(f"cannot fetch {shown}: no answer within {timeout} s")
        conn: http.client.HTTPConnection
        if parts.scheme == "https":
            conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=remaining)
        else:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=remaining)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        timer = threading.Timer(remaining, _cut, (conn,))
        timer.daemon = True
        timer.start()
        try:
            try:
                conn.request("GET", path, headers={"Accept": "application/json, */*"})
                response = conn.getresponse()
                if response.status in (301, 302, 303, 307, 308):
                    location = response.getheader("Location")
                    if not location:
                        raise ContractError(f"cannot fetch {shown}: redirect without a Location")
                    url = urllib.parse.urljoin(url, location)
                    continue
                if response.status >= 400:
                    raise ContractError(f"cannot fetch {shown}: HTTP status {response.status}")
                body = _read_body(response, limits, shown, deadline, timeout)
                content_type = response.getheader("Content-Type") or ""
            except (OSError, http.client.HTTPException, ValueError) as exc:
                if time.monotonic() >= deadline:
                    raise ContractError(
                        f"cannot fetch {shown}: no complete answer within {timeout} s"
                    ) from None
                raise ContractError(f"cannot fetch {shown}: {type(exc).__name__}") from None
        finally:
            timer.cancel()
            conn.close()
        return decode(body, shown, limits), content_type
    raise ContractError(f"cannot fetch {shown}: more than {MAX_REDIRECTS} redirects")


def _cut(conn: Any) -> None:
    """Unblock a read that is past the deadline."""
    sock = getattr(conn, "sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _read_body(response: Any, limits: Limits, shown: str, deadline: float, timeout: float) -> bytes:
    length = response.getheader("Content-Length")
    if length is not None and length.isdigit() and int(length) > limits.max_bytes:
        raise ContractError(
            f"{shown} is larger than {limits.max_bytes} bytes (raise the limit with max_bytes)"
        )
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() >= deadline:
            raise ContractError(f"cannot fetch {shown}: no complete answer within {timeout} s")
        chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
        if not chunk:
            if time.monotonic() >= deadline:
                raise ContractError(f"cannot fetch {shown}: no complete answer within {timeout} s")
            break
        size += len(chunk)
        if size > limits.max_bytes:
            raise ContractError(
                f"{shown} is larger than {limits.max_bytes} bytes (raise the limit with max_bytes)"
            )
        chunks.append(chunk)
    return b"".join(chunks)

"""``info`` and ``servers`` of the document.

``servers`` may be ``None`` (no servers), a URL string, a list of URL strings or
server objects, or a dict name -> URL string or server object. A URL such as
``wss://api.example.com/socket.io`` becomes, in 3.x,
``{host: api.example.com, pathname: /socket.io, protocol: wss}`` and in 2.6
``{url: wss://api.example.com/socket.io, protocol: wss}``; a URL without a path
gets Socket.IO's default ``/socket.io``. Every server says that it speaks
Socket.IO: a ``description`` (unless one was given) and the marker
``x-sio-spec-protocol: {name: socket.io, version: '5', path: /socket.io/}``.
Server objects are passed through, converted between 2.6's ``url`` and 3.x's
``host``/``pathname`` when needed.

Names: the dict key; otherwise ``production`` for a single server, and
``server1``, ``server2``... for a list (a server object may carry its own
``name``). Names keep only ``[A-Za-z0-9_-]`` and are made unique.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from ..errors import SpecError
from ..model import Info
from ..names import Names, sanitize_server
from .schemas import copy_json

DEFAULT_PATH = "/socket.io"
_V2_ONLY = frozenset({"url"})
_V3_ONLY = frozenset({"host", "pathname", "title", "summary", "externalDocs"})


def _tags(tags: Sequence[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for tag in tags:
        if isinstance(tag, str):
            out.append({"name": tag})
        elif isinstance(tag, Mapping) and isinstance(tag.get("name"), str):
            out.append(copy_json(dict(tag)))
        else:
            raise SpecError(f"a tag must be a name or a mapping with 'name', got {tag!r}")
    return out


def tags(names: Sequence[Any]) -> list[dict[str, Any]]:
    """Tag objects from names or tag mappings, duplicates removed, order kept."""
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for tag in _tags(names):
        if tag["name"] not in seen:
            seen.add(tag["name"])
            out.append(tag)
    return out


def info_object(info: Info, version: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``info`` object, and the root-level fields 2.6 keeps outside it
    (``tags``, ``externalDocs``)."""
    out: dict[str, Any] = {"title": info.title, "version": info.version}
    if info.description:
        out["description"] = info.description
    if info.terms_of_service:
        out["termsOfService"] = info.terms_of_service
    if info.contact:
        out["contact"] = copy_json(dict(info.contact))
    if info.license:
        lic: Any = info.license
        out["license"] = {"name": lic} if isinstance(lic, str) else copy_json(dict(lic))
    extra: dict[str, Any] = {}
    if info.tags:
        extra["tags"] = tags(info.tags)
    if info.external_docs:
        extra["externalDocs"] = copy_json(dict(info.external_docs))
    if version.startswith("3."):
        out.update(extra)
        return out, {}
    return out, extra


def _parse_url(url: str) -> tuple[str, str, str]:
    """``(protocol, host, pathname)`` of a server URL."""
    text = url.strip()
    if "://" not in text:
        text = "ws://" + text
    parts = urlsplit(text)
    if not parts.netloc:
        raise SpecError(f"server URL {url!r} has no host")
    path = parts.path.rstrip("/")
    return parts.scheme.lower(), parts.netloc, path or DEFAULT_PATH


def _from_url(url: str, version: str) -> dict[str, Any]:
    protocol, host, path = _parse_url(url)
    if version.startswith("3."):
        return {"host": host, "pathname": path, "protocol": protocol}
    return {"url": f"{protocol}://{host}{path}", "protocol": protocol}


def _from_object(obj: Mapping[str, Any], version: str) -> dict[str, Any]:
    server: dict[str, Any] = copy_json({k: v for k, v in obj.items() if k != "name"})
    if version.startswith("3."):
        if "url" in server and "host" not in server:
            protocol, host, path = _parse_url(str(server["url"]))
            server.setdefault("protocol", protocol)
            server["host"] = host
            server["pathname"] = server.get("pathname") or path
        for key in _V2_ONLY:
            server.pop(key, None)
    else:
        if "host" in server and "url" not in server:
            protocol = str(server.get("protocol") or "ws")
            server.setdefault("protocol", protocol)
            server["url"] = f"{protocol}://{server['host']}{server.get('pathname') or DEFAULT_PATH}"
        for key in _V3_ONLY:
            server.pop(key, None)
    if "protocol" not in server:
        raise SpecError(f"server object {dict(obj)!r} has no 'protocol'")
    return server


def _server(value: Any, version: str) -> dict[str, Any]:
    if isinstance(value, str):
        return _socketio(_from_url(value, version))
    if isinstance(value, Mapping):
        return _socketio(_from_object(value, version))
    raise SpecError(f"a server must be a URL string or a server object, got {value!r}")


def _socketio(server: dict[str, Any]) -> dict[str, Any]:
    """Say that the server speaks Socket.IO: a description (unless one was given)
    and the ``x-sio-spec-protocol`` marker with the protocol version and path."""
    path = server.get("pathname")
    if not isinstance(path, str):
        url = server.get("url")
        path = urlsplit(url).path if isinstance(url, str) and "://" in url else ""
        path = path or DEFAULT_PATH
    path = path.rstrip("/") + "/"
    if "description" not in server:
        server["description"] = (
            f"Socket.IO server (Socket.IO protocol 5 over Engine.IO 4, path `{path}`): "
            "connect with a Socket.IO client (socket.io-client 3 or later, "
            "python-socketio 5 or later), not a plain WebSocket client."
        )
    server["x-sio-spec-protocol"] = {"name": "socket.io", "version": "5", "path": path}
    return server


def servers_object(servers: Any, version: str) -> dict[str, Any] | None:
    """The ``servers`` map, or ``None`` when no server was given."""
    if servers is None:
        return None
    names = Names()
    out: dict[str, Any] = {}
    if isinstance(servers, Mapping) and not _looks_like_server(servers):
        for name in servers:
            out[names.take(sanitize_server(str(name)))] = _server(servers[name], version)
        return out or None
    items = [servers] if isinstance(servers, (str, Mapping)) else list(servers)
    for i, item in enumerate(items, 1):
        own = item.get("name") if isinstance(item, Mapping) else None
        if isinstance(own, str) and own:
            name = sanitize_server(own)
        else:
            name = "production" if len(items) == 1 else f"server{i}"
        out[names.take(name)] = _server(item, version)
    return out or None


def _looks_like_server(value: Mapping[str, Any]) -> bool:
    """A single server object rather than a map of named servers."""
    return "protocol" in value or "url" in value or "host" in value

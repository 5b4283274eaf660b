"""``sio-spec``: export, check and serve the AsyncAPI document of an application.

TARGET is ``module:attr`` or ``path/to/file.py:attr`` naming a ``SocketIOSpec``, a
python-socketio server or ``flask_socketio.SocketIO`` with a spec attached, or an
app wrapping one (``socketio.ASGIApp`` / ``WSGIApp``, a Flask app, the docs apps).
Importing TARGET runs the module under its own name, so an
``if __name__ == "__main__":`` block does not start a server.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import importlib.util
import json
import os
import pathlib
import shlex
import sys
import traceback
from collections.abc import Mapping, Sequence
from typing import Any

from . import __version__
from .spec import VERSIONS, SocketIOSpec

PROG = "sio-spec"
DOCUMENT_SUFFIXES = (".json", ".yaml", ".yml")


class CLIError(Exception):
    """A problem the user can fix; reported as one line, exit status 2."""


# -- finding the spec ------------------------------------------------------------------------


def load_target(target: str) -> SocketIOSpec:
    """The :class:`SocketIOSpec` named by ``module:attr`` or ``file.py:attr``."""
    module_part, sep, attr = target.rpartition(":")
    if not sep or not module_part or not attr:
        raise CLIError(
            f"invalid TARGET {target!r}: expected 'module:attribute' or 'path/to/file.py:attribute'"
        )
    if _looks_like_path(module_part):
        module = _import_file(module_part)
    else:
        module = _import_module(module_part)
    obj: Any = module
    for name in attr.split("."):
        if not name.isidentifier():
            raise CLIError(f"invalid attribute {attr!r} in TARGET {target!r}")
        try:
            obj = getattr(obj, name)
        except AttributeError:
            raise CLIError(f"{module_part!r} has no attribute {attr!r}") from None
    spec = find_spec(obj)
    if spec is None:
        raise CLIError(
            f"{target!r} is a {type(obj).__module__}.{type(obj).__qualname__}: "
            "expected a SocketIOSpec, or a server or app with a SocketIOSpec "
            "attached (none found)"
        )
    return spec


def _looks_like_path(text: str) -> bool:
    return text.endswith(".py") or "/" in text or os.sep in text


def _import_file(path_text: str) -> Any:
    path = pathlib.Path(path_text).resolve()
    if not path.is_file():
        raise CLIError(f"file not found: {path_text}")
    directory = str(path.parent)
    if directory not in sys.path:
        sys.path.insert(0, directory)
    name = path.stem if path.stem.isidentifier() else "_sio_spec_target"
    existing = sys.modules.get(name)
    if existing is not None:
        if pathlib.Path(getattr(existing, "__file__", "") or "").resolve() == path:
            return existing
        name = f"_sio_spec_target_{name}"
    module_spec = importlib.util.spec_from_file_location(name, path)
    if module_spec is None or module_spec.loader is None:
        raise CLIError(f"cannot import {path_text}: not a Python file")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    try:
        module_spec.loader.exec_module(module)
    except BaseException as exc:
        sys.modules.pop(name, None)
        _import_failed(path_text, exc)
    return module


def _import_module(name: str) -> Any:
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)  # like ``python -m``: modules of the current directory
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (name == exc.name or name.startswith(exc.name + ".")):
            raise CLIError(f"module not found: {name!r}") from exc
        _import_failed(name, exc)
    except BaseException as exc:
        _import_failed(name, exc)


def _describe(exc: BaseException) -> str:
    """``Type: first line of the message`` (errors are reported on one line)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    return f"{type(exc).__name__}: {lines[0]}" + (" ..." if len(lines) > 1 else "")


def _import_failed(what: str, exc: BaseException) -> Any:
    if isinstance(exc, KeyboardInterrupt):
        raise exc
    detail = _describe(exc)
    raise CLIError(f"error while importing {what!r}: {detail}") from exc


def find_spec(obj: Any, _depth: int = 0) -> SocketIOSpec | None:
    """The spec behind ``obj``: itself, the one attached to a server, or the one of
    the server an app wraps (``socketio.ASGIApp``/``WSGIApp``, Flask's
    ``extensions['socketio']``, middleware ``.app`` / ``.wsgi_app``)."""
    if isinstance(obj, SocketIOSpec):
        return obj
    if _depth > 6 or obj is None or isinstance(obj, (str, bytes, int, float, Mapping)):
        return None
    attached = getattr(obj, "__dict__", {}).get("_sio_spec")
    if isinstance(attached, SocketIOSpec):
        return attached
    source = getattr(getattr(obj, "routes", None), "source", None)  # the docs apps
    served = getattr(source, "spec", None)
    if isinstance(served, SocketIOSpec):
        return served
    extensions = getattr(obj, "extensions", None)
    candidates: list[Any] = []
    if isinstance(extensions, Mapping):
        candidates.append(extensions.get("socketio"))
    for name in (
        "engineio_server",
        "engineio_app",
        "server",
        "other_asgi_app",
        "other_wsgi_app",
        "wsgi_app",
        "app",
    ):
        candidates.append(getattr(obj, "__dict__", {}).get(name))
    for candidate in candidates:
        if candidate is not None and candidate is not obj:
            found = find_spec(candidate, _depth + 1)
            if found is not None:
                return found
    return None


def load_document_file(path_text: str) -> dict[str, Any]:
    """An AsyncAPI document read from a ``.json`` / ``.yaml`` file."""
    path = pathlib.Path(path_text)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CLIError(f"cannot read {path_text}: {exc.strerror or exc}") from exc
    try:
        if path.suffix == ".json":
            data = json.loads(text)
        else:
            from ruamel.yaml import YAML

            data = YAML(typ="safe").load(text)
    except Exception as exc:
        raise CLIError(
            f"{path_text} is not valid {path.suffix[1:].upper()}: {type(exc).__name__}"
        ) from exc
    if not isinstance(data, dict) or "asyncapi" not in data:
        raise CLIError(f"{path_text} is not an AsyncAPI document (no 'asyncapi' field)")
    return data


# -- commands --------------------------------------------------------------------------------


_SUFFIX_FORMATS = {".json": "json", ".ts": "typescript", ".mts": "typescript"}


def _format_for(path: str | None, explicit: str | None) -> str:
    if explicit:
        return explicit
    suffix = pathlib.Path(path).suffix if path is not None else ""
    return _SUFFIX_FORMATS.get(suffix, "yaml")


def render(spec: SocketIOSpec, fmt: str, version: str | None) -> str:
    """Exactly what ``export`` writes: the document (or the TypeScript types) with one
    final newline."""
    if fmt == "typescript":
        text = spec.typescript()
    else:
        text = spec.to_json(version) if fmt == "json" else spec.to_yaml(version)
    return text if text.endswith("\n") else text + "\n"


def cmd_export(args: argparse.Namespace) -> int:
    spec = load_target(args.target)
    text = render(spec, _format_for(args.output, args.format), args.asyncapi_version)
    if args.output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    try:
        with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as exc:
        raise CLIError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    spec = load_target(args.target)
    expected = render(spec, _format_for(args.file, None), args.asyncapi_version)
    fix = [PROG, "export", args.target, "-o", args.file]
    if args.asyncapi_version:
        fix += ["--asyncapi-version", args.asyncapi_version]
    command = shlex.join(fix)
    path = pathlib.Path(args.file)
    if not path.exists():
        print(f"{PROG}: {args.file} does not exist; create it with: {command}", file=sys.stderr)
        return 1
    try:
        current = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CLIError(f"cannot read {args.file}: {exc}") from exc
    if current == expected:
        print(f"{args.file} is up to date", file=sys.stderr)
        return 0
    diff = difflib.unified_diff(
        current.splitlines(keepends=True),
        expected.splitlines(keepends=True),
        fromfile=args.file,
        tofile=f"{args.target} (generated)",
    )
    for line in diff:
        sys.stdout.write(line if line.endswith("\n") else line + "\n")
    sys.stdout.flush()
    print(f"{PROG}: {args.file} is out of date; update it with: {command}", file=sys.stderr)
    return 1


def cmd_serve(args: argparse.Namespace) -> int:
    source: SocketIOSpec | dict[str, Any]
    if (
        pathlib.Path(args.target).suffix in DOCUMENT_SUFFIXES
        and ":" not in pathlib.Path(args.target).name
    ):
        source = load_document_file(args.target)
    else:
        source = load_target(args.target)
    import asyncio

    try:
        import aiohttp  # noqa: F401
    except ImportError:
        raise CLIError("serve needs aiohttp: pip install 'sio-spec[aiohttp]'") from None
    asyncio.run(_serve(source, args.host, args.port))
    return 0


async def _serve(source: SocketIOSpec | dict[str, Any], host: str, port: int) -> None:
    import asyncio
    import signal

    from aiohttp import web

    from .web import aiohttp_docs

    app = web.Application()
    aiohttp_docs(source, app)

    async def index(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/asyncapi")

    app.router.add_get("/", index)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    if sys.platform != "win32":  # the Windows event loop takes no signal handlers
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0]
        shown = f"[{bound[0]}]" if ":" in str(bound[0]) else bound[0]
        print(
            f"Serving the AsyncAPI docs at http://{shown}:{bound[1]}/asyncapi "
            "(press CTRL+C to quit)",
            flush=True,
        )
        await stop.wait()
    finally:
        await runner.cleanup()


# -- entry point -----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Export, check and serve the AsyncAPI document of a python-socketio app.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    target_help = (
        "module:attr or path/to/file.py:attr naming a SocketIOSpec, or a server "
        "or app with one attached"
    )
    version_help = f"AsyncAPI version ({', '.join(VERSIONS)}; default: the spec's)"

    export = commands.add_parser(
        "export",
        help="write the AsyncAPI document",
        description="Write the AsyncAPI document (stdout by default).",
    )
    export.add_argument("target", metavar="TARGET", help=target_help)
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    export.add_argument(
        "--format",
        choices=("yaml", "json", "typescript"),
        help="output format: the document as yaml or json, or TypeScript types for "
        "socket.io-client (default: from FILE's extension, .ts for typescript; else yaml)",
    )
    export.add_argument("--asyncapi-version", choices=VERSIONS, metavar="V", help=version_help)
    export.set_defaults(func=cmd_export)

    check = commands.add_parser(
        "check",
        help="fail when a saved document is out of date",
        description="Exit 0 when FILE (a document, or TypeScript types for a .ts file) "
        "matches what export would write, 1 with a diff if not.",
    )
    check.add_argument("target", metavar="TARGET", help=target_help)
    check.add_argument(
        "file", metavar="FILE", help="the saved document (.json, .yaml) or TypeScript types (.ts)"
    )
    check.add_argument("--asyncapi-version", choices=VERSIONS, metavar="V", help=version_help)
    check.set_defaults(func=cmd_check)

    serve = commands.add_parser(
        "serve",
        help="serve the docs page",
        description="Serve the docs page at /asyncapi (needs aiohttp).",
    )
    serve.add_argument(
        "target", metavar="TARGET|FILE", help=target_help + "; or a .json/.yaml AsyncAPI document"
    )
    serve.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="default: 8000 (0: any free port)")
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sio-spec``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except CLIError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"{PROG}: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        print(f"{PROG}: error: {_describe(exc)}", file=sys.stderr)
        return 2

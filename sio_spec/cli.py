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
import pathlib
import shlex
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from . import __version__
from .cli_options import CLIError as CLIError
from .cli_options import add_limits as _add_limits
from .cli_options import limits as _limits
from .contract import contract_of
from .diff import diff_contracts, disagreements, reaches, render_json, render_markdown, render_text
from .guard import Limits
from .loader import (
    TargetError,
    code_contract,
    describe_exception,
    load_contract,
    load_source,
    load_target,
)
from .model import VERSIONS
from .spec import SocketIOSpec

PROG = "sio-spec"


# -- commands --------------------------------------------------------------------------------


_SUFFIX_FORMATS = {".json": "json", ".ts": "typescript", ".mts": "typescript"}


def _format_for(path: str | None, explicit: str | None) -> str:
    if explicit:
        return explicit
    suffix = pathlib.Path(path).suffix if path is not None else ""
    return _SUFFIX_FORMATS.get(suffix, "yaml")


def render(spec: SocketIOSpec, fmt: str, version: str | None) -> str:
    """Exactly what ``export`` writes: the document, the TypeScript types or the agent
    catalog, with one final newline."""
    if fmt == "agent":  # the compact event catalog for agents, as JSON
        from .writers.agent import agent_schema_json

        return agent_schema_json(spec.agent_schema(version)) + "\n"
    if fmt == "typescript":
        text = spec.typescript()
    else:
        text = spec.to_json(version) if fmt == "json" else spec.to_yaml(version)
    return text if text.endswith("\n") else text + "\n"


def strict_check(spec: SocketIOSpec, version: str | None) -> None:
    """With ``--strict``: what the document would leave out with a warning (an
    example that does not match its schema) is an error instead. A
    :meth:`~sio_spec.SocketIOSpec.from_document` spec publishes its document as
    given: each of that document's examples must match its schema."""
    from .asyncapi import build
    from .errors import SpecError

    if spec.published_versions != VERSIONS:  # a from_document spec: one fixed document
        _check_published_examples(spec)
        return
    try:
        build(
            spec.info,
            spec.specs(),
            version=version or spec.asyncapi_version,
            validation=spec.validate,
            strict=True,
        )
    except SpecError as exc:
        raise CLIError(f"{exc} (--strict)") from exc


def _check_published_examples(spec: SocketIOSpec) -> None:
    from .asyncapi.examples import ExampleChecker

    contract = contract_of(spec)
    checker = ExampleChecker(dict(contract.schemas))
    for event in contract.events():
        for number, example in enumerate(event.examples, 1):
            for argument, value in zip(event.args or (), example, strict=False):
                if argument.schema is None:
                    continue
                problem = checker.check(argument.schema, value)
                if problem is not None:
                    raise CLIError(
                        f"example {number} of {event.name!r} on {event.namespace!r} "
                        f"({argument.name}) does not match its schema: {problem} (--strict)"
                    )


def cmd_export(args: argparse.Namespace) -> int:
    spec = load_target(args.target)
    if args.strict:
        strict_check(spec, args.asyncapi_version)
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
    if args.against is not None:
        return _check_against(args)
    spec = load_target(args.target)
    if args.strict:
        strict_check(spec, args.asyncapi_version)
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


def _check_against(args: argparse.Namespace) -> int:
    code = code_contract(load_target(args.target))
    contract = load_contract(args.against, _limits(args))
    found = disagreements(contract, code)
    if not found:
        print(f"{args.target} keeps the contract {args.against}", file=sys.stderr)
        return 0
    sys.stdout.write(render_text(found))
    sys.stdout.flush()
    print(
        f"{PROG}: {args.target} disagrees with {args.against} in {len(found)} place(s)",
        file=sys.stderr,
    )
    return 1


def cmd_diff(args: argparse.Namespace) -> int:
    limits = _limits(args)
    changes = diff_contracts(load_contract(args.old, limits), load_contract(args.new, limits))
    renderers = {"text": render_text, "markdown": render_markdown, "json": render_json}
    sys.stdout.write(renderers[args.format](changes))
    sys.stdout.flush()
    return 1 if any(reaches(c, args.fail_on) for c in changes) else 0


def cmd_serve(args: argparse.Namespace) -> int:
    source = load_source(args.target, _limits(args))
    import asyncio

    try:
        import aiohttp  # noqa: F401
    except ImportError:
        raise CLIError("serve needs aiohttp: pip install 'sio-spec[aiohttp]'") from None
    asyncio.run(_serve(source, args.host, args.port, args.viewer))
    return 0


async def _serve(
    source: SocketIOSpec | dict[str, Any], host: str, port: int, viewer: str = "sio-spec"
) -> None:
    import asyncio
    import signal

    from aiohttp import web

    from .web import aiohttp_docs

    app = web.Application()
    # no Socket.IO server runs here, so the page has no console to connect with
    aiohttp_docs(source, app, viewer=viewer, console=False)

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


# -- mock ------------------------------------------------------------------------------------


def cmd_mock(args: argparse.Namespace) -> int:
    limits = _limits(args)
    document = _mock_document(args.document, limits)
    try:
        import uvicorn  # noqa: F401
    except ImportError:
        raise CLIError("mock needs uvicorn: pip install 'sio-spec[asgi]'") from None
    from .contract import ContractError
    from .errors import SpecError
    from .mock import Mock

    try:
        mock = Mock(
            document,
            seed=args.seed,
            emit_every=args.emit_every,
            max_bytes=limits.max_bytes,
            max_nodes=limits.max_nodes,
            max_depth=limits.max_depth,
            max_number_digits=limits.max_number_digits,
        )
    except (ContractError, SpecError) as exc:
        raise TargetError(f"{args.document} is not a valid AsyncAPI document: {exc}") from exc
    import asyncio

    asyncio.run(_serve_mock(mock, args.host, args.port))
    return 0


def _mock_document(source: str, limits: Limits) -> dict[str, Any]:
    """The document of a document file, ``git:REF:PATH`` or a TARGET, read as ``diff``
    reads its contracts (the mock reads the contract, with the same errors)."""
    from .targets import is_document_file, load_document_file, load_git_document

    if source.startswith("git:"):
        return load_git_document(source, limits)
    if is_document_file(source):
        return load_document_file(source, limits)
    return dict(load_target(source).asyncapi())


async def _serve_mock(mock: Any, host: str, port: int) -> None:
    import logging
    import socket

    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise CLIError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    config = uvicorn.Config(mock.app, log_level="warning", access_log=False, lifespan="on")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log = logging.getLogger("sio_spec")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    bound = sock.getsockname()
    shown = f"[{bound[0]}]" if family == socket.AF_INET6 else bound[0]
    every = "" if mock.emit_every is None else f", server events every {mock.emit_every:g} s"
    print(
        f"Mock of {mock.contract.title!r} at http://{shown}:{bound[1]} (Socket.IO at "
        f"/socket.io/, docs at /asyncapi{every}; press CTRL+C to quit)",
        flush=True,
    )
    try:
        await uvicorn.Server(config).serve(sockets=[sock])
    finally:
        log.removeHandler(handler)
        sock.close()


def _add_mock_parser(commands: Any) -> None:
    mock = commands.add_parser(
        "mock",
        help="run a Socket.IO server that answers as a document says",
        description=(
            "Serve a mock Socket.IO server (ASGI, under uvicorn) for an AsyncAPI document "
            "(.json/.yaml/.yml, git:REF:PATH or a TARGET): client events and connect auth "
            "are validated, acks answered with the document's examples, then with generated "
            "data; the docs page and console are at /asyncapi. Needs sio-spec[asgi]."
        ),
    )
    mock.add_argument("document", metavar="DOCUMENT", help="the AsyncAPI document to serve")
    mock.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
    mock.add_argument("--port", type=int, default=8000, help="default: 8000 (0: any free port)")
    mock.add_argument(
        "--emit-every",
        type=_positive_seconds,
        metavar="SECONDS",
        help="emit every server event to the clients of its namespace this often (default: off)",
    )
    mock.add_argument(
        "--seed", type=int, help="make the generated answers repeatable (default: random)"
    )
    _add_limits(mock)
    mock.set_defaults(func=cmd_mock)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return value


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
    strict_help = (
        "fail (exit 2) when an example does not match its schema, instead of "
        "leaving it out with a warning"
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
        choices=("yaml", "json", "typescript", "agent"),
        help="output format: the document as yaml or json, TypeScript types for "
        "socket.io-client, or agent: the compact event catalog for agents (JSON, every "
        "schema inlined) (default: from FILE's extension, .ts for typescript; else yaml)",
    )
    export.add_argument("--asyncapi-version", choices=VERSIONS, metavar="V", help=version_help)
    export.add_argument("--strict", action="store_true", help=strict_help)
    export.set_defaults(func=cmd_export)

    check = commands.add_parser(
        "check",
        help="fail when a saved document is out of date",
        description="Exit 0 when FILE (a document, or TypeScript types for a .ts file) "
        "matches what export would write, 1 with a diff if not.",
    )
    check.add_argument("target", metavar="TARGET", help=target_help)
    check.add_argument(
        "file",
        metavar="FILE",
        nargs="?",
        help="the saved document (.json, .yaml) or TypeScript types (.ts)",
    )
    check.add_argument(
        "--against",
        metavar="CONTRACT",
        help=(
            "instead of FILE: exit 1 naming each place where the code disagrees with "
            "this contract (a document file or git:REF:PATH)"
        ),
    )
    check.add_argument("--asyncapi-version", choices=VERSIONS, metavar="V", help=version_help)
    check.add_argument("--strict", action="store_true", help=strict_help)
    _add_limits(check)
    check.set_defaults(func=cmd_check)

    diff = commands.add_parser(
        "diff",
        help="list the changes between two contracts, by what clients experience",
        description=(
            "Compare two AsyncAPI contracts. OLD and NEW are each a document file "
            "(.yaml/.yml/.json; AsyncAPI 2.6, 3.0 or 3.1), git:REF:PATH, or a TARGET. "
            "Exit 1 when a change reaches --fail-on, 0 otherwise, 2 on usage errors."
        ),
    )
    diff.add_argument("old", metavar="OLD", help="the contract clients use today")
    diff.add_argument("new", metavar="NEW", help="the changed contract")
    diff.add_argument(
        "--format", choices=("text", "markdown", "json"), default="text", help="default: text"
    )
    diff.add_argument(
        "--fail-on",
        choices=("breaking", "warning", "none"),
        default="breaking",
        help="exit 1 when a change is at least this severe (default: breaking)",
    )
    _add_limits(diff)
    diff.set_defaults(func=cmd_diff)

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
    serve.add_argument(
        "--viewer",
        choices=("sio-spec", "asyncapi-react"),
        default="sio-spec",
        help="sio-spec: the built-in page, works offline (default); asyncapi-react: the "
        "AsyncAPI React component from its CDN",
    )
    _add_limits(serve)
    serve.set_defaults(func=cmd_serve)

    # the fuzz runner's module brings python-socketio's clients: read it only here
    from .fuzz.command import add_command as add_fuzz_command

    add_fuzz_command(commands)
    _add_mock_parser(commands)
    return parser


def _take_debug(argv: Sequence[str]) -> tuple[list[str], bool]:
    """``--debug`` is accepted anywhere before a ``--``: take it out of the arguments
    the subcommands parse."""
    rest = list(argv)
    end = rest.index("--") if "--" in rest else len(rest)
    debug = "--debug" in rest[:end]
    return [a for i, a in enumerate(rest) if i >= end or a != "--debug"], debug


#: The formats a file extension stands for (``check`` reads a file by its extension).
_EXTENSION_FORMATS = {
    ".json": ("json", "agent"),
    ".yaml": ("yaml",),
    ".yml": ("yaml",),
    ".ts": ("typescript",),
    ".mts": ("typescript",),
}


def _format_clash(fmt: str, output: str) -> str | None:
    """Why ``export --format FMT -o OUTPUT`` would write a file ``check`` cannot read
    back, or ``None``."""
    suffix = pathlib.Path(output).suffix
    allowed = _EXTENSION_FORMATS.get(suffix)
    if allowed is None or fmt in allowed:
        return None
    return (
        f"--format {fmt} does not match the extension of {output} ({suffix} holds "
        f"{' or '.join(allowed)}): change the extension or leave out --format"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sio-spec``; returns the exit status."""
    parser = build_parser()
    arguments, debug = _take_debug(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(arguments)
    args.debug = args.debug or debug
    if args.command == "check" and (args.file is None) == (args.against is None):
        parser.error("check needs FILE or --against CONTRACT (one of them)")
    if args.command == "check" and args.against is not None:
        for given, option in (
            (args.strict, "--strict"),
            (args.asyncapi_version, "--asyncapi-version"),
        ):
            if given:
                parser.error(f"{option} does not apply to check --against")
    if args.command == "export" and args.format and args.output is not None:
        clash = _format_clash(args.format, args.output)
        if clash:
            print(f"{PROG}: error: {clash}", file=sys.stderr)
            return 2
    if args.command in ("export", "check") and args.asyncapi_version:
        if args.command == "export":
            fmt = _format_for(args.output, args.format)
        else:
            fmt = _format_for(args.file, None) if args.file is not None else "yaml"
        if fmt in ("typescript", "agent"):
            source = {
                "typescript": "the types are written from the contract, whatever its version",
                "agent": "the catalog is read from the spec's 3.x document, "
                "or from the document a contract-first spec publishes",
            }[fmt]
            parser.error(f"--asyncapi-version does not apply to {fmt} output ({source})")
    try:
        return int(args.func(args))
    except (CLIError, TargetError) as exc:
        if args.debug:
            traceback.print_exc()
        print(f"{PROG}: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        print(f"{PROG}: error: {describe_exception(exc)}", file=sys.stderr)
        return 2

"""``sio-spec fuzz``: the command line of the fuzz runner."""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import shlex
import sys
import urllib.parse
from typing import TYPE_CHECKING, Any, TextIO

from ..contract import Contract, contract_of
from ..targets import is_document_file, load_contract, load_target
from .report import render, render_text

if TYPE_CHECKING:
    from .channels import Channel

FORMATS = ("text", "json", "junit")


def add_command(commands: Any) -> None:
    """Add ``fuzz`` to the ``sio-spec`` sub-commands."""
    fuzz = commands.add_parser(
        "fuzz",
        help="prove that a server keeps its contract",
        description=(
            "Send payloads generated from the contract (valid ones, and valid ones broken "
            "in one place) and check every answer against it. In process for a TARGET; "
            "over a real connection with --url, where TARGET may also be a document file "
            "or the URL the server publishes its document at. Each finding is shrunk to "
            "a minimal payload. Exit 0 without findings, 1 with findings, 2 on usage errors."
        ),
    )
    fuzz.add_argument(
        "target",
        metavar="TARGET",
        help="module:attr or path/to/file.py:attr naming a SocketIOSpec, or a server or app "
        "with one attached; or a .json/.yaml AsyncAPI document (with --url); or the http(s) "
        "URL a running server publishes its document at",
    )
    fuzz.add_argument(
        "--url",
        metavar="URL",
        help="fuzz the server running at URL over a real connection (default: in process)",
    )
    fuzz.add_argument(
        "--examples",
        type=int,
        default=100,
        metavar="N",
        help="payloads per check before shrinking (default: 100)",
    )
    fuzz.add_argument("--seed", type=int, metavar="S", help="repeat the run of this seed")
    fuzz.add_argument(
        "--namespace",
        action="append",
        metavar="NS",
        help="only this namespace (repeatable)",
    )
    fuzz.add_argument(
        "--event",
        action="append",
        metavar="E",
        help="only this client event; 'connect' for connect auth (repeatable)",
    )
    fuzz.add_argument(
        "--auth",
        metavar="JSON",
        help="connect auth for every namespace instead of generated auth (connect auth is "
        "then not fuzzed)",
    )
    fuzz.add_argument(
        "--timeout",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="how long to wait for an ack (default: 5)",
    )
    fuzz.add_argument("--format", choices=FORMATS, default="text", help="default: text")
    fuzz.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the report to FILE (a text summary still goes to stdout)",
    )
    from ..cli_options import add_limits as _add_limits  # the reading limits of every reader

    _add_limits(fuzz)
    fuzz.set_defaults(func=cmd_fuzz)


def _error(message: str) -> Exception:
    from ..cli_options import CLIError

    return CLIError(message)


def cmd_fuzz(args: argparse.Namespace) -> int:
    """Run ``sio-spec fuzz``; 0 without findings, 1 with findings."""
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        raise _error('fuzz needs hypothesis: pip install "sio-spec[fuzz]"') from None
    if args.examples < 1:
        raise _error("--examples must be at least 1")
    if args.timeout <= 0:
        raise _error("--timeout must be positive")
    auth: Any = None
    if args.auth is not None:
        try:
            auth = json.loads(args.auth)
        except ValueError:
            raise _error("--auth is not valid JSON") from None
    from .channels import RemoteChannel

    contract, channel = _resolve(args)
    _check_names(contract, args.namespace, args.event)
    quiet = not getattr(args, "debug", False) and not isinstance(channel, RemoteChannel)
    progress = _Progress(sys.stderr) if sys.stderr.isatty() else None
    from . import run

    if quiet:  # the server's own logs of what the fuzzer provokes
        logging.disable(logging.CRITICAL)
    from .channels import Unreachable

    try:
        report = run(
            contract,
            channel,
            examples=args.examples,
            seed=args.seed,
            events=args.event,
            namespaces=args.namespace,
            auth=auth,
            auth_given=args.auth is not None,
            timeout=args.timeout,
            replay=lambda seed, ns, ev: _replay(args, seed, ns, ev),
            progress=progress,
        )
    except Unreachable as exc:
        raise _error(f"{args.url or args.target}: {exc}") from None
    finally:
        if quiet:
            logging.disable(logging.NOTSET)
        if progress is not None:
            progress.clear()
    text = render(report, args.format)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise _error(f"cannot write {args.output}: {exc.strerror or exc}") from None
        if args.format != "text":
            sys.stdout.write(render_text(report))
    else:
        sys.stdout.write(text)
    return 1 if report.findings else 0


def _resolve(args: argparse.Namespace) -> tuple[Contract, Channel]:
    from ..cli_options import limits as _limits
    from .channels import AsyncLocalChannel, LocalChannel, RemoteChannel

    target: str = args.target
    url: str | None = args.url
    limits = _limits(args)
    if target.startswith(("http://", "https://")):
        from ..client import fetch_document
        from ..contract import ContractError, read_contract

        try:
            contract = read_contract(fetch_document(target, limits=limits))
        except ContractError as exc:
            raise _error(str(exc)) from None
        except OSError as exc:
            raise _error(f"cannot fetch {target}: {type(exc).__name__}") from None
        if url is None:
            parts = urllib.parse.urlsplit(target)
            url = f"{parts.scheme}://{parts.netloc}"
        return contract, RemoteChannel(url)
    if is_document_file(target):
        if url is None:
            raise _error("a document TARGET needs --url: the server to fuzz")
        return load_contract(target, limits), RemoteChannel(url)
    spec = load_target(target)
    contract = contract_of(spec)
    if url is not None:
        return contract, RemoteChannel(url)
    server = spec._target
    if server is None:
        raise _error(f"{target!r} is not attached to a server: nothing to fuzz in process")
    from ..testing.target import Target as _Target

    if _Target(spec).server.is_asyncio_based():
        return contract, AsyncLocalChannel(spec)
    return contract, LocalChannel(spec)


def _check_names(contract: Contract, namespaces: Any, events: Any) -> None:
    """``--namespace`` / ``--event`` must name something of the contract."""
    paths = [ns.path for ns in contract.namespaces]
    for path in namespaces or ():
        if path not in paths:
            raise _error(f"--namespace {path!r}: the contract has {_listing(paths)}")
    names = sorted(
        {e.name for e in contract.events() if e.direction == "client-to-server"} | {"connect"}
    )
    for name in events or ():
        if name not in names:
            close = difflib.get_close_matches(name, names, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise _error(f"--event {name!r}: no client event of that name{hint}")


def _listing(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names[:10]) + (" ..." if len(names) > 10 else "")


def _replay(args: argparse.Namespace, seed: int, namespace: str, event: str) -> str:
    words = ["sio-spec", "fuzz", args.target]
    if args.url:
        words += ["--url", args.url]
    words += ["--seed", str(seed), "--examples", str(args.examples)]
    words += ["--namespace", namespace, "--event", event]
    if args.auth is not None:
        words += ["--auth", args.auth]
    if args.timeout != 5.0:
        words += ["--timeout", f"{args.timeout:g}"]
    return shlex.join(words)


class _Progress:
    """A one-line progress bar on a terminal."""

    WIDTH = 24

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False

    def __call__(self, done: int, total: int, label: str) -> None:
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        label = "".join(c if c.isprintable() else "?" for c in label)[:40]
        self.stream.write(f"\r\x1b[2K[{bar}] {done}/{total} {label}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()

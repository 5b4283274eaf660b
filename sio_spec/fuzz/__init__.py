"""Prove that a server keeps its contract: ``sio-spec fuzz`` and
:func:`sio_spec.testing.fuzz`.

Payloads are generated from the contract's schemas by :mod:`sio_spec.datagen`
(valid ones, and valid ones broken in one place) and sent in process through
:mod:`sio_spec.testing` or over a real connection; what comes back is checked
against the contract. Each failure is shrunk by hypothesis to a minimal payload.
hypothesis is needed only while a run is going (``pip install "sio-spec[fuzz]"``).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..contract import Contract, contract_of, load_document, read_contract
from ..errors import SpecError
from .report import (
    KINDS,
    Check,
    Finding,
    FuzzReport,
    render,
    render_json,
    render_junit,
    render_text,
)

if TYPE_CHECKING:
    from .channels import Channel

#: Names read from :mod:`sio_spec.fuzz.channels` when first used (it imports
#: python-socketio's clients).
_CHANNELS = ("AsyncLocalChannel", "Channel", "LocalChannel", "RemoteChannel", "Unreachable")


def __getattr__(name: str) -> Any:
    if name in _CHANNELS:
        from . import channels

        return getattr(channels, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "KINDS",
    "Check",
    "Finding",
    "FuzzReport",
    "fuzz",
    "render",
    "render_json",
    "render_junit",
    "render_text",
    "run",
]


def require_hypothesis() -> None:
    """Raise :class:`SpecError` naming the extra when hypothesis is missing."""
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        raise SpecError('fuzzing needs hypothesis: pip install "sio-spec[fuzz]"') from None


def run(
    contract: Contract,
    channel: Channel,
    *,
    examples: int = 100,
    seed: int | None = None,
    events: Iterable[str] | None = None,
    namespaces: Iterable[str] | None = None,
    auth: Any = None,
    auth_given: bool = False,
    timeout: float = 5.0,
    replay: Callable[[int, str, str], str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> FuzzReport:
    """Check ``contract`` against the server behind ``channel``.

    ``replay(seed, namespace, event)`` gives the command shown with each finding."""
    require_hypothesis()
    from .runner import Runner

    runner = Runner(
        contract,
        channel,
        examples=examples,
        seed=seed,
        events=events,
        namespaces=namespaces,
        auth=auth,
        auth_given=auth_given,
        timeout=timeout,
        progress=progress,
    )
    if replay is not None:
        chosen = runner.seed
        runner.replay = lambda ns, ev: replay(chosen, ns, ev)
    return runner.run()


def _contract_of(document: Any) -> Contract:
    if isinstance(document, Contract):
        return document
    if isinstance(document, (Mapping, str, os.PathLike)):
        return read_contract(load_document(document))
    raise SpecError(
        "document must be a Contract, an AsyncAPI document (dict), or its path or text; "
        f"got a {type(document).__name__}"
    )


def fuzz(
    server_or_spec: Any,
    *,
    examples: int = 100,
    seed: int | None = None,
    events: Iterable[str] | None = None,
    namespaces: Iterable[str] | None = None,
    auth: Any = None,
    document: Any = None,
    url: str | None = None,
    timeout: float = 5.0,
) -> FuzzReport:
    """Check that a server keeps its contract; returns a :class:`FuzzReport`
    (``report.raise_for_findings()`` makes a pytest test one line).

    ``server_or_spec``: anything :class:`sio_spec.testing.TestClient` or
    :class:`~sio_spec.testing.AsyncTestClient` accepts (a python-socketio server,
    Flask-SocketIO, an ASGI/WSGI app around one, a :class:`~sio_spec.SocketIOSpec`),
    driven in process; or ``None`` with ``url=`` to reach a running server over a
    real connection. The contract is the attached spec's, or ``document`` (an
    AsyncAPI document as a dict, path or text, or a
    :class:`~sio_spec.contract.Contract`) for a server without a spec.

    ``examples``: payloads per check (before shrinking); ``seed``: repeat a run
    (the report says which seed ran); ``events`` / ``namespaces``: only these;
    ``auth``: connect auth to use everywhere instead of generated auth (connect
    auth is then not fuzzed); ``timeout``: seconds to wait for an ack.
    """
    from .channels import AsyncLocalChannel, LocalChannel, RemoteChannel

    contract: Contract | None = _contract_of(document) if document is not None else None
    if url is not None:
        if contract is None:
            if server_or_spec is None:
                raise SpecError("fuzz(url=...) needs document=... or a spec to read the contract")
            contract = _spec_contract(server_or_spec)
        return _run_sync(contract, lambda: RemoteChannel(url), _options(locals()))
    if server_or_spec is None:
        raise SpecError("pass a server (in process) or url=... (a running server)")
    from ..testing.target import Target as _Target

    target = _Target(server_or_spec)
    if contract is None:
        if target.spec is None:
            raise SpecError(
                "no SocketIOSpec is attached to this server: pass document=... with its contract"
            )
        contract = contract_of(target.spec)
    if target.server.is_asyncio_based():
        return _run_async(contract, lambda: AsyncLocalChannel(server_or_spec), _options(locals()))
    return _run_sync(contract, lambda: LocalChannel(server_or_spec), _options(locals()))


def _spec_contract(obj: Any) -> Contract:
    from ..testing.target import Target as _Target

    spec = _Target(obj).spec
    if spec is None:
        raise SpecError("no SocketIOSpec is attached to this server: pass document=...")
    return contract_of(spec)


def _names(value: Any) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def _options(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "examples": values["examples"],
        "seed": values["seed"],
        "events": _names(values["events"]),
        "namespaces": _names(values["namespaces"]),
        "auth": values["auth"],
        "auth_given": values["auth"] is not None,
        "timeout": values["timeout"],
        "document": values["document"] is not None,
        "url": values["url"],
    }


def _python_replay(options: dict[str, Any]) -> Callable[[int, str, str], str]:
    def replay(seed: int, namespace: str, event: str) -> str:
        extra = ", auth=..." if options["auth_given"] else ""
        if options["document"]:
            extra += ", document=..."
        if options["url"] is not None:
            extra += f", url={options['url']!r}"
        return (
            f"sio_spec.testing.fuzz(server, seed={seed}, examples={options['examples']}, "
            f"namespaces=[{namespace!r}], events=[{event!r}]{extra})"
        )

    return replay


def _run_sync(
    contract: Contract, make: Callable[[], Channel], options: dict[str, Any]
) -> FuzzReport:
    replay = _python_replay(options)
    settings = {k: v for k, v in options.items() if k not in ("document", "url")}
    return run(contract, make(), replay=replay, **settings)


def _run_async(
    contract: Contract, make: Callable[[], Channel], options: dict[str, Any]
) -> FuzzReport:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _run_sync(contract, make, options)
    # called from a coroutine: the in-process client needs a loop of its own
    box: list[Any] = []

    def work() -> None:
        try:
            box.append(_run_sync(contract, make, options))
        except BaseException as exc:
            box.append(exc)

    thread = threading.Thread(target=work, name="sio-spec-fuzz", daemon=True)
    thread.start()
    thread.join()
    if isinstance(box[0], BaseException):
        raise box[0]
    report: FuzzReport = box[0]
    return report


__all__ += list(_CHANNELS)

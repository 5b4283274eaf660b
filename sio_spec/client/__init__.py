"""A python-socketio client held to the server's contract.

``ClientSpec(client, source)`` attaches to a ``socketio.Client``, ``AsyncClient``,
``SimpleClient`` or ``AsyncSimpleClient``. ``source`` is the server's
:class:`~sio_spec.SocketIOSpec` (shared models: handlers get model instances) or an
AsyncAPI document (a dict, a path, document text, or :meth:`ClientSpec.from_url`),
whose schemas become validators compiled once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .. import guard
from ..adapters import Hooks
from ..contract import (
    Contract,
    ContractError,
    _read_contract,
    contract_of,
    load_document,
    parse_document,
)
from ..errors import SpecError, ValidationError
from ..guard import MAX_BYTES, MAX_DEPTH, MAX_NODES, MAX_NUMBER_DIGITS, Limits
from .hooks import (
    async_client_hooks,
    async_simple_client_hooks,
    client_hooks,
    simple_client_hooks,
)
from .steps import ClientPipeline, Plans, UnknownEvents

if TYPE_CHECKING:
    from ..spec import SocketIOSpec

__all__ = ["ClientSpec"]

#: How long :meth:`ClientSpec.from_url` waits for the document, in seconds.
FETCH_TIMEOUT = 10.0


def _kind(client: Any) -> str:
    import socketio

    for cls, kind in (
        (socketio.AsyncSimpleClient, "async_simple"),
        (socketio.SimpleClient, "simple"),
        (socketio.AsyncClient, "async"),
        (socketio.Client, "sync"),
    ):
        if isinstance(client, cls):
            return kind
    raise SpecError(
        f"ClientSpec attaches to a socketio.Client, AsyncClient, SimpleClient or "
        f"AsyncSimpleClient, not a {type(client).__module__}.{type(client).__qualname__}"
    )


_HOOKS = {
    "sync": client_hooks,
    "async": async_client_hooks,
    "simple": simple_client_hooks,
    "async_simple": async_simple_client_hooks,
}


class ClientSpec:
    """Validation of what a python-socketio client sends and receives.

    Before sending, ``emit`` / ``call`` payloads and connect ``auth`` are checked
    against what the server accepts and serialized (:class:`~sio_spec.EmitValidationError`,
    nothing sent). Server events are checked before the client's handlers run (an
    invalid one is logged at WARNING and the handler is not called); handler type
    hints give models. ``call()`` returns the validated ack, raises
    :class:`~sio_spec.RemoteValidationError` for the server's validation-error ack,
    :class:`~sio_spec.RemoteInternalError` for its internal error, and
    :class:`~sio_spec.AckValidationError` for an ack the contract does not allow.
    Replies to server ``call()``\\ s are checked like server acks.
    ``on_invalid_event`` is called with the error of each server event that was
    not handed to handlers (after the WARNING is logged).

    Emitting or calling an event the contract does not describe raises
    :class:`~sio_spec.EmitValidationError` naming the closest described event
    (``unknown_events="raise"``); ``"warn"`` logs it once at WARNING and sends it,
    ``"allow"`` sends it silently.

    A document is untrusted input, read within limits that each keyword raises:
    ``max_bytes`` (bytes read), ``max_nodes`` (values with YAML aliases expanded),
    ``max_depth`` (nesting), ``max_number_digits`` (digits of a number); see
    :mod:`sio_spec.guard`.
    """

    def __init__(
        self,
        client: Any,
        source: Any,
        *,
        on_invalid_event: Callable[[ValidationError], object] | None = None,
        unknown_events: UnknownEvents = "raise",
        max_bytes: int = MAX_BYTES,
        max_nodes: int = MAX_NODES,
        max_depth: int = MAX_DEPTH,
        max_number_digits: int = MAX_NUMBER_DIGITS,
    ) -> None:
        limits = Limits(max_bytes, max_nodes, max_depth, max_number_digits)
        kind = _kind(client)
        existing = client.__dict__.get("_sio_spec_client")
        if existing is not None:
            raise SpecError("this client already has a ClientSpec attached; detach() it first")
        self.client = client
        self._spec: SocketIOSpec | None = None
        self._contract: Contract | None = None
        from ..spec import SocketIOSpec

        handlers = getattr(client, "handlers", None)  # the simple clients have none yet
        if isinstance(source, SocketIOSpec):
            self._spec = source
            self.pipeline = ClientPipeline(
                Plans(),
                source,
                handlers=handlers,
                on_invalid_event=on_invalid_event,
                unknown_events=unknown_events,
            )
            self.pipeline.plans()  # read the server's handlers now: a broken one fails here
        else:
            self._contract = _read(source, limits)
            self.pipeline = ClientPipeline(
                Plans.of_contract(self._contract),
                handlers=handlers,
                on_invalid_event=on_invalid_event,
                unknown_events=unknown_events,
            )
        self._hooks: Hooks | None = _HOOKS[kind](client, self.pipeline)
        self._hooks.install()
        client._sio_spec_client = self

    @classmethod
    def from_url(
        cls,
        client: Any,
        url: str,
        *,
        timeout: float = FETCH_TIMEOUT,
        max_bytes: int = MAX_BYTES,
        on_invalid_event: Callable[[ValidationError], object] | None = None,
        unknown_events: UnknownEvents = "raise",
        max_nodes: int = MAX_NODES,
        max_depth: int = MAX_DEPTH,
        max_number_digits: int = MAX_NUMBER_DIGITS,
    ) -> ClientSpec:
        """Attach with the document a running server publishes (its ``.json`` or
        ``.yaml`` URL), fetched once. ``timeout`` (seconds) is the deadline of the
        whole fetch, ``max_bytes`` the most it reads; the other limits are those of
        :class:`ClientSpec`."""
        limits = Limits(max_bytes, max_nodes, max_depth, max_number_digits)
        document = fetch_document(url, timeout=timeout, limits=limits)
        return cls(
            client,
            _read_contract(document, limits=None),
            on_invalid_event=on_invalid_event,
            unknown_events=unknown_events,
            max_bytes=max_bytes,
            max_nodes=max_nodes,
            max_depth=max_depth,
            max_number_digits=max_number_digits,
        )

    @property
    def contract(self) -> Contract:
        """The contract the client is held to."""
        if self._contract is not None:
            return self._contract
        assert self._spec is not None
        return contract_of(self._spec)

    def detach(self) -> None:
        """Remove the hooks: the client behaves exactly as before."""
        if self._hooks is not None:
            self._hooks.uninstall()
            self._hooks = None
            self.client.__dict__.pop("_sio_spec_client", None)


def _read(source: Any, limits: Limits) -> Contract:
    if isinstance(source, Contract):
        return source
    if not isinstance(source, (Mapping, str, os.PathLike)):
        raise SpecError(
            "ClientSpec's source is a SocketIOSpec, an AsyncAPI document (dict), "
            f"its path or text; got a {type(source).__name__}"
        )
    return _read_contract(load_document(source, limits), limits=None)


def fetch_document(
    url: str, *, timeout: float = FETCH_TIMEOUT, limits: Limits = guard.DEFAULT_LIMITS
) -> dict[str, Any]:
    """An AsyncAPI document fetched over HTTP(S) (JSON, or YAML for ``.yaml``/``.yml``
    URLs and YAML content types), within ``timeout`` seconds for the whole fetch and
    ``limits``. Raises :class:`~sio_spec.contract.ContractError` with one line when it
    cannot be fetched or read."""
    if not url.startswith(("http://", "https://")):
        raise ContractError(f"not an http(s) URL: {url[:200]!r}")
    text, content_type = guard.fetch(url, timeout=timeout, limits=limits)
    path = url.split("?", 1)[0].lower()
    is_yaml = "yaml" in content_type or path.endswith((".yaml", ".yml"))
    return parse_document(text, url[:200], json_first=not is_yaml, limits=limits)

"""Client-side checks against a spec: what a client may send, what it may receive.

The server validates what it receives and what it sends with its own hooks; a
client holding the same :class:`~sio_spec.SocketIOSpec` can check the traffic
from its side: an invalid emit is refused before anything leaves, and a server
event or ack that does not match the server's declarations is reported. Nothing
here touches a socket: callers decide what to do with the errors.
"""

from __future__ import annotations

from typing import Any

from .errors import EmitValidationError, ResponseValidationError
from .payload import PayloadInvalid
from .registry import Registry
from .signature import ack_values, dump_any

#: ``error`` values of the acks the server's default error handler sends.
ERROR_ACKS = frozenset({"validation_error", "internal_error"})


class ClientChecks:
    """Checks for one client of the server whose :class:`Registry` is given."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def emit(self, event: str, namespace: str, data: Any) -> Any:
        """Check an event the client is about to send against the server's handler.

        Returns the data to send (models dumped); raises ``EmitValidationError``
        when the server would reject it. ``data`` follows python-socketio: a tuple
        is several arguments, ``None`` none, anything else one.
        """
        values = ack_values(data)
        spec = self.registry.incoming(event, namespace)
        if spec is not None and spec.args is not None:
            try:
                spec.args.validate(values)
            except PayloadInvalid as exc:
                raise EmitValidationError(event, namespace, exc.details) from None
        if isinstance(data, tuple):
            return tuple(dump_any(v) for v in data)
        return dump_any(data)

    def auth(self, namespace: str, auth: Any) -> Any:
        """Check connect ``auth`` against the namespace's connect handler."""
        spec = self.registry.incoming("connect", namespace)
        if spec is not None and spec.args is not None:
            try:
                spec.args.validate((auth,))
            except PayloadInvalid as exc:
                raise EmitValidationError("connect", namespace, exc.details) from None
        return dump_any(auth)

    def server_event(self, event: str, namespace: str, args: tuple[Any, ...]) -> None:
        """Check an event the server sent against ``spec.emits``; raises
        ``EmitValidationError`` when it does not match the declaration."""
        spec = self.registry.emit_spec(event, namespace)
        if spec is None or spec.args is None:
            return
        try:
            spec.args.validate(args)
        except PayloadInvalid as exc:
            raise EmitValidationError(event, namespace, exc.details) from None

    def server_ack(self, event: str, namespace: str, values: tuple[Any, ...]) -> None:
        """Check the server's ack to an event against the handler's declared ack;
        raises ``ResponseValidationError``. The server's own error acks
        (``validation_error`` / ``internal_error``) always pass."""
        if len(values) == 1 and isinstance(values[0], dict):
            if values[0].get("error") in ERROR_ACKS:
                return
        spec = self.registry.incoming(event, namespace)
        if spec is None or spec.ack is None:
            return
        try:
            spec.ack.validate(values)
        except PayloadInvalid as exc:
            raise ResponseValidationError(event, namespace, exc.details) from None

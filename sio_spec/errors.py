"""Exceptions raised and reported by sio_spec."""

from __future__ import annotations

from typing import Any

ErrorDetail = dict[str, Any]
"""One validation problem: ``{"loc": [...], "msg": "...", "type": "..."}``."""

#: Characters of an event or namespace name shown in error acks and log lines.
MAX_NAME = 100


def shortened(name: Any) -> Any:
    """An event or namespace name as an error ack carries it: names longer than
    :data:`MAX_NAME` characters are cut there and end with ``...``."""
    if isinstance(name, str) and len(name) > MAX_NAME:
        return name[:MAX_NAME] + "..."
    return name


def display_name(name: Any) -> str:
    """``repr()`` of an event or namespace name for messages and logs, at most
    about :data:`MAX_NAME` characters whatever the client sent."""
    if isinstance(name, str) and len(name) > MAX_NAME:
        return f"{name[:MAX_NAME]!r}... ({len(name) - MAX_NAME} more characters)"
    text = repr(name)
    return text if len(text) <= MAX_NAME else text[:MAX_NAME] + "..."


class ValidationError(Exception):
    """A value crossing the server did not match its declared model.

    ``event`` and ``namespace`` name where it happened; :meth:`errors` lists
    the problems with their location relative to the payload. Neither the
    message nor the details ever contain the offending values.
    """

    kind = "payload"

    def __init__(self, event: str, namespace: str, errors: list[ErrorDetail]) -> None:
        self.event = event
        self.namespace = namespace
        self._errors = errors
        super().__init__(self._message())

    def errors(self) -> list[ErrorDetail]:
        """The list of problems, each a dict with ``loc``, ``msg`` and ``type``."""
        return [dict(e, loc=list(e["loc"])) for e in self._errors]

    @property
    def title(self) -> str:
        """One line naming what was invalid, without details."""
        return f"invalid {self.kind} for event {display_name(self.event)}"

    def _message(self) -> str:
        parts = []
        for err in self._errors[:5]:
            where = ".".join(str(p) for p in err["loc"]) or "(payload)"
            parts.append(f"{where}: {err['msg']}")
        more = len(self._errors) - 5
        if more > 0:
            parts.append(f"and {more} more")
        return f"{self.title}: " + "; ".join(parts) if parts else self.title


class RequestValidationError(ValidationError):
    """An incoming event payload (or connect ``auth``) was invalid."""

    kind = "payload"


class ResponseValidationError(ValidationError):
    """A handler returned an ack that does not match its declared model."""

    kind = "ack"


class EmitValidationError(ValidationError):
    """The server tried to emit data that does not match the declared model."""

    kind = "emit payload"


class ClientAckValidationError(ValidationError):
    """A client answered a server ``call()`` or ``callback=`` with invalid data."""

    kind = "client ack"


class SpecError(Exception):
    """The spec itself is misused or misconfigured (raised at declaration time)."""

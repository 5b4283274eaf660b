"""Exceptions raised and reported by sio_spec.

Every exception sio-spec raises is a :class:`SioSpecError`::

    SioSpecError
    ├── ValidationError                a value did not match its model
    │   ├── RequestValidationError, ResponseValidationError, EmitValidationError,
    │   │   ClientAckValidationError, AckValidationError
    │   └── RemoteValidationError      (also a RemoteError)
    ├── RemoteError                    a server's error ack, raised in a client
    │   ├── RemoteValidationError      the server rejected what the client sent
    │   └── RemoteInternalError        the server failed to handle the event
    └── SpecError                      the spec is misused or misconfigured
        ├── SpecTypeError              (also a TypeError)
        └── SpecValueError             (also a ValueError)

``except ValidationError`` catches invalid values and the server's rejection of
one, never a server's failure: :class:`RemoteInternalError` is a
:class:`RemoteError`, not a :class:`ValidationError`. Where a public call used to
raise ``TypeError`` or ``ValueError`` it raises :class:`SpecTypeError` or
:class:`SpecValueError`, which ``except TypeError`` / ``except ValueError`` still
catch. What a client receives as an error ack is defined in
:mod:`sio_spec.server.error_acks`.
"""

from __future__ import annotations

import json
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


class SioSpecError(Exception):
    """Base of every exception sio-spec raises; ``except SioSpecError`` catches them all."""


class ValidationError(SioSpecError):
    """A value did not match its declared model: on the server, a payload or ack
    crossing it; in a :class:`~sio_spec.ClientSpec` client, what the server answered
    (:class:`AckValidationError`) or rejected (:class:`RemoteValidationError`).

    ``event`` and ``namespace`` name where it happened; :meth:`errors` lists
    the problems with their location relative to the payload. Neither the
    message nor the details ever contain the offending values.
    """

    kind = "payload"

    #: Read by error handlers written for sio-asyncapi. ``model`` is the declared model
    #: where the drop-in ``sio_spec.flask.AsyncAPISocketIO`` knows it (one argument),
    #: else ``None``. ``raw_errors`` and ``parent`` held pydantic's own error objects,
    #: which quote the client's input: they are always ``None``.
    model: Any = None
    raw_errors: Any = None
    parent: Any = None

    def __init__(self, event: str, namespace: str, errors: list[ErrorDetail]) -> None:
        self.event = event
        self.namespace = namespace
        self._errors = errors
        super().__init__(self._message())

    def errors(self) -> list[ErrorDetail]:
        """The list of problems, each a dict with ``loc``, ``msg`` and ``type``."""
        return [dict(e, loc=list(e["loc"])) for e in self._errors]

    def error_count(self) -> int:
        """How many problems :meth:`errors` lists."""
        return len(self._errors)

    def json(self, *, indent: int | None = None) -> str:
        """:meth:`errors` as JSON text (without the input, unlike pydantic's)."""
        return json.dumps(self.errors(), indent=indent)

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


class SpecError(SioSpecError):
    """The spec itself is misused or misconfigured.

    Raised when declaring (a model that cannot be used, an unknown AsyncAPI
    version), when attaching (an object that is not a supported server, a server
    that already has a spec), when building the document (a malformed server or tag,
    a handler whose models cannot be read; an example that does not match its schema
    only when building strictly, ``strict=True`` or ``sio-spec --strict``: otherwise it
    is left out with an ``ExampleWarning``) and at dispatch, when a handler's models
    cannot be read the first time it is needed. At dispatch it does not reach the
    caller: it is logged at ERROR with the handler's name and the client gets the
    ``internal_error`` ack (a connect is refused).
    """


class SpecTypeError(SpecError, TypeError):
    """A public call got an object of a kind it cannot use (a test client given
    something that is not a server, a page option that does not exist). Also a
    ``TypeError``, as before it was a :class:`SpecError`."""


class SpecValueError(SpecError, ValueError):
    """A public call got a value it cannot use (an unknown viewer or AsyncAPI
    version, an event declared twice). Also a ``ValueError``, as before it was a
    :class:`SpecError`."""


class RemoteError(SioSpecError):
    """The server answered a :class:`~sio_spec.ClientSpec` client with one of its
    error acks (see :mod:`sio_spec.server.error_acks`), raised in the client:
    :class:`RemoteValidationError` or :class:`RemoteInternalError`. Both have
    ``event``, ``namespace``, :meth:`errors` and ``title``."""

    event: str
    namespace: str

    def errors(self) -> list[ErrorDetail]:
        """The server's details of the problem (none for an internal error)."""
        return []


class RemoteValidationError(ValidationError, RemoteError):
    """The server rejected what a client sent: its ``validation_error`` ack, raised by
    :class:`~sio_spec.ClientSpec` in the client. :meth:`errors` are the server's details.
    It is a :class:`ValidationError` (the payload was invalid) and a :class:`RemoteError`."""

    kind = "payload"

    @property
    def title(self) -> str:
        return f"the server rejected the payload of event {self.event!r}"


class AckValidationError(ValidationError):
    """What the server answered (an ack) does not match the contract the client holds."""

    kind = "ack from the server"


class RemoteInternalError(RemoteError):
    """The server answered ``internal_error``: it failed to handle the event (its
    handler's ack was invalid, or the handler could not be used). It has no details
    (:meth:`errors` is empty); ``message`` is the server's own one-line text.

    Not a :class:`ValidationError`: code that handles invalid values does not
    swallow a server's failure (catch :class:`RemoteError` or :class:`SioSpecError`
    for both)."""

    kind = "ack"

    def __init__(self, event: str, namespace: str, message: str) -> None:
        self.event = event
        self.namespace = namespace
        self.message = message
        super().__init__(self.title)

    def error_count(self) -> int:
        """How many problems :meth:`errors` lists: none."""
        return 0

    def json(self, *, indent: int | None = None) -> str:
        """:meth:`errors` as JSON text: an empty list."""
        return json.dumps([], indent=indent)

    @property
    def title(self) -> str:
        return f"the server failed to handle event {self.event!r}: {self.message}"

"""sio-spec: validation and AsyncAPI documentation for python-socketio servers.

Attach a :class:`SocketIOSpec` to a ``socketio.Server``, ``socketio.AsyncServer``
or ``flask_socketio.SocketIO``: payloads declared with pydantic models or type
hints are validated on the way in and on the way out, and the AsyncAPI document
is generated from the code.
"""

from .client import ClientSpec
from .server.emitter import AsyncEmitter, Emitter
from .errors import (
    AckValidationError,
    ClientAckValidationError,
    EmitValidationError,
    RemoteError,
    RemoteInternalError,
    RemoteValidationError,
    RequestValidationError,
    ResponseValidationError,
    SioSpecError,
    SpecError,
    SpecTypeError,
    SpecValueError,
    ValidationError,
)
from .model import EventSpec, Info
from .spec import SocketIOSpec

__version__ = "0.1.0"

__all__ = [
    "AckValidationError",
    "AsyncEmitter",
    "ClientAckValidationError",
    "ClientSpec",
    "EmitValidationError",
    "Emitter",
    "EventSpec",
    "Info",
    "RemoteError",
    "RemoteInternalError",
    "RemoteValidationError",
    "RequestValidationError",
    "ResponseValidationError",
    "SioSpecError",
    "SocketIOSpec",
    "SpecError",
    "SpecTypeError",
    "SpecValueError",
    "ValidationError",
    "__version__",
]

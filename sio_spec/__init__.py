"""sio-spec: validation and AsyncAPI documentation for python-socketio servers.

Attach a :class:`SocketIOSpec` to a ``socketio.Server``, ``socketio.AsyncServer``
or ``flask_socketio.SocketIO``: payloads declared with pydantic models or type
hints are validated on the way in and on the way out, and the AsyncAPI document
is generated from the code.
"""

# the former paths of the modules now in server/ and writers/ that importing the
# package loaded, so that ``sio_spec.payload`` and the like stay attributes of it
# (sio_spec.observe was not loaded by importing the package, and is not)
from . import (  # noqa: F401  (loaded for their side effect)
    agent,
    emitter,
    error_acks,
    fast_jsonschema,
    payload,
    pipeline,
    plans,
    pydantic_v1,
    registry,
    sendable,
    signature,
)
from .client import ClientSpec
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
from .server.emitter import AsyncEmitter, Emitter
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

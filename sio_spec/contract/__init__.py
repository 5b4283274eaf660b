"""The contract of a Socket.IO API, read from its AsyncAPI document.

:func:`read_contract` turns an AsyncAPI 2.x (2.6), 3.0 or 3.1 document into a
small normalized model: namespaces, the events of each direction, their
positional arguments, their acknowledgements and the error acks that may come
back instead, and the shared schemas. Every consumer (TypeScript types, the
document diff, clients, contract-first servers) reads documents through it, so
they all agree on what a document means.

Reading rules:

- Direction: 3.x ``action: receive`` and 2.x ``publish`` are what clients send
  (``client-to-server``); 3.x ``send`` and 2.x ``subscribe`` what the server
  emits (``server-to-client``).
- Namespace: the 3.x channel ``address`` (else its key, ``root`` being ``/``),
  the 2.x channel key.
- Arguments: the message extension ``x-sio-spec-arguments`` lists them when
  present (``[]``: no data). Without it, a tuple payload (``items`` as a list,
  or ``prefixItems``) is several arguments, any other payload one argument,
  no payload "not declared".
- Acks: the 3.x operation ``reply``; the 2.x message extension ``x-ack`` (a
  message-like object, ``{"oneOf": [...]}`` of them, or ``{"args": schema}``).
  Reply messages whose payload is the component ``SioSpecValidationError`` or
  ``SioSpecInternalError`` (or that carry ``x-sio-spec-error``) are error acks.
- Schemas: every ``$ref`` of the result points at
  ``#/components/schemas/<Name>`` of :attr:`Contract.schemas`. References to
  other places of the document (a 2.x message payload, a property of a
  component, a ``$defs`` entry of an embedded JSON Schema) are lifted into new
  components; references to other files are refused.
"""

from __future__ import annotations

from ..guard import ContractError, Limits
from ..jsonschema_keywords import ref_name as ref_name
from ..jsonschema_keywords import schema_ref as schema_ref
from .loading import (
    HasContract as HasContract,
)
from .loading import (
    _read_contract as _read_contract,
)
from .loading import (
    contract_of,
    load_document,
    parse_document,
    parse_text,
    read_contract,
)
from .model import (
    ARGUMENTS as ARGUMENTS,
)
from .model import (
    ERROR_MARK as ERROR_MARK,
)
from .model import (
    ERROR_SCHEMAS as ERROR_SCHEMAS,
)
from .model import (
    Ack,
    Argument,
    Contract,
    Direction,
    Event,
    JsonSchema,
    Namespace,
)

__all__ = [
    "Ack",
    "Argument",
    "Contract",
    "ContractError",
    "Direction",
    "Event",
    "JsonSchema",
    "Limits",
    "Namespace",
    "contract_of",
    "load_document",
    "parse_document",
    "parse_text",
    "read_contract",
]

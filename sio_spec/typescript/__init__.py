"""TypeScript types for socket.io-client, written from an API's contract.

The input is a :class:`~sio_spec.contract.Contract` (never the registry).

:func:`render` returns one self-contained module (types only, no runtime code, no
imports) that compiles with ``tsc --strict --isolatedModules --verbatimModuleSyntax
--erasableSyntaxOnly``:

- every schema of ``components/schemas`` is an exported type of the same name
  (characters a TypeScript name cannot hold are dropped, the next letter
  capitalized);
- per namespace, ``ClientToServerEvents`` and ``ServerToClientEvents`` (and
  ``ConnectAuth`` when the connect ``auth`` is declared) in socket.io's
  typed-events convention, so ``Socket<ServerToClientEvents, ClientToServerEvents>``
  from ``socket.io-client`` 4.x types ``emit``, ``on``, ``once``, acks,
  ``timeout().emit`` and ``emitWithAck``. Namespaces other than ``/`` prefix
  the names with the PascalCase of their path (``/admin/v2`` ->
  ``AdminV2ClientToServerEvents``).

Acks: an event whose ack carries data takes the ack callback as its last, required
parameter (socket.io's convention, which ``emitWithAck`` and ``timeout()`` rely on);
an event whose ack carries nothing but a possible error takes it as an optional
one. The callback receives the declared ack or one of the error acks the document
lists (``SioSpecValidationError``...). Server events that expect a reply (``call()``)
give their listener a typed callback.

What a client sends and what it receives are typed apart where they differ: a field
with a default may be left out when sending but is always present when received
(when a schema is used both ways, the received shape is ``<Name>Received``), and
binary data is ``SioSpecBinary`` when sent, ``SioSpecReceivedBinary`` when received.
"""

from __future__ import annotations

from ..contract import Contract
from .module import _Writer

__all__ = ["render"]


def render(contract: Contract) -> str:
    """The TypeScript module of ``contract`` (text ending with a newline; the same
    contract always gives the same bytes)."""
    return _Writer(contract).module()

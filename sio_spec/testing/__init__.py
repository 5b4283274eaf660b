"""In-process test clients for python-socketio servers.

:class:`TestClient` (``socketio.Server`` and Flask-SocketIO) and
:class:`AsyncTestClient` (``socketio.AsyncServer``, in the test's event loop) are
python-socketio's own ``Client`` and ``AsyncClient`` with the network transport
replaced by an in-process one: an engine.io socket registered in the server's
``eio.sockets``. Every packet is encoded and decoded as on the wire (JSON text
and binary attachments) and enters the server through its registered engine.io
``message`` handler (``_handle_eio_message``), so rooms, broadcasts,
``skip_sid``, server ``call()``\\ s and connect refusals behave as over a socket.

::

    with TestClient(sio) as client:
        client.connect(auth={"token": "abc"})
        assert client.call("add", {"a": 1, "b": 2}) == 3
        assert client.received() == [("sum", [3], "/")]

Delivery is synchronous: an emit returns after the server handled it (also
when the server runs handlers in background tasks, which the client waits
for, up to ``settle_timeout``), so :meth:`TestClient.received` lists what the
server sent in reply. Packets that change a connection (connect, disconnect,
refusal) reach the client after the server finished the step that sent them,
as they would across a socket.

This module adds no web framework to what python-socketio itself imports;
Flask is imported only to build the request environ of a Flask-SocketIO server.
"""

from __future__ import annotations

from ..fuzz import fuzz as fuzz  # sio_spec.testing.fuzz: the contract fuzzer
from .clients import AsyncTestClient, Received, TestClient
from .environ import DEFAULT_URL

__all__ = ["DEFAULT_URL", "AsyncTestClient", "Received", "TestClient", "fuzz"]

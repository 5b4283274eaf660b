"""What a front-end does against the chat backend, run here against its mock.

Start the mock of the committed document, then run this client against it:

    sio-spec mock examples/mock/asyncapi.yaml --port 8000 --emit-every 2
    python examples/mock/frontend.py http://127.0.0.1:8000

The mock validates what the client sends, answers acks with the document's examples
(then with generated values), and pushes the server events every two seconds.
"""

from __future__ import annotations

import json
import sys

import socketio


def main(url: str) -> int:
    with socketio.SimpleClient() as client:
        client.connect(
            url, namespace="/chat", auth={"token": "front-end-dev"}, transports=["websocket"]
        )
        stored = client.call("send_message", {"room": "lobby", "text": "hello"}, timeout=10)
        print("send_message ->", json.dumps(stored, sort_keys=True))
        room = client.call("join", "lobby", timeout=10)
        print("join ->", json.dumps(room, sort_keys=True))
        refused = client.call("send_message", {"room": "lobby"}, timeout=10)
        print("send_message without text ->", refused["error"], refused["detail"][0]["loc"])
        name, *args = client.receive(timeout=10)
        print("server event", name, "->", json.dumps(args, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"))

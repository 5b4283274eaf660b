"""``sio_spec.mock``: a running server from an AsyncAPI document, under uvicorn on loopback.

Real clients talk to it: python-socketio's ``AsyncClient`` and node's socket.io-client
(``tests/js/mock_session.mjs``, ``client_roundtrip.mjs``). Acks come from the document's
examples first, then from the shared generator; generated values are checked here with
``jsonschema`` against the document's own schemas, independently of sio-spec.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import socketio
from support.external import JS_DIR, asyncapi_validate, node_script, sio_client
from support.servers import run_asgi, url

from sio_spec import SioSpecError
from sio_spec.contract import ContractError, load_document
from sio_spec.mock import EMIT_PATH, Mock

ROOT = Path(__file__).resolve().parent.parent
CHAT = ROOT / "examples" / "mock" / "asyncapi.yaml"
DOCUMENT = load_document(CHAT)
AUTH = {"token": "front-end-dev"}
TIMEOUT = 10

ASYNCTION_26 = """
asyncapi: 2.6.0
info: {title: Counter, version: 1.0.0}
channels:
  /:
    publish:
      message:
        oneOf:
          - $ref: '#/components/messages/Add'
          - $ref: '#/components/messages/Pair'
    subscribe:
      message:
        $ref: '#/components/messages/Total'
components:
  messages:
    Add:
      name: add
      payload: {type: integer, minimum: 1, maximum: 10}
      x-ack:
        args: {$ref: '#/components/schemas/Total'}
        examples:
          - payload: {total: 3, labels: [low]}
    Pair:
      name: pair
      payload:
        type: array
        prefixItems: [{type: string}, {type: integer}]
      x-ack:
        args: {type: array, items: {type: integer, minimum: 0}, minItems: 1, maxItems: 3}
    Total:
      name: total
      payload: {$ref: '#/components/schemas/Total'}
  schemas:
    Total:
      type: object
      properties:
        total: {type: integer, minimum: 0}
        at: {type: string, format: date-time}
        labels: {type: array, items: {type: string, enum: [low, high]}}
      required: [total]
      additionalProperties: false
"""


def schema_validator(document: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A draft-7 validator of ``schema`` whose ``#/components/...`` refs resolve in
    ``document`` (built with jsonschema alone)."""
    root = {"components": document.get("components", {}), "allOf": [schema]}
    return jsonschema.Draft7Validator(root)


def ack_schema(name: str) -> dict[str, Any]:
    messages = DOCUMENT["channels"]["chat"]["messages"]
    schema: dict[str, Any] = messages[name]["payload"]
    return schema


@pytest.fixture
def served() -> Iterator[tuple[Mock, int]]:
    mock = Mock(CHAT, seed=7)
    with run_asgi(mock.app) as port:
        yield mock, port


async def connected(port: int, namespace: str = "/chat", auth: Any = AUTH) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(
        url(port), namespaces=[namespace], auth=auth, transports=["websocket"], wait_timeout=TIMEOUT
    )
    return client


def page_config(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="sio-spec-config">(.*?)</script>', html)
    assert found is not None
    config: dict[str, Any] = json.loads(found.group(1))
    return config


def post(port: int, body: Any, content_type: str = "application/json") -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        url(port, EMIT_PATH), data=data, method="POST", headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


# -- python-socketio clients -----------------------------------------------------------------


def test_acks_are_the_examples_first_then_generated_values_that_fit(
    served: tuple[Mock, int],
) -> None:
    _, port = served
    stored = schema_validator(DOCUMENT, ack_schema("sendMessageAck"))
    room = schema_validator(DOCUMENT, ack_schema("joinAck"))
    examples = [
        e["payload"] for e in DOCUMENT["channels"]["chat"]["messages"]["sendMessageAck"]["examples"]
    ]

    async def main() -> tuple[list[Any], list[Any]]:
        client = await connected(port)
        try:
            sent = [
                await client.call(
                    "send_message",
                    {"room": "lobby", "text": "hi"},
                    namespace="/chat",
                    timeout=TIMEOUT,
                )
                for _ in range(6)
            ]
            joined = [
                await client.call("join", "lobby", namespace="/chat", timeout=TIMEOUT)
                for _ in range(10)
            ]
        finally:
            await client.disconnect()
        return sent, joined

    sent, joined = asyncio.run(main())
    assert sent[:2] == examples
    for value in sent[2:]:
        stored.validate(value)
    assert sent[2:] != [sent[2]] * 4  # generated values vary
    for value in joined:  # no example: every answer is generated
        room.validate(value)
    assert len({json.dumps(v, sort_keys=True) for v in joined}) > 1


def test_invalid_payloads_get_the_error_ack_and_invalid_auth_is_refused(
    served: tuple[Mock, int],
) -> None:
    _, port = served

    async def main() -> tuple[Any, Any, str]:
        client = await connected(port)
        try:
            missing = await client.call(
                "send_message", {"room": "lobby"}, namespace="/chat", timeout=TIMEOUT
            )
            wrong = await client.call("join", 42, namespace="/chat", timeout=TIMEOUT)
        finally:
            await client.disconnect()
        refused = socketio.AsyncClient(reconnection=False)
        try:
            await refused.connect(
                url(port),
                namespaces=["/chat"],
                auth={"token": "short"},
                transports=["websocket"],
                wait_timeout=TIMEOUT,
            )
        except socketio.exceptions.ConnectionError as exc:
            reason = str(exc)
        else:  # pragma: no cover - the assertion below reports it
            await refused.disconnect()
            reason = "connected"
        return missing, wrong, reason

    missing, wrong, reason = asyncio.run(main())
    assert missing["error"] == "validation_error"
    assert missing["event"] == "send_message" and missing["namespace"] == "/chat"
    assert [d["loc"] for d in missing["detail"]] == [["text"]]
    assert wrong["error"] == "validation_error"
    assert [(d["loc"], d["type"]) for d in wrong["detail"]] == [([], "type_error")]
    assert "failed to connect" in reason


def test_server_events_from_the_emit_route_and_the_timer_are_valid() -> None:
    message = schema_validator(DOCUMENT, ack_schema("message"))
    presence = schema_validator(DOCUMENT, ack_schema("presence"))
    example = DOCUMENT["channels"]["chat"]["messages"]["message"]["examples"][0]["payload"]
    mock = Mock(CHAT, seed=1, emit_every=0.2)
    with run_asgi(mock.app, lifespan="on") as port:

        async def main() -> dict[str, list[Any]]:
            got: dict[str, list[Any]] = {"message": [], "presence": []}
            client = socketio.AsyncClient(reconnection=False)
            client.on("message", lambda data: got["message"].append(data), namespace="/chat")
            client.on("presence", lambda data: got["presence"].append(data), namespace="/chat")
            await client.connect(
                url(port),
                namespaces=["/chat"],
                auth=AUTH,
                transports=["websocket"],
                wait_timeout=TIMEOUT,
            )
            try:
                status, answer = await asyncio.to_thread(
                    post, port, {"namespace": "/chat", "event": "presence"}
                )
                assert status == 200, answer
                assert answer["clients"] == 1 and answer["source"] == "generated"
                for _ in range(int(TIMEOUT / 0.05)):
                    if len(got["message"]) >= 3 and len(got["presence"]) >= 3:
                        break
                    await asyncio.sleep(0.05)
            finally:
                await client.disconnect()
            return got

        got = asyncio.run(main())
    assert got["message"][0] == example
    assert len(got["message"]) >= 3 and len(got["presence"]) >= 3
    for value in got["message"]:
        message.validate(value)
    for value in got["presence"]:
        presence.validate(value)


def test_the_emit_route_refuses_what_it_cannot_send(served: tuple[Mock, int]) -> None:
    _, port = served
    assert post(port, {"namespace": "/chat", "event": "nope"})[0] == 404
    assert post(port, {"namespace": "/chat", "event": "send_message"})[0] == 404  # client event
    status, answer = post(port, {"namespace": "/chat", "event": "presence", "args": [{"user": 5}]})
    assert status == 400 and answer["error"] == "invalid arguments"
    assert {tuple(d["loc"]) for d in answer["detail"]} >= {("user",), ("online",)}
    assert post(port, {"namespace": "/chat", "event": "presence", "args": {}})[0] == 400
    assert post(port, b"{not json")[0] == 400
    assert post(port, {"event": "presence"}, content_type="text/plain")[0] == 415
    given = {"user": "ada", "online": True}
    status, answer = post(port, {"namespace": "/chat", "event": "presence", "args": [given]})
    assert (status, answer["args"], answer["source"], answer["clients"]) == (
        200,
        [given],
        "given",
        0,
    )
    with urllib.request.urlopen(url(port, "/asyncapi"), timeout=TIMEOUT) as page:
        assert page_config(page.read().decode())["mockEmit"] == "/asyncapi/emit"
    with urllib.request.urlopen(url(port, "/asyncapi.json"), timeout=TIMEOUT) as doc:
        assert json.loads(doc.read()) == DOCUMENT
    with urllib.request.urlopen(url(port, "/"), timeout=TIMEOUT) as home:  # follows the redirect
        assert home.url == url(port, "/asyncapi")


def test_the_same_seed_gives_the_same_answers() -> None:
    def session(seed: int) -> list[Any]:
        mock = Mock(CHAT, seed=seed)
        with run_asgi(mock.app) as port:

            async def main() -> list[Any]:
                client = await connected(port)
                try:
                    out = []
                    for i in range(4):
                        out.append(
                            await client.call("join", "a", namespace="/chat", timeout=TIMEOUT)
                        )
                        # other events in between do not change the answers of "join"
                        for _ in range(i):
                            await client.call(
                                "send_message",
                                {"room": "a", "text": "b"},
                                namespace="/chat",
                                timeout=TIMEOUT,
                            )
                    return out
                finally:
                    await client.disconnect()

            return asyncio.run(main())

    first, again, other = session(42), session(42), session(43)
    assert first == again
    assert first != other


def test_a_26_document_with_x_ack_and_several_arguments() -> None:
    document = load_document(ASYNCTION_26)
    total = schema_validator(document, {"$ref": "#/components/schemas/Total"})
    pair_ack = schema_validator(
        document,
        {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 1, "maxItems": 3},
    )
    mock = Mock(ASYNCTION_26, seed=3)
    with run_asgi(mock.app) as port:

        async def main() -> tuple[list[Any], list[Any], Any]:
            client = await connected(port, "/", auth=None)
            try:
                added = [await client.call("add", 2, timeout=TIMEOUT) for _ in range(5)]
                pairs = [await client.call("pair", ("a", 1), timeout=TIMEOUT) for _ in range(5)]
                bad = await client.call("add", 11, timeout=TIMEOUT)
            finally:
                await client.disconnect()
            return added, pairs, bad

        added, pairs, bad = asyncio.run(main())
    assert added[0] == {"total": 3, "labels": ["low"]}  # the x-ack example first
    for value in added:
        total.validate(value)
    for value in pairs:
        pair_ack.validate(value)
    assert bad["error"] == "validation_error" and bad["detail"][0]["type"] == "maximum"


def test_a_31_document_is_served_the_same_way() -> None:
    document = {**DOCUMENT, "asyncapi": "3.1.0"}
    examples = [
        e["payload"] for e in DOCUMENT["channels"]["chat"]["messages"]["sendMessageAck"]["examples"]
    ]
    with run_asgi(Mock(document).app) as port:

        async def main() -> list[Any]:
            client = await connected(port)
            try:
                return [
                    await client.call(
                        "send_message",
                        {"room": "a", "text": "b"},
                        namespace="/chat",
                        timeout=TIMEOUT,
                    )
                    for _ in range(2)
                ]
            finally:
                await client.disconnect()

        assert asyncio.run(main()) == examples
        with urllib.request.urlopen(url(port, "/asyncapi.json"), timeout=TIMEOUT) as doc:
            assert json.loads(doc.read())["asyncapi"] == "3.1.0"


def test_examples_of_several_reply_messages_are_all_answers() -> None:
    document = load_document(CHAT)
    channel = document["channels"]["chat"]
    channel["messages"]["joinFull"] = {
        "payload": {"type": "string", "const": "full"},
        "examples": [{"payload": "full"}],
    }
    channel["messages"]["joinAck"]["examples"] = [{"payload": {"name": "lobby", "members": 2}}]
    document["operations"]["join"]["reply"]["messages"].append(
        {"$ref": "#/channels/chat/messages/joinFull"}
    )
    contract = Mock(document).contract
    join = contract.namespace("/chat").event("join", "client-to-server")  # type: ignore[union-attr]
    assert join is not None and join.ack is not None
    assert join.ack.examples == (({"name": "lobby", "members": 2},), ("full",))


def test_an_ack_schema_no_value_fits_is_answered_with_internal_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    document = load_document(CHAT)
    document["channels"]["chat"]["messages"]["joinAck"]["payload"] = {"not": {}}
    caplog.set_level(logging.INFO, logger="sio_spec.mock")
    with run_asgi(Mock(document).app) as port:

        async def main() -> Any:
            client = await connected(port)
            try:
                return await client.call("join", "lobby", namespace="/chat", timeout=TIMEOUT)
            finally:
                await client.disconnect()

        answer = asyncio.run(main())
    assert answer["error"] == "internal_error"
    assert "lobby" not in json.dumps(answer)
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1 and "internal_error (no ack value: " in warned[0]


def test_one_log_line_per_event_in_and_out(
    served: tuple[Mock, int], caplog: pytest.LogCaptureFixture
) -> None:
    _, port = served
    caplog.set_level(logging.INFO, logger="sio_spec.mock")

    async def main() -> None:
        client = await connected(port)
        try:
            await client.call(
                "send_message", {"room": "a", "text": "b"}, namespace="/chat", timeout=TIMEOUT
            )
            await client.call("send_message", {"room": "a"}, namespace="/chat", timeout=TIMEOUT)
            await client.emit("join", "lobby", namespace="/chat")
            await client.emit("not-documented", 1, namespace="/chat")
            await client.emit("presence", {"user": "a", "online": True}, namespace="/chat")
            await asyncio.to_thread(post, port, {"namespace": "/chat", "event": "message"})
            await client.call(
                "send_message", {"room": "a", "text": "c"}, namespace="/chat", timeout=TIMEOUT
            )
        finally:
            await client.disconnect()
        refused = socketio.AsyncClient(reconnection=False)
        try:
            await refused.connect(
                url(port),
                namespaces=["/chat"],
                auth={},
                transports=["websocket"],
                wait_timeout=TIMEOUT,
            )
        except socketio.exceptions.ConnectionError:
            pass

    asyncio.run(main())
    lines = [r.getMessage() for r in caplog.records if r.name == "sio_spec.mock"]
    assert all("\n" not in line for line in lines)
    # events without an ack are handled concurrently: compare without the order
    shown = sorted(
        re.sub(r"(from |connect /chat |disconnect /chat )[^\s:]+", r"\1SID", line) for line in lines
    )
    assert shown == sorted(
        [
            "connect /chat SID",
            "in /chat 'send_message' from SID: ack, example 1",
            "in /chat 'send_message' from SID: validation_error (1 problem(s))",
            "in /chat 'join' from SID: ack, generated",
            "in /chat 'not-documented' from SID: not in the document",
            "in /chat 'presence' from SID: a server event, which clients do not send",
            "out /chat 'message' to 1 client(s): example 1",
            "in /chat 'send_message' from SID: ack, example 2",
            "disconnect /chat SID",
            "refuse /chat connect from SID: validation_error (auth, 1 problem(s))",
        ]
    )


def test_bad_documents_raise_one_line_sio_spec_errors(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="cannot read"):
        Mock(tmp_path / "missing.yaml")
    with pytest.raises(SioSpecError):
        Mock({"asyncapi": "3.0.0", "info": {"title": "x", "version": "1"}, "channels": 5})
    with pytest.raises(SioSpecError):
        Mock(CHAT, emit_every=0)


# -- node's socket.io-client -----------------------------------------------------------------


def session(port: int, *args: str) -> dict[str, Any]:
    proc = node_script(JS_DIR / "mock_session.mjs", url(port), *args, timeout=TIMEOUT + 20)
    assert proc.returncode in (0, 1), proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert lines, proc.stderr
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def test_node_client_gets_examples_generated_acks_and_server_events() -> None:
    stored = schema_validator(DOCUMENT, ack_schema("sendMessageAck"))
    room = schema_validator(DOCUMENT, ack_schema("joinAck"))
    presence = schema_validator(DOCUMENT, ack_schema("presence"))
    examples = [
        e["payload"] for e in DOCUMENT["channels"]["chat"]["messages"]["sendMessageAck"]["examples"]
    ]
    mock = Mock(CHAT, seed=5, emit_every=0.2)
    with run_asgi(mock.app, lifespan="on") as port:
        message = json.dumps({"room": "lobby", "text": "hi"})
        result = session(
            port,
            "/chat",
            "--auth",
            json.dumps(AUTH),
            "--call",
            "send_message",
            message,
            "--call",
            "send_message",
            message,
            "--call",
            "send_message",
            message,
            "--call",
            "join",
            json.dumps("lobby"),
            "--call",
            "send_message",
            json.dumps({"room": "lobby"}),
            "--wait",
            "presence",
        )
        refused = sio_client(url(port), "/chat", "join", "x", auth={"token": 1})
    assert "error" not in result, result
    acks = result["acks"]
    assert [a[0] for a in acks[:2]] == examples
    stored.validate(acks[2][0])
    room.validate(acks[3][0])
    assert acks[4][0]["error"] == "validation_error"
    assert acks[4][0]["detail"] == [{"loc": ["text"], "msg": "Field required", "type": "missing"}]
    presence.validate(result["event"][0])
    assert refused["connect_error"]["message"] == "validation_error"
    assert refused["connect_error"]["data"]["detail"][0]["loc"] == ["token"]


def test_the_example_document_is_valid_for_the_official_parser() -> None:
    result = asyncapi_validate(CHAT.read_text(encoding="utf-8"))
    assert (result.errors, result.messages()) == (0, [])


# -- what importing costs ------------------------------------------------------------------------


def test_importing_the_mock_imports_no_asgi_server() -> None:
    code = (
        "import sys, sio_spec, sio_spec.mock; "
        "print(sorted(m for m in ('uvicorn', 'starlette', 'hypothesis') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "[]"

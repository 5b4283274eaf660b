"""The document as code generators and readers use it.

@asyncapi/modelina (TypeScript) runs on the documents of the examples and of a server
using every feature: no generated type is anonymous, no model overwrites a different
one, and what the server sends has its defaults required. The official parser gives
0 errors and 0 warnings, and each operation's channel holds that event and its own
replies only.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from doc_features import build as features
from ruamel.yaml import YAML
from support.external import JS_DIR, asyncapi_validate, node_script

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [
    "examples/chat_aiohttp/asyncapi.yaml",
    "examples/asgi/asyncapi.yaml",
    "examples/plain_wsgi/asyncapi.yaml",
    "examples/tictactoe/chat_gpt_asyncapi.yaml",
]
ANONYMOUS = re.compile(r"AnonymousSchema", re.I)
OVERWRITE = re.compile(r"Overwriting existing model with name (\S+?),")


def modelina(document: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """TypeScript models of ``document``: ``{name: code}`` and modelina's warnings."""
    with tempfile.TemporaryDirectory(prefix="sio-spec-modelina-") as tmp:
        path = Path(tmp) / "asyncapi.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        proc = node_script(JS_DIR / "modelina.mjs", str(path), timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return {m["name"]: m["code"] for m in data["models"]}, data["warnings"]


def load(relative: str) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load((ROOT / relative).read_text(encoding="utf-8"))
    return data


def assert_named(document: dict[str, Any]) -> dict[str, str]:
    models, warnings = modelina(document)
    assert models
    for name, code in models.items():
        assert not ANONYMOUS.search(name), name
        assert not ANONYMOUS.search(code), code
    # modelina warns when it meets a model again: only ever the same component
    # schema reached twice, never two different types sharing a name
    components = set(document.get("components", {}).get("schemas", {}))
    for warning in warnings:
        match = OVERWRITE.search(warning)
        if match:
            assert match.group(1) in components, warning
    return models


def field(code: str, name: str) -> str:
    """The TypeScript line of property ``name`` (``'name': type;`` or ``'name'?: type;``)."""
    found = re.search(rf"^\s*'{re.escape(name)}'(\??):", code, re.M)
    assert found is not None, (name, code)
    return found.group(0)


@pytest.mark.parametrize("relative", EXAMPLES)
def test_modelina_names_every_type_of_the_examples(relative: str) -> None:
    assert_named(load(relative))


def test_modelina_on_a_feature_complete_server() -> None:
    doc = features().asyncapi("3.0.0")
    models = assert_named(doc)
    # each acked event has its own reply union, named after its channel
    assert "RootAdopt" in models and "GameMove" in models
    assert "SioSpecValidationError" in models["RootAdopt"]
    assert "SioSpecInternalError" in models["RootAdopt"]
    assert "StatusOutput" in models["RootAdopt"]
    # the ack (serialization mode): fields with defaults and computed fields required
    output = models["StatusOutput"]
    for name in ("ok", "error", "retries", "failed"):
        assert not field(output, name).endswith("?:"), output
    # what the server receives (validation mode): fields with defaults optional
    received = models["StatusInput"]
    assert field(received, "ok").endswith("?:") and "failed" not in received
    # tuples and unions get the event's name, tagged unions their own members
    assert models["MoveArgs"].startswith("type MoveArgs = [number, number, string]")
    assert "CatInput | DogInput" in models["PetPayload"]
    assert "CatOutputKind" in models and "DogOutputKind" in models
    assert {"SioSpecErrorDetail", "OwnerInput", "OwnerOutput", "BoxInput", "Point"} <= set(models)
    # inline enums are named after where they sit: field, array item, map value, argument
    assert {
        "ShapesInputModesItem",
        "ShapesInputLevel",
        "ShapesInputScoresValue",
        "ShapesOutputModesItem",
        "ShapesArgsItem2",
    } <= set(models)


def test_the_chat_example_acks_keep_their_defaults() -> None:
    models = assert_named(load("examples/chat_aiohttp/asyncapi.yaml"))
    assert not field(models["NotInRoom"], "error").endswith("?:")
    assert "Posted | NotInRoom" in models["SendAck"]


@pytest.mark.parametrize("version", ["3.0.0", "3.1.0"])
def test_feature_document_passes_the_parser(version: str) -> None:
    result = asyncapi_validate(features().asyncapi(version))
    assert result.errors == 0, result.messages("error")
    assert result.warnings == 0, result.messages("warning")
    assert asyncapi_validate(features().asyncapi("2.6.0")).errors == 0


def resolve(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_each_operation_sees_its_own_replies_only() -> None:
    doc = features().asyncapi("3.0.0")
    seen: set[str] = set()
    for key, op in doc["operations"].items():
        chan_ref = op["channel"]["$ref"]
        assert chan_ref not in seen, key  # one channel per operation
        seen.add(chan_ref)
        channel = resolve(doc, chan_ref)
        own = [op["messages"][0]["$ref"]]
        if "reply" in op:
            assert op["reply"]["channel"] == op["channel"]
            own += [m["$ref"] for m in op["reply"]["messages"]]
        assert sorted(own) == sorted(f"{chan_ref}/messages/{k}" for k in channel["messages"])


def test_markers_for_readers() -> None:
    doc = features().asyncapi("3.0.0")
    messages = {
        (key, name): body
        for key, channel in doc["channels"].items()
        for name, body in channel.get("messages", {}).items()
    }
    for (_key, name), body in messages.items():
        if name in ("validation_error", "internal_error"):
            assert body["x-sio-spec-error"] == name
            assert body["payload"]["$ref"].endswith(
                "SioSpecValidationError" if name == "validation_error" else "SioSpecInternalError"
            )
    assert messages[("game_move", "move")]["x-sio-spec-arguments"] == ["x", "y", "note"]
    assert messages[("game_tick", "tick")]["x-sio-spec-arguments"] == []
    assert "payload" not in messages[("game_tick", "tick")]
    anything = messages[("game_anything", "anything")]
    assert "x-sio-spec-arguments" not in anything and "payload" not in anything
    assert messages[("game_ask", "reply")]["payload"] == {
        "$ref": "#/components/schemas/StatusInput"
    }
    # the server speaks Socket.IO, and says so
    server = doc["servers"]["local"]
    assert server["x-sio-spec-protocol"] == {
        "name": "socket.io",
        "version": "5",
        "path": "/socket.io/",
    }
    assert "Socket.IO" in server["description"]
    # no server internals (handler qualnames) in public text
    assert "handler" not in json.dumps(doc["operations"])
    # no key repeats its direction
    assert not any(k.endswith(".send.send") for k in doc["operations"])

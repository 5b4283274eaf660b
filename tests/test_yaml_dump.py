"""The fast YAML emitter writes exactly what ruamel.yaml writes.

Compared byte for byte on the examples' documents, a feature-complete server in
every AsyncAPI version, a large generated API, and random JSON data whose strings
mix every character class that changes how YAML quotes them.
"""

from __future__ import annotations

import runpy
import string
import sys
from pathlib import Path
from typing import Any

import pytest
import socketio
from doc_features import build as features
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field, create_model

from sio_spec import SocketIOSpec
from sio_spec.asyncapi import dump_yaml
from sio_spec.asyncapi.dump import _Emitter, _Fallback, ruamel_yaml
from sio_spec.loader import find_spec

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ("3.0.0", "3.1.0", "2.6.0")
EXAMPLES = [
    ("examples/chat_aiohttp/app.py", "spec"),
    ("examples/asgi/app.py", "app"),
    ("examples/plain_wsgi/app.py", "sio"),
    ("examples/tictactoe/app.py", "socketio"),
]


def fast(doc: dict[str, Any]) -> str:
    """The fast emitter alone (no fallback): the test fails if it gives up."""
    return _Emitter().document(doc)


def example_spec(path: str, attr: str) -> SocketIOSpec:
    here = str(ROOT / Path(path).parent)
    sys.path.insert(0, here)
    try:
        module = runpy.run_path(str(ROOT / path), run_name="example_under_test")
    finally:
        sys.path.remove(here)
    spec = find_spec(module[attr])
    assert spec is not None
    return spec


@pytest.mark.parametrize(("path", "attr"), EXAMPLES)
def test_examples_are_written_like_ruamel(path: str, attr: str) -> None:
    spec = example_spec(path, attr)
    for version in VERSIONS:
        doc = spec.asyncapi(version)
        assert fast(doc) == ruamel_yaml(doc)
    committed = ROOT / (
        "examples/tictactoe/chat_gpt_asyncapi.yaml"
        if "tictactoe" in path
        else str(Path(path).parent / "asyncapi.yaml")
    )
    assert committed.read_text(encoding="utf-8") == spec.to_yaml()


@pytest.mark.parametrize("version", VERSIONS)
def test_feature_complete_document_is_written_like_ruamel(version: str) -> None:
    doc = features().asyncapi(version)
    assert fast(doc) == ruamel_yaml(doc)


def test_a_large_generated_api_is_written_like_ruamel() -> None:
    address = create_model("Address", street=(str, Field(examples=["1 Main St"])), city=(str, ...))
    sio = socketio.Server()
    spec = SocketIOSpec(
        sio,
        title="Big API",
        version="1.0.0",
        description="Line one.\n\nLine three: with a colon, a # hash and 'quotes'.\n",
        servers="wss://api.example.org/socket.io",
    )
    for i in range(150):
        request = create_model(
            f"Request{i}",
            order_id=(int, Field(examples=[i], description=f"Order #{i}: yes")),
            ship_to=(address, ...),
            note=(str | None, Field(None, examples=["- dash", "1.5", "null"])),
            ratio=(float, 0.5),
        )
        ack = create_model(f"Ack{i}", ok=(bool, True), error=(str | None, None))

        def handler(sid: str, data: Any) -> Any:
            return None

        handler.__annotations__ = {"sid": str, "data": request, "return": ack}
        sio.on(f"event {i}: go", handler, namespace=f"/ns{i % 7}")
        if i % 5 == 0:
            spec.emits(f"update_{i}", ack, namespace=f"/ns{i % 7}", summary="It's done")
    for version in VERSIONS:
        doc = spec.asyncapi(version)
        assert fast(doc) == ruamel_yaml(doc)
    assert dump_yaml(spec.asyncapi()) == spec.to_yaml()


# Characters that change how a string is quoted, and some that never matter.
ALPHABET = (
    string.ascii_letters[:6]
    + string.digits[:3]
    + " -:#'\"\\.,[]{}?!&*|>%@`~=<+_/\n\té\u00a0😀\u2028\x85\ufeff"
)
text = st.text(alphabet=ALPHABET, max_size=12)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | text
    | st.sampled_from(["yes", "No", "null", "~", "1.0", "0x1F", "2024-01-01", "<<", "=", "-", ""])
)
json_data = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(text, json_data, min_size=1, max_size=5))
def test_random_json_is_written_like_ruamel(doc: dict[str, Any]) -> None:
    expected = ruamel_yaml(doc)
    try:
        assert fast(doc) == expected
    except _Fallback:
        pass
    assert dump_yaml(doc) == expected


def test_common_text_takes_the_fast_path() -> None:
    class Item(BaseModel):
        """An item: with a colon, a 'quote', a # hash and unicode é."""

        name: str = Field(examples=["yes", "1.0", "a: b", "it's", "- x", "#1", " lead", "😀 ok"])

    sio = socketio.Server()
    spec = SocketIOSpec(sio, title="T", version="1.0", description="Two\nlines")
    spec.emits("item", Item)
    doc = spec.asyncapi()
    assert fast(doc) == ruamel_yaml(doc) == spec.to_yaml()

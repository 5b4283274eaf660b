"""A handler whose type hints pydantic cannot turn into a validator is a server bug:
it is reported at ERROR once it is first needed, the client gets ``internal_error``
(never a hang, never a traceback), the other events keep working, and building the
document names the handler."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from core_apps import KINDS, App, Move, connected, records_text

from sio_spec import SpecError


class NotAModel:
    """A plain class: pydantic has no schema for it."""


def build(kind: str) -> App:
    app = App(kind)
    app.spec()

    @app.on("broken")
    def broken(sid: str, data: NotAModel) -> None:
        raise AssertionError("never called")

    @app.on("make_move")
    def make_move(sid: str, move: Move) -> dict[str, Any]:
        return {"game_id": move.game_id}

    return app


@pytest.mark.parametrize("kind", KINDS)
def test_unusable_hints_answer_internal_error_and_log(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = build(kind)
    caplog.set_level(logging.INFO, logger="sio_spec")
    with app.run() as port, connected(port) as client:
        for _ in range(2):
            ack = client.call("broken", {"secret": "MARKER-UNUSABLE"}, timeout=10)
            assert ack == {
                "error": "internal_error",
                "message": "the server cannot handle this event",
            }
        assert client.call("make_move", {"game_id": 3, "x": 0, "y": 1}, timeout=10) == {
            "game_id": 3
        }
    errors = [r for r in caplog.records if r.name == "sio_spec" and r.levelno == logging.ERROR]
    assert len(errors) == 2
    assert "broken" in errors[0].getMessage() and errors[0].exc_info is not None
    assert "MARKER-UNUSABLE" not in records_text(caplog)


def test_document_build_names_the_unusable_handler() -> None:
    app = build("wsgi")
    with pytest.raises(SpecError, match="broken"):
        app.target._sio_spec.asyncapi()

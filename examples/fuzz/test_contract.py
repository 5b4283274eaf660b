"""The booking server keeps its contract: every valid payload gets a valid ack,
every payload broken in one place gets a validation error, nothing crashes.

Run it with ``pytest examples/fuzz`` (it needs ``pip install "sio-spec[fuzz]"``).
"""

from __future__ import annotations

from app import sio

from sio_spec.testing import fuzz


def test_the_booking_server_keeps_its_contract() -> None:
    fuzz(sio, examples=50).raise_for_findings()

"""Former home of :mod:`sio_spec.names` (component names, pointers), kept importable."""

from __future__ import annotations

from ..names import Names, channel_key, escape_pointer, sanitize, sanitize_server

__all__ = ["Names", "channel_key", "escape_pointer", "sanitize", "sanitize_server"]

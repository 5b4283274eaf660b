"""The former path of :mod:`sio_spec.server.sendable`, kept so existing imports work:
importing it gives the same module object."""

import sys

from .server import sendable as _current
from .server.sendable import *  # noqa: F403

sys.modules[__name__] = _current

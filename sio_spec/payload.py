"""The former path of :mod:`sio_spec.server.payload`, kept so existing imports work:
importing it gives the same module object."""

import sys

from .server import payload as _current
from .server.payload import *  # noqa: F403

sys.modules[__name__] = _current

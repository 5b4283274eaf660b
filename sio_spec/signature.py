"""The former path of :mod:`sio_spec.server.signature`, kept so existing imports work:
importing it gives the same module object."""

import sys

from .server import signature as _current
from .server.signature import *  # noqa: F403

sys.modules[__name__] = _current

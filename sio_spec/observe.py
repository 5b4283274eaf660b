"""The former path of :mod:`sio_spec.server.observe`, kept so existing imports work:
importing it gives the same module object."""

import sys

from .server import observe as _current
from .server.observe import *  # noqa: F403

sys.modules[__name__] = _current

"""The former path of :mod:`sio_spec.server.registry`, kept so existing imports work:
importing it gives the same module object."""

import sys

from .server import registry as _current
from .server.registry import *  # noqa: F403

sys.modules[__name__] = _current

"""The former path of :mod:`sio_spec.server.pipeline`, kept so existing imports work:
importing it gives the same module object."""

import sys

from .server import pipeline as _current
from .server.pipeline import *  # noqa: F403

sys.modules[__name__] = _current

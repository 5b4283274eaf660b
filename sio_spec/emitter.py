"""The former path of :mod:`sio_spec.server.emitter`, kept so existing imports work:
importing it gives the same module object."""

import sys

from .server import emitter as _current
from .server.emitter import *  # noqa: F403

sys.modules[__name__] = _current

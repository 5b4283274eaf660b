"""The former path of :mod:`sio_spec.server.error_acks`, kept so existing imports work:
importing it gives the same module object."""

import sys

from .server import error_acks as _current
from .server.error_acks import *  # noqa: F403

sys.modules[__name__] = _current

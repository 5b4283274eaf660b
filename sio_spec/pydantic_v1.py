"""The former path of :mod:`sio_spec.server.pydantic_v1`, kept so existing imports work:
importing it gives the same module object."""

import sys

from .server import pydantic_v1 as _current
from .server.pydantic_v1 import *  # noqa: F403

sys.modules[__name__] = _current

"""The former path of :mod:`sio_spec.server.fast_jsonschema`, kept so existing imports work:
importing it gives the same module object."""

import sys

from .server import fast_jsonschema as _current
from .server.fast_jsonschema import *  # noqa: F403

sys.modules[__name__] = _current

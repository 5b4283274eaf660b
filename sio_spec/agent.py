"""The former path of :mod:`sio_spec.writers.agent`, kept so existing imports work:
importing it gives the same module object."""

import sys

from .writers import agent as _current
from .writers.agent import *  # noqa: F403

sys.modules[__name__] = _current

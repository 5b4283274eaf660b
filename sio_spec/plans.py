"""The former path of :mod:`sio_spec.writers.plans`, kept so existing imports work:
importing it gives the same module object."""

import sys

from .writers import plans as _current
from .writers.plans import *  # noqa: F403

sys.modules[__name__] = _current

"""The AsyncAPI document: built from the registry's event specs, dumped as YAML or JSON.

``build(info, specs, version=..., validation=...)`` gives the document as a dict
(AsyncAPI 3.0.0 by default, 3.1.0 or 2.6.0); :func:`dump_yaml` and
:func:`dump_json` serialize it deterministically, keeping the dict's key order.
"""

from ..model import VERSIONS
from .builder import build
from .dump import dump_json, dump_yaml

__all__ = ["VERSIONS", "build", "dump_json", "dump_yaml"]

"""YAML and JSON text of a document, byte for byte deterministic.

Keys keep the dict's order; YAML is block style with unicode as is, no line
folding, multi-line strings as ``|`` blocks, and strings that a YAML 1.1 reader
would take for a boolean, null or number quoted.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

_AMBIGUOUS = re.compile(
    r"(?i)(?:y|n|yes|no|on|off|true|false|null|~|"
    r"[-+]?(?:\.inf|\.nan)|"
    r"[-+]?0[xob][0-9a-f_]+|"
    r"[-+]?[0-9_]*\.?[0-9_:]*(?:e[-+]?[0-9]+)?)"
)


_representer: list[Any] = []


def _representer_class() -> Any:
    if _representer:
        return _representer[0]
    from ruamel.yaml.representer import SafeRepresenter

    class _Representer(SafeRepresenter):
        def ignore_aliases(self, data: Any) -> bool:
            return True

        def represent_str(self, data: str) -> Any:
            tag = "tag:yaml.org,2002:str"
            if "\n" in data:
                return self.represent_scalar(tag, data, style="|")
            if _AMBIGUOUS.fullmatch(data):
                return self.represent_scalar(tag, data, style="'")
            return self.represent_scalar(tag, data)

    _Representer.add_representer(str, _Representer.represent_str)
    _representer.append(_Representer)
    return _Representer


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.Representer = _representer_class()
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 1 << 20
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    return yaml


def dump_yaml(doc: dict[str, Any]) -> str:
    """The document as YAML (key order kept)."""
    out = io.StringIO()
    _yaml().dump(doc, out)
    return out.getvalue()


def dump_json(doc: dict[str, Any], indent: int | None = 2) -> str:
    """The document as JSON (key order kept, unicode as is)."""
    separators = (",", ": ") if indent is not None else (",", ":")
    return json.dumps(doc, indent=indent, ensure_ascii=False, separators=separators)

"""YAML and JSON text of a document, byte for byte deterministic.

Keys keep the dict's order; YAML is block style with unicode as is, no line
folding, multi-line strings as ``|`` blocks, and strings that a YAML 1.1 reader
would take for a boolean, null or number quoted.

The YAML is ruamel.yaml's, written by a small emitter for JSON data that gives
the same bytes as ruamel.yaml's pure-Python emitter with the settings below, in a
fraction of the time. Whatever it is not sure to write identically (control
characters, line separators, complex keys, nested sequences...) makes the whole
document go through ruamel.yaml instead.
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


def ruamel_yaml(doc: dict[str, Any]) -> str:
    """The document as YAML, written by ruamel.yaml."""
    out = io.StringIO()
    _yaml().dump(doc, out)
    return out.getvalue()


def dump_yaml(doc: dict[str, Any]) -> str:
    """The document as YAML (key order kept)."""
    if doc:
        try:
            return _Emitter().document(doc)
        except _Fallback:
            pass
    return ruamel_yaml(doc)


class _Fallback(Exception):
    """The fast emitter cannot promise ruamel.yaml's exact bytes for this data."""


# Characters written as they are (allow_unicode); anything else (tabs, control
# characters, NEL, line/paragraph separators, BOM) is left to ruamel.yaml.
_UNSAFE = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_WIDE = re.compile("[\U00010000-\U0010ffff]")
_FIRST_INDICATOR = frozenset("#,[]{}&*!|>'\"%@`")
_MAX_SIMPLE_KEY = 128


def _resolver() -> Any:
    from ruamel.yaml.resolver import VersionedResolver

    return VersionedResolver()


class _Emitter:
    """Block-style YAML of JSON data, as ruamel.yaml writes it here."""

    def __init__(self) -> None:
        self.keys: dict[str, str] = {}
        self.values: dict[str, str] = {}
        self.lines: list[str] = []
        self._resolve: Any = None

    def document(self, doc: dict[str, Any]) -> str:
        self.mapping(doc, 0, "")
        self.lines.append("")
        return "\n".join(self.lines)

    # -- collections --------------------------------------------------------------
    def mapping(self, data: dict[str, Any], indent: int, first: str) -> None:
        """Keys at column ``indent``; the first line starts with ``first`` (``- ``
        of a sequence item) instead of the indentation."""
        pad = " " * indent
        lead = first or pad
        lines = self.lines
        for key, value in data.items():
            if not isinstance(key, str):
                raise _Fallback
            text = self.keys.get(key)
            if text is None:
                text = self.keys[key] = self.key(key)
            head = f"{lead}{text}:"
            lead = pad
            if isinstance(value, dict):
                if value:
                    lines.append(head)
                    self.mapping(value, indent + 2, "")
                else:
                    lines.append(head + " {}")
            elif isinstance(value, list):
                if value:
                    lines.append(head)
                    self.sequence(value, indent)
                else:
                    lines.append(head + " []")
            else:
                lines.append(f"{head} {self.scalar(value, indent)}")

    def sequence(self, data: list[Any], indent: int, first: str = "") -> None:
        """Dashes at column ``indent``; the first line starts with ``first`` (the
        dash of an enclosing sequence item) instead of the indentation."""
        pad = " " * indent + "- "
        dash = first + "- " if first else pad
        lines = self.lines
        for item in data:
            if isinstance(item, dict):
                if item:
                    self.mapping(item, indent + 2, dash)
                else:
                    lines.append(dash + "{}")
            elif isinstance(item, list):
                if item:
                    self.sequence(item, indent + 2, dash)
                else:
                    lines.append(dash + "[]")
            else:
                lines.append(dash + self.scalar(item, indent))
            dash = pad

    # -- scalars ------------------------------------------------------------------
    def scalar(self, value: Any, indent: int) -> str:
        """A value; a multi-line string is a literal block indented past ``indent``."""
        if isinstance(value, str):
            if "\n" in value:
                return self.literal(value, indent + 2)
            text = self.values.get(value)
            if text is None:
                text = self.values[value] = self.string(value, key=False)
            return text
        if value is None:
            return "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if type(value) is int:
            return str(value)
        if type(value) is float:
            if value != value:
                return ".nan"
            if value in (float("inf"), float("-inf")):
                return ".inf" if value > 0 else "-.inf"
            return repr(value).lower()
        raise _Fallback

    def key(self, key: str) -> str:
        if "\n" in key or len(key) >= _MAX_SIMPLE_KEY:
            raise _Fallback
        return self.string(key, key=True)

    def literal(self, text: str, indent: int) -> str:
        if _UNSAFE.search(text):
            raise _Fallback
        hints = "2" if text[0] in " \n" else ""
        if text.endswith("\n"):
            if len(text) == 1 or text[-2] == "\n":
                raise _Fallback  # "keep" chomping: ruamel may end the document with "..."
            body = text[:-1]
        else:
            body = text
            hints += "-"
        pad = " " * indent
        lines = [pad + line if line else "" for line in body.split("\n")]
        return "|" + hints + "\n" + "\n".join(lines)

    def string(self, text: str, key: bool) -> str:
        if not text:
            return "''"
        if _UNSAFE.search(text):
            raise _Fallback
        if _AMBIGUOUS.fullmatch(text):
            return "'" + text.replace("'", "''") + "'"
        if self._plain(text) and self._implicit(text):
            return text
        if "'" in text:
            if _WIDE.search(text):
                raise _Fallback
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return "'" + text + "'"

    @staticmethod
    def _plain(text: str) -> bool:
        """Whether a one-line string may be written plain in block context."""
        if text[0] == " " or text[-1] == " ":
            return False
        if text.startswith(("---", "...")):
            return False
        first = text[0]
        if first in _FIRST_INDICATOR:
            return False
        if first in "?:-" and (len(text) == 1 or text[1] == " "):
            return False
        if ": " in text[1:] or (len(text) > 1 and text[-1] == ":"):
            return False
        return " #" not in text

    def _implicit(self, text: str) -> bool:
        """Whether the plain text reads back as a string."""
        if self._resolve is None:
            from ruamel.yaml.nodes import ScalarNode

            resolver = _resolver()
            self._resolve = lambda t: resolver.resolve(ScalarNode, t, (True, False))
        return bool(self._resolve(text) == "tag:yaml.org,2002:str")


def dump_json(doc: dict[str, Any], indent: int | None = 2) -> str:
    """The document as JSON (key order kept, unicode as is)."""
    separators = (",", ": ") if indent is not None else (",", ":")
    return json.dumps(doc, indent=indent, ensure_ascii=False, separators=separators)

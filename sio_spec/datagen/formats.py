"""Strings of a format (dates, UUIDs, e-mails...) and strings matching a regular
expression."""

from __future__ import annotations

import base64
import re
import sys
from collections.abc import Callable
from typing import Any

from .sources import _ASCII, Source

# -- formats -------------------------------------------------------------------------------------


def _pick(src: Source, chars: str, lo: int, hi: int) -> str:
    return "".join(chars[src.integer(0, len(chars) - 1)] for _ in range(src.integer(lo, hi)))


_LOWER = "abcdefghijklmnopqrstuvwxyz"
_HEX = "0123456789abcdef"


def _date(src: Source) -> str:
    return f"{src.integer(1970, 2100):04d}-{src.integer(1, 12):02d}-{src.integer(1, 28):02d}"


def _time(src: Source) -> str:
    return f"{src.integer(0, 23):02d}:{src.integer(0, 59):02d}:{src.integer(0, 59):02d}Z"


def _uuid(src: Source) -> str:
    digits = _pick(src, _HEX, 32, 32)
    digits = digits[:12] + "4" + digits[13:16] + "89ab"[src.integer(0, 3)] + digits[17:]
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


_FORMATS: dict[str, Callable[[Source], str]] = {
    "date-time": lambda s: f"{_date(s)}T{_time(s)}",
    "date": _date,
    "time": _time,
    "duration": lambda s: f"P{s.integer(0, 400)}D",
    "email": lambda s: f"{_pick(s, _LOWER, 1, 8)}@example.com",
    "idn-email": lambda s: f"{_pick(s, _LOWER, 1, 8)}@example.com",
    "hostname": lambda s: f"{_pick(s, _LOWER, 1, 8)}.example.com",
    "idn-hostname": lambda s: f"{_pick(s, _LOWER, 1, 8)}.example.com",
    "uri": lambda s: f"https://example.com/{_pick(s, _LOWER, 0, 8)}",
    "url": lambda s: f"https://example.com/{_pick(s, _LOWER, 0, 8)}",
    "iri": lambda s: f"https://example.com/{_pick(s, _LOWER, 0, 8)}",
    "uri-reference": lambda s: f"/{_pick(s, _LOWER, 0, 8)}",
    "iri-reference": lambda s: f"/{_pick(s, _LOWER, 0, 8)}",
    "ipv4": lambda s: ".".join(str(s.integer(0, 255)) for _ in range(4)),
    "ipv6": lambda s: ":".join(_pick(s, _HEX, 1, 4) for _ in range(8)),
    "uuid": _uuid,
    "byte": lambda s: base64.b64encode(s.binary(0, 12)).decode("ascii"),
    "json-pointer": lambda s: "/" + _pick(s, _LOWER, 0, 6),
    "regex": lambda s: _pick(s, _LOWER, 1, 6),
}


# -- strings from a regular expression ----------------------------------------------------------

if sys.version_info >= (3, 11):
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
else:  # pragma: no cover - Python 3.10
    import sre_constants as _sre
    import sre_parse as _sre_parse

_CATEGORIES: dict[Any, str] = {
    _sre.CATEGORY_DIGIT: "0123456789",
    _sre.CATEGORY_NOT_DIGIT: _LOWER + "-_ ",
    _sre.CATEGORY_SPACE: " \t",
    _sre.CATEGORY_NOT_SPACE: _ASCII + "-_",
    _sre.CATEGORY_WORD: _ASCII + "_",
    _sre.CATEGORY_NOT_WORD: " -.!",
}
_PARSED: dict[re.Pattern[str], Any] = {}
_PRINTABLE = _ASCII + " -_.,:;!?/@#"
_REPEAT_CAP = 6


class _Regex:
    """Draws a string matching a parsed regular expression (lookarounds and
    anchors are left to the final check)."""

    def __init__(self, src: Source) -> None:
        self.src = src
        self.groups: dict[int, str] = {}

    def generate(self, regex: re.Pattern[str]) -> str:
        parsed = _PARSED.get(regex)
        if parsed is None:
            if len(_PARSED) > 1024:
                _PARSED.clear()
            parsed = _PARSED[regex] = _sre_parse.parse(regex.pattern, regex.flags)
        return self.seq(parsed)

    def seq(self, items: Any) -> str:
        return "".join(self.item(op, av) for op, av in items)

    def item(self, op: Any, av: Any) -> str:
        src = self.src
        if op == _sre.LITERAL:
            return chr(av)
        if op == _sre.NOT_LITERAL:
            pool = [c for c in _PRINTABLE if ord(c) != av]
            return pool[src.integer(0, len(pool) - 1)]
        if op == _sre.ANY:
            return _PRINTABLE[src.integer(0, len(_PRINTABLE) - 1)]
        if op == _sre.IN:
            return self.charset(av)
        if op == _sre.BRANCH:
            options = av[1]
            return self.seq(options[src.integer(0, len(options) - 1)])
        if op == _sre.SUBPATTERN:
            text = self.seq(av[-1])
            if av[0] is not None:
                self.groups[av[0]] = text
            return text
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) or op == getattr(
            _sre, "POSSESSIVE_REPEAT", None
        ):
            lo, hi, sub = av
            hi = min(hi, lo + _REPEAT_CAP)
            return "".join(self.seq(sub) for _ in range(src.integer(lo, hi)))
        if op == getattr(_sre, "ATOMIC_GROUP", None):
            return self.seq(av)
        if op == _sre.GROUPREF:
            return self.groups.get(av, "")
        if op == _sre.GROUPREF_EXISTS:
            group, yes, no = av
            return self.seq(yes if group in self.groups else (no or []))
        return ""  # anchors, lookarounds: checked on the result

    def charset(self, items: Any) -> str:
        src = self.src
        negate = bool(items) and items[0][0] == _sre.NEGATE
        if negate:
            pool = [c for c in _PRINTABLE if not _in_set(c, items[1:])]
            if not pool:
                return ""
            return pool[src.integer(0, len(pool) - 1)]
        choice = items[src.integer(0, len(items) - 1)]
        op, av = choice
        if op == _sre.LITERAL:
            return chr(av)
        if op == _sre.RANGE:
            return chr(src.integer(av[0], av[1]))
        if op == _sre.CATEGORY:
            chars = _CATEGORIES.get(av, _LOWER)
            return chars[src.integer(0, len(chars) - 1)]
        return _LOWER[src.integer(0, len(_LOWER) - 1)]


def _in_set(char: str, items: Any) -> bool:
    code = ord(char)
    for op, av in items:
        if op == _sre.LITERAL and av == code:
            return True
        if op == _sre.RANGE and av[0] <= code <= av[1]:
            return True
        if op == _sre.CATEGORY and char in _CATEGORIES.get(av, ""):
            return True
    return False

"""Changes written as text, Markdown or JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from .rules import RULES, SEVERITIES, Change, Rule


def _sorted(changes: Iterable[Change]) -> list[Change]:
    return sorted(
        changes,
        key=lambda c: (
            c.namespace or "",
            c.event or "",
            c.direction or "",
            c.path,
            c.kind,
            c.message,
        ),
    )


def _line(text: Any) -> str:
    """``text`` with every character that is not printable (newlines, terminal escapes)
    written as its escape: one change stays one line whatever the names hold."""
    line = str(text)
    if line.isprintable():
        return line
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in line)


def render_text(changes: Sequence[Change]) -> str:
    """One line per change, grouped by namespace and event."""
    if not changes:
        return "No changes.\n"
    lines: list[str] = []
    current: tuple[str | None, str | None, str | None] | None = None
    for change in _sorted(changes):
        group = (change.namespace, change.event, change.direction)
        if group != current:
            if change.event is None:
                lines.append(f"namespace {_line(change.namespace)}")
            else:
                lines.append(
                    f"namespace {_line(change.namespace)}, event {_line(change.event)} "
                    f"({change.direction})"
                )
            current = group
        where = f" at {_line(change.path)}" if change.path else ""
        lines.append(f"  {change.severity:<12} {change.kind}{where}: {_line(change.message)}")
    lines.append(summary_line(changes))
    return "\n".join(lines) + "\n"


def summary_line(changes: Sequence[Change]) -> str:
    counts = {s: sum(1 for c in changes if c.severity == s) for s in SEVERITIES}
    return ", ".join(f"{counts[s]} {s}" for s in reversed(SEVERITIES))


_MD_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "`": "&#96;", "|": "&#124;"}
_MD_PUNCTUATION = frozenset("\\*_{}[]()#+-.!~:\"'=$%^,;?@/")


def _md(text: str) -> str:
    """``text`` as inert Markdown: HTML, code spans, links, emphasis and table cells
    cannot start inside it, and it stays on one line."""
    out = []
    for c in _line(text):
        if c in _MD_ENTITIES:
            out.append(_MD_ENTITIES[c])
        elif c in _MD_PUNCTUATION:
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


def render_markdown(changes: Sequence[Change]) -> str:
    """A pull-request comment: a summary line, then a table per severity."""
    lines = ["## AsyncAPI contract changes", ""]
    if not changes:
        return "\n".join([*lines, "No changes.", ""])
    lines += [f"**{summary_line(changes)}**", ""]
    titles = {"breaking": "Breaking", "warning": "Warnings", "non-breaking": "Non-breaking"}
    for severity in reversed(SEVERITIES):
        rows = [c for c in _sorted(changes) if c.severity == severity]
        if not rows:
            continue
        lines += [f"### {titles[severity]} ({len(rows)})", ""]
        lines += ["| namespace | event | direction | path | change |", "|---|---|---|---|---|"]
        for c in rows:
            cells = (
                c.namespace or "",
                c.event or "",
                c.direction or "",
                c.path,
                f"{c.kind}: {c.message}",
            )
            lines.append("| " + " | ".join(_md(x) for x in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def render_json(changes: Sequence[Change]) -> str:
    """``{"changes": [...]}`` with the keys of :meth:`Change.as_dict`."""
    return json.dumps({"changes": [c.as_dict() for c in _sorted(changes)]}, indent=2) + "\n"


def rule_table() -> list[Rule]:
    """The rules, in the order of :data:`RULES`."""
    return list(RULES.values())

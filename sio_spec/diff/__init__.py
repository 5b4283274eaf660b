"""Changes between two contracts, classified by what a client experiences.

A Socket.IO contract has two directions, and what breaks a client is opposite in
each. What clients *send* (client events, connect ``auth``, replies to server
calls) breaks when the server accepts less than before; what clients *receive*
(server events, acks) breaks when the server may send more, or drops what it sent.
Every rule below names its severity for both senders; schemas are compared by
meaning, through ``$ref``s (a component renamed with the same shape is no change),
and annotations (titles, descriptions, examples) are ignored.
"""

from __future__ import annotations

from .contracts import DISAGREEING_KINDS, diff_contracts, disagreements
from .keywords import MAX_COMPARE_DEPTH, MAX_EXPANSION, MAX_FINDINGS
from .render import render_json, render_markdown, render_text, rule_table, summary_line
from .rules import RULES, SEVERITIES, Change, Effect, Rule, Sender, Severity, reaches

__all__ = [
    "DISAGREEING_KINDS",
    "MAX_COMPARE_DEPTH",
    "MAX_EXPANSION",
    "MAX_FINDINGS",
    "RULES",
    "SEVERITIES",
    "Change",
    "Effect",
    "Rule",
    "Sender",
    "Severity",
    "diff_contracts",
    "disagreements",
    "reaches",
    "render_json",
    "render_markdown",
    "render_text",
    "rule_table",
    "summary_line",
]

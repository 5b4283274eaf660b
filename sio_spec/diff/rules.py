"""The rules of the diff: each kind of change, its severity for each sender, and
the change records the comparison yields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ..contract import Direction

Severity = Literal["breaking", "warning", "non-breaking"]
Sender = Literal["client", "server"]
Effect = Literal["narrows", "widens", "changes"]

#: Severities from the least to the most serious (``--fail-on`` compares with these).
SEVERITIES: tuple[Severity, ...] = ("non-breaking", "warning", "breaking")


@dataclass(frozen=True)
class Rule:
    """One kind of change and its severity when the client or the server sends the value."""

    kind: str
    when_client_sends: Severity
    when_server_sends: Severity
    summary: str


def _rules(*rows: tuple[str, Severity, Severity, str]) -> dict[str, Rule]:
    return {kind: Rule(kind, c, s, text) for kind, c, s, text in rows}


#: The rule table (also printed in the README). "client sends" covers client events,
#: connect ``auth`` and replies to server calls; "server sends" covers server events
#: and acks. Namespace- and event-level rules use the event's own direction.
RULES: dict[str, Rule] = _rules(
    ("namespace-removed", "breaking", "breaking", "a namespace was removed"),
    ("namespace-added", "non-breaking", "non-breaking", "a namespace was added"),
    ("event-removed", "breaking", "warning", "an event was removed"),
    ("event-added", "non-breaking", "non-breaking", "an event was added"),
    ("event-deprecated", "warning", "warning", "an event was deprecated"),
    ("event-undeprecated", "non-breaking", "non-breaking", "an event is no longer deprecated"),
    ("auth-added", "breaking", "breaking", "connect auth is now required"),
    ("auth-removed", "non-breaking", "non-breaking", "connect auth is no longer declared"),
    ("arguments-declared", "warning", "non-breaking", "arguments are now declared (validated)"),
    ("arguments-undeclared", "non-breaking", "warning", "arguments are no longer declared"),
    ("argument-added-required", "breaking", "non-breaking", "a required argument was added"),
    ("argument-added-optional", "non-breaking", "non-breaking", "an optional argument was added"),
    ("argument-removed", "breaking", "breaking", "an argument was removed"),
    ("argument-required", "breaking", "non-breaking", "an argument became required"),
    ("argument-optional", "non-breaking", "breaking", "an argument became optional"),
    ("binary-changed", "breaking", "breaking", "an argument changed between binary and JSON"),
    ("ack-added", "breaking", "non-breaking", "an acknowledgement was added"),
    ("ack-removed", "non-breaking", "breaking", "an acknowledgement was removed"),
    ("error-ack-added", "warning", "warning", "an error acknowledgement may now come back"),
    ("error-ack-removed", "non-breaking", "non-breaking", "an error acknowledgement was removed"),
    ("property-added-required", "breaking", "non-breaking", "a required field was added"),
    ("property-added-optional", "non-breaking", "non-breaking", "an optional field was added"),
    ("property-removed", "warning", "breaking", "a field was removed"),
    (
        "property-removed-closed",
        "breaking",
        "breaking",
        "a field was removed (extra fields refused)",
    ),
    ("property-required", "breaking", "non-breaking", "a field became required"),
    ("property-optional", "non-breaking", "breaking", "a field became optional"),
    ("type-narrowed", "breaking", "non-breaking", "fewer types are allowed"),
    ("type-widened", "non-breaking", "breaking", "more types are allowed"),
    ("nullable-removed", "breaking", "non-breaking", "null is no longer allowed"),
    ("nullable-added", "non-breaking", "breaking", "null is now allowed"),
    ("enum-narrowed", "breaking", "non-breaking", "fewer values are allowed"),
    ("enum-widened", "non-breaking", "breaking", "more values are allowed"),
    ("union-member-removed", "breaking", "non-breaking", "a union lost a member"),
    ("union-member-added", "non-breaking", "breaking", "a union gained a member"),
    ("format-added", "breaking", "non-breaking", "a format was added"),
    ("format-removed", "non-breaking", "breaking", "a format was removed"),
    ("format-changed", "breaking", "breaking", "the format changed"),
    ("constraint-tightened", "breaking", "non-breaking", "a constraint was tightened"),
    ("constraint-loosened", "non-breaking", "breaking", "a constraint was loosened"),
    ("constraint-changed", "breaking", "breaking", "a constraint changed"),
    ("additional-properties-forbidden", "breaking", "non-breaking", "extra fields are refused"),
    ("additional-properties-allowed", "non-breaking", "breaking", "extra fields are allowed"),
    ("schema-changed", "breaking", "breaking", "the schema changed shape"),
    (
        "unclassified",
        "breaking",
        "breaking",
        "a change the diff cannot classify (a keyword it does not model, or a payload "
        "that is not JSON Schema): assumed breaking",
    ),
)


@dataclass(frozen=True)
class Change:
    """One difference between two contracts."""

    severity: Severity
    kind: str
    namespace: str | None
    event: str | None
    direction: Direction | None
    path: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``sio-spec diff --format json``."""
        return {
            "severity": self.severity,
            "kind": self.kind,
            "namespace": self.namespace,
            "event": self.event,
            "direction": self.direction,
            "path": self.path,
            "message": self.message,
        }


@dataclass(frozen=True)
class _Found:
    """A change found inside an event, before its severity is known."""

    kind: str
    path: str
    message: str
    sender: Sender


def reaches(change: Change, fail_on: str) -> bool:
    """Whether ``change`` is at least as serious as ``fail_on`` (``none`` never)."""
    if fail_on == "none":
        return False
    return SEVERITIES.index(change.severity) >= SEVERITIES.index(fail_on)


def _top(kind: str, namespace: str, message: str) -> Change:
    rule = RULES[kind]
    return Change(rule.when_client_sends, kind, namespace, None, None, "", message)


def _severity(kind: str, sender: Sender) -> Severity:
    rule = RULES[kind]
    return rule.when_client_sends if sender == "client" else rule.when_server_sends


def _sender_of(direction: Direction) -> Sender:
    return "client" if direction == "client-to-server" else "server"

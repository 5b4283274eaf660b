"""What a fuzz run found, and its text, JSON and JUnit XML renderings."""

from __future__ import annotations

import base64
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "KINDS",
    "Check",
    "Finding",
    "FuzzReport",
    "jsonable",
    "render_json",
    "render_junit",
    "render_text",
]

#: Every kind of finding, with what it means.
KINDS: dict[str, str] = {
    "error_ack": "a valid payload was answered with an error ack",
    "invalid_ack": "the ack breaks the ack schema",
    "no_answer": "a valid payload got no answer before the timeout",
    "disconnect": "the server disconnected the client (or refused its valid connect auth)",
    "accepts_invalid": "an invalid payload was accepted, although the contract says "
    "payloads are validated",
    "invalid_event": "an event the server sent breaks its schema",
}


@dataclass(frozen=True)
class Finding:
    """One way the server breaks its contract, with the smallest payload found."""

    namespace: str
    event: str
    """The client event sent (``connect`` for connect auth), or the server event
    that broke its schema."""
    kind: str
    """One of :data:`KINDS`."""
    payload: tuple[Any, ...]
    """The arguments sent (shrunk), or for ``invalid_event`` the arguments the
    server sent; for ``connect``, one value: the auth."""
    answer: Any
    """The ack's arguments as a list (``None``: no ack), or the server's refusal."""
    message: str
    """One line saying what went wrong."""
    replay: str = ""
    """The command (or Python call) that runs the same check again."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: bytes become ``{"$bytes": "<base64>"}``."""
        return {
            "namespace": self.namespace,
            "event": self.event,
            "kind": self.kind,
            "payload": jsonable(list(self.payload)),
            "answer": jsonable(self.answer),
            "message": self.message,
            "replay": self.replay,
        }


@dataclass
class Check:
    """One property checked: valid payloads of an event, invalid ones, connect auth,
    or the events the server sent in a namespace."""

    namespace: str
    event: str
    what: str
    """``valid``, ``invalid``, ``auth`` or ``server events``."""
    sent: int = 0
    seconds: float = 0.0
    finding: Finding | None = None
    skipped: str | None = None
    """Why the check did not run (no value fits a schema...)."""


@dataclass
class FuzzReport:
    """The result of :func:`sio_spec.testing.fuzz` / ``sio-spec fuzz``."""

    checks: list[Check] = field(default_factory=list)
    seed: int = 0
    seconds: float = 0.0

    @property
    def findings(self) -> list[Finding]:
        """Every finding, in the order the checks ran."""
        return [c.finding for c in self.checks if c.finding is not None]

    @property
    def sent(self) -> int:
        """How many payloads were sent (shrinking included)."""
        return sum(c.sent for c in self.checks)

    @property
    def events_per_second(self) -> float:
        """Payloads sent per second of the run."""
        return self.sent / self.seconds if self.seconds > 0 else 0.0

    def raise_for_findings(self) -> None:
        """Raise ``AssertionError`` listing the findings, if any."""
        if self.findings:
            raise AssertionError(render_text(self, verbose=False))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"findings": [...], "sent": N, "seed": S, ...}``."""
        return {
            "findings": [f.to_dict() for f in self.findings],
            "sent": self.sent,
            "seed": self.seed,
            "checks": len(self.checks),
            "skipped": [
                {"namespace": c.namespace, "event": c.event, "what": c.what, "reason": c.skipped}
                for c in self.checks
                if c.skipped
            ],
            "seconds": round(self.seconds, 3),
        }


def jsonable(value: Any) -> Any:
    """``value`` as JSON data: bytes as ``{"$bytes": base64}``, tuples as lists."""
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    return value


def _short(value: Any, limit: int = 300, *, ascii_only: bool = False) -> str:
    text = json.dumps(jsonable(value), ensure_ascii=ascii_only, default=repr)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text) - limit} more)"


def render_text(report: FuzzReport, *, verbose: bool = True) -> str:
    """The report for people: one block per finding, then a summary line."""
    lines: list[str] = []
    for f in report.findings:
        lines.append(f"FAIL {f.namespace} {f.event}: {f.kind}: {f.message}")
        lines.append(f"  payload: {_short(list(f.payload))}")
        if f.answer is not None:
            lines.append(f"  answer:  {_short(f.answer)}")
        if f.replay:
            lines.append(f"  replay:  {f.replay}")
    if verbose:
        for c in report.checks:
            if c.skipped:
                lines.append(f"SKIP {c.namespace} {c.event} ({c.what}): {c.skipped}")
    count = len(report.findings)
    rate = report.events_per_second
    lines.append(
        f"{count} finding{'s' if count != 1 else ''}; {len(report.checks)} checks, "
        f"{report.sent} payloads sent in {report.seconds:.1f} s ({rate:.0f}/s), "
        f"seed {report.seed}"
    )
    return "\n".join(lines) + "\n"


def render_json(report: FuzzReport) -> str:
    """The report as JSON (see :meth:`FuzzReport.to_dict`)."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=repr) + "\n"


def render_junit(report: FuzzReport, *, name: str = "sio-spec fuzz") -> str:
    """The report as JUnit XML: one test case per check (class: the namespace),
    a ``<failure>`` for a finding, ``<skipped>`` for a check that could not run."""
    suite = ET.Element(
        "testsuite",
        name=name,
        tests=str(len(report.checks)),
        failures=str(len(report.findings)),
        errors="0",
        skipped=str(sum(1 for c in report.checks if c.skipped)),
        time=f"{report.seconds:.3f}",
    )
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="seed", value=str(report.seed))
    ET.SubElement(props, "property", name="sent", value=str(report.sent))
    for c in report.checks:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=_xml_text(f"sio-spec fuzz {c.namespace}"),
            name=_xml_text(f"{c.event} ({c.what})"),
            time=f"{c.seconds:.3f}",
        )
        if c.finding is not None:
            f = c.finding
            failure = ET.SubElement(case, "failure", type=f.kind, message=_xml_text(f.message))
            failure.text = "\n".join(
                [
                    f"payload: {_short(list(f.payload), 4000, ascii_only=True)}",
                    f"answer: {_short(f.answer, 4000, ascii_only=True)}",
                    f"replay: {_xml_text(f.replay)}",
                ]
            )
        elif c.skipped:
            ET.SubElement(case, "skipped", message=c.skipped)
    root = ET.Element("testsuites", name=name)
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, "unicode") + "\n"


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("\ufffd", text)


def render(report: FuzzReport, fmt: str) -> str:
    """``text``, ``json`` or ``junit``."""
    renderers = {"text": render_text, "json": render_json, "junit": render_junit}
    return renderers[fmt](report)

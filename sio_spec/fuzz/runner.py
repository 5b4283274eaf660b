"""The fuzz run: one hypothesis property per check, each failure shrunk.

For each namespace (by path), connect auth comes first: valid auth must be
accepted and, when the contract says payloads are validated, broken auth
refused. Then the namespace's client connects with valid auth, and every event
the client may send is checked twice: valid payloads (drawn from the request
schema) must be answered as the contract says, and broken payloads (a valid one
broken in one place, see :mod:`sio_spec.datagen`) must be answered with an error
ack when the contract documents sio-spec's validation error ack. Every event the
server sends meanwhile is checked against its schema.

A property that fails is shrunk by hypothesis; the finding holds the smallest
payload that still fails.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .. import datagen
from ..contract import Contract, Event, Namespace, schema_ref
from .channels import Channel, Outcome
from .report import Check, Finding, FuzzReport

__all__ = ["Runner"]

ERROR_NAMES = ("validation_error", "internal_error")
VALIDATION_ERROR = "SioSpecValidationError"


class _Failed(Exception):
    """Raised inside a property with what went wrong."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def _find_failed(exc: BaseException, depth: int = 0) -> _Failed | None:
    """The :class:`_Failed` in ``exc`` (hypothesis may wrap it in a group when a
    failure did not repeat)."""
    if isinstance(exc, _Failed):
        return exc
    if depth > 10:
        return None
    for inner in getattr(exc, "exceptions", ()) or ():
        found = _find_failed(inner, depth + 1)
        if found is not None:
            return found
    cause = exc.__cause__ or exc.__context__
    return _find_failed(cause, depth + 1) if cause is not None and cause is not exc else None


def _validation_refusal(refusal: Any) -> bool:
    """Whether a connection refusal says the auth is invalid (sio-spec's refusal)."""
    if isinstance(refusal, dict):
        return bool(refusal.get("message") == "validation_error")
    return bool(refusal == "validation_error")


def _raised(refusal: Any) -> str | None:
    """The exception a connect handler raised in process, from a refusal."""
    if isinstance(refusal, dict) and set(refusal) == {"raised"}:
        return str(refusal["raised"])
    return None


def _refusal_text(refusal: Any) -> str:
    if isinstance(refusal, dict) and isinstance(refusal.get("message"), str):
        return str(refusal["message"])
    return _one_line(str(refusal), 80)


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


class Runner:
    """Checks one contract against one server."""

    def __init__(
        self,
        contract: Contract,
        channel: Channel,
        *,
        examples: int = 100,
        seed: int | None = None,
        events: Iterable[str] | None = None,
        namespaces: Iterable[str] | None = None,
        auth: Any = None,
        auth_given: bool = False,
        timeout: float = 5.0,
        replay: Callable[[str, str], str] | None = None,
        progress: Callable[[int, int, str], None] | None = None,
    ) -> None:
        self.contract = contract
        self.channel = channel
        self.examples = max(1, int(examples))
        self.seed = seed if seed is not None else random.randrange(2**32)
        if isinstance(events, str):
            events = [events]
        if isinstance(namespaces, str):
            namespaces = [namespaces]
        self.events = set(events) if events is not None else None
        self.namespaces = set(namespaces) if namespaces is not None else None
        self.auth = auth
        self.auth_given = auth_given
        self.timeout = timeout
        channel.timeout = timeout  # bounds its connects too
        self.replay = replay or (lambda _ns, _ev: "")
        self.progress = progress
        self.report = FuzzReport(seed=self.seed)
        self.seen: dict[tuple[str, str], Finding | None] = {}
        self.validated = any(
            e.ack is not None and VALIDATION_ERROR in e.ack.errors for e in contract.events()
        )

    # -- planning ------------------------------------------------------------------------------
    def selected(self) -> list[tuple[Namespace, list[Event]]]:
        out = []
        for ns in self.contract.namespaces:
            if self.namespaces is not None and ns.path not in self.namespaces:
                continue
            sent = [
                e
                for e in ns.events
                if e.direction == "client-to-server"
                and (self.events is None or e.name in self.events)
            ]
            if sent or (ns.auth is not None and (self.events is None or "connect" in self.events)):
                out.append((ns, sent))
        return out

    def run(self) -> FuzzReport:
        """Run every check; the report lists them with their findings."""
        started = time.perf_counter()
        plan = self.selected()
        auth_checks = self.events is None or "connect" in self.events
        total = sum(
            len(events) * 2 + (2 if ns.auth is not None and auth_checks else 0)
            for ns, events in plan
        )
        done = 0

        def step(label: str, count: int = 1) -> None:
            nonlocal done
            done += count
            if self.progress is not None:
                self.progress(done, total, label)

        try:
            for ns, events in plan:
                auth = self.namespace_auth(ns)
                if ns.auth is not None and (self.events is None or "connect" in self.events):
                    if not self.auth_given:
                        self.guarded(ns, "connect", "auth", self.check_auth, ns, True)
                        if self.validated:
                            self.guarded(ns, "connect", "invalid auth", self.check_auth, ns, False)
                    step(f"{ns.path} connect", 2)
                refusal = self.channel.open(ns.path, auth)
                if refusal is not None:
                    self.refused(ns, events, auth, refusal)
                    step(f"{ns.path}", len(events) * 2)
                    continue
                for event in events:
                    self.guarded(ns, event.name, "valid", self.check_event, ns, event, True)
                    step(f"{ns.path} {event.name}")
                    if self.is_validated(event) and event.args is not None:
                        self.guarded(ns, event.name, "invalid", self.check_event, ns, event, False)
                    step(f"{ns.path} {event.name}")
                last = events[-1].name if events else "connect"
                self.observe(ns, "the last event or connect", last, self.channel.pending(ns.path))
                self.server_event_checks(ns)
        finally:
            self.channel.close()
            self.report.seconds = time.perf_counter() - started
        return self.report

    def refused(self, ns: Namespace, events: list[Event], auth: Any, refusal: Any) -> None:
        """The namespace's client could not connect: a finding when the server calls
        the auth invalid although it fits its schema; otherwise its checks are skipped
        (the server wants credentials the contract cannot describe)."""
        check = Check(ns.path, "connect", "connect")
        self.report.checks.append(check)
        raised = _raised(refusal)
        if raised is not None:
            check.finding = Finding(
                ns.path,
                "connect",
                "disconnect",
                (auth,),
                None,
                f"the connect handler raised {raised} (in process)",
                self.replay(ns.path, "connect"),
            )
            return
        if _validation_refusal(refusal) and not self.auth_given:
            check.finding = Finding(
                ns.path,
                "connect",
                "disconnect",
                (auth,),
                refusal,
                "the server refused valid connect auth as invalid",
                self.replay(ns.path, "connect"),
            )
            return
        given = "the auth given" if self.auth_given else "generated auth"
        reason = _one_line(
            f"the server refused the connection with {given} ({_refusal_text(refusal)})"
            + ("" if self.auth_given else "; pass auth it accepts (--auth)")
        )
        check.skipped = reason
        for event in events:
            self.report.checks.append(Check(ns.path, event.name, "valid", skipped=reason))

    def namespace_auth(self, ns: Namespace) -> Any:
        if self.auth_given or ns.auth is None:
            return self.auth
        try:
            gen = datagen.generator(ns.auth, self.contract.schemas)
            return gen.valid(datagen.RandomSource(self.seed))
        except datagen.GenerationError:
            return None

    def guarded(
        self, ns: Namespace, event: str, what: str, check: Callable[..., None], *args: Any
    ) -> None:
        """Run ``check(*args)``; a schema the generator cannot use skips it."""
        try:
            check(*args)
        except datagen.GenerationError as exc:
            reason = _one_line(f"no payload can be made from its schema: {exc}")
            self.report.checks.append(Check(ns.path, event, what, skipped=reason))

    @staticmethod
    def is_validated(event: Event) -> bool:
        return event.ack is not None and VALIDATION_ERROR in event.ack.errors

    # -- running one property ------------------------------------------------------------------
    def prove(
        self,
        check: Check,
        make: Callable[[datagen.Source], Any],
        act: Callable[[Any], None],
        examples: int,
        explicit: Sequence[Any] = (),
    ) -> None:
        """Run ``act`` on values drawn by ``make`` under hypothesis; a failure (shrunk)
        becomes ``check.finding``. Values are drawn in one composite strategy: a draw
        through ``st.data()`` costs several times more."""
        from hypothesis import HealthCheck, Phase, Verbosity, example, given, settings
        from hypothesis import seed as fixed_seed
        from hypothesis import strategies as st
        from hypothesis.errors import Flaky, Unsatisfiable

        started = time.perf_counter()

        @st.composite
        def cases(draw: Callable[[Any], Any]) -> Any:
            return make(datagen.HypothesisSource(draw))

        @fixed_seed(self.seed)
        @settings(
            max_examples=examples,
            database=None,
            deadline=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
            phases=(Phase.explicit, Phase.generate, Phase.shrink),
            verbosity=Verbosity.quiet,
            print_blob=False,
        )
        @given(cases())
        def run(value: Any) -> None:
            act(value)

        for value in explicit:  # tried first, as they are
            run = example(value)(run)

        try:
            run()
        except Unsatisfiable:
            check.skipped = "no value could be drawn for its schema"
        except datagen.GenerationError as exc:
            check.skipped = _one_line(str(exc))
        except Exception as exc:
            failed = _find_failed(exc)
            if failed is None:
                raise
            check.finding = failed.finding
            if isinstance(exc, Flaky):  # timing: it did not fail again when repeated
                check.finding = dataclasses.replace(
                    failed.finding, message=failed.finding.message + " (once; not when repeated)"
                )
        finally:
            check.seconds = time.perf_counter() - started

    # -- connect auth ----------------------------------------------------------------------------
    def check_auth(self, ns: Namespace, valid: bool) -> None:
        assert ns.auth is not None
        gen = datagen.generator(ns.auth, self.contract.schemas)
        check = Check(ns.path, "connect", "auth" if valid else "invalid auth")
        replay = self.replay(ns.path, "connect")
        examples = max(1, min(self.examples, 20))

        stop: list[str] = []

        def make(source: datagen.Source) -> tuple[Any, str]:
            if valid:
                return gen.valid(source), ""
            broken = gen.broken(source)
            if broken is None or not isinstance(broken.value, dict):
                # Socket.IO carries auth as an object: other values break the
                # protocol, not the contract
                _reject()
            assert broken is not None
            return broken.value, broken.reason

        def act(case: tuple[Any, str]) -> None:
            auth, reason = case
            if stop:
                return
            check.sent += 1
            accepted, refusal = self.channel.try_auth(ns.path, auth)
            raised = _raised(refusal)
            if raised is not None:
                what = "valid auth" if valid else f"auth with {reason}"
                raise _Failed(
                    Finding(
                        ns.path,
                        "connect",
                        "disconnect",
                        (auth,),
                        None,
                        f"the connect handler raised {raised} for {what} (in process)",
                        replay,
                    )
                )
            if valid and not accepted and not _validation_refusal(refusal):
                # refused for a reason of its own (credentials): nothing to learn here
                stop.append(
                    f"the server refused generated auth ({_refusal_text(refusal)}); "
                    "pass auth it accepts (--auth)"
                )
                return
            if valid and not accepted:
                raise _Failed(
                    Finding(
                        ns.path,
                        "connect",
                        "disconnect",
                        (auth,),
                        refusal,
                        "valid connect auth was refused as invalid",
                        replay,
                    )
                )
            if not valid and accepted:
                raise _Failed(
                    Finding(
                        ns.path,
                        "connect",
                        "accepts_invalid",
                        (auth,),
                        None,
                        f"connect auth with {reason} was accepted",
                        replay,
                    )
                )

        self.prove(check, make, act, examples)
        if stop:
            check.skipped = _one_line(stop[0])
        self.report.checks.append(check)

    # -- client events ---------------------------------------------------------------------------
    def check_event(self, ns: Namespace, event: Event, valid: bool) -> None:
        schemas = self.contract.schemas
        # a payload the contract does not declare: the event is sent without data, once
        args = datagen.arguments(event.args if event.args is not None else (), schemas)
        check = Check(ns.path, event.name, "valid" if valid else "invalid")
        replay = self.replay(ns.path, event.name)
        ack = event.ack
        want_ack = ack is not None
        ack_args = (
            datagen.arguments(ack.args, schemas)
            if ack is not None and ack.args is not None
            else None
        )
        errors = self.error_checks(event)

        def finding(kind: str, values: tuple[Any, ...], out: Outcome, message: str) -> _Failed:
            answer = list(out.ack) if out.ack is not None else None
            return _Failed(
                Finding(ns.path, event.name, kind, values, answer, _one_line(message), replay)
            )

        def make(source: datagen.Source) -> tuple[tuple[Any, ...], str]:
            if valid:
                return args.valid(source), ""
            broken = args.broken(source)
            if broken is None:
                _reject()
            assert broken is not None
            return broken.values, broken.reason

        def act(case: tuple[tuple[Any, ...], str]) -> None:
            values, reason = case
            check.sent += 1
            try:
                out = self.channel.send(
                    ns.path, event.name, values, ack=want_ack, timeout=self.timeout
                )
            except ConnectionError as exc:  # dropped earlier, and refused to come back
                raise _Failed(
                    Finding(ns.path, event.name, "disconnect", values, None, str(exc), replay)
                ) from None
            self.observe(ns, "an earlier event or connect", event.name, out.earlier)
            self.observe(ns, repr(event.name), event.name, out.events)
            error = _error_ack(out.ack, errors) if out.ack is not None else None
            if valid:
                if out.raised is not None:
                    raise finding(
                        "no_answer", values, out, f"the handler raised {out.raised} (in process)"
                    )
                if out.disconnected:
                    raise finding("disconnect", values, out, "the server disconnected the client")
                if error is not None:
                    raise finding(
                        "error_ack", values, out, f"a valid payload was answered with {error}"
                    )
                if want_ack and not out.answered:
                    raise finding("no_answer", values, out, f"no ack within {self.timeout:g} s")
                if ack_args is not None and out.ack is not None and not ack_args.is_valid(out.ack):
                    raise finding(
                        "invalid_ack",
                        values,
                        out,
                        "the ack breaks its schema: " + ack_args_problem(ack_args, out.ack),
                    )
                return
            if out.raised is not None:
                raise finding(
                    "accepts_invalid",
                    values,
                    out,
                    f"a payload with {reason} reached the handler, which raised {out.raised}",
                )
            if out.disconnected:
                raise finding(
                    "disconnect", values, out, f"the server disconnected on a payload with {reason}"
                )
            if not out.answered:
                raise finding(
                    "no_answer",
                    values,
                    out,
                    f"no error ack within {self.timeout:g} s for a payload with {reason}",
                )
            if error is None and not _error_like(out.ack):
                raise finding(
                    "accepts_invalid", values, out, f"a payload with {reason} was accepted"
                )

        # the contract's own examples are sent first
        documented = [
            (tuple(values), "")
            for values in event.examples
            if valid and event.args is not None and args.is_valid(values)
        ]
        self.prove(check, make, act, self.examples if event.args is not None else 1, documented)
        self.report.checks.append(check)

    def error_checks(self, event: Event) -> list[tuple[str, datagen.Generator | None]]:
        """The error acks the event may get: (name, validator of its component)."""
        out: list[tuple[str, datagen.Generator | None]] = []
        names = event.ack.errors if event.ack is not None else ()
        for name in names:
            gen = None
            if name in self.contract.schemas:
                try:
                    gen = datagen.generator({"$ref": schema_ref(name)}, self.contract.schemas)
                except datagen.GenerationError:
                    gen = None
            out.append((name, gen))
        return out

    # -- server events ---------------------------------------------------------------------------
    def observe(
        self,
        ns: Namespace,
        trigger: str,
        sent: str,
        events: Sequence[tuple[str, tuple[Any, ...]]],
    ) -> None:
        for name, args in events:
            event = ns.event(name, "server-to-client")
            if event is None or event.args is None:
                continue
            key = (ns.path, name)
            if self.seen.get(key) is not None:
                continue
            try:
                gen = datagen.arguments(event.args, self.contract.schemas)
            except datagen.GenerationError:
                continue  # a schema it cannot compile: listed as skipped
            if gen.is_valid(args):
                self.seen.setdefault(key, None)
                continue
            self.seen[key] = Finding(
                ns.path,
                name,
                "invalid_event",
                tuple(args),
                None,
                _one_line(
                    f"the server sent {name!r} breaking its schema (after {trigger}): "
                    + ack_args_problem(gen, args)
                ),
                self.replay(ns.path, sent),
            )

    def server_event_checks(self, ns: Namespace) -> None:
        for event in ns.events:
            if event.direction != "server-to-client" or event.args is None:
                continue
            check = Check(ns.path, event.name, "server event")
            key = (ns.path, event.name)
            if key not in self.seen:
                check.skipped = "the server did not send it during the run"
            else:
                check.finding = self.seen[key]
            self.report.checks.append(check)


def _reject() -> None:
    from hypothesis import reject

    reject()


def _error_ack(
    values: tuple[Any, ...], errors: list[tuple[str, datagen.Generator | None]]
) -> str | None:
    """The error an ack stands for (``validation_error``...), or ``None``."""
    if len(values) != 1:
        return None
    value = values[0]
    if isinstance(value, dict) and value.get("error") in ERROR_NAMES:
        return str(value["error"])
    for name, gen in errors:
        if gen is not None and gen.is_valid(value):
            return name
    return None


def _error_like(values: tuple[Any, ...] | None) -> bool:
    """An ack that reports an error in the common ``{"error": "..."}`` form (servers
    with an error format of their own still refuse the payload)."""
    return (
        values is not None
        and len(values) == 1
        and isinstance(values[0], dict)
        and isinstance(values[0].get("error"), str)
    )


def ack_args_problem(gen: datagen.ArgumentsGenerator, values: Sequence[Any]) -> str:
    """One line naming where ``values`` break the arguments' schemas."""
    if len(values) < gen.required:
        return f"{len(values)} arguments, {gen.required} required"
    if len(values) > len(gen.args):
        return f"{len(values)} arguments, at most {len(gen.args)} declared"
    for i, (one, value) in enumerate(zip(gen.generators, values, strict=False)):
        if one is not None and not one.is_valid(value):
            return f"argument {i} ({gen.args[i].name}): " + one.explain(value)
    return "does not match"

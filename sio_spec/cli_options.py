"""What the ``sio-spec`` command and the commands it adds (``fuzz``, ``mock``) share:
the error a user can fix and the options that raise the limits of reading documents."""

from __future__ import annotations

import argparse

from .errors import SioSpecError
from .guard import MAX_BYTES, MAX_DEPTH, MAX_NODES, MAX_NUMBER_DIGITS, Limits, limits_of

__all__ = ["CLIError", "add_limits", "limits", "positive"]


class CLIError(SioSpecError):
    """A problem the user can fix; reported as one line, exit status 2."""


def limits(args: argparse.Namespace) -> Limits:
    """The reading limits given by the ``--max-...`` options (defaults otherwise)."""
    return limits_of(args.max_bytes, args.max_nodes, args.max_depth, args.max_number_digits)


def add_limits(parser: argparse.ArgumentParser) -> None:
    """The ``--max-...`` options that raise the limits of reading documents."""
    group = parser.add_argument_group(
        "reading limits", "documents are untrusted input, read within these limits"
    )
    for option, default, text in (
        ("--max-bytes", MAX_BYTES, "bytes of a document read"),
        ("--max-nodes", MAX_NODES, "values of a document, YAML aliases expanded"),
        ("--max-depth", MAX_DEPTH, "levels of nesting"),
        ("--max-number-digits", MAX_NUMBER_DIGITS, "digits of a number"),
    ):
        group.add_argument(
            option, type=positive, metavar="N", help=f"at most N {text} (default: {default})"
        )


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text[:40]!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value

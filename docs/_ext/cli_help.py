"""``.. sio-spec-help:: [SUBCOMMAND | *]``: the ``--help`` text of ``sio-spec``, of one
of its subcommands, or (``*``) of every subcommand under a heading of its own, written
by the parser itself so the reference cannot drift from the command."""

from __future__ import annotations

import argparse
import os
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx


class SioSpecHelp(Directive):
    optional_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        from sio_spec.cli import build_parser

        os.environ.setdefault("COLUMNS", "88")
        parser = build_parser()
        if self.arguments and self.arguments[0] == "*":
            out: list[nodes.Node] = []
            for name, sub in _subcommands(parser).items():
                out.append(nodes.rubric("", f"sio-spec {name}"))
                out.append(_block(sub))
            return out
        if self.arguments:
            name = self.arguments[0]
            choices = _subcommands(parser)
            if name not in choices:
                raise self.error(f"sio-spec has no subcommand {name!r}")
            parser = choices[name]
        return [_block(parser)]


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _block(parser: argparse.ArgumentParser) -> nodes.literal_block:
    text = parser.format_help().rstrip()
    block = nodes.literal_block(text, text)
    block["language"] = "text"
    return block


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("sio-spec-help", SioSpecHelp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

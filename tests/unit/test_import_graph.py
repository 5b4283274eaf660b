"""The modules of sio_spec import each other without a circle.

The graph is read from the source with :mod:`ast`, so it counts every import: at
module level, inside functions and under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import sio_spec

PACKAGE = Path(sio_spec.__file__).parent


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _imported(name: str, path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The dotted names ``node`` imports, relative imports resolved."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        base = ".".join(package[: len(package) - node.level + 1])
        module = f"{base}.{node.module}" if node.module else base
    else:
        module = node.module or ""
    return [module] + [f"{module}.{alias.name}" for alias in node.names]


def import_graph() -> dict[str, set[str]]:
    """Each module of sio_spec and the modules of sio_spec it imports."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _imported(name, path, node):
                while target not in modules and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target in modules and target != name:
                    edges.add(target)
        # importing a submodule runs its package's __init__ first: not an edge of ours
        graph[name] = {t for t in edges if not name.startswith(t + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read() -> None:
    graph = import_graph()
    assert "sio_spec.contract" in graph["sio_spec.spec"]
    assert "sio_spec.jsonschema_keywords" in graph["sio_spec.contract"]


def test_the_cycle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle() -> None:
    assert cycles(import_graph()) == []


def _packages(graph: dict[str, set[str]], packages: set[str]) -> dict[str, set[str]]:
    """``graph`` with the modules of each of ``packages`` drawn as the package."""

    def top(name: str) -> str:
        return next((p for p in packages if name == p or name.startswith(p + ".")), name)

    out: dict[str, set[str]] = {}
    for name, targets in graph.items():
        out.setdefault(top(name), set()).update(top(t) for t in targets)
    return {name: targets - {name} for name, targets in out.items()}


def test_the_contract_reader_imports_nothing_above_itself() -> None:
    foundations = {
        "sio_spec.names",
        "sio_spec.errors",
        "sio_spec.guard",
        "sio_spec.jsonschema_keywords",
    }
    graph = _packages(import_graph(), {"sio_spec.contract", "sio_spec.guard"})
    assert graph["sio_spec.contract"] <= foundations
    for module in foundations:
        assert graph[module] <= foundations


# what reads or writes a contract, and the front ends built on everything
CONSUMER_SIDE = {
    "sio_spec.asyncapi",
    "sio_spec.cli",
    "sio_spec.cli_options",
    "sio_spec.contract",
    "sio_spec.datagen",
    "sio_spec.diff",
    "sio_spec.flask",
    "sio_spec.fuzz",
    "sio_spec.loader",
    "sio_spec.mock",
    "sio_spec.targets",
    "sio_spec.telemetry",
    "sio_spec.testing",
    "sio_spec.typescript",
    "sio_spec.web",
    "sio_spec.writers",
}


def test_the_server_side_imports_nothing_of_the_consumer_side() -> None:
    server_side = {"sio_spec.server", "sio_spec.adapters"}
    graph = _packages(import_graph(), server_side | CONSUMER_SIDE)
    for package in server_side:
        assert not graph[package] & CONSUMER_SIDE, package


def test_the_writers_import_no_front_end() -> None:
    front_ends = {
        "sio_spec.cli",
        "sio_spec.flask",
        "sio_spec.fuzz",
        "sio_spec.mock",
        "sio_spec.spec",
        "sio_spec.testing",
        "sio_spec.web",
    }
    graph = _packages(import_graph(), {"sio_spec.writers", *front_ends})
    assert not graph["sio_spec.writers"] & front_ends

"""The emulator's module graph: its imports form a DAG, and no handler knows the router.

Every import counts, those under ``TYPE_CHECKING`` and inside functions too. Run this file as a
script to print the graph level by level (``python tests/emulator/test_emulator_layers.py``).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "overlays" / "anthropic_bedrock" / "emulator"

# Modules that answer one operation: found through the dispatch table, they never see the dispatcher.
HANDLERS = ("_control", "_invoke", "_count_tokens")
DISPATCHER = "_routes"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "__init__"


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (relative imports inside the package only)."""
    modules = {_module_name(path): path for path in sorted(package.rglob("*.py"))}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        here = name.split(".")[:-1] if name != "__init__" and path.name != "__init__.py" else name.split(".")
        if name == "__init__":
            here = []
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or node.level == 0:
                continue
            base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
            if node.level - 1 > len(here):
                continue  # leaves the emulator (the SDK's shared codec)
            prefix = [*base, *(node.module.split(".") if node.module else [])]
            module = ".".join(prefix) or "__init__"
            for alias in node.names:
                # ``from . import _x`` names a module; ``from ._x import y`` names something in one.
                submodule = ".".join([*prefix, alias.name])
                target = submodule if submodule in graph else module
                if target in graph and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected set of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def levels(graph: dict[str, set[str]]) -> dict[str, int]:
    """0 for a module importing nothing of the package, else one more than its highest import."""
    result: dict[str, int] = {}

    def level(node: str, seen: frozenset[str]) -> int:
        if node in result:
            return result[node]
        below = [level(target, seen | {node}) for target in graph[node] if target not in seen]
        result[node] = 1 + max(below) if below else 0
        return result[node]

    for node in graph:
        level(node, frozenset())
    return result


def render(graph: dict[str, set[str]]) -> str:
    by_level = levels(graph)
    lines = []
    for node in sorted(graph, key=lambda name: (-by_level[name], name)):
        lines.append(f"L{by_level[node]} {node} -> {', '.join(sorted(graph[node])) or '-'}")
    found = cycles(graph)
    lines.append(f"{len(graph)} modules, {max(by_level.values()) + 1} levels, {len(found)} circle(s)")
    lines += [f"circle: {' <-> '.join(component)}" for component in found]
    return "\n".join(lines)


def test_the_emulator_imports_form_a_dag() -> None:
    assert cycles(import_graph()) == []


def test_handlers_never_import_the_router() -> None:
    graph = import_graph()
    for handler in (*HANDLERS, *(name for name in graph if name.startswith("_operations"))):
        if handler in graph:
            assert DISPATCHER not in graph[handler], handler


def test_the_graph_script_sees_a_circle() -> None:
    # The checker itself can fail: a made-up pair of modules importing each other is a circle.
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_no_module_is_over_400_lines() -> None:
    for path in PACKAGE.rglob("*.py"):
        assert len(path.read_text().splitlines()) <= 400, path.name


if __name__ == "__main__":
    print(render(import_graph()))

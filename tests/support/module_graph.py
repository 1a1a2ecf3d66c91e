"""The package's import graph read from its source with :mod:`ast` (nothing imported): which module
imports which, at module level or lazily inside a function. Architecture tests walk it."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import dataset_builder

PACKAGE = Path(dataset_builder.__file__).parent


def module_names() -> list[str]:
    """Every module of the package, by its dotted name."""
    return sorted(_paths())


def _paths() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """True for an import under ``if TYPE_CHECKING:`` (never executed)."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def _in_function(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return True
    return False


@dataclass(frozen=True)
class Imports:
    """The package modules one module imports: when it is imported (``top``), or inside a function
    (``lazy``: run only when the function is called)."""

    top: frozenset[str]
    lazy: frozenset[str]

    @property
    def all(self) -> frozenset[str]:
        return self.top | self.lazy


def imports_of(name: str, path: Path, known: set[str]) -> Imports:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top: set[str] = set()
    lazy: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        if _type_checking_only(node, parents):
            continue
        found: set[str] = set()
        for target in targets:
            parts = target.split(".")  # importing a.b.c runs a, a.b and a.b.c
            found |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)} & known
        (lazy if _in_function(node, parents) else top).update(found - {name})
    return Imports(frozenset(top), frozenset(lazy - top))


def graph() -> dict[str, Imports]:
    """Every module of the package and what it imports."""
    paths = _paths()
    return {name: imports_of(name, path, set(paths)) for name, path in paths.items()}


def reachable(start: str, edges: dict[str, frozenset[str]]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in edges[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def cycles(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted: every
    import cycle lies inside one."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(out)

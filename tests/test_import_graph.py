"""Ingest, its settings and its worker pool import one another one way only: no import cycle.

pipeline/ingest.py, settings.py and workers.py once imported each other in a circle: workers took
its data types from ingest, and ingest and settings imported workers inside functions to get round
it. The shared types now live in pipeline/work.py. Every import counts here, at module level or
inside a function: an import deferred into a function is still a dependency, and the circle it hides
is still there.
"""

from __future__ import annotations

import ast
from pathlib import Path

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"
RUN_MODULES = ("pipeline.ingest", "pipeline.settings", "pipeline.workers", "pipeline.work")


def modules(package: Path) -> dict[str, Path]:
    """Every module under the package by its dotted name (a package by its __init__.py)."""
    found = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The known modules that module `name` imports, anywhere in it (functions and TYPE_CHECKING blocks too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package, up level - 1 packages
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from pipeline import ingest` imports the module pipeline.ingest.
            candidates = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for candidate in candidates:
            parts = candidate.split(".")
            # The longest prefix that is a module: `pipeline.ingest.run_ingest` is pipeline.ingest.
            target = next((".".join(parts[:k]) for k in range(len(parts), 0, -1) if ".".join(parts[:k]) in known), None)
            if target is not None and target != name:
                out.add(target)
    return out


def import_graph(package: Path) -> dict[str, set[str]]:
    known = modules(package)
    return {name: imported(name, path, known) for name, path in known.items()}


def cycle_through(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """An import path from `start` back to itself, or None."""
    stack = [(start, [start])]
    seen = set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def test_ingest_settings_and_workers_import_each_other_without_a_cycle():
    graph = import_graph(PIPELINE)
    assert set(RUN_MODULES) <= set(graph), "a run module moved: update RUN_MODULES"
    # The graph is read, not assumed: the run's own imports are in it.
    assert {"pipeline.workers", "pipeline.settings"} <= graph["pipeline.ingest"]
    assert "pipeline.settings" in graph["pipeline.workers"]
    cycles = {name: cycle_through(graph, name) for name in RUN_MODULES}
    assert not {name: path for name, path in cycles.items() if path}, "import cycle: " + "; ".join(
        " -> ".join(path) for path in cycles.values() if path
    )


def test_the_check_finds_a_cycle_hidden_in_a_function(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.b import thing\n")
    (package / "b.py").write_text("def thing():\n    from pkg import a\n    return a\n")
    (package / "c.py").write_text("from . import a\n")
    graph = import_graph(package)
    assert graph["pkg.c"] == {"pkg", "pkg.a"}  # the package itself runs first
    assert cycle_through(graph, "pkg.a") == ["pkg.a", "pkg.b", "pkg.a"]
    assert cycle_through(graph, "pkg.c") is None

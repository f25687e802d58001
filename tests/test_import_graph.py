"""pipeline's parts import one another downwards only, and no modules import one another in a circle.

The layers are stated once, in LAYERS: the command on top; running an ingest, analysis and evaluation
side by side (none imports another); the database below them; the shared errors and signal handling
below that; the extractors and the schemas at the bottom, never importing pipeline.

Within a part there are no cycles either. pipeline/run/ingest.py, settings.py and workers.py once
imported each other in a circle: workers took its data types from ingest, and ingest and settings
imported workers inside functions to get round it. The shared types now live in pipeline/run/work.py.
Every import counts here, at module level or inside a function: an import deferred into a function
is still a dependency, and the circle it hides is still there.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIPELINE = ROOT / "pipeline"
RUN_MODULES = ("pipeline.run.ingest", "pipeline.run.settings", "pipeline.run.workers", "pipeline.run.work")

# The intended layering, top to bottom. A module may import modules of its own part and of the parts in
# the layers below its own; never a part beside it or above it. A part is a subpackage of pipeline/, a
# top-level module of pipeline/, or a whole package (extractors, schemas).
LAYERS = (
    ("pipeline.cli",),
    ("pipeline.run", "pipeline.analysis", "pipeline.evaluation"),
    ("pipeline.store",),
    ("pipeline.errors", "pipeline.signals"),
    ("extractors",),
    ("schemas",),
)
LAYER = {part: depth for depth, parts in enumerate(LAYERS) for part in parts}


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
            # `from pipeline.run import ingest` imports the module pipeline.run.ingest.
            candidates = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for candidate in candidates:
            parts = candidate.split(".")
            # The longest prefix that is a module: `pipeline.run.ingest.run_ingest` is pipeline.run.ingest.
            target = next((".".join(parts[:k]) for k in range(len(parts), 0, -1) if ".".join(parts[:k]) in known), None)
            if target is not None and target != name:
                out.add(target)
    return out


def import_graph(*packages: Path) -> dict[str, set[str]]:
    known = {name: path for package in packages for name, path in modules(package).items()}
    return {name: imported(name, path, known) for name, path in known.items()}


def part_of(module: str) -> str | None:
    """The part of LAYERS a module belongs to (its longest listed prefix), or None."""
    parts = module.split(".")
    return next((".".join(parts[:k]) for k in range(len(parts), 0, -1) if ".".join(parts[:k]) in LAYER), None)


def layer_breaches(graph: dict[str, set[str]]) -> list[str]:
    """Every import from one part into a part beside it or above it in LAYERS, as 'a -> b'."""
    breaches = []
    for name, targets in sorted(graph.items()):
        for target in sorted(targets):
            source, dest = part_of(name), part_of(target)
            if source is not None and dest is not None and source != dest and LAYER[dest] <= LAYER[source]:
                breaches.append(f"{name} ({source}) -> {target} ({dest})")
    return breaches


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


def test_every_module_belongs_to_a_part_of_the_layering():
    graph = import_graph(PIPELINE, ROOT / "extractors", ROOT / "schemas")
    # Only the pipeline package itself is in no part; it imports nothing, so it hides no import.
    assert {name for name in graph if part_of(name) is None} == {"pipeline"}, "place the new module in LAYERS"
    assert graph["pipeline"] == set()
    assert {part_of(name) for name in graph} - {None} == set(LAYER), "a part of LAYERS has no module: update LAYERS"


def test_the_parts_import_one_another_down_the_layers_only():
    graph = import_graph(PIPELINE, ROOT / "extractors", ROOT / "schemas")
    # The graph is read, not assumed: the imports between parts that the layering allows are in it.
    assert "pipeline.store.db" in graph["pipeline.run.ingest"]
    assert "pipeline.store.db" in graph["pipeline.analysis.report"]
    assert "pipeline.signals" in graph["pipeline.store.db"]
    assert "schemas.record" in graph["pipeline.evaluation.contract"]
    assert not layer_breaches(graph), "imports against the layering: " + "; ".join(layer_breaches(graph))


def test_no_module_of_pipeline_imports_itself_in_a_circle():
    graph = import_graph(PIPELINE)
    cycles = [path for name in sorted(graph) if (path := cycle_through(graph, name))]
    assert not cycles, "import cycle: " + "; ".join(" -> ".join(path) for path in cycles)


def test_ingest_settings_and_workers_import_each_other_without_a_cycle():
    graph = import_graph(PIPELINE)
    assert set(RUN_MODULES) <= set(graph), "a run module moved: update RUN_MODULES"
    # The graph is read, not assumed: the run's own imports are in it.
    assert {"pipeline.run.workers", "pipeline.run.settings"} <= graph["pipeline.run.ingest"]
    assert "pipeline.run.settings" in graph["pipeline.run.workers"]
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


def test_the_check_finds_an_import_against_the_layering(tmp_path):
    package = tmp_path / "pipeline"
    for sub in ("store", "run", "analysis"):
        (package / sub).mkdir(parents=True)
        (package / sub / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "store" / "db.py").write_text("def f():\n    from pipeline.run.ingest import plan\n")
    (package / "run" / "ingest.py").write_text("from pipeline.store import db\n")
    (package / "analysis" / "report.py").write_text("from pipeline.run import ingest\n")
    assert layer_breaches(import_graph(package)) == [
        "pipeline.analysis.report (pipeline.analysis) -> pipeline.run (pipeline.run)",
        "pipeline.analysis.report (pipeline.analysis) -> pipeline.run.ingest (pipeline.run)",
        "pipeline.store.db (pipeline.store) -> pipeline.run.ingest (pipeline.run)",
    ]

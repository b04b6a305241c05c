"""The layers of docs/architecture.md hold: the core never imports R, and no module imports
itself through others.

Every module of the core packages is parsed (``ast``) and its imports resolved; none may
import :mod:`carbongap.r` or rpy2, at module level or inside a function. The backends are
chosen in one place, :mod:`carbongap.backends`, which the stages call. The imports of
every module of the package, those inside functions included (only ``if TYPE_CHECKING``
blocks are left out), form no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import carbongap

PACKAGE = Path(carbongap.__file__).resolve().parent
CORE = ("accounting", "inequality", "dea", "qreg", "tables", "synth", "io", "ingest",
        "robustness")
CORE_MODULES = ("regions.py",)


def _imports(path: Path, package: str | None = None, *, source: str | None = None
             ) -> set[str]:
    """The absolute names every import of ``path`` (a module of ``package``, by default
    found from its place in carbongap) refers to; ``source`` replaces the file's text."""
    if package is None:
        package = ".".join(("carbongap", *path.relative_to(PACKAGE).parent.parts))
    found = set()
    text = path.read_text(encoding="utf-8") if source is None else source
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _runtime_imports(path: Path) -> set[str]:
    """:func:`_imports` without the ``if TYPE_CHECKING:`` blocks (never executed)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            node.body = [ast.Pass()]
    return _imports(path, source=ast.unparse(tree))


def _core_files() -> list[Path]:
    files = [p for name in CORE for p in sorted((PACKAGE / name).rglob("*.py"))]
    return files + [PACKAGE / name for name in CORE_MODULES]


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_core_module_imports_r(path):
    bad = sorted(name for name in _imports(path)
                 if name == "carbongap.r" or name.startswith(("carbongap.r.", "rpy2")))
    assert bad == [], f"{path.relative_to(PACKAGE)} imports {bad}"


def test_the_import_resolver_sees_relative_r_imports(tmp_path):
    # the check above can fail: a relative import of ..r from a core module is resolved
    module = PACKAGE / "dea" / "luenberger.py"
    assert "carbongap.choices.Frontier" in _imports(module)  # from ..choices import ...
    assert "carbongap.dea.technology.job_solver" in _imports(module)  # from .technology
    fake = tmp_path / "fake.py"
    fake.write_text("def f():\n    from ..r.dea import run_jobs_r\n", encoding="utf-8")
    assert "carbongap.r.dea" in _imports(fake, "carbongap.dea")


def test_backends_are_chosen_in_one_place():
    from carbongap.backends.dea import solve_jobs
    from carbongap.backends.qreg import estimator
    from carbongap.dea.technology import run_jobs, run_jobs_kernel
    from carbongap.qreg import estimate

    assert solve_jobs("python", "highs") is run_jobs and estimator("python") is estimate
    assert solve_jobs("python") is run_jobs_kernel  # [productivity] solver = "kernel"
    # nothing of R is imported until an R function is called
    assert solve_jobs("r").__module__ == "carbongap.backends.dea"
    assert estimator("r").__module__ == "carbongap.backends.qreg"
    for choose in (solve_jobs, estimator):
        with pytest.raises(Exception, match="backend"):
            choose("julia")
    users = sorted(p.name for p in (PACKAGE / "stages").glob("*.py")
                   if "from ..backends" in p.read_text(encoding="utf-8"))
    assert users == ["crossval.py", "productivity.py", "regressions.py", "robustness.py"]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(("carbongap", *(parts[:-1] if parts[-1] == "__init__" else parts)))


def test_no_import_cycle():
    modules = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
    # a module's own packages are imported before it (not an edge of a cycle)
    graph = {name: sorted(m for m in _runtime_imports(path)
                          if m in modules and m != name and not name.startswith(f"{m}."))
             for name, path in modules.items()}
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for other in graph[name]:
            if state.get(other) == "open":
                cycle = [*trail[trail.index(other):], name, other] if other in trail else \
                    [name, other]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if other not in state:
                visit(other, [*trail, name])
        state[name] = "done"

    for name in graph:
        if name not in state:
            visit(name, [])


def _cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """One cycle of ``graph`` (node -> nodes it imports) as a path, or None."""
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> list[str] | None:
        state[name] = "open"
        for other in graph.get(name, ()):
            if state.get(other) == "open":
                return [*trail[trail.index(other):], name, other] if other in trail else \
                    [name, other]
            if other not in state:
                found = visit(other, [*trail, name])
                if found:
                    return found
        state[name] = "done"
        return None

    for name in sorted(graph):
        if name not in state:
            found = visit(name, [])
            if found:
                return found
    return None


def _package(module: str) -> str:
    """carbongap.dea.sbi -> dea; a root module (carbongap.cli) is its own package."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _full_graph(level: str) -> dict[str, list[str]]:
    """Imports between the modules (or, with level "package", between the packages) of
    carbongap, every import counted: module level, inside functions and under
    ``if TYPE_CHECKING`` (a type-only loop is a loop a reader has to untangle too)."""
    modules = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        for other in _imports(path):
            if other not in modules or other == name or name.startswith(f"{other}."):
                continue
            a, b = (_package(name), _package(other)) if level == "package" else (name, other)
            if a != b:
                graph.setdefault(a, set()).add(b)
    return {a: sorted(b) for a, b in graph.items()}


@pytest.mark.parametrize("level", ["package", "module"])
def test_no_cycle_counting_every_import(level):
    cycle = _cycle(_full_graph(level))
    assert cycle is None, f"{level} import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_one():
    assert _cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert _cycle({"a": ["b"], "b": []}) is None
    assert _package("carbongap.dea.sbi") == "dea" and _package("carbongap.cli") == "cli"


BOTTOM = ("carbongap.errors",)


@pytest.mark.parametrize("path", sorted((PACKAGE / "io").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_io_is_the_bottom_layer(path):
    # io/ (readers, atomic writes, .dta, Markdown, HTML) is used by every layer, so it
    # may import no domain package of carbongap: only itself and errors.py
    own = sorted(name for name in _imports(path) if name.startswith("carbongap.")
                 and not name.startswith(("carbongap.io.", *BOTTOM)) and name != "carbongap.io")
    assert own == [], f"{path.relative_to(PACKAGE)} imports {own}"


def test_the_bottom_layer_check_sees_a_domain_import(tmp_path):
    fake = tmp_path / "fake.py"
    fake.write_text("from ..ingest.cells import parse_numeric\nfrom .atomic import x\n",
                    encoding="utf-8")
    found = _imports(fake, "carbongap.io")
    assert "carbongap.ingest.cells" in found and "carbongap.io.atomic" in found


def test_modules_are_imported_by_name_only_by_the_lazy_public_api():
    # The registry imports the stage modules (each declares its STAGE); nothing loads a
    # module from a string the import graph above cannot see, but the package root's lazy
    # attributes (carbongap.dea, carbongap.qreg, ... on first use).
    users = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
                   if "import_module" in p.read_text(encoding="utf-8"))
    assert users == ["__init__.py"]
    from carbongap.pipeline.registry import STAGES
    from carbongap.stages import validate

    assert STAGES[0] is validate.STAGE and validate.STAGE.module == "carbongap.stages.validate"
    assert [s.module.rsplit(".", 1)[1] for s in STAGES] == [s.name for s in STAGES]

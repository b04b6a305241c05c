"""Where a run's numbers come from: file checksums, the code each stage runs, library
versions, the input files and where the configuration came from.

Everything that enters a stage's cache key or ``manifest.json`` is computed here, once:

* :func:`file_sha256` — sha256 of a file (``hashlib.file_digest``);
* :func:`package_versions` — the tracked Python libraries;
* :func:`stage_code_files` / :func:`stage_code_hash` — the source and data files a stage's
  computation depends on: its stage module and, transitively, every module of the package
  it imports (module-level and function-level imports alike), the ``__init__`` of every
  package on the way (they run on import), and the data files of any package it opens
  with ``importlib.resources.files("carbongap....")``. Left out, because they cannot
  change a cached result: imports under ``if TYPE_CHECKING:`` and imports inside the stage
  module's own ``write`` function (rendering runs on every run, cached or not). So an edit
  to the regression code never reruns the DEA, and an edit to the DEA reruns productivity
  and what follows it;
* :func:`describe_inputs` — the files the configuration names (panel, provincial table,
  factor files, table specifications), each with its size and sha256;
* :class:`ConfigOrigin` — the TOML file read and the overrides applied.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..config import Config

PACKAGE = "carbongap"
#: The installed package's folder (the default root of the code hashes).
PACKAGE_ROOT: Path = Path(__file__).resolve().parents[1]

#: Python distributions whose versions are recorded and enter every cache key.
TRACKED_PACKAGES: tuple[str, ...] = (
    "numpy", "pandas", "scipy", "highspy", "numba", "statsmodels", "matplotlib",
    "pyreadstat", "openpyxl", "xlrd", "pyarrow", "joblib", "psutil", "tomli-w", "typer",
    "rich", "markdown-it-py", "dask", "distributed", "rpy2",
)

#: What :func:`describe_inputs` says of one file.
InputFile = dict[str, str | int]


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes (hex)."""
    with Path(path).open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@cache
def package_versions() -> dict[str, str]:
    """Installed versions of the tracked packages ('not installed' otherwise)."""
    out = {}
    for name in TRACKED_PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


# --- the code a stage runs ---------------------------------------------------------------

def _module_path(module: str, root: Path) -> Path | None:
    """The file of ``carbongap.a.b`` under ``root`` (a module or a package), or None."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    base = root.joinpath(*parts[1:])
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def _package_of(module: str, path: Path) -> str:
    """The package a module's relative imports start from."""
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, skip_write: bool) -> Iterable[ast.AST]:
    """Every node below ``node``, without ``if TYPE_CHECKING:`` bodies and (when
    ``skip_write``) without a top-level ``def write``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            yield from (n for sub in child.orelse for n in (sub, *_walk(sub, False)))
            continue
        if skip_write and isinstance(child, ast.FunctionDef) and child.name == "write":
            continue
        yield child
        yield from _walk(child, False)


def _resource_package(node: ast.AST) -> str | None:
    """``"carbongap.data"`` for a call ``resources.files("carbongap.data")``, else None."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "files" and node.args
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
            and node.args[0].value.split(".")[0] == PACKAGE):
        return node.args[0].value
    return None


@cache
def _parsed(path: Path, mtime_ns: int, size: int) -> ast.Module:
    """The syntax tree of a source file (cached while the file is unchanged)."""
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(module: str, path: Path, root: Path, skip_write: bool
             ) -> tuple[set[str], set[str]]:
    """The package modules ``module`` imports, and the packages whose files it opens."""
    stat = path.stat()
    tree = _parsed(path, stat.st_mtime_ns, stat.st_size)
    here = _package_of(module, path)
    found: set[str] = set()
    resources: set[str] = set()
    for node in _walk(tree, skip_write):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = here.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
        elif (package := _resource_package(node)) is not None:
            resources.add(package)
    return {m for m in found if _module_path(m, root) is not None}, resources


def _data_files(package: str, root: Path) -> list[Path]:
    """The non-Python files of a package folder (and its plain subfolders)."""
    folder = root.joinpath(*package.split(".")[1:])
    return [p for p in folder.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")
            and "__pycache__" not in p.parts]


def stage_code_files(module: str, root: Path = PACKAGE_ROOT) -> tuple[Path, ...]:
    """The files the computation of stage module ``module`` depends on (module docstring),
    sorted by path."""
    files: set[Path] = set()
    seen: set[str] = set()
    pending = [module]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        path = _module_path(current, root)
        if path is None:
            continue
        files.add(path)
        parts = current.split(".")
        pending.extend(".".join(parts[:i]) for i in range(1, len(parts)))  # parent packages
        modules, packages = _imports(current, path, root, skip_write=current == module)
        pending.extend(modules)
        for package in packages:
            files.update(_data_files(package, root))
    return tuple(sorted(files))


def stage_code_hash(module: str, root: Path = PACKAGE_ROOT) -> str:
    """sha256 over the relative path and bytes of every file of :func:`stage_code_files`."""
    digest = hashlib.sha256()
    for path in stage_code_files(module, root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


# --- the files a run reads ------------------------------------------------------------------

#: Option -> the file used when the option is empty (a built-in file that is still an
#: input of the run, such as the paper's table specifications).
DefaultFile = Callable[[], Path | None]


#: The installed package's folder: built-in input files are named relative to it.
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def portable_path(path: Path) -> str:
    """How the manifest names an input file, the same on every machine: a built-in file
    as ``carbongap/<path inside the package>``, a file under the working directory (the
    repository, for ``make replicate``) relative to it, any other file as given."""
    resolved = path.resolve()
    if resolved.is_relative_to(PACKAGE_DIR):
        return f"carbongap/{resolved.relative_to(PACKAGE_DIR).as_posix()}"
    cwd = Path.cwd().resolve()
    if resolved.is_relative_to(cwd):
        return resolved.relative_to(cwd).as_posix()
    return str(path)


def from_portable_path(recorded: str) -> Path:
    """The file a :func:`portable_path` names (``carbongap/...``: a built-in file; other
    paths as recorded, relative to the working directory)."""
    if recorded.startswith("carbongap/"):
        return PACKAGE_DIR.parent / recorded
    return Path(recorded)


def describe_inputs(config: Config, options: Sequence[tuple[str, str]],
                    defaults: Mapping[tuple[str, str], DefaultFile] | None = None
                    ) -> dict[str, InputFile]:
    """Every existing file the configuration names under ``options`` ((section, key)
    pairs), keyed ``section.key``: its :func:`portable_path`, its size in bytes and its
    sha256.

    A value that is not an existing file (a built-in factor set such as ``paper``, or no
    panel: the synthetic default) is not an input file. A run calls this once, so each
    input file is read and hashed once.
    """
    found = {}
    for section, key in options:
        value = getattr(getattr(config, section), key)
        default = (defaults or {}).get((section, key))
        path = Path(value) if value else (default() if default else None)
        if path is not None and path.is_file():
            found[f"{section}.{key}"] = {"path": portable_path(path),
                                         "bytes": path.stat().st_size,
                                         "sha256": file_sha256(path)}
    return dict(sorted(found.items()))


def input_hashes(inputs: Mapping[str, InputFile], options: Sequence[tuple[str, str]]
                 ) -> dict[str, str]:
    """sha256 of each file among ``options`` in ``inputs`` (part of a stage's cache key)."""
    wanted = (f"{section}.{key}" for section, key in options)
    return {option: str(inputs[option]["sha256"]) for option in wanted if option in inputs}


@dataclass(frozen=True)
class ConfigOrigin:
    """Where a run's configuration came from: the TOML file read (None: none, see
    ``note``) and the overrides applied on top, as typed."""

    file: str | Path | None = None
    overrides: Sequence[str] = ()
    note: str = "built-in defaults (= paper.toml)"

    def describe(self) -> dict[str, Any]:
        """The file's path and sha256 (or the note) and the overrides."""
        if self.file is None:
            source: dict[str, Any] = {"file": None, "note": self.note}
        else:
            path = Path(self.file)
            source = {"file": portable_path(path), "sha256": file_sha256(path)}
        return {**source, "overrides": list(self.overrides)}

"""What a stage may need beyond Python: R (through rpy2) and its packages.

A stage declares ``requires=("R",)``. Before running it, the runner probes each
capability once per run (:func:`probe`): a missing capability makes the stage "skipped"
with the reason and how to install it, or "failed" when the user asked for it
(``--require-r``, ``[run] require_r``). The versions a probe finds enter the cache keys of
the stages that require the capability, so a new R or quantreg reruns them. Nothing is
probed, and R is never started, when no stage of the run requires it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Capability:
    """A named requirement: how to test for it, read its versions and install it."""

    name: str
    unavailable: Callable[[], str | None]  #: None when usable, else why not (a sentence)
    versions: Callable[[], dict[str, str]]  #: component -> version, when usable
    install: str  #: how to install it, for the skip message
    locked: Callable[[], dict[str, str]] = dict  #: component -> the version of the lock


@dataclass(frozen=True)
class CapabilityState:
    """The outcome of a probe."""

    name: str
    reason: str = ""  #: why it is unavailable; "" when available
    install: str = ""
    versions: dict[str, str] = field(default_factory=dict)
    locked: dict[str, str] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        """Whether the capability can be used."""
        return not self.reason

    def lock_mismatches(self) -> list[str]:
        """One sentence per component whose version differs from the lock's."""
        return [f"{self.name}: {component} {self.versions.get(component, 'missing')} differs "
                f"from the locked {version} ({LOCK_FILE}); results may differ from the "
                "deposited ones"
                for component, version in self.locked.items()
                if self.versions.get(component) != version]

    def describe(self) -> str:
        """One line for the report: versions, or why not and how to install."""
        if self.available:
            listed = ", ".join(f"{k} {v}" for k, v in self.versions.items())
            return f"{self.name}: available ({listed})"
        return f"{self.name}: unavailable ({self.reason}); install: {self.install}"


#: Set to 1 to run the pipeline as if R were missing (stages needing R are skipped).
NO_R_VARIABLE = "CARBONGAP_NO_R"


def _r_unavailable() -> str | None:
    if os.environ.get(NO_R_VARIABLE) == "1":
        return f"R disabled by {NO_R_VARIABLE}=1"
    from ..r.session import r_unavailable_reason

    return r_unavailable_reason()


def _r_versions() -> dict[str, str]:
    from ..r.session import r_versions

    return r_versions()


#: The R side of the versions lock (shipped with the package).
LOCK_FILE = "carbongap/data/r_versions.toml"


def _r_locked() -> dict[str, str]:
    import tomllib
    from importlib import resources

    text = resources.files("carbongap").joinpath("data/r_versions.toml").read_text("utf-8")
    return {str(k): str(v) for k, v in tomllib.loads(text).items()}


INSTALL_R = ("apt-get install r-base-core r-cran-quantreg r-cran-lpsolve r-cran-haven, then "
             "pip install 'rpy2>=3.5.17,<3.6' (make setup does both)")

CAPABILITIES: dict[str, Capability] = {
    "R": Capability("R", _r_unavailable, _r_versions, INSTALL_R, _r_locked),
}


def probe(name: str, registry: dict[str, Capability] | None = None) -> CapabilityState:
    """Test capability ``name`` (KeyError naming the known ones for another name)."""
    known = CAPABILITIES if registry is None else registry
    if name not in known:
        raise KeyError(f"unknown capability {name!r}; known: {', '.join(known)}")
    capability = known[name]
    reason = capability.unavailable()
    if reason:
        return CapabilityState(name, reason, capability.install)
    return CapabilityState(name, versions=capability.versions(), locked=capability.locked())

"""Write the replication archive a journal receives: ``make deposit``.

    python3 replication/deposit.py [OUT_DIR]      (default: deposit/)

The archive ``OUT_DIR/carbongap-<version>.tar.gz`` holds every file git tracks (code,
configuration, documentation, README, LICENSE, tests and their stored references) under
``carbongap-<version>/``, without caches, outputs or CI files (nothing untracked is ever
included; :data:`EXCLUDED` lists the tracked files left out), and ``SHA256SUMS`` inside it
(``sha256sum -c SHA256SUMS`` in the unpacked folder verifies every file). Beside it,
``carbongap-<version>.tar.gz.sha256`` holds the archive's own checksum. The archive is
reproducible: sorted members, fixed times, owners and modes, gzip without a timestamp.
Uses the standard library and git only.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import subprocess
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: Tracked files that are not part of a deposit: continuous integration and git's own.
EXCLUDED = (".ci/", ".github/", ".gitignore", ".gitattributes")


def version() -> str:
    """The package version (python/carbongap/_version.py)."""
    text = (REPO / "python" / "carbongap" / "_version.py").read_text(encoding="utf-8")
    found = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    if found is None:
        raise SystemExit("deposit: no __version__ in python/carbongap/_version.py")
    return found.group(1)


def tracked_files() -> list[str]:
    """Every file git tracks (as in the working tree), minus :data:`EXCLUDED`, sorted."""
    try:
        done = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True,
                              timeout=60, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise SystemExit(f"deposit: needs a git checkout of carbongap ({exc})") from None
    names = [n for n in done.stdout.decode("utf-8").split("\0") if n]
    return sorted(n for n in names if not n.startswith(EXCLUDED) and (REPO / n).is_file())


def _add(archive: tarfile.TarFile, name: str, data: bytes, executable: bool = False) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.uid, info.gid = len(data), 0, 0, 0
    info.uname = info.gname = ""
    info.mode = 0o755 if executable else 0o644
    archive.addfile(info, io.BytesIO(data))


def write_deposit(out: Path) -> Path:
    """Write the archive and its checksum file into ``out``; returns the archive's path."""
    root = f"carbongap-{version()}"
    files = tracked_files()
    contents = {name: (REPO / name).read_bytes() for name in files}
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                   for name, data in contents.items())
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, data in contents.items():
            _add(archive, f"{root}/{name}", data, executable=name.endswith(".sh"))
        _add(archive, f"{root}/SHA256SUMS", sums.encode("utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{root}.tar.gz"
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                               mtime=0) as packed:
        packed.write(buffer.getvalue())
    tmp.replace(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    (out / f"{path.name}.sha256").write_text(f"{digest}  {path.name}\n", encoding="utf-8")
    print(f"{path}: {len(files)} files and SHA256SUMS; sha256 {digest}")
    return path


if __name__ == "__main__":
    write_deposit(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "deposit")

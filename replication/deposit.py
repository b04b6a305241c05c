"""Write the replication archive a journal receives: ``make deposit``.

    python3 replication/deposit.py [OUT_DIR]      (default: deposit/)

The archive ``OUT_DIR/carbongap-<version>.tar.gz`` holds the committed tree of ``HEAD``
(code, configuration, documentation, README, LICENSE, tests and their stored references)
under ``carbongap-<version>/``, without caches, outputs or CI files (:data:`EXCLUDED` lists
the tracked files left out). It is built from git's objects, never from the working tree:
uncommitted edits and untracked files cannot enter it (the script says so when the working
tree differs from HEAD). ``COMMIT`` inside it names the commit, and ``SHA256SUMS``
(``sha256sum -c SHA256SUMS`` in the unpacked folder) verifies every file. Beside it,
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


def _git(*args: str, data: bytes | None = None) -> bytes:
    """The output of ``git -C REPO args`` (SystemExit naming the problem if it fails)."""
    try:
        done = subprocess.run(["git", "-C", str(REPO), *args], input=data,
                              capture_output=True, timeout=120, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise SystemExit(f"deposit: needs a git checkout of carbongap with at least one "
                         f"commit (git {' '.join(args)}: {exc})") from None
    return done.stdout


def head_commit() -> str:
    """The full hash of the commit the archive is built from."""
    return _git("rev-parse", "--verify", "HEAD^{commit}").decode().strip()


def committed_files(commit: str) -> dict[str, tuple[bool, bytes]]:
    """Every file of ``commit``'s tree minus :data:`EXCLUDED`, by path: (executable, bytes);
    executable as git records it, and every shell script. Symbolic links and submodules
    are left out."""
    entries = []
    for line in _git("ls-tree", "-r", "-z", "--full-tree", commit).split(b"\0"):
        if not line:
            continue
        meta, name = line.split(b"\t", 1)
        mode, kind, sha = meta.decode().split()
        path = name.decode("utf-8")
        if kind == "blob" and mode in ("100644", "100755") and not path.startswith(EXCLUDED):
            entries.append((path, mode == "100755" or path.endswith(".sh"), sha))
    stream = _git("cat-file", "--batch",
                  data="".join(f"{sha}\n" for _, _, sha in entries).encode())
    files, at = {}, 0
    for path, executable, _sha in entries:
        header_end = stream.index(b"\n", at)
        size = int(stream[at:header_end].split()[2])
        files[path] = (executable, stream[header_end + 1:header_end + 1 + size])
        at = header_end + 1 + size + 1  # the object and its trailing newline
    return dict(sorted(files.items()))


def version(files: dict[str, tuple[bool, bytes]]) -> str:
    """The package version (python/carbongap/_version.py of the commit)."""
    text = files["python/carbongap/_version.py"][1].decode("utf-8")
    found = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    if found is None:
        raise SystemExit("deposit: no __version__ in python/carbongap/_version.py")
    return found.group(1)


def _add(archive: tarfile.TarFile, name: str, data: bytes, executable: bool = False) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.uid, info.gid = len(data), 0, 0, 0
    info.uname = info.gname = ""
    info.mode = 0o755 if executable else 0o644
    archive.addfile(info, io.BytesIO(data))


def write_deposit(out: Path) -> Path:
    """Write the archive of HEAD and its checksum file into ``out``; returns its path."""
    commit = head_commit()
    files = committed_files(commit)
    root = f"carbongap-{version(files)}"
    contents = {name: data for name, (_, data) in files.items()}
    contents["COMMIT"] = f"{commit}\n".encode()
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                   for name, data in sorted(contents.items()))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, data in sorted(contents.items()):
            _add(archive, f"{root}/{name}", data, executable=files.get(name, (False,))[0])
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
    print(f"{path}: commit {commit}, {len(files)} files, COMMIT and SHA256SUMS; "
          f"sha256 {digest}")
    if _git("status", "--porcelain", "--untracked-files=no").strip():
        print("deposit: the working tree has uncommitted changes; they are NOT in the "
              "archive (it holds the commit above)", file=sys.stderr)
    return path


if __name__ == "__main__":
    write_deposit(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "deposit")

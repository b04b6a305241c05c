"""Nothing in setup or in the test suite can hang (bounded installs, per-test timeouts).

Each check runs in a child process with its own timeout: a test that sleeps past a tiny
pytest-timeout limit fails with the stack of every thread; a setup step that outlives its
limit, or a package source that does not answer (a proxy at a closed loopback port,
127.0.0.1:9), fails with one line naming the step and the source.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BOUNDED = REPO / "replication" / "bounded.sh"
INSTALL = REPO / "replication" / "install_system_deps.sh"
CLOSED_PORT = "http://127.0.0.1:9"


def test_the_suite_has_a_per_test_timeout_with_thread_stacks():
    import tomllib

    options = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"][
        "ini_options"]
    assert options["timeout"] >= 600 and options["timeout_method"] == "thread"
    assert "--durations=15" in options["addopts"]


def test_a_test_past_its_timeout_fails_with_every_threads_stack(tmp_path):
    (tmp_path / "test_sleeps.py").write_text(
        "import threading, time\n\n"
        "def test_sleeps():\n"
        "    threading.Thread(target=time.sleep, args=(60,), name='helper', daemon=True)"
        ".start()\n"
        "    time.sleep(60)\n", encoding="utf-8")
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           "-o", "timeout=2", "-o", "timeout_method=thread",
                           str(tmp_path / "test_sleeps.py")], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120, check=False)
    assert time.monotonic() - start < 60
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "Timeout" in output
    assert "Stack of MainThread" in output and "Stack of helper" in output
    assert "time.sleep(60)" in output


def test_a_step_past_its_limit_is_stopped_with_one_line(tmp_path):
    start = time.monotonic()
    done = subprocess.run(["sh", str(BOUNDED), "download", "a slow mirror", "1", "make setup",
                           "sleep", "30"], capture_output=True, text=True, timeout=60,
                          check=False)
    assert time.monotonic() - start < 20
    assert done.returncode == 124
    assert done.stderr == ("carbongap: step 'download' timed out after 1 s waiting for a slow "
                           "mirror; check the network (or proxy) and rerun: make setup\n")
    failed = subprocess.run(["sh", str(BOUNDED), "step", "src", "5", "again", "false"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert failed.returncode == 1
    assert failed.stderr == "carbongap: step 'step' failed (exit 1; it needs src); rerun: again\n"


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("apt-get") is None,
                    reason="the install script installs only as root with apt-get")
def test_install_script_fails_fast_on_an_unreachable_package_source():
    env = {**os.environ, "http_proxy": CLOSED_PORT, "https_proxy": CLOSED_PORT,
           "CARBONGAP_APT_UPDATE_LIMIT": "60"}
    start = time.monotonic()
    done = subprocess.run(["sh", str(INSTALL), "--force"], capture_output=True, text=True,
                          env=env, timeout=180, check=False)
    assert time.monotonic() - start < 90
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("carbongap: step 'apt-get update' ")
    assert "the Debian package sources" in last and last.endswith("rerun: make setup")

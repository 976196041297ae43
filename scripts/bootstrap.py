"""Create `.venv` at the repository root if missing and install the project from `uv.lock`.

Only the Python standard library is used, so this runs on a fresh machine: it makes the venv
with pip, installs the pinned uv into it from PyPI, then `uv sync --locked` installs exactly
the versions in uv.lock, compiled to bytecode (so a process started with
PYTHONDONTWRITEBYTECODE, as the image and the benchmarks' bots are, does not compile its
dependencies from source on every start). A sync is repeated only when pyproject.toml or
uv.lock changes (a hash is kept in the venv). Then scripts/compile.py compiles the
/search hot path (bot/compiled.py) into the venv when its sources changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
UV = BIN / ("uv.exe" if os.name == "nt" else "uv")
UV_VERSION = "0.13.9"
LOCK_COMMAND = "python3 scripts/lock.py"
# --inexact keeps pip and uv, which are not in the lock.
SYNC_OPTIONS = ("--locked", "--inexact", "--quiet", "--compile-bytecode")
STALE_LOCK = (
    "uv.lock does not match pyproject.toml (a dependency was added or changed).\n"
    f"Re-lock with `{LOCK_COMMAND}`, then commit uv.lock."
)


def ensure_uv() -> Path:
    """Create the venv if needed and put the pinned uv into it; returns uv's path."""
    if sys.version_info < (3, 11):  # noqa: UP036 - runs under whatever python3 is first
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"creating {VENV} ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".uv-version"
    if not UV.exists() or not stamp.exists() or stamp.read_text() != UV_VERSION:
        pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, f"uv=={UV_VERSION}"], check=True, cwd=ROOT)
        stamp.write_text(UV_VERSION)
    return UV


def uv_env() -> dict[str, str]:
    """uv aimed at this venv, whatever the caller's environment says."""
    env = dict(os.environ, UV_PROJECT_ENVIRONMENT=str(VENV))
    env.pop("VIRTUAL_ENV", None)
    return env


def lock_is_current(uv: Path) -> bool:
    check = [str(uv), "lock", "--check", "--quiet"]
    done = subprocess.run(check, cwd=ROOT, env=uv_env(), capture_output=True, text=True)
    if done.returncode != 0 and "needs to be updated" not in done.stderr:
        print(done.stderr.strip(), file=sys.stderr)  # not staleness: say what uv said
    return done.returncode == 0


def ensure_venv(extras: str = "") -> Path:
    """Return the venv's bin directory, creating it and syncing it to uv.lock as needed."""
    uv = ensure_uv()
    inputs = (ROOT / "pyproject.toml").read_bytes() + (ROOT / "uv.lock").read_bytes()
    how = f"{extras}\x00{UV_VERSION}\x00{' '.join(SYNC_OPTIONS)}"
    digest = hashlib.sha256(inputs + how.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'base'}"
    if not stamp.exists() or stamp.read_text() != digest:
        if not lock_is_current(uv):
            sys.exit(STALE_LOCK)
        print(
            "installing the locked versions into .venv (first run takes a minute) ...",
            file=sys.stderr,
        )
        sync = [str(uv), "sync", *SYNC_OPTIONS]
        if extras:
            sync += ["--extra", extras]
        subprocess.run(sync, check=True, cwd=ROOT, env=uv_env())
        stamp.write_text(digest)
    # The /search hot path compiled with mypyc, if today's code is not built yet (and can be).
    # Not checked: without a build the same code runs interpreted.
    subprocess.run([str(PYTHON), str(ROOT / "scripts" / "compile.py")], cwd=ROOT)
    return BIN

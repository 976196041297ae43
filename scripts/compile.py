#!/usr/bin/env python3
"""Compile a /search answer's hot path (what bot/compiled.py lists) with mypyc into the venv
(bot/compiled.py says why and where). Run by the set-up of `scripts/run.py`,
`scripts/test.py` and `scripts/bench.py`, with the venv's Python; it does nothing when today's
sources are built already, or failed to build.

One build at a time (a lock file beside the builds): a second set-up waits for the first and
then finds its build. The build is named by the digest of the sources it was compiled from
(a copy taken first), so an edit made meanwhile never gets another edit's build. A failed
compile (no C compiler, say) is reported in one line, with its log kept beside the builds,
and not tried again for the same sources. Any other failure (a read-only venv, a full disk)
is reported in one line too. Exit status 0 either way: a build is an option.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on POSIX: builds are not locked
    fcntl = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("compiled", ROOT / "bot" / "compiled.py")
assert SPEC is not None and SPEC.loader is not None
compiled = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(compiled)

# Builds of other sources kept beside today's (another checkout sharing the venv, a branch
# switched back to); older ones are removed.
KEEP_BUILDS = 3


def build(target: Path) -> str | None:
    """Compile today's sources into `target`'s folder, named by the digest of the copy that
    was compiled (made whole or not at all); None, or why it failed (then noted beside the
    builds as `<digest>.failed`, so the same sources are not tried again: delete it to retry)."""
    with tempfile.TemporaryDirectory(prefix="bluebook-mypyc-") as work:
        shutil.copytree(
            ROOT / "bot", Path(work) / "bot", ignore=shutil.ignore_patterns("__pycache__")
        )
        copied = compiled.folder(prefix=target.parent.parent, bot=Path(work) / "bot")
        sources = [f"bot/{name.replace('.', '/')}.py" for name in compiled.COMPILED]
        command = [sys.executable, "-m", "mypyc", "--ignore-missing-imports", *sources]
        done = subprocess.run(command, cwd=work, capture_output=True, text=True)
        log = target.parent / f"{copied.name}.log"
        log.write_text(done.stdout + done.stderr)
        if done.returncode != 0:
            lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
            why = (lines[-1] if lines else f"exit {done.returncode}") + f" (log: {log})"
            (target.parent / f"{copied.name}.failed").write_text(why + "\n")
            return why
        staging = target.parent / f"{copied.name}.{os.getpid()}.tmp"
        for module in compiled.COMPILED:
            package, name = module.split(".")
            (staging / "bot" / package).mkdir(parents=True, exist_ok=True)
            for built in (Path(work) / "bot" / package).glob(f"{name}.*.so"):
                shutil.move(built, staging / "bot" / package / built.name)
        for shared in Path(work).glob("*__mypyc*.so"):
            shutil.move(shared, staging / shared.name)
        if not compiled.is_built(staging):
            shutil.rmtree(staging)
            return f"mypyc made no extension for some module (log: {log})"
        if compiled.is_built(copied):
            shutil.rmtree(staging)
        else:
            staging.rename(copied)
        log.unlink(missing_ok=True)
    return None


def _tidy(builds: Path, keep: str) -> None:
    """Remove all but the KEEP_BUILDS newest builds (`keep` among them), and the staging
    folders of interrupted builds (under the lock, no build is under way)."""
    folders = [p for p in builds.iterdir() if p.is_dir() and "." not in p.name and p.name != keep]
    folders.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in folders[KEEP_BUILDS - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
    for left in builds.glob("*.tmp"):
        shutil.rmtree(left, ignore_errors=True)


def main() -> int:
    target = compiled.folder()
    builds = target.parent
    failed = builds / f"{target.name}.failed"
    if compiled.is_built(target) or failed.exists():
        return 0
    try:
        builds.mkdir(parents=True, exist_ok=True)
        with open(builds / "lock", "w") as lock:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)  # another set-up's build finishes first
            if compiled.is_built(target) or failed.exists():
                return 0
            _tidy(builds, target.name)
            print("compiling search and its reply with mypyc (about 20 s) ...", file=sys.stderr)
            why = build(target)
            if why is not None:
                print(
                    f"compiling failed, so the /search path runs interpreted: {why}",
                    file=sys.stderr,
                )
    except OSError as exc:
        print(
            f"the /search path runs interpreted: cannot build in {builds}: {exc}", file=sys.stderr
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

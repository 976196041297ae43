#!/usr/bin/env python3
"""Compile the query planner with mypyc into the venv (bot/search/compiled.py says why and
where). Run by the set-up of `scripts/run.py`, `scripts/test.py` and `scripts/bench.py`, with
the venv's Python; it does nothing when today's sources are built already, or failed to build.

A failed build (no C compiler, say) is reported in one line, with its log kept beside the
builds, and the bot runs interpreted. Exit status 0 either way: a build is an option.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("compiled", ROOT / "bot" / "search" / "compiled.py")
assert SPEC is not None and SPEC.loader is not None
compiled = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(compiled)


def build(target: Path) -> str | None:
    """Compile into `target` (made whole or not at all); None, or why it failed."""
    with tempfile.TemporaryDirectory(prefix="bluebook-mypyc-") as work:
        shutil.copytree(
            ROOT / "bot", Path(work) / "bot", ignore=shutil.ignore_patterns("__pycache__")
        )
        sources = [f"bot/search/{name}.py" for name in compiled.COMPILED]
        command = [sys.executable, "-m", "mypyc", "--ignore-missing-imports", *sources]
        done = subprocess.run(command, cwd=work, capture_output=True, text=True)
        log = target.parent / f"{target.name}.log"
        log.write_text(done.stdout + done.stderr)
        if done.returncode != 0:
            lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
            return (lines[-1] if lines else f"exit {done.returncode}") + f" (log: {log})"
        staging = target.parent / f"{target.name}.{os.getpid()}"
        (staging / "bot" / "search").mkdir(parents=True)
        for name in compiled.COMPILED:
            for built in (Path(work) / "bot" / "search").glob(f"{name}.*.so"):
                shutil.move(built, staging / "bot" / "search" / built.name)
        for shared in Path(work).glob("*__mypyc*.so"):
            shutil.move(shared, staging / shared.name)
        if not compiled.is_built(staging):
            shutil.rmtree(staging)
            return f"mypyc made no extension for some module (log: {log})"
        try:
            staging.rename(target)
        except OSError:  # another set-up built it meanwhile
            shutil.rmtree(staging, ignore_errors=True)
        log.unlink()
    return None


def main() -> int:
    target = compiled.folder()
    failed = target.parent / f"{target.name}.failed"
    if compiled.is_built(target) or failed.exists():
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in target.parent.iterdir():  # builds of older sources are never loaded again
        if old.name != f"{target.name}.log":
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    print("compiling the search planner with mypyc (about 15 s) ...", file=sys.stderr)
    why = build(target)
    if why is not None:
        failed.write_text(why + "\n")
        print(f"compiling failed, so search runs interpreted: {why}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The whole suite: ruff (lint and format), mypy, pytest. Sets up .venv first if needed."""

import subprocess
import sys

from bootstrap import ROOT, ensure_venv

if __name__ == "__main__":
    bin_dir = ensure_venv("dev")
    steps = [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy"],
        ["pytest", *sys.argv[1:]],
    ]
    for step in steps:
        print(f"$ {' '.join(step)}", flush=True)
        code = subprocess.run([str(bin_dir / step[0]), *step[1:]], cwd=ROOT).returncode
        if code != 0:
            print(f"FAILED: {' '.join(step)} (exit {code})", file=sys.stderr)
            sys.exit(code)
    print("all checks passed")

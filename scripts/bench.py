#!/usr/bin/env python3
"""The benchmarks (`make bench`): sets up .venv if needed, then runs `bench.report` in it.

Arguments are passed on: `--quick` for tiny sizes, `--only e2e,soak` for a subset.
"""

import subprocess
import sys

from bootstrap import ROOT, ensure_venv

if __name__ == "__main__":
    bin_dir = ensure_venv("dev")
    command = [str(bin_dir / "python"), "-m", "bench.report", *sys.argv[1:]]
    sys.exit(subprocess.run(command, cwd=ROOT).returncode)

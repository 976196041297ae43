#!/usr/bin/env python3
"""Write uv.lock from pyproject.toml: the one command to run after changing a dependency.

python3 scripts/lock.py            # re-lock; versions already locked stay where they are
python3 scripts/lock.py --upgrade  # move every pin to the newest release allowed
python3 scripts/lock.py --check    # exit 1 if uv.lock is stale (pre-commit runs this)
"""

import subprocess
import sys

from bootstrap import LOCK_COMMAND, ROOT, STALE_LOCK, ensure_uv, lock_is_current, uv_env

if __name__ == "__main__":
    args = sys.argv[1:]
    if args not in ([], ["--upgrade"], ["--check"]):
        sys.exit(f"usage: {LOCK_COMMAND} [--upgrade | --check]")
    uv = ensure_uv()
    if args == ["--check"]:
        if not lock_is_current(uv):
            sys.exit(STALE_LOCK)
        print("uv.lock is current")
        sys.exit(0)
    sys.exit(subprocess.run([str(uv), "lock", *args], cwd=ROOT, env=uv_env()).returncode)

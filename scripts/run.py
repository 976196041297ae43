#!/usr/bin/env python3
"""Run the bot: with DISCORD_TOKEN set it connects to Discord, else it starts the console.

Any arguments are passed to `bluebook-bot` instead, e.g. `python3 scripts/run.py toc`.
"""

import os
import sys

from bootstrap import ensure_venv

if __name__ == "__main__":
    bin_dir = ensure_venv()
    args = sys.argv[1:] or ["start"]
    exe = str(bin_dir / "bluebook-bot")
    os.execv(exe, [exe, *args])

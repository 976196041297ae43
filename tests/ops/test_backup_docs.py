"""The backup commands in docs/operations.md, run as written on a real database: the copy is
complete and 0600 like the database, also under the usual umask 022 (trial 9: 0644)."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys

import pytest

from tests.ops.conftest import ROOT, clean_env
from tests.storage.damaged import used_database


def _backup_commands() -> list[str]:
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    start = text.index("**Backup.**")
    block = re.search(r"```sh\n(.*?)```", text[start:], re.S)
    assert block is not None, "no sh block under Backup"
    lines = [line for line in block.group(1).splitlines() if line and not line.startswith("#")]
    assert len(lines) == 2, lines
    return lines


@pytest.mark.parametrize("which", ["sqlite3 tool", "python"])
async def test_documented_backup_is_complete_and_private(tmp_path, which):
    command = _backup_commands()[0 if which == "sqlite3 tool" else 1]
    if which == "sqlite3 tool" and shutil.which("sqlite3") is None:
        pytest.skip("no sqlite3 tool here")
    await used_database(tmp_path / "data" / "bluebook.db", events=50)
    venv_bin = tmp_path / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "python").symlink_to(sys.executable)
    before = set(os.listdir(tmp_path))
    subprocess.run(
        ["bash", "-c", f"umask 022\n{command}"],
        cwd=tmp_path,
        env=clean_env(),
        check=True,
        timeout=60,
    )
    [copy] = [tmp_path / name for name in set(os.listdir(tmp_path)) - before]
    assert copy.name.startswith("backup") and copy.name.endswith(".db")
    assert oct(copy.stat().st_mode & 0o777) == oct(0o600)
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("SELECT COUNT(*) FROM usage_events").fetchone()[0] == 50
    finally:
        conn.close()

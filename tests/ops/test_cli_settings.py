"""The command line reads its settings as `run` does: the environment over `.env`, once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EDITIONS = Path(__file__).resolve().parents[1] / "library" / "editions"
ROOT = Path(__file__).resolve().parents[2]


def _toc(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(cwd)}
    return subprocess.run(
        [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main(['toc']))"],
        cwd=cwd,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_toc_honours_bluebook_content_set_only_in_dot_env(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"BLUEBOOK_CONTENT={EDITIONS}\n", encoding="utf-8")
    result = _toc(tmp_path)
    assert result.returncode == 0, result.stderr
    # The library's newest edition, not the shipped 2025 page.
    assert result.stdout.rstrip().endswith("(Diplomatic Bluebook 2031)"), result.stdout[-300:]


def test_the_environment_wins_over_dot_env(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BLUEBOOK_CONTENT=/no/such/pack\n", encoding="utf-8")
    result = _toc(tmp_path, BLUEBOOK_CONTENT=str(EDITIONS))
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("(Diplomatic Bluebook 2031)")


def test_a_bad_value_in_dot_env_is_one_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BLUEBOOK_RETENTION_DAYS=forever\n", encoding="utf-8")
    result = _toc(tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "BLUEBOOK_RETENTION_DAYS" in result.stderr and "Traceback" not in result.stderr

"""Bad configuration stops `bluebook-bot run` with one clear line, exit 2, and no traceback."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.config import EXPECTED

ROOT = Path(__file__).resolve().parents[2]
SECRET = "sekrit-token-3f9a1c"  # must never appear in any output

BAD_VALUES = [
    # (environment, variable the line must name, words of the expected form it must show)
    ({"BLUEBOOK_DEV_GUILD": "abc"}, "BLUEBOOK_DEV_GUILD", "guild id"),
    ({"BLUEBOOK_DEV_GUILD": "-5"}, "BLUEBOOK_DEV_GUILD", "guild id"),
    ({"LOG_LEVEL": "loud"}, "LOG_LEVEL", "DEBUG, INFO, WARNING, ERROR"),
    ({"LOG_FORMAT": "xml"}, "LOG_FORMAT", "text or json"),
    ({"SHARD_COUNT": "0"}, "SHARD_COUNT", "1 or more"),
    ({"SHARD_COUNT": "two"}, "SHARD_COUNT", "1 or more"),
    ({"SHARD_IDS": "0,1"}, "SHARD_IDS", "SHARD_COUNT"),
    ({"SHARD_COUNT": "2", "SHARD_IDS": "0,2"}, "SHARD_IDS", "below SHARD_COUNT"),
    ({"SHARD_COUNT": "2", "SHARD_IDS": "-1"}, "SHARD_IDS", "below SHARD_COUNT"),
    ({"SHARD_COUNT": "2", "SHARD_IDS": "zero"}, "SHARD_IDS", "below SHARD_COUNT"),
    ({"BLUEBOOK_FOTD_GRACE_HOURS": "30"}, "BLUEBOOK_FOTD_GRACE_HOURS", "0-24"),
    ({"BLUEBOOK_FOTD_GRACE_HOURS": "soon"}, "BLUEBOOK_FOTD_GRACE_HOURS", "0-24"),
    ({"BLUEBOOK_RETENTION_DAYS": "0"}, "BLUEBOOK_RETENTION_DAYS", "1 or more"),
]


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize(
    ("env", "variable", "expected"), BAD_VALUES, ids=[" ".join(e) for e, _, _ in BAD_VALUES]
)
def test_bad_value_is_one_line_naming_the_variable(cli, env, variable, expected):
    result = cli("run", env={"DISCORD_TOKEN": SECRET, **env})
    line = one_line(result.stderr)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert line.startswith(f"error: {variable} ")
    assert expected in line
    assert SECRET not in result.stdout + result.stderr


def test_every_variable_has_an_expected_form():
    from bot.config import Settings

    assert {f.name.upper() for f in dataclasses.fields(Settings)} <= set(EXPECTED)


def test_missing_token_for_run(cli):
    result = cli("run")
    line = one_line(result.stderr)
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in line and "not set" in line
    assert "Traceback" not in result.stderr


def test_bad_value_in_dotenv_is_reported(cli, workdir):
    (workdir / ".env").write_text(f"DISCORD_TOKEN={SECRET}\nLOG_FORMAT=yaml\n")
    result = cli("run")
    assert result.returncode == 2
    assert one_line(result.stderr).startswith("error: LOG_FORMAT ")
    assert SECRET not in result.stdout + result.stderr


def test_rejected_token_is_one_line(cli, tmp_path):
    result = cli(
        "run", "--local", env={"DISCORD_TOKEN": SECRET, "BLUEBOOK_DB": str(tmp_path / "b.db")}
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    line = one_line(result.stderr)
    assert "DISCORD_TOKEN" in line and "rejected" in line
    assert SECRET not in result.stdout + result.stderr


@pytest.fixture
def broken_pack(tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "content", pack, ignore=shutil.ignore_patterns("__*"))
    with (pack / "facts.yaml").open("a", encoding="utf-8") as f:
        f.write("  broken: [unclosed\n")
    with (pack / "glossary.yaml").open("a", encoding="utf-8") as f:
        f.write("  - term: [\n")
    return pack


def test_invalid_content_pack_lists_file_and_line(cli, broken_pack, tmp_path):
    env = {
        "DISCORD_TOKEN": "local-bot-token",
        "BLUEBOOK_CONTENT": str(broken_pack),
        "BLUEBOOK_DB": str(tmp_path / "b.db"),
    }
    result = cli("run", "--local", env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(broken_pack))]
    files = {line.split(":", 1)[0] for line in problems}
    # Every broken file, each with a line number.
    assert files == {str(broken_pack / "facts.yaml"), str(broken_pack / "glossary.yaml")}
    assert all(line.split(":")[1].isdigit() for line in problems), problems
    assert result.stderr.rstrip().endswith("the bot will not start")


def _local_run(cli, db: Path):
    return cli("run", "--local", env={"DISCORD_TOKEN": "local-bot-token", "BLUEBOOK_DB": str(db)})


def test_database_path_that_cannot_be_created_is_one_line(cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = _local_run(cli, blocker / "bluebook.db")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = one_line(result.stderr)
    assert "BLUEBOOK_DB" in line and str(blocker / "bluebook.db") in line


def test_database_newer_than_the_bot_is_refused_in_one_line(cli, tmp_path):
    db = tmp_path / "new.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    result = _local_run(cli, db)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = one_line(result.stderr)
    assert "BLUEBOOK_DB" in line and "newer than this bot supports" in line

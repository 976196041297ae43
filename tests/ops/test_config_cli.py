"""Bad configuration stops `bluebook-bot run` with one clear line, exit 2, and no traceback."""

from __future__ import annotations

import dataclasses
import re
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
    ({"BLUEBOOK_RETENTION_DAYS": str(10**20)}, "BLUEBOOK_RETENTION_DAYS", "at most"),
    ({"DISCORD_TOKEN": "abc\ndef"}, "DISCORD_TOKEN", "one line"),
    ({"BLUEBOOK_DEV_GUILD": str(2**64)}, "BLUEBOOK_DEV_GUILD", "guild id"),
]


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def config_error(result, variable: str) -> str:
    """Assert the promise for a bad configuration: exit 2, one line naming it, no traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    line = one_line(result.stderr)
    assert result.returncode == 2, result.stderr
    assert line.startswith("error: ") and variable in line, line
    assert SECRET not in result.stdout + result.stderr
    return line


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
    line = config_error(result, "DISCORD_TOKEN")
    assert "rejected" in line


@pytest.fixture
def broken_pack(tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "content", pack, ignore=shutil.ignore_patterns("__*"))
    with (pack / "facts.yaml").open("a", encoding="utf-8") as f:
        f.write("  broken: [unclosed\n")
    with (pack / "glossary.yaml").open("a", encoding="utf-8") as f:
        f.write("  - term: [\n")
    return pack


def test_invalid_content_pack_is_one_line_with_the_first_problem(cli, broken_pack, tmp_path):
    env = {
        "DISCORD_TOKEN": "local-bot-token",
        "BLUEBOOK_CONTENT": str(broken_pack),
        "BLUEBOOK_DB": str(tmp_path / "b.db"),
    }
    line = config_error(cli("run", "--local", env=env), "BLUEBOOK_CONTENT")
    first = line.split("first: ", 1)[1]
    assert first.startswith(str(broken_pack)) and first.split(":")[1].isdigit(), line
    assert "2 problems" in line and "content check" in line
    # `content check` still lists every problem, each with its file and line.
    listed = cli("--content", str(broken_pack), "content", "check")
    files = {
        line.split(":", 1)[0]
        for line in listed.stdout.splitlines() + listed.stderr.splitlines()
        if line.startswith(str(broken_pack))
    }
    assert files == {str(broken_pack / "facts.yaml"), str(broken_pack / "glossary.yaml")}


def test_invalid_content_named_by_the_option_says_so(cli, broken_pack, tmp_path):
    """With --content, the line names the option and the check command that reads that
    folder, not BLUEBOOK_CONTENT and a check of the shipped pack."""
    env = {"DISCORD_TOKEN": "local-bot-token", "BLUEBOOK_DB": str(tmp_path / "b.db")}
    result = cli("--content", str(broken_pack), "run", "--local", env=env)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert line.startswith("error: --content: the content is invalid"), line
    assert f"`bluebook-bot --content {broken_pack} content check` lists them all" in line
    assert "BLUEBOOK_CONTENT" not in line


@pytest.mark.parametrize("command", [("run", "--local"), ("console",), ("toc",)])
def test_a_content_folder_that_does_not_exist_stops_everything_at_once(cli, tmp_path, command):
    env = {
        "DISCORD_TOKEN": "local-bot-token",
        "BLUEBOOK_CONTENT": str(tmp_path / "missing"),
        "BLUEBOOK_DB": str(tmp_path / "b.db"),
    }
    line = config_error(cli(*command, env=env), "BLUEBOOK_CONTENT")
    assert line == f"error: content folder {tmp_path / 'missing'} does not exist " + (
        "(--content or BLUEBOOK_CONTENT)"
    )
    assert not (tmp_path / "b.db").exists() and not (tmp_path / "console.db").exists()


def _local_run(cli, db: Path, **env: str):
    return cli(
        "run",
        "--local",
        env={"DISCORD_TOKEN": "local-bot-token", "BLUEBOOK_DB": str(db), **env},
    )


def test_database_path_that_cannot_be_created_is_one_line(cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    line = config_error(_local_run(cli, blocker / "bluebook.db"), "BLUEBOOK_DB")
    assert str(blocker / "bluebook.db") in line
    assert "Error:" not in line and "Errno" not in line  # the reason, not the exception


def test_database_newer_than_the_bot_is_refused_in_one_line(cli, tmp_path):
    db = tmp_path / "new.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    line = config_error(_local_run(cli, db), "BLUEBOOK_DB")
    assert "newer than this bot supports" in line


async def test_damaged_database_is_refused_in_one_line_and_health_says_why(cli, tmp_path):
    """Trial 9: an intact header with broken pages started, said healthy, and answered "try
    again shortly" forever."""
    from tests.storage.damaged import damage_pages, used_database

    db = await used_database(tmp_path / "mg.db")
    damage_pages(db)
    line = config_error(_local_run(cli, db), "BLUEBOOK_DB")
    assert "is damaged" in line and "restore it from a backup" in line, line
    health = cli("health", "--db", str(db))
    assert health.returncode == 1 and "is damaged" in one_line(health.stderr), health.stderr


def test_damaged_key_file_is_one_line(cli, tmp_path):
    (tmp_path / "b.key").write_text("not a key\n")
    line = config_error(_local_run(cli, tmp_path / "b.db"), "BLUEBOOK_DB")
    assert "key file" in line and "damaged" in line


def test_dev_guild_the_bot_is_not_in_is_one_line(cli, tmp_path):
    # The local Discord answers 403 for a guild the bot is not a member of, as Discord does.
    result = _local_run(cli, tmp_path / "b.db", BLUEBOOK_DEV_GUILD="123456789012345678")
    line = config_error(result, "BLUEBOOK_DEV_GUILD")
    assert "403" in line and "123456789012345678" in line


# -- every row of the README's configuration table -------------------------------------------


def _readme_variables() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([A-Z_]+)` \|", table, flags=re.MULTILINE)


# A bad value for each row, run as `bluebook-bot run --local`: some are only found on
# start (a path that cannot be opened, a guild the bot is not in).
BAD_ROW = {
    "DISCORD_TOKEN": {"DISCORD_TOKEN": "local-bot-token\nX-Injected: 1"},
    "BLUEBOOK_DB": {"BLUEBOOK_DB": "/proc/no-such-dir/bluebook.db"},
    "BLUEBOOK_CONTENT": {"BLUEBOOK_CONTENT": "/no/such/pack"},
    "BLUEBOOK_DEV_GUILD": {"BLUEBOOK_DEV_GUILD": "1" + "0" * 30},
    "LOG_LEVEL": {"LOG_LEVEL": "verbose"},
    "LOG_FORMAT": {"LOG_FORMAT": "yaml"},
    "SHARD_COUNT": {"SHARD_COUNT": "1" + "0" * 20},
    "SHARD_IDS": {"SHARD_COUNT": "1", "SHARD_IDS": "1"},
    "BLUEBOOK_FOTD_GRACE_HOURS": {"BLUEBOOK_FOTD_GRACE_HOURS": "nan"},
    "BLUEBOOK_RETENTION_DAYS": {"BLUEBOOK_RETENTION_DAYS": "1" + "0" * 20},
}


def test_every_row_of_the_readme_table_has_a_bad_value_case():
    assert sorted(BAD_ROW) == sorted(_readme_variables())


@pytest.mark.parametrize("variable", sorted(BAD_ROW))
def test_a_bad_value_in_each_row_is_one_line_and_exit_2(cli, tmp_path, variable):
    env = {"DISCORD_TOKEN": "local-bot-token", "BLUEBOOK_DB": str(tmp_path / "b.db")}
    env.update(BAD_ROW[variable])
    config_error(cli("run", "--local", env=env), variable)


def test_dotenv_with_bytes_that_are_not_utf8_is_one_line_and_exit_2(cli, workdir):
    (workdir / ".env").write_bytes(
        f"DISCORD_TOKEN={SECRET}\nLOG_LEVEL=INFO\xff\xfe\n".encode("latin-1")
    )
    result = cli("run")
    line = one_line(result.stderr)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert ".env" in line and "UTF-8" in line, line
    assert SECRET not in result.stdout + result.stderr


def test_absurdly_long_token_is_one_line_and_exit_2_not_an_outage(cli, tmp_path):
    result = cli(
        "run",
        "--local",
        env={"DISCORD_TOKEN": "x" * 100_000, "BLUEBOOK_DB": str(tmp_path / "b.db")},
    )
    line = config_error(result, "DISCORD_TOKEN")
    assert "at most" in line and "x" * 100 not in line


@pytest.mark.parametrize("kind", ["other_file", "symlink_to_other_file", "symlink_to_database"])
def test_database_path_is_checked_before_anything_changes_it(cli, tmp_path, kind):
    other = tmp_path / "someone-elses.txt"
    other.write_text("not a database\n")
    other.chmod(0o644)
    target = other
    if kind == "symlink_to_database":
        target = tmp_path / "real.db"
        sqlite3.connect(target).close()
        target.write_bytes(b"SQLite format 3\x00" + bytes(100))
        target.chmod(0o644)
    db = other
    if kind != "other_file":
        db = tmp_path / "link.db"
        db.symlink_to(target)
    before = target.read_bytes()
    line = config_error(_local_run(cli, db), "BLUEBOOK_DB")
    assert ("symbolic link" in line) == (kind != "other_file"), line
    assert (target.stat().st_mode & 0o777) == 0o644, "the target was changed before the refusal"
    assert target.read_bytes() == before
    assert not (tmp_path / "link.db-wal").exists() and not Path(f"{other}-wal").exists()

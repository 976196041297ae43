"""`bluebook-bot fotd plan`: a missing database is a short error, and --help explains each option."""

from __future__ import annotations

import pytest

from bot.cli import main
from tests.samples import LIBRARY


def test_fotd_plan_without_a_database_is_a_short_error_and_creates_nothing(capsys, tmp_path):
    missing = tmp_path / "nonexist" / "x.db"
    code = main(["--content", str(LIBRARY), "fotd", "plan", "--db", str(missing), "--guild", "1"])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err.strip() == f"error: no database at {missing}"
    assert not missing.parent.exists()


def test_fotd_plan_help_describes_every_option(capsys):
    with pytest.raises(SystemExit):
        main(["fotd", "plan", "--help"])
    out = capsys.readouterr().out
    for line in (
        "--guild GUILD  the server",
        "--days DAYS    how many",
        "--db DB        the bot's",
    ):
        assert line in out
    assert "--json         print" in out

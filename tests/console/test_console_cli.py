"""`bluebook-bot console` as a newcomer runs it: a real subprocess reading standard input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = (
    "/search GCAP\n"
    "/section 3.1.1(3)\n"
    "/toc\n"
    "/fact\n"
    "/verify quote:Japan escorted the U.S. Forces 200 times\n"
    "what does it say about [[GCAP]]?\n"
    "`[[GCAP]]`\n"
    "/search zxqv blorptangle\n"
)


def _env(tmp_path: Path, db: Path | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "BLUEBOOK_", "LOG_", "SHARD_"))
    }
    env["BLUEBOOK_DB"] = str(db or tmp_path / "console.db")
    return env


def _run(
    args: list[str], tmp_path: Path, stdin: str = "", db: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(tmp_path, db),
        timeout=120,
    )


def test_console_answers_each_line_then_stats_show_the_session(tmp_path):
    done = _run(["console"], tmp_path, SCRIPT)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Traceback" not in done.stderr
    # /search GCAP quotes the GCAP sentence with its reference.
    assert "`3.1.1(1)¶4`" in out and "GCAP" in out
    # /section, /toc, /fact
    assert "== (3) Territorial Integrity ==" in out
    assert "`3.1.1(2)`" in out
    # /verify flags the misquote and quotes the right passage.
    assert "Not verbatim" in out and "137" in out and "3.1.1(2)¶2" in out
    # The chat lookup is answered once; the one in backticks is not.
    assert out.count("== [[GCAP]] · 3.1.1(1)¶4 ==") == 1

    stats = _run(["stats", "--json", "--db", str(tmp_path / "console.db")], tmp_path)
    assert stats.returncode == 0, stats.stderr
    data = json.loads(stats.stdout)
    for command in ("search", "section", "toc", "fact", "verify"):
        assert data["by_command"].get(command, 0) >= 1, (command, data["by_command"])
    assert data["events"] >= 6
    assert data["dropped"] == 0
    text = _run(["stats", "--db", str(tmp_path / "console.db")], tmp_path).stdout
    misses = text.split("queries that found nothing:\n", 1)[1].splitlines()
    [line] = [x for x in misses if "zxqv blorptangle" in x]
    assert line.split() == ["zxqv", "blorptangle", "1"], text


def test_console_reports_an_unknown_command_and_goes_on(tmp_path):
    done = _run(["console"], tmp_path, "/nosuch thing\n/toc\n")
    assert done.returncode == 0
    assert done.stdout.splitlines()[0].startswith("error: ")
    assert "`3.1.1(3)`" in done.stdout


def test_settings_persist_between_runs_in_the_consoles_own_database(tmp_path):
    env_db = tmp_path / "bluebook.db"
    first = _run(["console"], tmp_path, "/lookups set mode:passive enabled:True\n", db=env_db)
    assert first.returncode == 0, first.stderr
    second = _run(["console"], tmp_path, "/lookups status\n", db=env_db)
    assert "passive on" in second.stdout, second.stdout
    # The console keeps to console.db beside it; the bot's own database is left alone.
    assert (tmp_path / "console.db").exists() and not env_db.exists()


def test_piped_console_keeps_plain_text(tmp_path):
    done = _run(["console"], tmp_path, "/search next-generation fighter\n")
    assert "\x1b[" not in done.stdout
    assert "**next-generation fighter**" in done.stdout  # the markdown as Discord receives it


def test_console_data_folder_is_0700_and_history_0600(tmp_path):
    import stat

    from localdiscord.terminal import private_history_file

    data = tmp_path / "fresh" / "data"
    done = _run(["console"], tmp_path, "/toc\n", db=data / "bluebook.db")
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    history = data / "console_history"
    assert private_history_file(history)
    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    # A history file an older version left world-readable is made private too.
    history.chmod(0o644)
    assert private_history_file(history)
    assert stat.S_IMODE(history.stat().st_mode) == 0o600


def test_a_folder_or_unmakeable_path_as_bluebook_db_is_one_line_exit_2(tmp_path):
    """As `run` does: nothing is written next to the folder, and no traceback."""
    folder = tmp_path / "data"
    folder.mkdir()
    done = _run(["console"], tmp_path, "/toc\n", db=folder)
    assert done.returncode == 2, done.stderr
    assert "is a folder, not a database file" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "console.db").exists()
    blocked = tmp_path / "file"
    blocked.write_text("")
    done = _run(["console"], tmp_path, "/toc\n", db=blocked / "sub" / "bluebook.db")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_sighup_reloads_the_consoles_content_and_the_console_goes_on(tmp_path):
    """README's `kill -HUP <pid>` reloads the content in the console as in `run`; it used to
    end the console without a word (trial 8). A real process, a real signal."""
    import queue
    import shutil
    import signal
    import threading
    import time

    from tests.samples import LIBRARY

    library = tmp_path / "library"
    shutil.copytree(LIBRARY, library)
    env = _env(tmp_path)
    env["BLUEBOOK_CONTENT"] = str(library)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--plain"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()

    def ask_until(text: str, wanted: str) -> None:
        assert proc.stdin is not None
        seen = ""
        deadline = time.monotonic() + 60  # a bound for a stuck process, not a timing claim
        while wanted not in seen:
            assert proc.poll() is None, (proc.returncode, seen)
            assert time.monotonic() < deadline, seen
            proc.stdin.write(text + "\n")
            proc.stdin.flush()
            try:
                while True:
                    seen += lines.get(timeout=1)
            except queue.Empty:
                pass

    try:
        ask_until("/search zebra crossings", "No match")
        page = library / "2026" / "chapter3" / "pages" / "c030101.txt"
        text = page.read_text(encoding="utf-8").splitlines()
        first = next(i for i, line in enumerate(text) if len(line) > 60)
        text[first] = text[first].rstrip(".") + " with zebra crossings."
        page.write_text("\n".join(text) + "\n", encoding="utf-8")
        proc.send_signal(signal.SIGHUP)
        ask_until("/search zebra crossings", "**zebra crossings**")
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

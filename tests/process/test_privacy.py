"""Privacy against whoever can read the files: a DEBUG log holds no key, hash or message
text; the files are 0600 and the folder 0700; the database alone gives no user id back."""

from __future__ import annotations

import contextlib
import shutil
import stat
from pathlib import Path

from bot.storage.keyfile import key_path
from bot.storage.usage import hash_user_id
from tests.process.harness import BotProcess, query

SECRETS = ("zebra crossing 7731", "pangolin 4412", "Japan escorted quokka 9150")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _values(db: Path) -> list[object]:
    """Every value in every table: what someone holding only the file can try as a key."""
    tables = [r[0] for r in query(db, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    found: list[object] = []
    for table in tables:
        for row in query(db, f'SELECT * FROM "{table}"'):  # names from the file itself
            found.extend(v for v in row if isinstance(v, bytes | str))
    return found


def _candidate_keys(values: list[object]) -> set[bytes]:
    keys = {b""}
    for value in values:
        raw = value if isinstance(value, bytes) else str(value).encode()
        keys.add(raw[:64])
        with contextlib.suppress(ValueError):
            keys.add(bytes.fromhex(str(value))[:64] if isinstance(value, str) else b"")
    return keys


async def test_debug_log_files_and_the_database_alone_keep_user_ids_private(
    local_discord, tmp_path
):
    server = local_discord
    db = tmp_path / "data" / "bluebook.db"
    bot = await BotProcess.start(
        server, db=db, log=tmp_path / "bot.log", env={"LOG_LEVEL": "DEBUG"}
    )
    try:
        await bot.ready()
        await (
            await server.slash("search", {"query": SECRETS[0]}, user=server.admin)
        ).final_message()
        server.send_message(server.general, server.member, f"what about [[{SECRETS[1]}]]?")
        verify = await server.slash("verify", {"quote": SECRETS[2]}, user=server.member)
        await verify.final_message()
        await bot.until(
            lambda: (
                query(db, "SELECT COUNT(*) FROM usage_events WHERE user_hash IS NOT NULL")[0][0]
                >= 3
            ),
            "three events with a user hash",
        )
        # While it runs: the database, its WAL and SHM, and the key file are 0600.
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), key_path(db)):
            assert _mode(path) == 0o600, (path, oct(_mode(path)))
        assert _mode(db.parent) == 0o700
        assert await bot.stop() == 0, bot.text()
    finally:
        await bot.kill()

    log = bot.text()
    assert "DEBUG" in log  # the level took effect, so the check below means something
    key = bytes.fromhex(key_path(db).read_text().strip())
    hashes = [r[0] for r in query(db, "SELECT DISTINCT user_hash FROM usage_events")]
    assert len(hashes) == 2
    for secret in (key.hex(), repr(key)[2:-1], *hashes, *SECRETS, *(s.lower() for s in SECRETS)):
        assert secret not in log, secret
    for user in (server.admin, server.member):
        assert str(user.user.id) not in log

    # Someone with only a copy of the database file (no key file beside it).
    alone = tmp_path / "elsewhere" / "copy.db"
    alone.parent.mkdir()
    shutil.copy(db, alone)
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0
    raw = alone.read_bytes()
    assert key not in raw and key.hex().encode() not in raw
    users = [m.user.id for g in server.world.guilds.values() for m in g.members.values()]
    guesses = {
        hash_user_id(k, u) for k in _candidate_keys(_values(alone)) if len(k) <= 64 for u in users
    }
    assert not guesses & set(hashes), "a user id was recovered from the database alone"
    # With the key file, the same attempt succeeds: the check above can fail.
    with_key = {hash_user_id(key, u): u for u in users}
    assert {with_key[h] for h in hashes} == {server.admin.user.id, server.member.user.id}

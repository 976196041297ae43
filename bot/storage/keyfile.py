"""The key that hashes user ids, kept in a file beside the database and never inside it.

Whoever has only the database (a copy, a backup, a stolen disk image without the key file)
sees keyed hashes they cannot test a user id against. The file is created 0600 and holds
the key as 64 hex digits and a newline.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

KEY_BYTES = 32


class KeyFileError(OSError):
    """The key file exists but does not hold a key."""


def key_path(db_path: Path) -> Path:
    """`data/bluebook.db` → `data/bluebook.key`."""
    return db_path.with_suffix(".key") if db_path.suffix != ".key" else Path(f"{db_path}.key")


def read_key(path: Path) -> bytes | None:
    """The key, or None if the file is missing; a damaged file raises KeyFileError."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise KeyFileError(f"key file {path} is damaged") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise KeyFileError(f"key file {path} is damaged") from None
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"key file {path} is damaged")
    return key


def write_key(path: Path, key: bytes) -> None:
    """Write the key 0600 if the file does not hold it yet (atomically, never half-written)."""
    with contextlib.suppress(KeyFileError):
        if read_key(path) == key:
            os.chmod(path, 0o600)
            return
    partial = path.with_name(path.name + ".partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key.hex() + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(partial, path)

"""The library's verdict: the warnings of its last full check, keyed by a hash of its files.

A full check of a library (`content check`, or a load that finds no current verdict) ends by
writing `.verdict.json` at the library's root: the hash of every file each pack's manifest
names (the manifest included) and of the checking code, and the warnings found. A load that
finds the same hash reads those warnings instead of checking the packs' terms against the
text again, which is most of a check's time (bot/pack/loader.py `check_terms`).

A verdict holds warnings only, never permission: whatever it says, every check that can
refuse a pack (parsing, the manifest's paths staying inside the pack, references, verbatim
quotes, thesaurus cycles) runs on every load, and a changed file changes the hash. A verdict
that cannot be read is ignored; one that cannot be written (a read-only library) only costs
the next load a full check.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from bot.pack.hash_memo import HashMemo, stat_of
from bot.pack.loader import MANIFEST_FILE, Problem, inside_pack, read_manifest

log = logging.getLogger(__name__)

VERDICT_FILE = ".verdict.json"
_CODE = Path(__file__).resolve().parents[1]
# The code a verdict depends on: the pack checks and the text analysis they use.
_CODE_DIRS = ("pack", "search")


@cache
def _code_hash() -> str:
    digest = hashlib.sha256()
    for folder in _CODE_DIRS:
        for path in sorted((_CODE / folder).glob("*.py")):
            digest.update(f"{folder}/{path.name}\x00".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def pack_hash(root: Path, memo: HashMemo | None = None) -> str | None:
    """A hash of the pack's manifest and every file it names; None when the manifest is
    broken or names a file outside the pack (such a pack always gets a full check). With a
    `memo`, a pack whose files are unchanged since it was hashed is not read."""
    if memo is not None and (known := memo.get(root)) is not None:
        return known
    began = time.time_ns()
    manifest_stat = stat_of(root / MANIFEST_FILE)
    manifest, problems = read_manifest(root)
    if manifest is None or problems:
        return None
    names = [
        MANIFEST_FILE,
        *([p.file for p in manifest.pages] or [manifest.text_file]),
        manifest.facts_file,
        manifest.glossary_file,
    ]
    # Each file's stat before it is read: a change while it is read changes its stat.
    stats = {name: stat_of(root / name) for name in names}
    stats[MANIFEST_FILE] = manifest_stat
    digest = hashlib.sha256()
    for name in names:
        path = inside_pack(root, name)
        if path is None:
            return None
        digest.update(f"\x00{name}\x00".encode())
        try:
            digest.update(path.read_bytes())
        except FileNotFoundError:
            digest.update(b"\x01missing")
        except OSError:
            return None
    found = digest.hexdigest()
    if memo is not None:
        memo.put(root, found, stats, began)
    return found


def library_hash(root: Path, packs: Iterable[Path], memo_in: Path | None = None) -> str | None:
    """A hash of every pack of the library (see `pack_hash`) and of the checking code.
    `memo_in`: the folder of the packs' hash memo (bot/pack/hash_memo.py), if one is kept."""
    memo = HashMemo(memo_in) if memo_in is not None else None
    digest = hashlib.sha256(_code_hash().encode())
    for where in packs:
        one = pack_hash(where, memo)
        if one is None:
            return None
        relative = where.relative_to(root) if where != root else Path(".")
        digest.update(f"\x00{relative.as_posix()}\x00{one}".encode())
    if memo is not None:
        memo.save()
    return digest.hexdigest()


def read_verdict(root: Path, digest: str) -> list[Problem] | None:
    """The warnings kept for the library at `digest`; None when no current verdict is kept."""
    try:
        data = json.loads((root / VERDICT_FILE).read_text(encoding="utf-8"))
        if data.get("hash") != digest:
            return None
        rows = data["warnings"]
        # Each file's path made once: a library's verdict holds thousands of warnings.
        files = {f: str(root / f) for f in {row[0] for row in rows}}
        return [Problem(files[f], int(line), str(m), True) for f, line, m in rows]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("content verdict unreadable", extra={"root": str(root), "error": repr(exc)})
        return None


def write_verdict(root: Path, digest: str, warnings: Iterable[Problem]) -> None:
    """Keep the warnings of a library that checked without errors, for the next load."""
    rows = []
    for p in warnings:
        path = Path(p.file)
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else p.file
        rows.append([name, p.line, p.message])
    target = root / VERDICT_FILE
    tmp = target.with_name(f"{VERDICT_FILE}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps({"hash": digest, "warnings": rows}), encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        log.debug("content verdict not written", extra={"root": str(root), "error": repr(exc)})
        tmp.unlink(missing_ok=True)

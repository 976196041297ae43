"""A search index persisted on disk, keyed by a hash of the pack's text and the search code.

Building a pack's index costs most of a start-up; reading it back costs a few milliseconds.
The key changes whenever the paragraphs, titles, glossary or the code under bot/search/
change, so a stale index is never read. The cache is ours alone (next to the database), so
pickle is acceptable; a file that fails to load is rebuilt and replaced.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from functools import cache
from pathlib import Path

from bot.pack.cache_dir import make_private
from bot.pack.model import Pack, glossary_text
from bot.search.build import PackIndex, ParagraphWords, index_pack

log = logging.getLogger(__name__)

_SEARCH_CODE = Path(__file__).resolve().parent / "search"


@cache
def _code_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(_SEARCH_CODE.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def content_hash(pack: Pack) -> str:
    """A hash of everything the index is built from, and of the code that builds it."""
    digest = hashlib.sha256(_code_hash().encode())
    for section in pack.sections.values():
        # The whole path: a section's index terms include the titles above it.
        path = "\x00".join(section.path)
        digest.update(f"\x00s{section.ref}\x00{path}".encode())
    for paragraph in pack.paragraphs.values():
        digest.update(f"\x00p{paragraph.ref}\x00{paragraph.text}".encode())
    digest.update(glossary_text(pack.glossary).encode())
    return digest.hexdigest()


def load_or_build(
    pack: Pack, cache_dir: Path | None, words: ParagraphWords | None = None
) -> PackIndex:
    """The pack's index, read from `cache_dir` when a current one is there, else built
    (and written there), from `words` where given (bot/search/build.py)."""
    if cache_dir is None:
        return index_pack(pack, words)
    path = Path(cache_dir) / f"{content_hash(pack)}.idx"
    try:
        with path.open("rb") as f:
            built = pickle.load(f)
        if isinstance(built, PackIndex):
            return built
    except OSError:
        pass  # not there (or no such directory): build it
    except Exception as exc:  # a truncated or foreign file: rebuild it
        log.warning("index cache unreadable", extra={"path": str(path), "error": repr(exc)})
    built = index_pack(pack, words)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        make_private(path.parent)
        with tmp.open("wb") as f:
            pickle.dump(built, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError as exc:
        # Only start-up time is lost; the database's own error, if any, is reported elsewhere.
        log.debug("index cache not written", extra={"path": str(path), "error": repr(exc)})
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        # Something in the index that does not pickle: serve it, say so once per build.
        log.warning("index cache not written", extra={"path": str(path), "error": repr(exc)})
        tmp.unlink(missing_ok=True)
    return built

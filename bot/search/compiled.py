"""Search's hot path (the query planner, a small pack's ranking, the excerpt, the results)
compiled to C by mypyc, used only when built from today's code.

`python3 scripts/compile_search.py` (run by every set-up command) compiles COMPILED into a
folder of the venv named by a digest of bot/search's sources: an edit to any of them names
another folder, so a build of older code is never loaded; the code then runs interpreted until
the next set-up compiles it again. Without a C compiler it always runs interpreted, with the
same results (a test compares the two). BLUEBOOK_INTERPRETED=1 turns the compiled build off.

`activate` runs when bot.search is imported (bot/search/__init__.py): reading and hashing
the sources there (0.3 ms) is the one file read at import in the bot, as the choice must be
made before any module of the package is loaded. Only the Python standard library is used:
scripts/compile_search.py loads this file by its path, before the package is imported.
"""

from __future__ import annotations

import hashlib
import os
import platform
import sys
from pathlib import Path

# The query planner, its typo corrector, a small pack's ranking, the excerpt and the results:
# most of a new query's fixed cost, in plain typed code (what they make lazily is kept in plain
# attributes: a compiled class has no __dict__ for functools.cached_property; and no
# closures, which ran slower compiled). The rest stays interpreted: the analyzer is pickled
# with the index cache and the engine keeps values in instances' __dict__. Compiled classes
# cannot be copied or unpickled (nothing does: the index cache pickles PackIndex only), and
# their typed fields refuse other types (a numpy integer where an int is declared): without
# a build those are accepted, and `Final` fields are writable (mypy refuses such writes).
COMPILED = ("excerpt", "glossary", "normalize", "query", "result", "small", "thesaurus", "typos")
SOURCES = Path(__file__).resolve().parent
# What the compiled modules import from outside bot/search: its types are compiled in.
ALSO = ("../pack/model.py",)
OFF = "BLUEBOOK_INTERPRETED"


def digest(sources: Path = SOURCES) -> str:
    """A digest of every module of bot/search and ALSO, the compiled list and this Python."""
    h = hashlib.sha256()
    h.update(f"{COMPILED}\x00{sys.implementation.cache_tag}\x00{platform.machine()}".encode())
    for path in [*sorted(sources.glob("*.py")), *(sources / also for also in ALSO)]:
        h.update(path.name.encode() + b"\x00" + path.read_bytes() + b"\x00")
    return h.hexdigest()[:16]


def folder(prefix: Path | None = None, sources: Path = SOURCES) -> Path:
    """Where the build of today's sources is, or is to be: in the venv (`sys.prefix`)."""
    return Path(sys.prefix if prefix is None else prefix) / "bluebook-compiled" / digest(sources)


def is_built(place: Path) -> bool:
    """Whether `place` holds a whole build: each compiled module's extension."""
    modules = place / "bot" / "search"
    return all(any(modules.glob(f"{name}.*.so")) for name in COMPILED)


def activate(package_path: list[str], place: Path | None = None) -> bool:
    """Put the build of today's sources first on bot.search's path (`package_path`) if there
    is one and it is not turned off; returns whether it did."""
    if os.environ.get(OFF) == "1":
        return False
    place = folder() if place is None else place
    if not is_built(place):
        return False
    package_path.insert(0, str(place / "bot" / "search"))
    if str(place) not in sys.path:
        sys.path.append(str(place))  # mypyc's shared library of the build
    return True

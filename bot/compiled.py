"""A /search answer's hot path compiled to C by mypyc, used only when built from today's code:
search's query planner, a small pack's ranking, the excerpt and the results, and the reply
built from them (its embed, escaping and buttons).

`python3 scripts/compile.py` (run by every set-up command) compiles COMPILED into a folder of
the venv named by a digest of the sources (`digest`): an edit to any of them names another
folder, so a build of older code is never loaded; the code then runs interpreted until the
next set-up compiles it again. Without a C compiler it always runs interpreted, with the same
results (tests/test_compiled.py compares the two). BLUEBOOK_INTERPRETED=1 turns the build off.

`activate` runs when bot.search or bot.replies is imported (their `__init__.py`): reading and
hashing the sources (under 1 ms, once per process) is the one file read at import in the
bot, as the choice must be made before any module of the packages is loaded. Both packages
take the same choice: compiled modules of one build call each other's classes directly, and
refuse another build's. Only the Python standard library is used: scripts/compile.py loads
this file by its path, before the bot is imported.
"""

from __future__ import annotations

import hashlib
import os
import platform
import sys
from pathlib import Path

# Search: the query planner, its typo corrector, a small pack's ranking, the excerpt and the
# results: most of a new query's fixed cost, in plain typed code (what they make lazily is
# kept in plain attributes: a compiled class has no __dict__ for functools.cached_property;
# and no closures, which ran slower compiled). The rest stays interpreted: the analyzer is
# pickled with the index cache and the engine keeps values in instances' __dict__.
# Replies: a /search answer's embed, its escaping, its buttons and its "also in" (the
# commands' other replies import these and stay interpreted).
# Compiled classes cannot be copied or unpickled (nothing does: the index cache pickles
# PackIndex only, replies are sent, not kept), and their typed fields refuse other types (a
# numpy integer where an int is declared; every command's `Reply` and `Button` are compiled
# classes): without a build those are accepted, and `Final` fields are writable (mypy refuses
# such writes).
COMPILED = (
    "search.excerpt",
    "search.glossary",
    "search.normalize",
    "search.query",
    "search.result",
    "search.small",
    "search.thesaurus",
    "search.typos",
    "replies.also_in",
    "replies.common",
    "replies.custom_ids",
    "replies.markdown",
    "replies.search",
)
# The packages of COMPILED: every module of them is in the digest.
PACKAGES = ("search", "replies")
# What the compiled modules import from elsewhere in the bot: its types are compiled in.
ALSO = ("pack/compare.py", "pack/model.py", "pack/refs.py")
BOT = Path(__file__).resolve().parent
OFF = "BLUEBOOK_INTERPRETED"


def source(module: str, bot: Path = BOT) -> Path:
    """The source file of a module of COMPILED ("search.query": bot/search/query.py)."""
    return bot.joinpath(*module.split(".")).with_suffix(".py")


def digest(bot: Path = BOT) -> str:
    """A digest of every module of PACKAGES and ALSO, the compiled list and this Python."""
    h = hashlib.sha256()
    h.update(f"{COMPILED}\x00{sys.implementation.cache_tag}\x00{platform.machine()}".encode())
    files = [f for package in PACKAGES for f in sorted((bot / package).glob("*.py"))]
    for path in [*files, *(bot / also for also in ALSO)]:
        h.update(path.relative_to(bot).as_posix().encode() + b"\x00")
        h.update(path.read_bytes() + b"\x00")
    return h.hexdigest()[:16]


def folder(prefix: Path | None = None, bot: Path = BOT) -> Path:
    """Where the build of today's sources is, or is to be: in the venv (`sys.prefix`)."""
    return Path(sys.prefix if prefix is None else prefix) / "bluebook-compiled" / digest(bot)


def is_built(place: Path) -> bool:
    """Whether `place` holds a whole build: each compiled module's extension, and mypyc's
    shared library they all load."""
    if not any(place.glob("*__mypyc*.so")):
        return False
    for module in COMPILED:
        package, name = module.split(".")
        if not any((place / "bot" / package).glob(f"{name}.*.so")):
            return False
    return True


# This process's choice (`chosen`): the build in use, or None.
_chosen: list[Path | None] = []


def chosen() -> Path | None:
    """The build this process runs (the same for every package), or None: interpreted."""
    if not _chosen:
        place = None if os.environ.get(OFF) == "1" else folder()
        _chosen.append(place if place is not None and is_built(place) else None)
    return _chosen[0]


def activate(package_path: list[str], package: str, place: Path | None = None) -> bool:
    """Put the build's modules of bot.`package` first on its path (`package_path`), if there
    is a build in use (`chosen`); returns whether it did. `place`, for tests: that build, if
    whole and not turned off, instead of this process's choice."""
    if place is None:
        place = chosen()
    elif os.environ.get(OFF) == "1" or not is_built(place):
        place = None
    if place is None:
        return False
    package_path.insert(0, str(place / "bot" / package))
    if str(place) not in sys.path:
        sys.path.append(str(place))  # mypyc's shared library of the build
    return True

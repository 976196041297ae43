"""The folders of a library's layout, and the ones that do not belong to it.

A library is ``DIR/<edition>/chapter<N>/`` (bot/pack/library.py). `content import --out
DIR/2025` would file its pages under ``DIR/2025/2025/chapter<N>/``, where nothing reads them:
`misplaced_out` lets import and fetch refuse such an `--out`, and `stray_folders` lets
`content check` name such a folder instead of passing over it.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.pack.loader import MANIFEST_FILE, Problem

EDITION_DIR = re.compile(r"^\d{4}$")
CHAPTER_DIR = re.compile(r"^chapter(\d{1,3})$")
# Where `content fetch` keeps the pages it downloaded, in a library (bot/fetch/crawl.py).
RAW_DIR = "raw"


def _holds_packs(edition: Path) -> bool:
    """An edition folder with at least one chapter pack in it."""
    try:
        return any(
            CHAPTER_DIR.match(c.name) and (c / MANIFEST_FILE).is_file() for c in edition.iterdir()
        )
    except OSError:
        return False


def _is_library(root: Path) -> bool:
    try:
        return any(EDITION_DIR.match(e.name) and _holds_packs(e) for e in root.iterdir())
    except OSError:
        return False


def misplaced_out(out: Path) -> str | None:
    """Why `--out` cannot be `out`, an edition or chapter folder of a library (and not a
    pack itself, which an import may name), in one line naming the library; None when it
    can."""
    out = Path(out)
    if (out / MANIFEST_FILE).is_file():
        return None
    parent = out.parent
    if CHAPTER_DIR.match(out.name) and EDITION_DIR.match(parent.name):
        kind, root = "a chapter", parent.parent
    elif EDITION_DIR.match(out.name) and (_holds_packs(out) or _is_library(parent)):
        kind, root = "an edition", parent
    else:
        return None
    return (
        f"--out {out} is {kind} folder of the library {root}; use --out {root}: each page "
        f"is filed into {root}/<edition>/chapter<N>/"
    )


def stray_folders(root: Path) -> list[Problem]:
    """A warning for each folder in library `root` that is not part of its layout."""
    found: list[Problem] = []

    def warn(folder: Path, shape: str) -> None:
        found.append(
            Problem(
                str(folder),
                0,
                f"folder not read: a library holds {shape}; pages imported with --out "
                f"pointing inside the library land in such a folder: import them again "
                f"with --out {root}",
                warning=True,
            )
        )

    for child in _folders(root):
        if child.name == RAW_DIR:
            continue
        if not EDITION_DIR.match(child.name):
            warn(child, "<edition>/chapter<N>/ folders")
            continue
        for sub in _folders(child):
            if not CHAPTER_DIR.match(sub.name):
                warn(sub, f"chapter<N>/ folders in {child.name}/")
    return found


def _folders(folder: Path) -> list[Path]:
    try:
        return sorted(c for c in folder.iterdir() if c.is_dir() and not c.name.startswith("."))
    except OSError:
        return []

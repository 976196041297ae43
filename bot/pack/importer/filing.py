"""Filing imported pages into a library: each page into the pack of its edition and chapter.

`content import FILE... --out DIR`: when DIR is a pack (it has a manifest), every page goes
into that pack. Otherwise DIR is a library (bot/pack/library.py) and each page is filed into
`DIR/<edition>/chapter<N>/`, made when missing, so one import can feed several packs.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bot.pack.importer import ImportFailure, ImportReport, import_pages, inspect_pages
from bot.pack.library import pack_dir_for
from bot.pack.loader import MANIFEST_FILE


def targets_for(
    files: Sequence[Path], out: Path, *, page: str | None = None, edition: int | None = None
) -> dict[Path, list[Path]]:
    """The pack directory each file goes to, in the order first named."""
    if (Path(out) / MANIFEST_FILE).is_file():
        return {Path(out): [Path(f) for f in files]}
    targets: dict[Path, list[Path]] = {}
    for meta in inspect_pages(files, page=page, edition=edition):
        if meta.edition is None:
            raise ImportFailure(
                f"{meta.file}: no 'Diplomatic Bluebook YYYY' line, so its edition is unknown; "
                "name it with --edition YEAR (or import into an existing pack)"
            )
        target = pack_dir_for(Path(out), meta.edition, meta.chapter)
        targets.setdefault(target, []).append(Path(meta.file))
    return targets


def file_pages(
    files: Sequence[Path],
    out: Path,
    *,
    page: str | None = None,
    edition: int | None = None,
    strict: bool = False,
) -> list[ImportReport]:
    """Import `files` into the pack or library at `out`; one report per pack written to.

    With `strict`, any warning in any pack leaves every pack untouched: the import is tried
    on copies first."""
    targets = targets_for(files, out, page=page, edition=edition)
    if strict:
        reports = _dry_run(targets, page=page, edition=edition)
        if any(r.warnings for r in reports):
            return reports
    return [
        import_pages(group, target, page=page, edition=edition, strict=strict)
        for target, group in targets.items()
    ]


def _dry_run(
    targets: dict[Path, list[Path]], *, page: str | None, edition: int | None
) -> list[ImportReport]:
    """The strict import of every pack, on copies (the real packs are not touched)."""
    reports = []
    with tempfile.TemporaryDirectory(prefix="bluebook-import-") as tmp:
        for i, (target, group) in enumerate(targets.items()):
            copy = Path(tmp) / str(i)
            if target.is_dir():
                shutil.copytree(target, copy)
            report = import_pages(group, copy, page=page, edition=edition, strict=True)
            report.pack_dir = target
            reports.append(report)
    return reports

"""Filing imported pages into a library: each page into the pack of its edition and chapter.

`content import FILE... --out DIR`: when DIR is a pack (it has a manifest), every page goes
into that pack. Otherwise DIR is a library (bot/pack/library.py) and each page is filed into
`DIR/<edition>/chapter<N>/`, made when missing, so one import can feed several packs.

One page that cannot be imported never stops the others: it is reported as a `PageFailure`
(file, line, reason) and left out. With `strict`, a failure or a warning anywhere leaves
every pack untouched.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.pack.importer import ImportFailure, ImportReport, import_pages, inspect_pages
from bot.pack.library import Library, check_library, pack_dir_for
from bot.pack.loader import MANIFEST_FILE
from bot.pack.strays import misplaced_out


@dataclass(frozen=True)
class PageFailure:
    """A page left out of the import, and why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: error: {self.reason}"


@dataclass
class Filing:
    """What `file_pages` did: a report per pack written to, and the pages left out."""

    reports: list[ImportReport] = field(default_factory=list)
    failures: list[PageFailure] = field(default_factory=list)
    # The library as the check after the import loaded it (None: nothing was written, or
    # it did not load), so that the summary reads it rather than check it a second time.
    library: Library | None = None

    @property
    def warnings(self) -> int:
        return sum(len(r.warnings) for r in self.reports)


def _failure(exc: ImportFailure) -> PageFailure:
    message = str(exc)
    prefix = f"{exc.file}:{exc.line}: "
    reason = message[len(prefix) :] if message.startswith(prefix) else message
    if reason.startswith(f"{exc.file}: "):
        reason = reason[len(str(exc.file)) + 2 :]
    return PageFailure(str(exc.file), exc.line, reason)


def targets_for(
    files: Sequence[Path],
    out: Path,
    *,
    page: str | None = None,
    edition: int | None = None,
    failures: list[PageFailure] | None = None,
    editions: Mapping[Path, int] | None = None,
) -> dict[Path, list[Path]]:
    """The pack directory each file goes to, in the order first named.

    A file that cannot be placed is added to `failures` when given (else ImportFailure)."""
    misplaced = misplaced_out(Path(out))
    if misplaced is not None:
        raise ImportFailure(misplaced)
    if (Path(out) / MANIFEST_FILE).is_file():
        return {Path(out): [Path(f) for f in files]}
    if page is not None and len(files) != 1:
        raise ImportFailure("--page names one page; import one file with it")
    by_year: dict[int | None, list[Path]] = {}
    for file in files:
        by_year.setdefault((editions or {}).get(Path(file), edition), []).append(Path(file))
    targets: dict[Path, list[Path]] = {}
    for year, group in by_year.items():
        # Together, so a page without an id can be placed after the one before it.
        while group:
            try:
                metas = inspect_pages(group, page=page, edition=year)
                for meta in metas:
                    if meta.edition is None:
                        raise ImportFailure(
                            f"{meta.file}:1: no 'Diplomatic Bluebook YYYY' line, so its edition "
                            "is unknown; name it with --edition YEAR or import it into a pack",
                            meta.file,
                        )
            except ImportFailure as exc:
                blamed = [f for f in group if str(f) == exc.file]
                if failures is None or not blamed:
                    raise
                failures.append(_failure(exc))
                group.remove(blamed[0])
                continue
            for meta in metas:
                target = pack_dir_for(Path(out), meta.edition or 0, meta.chapter)
                targets.setdefault(target, []).append(Path(meta.file))
            break
    return targets


def file_pages(
    files: Sequence[Path],
    out: Path,
    *,
    page: str | None = None,
    edition: int | None = None,
    strict: bool = False,
    editions: Mapping[Path, int] | None = None,
) -> Filing:
    """Import `files` into the pack or library at `out`; every page that can be, is.

    With `strict`, any warning or failure in any pack leaves every pack untouched: the
    import is tried on copies first. `editions` gives the edition of files that do not say
    (`content fetch` knows where it got them). Raises ImportFailure only for a mistake that
    concerns the whole batch (pages of two chapters for one pack, a bad --page)."""
    filing = Filing()
    targets = targets_for(
        files, out, page=page, edition=edition, failures=filing.failures, editions=editions
    )

    def year(group: list[Path]) -> int | None:
        return (editions or {}).get(group[0], edition)

    if strict:
        trial = _dry_run(targets, page=page, year=year)
        trial.failures[:0] = filing.failures
        if trial.warnings or trial.failures:
            return trial
    for target, group in targets.items():
        report = _import_each(group, target, filing.failures, page=page, edition=year(group))
        if report is not None:
            filing.reports.append(report)
    if any(r.written for r in filing.reports):
        # The library's check, once, as `content check` would: it leaves the verdict, so the
        # first start after an import reads it instead of checking everything again.
        filing.library, _ = check_library(out)
    return filing


def _import_each(
    group: list[Path],
    target: Path,
    failures: list[PageFailure],
    *,
    page: str | None,
    edition: int | None,
    strict: bool = False,
) -> ImportReport | None:
    """Import the group into one pack, leaving out (and reporting) each page that fails."""
    group = list(group)
    while group:
        try:
            return import_pages(group, target, page=page, edition=edition, strict=strict)
        except ImportFailure as exc:
            blamed = [f for f in group if str(f) == exc.file]
            if not blamed:
                raise
            failures.append(_failure(exc))
            group.remove(blamed[0])
    return None


def _dry_run(
    targets: dict[Path, list[Path]],
    *,
    page: str | None,
    year: Callable[[list[Path]], int | None],
) -> Filing:
    """The strict import of every pack, on copies (the real packs are not touched)."""
    trial = Filing()
    with tempfile.TemporaryDirectory(prefix="bluebook-import-") as tmp:
        for i, (target, group) in enumerate(targets.items()):
            copy = Path(tmp) / str(i)
            if target.is_dir():
                shutil.copytree(target, copy)
            failures: list[PageFailure] = []
            report = _import_each(
                group, copy, failures, page=page, edition=year(group), strict=True
            )
            # A refusal may name a page of the pack: by its own path, not the copy's.
            trial.failures.extend(
                PageFailure(f.file, f.line, f.reason.replace(str(copy), str(target)))
                for f in failures
            )
            if report is not None:
                report.pack_dir = target
                trial.reports.append(report)
    return trial

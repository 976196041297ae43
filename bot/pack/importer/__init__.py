"""Import the publisher's pages (text files, copied text, saved HTML) into a content pack.

`import_pages` is the one entry point: it reads the files, works out where each page
belongs (its page id `cCCSSPP`), builds the chapter from the pack's existing pages and the
new ones, and writes the pack unless `strict` finds warnings. A page imported again replaces
its earlier version; a page whose id names another place than its own headings, or whose
headings give a reference another page gives, is refused and replaces nothing. The report
lists the outline, every warning as `file:line`, the facts the new text broke, and each
page's metadata (edition, chapter) for whoever files the pack.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from bot.pack.importer.sources import Source, SourceError, read_source
from bot.pack.loader import MANIFEST_FILE, Problem, check_pack, read_manifest
from bot.pack.model import CHAPTER, NUMBER, SECTION, Manifest, PageFile, Section
from bot.pack.pages import INDEX_URL, PageId, edition_line, page_url
from bot.pack.parser import (
    CLAIMED_TWICE,
    GUESSED_POSITION,
    NO_PART_HEADING,
    ChapterBuilder,
    PageText,
    ParseError,
    ParseWarning,
    match_heading,
)
from bot.pack.thesaurus import TARGET_KINDS, TokenisedText

__all__ = [
    "NO_EDITION",
    "ImportFailure",
    "ImportReport",
    "OutlineEntry",
    "PageMeta",
    "import_pages",
    "inspect_pages",
]

PAGES_DIR = "pages"
FACTS_FILE = "facts.yaml"
GLOSSARY_FILE = "glossary.yaml"
NO_EDITION = "no-edition"
_FACTS_START = (
    "# The fact index. Every quote is copied verbatim from the paragraph named by `ref`;\n"
    "# `content check` fails if it is not. `dates` and `numbers` must appear in the quote.\n"
    "# `bluebook-bot content facts suggest --write` adds drafts for a person to confirm.\n"
    "facts: []\n"
)


class ImportFailure(ValueError):
    """Nothing was written; the message says which file and what to do.

    `file` names the one input to blame, when there is one: a batch can leave it out and
    import the rest.
    """

    def __init__(self, message: str, file: str | None = None, line: int = 1) -> None:
        super().__init__(message)
        self.file = file
        self.line = line


@dataclass(frozen=True)
class PageMeta:
    """Where one imported page belongs: the key a library of packs files it under."""

    file: str
    page: str
    edition: int | None
    chapter: int
    section: int
    part: int
    source_url: str
    placed_by: str  # "--page", "file name", "URL in file", "headings" or "guess"


@dataclass(frozen=True)
class OutlineEntry:
    ref: str
    heading: str
    level: int
    page: str
    source_url: str


@dataclass
class ImportReport:
    pack_dir: Path
    pages: list[PageMeta] = field(default_factory=list)
    outline: list[OutlineEntry] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    broken_facts: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written: bool = False

    @property
    def edition(self) -> int | None:
        return self.pages[0].edition if self.pages else None

    @property
    def chapter(self) -> int | None:
        return self.pages[0].chapter if self.pages else None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]


@dataclass
class _Placed:
    source: Source
    page: PageId
    placed_by: str
    url: str = ""


def import_pages(
    files: Sequence[Path],
    pack_dir: Path,
    *,
    page: str | None = None,
    edition: int | None = None,
    strict: bool = False,
) -> ImportReport:
    """Import `files` into the pack at `pack_dir` (created if missing).

    With `strict`, any warning leaves the pack untouched (`written` is False). Raises
    ImportFailure for a file that cannot be used, and OSError when files cannot be read.
    """
    sources, forced = _read(files, page)
    _refuse_other_edition(sources, edition)
    existing, existing_pages = _existing(pack_dir)
    report = ImportReport(pack_dir)
    warnings: list[ParseWarning] = []
    placed = _place(sources, forced, existing_pages, warnings)
    year = _edition(sources, edition, existing)
    if year is None:
        warnings.append(
            ParseWarning(
                sources[0].file,
                sources[0].lines[0][0] if sources[0].lines else 1,
                NO_EDITION,
                "no 'Diplomatic Bluebook YYYY' line, page URL or --edition: "
                f"sections link to {INDEX_URL}",
            )
        )
    chapters = {p.page.chapter for p in placed} | (
        {existing.chapter_number} if existing is not None else set()
    )
    if len(chapters) > 1:
        raise ImportFailure(
            "pages of different chapters (" + ", ".join(str(c) for c in sorted(chapters)) + ") "
            "cannot share one pack; import each chapter into its own directory"
        )
    for p in placed:
        p.url = _page_address(p, year)
        report.pages.append(_meta(p, year, p.url))
    root, parse_warnings, pages_of = _build(pack_dir, existing_pages, placed)
    new_files = {p.source.file for p in placed}
    _refuse_without_part_heading(parse_warnings, new_files)
    _refuse_claims(parse_warnings, new_files, pages_of)
    # The pack's own pages were warned about when they were imported, unless a new page
    # is the other party.
    warnings.extend(w for w in parse_warnings if w.file in new_files or w.other in new_files)
    report.warnings = warnings
    report.outline = [
        OutlineEntry(s.ref, s.heading, s.level, s.page, s.source_url) for s in root.walk()
    ]
    if strict and warnings:
        return report
    _write(pack_dir, existing, existing_pages, placed, year, root)
    report.written = True
    _, report.problems = check_pack(pack_dir)
    facts = str(pack_dir / (existing.facts_file if existing else FACTS_FILE))
    report.broken_facts = [p for p in report.problems if p.file == facts and not p.warning]
    return report


def _build(
    pack_dir: Path, existing: list[PageFile], placed: list[_Placed]
) -> tuple[Section, list[ParseWarning], dict[str, str]]:
    """The chapter as it will be: the pack's pages, each replaced by a new one of its id.

    Also returns the page id of each file the chapter was built from."""
    texts: dict[str, PageText] = {}
    new_ids = {str(p.page) for p in placed}
    for entry in existing:
        if entry.id not in new_ids:
            text = (pack_dir / entry.file).read_text(encoding="utf-8")
            page = PageId.parse(entry.id)
            label = str(pack_dir / entry.file)
            texts[entry.id] = PageText.from_text(text, label, page, entry.source_url)
    for p in placed:
        texts[str(p.page)] = PageText(p.source.file, p.source.lines, p.page, p.url)
    builder = ChapterBuilder()
    for page_id in sorted(texts, key=lambda i: PageId.parse(i) or PageId(0, 0, 0)):
        try:
            builder.add_page(texts[page_id])
        except ParseError as exc:
            file = texts[page_id].file
            raise ImportFailure(f"{file}:{exc.line}: {exc.message}", file, exc.line) from None
    return builder.finish(), builder.warnings, {t.file: i for i, t in texts.items()}


def _refuse_claims(
    warnings: list[ParseWarning], new_files: set[str], pages_of: dict[str, str]
) -> None:
    """Refuse a new page whose headings give a reference another page already gives.

    The parser would merge the two pages' text under one heading, and the reference would
    quote and link the wrong page: a page that does not hold what its id says (the wrong
    file named c030102, two pages pasted into one file) must not take over another's
    sections. The page already in the pack is kept; of two new pages, the later in book
    order is refused."""
    for w in warnings:
        if w.kind != CLAIMED_TWICE:
            continue
        if w.file in new_files:
            file, line, holder, holder_line = w.file, w.line, w.other, w.other_line
        elif w.other in new_files:
            # A page of the pack, later in book order, gives a reference the new page gives.
            file, line, holder, holder_line = w.other, w.other_line, w.file, w.line
        else:
            continue
        page, other = pages_of.get(file, "?"), pages_of.get(holder, "?")
        if holder in new_files:
            held = f"page {other} of this import ({holder}:{holder_line}) gives it too"
        else:
            held = f"page {other} already holds it ({holder}:{holder_line})"
        raise ImportFailure(
            f"{file}:{line}: page {page} gives {w.ref}, but {held}; not imported, so "
            f"nothing is replaced: is this file page {page}?",
            file,
            line,
        )


def _refuse_without_part_heading(warnings: list[ParseWarning], new_files: set[str]) -> None:
    """Refuse a new page whose part heading is missing or broken (and no earlier page holds
    that part): its text would land under references its page id contradicts ("4.2(1)" for
    page c040203), and a broken heading line would become a paragraph of the section."""
    for w in warnings:
        if w.kind == NO_PART_HEADING and w.file in new_files:
            raise ImportFailure(
                f"{w.file}:{w.line}: {w.message}; not imported: copy the page again with its "
                "part heading on a line of its own",
                w.file,
                w.line,
            )


def _meta(p: _Placed, year: int | None, url: str) -> PageMeta:
    return PageMeta(
        p.source.file,
        str(p.page),
        year,
        p.page.chapter,
        p.page.section,
        p.page.part,
        url,
        p.placed_by,
    )


def inspect_pages(
    files: Sequence[Path], *, page: str | None = None, edition: int | None = None
) -> list[PageMeta]:
    """Where each file belongs (page id, edition, chapter), without writing anything.

    Each page keeps its own edition here, so files of several editions and chapters can be
    sorted into one pack each before `import_pages`. Raises ImportFailure like it.
    """
    sources, forced = _read(files, page)
    _refuse_other_edition(sources, edition)
    placed = _place(sources, forced, [], [], unique=False)
    metas = []
    for p in placed:
        year = edition or p.source.edition
        url = _page_address(p, year)
        metas.append(_meta(p, year, url))
    return metas


def _read(files: Sequence[Path], page: str | None) -> tuple[list[Source], PageId | None]:
    if not files:
        raise ImportFailure("no files to import")
    if page is not None and len(files) != 1:
        raise ImportFailure("--page names one page; import one file with it")
    forced = PageId.parse(page) if page is not None else None
    if page is not None and forced is None:
        raise ImportFailure(f"--page {page!r} is not a page id like c030102")
    try:
        return [read_source(Path(f)) for f in files], forced
    except SourceError as exc:
        raise ImportFailure(str(exc), exc.file, exc.line) from None


def _refuse_other_edition(sources: list[Source], edition: int | None) -> None:
    """Refuse a page that says its edition when `edition` (--edition) names another.

    --edition is for a page that does not say: one that says another year is the wrong
    file or the wrong option, and filed under the option it would be quoted as the wrong
    edition."""
    for source in sources:
        if edition is None or source.edition is None or source.edition == edition:
            continue
        said = [n for n, t in source.lines if edition_line(t) == source.edition]
        line = said[0] if said else (source.lines[0][0] if source.lines else 1)
        says = (
            f"says Diplomatic Bluebook {source.edition}"
            if said
            else f"names the {source.edition} edition in its title or address"
        )
        raise ImportFailure(
            f"{source.file}:{line}: the page {says} but --edition says {edition}; not "
            "imported: --edition is for a page that does not say its edition",
            source.file,
            line,
        )


def _page_address(placed: _Placed, year: int | None) -> str:
    """The address found in the file for this page, else the publisher's pattern."""
    found = [u for u in placed.source.urls if PageId.parse(u) == placed.page]
    if found:
        return found[0].replace("http://", "https://", 1)
    return page_url(year, placed.page) or INDEX_URL


def _existing(pack_dir: Path) -> tuple[Manifest | None, list[PageFile]]:
    if not (pack_dir / MANIFEST_FILE).exists():
        return None, []
    manifest, problems = read_manifest(pack_dir)
    if manifest is None:
        raise ImportFailure(
            f"{pack_dir} has a manifest that cannot be read; fix it first:\n"
            + "\n".join(str(p) for p in problems)
        )
    if manifest.pages:
        return manifest, list(manifest.pages)
    # A pack of one text, like the shipped one: its page id is in its source URL.
    legacy = PageId.parse(manifest.source_url)
    if legacy is None:
        text = (pack_dir / manifest.text_file).read_text(encoding="utf-8")
        legacy = _peek_id(PageText.from_text(text, manifest.text_file).lines)
    if legacy is None:
        raise ImportFailure(
            f"{pack_dir / manifest.text_file}: cannot tell which page this pack's text is; "
            "import its pages into a new directory"
        )
    return manifest, [PageFile(str(legacy), manifest.text_file, manifest.source_url)]


def _peek(lines: list[tuple[int, str]]) -> tuple[int | None, int | None, int | None]:
    """The chapter, section and first part number a page's own headings give."""
    chapter = section = None
    for _, text in lines:
        heading = match_heading(text)
        if heading is None:
            continue
        if heading.level == CHAPTER and chapter is None:
            chapter = int(heading.label)
        elif heading.level == SECTION and section is None:
            section = int(heading.label)
        elif heading.level == NUMBER:
            return chapter, section, int(heading.label)
    return chapter, section, None


@dataclass(frozen=True)
class _Said:
    """Where a page's own headings say it starts: each number with the line that says it."""

    chapter: tuple[int, int] | None
    section: tuple[int, int] | None
    part: tuple[int, int] | None


def _headings_say(lines: list[tuple[int, str]]) -> _Said:
    """The page's Chapter and Section lines, and its part heading when it starts with one.

    Read from its "Chapter N" line on, as the parser reads it. Only what comes before the
    first heading below a section counts: a page that starts with "(3) ..." continues a part
    begun on an earlier page, and its later headings say nothing about its own id."""
    start = next(
        (i for i, (_, t) in enumerate(lines) if (h := match_heading(t)) and h.level == CHAPTER),
        0,
    )
    chapter = section = None
    for number, text in lines[start:]:
        heading = match_heading(text)
        if heading is None:
            continue
        if heading.level == CHAPTER:
            chapter = chapter or (int(heading.label), number)
        elif heading.level == SECTION:
            section = section or (int(heading.label), number)
        else:
            part = (int(heading.label), number) if heading.level == NUMBER else None
            return _Said(chapter, section, part)
    return _Said(chapter, section, None)


_SAID_BY = {"--page": "--page", "file name": "the file name", "URL in file": "the page's URL"}


def _refuse_disagreement(source: Source, page: PageId, how: str) -> None:
    """Refuse a page whose id names another place than its own headings do.

    Filed by its id, such a page would replace the page that id names (or make a chapter
    of its own), with its sections placed by its headings and linked to the wrong page.
    A part numbered apart from the id is let through only with --page: the maintainer
    named the page, and the parser places it by its heading, with a warning."""
    said = _headings_say(source.lines)
    checked = [(said.chapter, page.chapter), (said.section, page.section)]
    if how != "--page":
        checked.append((said.part, page.part))
    wrong = [found[1] for found, want in checked if found is not None and found[0] != want]
    if not wrong:
        return
    own = PageId(
        said.chapter[0] if said.chapter else page.chapter,
        said.section[0] if said.section else page.section,
        said.part[0] if said.part else page.part,
    )
    says = ", ".join(
        f"{name} {found[0]}"
        for name, found in (
            ("chapter", said.chapter),
            ("section", said.section),
            ("part", said.part),
        )
        if found is not None
    )
    fix = f"pass --page {own}" if how == "--page" else f"name the file {own}{source.path.suffix}"
    line = wrong[0]
    raise ImportFailure(
        f"{source.file}:{line}: {_SAID_BY[how]} says page {page} (chapter {page.chapter}, "
        f"section {page.section}, part {page.part}) but its headings say {says}; not "
        f"imported, so nothing is replaced: if it is page {own}, {fix}",
        source.file,
        line,
    )


def _peek_id(lines: list[tuple[int, str]]) -> PageId | None:
    chapter, section, part = _peek(lines)
    if chapter and section and part:
        return PageId(chapter, section, part)
    return None


def _place(
    sources: list[Source],
    forced: PageId | None,
    existing: list[PageFile],
    warnings: list[ParseWarning],
    *,
    unique: bool = True,
) -> list[_Placed]:
    placed: list[_Placed] = []
    seen: dict[str, str] = {}
    known = sorted(p for p in (PageId.parse(e.id) for e in existing) if p is not None)
    for source in sources:
        first = source.lines[0][0] if source.lines else 1
        by_name, by_url = source.name_page, source.url_page
        if forced is not None:
            page, how = forced, "--page"
        elif by_name is not None:
            page, how = by_name, "file name"
        elif by_url is not None:
            page, how = by_url, "URL in file"
        else:
            chapter, section, part = _peek(source.lines)
            previous = placed[-1].page if placed else (known[-1] if known else None)
            if part is None:
                raise ImportFailure(
                    f"{source.file}:{first}: cannot tell which page this is (no page id and no "
                    "numbered heading); name the file like c030102.txt or pass --page c030102",
                    source.file,
                    first,
                )
            if chapter and section:
                page, how = PageId(chapter, section, part), "headings"
            elif previous is not None:
                page = PageId(chapter or previous.chapter, section or previous.section, part)
                how = "guess"
                warnings.append(
                    ParseWarning(
                        source.file,
                        first,
                        GUESSED_POSITION,
                        f"no page id and no Chapter/Section heading: guessed {page} "
                        f"(chapter and section of {previous}); name the file or pass --page",
                    )
                )
            else:
                raise ImportFailure(
                    f"{source.file}:{first}: cannot tell which chapter and section this page is "
                    "in; name the file like c030102.txt or pass --page c030102",
                    source.file,
                    first,
                )
        if how != "guess" and how != "headings":
            _refuse_disagreement(source, page, how)
        if by_name is not None and by_name != page:
            warnings.append(
                ParseWarning(
                    source.file,
                    first,
                    GUESSED_POSITION,
                    f"the file name says {by_name} but it is imported as {page} (by {how})",
                )
            )
        if by_url is not None and by_url != page:
            warnings.append(
                ParseWarning(
                    source.file,
                    first,
                    GUESSED_POSITION,
                    f"the page's URL names {by_url} but it is imported as {page} (by {how})",
                )
            )
        if unique and str(page) in seen:
            raise ImportFailure(
                f"{source.file}:{first}: is page {page}, and so is {seen[str(page)]}; "
                "import one of them",
                source.file,
                first,
            )
        seen[str(page)] = source.file
        placed.append(_Placed(source, page, how))
    return placed


def _edition(sources: list[Source], forced: int | None, existing: Manifest | None) -> int | None:
    years = {forced} if forced is not None else {s.edition for s in sources if s.edition}
    if len(years) > 1:
        raise ImportFailure(
            "pages of different editions (" + ", ".join(str(y) for y in sorted(years)) + ") "
            "cannot share one pack; import each edition into its own directory"
        )
    year = next(iter(years), None)
    have = existing.edition_year if existing is not None and existing.edition_year else None
    if year is not None and have is not None and year != have:
        raise ImportFailure(
            f"these pages are the {year} edition but the pack is {have}; "
            "import them into their own directory"
        )
    return year or have


def _write(
    pack_dir: Path,
    existing: Manifest | None,
    existing_pages: list[PageFile],
    placed: list[_Placed],
    year: int | None,
    root: Section,
) -> None:
    pack_dir.mkdir(parents=True, exist_ok=True)
    (pack_dir / PAGES_DIR).mkdir(exist_ok=True)
    entries = {e.id: e for e in existing_pages}
    for p in placed:
        name = f"{PAGES_DIR}/{p.page}.txt"
        target = pack_dir / name
        if not target.exists() or target.read_text(encoding="utf-8") != p.source.text():
            target.write_text(p.source.text(), encoding="utf-8")
        entries[str(p.page)] = PageFile(str(p.page), name, p.url)
    ordered = [
        entries[i] for i in sorted(entries, key=lambda i: PageId.parse(i) or PageId(0, 0, 0))
    ]
    first = placed[0].page
    manifest = {
        "title": existing.title if existing else f"Diplomatic Bluebook {year or ''}".strip(),
        "edition_year": year or 0,
        "chapter_number": first.chapter,
        "chapter_title": root.title,
        "language": existing.language if existing else "en",
        "source_url": ordered[0].source_url,
        "facts": existing.facts_file if existing else FACTS_FILE,
        "glossary": existing.glossary_file if existing else GLOSSARY_FILE,
        "pages": [{"id": e.id, "file": e.file, "source_url": e.source_url} for e in ordered],
    }
    text = "# Written by `bluebook-bot content import`; pages are replaced by id.\n"
    text += yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=1000)
    target = pack_dir / MANIFEST_FILE
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    facts = pack_dir / str(manifest["facts"])
    if not facts.exists():
        facts.write_text(_FACTS_START, encoding="utf-8")
    glossary = pack_dir / str(manifest["glossary"])
    if not glossary.exists():
        glossary.write_text(_starting_glossary(root), encoding="utf-8")


def _starting_glossary(root: Section) -> str:
    """The shipped glossary, fitted to the new pack's text.

    Acronyms, other names and spellings are the chapter's whatever pages a pack holds, so
    they are copied whole, without the `ref`s that name the shipped page. Thesaurus targets
    must occur in the text they lead to: only those the new pages use are kept, so a fresh
    import warns about nothing the maintainer has to fix.
    """
    shipped = Path(str(resources.files("content"))) / GLOSSARY_FILE
    data = yaml.safe_load(shipped.read_text(encoding="utf-8")) or {}
    for term in data.get("terms") or []:
        if isinstance(term, dict):
            term.pop("ref", None)
    texts = [p.text for s in root.walk() for p in s.paragraphs] + [s.title for s in root.walk()]
    text = TokenisedText(texts).library(data.get("spellings") or [])
    kept = []
    for entry in data.get("thesaurus") or []:
        for kind in TARGET_KINDS:
            if kind in entry:
                entry[kind] = [t for t in entry[kind] if text.has(t)]
                if not entry[kind]:
                    del entry[kind]
        if any(kind in entry for kind in TARGET_KINDS):
            kept.append(entry)
    data["thesaurus"] = kept
    header = (
        "# Acronyms and aliases, copied from the shipped pack by `content import`.\n"
        "# `ref` (where this chapter introduces a term) is for you to add. The thesaurus keeps\n"
        "# the shipped entries whose targets these pages use; see the shipped glossary for more.\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)

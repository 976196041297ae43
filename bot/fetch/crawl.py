"""Find and download a chapter's pages of one or more editions into a library's `raw/` folder.

Pages are found from the edition's table of contents (`<edition>/<folder>/index.html`) when
the site has one that can be read (one that is no web page, or not text in its charset, is
named in a warning), else by probing page ids `cCCSSPP` section by section and part by part
until the site answers 404, tolerating a gap of up to `MAX_GAP` missing parts (a part the
publisher dropped). The folder follows the publisher's rule (bot/pack/pages.py); the other
folder is tried when the rule's finds nothing. When nothing is found, the edition's `absent`
says what the site lists instead: the chapters of its table of contents, else the editions of
the site's index.

Every page is kept as `LIB/raw/<edition>/<page>.html` (as served, or in UTF-8 when only the
HTTP header named its charset) with its validators in `<page>.html.json`, so the next run
asks "changed since?" and downloads nothing unchanged.
Files are written to a temporary name and renamed, so an interrupted run leaves only whole
files and the next run picks up where it stopped.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.fetch.client import FetchError, PoliteClient, Response
from bot.pack.charset import CharsetError, decode_page, page_codec
from bot.pack.loader import inside_pack
from bot.pack.pages import SITE, PageId, edition_url, html_dir, page_url
from bot.pack.strays import RAW_DIR

# Parts missing in a row before a section (or the chapter's sections) is taken to end.
MAX_GAP = 2
MAX_SECTIONS = 20
MAX_PARTS = 40
_EDITION_LINK = re.compile(r"(?<![\d])((?:19|20)\d{2})/(?:en_)?html/")
_PAGE_LINK = re.compile(r"(?<![A-Za-z0-9])c(\d{2})(\d{2})(\d{2})\.html?")

# Page outcomes.
NEW = "downloaded"
CHANGED = "updated"
UNCHANGED = "unchanged"
MISSING = "missing"  # listed in the table of contents, but the site answers 404
DISALLOWED = "disallowed by robots.txt"
FAILED = "failed"

# What a page may be answered as; None: the site sent no Content-Type.
WEB_PAGE_TYPES = (None, "text/html", "application/xhtml+xml")


@dataclass
class PageResult:
    edition: int
    page: PageId
    url: str
    outcome: str
    file: Path | None = None
    reason: str = ""


@dataclass
class EditionResult:
    edition: int
    found_by: str  # "table of contents", "probing" or "--pages"
    pages: list[PageResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # lines "URL: warning: ..."
    # When no page was found: what the site's index or the edition's table of contents
    # lists instead ("the site lists no 2022 edition; it lists 2024, 2025"); "" when it
    # cannot tell.
    absent: str = ""

    @property
    def files(self) -> list[Path]:
        return [p.file for p in self.pages if p.file is not None]


# Called after each page with (edition, page result, pages done, pages found so far).
Progress = Callable[[int, PageResult, int, int], None]


def raw_dir(library: Path, edition: int) -> Path:
    return Path(library) / RAW_DIR / str(edition)


class UnreadablePage(FetchError):
    """An answer that is no web page (a PDF, an image), or not text in the charset declared."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.reason = reason


class Crawl:
    """One run of `content fetch` against one site."""

    def __init__(
        self,
        client: PoliteClient,
        library: Path,
        *,
        site: str = SITE,
        progress: Progress | None = None,
    ) -> None:
        self.client = client
        self.library = Path(library)
        self.site = site if site.endswith("/") else site + "/"
        self.progress = progress or (lambda *a: None)
        self._done = 0
        self._found = 0

    async def editions(self) -> list[int]:
        """Every edition the site's index links to, oldest first."""
        url = self.site + "index.html"
        if not await self.client.allowed(url):
            raise FetchError(f"{url}: robots.txt disallows it; name the editions with --edition")
        answer = await self.client.get(url)
        if answer.status != 200:
            raise FetchError(f"{url}: no index of editions (HTTP {answer.status}); name them")
        found = {int(y) for y in _EDITION_LINK.findall(answer.body.decode("utf-8", "replace"))}
        if not found:
            raise FetchError(f"{url}: the index links to no edition; name them with --edition")
        return sorted(found)

    async def edition(
        self, edition: int, chapter: int, pages: list[PageId] | None = None
    ) -> EditionResult:
        """Find and download the chapter's pages of one edition."""
        self._clean_temporaries(edition)
        if pages:
            result = EditionResult(edition, "--pages")
            self._found += len(pages)
            for page in pages:
                await self._page(result, page, html_dir(edition), listed=True)
            return result
        warnings: list[str] = []
        chapters: set[int] = set()  # the chapters a table of contents lists
        for folder in _folders(edition):
            text = await self._table_of_contents(edition, folder, warnings)
            listed = chapter_pages(text, chapter) if text is not None else []
            if listed:
                result = EditionResult(edition, "table of contents", warnings=warnings)
                self._found += len(listed)
                for page in listed:
                    await self._page(result, page, folder, listed=True)
                return result
            chapters |= listed_chapters(text or "")
        result = EditionResult(edition, "probing", warnings=warnings)
        for folder in _folders(edition):
            await self._probe(result, chapter, folder)
            if any(p.outcome != MISSING for p in result.pages):
                break
            result.pages.clear()
        if not result.pages:
            result.absent = await self._absent(edition, chapter, chapters)
        return result

    async def _table_of_contents(
        self, edition: int, folder: str, warnings: list[str]
    ) -> str | None:
        """The edition's table of contents in `folder`; None when the site has none there, or
        one that cannot be read (then a line in `warnings` says why)."""
        url = edition_url(edition, self.site, folder)
        if not await self.client.allowed(url):
            return None
        try:
            text, _ = await self._stored_get(url, contents_file(self.library, edition, folder))
        except UnreadablePage as exc:
            warnings.append(
                f"{url}: warning: the table of contents cannot be read ({exc.reason}); "
                "pages found by probing"
            )
            return None
        return text

    async def _absent(self, edition: int, chapter: int, chapters: set[int]) -> str:
        """Why neither a table of contents nor probing found a page, as far as the site says:
        the chapters the edition's table of contents lists, else the editions the site's
        index lists; "" when neither tells (no index, or it lists the edition)."""
        if chapters:
            listed = ", ".join(str(c) for c in sorted(chapters))
            chapter_word = "chapters" if len(chapters) > 1 else "chapter"
            return (
                f"the {edition} table of contents lists no chapter {chapter}; "
                f"it lists {chapter_word} {listed}"
            )
        try:
            editions = await self.editions()
        except FetchError:
            return ""
        if edition in editions:
            return ""
        listed = ", ".join(str(e) for e in editions)
        return f"the site lists no {edition} edition; it lists {listed}"

    async def _probe(self, result: EditionResult, chapter: int, folder: str) -> None:
        """Pages cCCSSPP from section 1 part 1 on, until sections and parts run out."""
        for section in range(1, MAX_SECTIONS + 1):
            misses = 0
            found = 0
            for part in range(1, MAX_PARTS + 1):
                self._found += 1
                outcome = await self._page(result, PageId(chapter, section, part), folder)
                if outcome == MISSING:
                    self._found -= 1
                    misses += 1
                    if misses > MAX_GAP:
                        break
                else:
                    misses = 0
                    found += 1
            if not found:
                break  # a section without its first parts: the chapter has ended
        # Probed misses are not pages; only those of a table of contents are worth reporting.
        result.pages = [p for p in result.pages if p.outcome != MISSING]

    async def _page(
        self, result: EditionResult, page: PageId, folder: str, *, listed: bool = False
    ) -> str:
        url = page_url(result.edition, page, self.site, folder)
        assert url is not None
        target = self._raw(result.edition) / f"{page}.html"
        entry = PageResult(result.edition, page, url, FAILED)
        if not await self.client.allowed(url):
            entry.outcome = DISALLOWED
        else:
            try:
                text, entry.outcome = await self._stored_get(url, target)
                if text is not None:
                    entry.file = target
            except FetchError as exc:
                entry.reason = str(exc)
                if target.exists():
                    entry.file = target  # the copy from an earlier run is still good
        if entry.outcome != MISSING or listed:
            result.pages.append(entry)
        if entry.outcome != MISSING:
            self._done += 1
            self.progress(result.edition, entry, self._done, self._found)
        return entry.outcome

    async def _stored_get(self, url: str, target: Path) -> tuple[str | None, str]:
        """The page's text and outcome, downloaded only when it changed since the stored copy."""
        meta_file = target.with_name(target.name + ".json")
        meta = _read_meta(meta_file) if target.exists() else {}
        answer: Response = await self.client.get(
            url, etag=meta.get("etag"), last_modified=meta.get("last_modified")
        )
        if answer.status in (404, 410):
            return None, MISSING
        if answer.status == 304 and target.exists():
            try:
                return decode_page(target.read_bytes()), UNCHANGED  # kept as served
            except CharsetError as exc:
                raise UnreadablePage(url, f"the kept copy {target}: {exc}") from None
        text, body = _page_text(url, answer)
        if target.exists() and target.read_bytes() == body:
            outcome = UNCHANGED  # a site without validators sends the page again
        else:
            outcome = NEW if not target.exists() else CHANGED
        _write_atomic(target, body)
        validators = {"url": url, "etag": answer.etag, "last_modified": answer.last_modified}
        _write_atomic(meta_file, json.dumps(validators, indent=1).encode())
        return text, outcome

    def _raw(self, edition: int) -> Path:
        folder = inside_pack(self.library, f"{RAW_DIR}/{edition}")
        assert folder is not None  # made from a year: never leaves the library
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _clean_temporaries(self, edition: int) -> None:
        for leftover in self._raw(edition).glob("*.part-*"):
            leftover.unlink(missing_ok=True)


def contents_file(library: Path, edition: int, folder: str) -> Path:
    """Where a fetch keeps the edition's table of contents (read from `folder`)."""
    return raw_dir(library, edition) / f"index-{folder}.html"


def _linked_pages(text: str) -> set[PageId]:
    """The pages a table of contents links to."""
    ids = {PageId(*(int(g) for g in m)) for m in _PAGE_LINK.findall(text)}
    return {p for p in ids if p.chapter and p.section and p.part}


def chapter_pages(text: str, chapter: int) -> list[PageId]:
    """The pages of `chapter` that a table of contents links to, in order."""
    return sorted(p for p in _linked_pages(text) if p.chapter == chapter)


def listed_chapters(text: str) -> set[int]:
    """The chapters a table of contents links pages of."""
    return {p.chapter for p in _linked_pages(text)}


def listed_pages(library: Path, edition: int, chapter: int) -> frozenset[str] | None:
    """The pages of `chapter` that `edition`'s table of contents lists, as the last fetch
    kept it; None when no fetch kept one that lists the chapter (then it is not known)."""
    for folder in _folders(edition):
        try:
            text = decode_page(contents_file(library, edition, folder).read_bytes())
        except (OSError, CharsetError):
            continue
        pages = chapter_pages(text, chapter)
        if pages:
            return frozenset(str(p) for p in pages)
    return None


def _folders(edition: int) -> tuple[str, str]:
    """The rule's folder first, then the other one (a site that does not follow the rule)."""
    first = html_dir(edition)
    return first, "html" if first == "en_html" else "en_html"


def _page_text(url: str, answer: Response) -> tuple[str, bytes]:
    """The page's text and the bytes to keep of it; UnreadablePage when the answer is no web
    page (a PDF, an image) or its bytes are not text in the charset declared.

    The answer's own bytes are kept, unless only the HTTP header says how to read them (the
    saved file would be read another way): then its text in UTF-8 behind a byte order mark,
    which a reader (the importer, a browser) trusts before the page's own <meta>."""
    if answer.media_type not in WEB_PAGE_TYPES:
        raise UnreadablePage(url, f"the site answered {answer.media_type}, not a web page")
    try:
        text = decode_page(answer.body, answer.charset)
    except CharsetError as exc:
        raise UnreadablePage(url, str(exc)) from None
    try:
        same = page_codec(answer.body)[1] == page_codec(answer.body, answer.charset)[1]
    except CharsetError:
        same = False
    return text, answer.body if same else codecs.BOM_UTF8 + text.encode("utf-8")


def _read_meta(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def _write_atomic(target: Path, data: bytes) -> None:
    """Write whole or not at all: a temporary file in the same folder, then a rename."""
    temporary = target.with_name(f"{target.name}.part-{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, target)

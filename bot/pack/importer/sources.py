"""Read what a maintainer has of a page: its text file, text copied out of the browser, or
the saved HTML page. Every source becomes numbered lines of clean text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from bot.pack.charset import CharsetError, decode_page
from bot.pack.pages import PageId, edition_line, edition_of_url, page_urls_in
from bot.pack.parser import is_column_line, match_heading

# Spaces that look like a space but would keep "Fig. 3" from matching "Fig. 3".
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t]")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_RUNS = re.compile(r" {2,}")
# A "back to the top" link alone on its line, however the site marks it up.
_PAGE_TOP = re.compile(r"^[▲△↑^]?\s*(?:page\s*top|(?:back|return|go)\s+to\s+(?:the\s+)?top)$", re.I)
_URL_LINE = re.compile(r"^(?:(?:URL|Source)\s*:\s*)?<?(https?://\S+?)>?$", re.IGNORECASE)

# A file of at least this many characters on fewer than RUN_TOGETHER_LINES lines has lost
# its line structure (a paste that joined everything, a converter that dropped newlines).
RUN_TOGETHER_CHARS = 600
RUN_TOGETHER_LINES = 3
# ... and so has a long line with headings inside it: a heading right after the end of a
# sentence. Inside a sentence, "(see Chapter 3, Section 1, 4 (3) C.)" is a cross-reference
# and "(1) Asia, (2) Europe and (3) Africa" a list.
LONG_LINE_CHARS = 1000
_INNER_HEADING = re.compile(
    r"(?:(?<=[.!?”\"])|(?<=\.\)))\s+(?:Section\s+\d{1,2}\s+[A-Z]|Chapter\s+\d{1,2}\s+[A-Z]"
    r"|\(\d{1,2}\)\s*[A-Z])|\s+Diplomatic\s+Bluebook\s+\d{4}"
)
# What a page's own lines say inside a line that has swallowed them.
_PAGE_MARKS = re.compile(r"Diplomatic\s+Bluebook\s+\d{4}|\b(?:Chapter|Section)\s+\d{1,2}\b")

# Elements that are never page text, and those that start a new line.
_DROP = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "form",
    "button",
    "iframe",
    "svg",
    "select",
    "head",
    "figcaption",
}
_DROP_ROLES = {"navigation", "banner", "contentinfo", "search"}
# Class or id names that only navigation carries on sites without <nav> ("pankuzu" is the
# Japanese name for breadcrumbs). Matched as whole names: "header" alone could be content.
_DROP_NAMES = {
    "breadcrumb",
    "breadcrumbs",
    "pankuzu",
    "topicpath",
    "pagetop",
    "page-top",
    "skip",
    "skiplink",
    "gnav",
    "globalnav",
    "localnav",
    "sidebar",
    "share",
    "sns",
    # Photo captions: about a picture, not page text.
    "caption",
    "photo",
    "photo-caption",
    "photo_caption",
    "photocaption",
}
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "td",
    "th",
    "caption",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "hr",
    "address",
}
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
# A real page of the publisher's is 50-300 kB of HTML; far more is not one page. The bound
# keeps a wrong file (or a hostile one) from taking minutes and gigabytes to refuse.
MAX_PAGE_BYTES = 20 * 10**6
# The publisher's pages nest a few dozen elements deep; walking far deeper would exhaust
# the stack (a traceback) for what can only be a broken or hostile file.
MAX_HTML_DEPTH = 400


class SourceError(ValueError):
    """A file that cannot be imported; `str()` is `file:line: message` (`file: message` for
    line 0, said of a path as a whole)."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")
        self.file = file
        self.line = line
        self.message = message


@dataclass
class Source:
    """One input file read into lines, with what it says about its page."""

    path: Path
    lines: list[tuple[int, str]]
    kind: str  # "text" or "html"
    urls: list[str] = field(default_factory=list)
    edition: int | None = None
    name_page: PageId | None = None

    @property
    def file(self) -> str:
        return str(self.path)

    @property
    def url_page(self) -> PageId | None:
        ids = {str(p) for p in (PageId.parse(u) for u in self.urls) if p is not None}
        return PageId.parse(next(iter(ids))) if len(ids) == 1 else None

    def text(self) -> str:
        """The page as the pack stores it: one line of text per paragraph or heading."""
        return "\n\n".join(t for _, t in self.lines) + "\n"


def clean(line: str) -> str:
    line = _INVISIBLE.sub("", _SPACES.sub(" ", line))
    return _RUNS.sub(" ", line).strip()


def read_source(path: Path) -> Source:
    """Read a text or HTML page; raises SourceError when it cannot be used."""
    if path.is_dir():
        raise SourceError(str(path), 0, _folder_message(path))
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise SourceError(
                str(path),
                1,
                f"{size / 1e6:.1f} MB is more than a page ({MAX_PAGE_BYTES // 10**6} MB at "
                "most); is this the right file?",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(str(path), 1, f"cannot read: {exc.strerror or exc}") from None
    try:
        raw = decode_page(data)
    except CharsetError as exc:
        raise SourceError(str(path), exc.line, str(exc)) from None
    head = raw.lstrip()[:200].lower()
    is_html = path.suffix.lower() in HTML_SUFFIXES or head.startswith(("<!doctype html", "<html"))
    source = _from_html(path, raw) if is_html else _from_text(path, raw)
    source.name_page = PageId.parse(path.name)
    _refuse_run_together(source)
    _refuse_not_a_page(source)
    for _, text in source.lines:
        year = edition_line(text)
        if year is not None:
            source.edition = year
            break
    if source.edition is None:
        years = {y for y in (edition_of_url(u) for u in source.urls) if y}
        if len(years) == 1:
            source.edition = years.pop()
    return source


def _folder_message(path: Path) -> str:
    """Import takes page files, not folders: say which to name instead."""
    try:
        suffixes = sorted(
            {f.suffix.lower() for f in path.iterdir() if f.is_file() and not f.name.startswith(".")}
            & {".txt", *HTML_SUFFIXES}
        )
    except OSError:
        suffixes = []
    if not suffixes:
        return (
            "is a folder, with no .txt or .html page in it; content import takes page files, "
            "like c030102.txt or c030102.html"
        )
    names = " ".join(str(path / f"*{s}") for s in suffixes)
    return f"is a folder; content import takes page files: name them, e.g. {names}"


def _from_text(path: Path, raw: str) -> Source:
    lines: list[tuple[int, str]] = []
    urls = page_urls_in(raw)
    for number, line in enumerate(raw.splitlines(), 1):
        text = clean(line)
        if not text or _URL_LINE.match(text):
            continue
        lines.append((number, text))
    return Source(path, lines, "text", urls)


def _from_html(path: Path, raw: str) -> Source:
    soup = BeautifulSoup(raw, "html.parser")
    urls: list[str] = []
    for tag, attr in (("link", "href"), ("meta", "content")):
        for node in soup.find_all(tag):
            rel: list[str] | str = node.get("rel") or []
            prop = node.get("property") or node.get("name") or ""
            value = node.get(attr)
            if isinstance(value, str) and ("canonical" in rel or prop == "og:url"):
                urls.extend(u for u in page_urls_in(value) if u not in urls)
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    body = soup.find("main") or soup.find("article") or soup.body or soup
    try:
        lines = _BlockLines().read(body)
    except TooDeep as exc:
        raise SourceError(
            str(path),
            exc.line,
            f"the HTML is nested more than {MAX_HTML_DEPTH} elements deep here; a saved page "
            "is not, so this is not one",
        ) from None
    # The edition is often only in the page title once the header is dropped.
    if not any(edition_line(t) for _, t in lines):
        m = re.search(r"Diplomatic\s+Bluebook\s+((?:19|20)\d{2})", title)
        if m:
            source = Source(path, lines, "html", urls, edition=int(m.group(1)))
            return source
    return Source(path, lines, "html", urls)


class TooDeep(Exception):
    """HTML nested deeper than MAX_HTML_DEPTH, at this line."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _BlockLines:
    """Block elements as lines; navigation, header, footer and scripts left out."""

    def __init__(self) -> None:
        self.lines: list[tuple[int, str]] = []
        self._buf: list[str] = []
        self._line = 0

    def read(self, root: Tag | BeautifulSoup) -> list[tuple[int, str]]:
        self._walk(root)
        self._flush()
        return self.lines

    def _flush(self) -> None:
        text = clean("".join(self._buf).replace("\n", " "))
        if text and not _URL_LINE.match(text) and not _PAGE_TOP.match(text):
            self.lines.append((self._line or 1, text))
        self._buf = []
        self._line = 0

    def _walk(self, node: Tag | BeautifulSoup, depth: int = 0) -> None:
        if depth > MAX_HTML_DEPTH:
            raise TooDeep(getattr(node, "sourceline", None) or 1)
        for child in node.children:
            if isinstance(child, Comment) or (
                isinstance(child, NavigableString) and type(child) is not NavigableString
            ):
                continue  # comments, doctype, CDATA, processing instructions
            if isinstance(child, NavigableString):
                if not self._buf and str(child).strip():
                    self._line = getattr(node, "sourceline", None) or self._line
                self._buf.append(str(child))
                continue
            if not isinstance(child, Tag) or _is_clutter(child):
                continue
            if child.name == "br":
                self._flush()
            elif child.name in _BLOCK:
                self._flush()
                self._walk(child, depth + 1)
                self._flush()
            else:
                if not self._buf:
                    self._line = child.sourceline or self._line
                self._walk(child, depth + 1)


def _is_clutter(tag: Tag) -> bool:
    if tag.name in _DROP:
        return True
    if str(tag.get("role") or "") in _DROP_ROLES:
        return True
    classes: list[str] | str = tag.get("class") or []
    names = {c.casefold() for c in (classes if isinstance(classes, list) else [classes])}
    names.add(str(tag.get("id") or "").casefold())
    if names & _DROP_NAMES:
        return True
    return tag.get("hidden") is not None or tag.get("aria-hidden") == "true"


def _refuse_run_together(source: Source) -> None:
    total = sum(len(t) for _, t in source.lines)
    count = len(source.lines)
    # A heading on its own line and one long paragraph is a real (short) page.
    headed = any(match_heading(t) is not None for _, t in source.lines)
    if total >= RUN_TOGETHER_CHARS and count < RUN_TOGETHER_LINES and not headed:
        raise SourceError(
            source.file,
            source.lines[0][0],
            f"the lines have been run together ({count} line(s), {total} characters); save "
            "the page again as text or HTML, or copy it keeping its line breaks",
        )
    for number, text in source.lines:
        if len(text) >= LONG_LINE_CHARS and len(_INNER_HEADING.findall(text)) >= 2:
            raise SourceError(
                source.file,
                number,
                "headings are run together with the text on this line; save the page again "
                "as text or HTML, or copy it keeping its line breaks",
            )


def _refuse_not_a_page(source: Source) -> None:
    """Every page of the publisher's has lines, and at least one heading on a line of its own
    (its "Chapter N", its section's or its part's). A file without one is not a page: empty,
    run together (all on one line), or something else answering in its place (a site's
    "this page is not available", the wrong file). Refused, never imported as text."""
    if not source.lines:
        raise SourceError(
            source.file,
            1,
            "no text: the file is empty (or the saved page holds only navigation); save or "
            "copy the page again",
        )
    if any(match_heading(t) is not None or is_column_line(t) for _, t in source.lines):
        return
    total = sum(len(t) for _, t in source.lines)
    count = len(source.lines)
    number, first = source.lines[0]
    if (count < RUN_TOGETHER_LINES and total >= RUN_TOGETHER_CHARS) or any(
        _PAGE_MARKS.search(t) for _, t in source.lines
    ):
        raise SourceError(
            source.file,
            number,
            f"the lines have been run together ({count} line(s), {total} characters, no "
            "heading on a line of its own); copy the page again keeping its lines, or save it "
            "as text or HTML",
        )
    shown = first if len(first) <= 60 else first[:57] + "..."
    raise SourceError(
        source.file,
        number,
        f"not a page of the Bluebook: no heading and no 'Chapter N' line in {count} line(s) "
        f"(it starts {shown!r}); is it the site's error page or the wrong file?",
    )

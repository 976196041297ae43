"""Load a content pack from a directory and check it, listing every problem as file:line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from bot.pack.model import (
    FOOTNOTE,
    Fact,
    Glossary,
    GlossaryTerm,
    Manifest,
    Pack,
    PageFile,
    Paragraph,
    Section,
)
from bot.pack.pages import PageId
from bot.pack.parser import ChapterBuilder, PageText, ParseError, drop_markers
from bot.pack.thesaurus import TokenisedText, read_thesaurus, unknown_targets
from bot.pack.yaml_lines import Located, error_line, error_text, load_located

MANIFEST_FILE = "manifest.yaml"
# Editions of a library mostly share their glossary file word for word: each distinct text is
# parsed once (the result is only read, never changed).
_load_located = lru_cache(maxsize=16)(load_located)
REQUIRED_MANIFEST = {
    "title": str,
    "edition_year": int,
    "chapter_number": int,
    "chapter_title": str,
    "language": str,
    "source_url": str,
}
FACT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
MAX_HEADLINE = 120


@dataclass(frozen=True)
class Problem:
    """One problem at `file:line`; line 0 when it is about the file or folder as a whole (a
    pack folder that is missing or empty), so no made-up line is shown."""

    file: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        tag = "warning: " if self.warning else ""
        where = f"{self.file}:{self.line}" if self.line > 0 else self.file
        return f"{where}: {tag}{self.message}"


class ContentError(Exception):
    """The pack has problems; `problems` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} content problem(s)")
        self.problems = problems


def inside_pack(root: Path, name: str) -> Path | None:
    """`root / name` when `name` is a relative path that stays inside the pack, else None.

    A manifest names files by path; an absolute path, a `..` or a symlink leading out would let a
    pack make the bot quote any file it can read (its own environment, token included).
    """
    parts = PurePosixPath(name).parts
    if not name.strip() or "\\" in name or PurePosixPath(name).is_absolute() or ".." in parts:
        return None
    try:
        base = root.resolve()
        target = (root / name).resolve()
    except (OSError, RuntimeError):
        return None
    return root / name if target.is_relative_to(base) and target != base else None


def shipped_content_dir() -> Path:
    """The pack shipped with the package (BLUEBOOK_CONTENT is read by bot/config.py only)."""
    return Path(str(resources.files("content")))


def load_pack(directory: Path | str | None = None) -> Pack:
    """Load and validate; raises ContentError listing every error (warnings are kept)."""
    pack, problems = check_pack(directory)
    errors = [p for p in problems if not p.warning]
    if errors or pack is None:
        raise ContentError(errors or problems)
    return pack


def check_pack(directory: Path | str | None = None) -> tuple[Pack | None, list[Problem]]:
    """Load what can be loaded and return it with every problem found."""
    root = Path(directory) if directory is not None else shipped_content_dir()
    pack, problems = build_pack(root)
    if pack is not None:
        problems += check_terms({root: pack})[root]
    return pack, problems


def build_pack(root: Path, *, thorough: bool = True) -> tuple[Pack | None, list[Problem]]:
    """The pack and the problems found building it, without the checks of its terms against
    the text (`check_terms`, which a library runs once over all its packs).

    Every check that can refuse a pack runs whatever `thorough` says; `thorough=False` skips
    only checks that can do no more than warn (a library whose verdict is current has their
    warnings already, bot/pack/verdict.py)."""
    checker = _Checker(root, thorough=thorough)
    return checker.run(), checker.problems


def check_terms(packs: dict[Path, Pack]) -> dict[Path, list[Problem]]:
    """Warnings for glossary and thesaurus terms that occur nowhere in the packs' text, per
    pack directory; run once over a whole library.

    The text is the packs' distinct paragraphs and titles (editions share most of theirs),
    each tokenised once; packs with the same glossary are checked once."""
    texts = list(
        dict.fromkeys(
            text
            for pack in packs.values()
            for text in (
                *(p.text for p in pack.paragraphs.values()),
                *(s.title for s in pack.sections.values()),
            )
        )
    )
    tokenised = TokenisedText(texts)
    root = Section(ref="0", title="", heading="", level=0, line=0)
    root.paragraphs = [Paragraph(f"x{i}", "0", i + 1, t, 0) for i, t in enumerate(texts)]
    found: dict[Path, list[Problem]] = {}
    # (glossary file, glossary) -> its warnings, relative to the file: one check for the
    # packs that share a glossary.
    done: dict[tuple[str, Glossary], list[tuple[int, str]]] = {}
    for where, pack in packs.items():
        name = pack.manifest.glossary_file
        memo = (name, pack.glossary)
        if memo not in done:
            checker = _Checker(where)
            library = Pack(pack.manifest, root, glossary=pack.glossary)
            for entry, target in unknown_targets(
                pack.glossary.thesaurus, tokenised.library(pack.glossary.spellings)
            ):
                checker.add(
                    name,
                    entry.line,
                    f"thesaurus: '{target}' occurs nowhere in the library",
                    warning=True,
                )
            checker.unused_terms(name, library)
            done[memo] = [(p.line, p.message) for p in checker.problems]
        found[where] = [
            Problem(str(where / name), line, message, True) for line, message in done[memo]
        ]
    return found


def read_manifest(directory: Path | str) -> tuple[Manifest | None, list[Problem]]:
    """Only the pack's manifest: None with problems when it is missing or broken."""
    checker = _Checker(Path(directory))
    return checker.manifest(), checker.problems


def missing_page_text(root: Path, manifest: Manifest, entry: PageFile) -> str:
    """Why a page listed in the manifest cannot be read, and the two ways to get it back."""
    # A pack of a library (LIBRARY/<edition>/chapter<N>/) is fetched into the library.
    library = root.parent.parent if root.parent.name == str(manifest.edition_year) else None
    out = str(library) if library is not None else "LIBRARY"
    fetch = (
        f"bluebook-bot content fetch --edition {manifest.edition_year} --chapter "
        f"{manifest.chapter_number} --pages {entry.id} --out {out}"
    )
    again = f"bluebook-bot content import {entry.id}.txt --out {library or root}"
    return (
        f"page {entry.id} is listed here but its file {entry.file} is missing: fetch it with "
        f"`{fetch}`, or import the saved page again (`{again}`)"
    )


class _Checker:
    def __init__(self, root: Path, *, thorough: bool = True) -> None:
        self.root = root
        self.thorough = thorough
        self.problems: list[Problem] = []
        # Each file is read once, so a broken one is reported once however many parts use it.
        self._read: dict[str, Located | None] = {}
        # The manifest line of each page's entry, by page id: where a missing page is listed.
        self._page_lines: dict[str, int] = {}

    def add(self, file: str, line: int, message: str, *, warning: bool = False) -> None:
        self.problems.append(Problem(str(self.root / file), line, message, warning))

    def read_yaml(self, name: str) -> Located | None:
        if name not in self._read:
            self._read[name] = self._read_yaml(name)
        return self._read[name]

    def _read_yaml(self, name: str) -> Located | None:
        path = self.root / name
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.add(name, 1, "file is missing")
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.add(name, 1, f"cannot read: {exc}")
            return None
        try:
            return _load_located(text)
        except yaml.YAMLError as exc:
            self.add(name, error_line(exc), error_text(exc))
            return None

    def run(self) -> Pack | None:
        # Said of the folder itself: "manifest.yaml:1: file is missing" would point at a
        # file and a line nobody can open.
        if not self.root.is_dir():
            self.problems.append(Problem(str(self.root), 0, "folder does not exist"))
            return None
        if not any(self.root.iterdir()):
            self.problems.append(Problem(str(self.root), 0, "pack folder is empty"))
            return None
        manifest = self.manifest()
        if manifest is None:
            # The pack cannot be built, but the other files can still be checked for syntax,
            # so one run lists every broken file.
            for name in ("facts.yaml", "glossary.yaml"):
                if (self.root / name).exists():
                    self.read_yaml(name)
            return None
        tree = self.chapter(manifest)
        if tree is None:
            return None
        first_file = manifest.pages[0].file if manifest.pages else manifest.text_file
        if tree.ref != str(manifest.chapter_number):
            self.add(
                first_file,
                tree.line,
                f"text is Chapter {tree.ref} but the manifest says {manifest.chapter_number}",
            )
        if not tree.children and not tree.paragraphs:
            self.add(first_file, tree.line, "chapter has no sections or text")
        pack = Pack(manifest=manifest, root=tree)
        pack.glossary = self.glossary(manifest.glossary_file, pack)
        pack.facts = self.facts(manifest.facts_file, pack)
        return pack

    def chapter(self, manifest: Manifest) -> Section | None:
        """The tree of the pack's pages (or its one text), parse warnings kept as problems."""
        entries = manifest.pages or (
            PageFile(
                str(PageId.parse(manifest.source_url) or ""),
                manifest.text_file,
                manifest.source_url,
            ),
        )
        if self._missing_pages(manifest):
            return None
        builder = ChapterBuilder()
        for entry in entries:
            try:
                text = (self.root / entry.file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                self.add(entry.file, 1, f"cannot read chapter text: {exc}")
                return None
            if not text.strip():
                # Said once here: else every fact and term reports a reference to nowhere.
                self.add(entry.file, 1, "chapter text is empty")
                return None
            page = PageId.parse(entry.id) if entry.id else None
            try:
                builder.add_page(PageText.from_text(text, entry.file, page, entry.source_url))
            except ParseError as exc:
                self.add(entry.file, exc.line, exc.message)
                return None
        try:
            tree = builder.finish()
        except ParseError as exc:
            self.add(entries[0].file, exc.line, exc.message)
            return None
        warnings = builder.warnings
        for w in warnings:
            self.add(w.file, w.line, w.message, warning=True)
        return tree

    def _missing_pages(self, manifest: Manifest) -> bool:
        """Report each page the manifest lists whose file is missing, on its manifest line,
        with how to get it back; True when there is one."""
        missing = [e for e in manifest.pages if not (self.root / e.file).exists()]
        for entry in missing:
            line = self._page_lines.get(entry.id, 1)
            self.add(MANIFEST_FILE, line, missing_page_text(self.root, manifest, entry))
        return bool(missing)

    def unused_terms(self, name: str, pack: Pack) -> None:
        """Warn about a term whose `ref` says the pack introduces it, yet its text never does.

        Terms without `ref` are the chapter's common vocabulary (acronyms, other names), kept
        for search whichever pages a library holds: one absent from a partial library is not
        a mistake anyone could fix, so it is not reported."""
        text = "\n".join(p.text for p in pack.paragraphs.values())
        text += "\n" + "\n".join(s.title for s in pack.sections.values())
        folded = text.casefold()
        for term in pack.glossary.terms:
            if term.ref is None:
                continue
            if not any(_mentions(text, folded, n) for n in term.names):
                self.add(
                    name,
                    term.line,
                    f"term '{term.term}' occurs nowhere in the library, though its ref is {term.ref}",
                    warning=True,
                )

    def manifest(self) -> Manifest | None:
        doc = self.read_yaml(MANIFEST_FILE)
        if doc is None:
            return None
        if not isinstance(doc.value, dict):
            self.add(MANIFEST_FILE, doc.line, "manifest must be a mapping of fields")
            return None
        data: dict[str, Any] = doc.value
        ok = True
        for key, kind in REQUIRED_MANIFEST.items():
            if key not in data:
                self.add(MANIFEST_FILE, doc.line, f"missing field '{key}'")
                ok = False
            elif not isinstance(data[key], kind) or isinstance(data[key], bool):
                self.add(MANIFEST_FILE, doc.line_of(key), f"'{key}' must be a {kind.__name__}")
                ok = False
        url = data.get("source_url")
        if isinstance(url, str) and not url.startswith("https://"):
            self.add(MANIFEST_FILE, doc.line_of("source_url"), "'source_url' must be https://")
        files = {}
        for key, default in (("text", "chapter.txt"), ("facts", "facts.yaml")):
            files[key] = str(data.get(key, default))
        files["glossary"] = str(data.get("glossary", "glossary.yaml"))
        for key, name in files.items():
            if inside_pack(self.root, name) is None:
                self.add(MANIFEST_FILE, doc.line_of(key), _outside(key, name))
                ok = False
        pages = self.pages(doc)
        if not ok or pages is None:
            return None
        return Manifest(
            title=data["title"],
            edition_year=data["edition_year"],
            chapter_number=data["chapter_number"],
            chapter_title=data["chapter_title"],
            language=data["language"],
            source_url=data["source_url"],
            text_file=files["text"],
            facts_file=files["facts"],
            glossary_file=files["glossary"],
            pages=pages,
        )

    def pages(self, doc: Located) -> tuple[PageFile, ...] | None:
        """The manifest's `pages` list (id, file, source_url); None when it is broken."""
        located = _child(doc, "pages")
        if located is None or located.value is None:
            return ()
        if not isinstance(located.value, list):
            self.add(MANIFEST_FILE, doc.line_of("pages"), "'pages' must be a list")
            return None
        pages: list[PageFile] = []
        ok = True
        chapter = doc.value.get("chapter_number")
        for item in located.items:
            entry = item.value
            if not isinstance(entry, dict) or not all(
                isinstance(entry.get(k), str) for k in ("id", "file", "source_url")
            ):
                self.add(MANIFEST_FILE, item.line, "a page needs 'id', 'file' and 'source_url'")
                ok = False
                continue
            page = PageId.parse(entry["id"])
            if page is None:
                self.add(MANIFEST_FILE, item.line_of("id"), f"bad page id '{entry['id']}'")
                ok = False
            elif isinstance(chapter, int) and page.chapter != chapter:
                # The parser would file the page under this pack's chapter all the same, and
                # its sections would link to a page of another chapter.
                self.add(
                    MANIFEST_FILE,
                    item.line_of("id"),
                    f"page id '{entry['id']}' is a page of chapter {page.chapter}, but this "
                    f"pack is chapter {chapter} (chapter_number)",
                )
            if not entry["source_url"].startswith("https://"):
                self.add(MANIFEST_FILE, item.line_of("source_url"), "page URL must be https://")
            if inside_pack(self.root, entry["file"]) is None:
                self.add(MANIFEST_FILE, item.line_of("file"), _outside("file", entry["file"]))
                ok = False
            pages.append(PageFile(entry["id"], entry["file"], entry["source_url"]))
            self._page_lines[entry["id"]] = item.line
        return tuple(pages) if ok else None

    def _entries(self, name: str, key: str, *, optional: bool) -> list[Located]:
        if optional and not (self.root / name).exists():
            return []
        doc = self.read_yaml(name)
        if doc is None or doc.value is None:
            return []
        if isinstance(doc.value, dict):
            value = doc.value.get(key)
            located = _child(doc, key)
            if value is None:
                return []
            if not isinstance(value, list) or located is None:
                self.add(name, doc.line_of(key), f"'{key}' must be a list")
                return []
            return located.items
        if isinstance(doc.value, list):
            return doc.items
        self.add(name, doc.line, f"expected a list of {key}")
        return []

    def glossary(self, name: str, pack: Pack) -> Glossary:
        from bot.pack.refs import RefIndex

        refs = RefIndex(pack)
        terms: list[GlossaryTerm] = []
        seen: dict[str, int] = {}
        for item in self._entries(name, "terms", optional=True):
            entry = item.value
            if not isinstance(entry, dict):
                self.add(name, item.line, "a glossary entry must be a mapping")
                continue
            term, expansion = entry.get("term"), entry.get("expansion")
            if not isinstance(term, str) or not term.strip():
                self.add(name, item.line, "glossary entry needs a 'term'")
                continue
            if not isinstance(expansion, str) or not expansion.strip():
                self.add(name, item.line, f"term '{term}' needs an 'expansion'")
                continue
            aliases = entry.get("aliases") or []
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                self.add(name, item.line_of("aliases"), f"term '{term}': aliases must be strings")
                aliases = []
            folded = term.casefold()
            if folded in seen:
                self.add(name, item.line, f"duplicate term '{term}' (first at line {seen[folded]})")
                continue
            seen[folded] = item.line
            ref = entry.get("ref")
            if ref is not None and not (
                (isinstance(ref, str) and ref in pack.sections) or ref in pack.paragraphs
            ):
                self.add(name, item.line_of("ref"), f"term '{term}': unknown reference '{ref}'")
                hint = refs.suggest(str(ref))
                if hint:
                    self.problems[-1] = Problem(
                        self.problems[-1].file,
                        self.problems[-1].line,
                        self.problems[-1].message + f" (closest: {hint[0].ref})",
                    )
                ref = None
            terms.append(GlossaryTerm(term, expansion, tuple(aliases), ref, item.line))
        spellings: list[tuple[str, ...]] = []
        doc = self.read_yaml(name) if (self.root / name).exists() else None
        if doc is not None and isinstance(doc.value, dict):
            groups = _child(doc, "spellings")
            for group in groups.items if groups is not None else []:
                if not isinstance(group.value, list) or len(group.value) < 2:
                    self.add(name, group.line, "a spelling group lists two or more spellings")
                    continue
                spellings.append(tuple(str(s) for s in group.value))
        thesaurus = read_thesaurus(doc, lambda *a, **k: self.add(name, *a, **k))
        return Glossary(tuple(terms), tuple(spellings), thesaurus)

    def facts(self, name: str, pack: Pack) -> tuple[Fact, ...]:
        facts: list[Fact] = []
        seen: dict[str, int] = {}
        for item in self._entries(name, "facts", optional=True):
            fact = self.fact(name, item, pack, seen)
            if fact is not None:
                facts.append(fact)
        if not self.thorough:
            return tuple(facts)
        covered = {
            pack.paragraphs[f.ref].section_ref if f.ref in pack.paragraphs else f.ref for f in facts
        }
        for section in pack.sections.values():
            if section.is_leaf and section.paragraphs and section.ref not in covered:
                self.add(name, 1, f"leaf section {section.ref} has no fact", warning=True)
        return tuple(facts)

    def fact(self, name: str, item: Located, pack: Pack, seen: dict[str, int]) -> Fact | None:
        entry = item.value
        if not isinstance(entry, dict):
            self.add(name, item.line, "a fact must be a mapping")
            return None
        fid = entry.get("id")
        label = f"fact '{fid}'"
        if not isinstance(fid, str) or not FACT_ID.match(fid):
            self.add(name, item.line_of("id"), "fact 'id' must be lowercase letters, digits, '-'")
            return None
        if fid in seen:
            self.add(name, item.line_of("id"), f"duplicate id '{fid}' (first at line {seen[fid]})")
            return None
        seen[fid] = item.line_of("id")
        draft = entry.get("draft") is True
        if draft:
            label += " (a draft, not served)"

        def problem(line: int, message: str) -> None:
            # A draft is not served: what is wrong with it warns, and never stops a load.
            self.add(name, line, message, warning=draft)

        ok = True
        for key in ("quote", "ref") if draft else ("headline", "quote", "ref"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                problem(item.line_of(key), f"{label}: missing '{key}'")
                ok = False
        if not ok:
            return None
        headline, quote, ref = str(entry.get("headline") or ""), entry["quote"], entry["ref"]
        if "\n" in headline.strip() or len(headline) > MAX_HEADLINE:
            problem(item.line_of("headline"), f"{label}: headline must be one short line")
        lists: dict[str, tuple[str, ...]] = {}
        for key in ("tags", "dates", "numbers"):
            value = entry.get(key) or []
            if not isinstance(value, list):
                problem(item.line_of(key), f"{label}: '{key}' must be a list")
                value = []
            lists[key] = tuple(str(v) for v in value)
        texts = _texts_for(pack, ref)
        if texts is None:
            from bot.pack.refs import RefIndex

            hint = RefIndex(pack).suggest(ref)
            closest = f" (closest: {', '.join(s.ref for s in hint[:3])})" if hint else ""
            problem(item.line_of("ref"), f"{label}: unknown reference '{ref}'{closest}")
            return None
        if not _stands_in(quote, texts, pack):
            problem(item.line_of("quote"), f"{label}: quote is not verbatim in {ref}")
            return None
        for value in (*lists["dates"], *lists["numbers"]):
            if value not in quote:
                problem(item.line, f"{label}: '{value}' is not stated in its quote")
        if draft:
            # Suggested by `content facts suggest --write`; not served until a person confirms.
            self.add(
                name,
                item.line_of("draft"),
                f"fact '{fid}' in {ref} is a draft: write its headline and remove 'draft: true'",
                warning=True,
            )
            return None
        if fid.startswith("draft-"):
            self.add(
                name,
                item.line_of("id"),
                f"fact '{fid}' is confirmed but keeps its draft id, which readers see: "
                "give it an id of its own",
                warning=True,
            )
        return Fact(
            fid,
            headline.strip(),
            quote,
            ref,
            lists["tags"],
            lists["dates"],
            lists["numbers"],
            item.line,
        )


def _outside(key: str, name: str) -> str:
    return (
        f"'{key}' must name a file inside the pack (no absolute path, '..' or link out): {name!r}"
    )


def _mentions(text: str, folded: str, name: str) -> bool:
    """Whether `name` occurs as a word: acronyms in their case, other names in any case."""
    if not name.strip():
        return False
    haystack, needle = (text, name) if name.isupper() else (folded, name.casefold())
    pattern = rf"(?<![\w]){re.escape(needle)}(?![\w])"
    return re.search(pattern, haystack) is not None


def _child(doc: Located, key: str) -> Located | None:
    """The located value under `key` of a mapping document."""
    return doc.fields.get(key)


def _stands_in(quote: str, texts: list[str], pack: Pack) -> bool:
    """The quote stands in one of the texts, as written or without its footnote markers."""
    if any(quote in text for text in texts):
        return True
    unmarked = without_markers(quote, pack)
    return unmarked is not None and any(unmarked in text for text in texts)


def without_markers(quote: str, pack: Pack) -> str | None:
    """The quote without the footnote markers the pack's pages have ("members*1." →
    "members.", "in total2." → "in total." when a page has footnote 2); None when it has
    none. A pack's text has no markers (the parser drops them) and a quote copied from the
    page may: facts and /verify both read the quote this way."""
    labels = {n.label for s in pack.sections.values() for n in s.notes if n.kind == FOOTNOTE}
    unmarked, dropped = drop_markers(quote, labels)
    return unmarked if dropped else None


def _texts_for(pack: Pack, ref: str) -> list[str] | None:
    if ref in pack.paragraphs:
        return [pack.paragraphs[ref].text]
    section = pack.sections.get(ref)
    if section is None:
        return None
    return [p.text for p in section.all_paragraphs()]

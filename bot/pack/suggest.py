"""Candidate facts for sections that have none: verbatim sentences that state something.

A candidate states a date, a number or a named programme; it carries the dates and numbers
it states (so `content check` can hold it to them) and leaves the headline to a person.
`drafts_file` appends candidates to a pack's fact index as drafts, which the bot does not
serve and `content check` lists until someone writes the headline and removes `draft: true`;
`write_drafts` writes the fact indexes of several packs, all or none.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.pack.loader import shipped_content_dir
from bot.pack.model import Pack, Section
from bot.pack.yaml_lines import load_located
from bot.search.sentences import split_sentences

# Enough to choose from without burying a section's reviewer in its whole text.
MAX_PER_SECTION = 3

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_YEAR = r"(?:19|20)\d{2}"
_DATE = re.compile(
    rf"\b(?:(?:\d{{1,2}}\s+)?(?:{_MONTHS})(?:\s+\d{{1,2}},)?(?:\s+{_YEAR})?|{_YEAR})\b"
)
# A year right after a capitalised word is part of a name ("Reform 2024", "Expo 2025"),
# unless that word starts a date ("In 2024", "Since 2022").
_DATE_WORDS = frozenset(
    [
        "In",
        "By",
        "Since",
        "Until",
        "From",
        "Through",
        "During",
        "Before",
        "After",
        "Early",
        "Late",
        "Mid",
        "End",
        "Fiscal",
        "FY",
        "Of",
        "And",
        "The",
        "Between",
    ]
)
_UNITS = (
    r"%|percent|per cent|times|million|billion|trillion|yen|dollars|people|countries"
    r"|members|economies|nations|cases|years|months|weeks|days"
)
# Thousands separators belong to the number; a comma after it does not ("25, and").
_NUMBER = re.compile(
    rf"(?<![\w.*-])(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?(?:\s?(?:{_UNITS})\b|%)?"
    rf"(?:\s(?:yen|dollars)\b)?"
)
_WORD_NUMBER = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
    r"|thirty|forty|fifty|a hundred|a thousand)(?:\s+and\s+a\s+half)?\s+(?:"
    + _UNITS.replace("%|", "")
    + r")\b",
    re.IGNORECASE,
)
# Numbers that only point somewhere: "Section 2", "Chapter 3", a footnote marker "(15)".
_POINTER_WORD = re.compile(r"(?:Chapter|Section|Part|Column|Fig\.?|Figure|Table|No\.)\s*$")
_CROSS_REFERENCE = re.compile(r"\bsee\b[^.]{0,40}?\b(?:Chapter|Section|Part)\s+\d", re.I)
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9]{1,11})\)")
_PROGRAMME = re.compile(
    r"\b(?:[A-Z][\w’'-]+\s+(?:(?:for|of|on|and|the|with|in)\s+)*){1,7}"
    r"(?:Programme|Program|Initiative|Strategy|Charter|Convention|Agreement|Treaty"
    r"|Partnership|Track|Framework|Plan|Principles|Guidelines)\b"
)


@dataclass(frozen=True)
class Candidate:
    ref: str
    section_ref: str
    quote: str
    dates: tuple[str, ...]
    numbers: tuple[str, ...]
    names: tuple[str, ...]


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i.strip() for i in items if i.strip()))


def _dates(sentence: str) -> list[re.Match[str]]:
    found = []
    for m in _DATE.finditer(sentence):
        if m.group(0).isdigit():
            before = sentence[: m.start()].split()
            word = before[-1] if before else ""
            if word[:1].isupper() and word.strip(",") not in _DATE_WORDS:
                continue
        found.append(m)
    return found


def _is_pointer(sentence: str, start: int, end: int) -> bool:
    """A footnote marker "(15)" or the number of a section, chapter or figure."""
    if sentence[start - 1 : start] == "(" and sentence[end : end + 1] == ")":
        return True
    return _POINTER_WORD.search(sentence[:start]) is not None


def stated(sentence: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The dates, numbers and named programmes a sentence states, as written in it.

    A cross-reference ("see Chapter 3, Section 1") states nothing."""
    if _CROSS_REFERENCE.search(sentence):
        return (), (), ()
    date_matches = _dates(sentence)
    dates = [m.group(0) for m in date_matches]
    spans = [m.span() for m in _DATE.finditer(sentence)]
    numbers = [
        m.group(0)
        for m in _NUMBER.finditer(sentence)
        if not any(s <= m.start() < e for s, e in spans)
        and not _is_pointer(sentence, m.start(), m.end())
    ]
    numbers += [m.group(0) for m in _WORD_NUMBER.finditer(sentence)]
    names = [m.group(1) for m in _ACRONYM.finditer(sentence)]
    names += [re.sub(r"^The\s+", "", m.group(0)) for m in _PROGRAMME.finditer(sentence)]
    return _unique(dates), _unique(numbers), _unique(names)


def _fact_refs(pack: Pack, facts_file: Path) -> set[str]:
    """Sections with a fact, confirmed or draft (drafts are not in `pack.facts`)."""
    refs = {f.ref for f in pack.facts}
    if facts_file.exists():
        try:
            data = load_located(facts_file.read_text(encoding="utf-8")).value or {}
        except yaml.YAMLError:
            data = {}  # `content check` reports the file; suggest as if it had no facts
        entries = data.get("facts") if isinstance(data, dict) else data
        for entry in entries or []:
            if isinstance(entry, dict) and isinstance(entry.get("ref"), str):
                refs.add(entry["ref"])
    return {pack.paragraphs[r].section_ref if r in pack.paragraphs else r for r in refs}


def suggest_facts(
    pack: Pack, under: Section | None = None, *, content_dir: Path | None = None
) -> list[Candidate]:
    """Candidates for every section with text and no fact, `under` and below it."""
    directory = content_dir or shipped_content_dir()
    covered = _fact_refs(pack, directory / pack.manifest.facts_file)
    candidates: list[Candidate] = []
    for section in (under or pack.root).walk():
        if not section.paragraphs or section.ref in covered:
            continue
        found: list[Candidate] = []
        for paragraph in section.paragraphs:
            for start, end in split_sentences(paragraph.text):
                sentence = paragraph.text[start:end]
                dates, numbers, names = stated(sentence)
                if dates or numbers or names:
                    found.append(
                        Candidate(paragraph.ref, section.ref, sentence, dates, numbers, names)
                    )
        # Sentences that state the most come first.
        found.sort(key=lambda c: -(len(c.dates) + len(c.numbers) + len(c.names)))
        candidates.extend(found[:MAX_PER_SECTION])
    return candidates


def _draft_id(ref: str, taken: set[str]) -> str:
    base = "draft-" + re.sub(r"[^a-z0-9]+", "-", ref.casefold()).strip("-")
    base = base[:56]
    n = 1
    while f"{base}-{n}" in taken:
        n += 1
    taken.add(f"{base}-{n}")
    return f"{base}-{n}"


@dataclass(frozen=True)
class DraftsFile:
    """A pack's fact index with drafts appended, built and read back, not yet written."""

    pack: Pack
    path: Path
    text: str
    before: str | None  # the file as it was; None: there was none
    count: int  # drafts appended


class DraftsError(Exception):
    """Drafts that cannot be added to `pack`'s fact index; `str()` names the file and why."""

    def __init__(self, pack: Pack, message: str) -> None:
        super().__init__(message)
        self.pack = pack


def drafts_file(pack: Pack, candidates: list[Candidate], content_dir: Path | None) -> DraftsFile:
    """The pack's fact index with the candidates appended as drafts; DraftsError when it
    cannot be read, or the result would not read back as the same facts and these drafts.

    The file is appended to, not rewritten, so its comments and order stay as they are;
    its `facts` list must be the last thing in it.
    """
    path = (content_dir or shipped_content_dir()) / pack.manifest.facts_file
    try:
        before = path.read_text(encoding="utf-8") if path.exists() else None
    except (OSError, UnicodeDecodeError) as exc:
        raise DraftsError(pack, f"{path}: cannot be read ({_reason(exc)})") from None
    text = before if before is not None else "facts: []\n"
    try:
        doc = load_located(text)
    except yaml.YAMLError:
        raise DraftsError(pack, f"{path}: bad YAML; run `content check`") from None
    entries: list[object] = []
    if isinstance(doc.value, dict):
        entries = doc.value.get("facts") or []
        last_key = max(doc.key_lines.values(), default=0)
        if not entries:
            text = re.sub(r"(?m)^facts:\s*(?:\[\s*\])?\s*$", "facts:", text, count=1)
        elif doc.key_lines.get("facts") != last_key:
            raise DraftsError(pack, f"{path}: 'facts' is not the last key; add the drafts by hand")
    elif isinstance(doc.value, list):
        entries = doc.value
    elif doc.value is not None:
        raise DraftsError(pack, f"{path}: expected a 'facts' list")
    taken = {f.id for f in pack.facts}
    taken |= {str(e.get("id")) for e in entries if isinstance(e, dict)}
    blocks = []
    for c in candidates:
        lines = [
            f"  - id: {_draft_id(c.ref, taken)}",
            "    draft: true",
            '    headline: ""',
            f"    quote: {json.dumps(c.quote, ensure_ascii=False)}",
            f"    ref: {json.dumps(c.ref, ensure_ascii=False)}",
        ]
        if c.dates:
            lines.append(f"    dates: {json.dumps(list(c.dates), ensure_ascii=False)}")
        if c.numbers:
            lines.append(f"    numbers: {json.dumps(list(c.numbers), ensure_ascii=False)}")
        blocks.append("\n".join(lines))
    if not text.endswith("\n"):
        text += "\n"
    text += "\n" + "\n\n".join(blocks) + "\n"
    # Appending fits a block list; a file of another shape (a flow list, `facts:` nested
    # under something) would come out broken or with the drafts elsewhere.
    try:
        after = load_located(text).value
    except yaml.YAMLError:
        after = None
    read_back = after.get("facts") if isinstance(after, dict) else after
    if not isinstance(read_back, list) or len(read_back) != len(entries) + len(candidates):
        raise DraftsError(pack, f"{path}: the drafts cannot be appended to it; add them by hand")
    return DraftsFile(pack, path, text, before, len(candidates))


def write_drafts(files: list[DraftsFile]) -> None:
    """Write every file or none: each to a temporary file beside it, then all renamed into
    place. DraftsError names the first that cannot be written; then none is changed (one
    already renamed when a later rename fails is put back as it was)."""
    written: list[tuple[DraftsFile, Path, Path]] = []  # (file, temporary, target)
    try:
        for file in files:
            target = Path(os.path.realpath(file.path))  # a link inside the pack stays a link
            try:
                written.append((file, _temporary(target, file.text), target))
            except OSError as exc:
                raise DraftsError(
                    file.pack, f"{file.path}: cannot be written ({_reason(exc)})"
                ) from None
        renamed: list[tuple[DraftsFile, Path]] = []
        for file, temporary, target in written:
            try:
                os.replace(temporary, target)
            except OSError as exc:
                _put_back(renamed)
                raise DraftsError(
                    file.pack, f"{file.path}: cannot be written ({_reason(exc)})"
                ) from None
            renamed.append((file, target))
    finally:
        for _, temporary, _ in written:
            temporary.unlink(missing_ok=True)


def _temporary(target: Path, text: str) -> Path:
    """`text` in a new file in `target`'s folder, with `target`'s permissions if it exists
    (else the umask's, as any new file)."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.part")
    try:
        with temporary.open("x", encoding="utf-8") as out:
            out.write(text)
        if target.exists():
            shutil.copymode(target, temporary)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _put_back(renamed: list[tuple[DraftsFile, Path]]) -> None:
    """Undo the renames done so far: each file as it was, or gone if there was none."""
    for file, target in renamed:
        try:
            if file.before is None:
                target.unlink(missing_ok=True)
                continue
            temporary = _temporary(target, file.before)
        except OSError:
            continue  # the error raised is the rename's; this file keeps its drafts
        try:
            os.replace(temporary, target)
        except OSError:
            temporary.unlink(missing_ok=True)


def _reason(exc: OSError | UnicodeDecodeError) -> str:
    """'permission denied', 'is a directory': the system's words, without an errno."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else "an error"

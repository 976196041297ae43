"""The short texts the bot answers with when it cannot do what was asked. No discord.

Each text is written once here; the cogs and the interaction path (bot/interactions/) use
these names. Every one is sent privately (`error_reply`) except where a cog says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.pack.library import Library, edition_only, parse_key, split_edition
from bot.pack.model import Pack, Section
from bot.pack.refs import Resolved, chapter_named, written_ref
from bot.replies.common import Reply, clip, error_reply
from bot.replies.markdown import escape

RESTARTING = "I am restarting; please try again in a minute."
WENT_WRONG = "Something went wrong on our side. It has been logged; please try again."
STORAGE_UNAVAILABLE = "Storage is unavailable, try again shortly."
STORAGE_DAMAGED = (
    "Storage is damaged, so settings and statistics are unavailable until the bot's operator "
    "restores it. Searching still works."
)
NOT_YOURS = "These buttons belong to the person who asked. Run the command yourself to browse."
EXPIRED = "This button has expired. Please run the command again."
TEXT_CHANGED = "The Bluebook text has changed since this search; run `/search` again."
NEEDS_MANAGE_SERVER = "You need the **Manage Server** permission for this command."
SERVER_ONLY = "This command works only in a server."
NOT_HERE = "You can't use this command here."


def and_list(items: Iterable[object]) -> str:
    """2023 / 2023 and 2020 / 2023, 2021 and 2020."""
    named = [str(i) for i in items]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"


def held_years(years: Iterable[int]) -> str:
    """The editions the library holds, as a reader sees them: "2025, 2024"."""
    return ", ".join(str(y) for y in years)


def edition_setting_text(chosen: int | None, years: list[int]) -> str:
    """What /settings edition says a server reads: its choice, or the newest (`years[0]`),
    also when the choice is an edition a reload has since taken away."""
    held = f"Editions held: {held_years(years)}."
    if chosen is None:
        return f"This server reads the newest edition ({years[0]}). {held}"
    if chosen not in years:
        return (
            f"This server chose edition {chosen}, which is no longer held: it reads the newest "
            f"edition ({years[0]}) until you choose another. {held}"
        )
    return f"This server reads the {chosen} edition. {held}"


def missing_paragraph_text(found: Resolved, label: str) -> str | None:
    """One line for a reference to a paragraph past its section's last, "`3.1.1(1)` has no
    ¶9 in …: its paragraphs are ¶1 to ¶4."; None for any other reference."""
    if found.section is not None or found.missing_paragraph is None:
        return None
    [section] = found.suggestions
    count, asked = len(section.paragraphs), found.missing_paragraph
    if count == 0:
        held = "it has no numbered paragraphs of its own"
    elif count == 1:
        held = "its only paragraph is ¶1"
    else:
        held = f"its paragraphs are ¶1 to ¶{count}"
    return f"`{section.ref}` has no ¶{asked} in {label}: {held}."


def missing_paragraph_reply(found: Resolved, label: str, year: int | None = None) -> Reply | None:
    """The answer to a paragraph past its section's last, for /section and chat lookups alike:
    the line above and how to open the section (`year` when it is of an edition other than the
    server's, so that it opens that edition). None for any other reference."""
    text = missing_paragraph_text(found, label)
    if text is None:
        return None
    prefix = f"{year}:" if year is not None else ""
    return error_reply(
        text, hint=f"Open the section with `/section {prefix}{found.suggestions[0].ref}`."
    )


def closest_text(sections: Iterable[Section], year: int | None = None) -> str:
    """The closest sections as `ref` Title; with `year` ("`2025:3.1.1`") when they are of
    an edition other than the server's, so that opening one opens that edition."""
    return ", ".join(
        f"`{s.ref if year is None else written_ref(s.ref, year)}` {escape(s.title)}"
        for s in sections
    )


def held_in_text(ref: str, years: list[int]) -> str:
    """Where a section missing from the server's edition is: "Held in 2026, 2024: `2026:…`"."""
    # Inside inline code Markdown shows as typed: only a backtick would end it.
    shown = clip(ref.strip(), 80).replace("`", "'")
    return f"Held in {held_years(years)}: `{written_ref(shown, years[0])}`."


# Said in a channel where the bot may post but not embed, in place of a lookup's quote.
EMBEDS_NEEDED_TEXT = (
    "I can't quote the Bluebook here: missing Embed Links. Give me that permission in this "
    "channel, then ask again."
)


def held_text(packs: Iterable[Pack], year: int) -> str:
    """ "Held here: Diplomatic Bluebook 2025, chapter 3, section 1; chapter 4, sections 1 and
    2.": what `packs` hold of edition `year`, said with an answer that found nothing, so that
    a reader can tell a gap in the library from one in the Bluebook."""
    held = sorted(
        (p for p in packs if p.manifest.edition_year == year),
        key=lambda p: p.manifest.chapter_number,
    )
    if not held:
        return ""
    chapters = []
    for pack in held:
        numbers = [s.ref.rsplit(".", 1)[-1] for s in pack.sections.values() if s.level == 1]
        chapter = f"chapter {pack.manifest.chapter_number}"
        if numbers:
            chapter += f", section{'s' if len(numbers) > 1 else ''} {and_list(numbers)}"
        chapters.append(chapter)
    return f"Held here: {held[0].manifest.title}, {'; '.join(chapters)}."


def chapter_lacking_text(ref: str, year: int, chapters: list[int]) -> str | None:
    """ "2025 has no chapter 5; it holds chapters 3, 4." when a reference names a chapter
    edition `year` (holding `chapters`) lacks; None otherwise."""
    chapter = chapter_named(split_edition(ref).ref)
    if chapter is None or chapter in chapters or not chapters:
        return None
    held = ", ".join(map(str, chapters))
    return f"{year} has no chapter {chapter}; it holds chapter{'s' if len(chapters) > 1 else ''} {held}."


def where_held_text(ref: str, held: list[int], asked_year: int | None = None) -> str:
    """Where a reference the edition looked in lacks is held: "Not held in 2023. Held in
    2024: `2024:…`." (the first sentence when the reference named `asked_year`); "" when no
    edition holds it."""
    if not held:
        return ""
    text = held_in_text(split_edition(ref).ref, held)
    return f"Not held in {asked_year}. {text}" if asked_year is not None else text


def section_notes(
    library: Library, ref: str, year: int, asked_year: int | None = None
) -> list[str]:
    """What is said of a reference edition `year` has no section for (`asked_year` when the
    reference named it), before the closest sections: the chapter the edition lacks
    (chapter_lacking_text), then the editions that hold it (where_held_text). /section, chat
    lookups and the CLI `section` all say it."""
    chapters = library.chapters_of(year)
    lacking = chapter_lacking_text(ref, year, chapters)
    notes = [lacking, where_held_text(ref, library.years_holding(ref), asked_year)]
    if lacking is None and not notes[1]:
        # Held nowhere: say what the edition holds, which may be part of a chapter.
        notes.append(held_text(library.packs.values(), year))
    return [n for n in notes if n]


def edition_only_text(typed: str) -> str:
    """What is said of a reference that names an edition and nothing else ('2024:', '@2024',
    `bot.pack.library.edition_only`), quoting it as typed."""
    return f"“{typed}” names an edition only: give a reference after it"


def no_section_reply(
    ref: str,
    label: str,
    suggestions: Iterable[Section],
    *,
    year: int | None = None,
    notes: Iterable[str] = (),
) -> Reply:
    """The private answer to a reference naming no section of `label`, the edition looked
    in: its `notes` (section_notes), then the closest sections (with `year` when that
    edition is not the server's)."""
    if edition_only(ref) is not None:
        # Nothing is near an empty reference, and the edition looked in is not the one named.
        return error_reply(f"{edition_only_text(escape(clip(ref.strip(), 20)))}.")
    near = closest_text(list(suggestions)[:3], year)
    hint = f"Closest: {near}" if near else "See `/toc` for the outline."
    hint = " ".join([*notes, hint])
    return error_reply(f"No section “{escape(clip(ref, 80))}” in {escape(label)}.", hint=hint)


def no_edition_text(year: int | None, years: Iterable[int]) -> str:
    """One line for an edition the library does not hold, naming those it does."""
    return f"No edition {year} here; editions held: {held_years(years)}."


def too_long_lookup_text(limit: int) -> str:
    """One line for a chat `[[...]]` longer than `limit` characters, which is not looked up."""
    return f"That `[[...]]` is too long to look up: at most {limit} characters, as in /search."


def no_edition_reply(year: int | None, years: Iterable[int]) -> Reply:
    """The private answer to a command that named an edition the library does not hold."""
    return error_reply(f"No edition {year} here.", hint=f"Editions held: {held_years(years)}.")


def pack_gone_reply(pack_keys: Iterable[str], years: list[int], *, again: str) -> Reply:
    """The private answer to a button whose pack a reload took away: which edition is no
    longer held, the editions that are, and the command (`again`, e.g. "/search") to run."""
    gone = []
    for key in dict.fromkeys(pack_keys):
        numbers = parse_key(key)
        if numbers is None:
            continue
        edition, chapter = numbers
        # Another chapter of the edition may still be held: then it is the chapter that went.
        gone.append(
            f"chapter {chapter} of edition {edition}" if edition in years else f"edition {edition}"
        )
    if not gone:
        return error_reply(EXPIRED)
    what = " and ".join(gone) + (" is" if len(gone) == 1 else " are")
    shown = clip(again, 100).replace("`", "'")
    return error_reply(
        f"{what[0].upper()}{what[1:]} no longer held here, so this button cannot open it.",
        hint=f"Run `{shown}` again to read the editions still held: {held_years(years)}.",
    )


def chapter_not_held_reply(chapter: int, ref: str, year: int, years: list[int]) -> Reply:
    """The private answer to /compare of a section whose chapter edition `year` lacks, with
    the editions (`years`, newest first) that hold the chapter."""
    shown = clip(ref.strip(), 80).replace("`", "'")
    message = (
        f"Chapter {chapter} is not held in {year}, so “{escape(clip(ref, 80))}” cannot be compared."
    )
    if len(years) < 2:
        held = f"only in {years[0]}" if years else "in no edition"
        return error_reply(message, hint=f"Chapter {chapter} is held {held} here.")
    return error_reply(
        message,
        hint=f"Chapter {chapter} is held in {held_years(years)}: "
        f"`/compare ref:{shown} from:{years[1]} to:{years[0]}`.",
    )


def edition_not_compared(named: int, before: int, after: int) -> str:
    """The one line saying that a reference names an edition the comparison leaves out."""
    return (
        f"The reference names {named}, which is neither edition compared ({before} → {after}); "
        f"set `from` or `to` to {named}."
    )


def same_edition_reply(year: int, years: Iterable[int]) -> Reply:
    """The private answer to /compare given one edition as both `from` and `to`."""
    return error_reply(
        f"`from` and `to` are both {year}: give two different editions.",
        hint=f"Editions held: {held_years(years)}.",
    )

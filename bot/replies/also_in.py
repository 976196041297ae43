""" "Also in 2024 (`2024:3.1.1(2)¶1`)": the other editions holding a passage unchanged, as
/search, the "Find in Bluebook" menu, /verify and the CLI name them, each with its reference
there when that is not the one shown (a section inserted before it renumbered it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from bot.pack.compare import same_paragraph
from bot.pack.model import Pack
from bot.pack.refs import written_ref

# Where a passage is in a pack: its reference there, or None when it is not found.
RefIn = Callable[[Pack], str | None]


def paragraph_in(text: str, ref: str) -> RefIn:
    """Where a paragraph (`text`, at `ref` in its own edition) is in another pack."""

    def ref_in(pack: Pack) -> str | None:
        held = same_paragraph(pack, text, ref)
        return held.ref if held is not None else None

    return ref_in


def held_elsewhere(
    packs: Mapping[str, Pack], pack_keys: Iterable[str], *, year: int, ref: str, ref_in: RefIn
) -> list[tuple[int, str | None]]:
    """The editions of packs `pack_keys` other than `year`, each once and in the order given
    (another chapter of an edition is that edition), each with the passage's reference there
    when it is not `ref` (else None); looked for (`ref_in`) in the first pack of each."""
    firsts: dict[int, str] = {}
    for key in pack_keys:
        pack = packs.get(key)
        if pack is not None and pack.manifest.edition_year != year:
            firsts.setdefault(pack.manifest.edition_year, key)
    return held_at(packs, ((k, ref_in(packs[k])) for k in firsts.values()), year=year, ref=ref)


def held_at(
    packs: Mapping[str, Pack], held: Iterable[tuple[str, str | None]], *, year: int, ref: str
) -> list[tuple[int, str | None]]:
    """The editions of `held` (pack key, the passage's reference in that pack, as a check
    found it) other than `year`, each once and in the order given, each with its reference
    there when it is not `ref` (else None)."""
    found: list[tuple[int, str | None]] = []
    seen = {year}
    for key, there in held:
        pack = packs.get(key)
        if pack is None or pack.manifest.edition_year in seen:
            continue
        seen.add(pack.manifest.edition_year)
        found.append((pack.manifest.edition_year, there if there and there != ref else None))
    return found


def also_in_text(held: Iterable[tuple[int, str | None]]) -> str:
    """The editions `held_elsewhere` or `held_at` found, as Discord says them:
    "2024 (`2024:3.1.1(2)¶1`), 2023"."""
    return ", ".join(
        f"{edition} (`{written_ref(there, edition)}`)" if there else str(edition)
        for edition, there in held
    )

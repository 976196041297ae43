"""Button state as typed values, written into and read back from a button's custom id.

The state a button needs lives in its id, so a button works after a restart. Replies make
ids with a state's `custom_id()`; a pressed button's id is parsed once, by the DynamicItem
whose template matches it (cogs/buttons.py), into a `SearchState`, `SectionState` or
`CompareState` with `from_match`. Every state names its content pack (`pack`, a short key such as "2025-3"
for edition and chapter; "" is the default edition). The bot's replies always name the pack;
ids from before the library name none, read the server's edition, and keep working.

    bb:s[@PACK]:OWNER:VERB INDEX/LIMIT[#STAMP]:QUERY   search result pages
    bb:sec[@PACK]:OWNER:VERB PAGE:REF              section pages and neighbours
    bb:cmp:OWNER:VERB PAGE:BEFORE:AFTER:REF        /compare pages, between two packs
                                                   (REF "*": the sections that changed)

A search button's STAMP is the text stamp of the library it was made from (bot/served.py
`text_stamp`): a press after a reload changed the text says so instead of showing results of
other text. Ids without one (older versions) page as before.

A search query longer than QUERY_IN_ID_MAX (or starting with "~") is replaced in the id by a
token, "~" and 16 hex digits: an HMAC, with the installation's key, of the pack, the owner,
the guild and the query. The caller keeps the query under that token in storage
(bot/storage/button_queries.py) before sending. Storage gives the query back only to a press
whose owner and guild make the same token, so a token copied to another user or guild
answers nothing, and without the key nobody can test a guessed query against a token. A
token storage does not know (older versions' tokens, an expired row) makes the button answer
that it has expired.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import lru_cache
from typing import NamedTuple

from bot.replies.limits import CUSTOM_ID_MAX

# The longest id, "bb:s@2025-12:" (pack key of a two-digit chapter), a 20-digit owner,
# ":w9/10#abcdef:" and the query, is CUSTOM_ID_MAX characters.
TEXT_STAMP_CHARS = 6
QUERY_IN_ID_MAX = 53
PACK_KEY_MAX = 16
TOKEN_PREFIX = "~"

_PACK = rf"(?:@(?P<pack>[0-9A-Za-z._-]{{1,{PACK_KEY_MAX}}}))?"
# verb: p(revious) / n(ext) show the excerpt of result `index`; w(hole) shows its paragraph,
# e(xcerpt) goes back. Distinct verbs keep the ids of one message distinct.
SEARCH = re.compile(
    rf"bb:s{_PACK}:(?P<owner>\d{{1,20}}):(?P<verb>[pnwe])(?P<index>\d{{1,3}})/(?P<limit>\d{{1,3}})"
    rf"(?:#(?P<stamp>[0-9a-f]{{{TEXT_STAMP_CHARS}}}))?:(?P<query>.*)",
    re.DOTALL,
)
# verb: p / n turn the page; b / f go to the previous / next section (page 0).
SECTION = re.compile(
    rf"bb:sec{_PACK}:(?P<owner>\d{{1,20}}):(?P<verb>[pnbf])(?P<page>\d{{1,4}}):(?P<ref>.+)",
    re.DOTALL,
)
# /compare pages: verb p / n; `before` and `after` are the two packs compared, always named.
COMPARE = re.compile(
    r"bb:cmp:(?P<owner>\d{1,20}):(?P<verb>[pn])(?P<page>\d{1,4})"
    r":(?P<before>\d{4}-\d{1,3}):(?P<after>\d{4}-\d{1,3}):(?P<ref>.+)",
    re.DOTALL,
)
# The reference of a /compare page button on the list of sections that changed: no section
# reference can be "*".
COMPARE_OVERVIEW = "*"
_PACK_KEY = re.compile(rf"[0-9A-Za-z._-]{{0,{PACK_KEY_MAX}}}")
_STAMP = re.compile(rf"[0-9a-f]{{{TEXT_STAMP_CHARS}}}")


@lru_cache(maxsize=256)
def _pack_part(pack: str) -> str:
    """The id's part naming pack key `pack` (checked once per key: a reply makes several ids
    of one pack)."""
    if not _PACK_KEY.fullmatch(pack):
        raise ValueError(f"not a pack key: {pack!r}")
    return f"@{pack}" if pack else ""


@lru_cache(maxsize=64)
def _stamp_part(stamp: str) -> str:
    """The id's part holding text stamp `stamp` (checked once per stamp)."""
    if stamp and not _STAMP.fullmatch(stamp):
        raise ValueError(f"not a text stamp: {stamp!r}")
    return f"#{stamp}" if stamp else ""


def needs_token(query: str) -> bool:
    """Whether `query` goes into a button id as a token rather than as itself."""
    return len(query) > QUERY_IN_ID_MAX or query.startswith(TOKEN_PREFIX)


def query_token(
    query: str, *, pack_key: str, owner: int, guild: int | None, key: bytes
) -> str | None:
    """The token that stands for `query` in a button id, or None when the query fits.

    Keyed with the installation's key (the one that hashes user ids): the same search by the
    same person in the same guild always gets the same token, and nobody without the key can
    confirm what a token stands for."""
    if not needs_token(query):
        return None
    message = f"bb-button\x00{pack_key}\x00{owner}\x00{guild or 0}\x00{query}".encode()
    return TOKEN_PREFIX + hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


class SearchState(NamedTuple):
    """A search results button: whose, which result (`position`, from 0), and of which query
    in which pack. (Named tuples, these states: a reply makes several, and a frozen dataclass
    costs several times as much to make.)

    `query` is the query itself, or None when the id carries `token` instead (look it up);
    `stamp` the text stamp of the library the results were from ("" in older ids).
    """

    owner: int
    verb: str
    position: int
    limit: int
    query: str | None
    token: str | None = None
    pack_key: str = ""
    stamp: str = ""

    @classmethod
    def from_match(cls, match: re.Match[str]) -> SearchState:
        text = match["query"]
        token = text if text.startswith(TOKEN_PREFIX) else None
        return cls(
            owner=int(match["owner"]),
            verb=match["verb"],
            position=int(match["index"]),
            limit=int(match["limit"]),
            query=None if token else text,
            token=token,
            pack_key=match["pack"] or "",
            stamp=match["stamp"] or "",
        )

    @property
    def whole(self) -> bool:
        return self.verb == "w"

    def custom_id(self) -> str:
        text = self.token if self.token is not None else self.query
        stamp = _stamp_part(self.stamp)  # checked first, then the pack key
        return _fit(
            f"bb:s{_pack_part(self.pack_key)}:{self.owner}:{self.verb}{self.position}/{self.limit}"
            f"{stamp}:{text}"
        )


class SectionState(NamedTuple):
    """A section button: whose, which page of which reference in which pack."""

    owner: int
    verb: str
    page: int
    ref: str
    pack_key: str = ""

    @classmethod
    def from_match(cls, match: re.Match[str]) -> SectionState:
        return cls(
            owner=int(match["owner"]),
            verb=match["verb"],
            page=int(match["page"]),
            ref=match["ref"],
            pack_key=match["pack"] or "",
        )

    def custom_id(self) -> str:
        return _fit(
            f"bb:sec{_pack_part(self.pack_key)}:{self.owner}:{self.verb}{self.page}:{self.ref}"
        )


class CompareState(NamedTuple):
    """A /compare page button: whose, which page of which reference between which two packs."""

    owner: int
    verb: str
    page: int
    before: str
    after: str
    ref: str

    @classmethod
    def from_match(cls, match: re.Match[str]) -> CompareState:
        return cls(
            owner=int(match["owner"]),
            verb=match["verb"],
            page=int(match["page"]),
            before=match["before"],
            after=match["after"],
            ref=match["ref"],
        )

    def custom_id(self) -> str:
        return _fit(
            f"bb:cmp:{self.owner}:{self.verb}{self.page}:{self.before}:{self.after}:{self.ref}"
        )


ButtonState = SearchState | SectionState | CompareState


def _fit(custom_id: str) -> str:
    if len(custom_id) > CUSTOM_ID_MAX:
        raise ValueError(f"custom_id too long: {len(custom_id)}")
    return custom_id

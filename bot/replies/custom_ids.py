"""Button custom ids: the state a button needs lives in its id, so it works after a restart.

A search query longer than QUERY_IN_ID_MAX is kept in a small in-memory table instead; after a
restart such a button answers that it has expired.
"""

from __future__ import annotations

import re
import secrets
from collections import OrderedDict

from bot.replies.common import CUSTOM_ID_MAX

QUERY_IN_ID_MAX = 60
_KEPT_QUERIES = 2048

# The pack a button reads, as its short key ("2025-3", bot/pack/library.py) after an "@";
# ids made before the library have none and read the default edition.
_PACK = r"(?:@(?P<pack>\d{4}-\d{1,3}))?"
# verb: p(revious) / n(ext) show the excerpt of result `index`; w(hole) shows its paragraph,
# e(xcerpt) goes back. Distinct verbs keep the ids of one message distinct.
SEARCH = re.compile(
    rf"bb:s:(?P<owner>\d+):(?P<verb>[pnwe])(?P<index>\d+)/(?P<limit>\d+){_PACK}:(?P<query>.*)",
    re.DOTALL,
)
# verb: p / n turn the page; b / f go to the previous / next section (page 0).
SECTION = re.compile(
    rf"bb:sec:(?P<owner>\d+):(?P<verb>[pnbf])(?P<page>\d+){_PACK}:(?P<ref>.+)", re.DOTALL
)
# /compare pages: verb p / n; `before` and `after` are the two packs compared.
COMPARE = re.compile(
    r"bb:cmp:(?P<owner>\d+):(?P<verb>[pn])(?P<page>\d+)"
    r":(?P<before>\d{4}-\d{1,3}):(?P<after>\d{4}-\d{1,3}):(?P<ref>.+)",
    re.DOTALL,
)

_queries: OrderedDict[str, str] = OrderedDict()  # token -> query, oldest first
_tokens: dict[str, str] = {}  # query -> its token, while it is kept


def _query_token(query: str) -> str:
    if len(query) <= QUERY_IN_ID_MAX and not query.startswith("~"):
        return query
    token = _tokens.get(query)
    if token is not None and _queries.get(token) == query:
        _queries.move_to_end(token)
        return token  # the same query's buttons share one token
    token = "~" + secrets.token_hex(6)
    _queries[token] = query
    _tokens[query] = token
    while len(_queries) > _KEPT_QUERIES:
        _, forgotten = _queries.popitem(last=False)
        _tokens.pop(forgotten, None)
    return token


def query_from_token(token: str) -> str | None:
    """The query a button stands for, or None when it has expired."""
    if token.startswith("~"):
        return _queries.get(token)
    return token


def _at(pack: str) -> str:
    return f"@{pack}" if pack else ""


def search(owner: int, verb: str, index: int, limit: int, query: str, pack: str = "") -> str:
    return _fit(f"bb:s:{owner}:{verb}{index}/{limit}{_at(pack)}:{_query_token(query)}")


def section(owner: int, verb: str, page: int, ref: str, pack: str = "") -> str:
    return _fit(f"bb:sec:{owner}:{verb}{page}{_at(pack)}:{ref}")


def compare(owner: int, verb: str, page: int, before: str, after: str, ref: str) -> str:
    return _fit(f"bb:cmp:{owner}:{verb}{page}:{before}:{after}:{ref}")


def _fit(custom_id: str) -> str:
    if len(custom_id) > CUSTOM_ID_MAX:
        raise ValueError(f"custom_id too long: {len(custom_id)}")
    return custom_id

"""Search: one pack's engine (`SearchEngine`), the library search over every pack in service
(bot/search/library.py), and checking quotes against the text (bot/search/verify.py).

`COMPILED_IN_USE`: whether search's hot path, and the /search reply's, run compiled
(bot/compiled.py)."""

from bot.compiled import activate

COMPILED_IN_USE = activate(__path__, "search")

from bot.search.engine import SearchEngine  # noqa: E402
from bot.search.result import SearchResponse, SearchResult  # noqa: E402

__all__ = ["COMPILED_IN_USE", "SearchEngine", "SearchResponse", "SearchResult"]

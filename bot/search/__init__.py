"""Search: one pack's engine (`SearchEngine`), the library search over every pack in service
(bot/search/library.py), and checking quotes against the text (bot/search/verify.py)."""

from bot.search.engine import SearchEngine, SearchResponse, SearchResult

__all__ = ["SearchEngine", "SearchResponse", "SearchResult"]

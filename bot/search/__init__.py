"""Full-text search over the chapter and checking of quotes against it."""

from bot.search.engine import SearchEngine, SearchResponse, SearchResult

__all__ = ["SearchEngine", "SearchResponse", "SearchResult"]

"""Keyword lookups during discussion: what to answer, and when to stay quiet."""

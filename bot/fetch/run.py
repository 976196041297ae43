"""One `content fetch` run: the editions asked for, each edition's pages, downloaded in turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.fetch.client import FetchError, FetchOptions, PoliteClient, Sleep
from bot.fetch.crawl import Crawl, EditionResult, Progress
from bot.pack.pages import SITE, PageId


@dataclass(frozen=True)
class FetchRequest:
    library: Path
    chapter: int
    editions: tuple[int, ...] = ()  # empty: every edition the site's index lists
    pages: tuple[PageId, ...] = ()  # empty: every page of the chapter
    site: str = SITE
    options: FetchOptions = field(default_factory=FetchOptions)


@dataclass
class FetchRun:
    editions: list[EditionResult]
    requests: int
    error: str = ""  # set when the run stopped early; what was fetched before is kept


async def fetch(
    request: FetchRequest, progress: Progress | None = None, *, sleep: Sleep | None = None
) -> FetchRun:
    """Download the pages; a failure stops the run but keeps every page fetched before it."""
    client = (
        PoliteClient(request.options)
        if sleep is None
        else PoliteClient(request.options, sleep=sleep)
    )
    run = FetchRun([], 0)
    async with client:
        crawl = Crawl(client, request.library, site=request.site, progress=progress)
        try:
            editions = list(request.editions) or await crawl.editions()
            for edition in editions:
                run.editions.append(
                    await crawl.edition(edition, request.chapter, list(request.pages) or None)
                )
        except FetchError as exc:
            run.error = str(exc)
        run.requests = client.requests
    return run

"""`content fetch`: bring the publisher's pages into a library (no Discord here).

`client` is the polite HTTP client, `crawl` finds and downloads a chapter's pages, `run` ties
them to the importer and the command line's progress display.
"""

"""`content fetch` against the sample site (tests/fetch/site.py) served on 127.0.0.1."""

from __future__ import annotations

import asyncio
import codecs
import errno
import os
import re
import select
import signal
import socket
import subprocess
import sys
import types
from pathlib import Path
from typing import IO

import aiohttp
import pytest

from bot.cli import main
from bot.fetch.client import FetchOptions, connection_failure
from bot.fetch.crawl import DISALLOWED, FAILED, raw_dir
from bot.fetch.run import FetchRequest, fetch
from bot.pack.library import load_library
from bot.pack.model import FIGURE, FOOTNOTE
from bot.pack.pages import PageId, page_url

from .site import EDITIONS, SampleSite, build_site, serve, url_path

ROOT = Path(__file__).resolve().parents[2]
ROOT_INDEX = "/policy/other/bluebook/index.html"
EXISTING = {(y, p) for y, (_, pages, _) in EDITIONS.items() for p in pages}


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def fetch_cli(capsys, site_url, lib, *extra):
    return run(capsys, "content", "fetch", "--site", site_url, "--out", lib, "--delay", "0", *extra)


@pytest.fixture
def site():
    return SampleSite(build_site())


def test_fetch_all_editions_finds_exactly_the_pages_and_imports_them(capsys, tmp_path, site):
    lib = tmp_path / "lib"
    with serve(site) as url:
        code, out, err = fetch_cli(capsys, url, lib, "--edition", "all", "--chapter", "3")
    assert code == 0, err
    downloaded = {s.path for s in site.pages_seen() if s.status == 200}
    assert downloaded == {url_path(y, p) for y, p in EXISTING}
    assert "edition 2019: 5 page(s) by probing" in out
    assert "edition 2025: 4 page(s) by table of contents" in out
    assert "outline:" in out and "+ 3.1.1(1).A" in out
    library = load_library(lib)
    assert sorted(library.packs) == ["2019-3", "2024-3", "2025-3"]
    for key, pack in library.packs.items():
        year = pack.manifest.edition_year
        held = {s.page for s in pack.sections.values() if s.page}
        assert held == {p for y, p in EXISTING if y == year}, key
        for section in pack.sections.values():
            if section.page:
                assert section.source_url == page_url(year, PageId.parse(section.page)), key
        text = " ".join(p.text for p in pack.paragraphs.values())
        for clutter in ("Page top", "Back to Top", "Home", "Not A Heading", "Minister at"):
            assert clutter not in text, (key, clutter)
    old = library.packs["2019-3"]
    assert old.sections["3.1.1"].title == "Security Policy"
    assert old.sections["3.1.1(1).B"].title == "Air Domain"
    nuclear = old.sections["3.1.1(2)"]
    assert nuclear.title == "Peaceful Uses of Nuclear Energy"
    assert [(n.kind, n.label) for n in nuclear.notes] == [(FOOTNOTE, "3")]
    assert "3.1.3" not in old.sections and old.sections["3.1.4"].title == "Sample Fourth Part"
    assert old.sections["3.1.1(1).A"].paragraphs[1].text.startswith("2.5 million")
    assert old.sections["3.1.2"].paragraphs[-1].text.startswith("A. Smith said")
    assert old.sections["3.2.1"].notes[0].kind == FOOTNOTE
    assert old.source_url(old.sections["3.1.1"]).endswith("/2019/html/chapter3/c030101.html")
    assert all(n.kind != FIGURE or "Minister" not in n.text for n in old.root.notes)
    cross = library.packs["2025-3"].sections["3.1.2"].paragraphs
    assert len(cross) == 1 and "(see Chapter 3, Section 1, 4 (3) C.)" in cross[0].text

    # content check: only warnings a maintainer can act on, grouped by kind.
    code, out, err = run(capsys, "--content", lib, "content", "check")
    assert code == 0 and out.startswith("ok: ")
    groups = [line for line in err.splitlines() if not line.startswith(" ")]
    assert groups == ["16 warning(s): section without a fact (`content facts suggest` drafts some)"]
    assert len(err.splitlines()) == 1 + 3 + 1  # the kind, its first three, "and 13 more"

    # A second run asks "changed since?" for every page and downloads none of them.
    before = {p: p.read_bytes() for p in lib.rglob("*") if p.is_file()}
    site.seen.clear()
    with serve(site) as url:
        code, out, err = fetch_cli(capsys, url, lib, "--edition", "all", "--chapter", "3")
    assert code == 0, err
    pages = [s for s in site.pages_seen() if s.status != 404]
    assert len(pages) == len(EXISTING)
    assert all(s.status == 304 and s.headers.get("If-None-Match") for s in pages)
    assert all(s.headers.get("If-Modified-Since") for s in pages)
    assert [s.path for s in site.seen if s.status == 200] == ["/robots.txt", ROOT_INDEX]
    assert {p: p.read_bytes() for p in lib.rglob("*") if p.is_file()} == before


def test_a_page_the_site_does_not_have_is_an_error_when_named(capsys, tmp_path, site):
    with serve(site) as url:
        code, _, err = fetch_cli(
            capsys, url, tmp_path / "lib", "--edition", "2025", "--pages", "c030101", "c030199"
        )
    assert code == 1
    assert "c030199.html: error: the site says 404" in err
    pack = load_library(tmp_path / "lib").packs["2025-3"]
    assert "3.1.1" in pack.sections


def test_a_page_the_table_of_contents_lists_but_the_site_lacks_is_an_error(capsys, tmp_path, site):
    # The docs: a page that cannot be fetched is named, the others import, exit code 1 --
    # the same whether the page was named with --pages or listed by the contents page.
    del site.files[url_path(2025, "c030202")]
    with serve(site) as url:
        code, _, err = fetch_cli(
            capsys, url, tmp_path / "lib", "--edition", "2025", "--chapter", "3"
        )
    assert code == 1
    assert "c030202.html: error: listed in the table of contents, but the site says 404" in err
    pack = load_library(tmp_path / "lib").packs["2025-3"]
    assert {"3.1.1", "3.1.2", "3.2.1"} <= set(pack.sections) and "3.2.2" not in pack.sections


@pytest.mark.parametrize(
    "body",
    [
        b"Sorry, this page is not available.",
        b"<!DOCTYPE html><html><head><title>Diplomatic Bluebook 2025 | Error</title></head>"
        b"<body><header><p>Diplomatic Bluebook 2025</p></header><div id='contents'>"
        b"<p>Sorry, this page is not available.</p><p>Back to the home page</p></div></body>"
        b"</html>",
    ],
    ids=["plain", "in-the-site-template"],
)
def test_a_site_error_page_answered_with_200_is_refused_and_the_rest_imported(
    capsys, tmp_path, site, body
):
    site.files[url_path(2025, "c030102")] = body
    lib = tmp_path / "lib"
    with serve(site) as url:
        code, _, err = fetch_cli(capsys, url, lib, "--edition", "2025", "--chapter", "3")
    assert code == 1
    raw = raw_dir(lib, 2025) / "c030102.html"
    assert f"{raw}:1: error: not a page of the Bluebook" in err
    assert f"(from {url.rstrip('/')}/2025/en_html/chapter3/c030102.html)" in err
    assert "1 page(s) not imported" in err
    pack = load_library(lib).packs["2025-3"]
    assert {"3.1.1", "3.2.1", "3.2.2"} <= set(pack.sections) and "3.1.2" not in pack.sections
    assert not any("Sorry" in p.text for p in pack.paragraphs.values())


NOT_ASCII = "Japan\u2019s partners \u2014 the \u201cRules\u201d group"
JAPANESE = "\u5916\u52d9\u7701 (MOFA)"


def _with_words(site, page, words, codec, meta=None):
    """The page with one more paragraph, `words`, in `codec` (and its <meta> charset `meta`)."""
    path = url_path(2025, page)
    html = site.files[path].decode().replace("<h3>", f"<p>{words}.</p>\n<h3>", 1)
    if meta is not None:
        html = html.replace('<meta charset="utf-8">', meta)
    site.files[path] = html.encode(codec)
    return path


@pytest.mark.parametrize(
    ("content_type", "meta", "codec", "words"),
    [
        # The HTTP header wins over the page's own (here wrong) <meta>, as in a browser.
        ("text/html; charset=windows-1252", None, "cp1252", NOT_ASCII),
        ("text/html", '<meta charset="shift_jis">', "shift_jis", JAPANESE),
        (
            None,
            '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">',
            "shift_jis",
            JAPANESE,
        ),
    ],
    ids=["http-header", "meta-charset", "meta-http-equiv"],
)
def test_a_page_in_its_declared_charset_is_fetched_and_imported(
    capsys, tmp_path, site, content_type, meta, codec, words
):
    path = _with_words(site, "c030201", words, codec, meta)
    site.types[path] = content_type
    lib = tmp_path / "lib"
    with serve(site) as url:
        code, _, err = fetch_cli(capsys, url, lib, "--edition", "2025", "--chapter", "3")
    assert code == 0, err
    pack = load_library(lib).packs["2025-3"]
    assert [p.text for p in pack.sections["3.2"].paragraphs] == [f"{words}."]
    # A second run finds the kept copy unchanged.
    with serve(site) as url:
        code, out, err = fetch_cli(capsys, url, lib, "--edition", "2025", "--chapter", "3")
    assert code == 0 and "4 unchanged" in out, err


@pytest.mark.parametrize(
    ("content_type", "message"),
    [
        ("text/html; charset=klingon-8", "unknown charset 'klingon-8'"),
        ("text/html; charset=shift_jis", "not shift_jis text (illegal multibyte sequence)"),
    ],
    ids=["unknown", "bad-bytes"],
)
def test_a_page_that_does_not_decode_is_named_and_not_kept(
    capsys, tmp_path, site, content_type, message
):
    path = _with_words(site, "c030201", "\x82", "latin-1")
    site.types[path] = content_type
    lib = tmp_path / "lib"
    with serve(site) as url:
        code, _, err = fetch_cli(capsys, url, lib, "--edition", "2025", "--chapter", "3")
    assert code == 1 and "Traceback" not in err
    assert f"{url.rstrip('/')}/2025/en_html/chapter3/c030201.html: error: {message}\n" in err
    assert not (raw_dir(lib, 2025) / "c030201.html").exists()
    assert "3.1.1" in load_library(lib).packs["2025-3"].sections


TOC_2025 = "/policy/other/bluebook/2025/en_html/index.html"


@pytest.mark.parametrize(
    ("content_type", "reason"),
    [
        ("text/plain; charset=utf-8", "the site answered text/plain, not a web page"),
        ("text/html; charset=klingon-8", "unknown charset 'klingon-8'"),
        ("text/html; charset=shift_jis", "not shift_jis text (illegal multibyte sequence)"),
    ],
    ids=["text-plain", "unknown-charset", "bad-bytes"],
)
def test_a_table_of_contents_that_cannot_be_read_falls_back_to_probing(
    capsys, tmp_path, site, content_type, reason
):
    site.files[TOC_2025] = site.files[TOC_2025].replace(b"<h1>", b"<h1>\x82")
    site.types[TOC_2025] = content_type
    lib = tmp_path / "lib"
    with serve(site) as url:
        code, out, err = fetch_cli(capsys, url, lib, "--edition", "2025", "--chapter", "3")
    toc = f"{url.rstrip('/')}/2025/en_html/index.html"
    assert code == 0 and "Traceback" not in err, err
    assert (
        f"{toc}: warning: the table of contents cannot be read ({reason}); pages found by probing\n"
    ) in err
    assert "edition 2025: 4 page(s) by probing" in out
    assert {s.page for s in load_library(lib).packs["2025-3"].sections.values() if s.page} == {
        p for y, p in EXISTING if y == 2025
    }


def test_a_table_of_contents_not_modified_is_read_in_its_own_charset(capsys, tmp_path, site):
    # Kept as served (UTF-16 behind its byte order mark), read again on "304 not modified".
    site.files[TOC_2025] = codecs.BOM_UTF16_LE + site.files[TOC_2025].decode().encode("utf-16-le")
    site.types[TOC_2025] = "text/html"
    lib = tmp_path / "lib"
    for _ in range(2):
        site.seen.clear()
        with serve(site) as url:
            code, out, err = fetch_cli(capsys, url, lib, "--edition", "2025", "--chapter", "3")
        assert code == 0, err
        assert "edition 2025: 4 page(s) by table of contents" in out
    assert [s.status for s in site.requests_to(TOC_2025)] == [304]


def test_a_kept_table_of_contents_that_no_longer_decodes_falls_back_to_probing(
    capsys, tmp_path, site
):
    lib = tmp_path / "lib"
    with serve(site) as url:
        fetch_cli(capsys, url, lib, "--edition", "2025", "--chapter", "3")
        kept = raw_dir(lib, 2025) / "index-en_html.html"
        kept.write_bytes(b'<meta charset="unicode_escape">' + kept.read_bytes())
        code, out, err = fetch_cli(capsys, url, lib, "--edition", "2025", "--chapter", "3")
    assert code == 0, err
    assert f"the table of contents cannot be read (the kept copy {kept}: unknown charset" in err
    assert "edition 2025: 4 page(s) by probing" in out


def test_an_answer_that_is_no_web_page_is_refused_and_not_kept(capsys, tmp_path, site):
    pdf = url_path(2025, "c030102")
    site.files[pdf] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
    site.types[pdf] = "application/pdf"
    site.types[url_path(2025, "c030201")] = "application/xhtml+xml; charset=utf-8"
    site.types[url_path(2025, "c030202")] = None  # no Content-Type: taken as a page
    lib = tmp_path / "lib"
    with serve(site) as url:
        code, out, err = fetch_cli(capsys, url, lib, "--edition", "2025", "--chapter", "3")
    page = f"{url.rstrip('/')}/2025/en_html/chapter3/c030102.html"
    assert code == 1
    assert f"{page}: error: the site answered application/pdf, not a web page\n" in err
    assert "c030102 downloaded" not in out and "not UTF-8" not in out + err
    assert not (raw_dir(lib, 2025) / "c030102.html").exists()
    pack = load_library(lib).packs["2025-3"]
    assert {"3.1.1", "3.2.1", "3.2.2"} <= set(pack.sections) and "3.1.2" not in pack.sections


def test_the_summary_counts_every_page_not_imported_and_comes_last(capsys, tmp_path, site):
    site.files[url_path(2025, "c030102")] = b"Sorry, this page is not available."  # refused
    site.faults[url_path(2025, "c030201")] = ["500"] * 4  # failed
    del site.files[url_path(2025, "c030202")]  # missing
    lib = tmp_path / "lib"
    with serve(site) as url:
        code, out, err = fetch_cli(capsys, url, lib, "--edition", "2025", "--chapter", "3")
    assert code == 1
    assert "c030201.html: error: HTTP 500 after 4 tries" in err
    assert "c030202.html: error: listed in the table of contents, but the site says 404" in err
    assert "c030102.html:1: error: not a page of the Bluebook" in err
    assert err.splitlines()[-1] == "error: 3 page(s) not imported (listed above); the others were"
    assert out.splitlines()[-2:] == [
        f"wrote 1 page(s) to {lib / '2025' / 'chapter3'}; content check: 0 error(s), 2 warning(s)",
        f"serve or check it with `--content {lib}`",
    ]
    assert {s.page for s in load_library(lib).packs["2025-3"].sections.values()} == {"c030101"}


def test_what_a_fetch_did_goes_to_stdout_and_what_went_wrong_to_stderr(capsys, tmp_path, site):
    site.faults[url_path(2025, "c030201")] = ["500"] * 4
    lib = tmp_path / "lib"
    with serve(site) as url:
        code, out, err = fetch_cli(capsys, url, lib, "--edition", "2025", "--chapter", "3")
    assert code == 1
    # Every line of stderr is an error or a warning; no line of stdout is.
    problems = re.compile(r"^(?:error|warning): |: (?:error|warning): ")
    assert err and all(problems.search(line) for line in err.splitlines()), err
    assert not any(problems.search(line) for line in out.splitlines()), out
    assert out.splitlines()[:3] == [
        "2025 c030101 downloaded",
        "2025 c030102 downloaded",
        f"2025 c030201 failed: {url.rstrip('/')}/2025/en_html/chapter3/c030201.html: "
        "HTTP 500 after 4 tries",
    ]
    for result in ("edition 2025: 4 page(s) by table of contents", "request(s) to", "outline:"):
        assert result in out


def _factless(year, lib, drawn=None):
    """The warning a fetch gives an edition written to that has no facts yet."""
    instead = f"use {drawn}'s" if drawn else "wait for some"
    nor = "" if drawn else ", nor has any other edition"
    return (
        f"warning: {year} has no facts yet{nor}: /fact and the fact of the day {instead}. "
        f"Draft some with `bluebook-bot --content {lib} content facts suggest --edition {year} "
        "--write`, write each draft's headline and remove `draft: true` to confirm it, then "
        "run `/reload`."
    )


def test_a_fetched_edition_without_facts_is_warned_of_with_whose_facts_are_used(
    capsys, tmp_path, site
):
    """A fresh fetch has no facts: the summary says so, as /reload does, with whose facts
    /fact and the fact of the day use meanwhile and how to add some; an edition written to
    that has facts is not named."""
    lib = tmp_path / "lib"
    with serve(site) as url:
        code, _, err = fetch_cli(capsys, url, lib, "--edition", "2024", "--chapter", "3")
        assert code == 0, err
        assert err.splitlines() == [_factless(2024, lib)]
        facts = lib / "2024" / "chapter3" / "facts.yaml"
        facts.write_text(
            "facts:\n"
            "  - id: region-more-severe\n"
            "    headline: The region grew more severe\n"
            "    quote: The regional environment grew more severe in 2024.\n"
            "    ref: 3.1.1(1)¶1\n"
            "    tags: [region]\n",
            "utf-8",
        )
        code, _, err = fetch_cli(
            capsys, url, lib, "--edition", "2024", "--edition", "2025", "--chapter", "3"
        )
    assert code == 0, err
    assert [line for line in err.splitlines() if "facts" in line] == [
        _factless(2025, lib, drawn=2024)
    ]
    assert load_library(lib).facts_key("2025-3") == "2024-3"


def _request(tmp_path, url, editions=(2025,), **options):
    return FetchRequest(
        library=tmp_path / "lib",
        chapter=3,
        editions=editions,
        site=url,
        options=FetchOptions(delay=0, backoff=0, **options),
    )


def test_429_waits_as_long_as_retry_after_says(tmp_path, site):
    path = url_path(2025, "c030102")
    site.faults[path] = ["429"]
    site.retry_after = "7"
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    with serve(site) as url:
        result = asyncio.run(fetch(_request(tmp_path, url), sleep=sleep))
    assert not result.error
    assert [s.status for s in site.requests_to(path)] == [429, 200]
    assert waits == [7.0]
    assert len(result.editions[0].files) == 4


def test_a_retry_after_longer_than_allowed_is_a_clear_error(tmp_path, site):
    path = url_path(2025, "c030101")
    site.faults[path] = ["429"]
    site.retry_after = "86400"
    with serve(site) as url:
        result = asyncio.run(fetch(_request(tmp_path, url)))
    page = result.editions[0].pages[0]
    assert page.outcome == FAILED and "asks to wait 86400 s" in page.reason


def test_500_then_success_and_a_time_out_are_retried(tmp_path, site):
    failing, slow = url_path(2025, "c030101"), url_path(2025, "c030201")
    site.faults[failing] = ["500", "503"]
    site.faults[slow] = ["sleep:2"]
    with serve(site) as url:
        result = asyncio.run(fetch(_request(tmp_path, url, timeout=0.5)))
    assert not result.error
    assert [s.status for s in site.requests_to(failing)] == [500, 503, 200]
    assert len(site.requests_to(slow)) == 2  # the slow answer came after the time-out
    assert {p.outcome for p in result.editions[0].pages} == {"downloaded"}


def test_a_page_that_keeps_failing_is_named_and_the_rest_imported(capsys, tmp_path, site):
    path = url_path(2025, "c030202")
    site.faults[path] = ["500"] * 4
    with serve(site) as url:
        code, _, err = fetch_cli(
            capsys, url, tmp_path / "lib", "--edition", "2025", "--chapter", "3"
        )
    assert code == 1
    assert (
        f"{url.rstrip('/')}/2025/en_html/chapter3/c030202.html: error: HTTP 500 after 4 tries"
        in err
    )
    pack = load_library(tmp_path / "lib").packs["2025-3"]
    assert "3.2.1" in pack.sections and "3.2.2" not in pack.sections


def test_a_redirect_loop_is_named_as_one(capsys, tmp_path, site):
    path = url_path(2025, "c030102")
    site.moved[path] = path
    with serve(site) as url:
        code, out, err = fetch_cli(
            capsys, url, tmp_path / "lib", "--edition", "2025", "--chapter", "3"
        )
    page = f"{url.rstrip('/')}/2025/en_html/chapter3/c030102.html"
    assert code == 1
    assert f"{page}: error: too many redirects (10 in a row; a redirect loop?)\n" in err
    assert f"2025 c030102 failed: {page}: too many redirects" in out
    assert "message=" not in out + err
    assert len(site.requests_to(path)) == 10  # not retried
    pack = load_library(tmp_path / "lib").packs["2025-3"]
    assert "3.1.1" in pack.sections and "3.1.2" not in pack.sections


def test_robots_txt_is_honoured(capsys, tmp_path):
    disallowed = url_path(2024, "c030102")
    site = SampleSite(build_site(robots=f"User-agent: *\nDisallow: {disallowed}\n"))
    with serve(site) as url:
        code, _, err = fetch_cli(
            capsys, url, tmp_path / "lib", "--edition", "2024", "--chapter", "3"
        )
    assert code == 0, err
    assert site.requests_to(disallowed) == []
    assert "c030102.html: warning: robots.txt disallows it" in err
    pack = load_library(tmp_path / "lib").packs["2024-3"]
    assert "3.1.1" in pack.sections and "3.1.2" not in pack.sections
    assert DISALLOWED  # the outcome's name, as printed by the summary


def _fetch_process(url: str, lib: Path, output: int) -> subprocess.Popen:
    """`content fetch` of the 2025 edition from `url` in a real process of its own."""
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))",
            *("content", "fetch", "--site", url, "--out", str(lib), "--delay", "0"),
            *("--edition", "2025", "--chapter", "3"),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=output,
        stderr=output,
        text=True,
    )


def test_an_interrupted_run_resumes_where_it_stopped(tmp_path, site):
    """A real process killed while it waits for a page; the next run fetches only the rest."""
    lib = tmp_path / "lib"
    hang = url_path(2025, "c030201")
    site.faults[hang] = ["hang"]
    with serve(site) as url:
        proc = _fetch_process(url, lib, subprocess.DEVNULL)
        try:
            assert site.hanging.wait(60), "the fetch never reached the page"
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
        raw = raw_dir(lib, 2025)
        assert sorted(p.name for p in raw.glob("c*.html")) == ["c030101.html", "c030102.html"]
        assert not (lib / "2025").exists()  # nothing imported yet
        site.seen.clear()
        result = asyncio.run(fetch(_request(tmp_path, url)))
    by_page = {p.page.__str__(): p.outcome for p in result.editions[0].pages}
    assert by_page == {
        "c030101": "unchanged",
        "c030102": "unchanged",
        "c030201": "downloaded",
        "c030202": "downloaded",
    }
    assert not list(raw.glob("*.part-*"))


def _lines_so_far(stream: IO[str], count: int) -> list[str]:
    """The first `count` lines a running process has written to `stream`, read as they
    arrive: a line still in the process's own buffer never does (then fewer, after 30 s)."""
    data = b""
    while data.count(b"\n") < count:
        ready, _, _ = select.select([stream], [], [], 30)
        chunk = os.read(stream.fileno(), 4096) if ready else b""
        if not chunk:
            break
        data += chunk
    return data.decode().splitlines()[:count]


def test_ctrl_c_keeps_the_lines_printed_and_says_how_to_resume(tmp_path, site):
    """`content fetch ... | tee log`, and Ctrl-C while it waits for a page, which stops tee as
    well: every line printed was in the pipe when printed, and the real process sent SIGINT
    says how to resume, exit code 130."""
    lib = tmp_path / "lib"
    site.faults[url_path(2025, "c030201")] = ["hang"]
    with serve(site) as url:
        proc = _fetch_process(url, lib, subprocess.PIPE)
        try:
            assert site.hanging.wait(60), "the fetch never reached the page"
            assert proc.stdout is not None and proc.stderr is not None
            printed = _lines_so_far(proc.stdout, 2)
            proc.stdout.close()  # the reader stops with the same Ctrl-C
            proc.send_signal(signal.SIGINT)
            proc.wait(30)
            err = proc.stderr.read()
        finally:
            proc.kill()
            proc.wait(30)
    assert printed == ["2025 c030101 downloaded", "2025 c030102 downloaded"]
    assert proc.returncode == 130
    assert err.splitlines() == ["interrupted: run the same command again to resume"]
    assert (raw_dir(lib, 2025) / "c030102.html").exists()


def test_a_fetch_whose_output_is_closed_stops_and_says_so(tmp_path, site):
    """`content fetch ... | head -2`: the next line finds no reader, and the run stops there
    as for Ctrl-C (what it kept is whole), instead of fetching on, or exiting 0 unheard."""
    lib = tmp_path / "lib"
    site.faults[url_path(2025, "c030201")] = ["hang"]
    with serve(site) as url:
        proc = _fetch_process(url, lib, subprocess.PIPE)
        try:
            assert site.hanging.wait(60), "the fetch never reached the page"
            assert proc.stdout is not None and proc.stderr is not None
            proc.stdout.close()
            site.release.set()  # the page is answered; its line has no one to read it
            proc.wait(60)
            err = proc.stderr.read()
        finally:
            proc.kill()
            proc.wait(30)
    assert proc.returncode == 1
    assert err.splitlines() == [
        "stopped: the output was closed; run the same command again to resume"
    ]
    assert (raw_dir(lib, 2025) / "c030201.html").exists()
    assert not (lib / "2025").exists()  # nothing imported


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--edition", "25", "--chapter", "3"), "give a year like 2025"),
        (("--chapter", "3"), "name the editions"),
        (("--edition", "2025"), "name the chapter"),
        (("--edition", "2025", "--pages", "x1"), "not a page id"),
        (("--edition", "all", "--edition", "2025", "--chapter", "3"), "drop the years"),
    ],
)
def test_bad_options_are_one_line(capsys, tmp_path, args, message):
    code, out, err = run(capsys, "content", "fetch", "--out", tmp_path, "--delay", "0", *args)
    assert code == 2 and out == "" and message in err  # a usage mistake, as elsewhere
    assert len(err.strip().splitlines()) == 1


def test_an_unreachable_site_is_one_clear_error(capsys, tmp_path):
    code, out, err = run(
        capsys,
        "content",
        "fetch",
        "--site",
        "http://127.0.0.1:9/",
        "--out",
        tmp_path / "lib",
        "--delay",
        "0",
        "--edition",
        "2025",
        "--chapter",
        "3",
        "--timeout",
        "2",
    )
    assert code == 1 and "Traceback" not in err and "Error" not in err  # no class names
    assert err.splitlines() == [
        "error: http://127.0.0.1:9/robots.txt: could not connect (connection refused) "
        "after 4 tries",
        "error: nothing to import",
    ]
    assert out.splitlines() == ["4 request(s) to http://127.0.0.1:9/"]


def test_one_request_at_a_time_with_the_delay_and_a_user_agent(tmp_path, site):
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)  # recorded, not slept: no test waits on the clock

    request = FetchRequest(
        library=tmp_path / "lib", chapter=3, editions=(2024,), site="", options=FetchOptions()
    )
    assert request.options.delay >= 1
    with serve(site) as url:
        request = FetchRequest(request.library, 3, (2024,), site=url)
        result = asyncio.run(fetch(request, sleep=sleep))
    assert not result.error and result.requests == len(site.seen) == 5
    # Before every request but the first, the client waited for what was left of the delay.
    assert len(waits) == len(site.seen) - 1 and all(0.5 < w <= 1 for w in waits)
    agents = {s.headers.get("User-Agent", "") for s in site.seen}
    assert len(agents) == 1 and agents.pop().startswith("bluebook-bot/")


def test_strict_fetch_imports_nothing_when_a_page_warns(capsys, tmp_path, site):
    path = url_path(2025, "c030201")
    site.files[path] = site.files[path].replace(
        b"<p>Japan promoted", b"<h3>1 Trade Rules Again</h3><p>Japan promoted"
    )
    lib = tmp_path / "lib"
    with serve(site) as url:
        code, _, err = fetch_cli(
            capsys, url, lib, "--edition", "2025", "--chapter", "3", "--strict"
        )
    assert code == 1 and "nothing written" in err
    assert "looks like a heading but does not fit" in err
    assert not (lib / "2025").exists() and (raw_dir(lib, 2025) / "c030201.html").exists()


def test_chapter_0_is_named_as_the_problem(capsys, tmp_path, site):
    with serve(site) as url:
        code, _, err = fetch_cli(capsys, url, tmp_path / "lib", "--edition", "2025", "--chapter", 0)
    assert code == 2 and "--chapter 0: a chapter number is 1 or more" in err


def _connector_error(kind: type[aiohttp.ClientConnectorError], os_error: OSError):
    key = types.SimpleNamespace(host="bluebook.invalid", port=443, ssl=True)
    return kind(key, os_error)


@pytest.mark.parametrize("has_dns_error", [True, False], ids=["aiohttp-3.10.10+", "older"])
def test_a_connection_failure_is_named_on_every_aiohttp_allowed(monkeypatch, has_dns_error):
    # pyproject allows aiohttp>=3.9; ClientConnectorDNSError came in 3.10.10, before it a host
    # not found was a ClientConnectorError around a socket.gaierror.
    dns = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    if has_dns_error:
        failure = _connector_error(aiohttp.ClientConnectorDNSError, dns)
    else:
        monkeypatch.delattr(aiohttp, "ClientConnectorDNSError")
        failure = _connector_error(aiohttp.ClientConnectorError, dns)
    assert connection_failure(failure) == "could not connect (host not found)"
    refused = ConnectionRefusedError(errno.ECONNREFUSED, "refused")
    assert (
        connection_failure(_connector_error(aiohttp.ClientConnectorError, refused))
        == "could not connect (connection refused)"
    )
    assert connection_failure(aiohttp.ServerDisconnectedError()) == "the site closed the connection"


def test_an_edition_the_site_does_not_list_is_named_with_those_it_lists(capsys, tmp_path, site):
    with serve(site) as url:
        code, out, err = fetch_cli(
            capsys, url, tmp_path / "lib", "--edition", "2022", "--chapter", 3
        )
    assert code == 1 and "edition 2022: 0 page(s) by probing: no pages" in out
    assert err.splitlines() == ["error: the site lists no 2022 edition; it lists 2019, 2024, 2025"]
    # Beside an edition that imports, the same line is a warning.
    with serve(site) as url:
        code, _, err = fetch_cli(
            capsys, url, tmp_path / "lib", "--edition", "2024", "--edition", "2022", "--chapter", 3
        )
    assert code == 0
    assert "warning: the site lists no 2022 edition; it lists 2019, 2024, 2025" in err.splitlines()


def test_a_chapter_the_table_of_contents_does_not_list_is_named_with_those_it_lists(
    capsys, tmp_path, site
):
    with serve(site) as url:
        code, out, err = fetch_cli(
            capsys, url, tmp_path / "lib", "--edition", "2025", "--chapter", 5
        )
    assert code == 1 and "edition 2025: 0 page(s) by probing: no pages" in out
    assert err.splitlines() == [
        "error: the 2025 table of contents lists no chapter 5; it lists chapters 2, 3"
    ]


def test_an_edition_missing_when_the_index_cannot_be_read_says_nothing_to_import(
    capsys, tmp_path, site
):
    del site.files[ROOT_INDEX]
    with serve(site) as url:
        code, _, err = fetch_cli(capsys, url, tmp_path / "lib", "--edition", "2022", "--chapter", 3)
    assert code == 1 and err.splitlines() == ["error: nothing to import"]
    # An edition the index lists, without a table of contents to tell its chapters: the same.
    site.files = build_site()
    with serve(site) as url:
        code, _, err = fetch_cli(capsys, url, tmp_path / "lib", "--edition", "2019", "--chapter", 5)
    assert code == 1 and err.splitlines() == ["error: nothing to import"]

"""A sample of the publisher's site, written for these tests, served on 127.0.0.1.

Three editions of an invented Chapter 3:
- 2019 under `/html/`, without a table of contents (found by probing), in the older
  editions' shapes (`1.Title`, `(1)Title`, `A. Title`, a footnote digit glued to a title,
  "• 3 ..." and "*1 ..." footnotes, photo captions); section 1 lacks part 3.
- 2024 and 2025 under `/en_html/`, each with a table of contents (which also lists a page of
  another chapter); 2025 has a long paragraph with a cross-reference and an inline list.
Every page carries a real site's clutter: header, navigation, breadcrumbs, "page top"
links, footer, scripts, images with captions.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = "/policy/other/bluebook/"
LAST_MODIFIED = "Tue, 01 Apr 2025 09:00:00 GMT"
CHAPTER_TITLE = "Japan's Foreign Policy for a Sample of Interests"

LONG = (
    "Japan worked with its partners throughout the year to keep sea lanes open, holding "
    "consultations with coastal states and training their coast guards."
)


def _page(edition: int, folder: str, title: str, body: str, canonical: bool) -> str:
    link = (
        f'<link rel="canonical" href="https://www.mofa.go.jp{ROOT}{edition}/{folder}/'
        f'chapter3/{{page}}.html">'
        if canonical
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Diplomatic Bluebook {edition} | {title} | Ministry of Foreign Affairs of Japan</title>
{link}
<script>var pageTracker = "1 Not A Heading";</script>
</head>
<body>
<div id="top"></div>
<header><p>Ministry of Foreign Affairs of Japan</p><p>Diplomatic Bluebook {edition}</p>
<form role="search"><input name="q"><button>Search</button></form></header>
<nav><ul><li><a href="{ROOT}index.html">Home</a></li><li><a href="#">2 Next Part</a></li>
</ul></nav>
<div id="breadcrumbs"><a href="/">Home</a> &gt; <a href="{ROOT}index.html">Diplomatic
Bluebook</a> &gt; Chapter 3</div>
<div id="contents">
{body}
<p class="to-top"><a href="#top">Page top</a></p>
</div>
<footer><p>Back to Top</p><p>&copy; Ministry of Foreign Affairs of Japan</p></footer>
<script src="/js/site.js"></script>
</body>
</html>
"""


PHOTO = (
    '<div class="photo"><img src="p.jpg" alt="The Minister">'
    '<p class="caption">The Foreign Minister at the meeting (May 3, Tokyo)</p></div>'
)
FIGURE = '<figure><img src="f.png" alt=""><figcaption>Leaders at the summit</figcaption></figure>'

OLD_PAGES = {
    "c030101": (
        "<h1>Chapter 3 " + CHAPTER_TITLE + "</h1>\n<h2>Section 1 Peace and Stability</h2>\n"
        "<h3>1.Security Policy</h3>\n<h4>(1)Regional Environment</h4>\n"
        "<p>The regional environment grew more severe during the year.</p>\n" + PHOTO + "\n"
        "<h5>A. Maritime Domain</h5>\n<p>Patrols near the islands increased.</p>\n"
        "<p>2.5 million tonnes of cargo passed the strait every day.</p>\n"
        "<h5>B. Air Domain</h5>\n<p>Scrambles by fighter aircraft rose again.</p>\n"
        "<h4>(2)Peaceful Uses of Nuclear Energy3</h4>\n"
        "<p>Japan supports the safe use of nuclear power.</p>\n"
        "<p>&bull; 3 For more details, see the sample agency's annual report.</p>\n"
    ),
    "c030102": (
        "<h3>2.Disarmament</h3>\n<p>Japan called for a world without nuclear weapons.</p>\n"
        + FIGURE
        + "\n<p>A. Smith said the talks would continue next year.</p>\n"
    ),
    "c030104": "<h3>4. Sample Fourth Part</h3>\n<p>The fourth part follows a missing third.</p>\n",
    "c030201": (
        "<h2>Section 2 Economic Diplomacy</h2>\n<h3>1.Trade Rules</h3>\n"
        "<p>Japan promoted free trade in the region*1.</p>\n"
        "<p>*1 The ministers met twice in the year.</p>\n"
    ),
    "c030202": "<h3>2.Investment</h3>\n<p>Investment treaties were signed with 3 countries.</p>\n",
}

NEW_PAGES = {
    "c030101": (
        "<h1>Chapter 3<br>" + CHAPTER_TITLE + "</h1>\n<h2>Section 1 Peace and Stability</h2>\n"
        "<h3>1 Security Policy</h3>\n<h4>(1) Regional Environment</h4>\n"
        "<p>The regional environment grew more severe in {edition}.</p>\n" + PHOTO + "\n"
        "<h4>(2) Alliances</h4>\n<p>The alliance remained the cornerstone of security.</p>\n"
    ),
    "c030102": (
        "<h3>2 Maritime Security</h3>\n<p>"
        + " ".join([LONG] * 6)
        + " (see Chapter 3, Section 1, 4 (3) C.) It set three priorities: (1) Asia, (2) Europe "
        "and (3) Africa. " + " ".join([LONG] * 6) + "</p>\n"
    ),
    "c030201": (
        "<h2>Section 2 Economic Diplomacy</h2>\n<h3>1 Trade Rules</h3>\n"
        "<p>Japan promoted free trade in {edition}.</p>\n"
    ),
    "c030202": "<h3>2 Investment</h3>\n<p>Investment treaties were signed with 3 countries.</p>\n",
}

EDITIONS = {
    2019: ("html", OLD_PAGES, False),
    2024: ("en_html", {k: v for k, v in NEW_PAGES.items() if k != "c030202"}, True),
    2025: ("en_html", NEW_PAGES, True),
}


def _toc(edition: int, folder: str, pages: dict[str, str]) -> str:
    links = "".join(f'<li><a href="chapter3/{p}.html">{p}</a></li>' for p in pages)
    links += '<li><a href="chapter2/c020101.html">Chapter 2</a></li>'
    return f"<html><body><h1>Diplomatic Bluebook {edition}</h1><ul>{links}</ul></body></html>"


def build_site(robots: str = "User-agent: *\nDisallow: /private/\n") -> dict[str, bytes]:
    """Every path the site serves and its bytes."""
    files: dict[str, bytes] = {"/robots.txt": robots.encode()}
    index = "".join(f'<a href="{y}/{f}/index.html">{y}</a>' for y, (f, _, _) in EDITIONS.items())
    files[ROOT + "index.html"] = f"<html><body>{index}</body></html>".encode()
    for edition, (folder, pages, has_toc) in EDITIONS.items():
        base = f"{ROOT}{edition}/{folder}/"
        if has_toc:
            files[base + "index.html"] = _toc(edition, folder, pages).encode()
        for page, body in pages.items():
            html = _page(edition, folder, page, body.format(edition=edition), has_toc)
            files[f"{base}chapter3/{page}.html"] = html.replace("{page}", page).encode()
    return files


def url_path(edition: int, page: str) -> str:
    folder = EDITIONS[edition][0]
    return f"{ROOT}{edition}/{folder}/chapter3/{page}.html"


@dataclass
class Seen:
    path: str
    status: int
    headers: dict[str, str]


@dataclass
class SampleSite:
    """The site's files, the requests it saw, and faults to answer with, path by path.

    A fault is a status (answered once, then removed), "sleep:S" (answer after S seconds) or
    "hang" (wait until `release` is set). `types` gives a path's Content-Type other than
    "text/html; charset=utf-8" (None: no Content-Type at all); `moved` a path answered with
    302 and that Location, every time."""

    files: dict[str, bytes]
    types: dict[str, str | None] = field(default_factory=dict)
    moved: dict[str, str] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    faults: dict[str, list[str]] = field(default_factory=dict)
    retry_after: str = "1"
    release: threading.Event = field(default_factory=threading.Event)
    hanging: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def pages_seen(self) -> list[Seen]:
        return [s for s in self.seen if "/chapter3/" in s.path]


def _handler(site: SampleSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            seen = Seen(path, 0, dict(self.headers.items()))
            with site.lock:
                site.seen.append(seen)  # on arrival: a request the client gave up on counts
                faults = site.faults.get(path) or []
                fault = faults.pop(0) if faults else None
            if fault == "hang":
                site.hanging.set()
                site.release.wait(30)
            elif fault is not None and fault.startswith("sleep:"):
                time.sleep(float(fault.split(":")[1]))
            seen.status = self._answer(path, fault)

        def _answer(self, path: str, fault: str | None) -> int:
            if fault is not None and fault.isdigit():
                self.send_response(int(fault))
                if fault == "429":
                    self.send_header("Retry-After", site.retry_after)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return int(fault)
            if path in site.moved:
                self.send_response(302)
                self.send_header("Location", site.moved[path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return 302
            body = site.files.get(path)
            if body is None:
                self.send_error(404)
                return 404
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return 304
            self.send_response(200)
            kind = site.types.get(path, "text/html; charset=utf-8")
            if kind is not None:
                self.send_header("Content-Type", kind)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", LAST_MODIFIED)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return 200

    return Handler


@contextmanager
def serve(site: SampleSite) -> Iterator[str]:
    """Serve `site` on 127.0.0.1 in a thread; yields the `--site` address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{ROOT}"
    finally:
        site.release.set()
        server.shutdown()
        server.server_close()

"""Every answer links to the page it quotes, in a pack imported from two sample pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.lookups.extract import Lookup
from bot.pack.importer import import_pages
from bot.pack.loader import load_pack
from bot.pack.model import Fact
from bot.pack.refs import RefIndex
from bot.replies.facts import fact_embed
from bot.replies.fotd import post_embed
from bot.replies.lookups import lookup_embed
from bot.replies.search import result_embed
from bot.replies.section import section_reply
from bot.replies.verify import verify_reply
from bot.search.engine import SearchEngine
from bot.search.verify import verify_quote

SAMPLES = Path(__file__).resolve().parents[1] / "pack" / "samples"
PAGE = "https://www.mofa.go.jp/policy/other/bluebook/2030/en_html/chapter4/{}.html"
ODA = "reached 2.4 trillion yen on a grant-equivalent basis"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("pack")
    import_pages([SAMPLES / "c040205.txt", SAMPLES / "c040207.txt"], out)
    (out / "facts.yaml").write_text(
        "facts:\n"
        "  - id: oda-2029\n"
        "    headline: Japan's ODA in 2029\n"
        f"    quote: {ODA}\n"
        "    ref: 4.2.7(2)¶1\n",
        encoding="utf-8",
    )
    pack = load_pack(out)
    return pack, SearchEngine.build(pack)


def test_search_result_links_to_its_page(imported):
    pack, engine = imported
    top = engine.search("Official Development Assistance trillion yen").results[0]
    assert top.section_ref == "4.2.7(2)"
    assert result_embed(pack, top, position="1")["url"] == PAGE.format("c040207")
    top = engine.search("Osaka Track data flows").results[0]
    assert result_embed(pack, top, position="1")["url"] == PAGE.format("c040205")


def test_section_reply_links_to_its_page(imported):
    pack, _ = imported
    for ref, page in (("4.2.7(2).A", "c040207"), ("4.2.5(2).A(A)(b)", "c040205")):
        reply = section_reply(pack, pack.sections[ref], owner=1)
        assert reply.embeds[0]["url"] == PAGE.format(page)


def test_fact_and_fact_of_the_day_link_to_the_quoted_page(imported):
    pack, _ = imported
    fact: Fact = pack.fact_by_id["oda-2029"]
    assert fact_embed(pack, fact)["url"] == PAGE.format("c040207")
    assert post_embed(pack, fact, date(2030, 1, 1))["url"] == PAGE.format("c040207")


def test_lookups_link_to_the_quoted_page(imported):
    pack, engine = imported
    refs = RefIndex(pack)
    embed, ref, _ = lookup_embed(pack, engine, refs, Lookup("ref", "4.2.7(1)", "4.2.7(1)"))
    assert (ref, embed["url"]) == ("4.2.7(1)", PAGE.format("c040207"))
    embed, _, _ = lookup_embed(pack, engine, refs, Lookup("query", "CPTPP", "cptpp", words="CPTPP"))
    assert embed["url"] == PAGE.format("c040205")


def test_verify_links_to_the_page_of_the_passage(imported):
    pack, engine = imported
    reply = verify_reply(pack, verify_quote(engine, ODA))
    assert reply.embeds[0]["url"] == PAGE.format("c040207")

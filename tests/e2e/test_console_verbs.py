"""The console's verbs against the real bot: buttons, menu, edits, reactions, autocomplete."""

from __future__ import annotations

import asyncio
import io

from localdiscord import ConsoleSession


def _session(bluebook, idle: float = 0.05) -> tuple[ConsoleSession, io.StringIO]:
    out = io.StringIO()
    return ConsoleSession(bluebook.server, out, timeout=10, idle=idle), out


async def _say(console: ConsoleSession, out: io.StringIO, line: str) -> str:
    start = len(out.getvalue())
    await console.handle_line(line)
    return out.getvalue()[start:]


async def test_press_turns_a_section_page(bluebook):
    console, out = _session(bluebook)
    first = await _say(console, out, "/section 3.1.1")
    assert "page 1 of " in first and "[2: Page ▶]" in first
    pages = int(first.split("page 1 of ")[1].split()[0])
    assert pages >= 2
    second = await _say(console, out, "!press 2")
    assert f"page 2 of {pages}" in second and "[1: ◀ Page]" in second
    back = await _say(console, out, "!press 1")
    assert f"page 1 of {pages}" in back


async def test_press_pages_through_search_results(bluebook):
    console, out = _session(bluebook)
    first = await _say(console, out, "/search Japan")
    assert "result 1 of " in first and "[1: ◀ Previous (disabled)] [2: Next ▶]" in first
    total = int(first.split("result 1 of ")[1].split()[0])
    seen = [first.split("Reference: ")[1].split()[0]]
    for n in range(2, total + 1):
        page = await _say(console, out, "!press 2")
        assert f"result {n} of {total}" in page
        seen.append(page.split("Reference: ")[1].split()[0])
    assert len(set(seen)) == total  # each press showed another result
    assert "(disabled)" in page.split("[2: Next ▶")[1].split("]")[0]
    refused = await _say(console, out, "!press 2")
    assert refused.startswith("error: button 2 (Next ▶) is disabled")


async def test_press_needs_a_message_with_that_button(bluebook):
    console, out = _session(bluebook)
    assert (await _say(console, out, "!press 1")).startswith("error: the bot has sent no message")
    await _say(console, out, "/search Japan")
    assert "error: press a button by number: !press 1 to !press 3" in (
        await _say(console, out, "!press 7")
    )


async def test_press_on_an_earlier_message_turns_its_page(bluebook):
    """/reload's private reply is the bot's last message; `on 2` reaches the search before it."""
    console, out = _session(bluebook)
    first = await _say(console, out, "/search Japan")
    total = int(first.split("result 1 of ")[1].split()[0])
    assert "Only the bot's owners can reload" in await _say(console, out, "/reload")
    assert "!press N on K" in await _say(console, out, "!help")
    second = await _say(console, out, "!press 2 on 2")
    assert f"result 2 of {total}" in second
    # The search was shown again, so it is now the bot's last message.
    third = await _say(console, out, "!press 2 on 1")
    assert f"result 3 of {total}" in third


async def test_press_after_a_real_reload_turns_the_earlier_search(bluebook):
    console, out = _session(bluebook)
    first = await _say(console, out, "/search Japan")
    total = int(first.split("result 1 of ")[1].split()[0])
    assert "Reloaded: " in await _say(console, out, "!as owner /reload")
    assert f"result 2 of {total}" in await _say(console, out, "!press 2 on 2")


async def test_press_without_on_finds_the_last_message_with_buttons(bluebook):
    console, out = _session(bluebook)
    first = await _say(console, out, "/search Japan")
    total = int(first.split("result 1 of ")[1].split()[0])
    await _say(console, out, "/reload")
    await _say(console, out, "/lookups status")
    pressed = await _say(console, out, "!press 2")
    assert pressed.startswith("(pressing on the bot's 3rd-last message)\n")
    assert f"result 2 of {total}" in pressed


async def test_press_on_a_message_of_one_button_says_so(bluebook):
    console, out = _session(bluebook)
    await _say(console, out, "/search GCAP")  # one result: one button, the whole paragraph
    assert await _say(console, out, "!press 2") == (
        "error: that message has one button: !press 1\n"
    )


async def test_a_deleted_message_leaves_the_count(bluebook):
    console, out = _session(bluebook)
    first = await _say(console, out, "/search Japan")
    total = int(first.split("result 1 of ")[1].split()[0])
    await _say(console, out, "what about [[NSS]]?")
    assert (await _say(console, out, "!react 🗑")).startswith("(the bot deleted its message")
    assert f"result 2 of {total}" in await _say(console, out, "!press 2 on 1")


async def test_press_on_a_message_that_is_not_there_or_has_no_buttons(bluebook):
    console, out = _session(bluebook)
    await _say(console, out, "/reload")
    assert await _say(console, out, "!press 1") == (
        "error: none of the bot's messages has buttons\n"
    )
    await _say(console, out, "/search Japan")
    await _say(console, out, "/reload")
    lines = [
        await _say(console, out, "!press 2 on 1"),
        await _say(console, out, "!press 2 on 4"),
        await _say(console, out, "!press 2 on 0"),
        await _say(console, out, "!press 2 on last"),
        await _say(console, out, "!press 2 on"),
        await _say(console, out, "!press 7 on 2"),
        await _say(console, out, "!press 1 on 2"),
        await _say(console, out, "!press 2 on 3"),
    ]
    assert lines == [
        "error: the bot's last message has no buttons\n",
        "error: the console has shown 3 of the bot's messages: on 1 (the last) to on 3\n",
        "error: the console has shown 3 of the bot's messages: on 1 (the last) to on 3\n",
        "error: count the bot's messages from the last: !press 2 on 1 is the last, on 2 the one before\n",
        "error: count the bot's messages from the last: !press 2 on 1 is the last, on 2 the one before\n",
        "error: press a button by number: !press 1 on 2 to !press 3 on 2\n",
        "error: button 1 (◀ Previous) is disabled\n",
        "error: the bot's 3rd-last message has no buttons\n",
    ]


async def test_a_long_session_keeps_only_the_newest_messages(bluebook, monkeypatch):
    monkeypatch.setattr("localdiscord.console.SHOWN_KEPT", 2)
    console, out = _session(bluebook)
    first = await _say(console, out, "/search Japan")
    total = int(first.split("result 1 of ")[1].split()[0])
    await _say(console, out, "/reload")
    await _say(console, out, "/reload")
    assert len(console.shown) == 2
    assert await _say(console, out, "!press 2 on 3") == (
        "error: the console keeps the bot's last 2 messages: on 1 (the last) to on 2\n"
    )
    await _say(console, out, "/search Japan")  # the newest, kept: its buttons still work
    assert f"result 2 of {total}" in await _say(console, out, "!press 2 on 1")
    assert await _say(console, out, "!press 2 on 2") == (
        "error: the bot's 2nd-last message has no buttons\n"  # the second /reload
    )


async def test_chat_edit_delete_and_react(bluebook):
    # A chat edit has no request of the bot's to wait for: the console waits for quiet, and
    # the bot's lookup after a gateway event can take longer than 50 ms on a busy machine.
    console, out = _session(bluebook, idle=0.25)
    reply = await _say(console, out, "what about [[NSS]]?")
    assert "== [[NSS]] · " in reply
    edited = await _say(console, out, "!edit what about [[GCAP]]?")
    assert edited.startswith("(the bot edited its message)") and "[[GCAP]]" in edited
    removed = await _say(console, out, "!react 🗑")
    assert removed.startswith("(the bot deleted its message")
    await _say(console, out, "and [[PKO]]")
    gone = await _say(console, out, "!delete")
    assert gone.startswith("(the bot deleted its message")
    assert (await _say(console, out, "!edit again")).startswith("error: admin has no chat message")


async def test_as_member_acts_only_on_members_own_messages(bluebook):
    console, out = _session(bluebook)
    await _say(console, out, "what about [[NSS]]?")  # admin's
    for verb in ("!as member !delete", "!as member !edit [[GCAP]]", "!as member !menu"):
        refused = await _say(console, out, verb)
        assert refused.startswith("error: member has no chat message"), (verb, refused)
    await _say(console, out, "!as member and [[PKO]]")
    gone = await _say(console, out, "!as member !delete")
    assert gone.startswith("(the bot deleted its message")
    edited = await _say(console, out, "!edit what about [[GCAP]]?")  # admin's is still there
    assert edited.startswith("(the bot edited its message)")


async def test_menu_finds_the_passage_of_the_last_chat_message(bluebook):
    console, out = _session(bluebook)
    await _say(console, out, "the Global Combat Air Programme with the UK and Italy")
    found = await _say(console, out, "!menu")
    assert found.startswith("(only you can see this)") and "3.1.1(1)¶4" in found


async def test_complete_shows_the_bots_choices(bluebook):
    console, out = _session(bluebook)
    shown = await _say(console, out, "!complete /section ref:terr")
    assert shown.splitlines()[0].strip() == "3.1.1(3) Territorial Integrity  →  3.1.1(3)"


async def test_as_member_meets_the_permission_check(bluebook):
    console, out = _session(bluebook)
    denied = await _say(console, out, "!as member /lookups status")
    assert "Manage Server" in denied
    allowed = await _say(console, out, "/lookups status")
    assert "Keyword lookups" in allowed


async def test_mistakes_get_one_line_and_a_hint(bluebook):
    console, out = _session(bluebook)
    lines = [
        await _say(console, out, "/sectoin 3.1"),
        await _say(console, out, "/search GCAP limit:abc"),
        await _say(console, out, "/search GCAP limit:99"),
        await _say(console, out, "x" * 2001),
        await _say(console, out, "!pres 1"),
        await _say(console, out, "/lookups stat"),
        await _say(console, out, "/SEARCH GCAP"),
        await _say(console, out, "/"),
        await _say(console, out, "/search GCAP limit:3 limit:4"),
    ]
    assert lines == [
        "error: unknown command /sectoin; did you mean /section or /settings? (!help lists what the console "
        "does; /help what the bot does)\n",
        'error: /search limit: Value "abc" is not int.\n',
        "error: /search limit: int value should be less than or equal to 10.\n",
        "error: Discord refuses messages over 2,000 characters; this one has 2,001\n",
        "error: unknown console verb !pres; did you mean !press? (!help lists them)\n",
        "error: /lookups has no subcommand 'stat'; did you mean /lookups status?\n",
        "error: unknown command /SEARCH; did you mean /search? (!help lists what the console "
        "does; /help what the bot does)\n",
        "error: type a command after the slash: /help lists the bot's commands\n",
        "error: option limit is given twice; give each option once\n",
    ]
    assert (await _say(console, out, "x" * 2000)) == ""  # at the limit it is sent


async def test_tab_asks_the_bots_autocomplete(bluebook):
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from localdiscord.terminal import _completer

    console, _ = _session(bluebook)
    completer = _completer(console)

    async def offered(text: str) -> list[str]:
        found = completer.get_completions_async(Document(text), CompleteEvent())  # type: ignore[attr-defined]
        return [c.text async for c in found]

    assert (await offered("/section ref:terr"))[0] == "3.1.1(3)"
    assert "/section" in await offered("/sec")
    assert await offered("!pr") == ["!press"]


async def test_an_option_without_autocomplete_completes_nothing_and_logs_nothing(bluebook, caplog):
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from localdiscord.terminal import _completer

    console, out = _session(bluebook)
    completer = _completer(console)
    before = len(bluebook.server.store.by_id)
    for text in ("/search query:terr", "/search GCAP limit:3", "/verify quote:Jap"):
        found = completer.get_completions_async(Document(text), CompleteEvent())  # type: ignore[attr-defined]
        assert [c.text async for c in found] == [], text
    shown = await _say(console, out, "!complete /search query:terr")
    assert shown == "(no choices: the bot offers none for this option)\n"
    # Discord's client asks the bot only about options that autocomplete: nothing was sent.
    assert len(bluebook.server.store.by_id) == before
    assert not [r for r in caplog.records if r.levelno >= 30 and r.name.startswith("discord")]


async def test_complete_says_when_nothing_matched_an_option_that_autocompletes(bluebook):
    console, out = _session(bluebook)
    shown = await _say(console, out, "!complete /factoftheday set timezone:zzzz")
    assert shown == "(no choices: none matched what is typed)\n"
    shown = await _say(console, out, "!complete /factoftheday set timezone:nepal")
    assert shown == "  Asia/Kathmandu (Nepal)  →  Asia/Kathmandu\n"


async def test_complete_shows_an_options_fixed_choices(bluebook):
    """/lookups set mode is declared with fixed choices: Discord's client lists them, filtered
    by the start of what is typed, and asks the bot nothing."""
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from localdiscord.terminal import _completer

    console, out = _session(bluebook)
    before = len(bluebook.server.store.by_id)
    shown = await _say(console, out, "!complete /lookups set mode:")
    assert shown == "  explicit  →  explicit\n  passive  →  passive\n"
    shown = await _say(console, out, "!complete /lookups set mode:PA")
    assert shown == "  passive  →  passive\n"
    shown = await _say(console, out, "!complete /lookups set enabled:True mode:x")
    assert shown == "(no choices: none matched what is typed)\n"
    completer = _completer(console)
    found = completer.get_completions_async(Document("/lookups set mode:ex"), CompleteEvent())  # type: ignore[attr-defined]
    assert [c.text async for c in found] == ["explicit"]
    assert len(bluebook.server.store.by_id) == before


async def test_the_watcher_never_shows_an_answer_twice(bluebook):
    """In a terminal a watcher looks for the bot's own posts every second (a scheduled fact
    of the day). An answer that comes while the console waits for it is the console's to
    show, once, and never also "posted" by the watcher."""
    console, out = _session(bluebook)
    typed = asyncio.create_task(console.handle_line("/search GCAP"))
    while not typed.done():  # a watcher far keener than the terminal's
        console.catch_up()
        await asyncio.sleep(0.001)
    await typed
    console.catch_up()
    shown = out.getvalue()
    assert shown.count("Reference: `3.1.1(1)¶4`") == 1, shown
    assert "(the bot posted in" not in shown

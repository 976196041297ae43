"""A text front end to the local Discord: type `/command ...` or chat, read the bot's answer.

Used by `bluebook-bot console`. Lines are parsed like Discord's command bar:
`/search GCAP treaty` fills the first (required) option, `/search query:GCAP limit:3`
names options (a value runs to the next known `name:` or the end of the line), and words
right after the command that name subcommands select them (`/factoftheday status`).
Lines starting with `!` do what a Discord user does with the mouse (see VERBS).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from localdiscord import permissions as perm
from localdiscord.interactions import InteractionRecord
from localdiscord.model import Channel, Json, User
from localdiscord.options import SUB_COMMAND, SUB_COMMAND_GROUP, OptionError, UnknownCommand
from localdiscord.rendering import LINK_STYLE, button_label, message_buttons, render_message
from localdiscord.scripting import CommandHidden
from localdiscord.server import LocalDiscord

VERBS = (
    ("/command options", "run a slash command, e.g. /search some words or /section ref:REF"),
    ("any other text", "chat in #general, e.g. what about [[GCAP]]?"),
    ("!press N", "press button N ([2: Page ▶] is 2) of the bot's last message with buttons"),
    ("!press N on K", "the same on the bot's Kth-last message (on 2 is the one before the last)"),
    ("!menu", "run Find in Bluebook on your last chat message (the message menu)"),
    ("!edit new text", "edit your last chat message"),
    ("!delete", "delete your last chat message"),
    ("!react 🗑", "react to the bot's last message"),
    ("!complete /section ref:terr", "the choices the bot offers as you type (Tab does this too)"),
    ("!deny PERMISSION [#channel]", "take a permission from the bot in a channel (#general)"),
    ("!allow PERMISSION [#channel]", "give the bot a permission there, e.g. !allow embed_links"),
    ("!as member ...", "do the rest of the line as `member`, who has no permissions"),
    ("!help", "this list"),
)
MENU_COMMAND = "Find in Bluebook"
# The bot's messages a session keeps for `!press N on K` (the newest): one that lasts all day
# does not keep every answer it has shown.
SHOWN_KEPT = 500
_ON_USAGE = "count the bot's messages from the last: !press 2 on 1 is the last, on 2 the one before"


def verb_names() -> list[str]:
    """The console's verbs, each once (`!press` has two lines in VERBS)."""
    return list(dict.fromkeys(u.split()[0] for u, _ in VERBS if u.startswith("!")))


def from_last(back: int) -> str:
    """`the bot's last message` for 1, `3rd-last` for 3: how the console names message `back`."""
    if back == 1:
        return "last"
    teen = back % 100 in (11, 12, 13)
    suffix = "th" if teen else {1: "st", 2: "nd", 3: "rd"}.get(back % 10, "th")
    return f"{back}{suffix}-last"


def press_words(rest: str) -> tuple[str, int | None]:
    """`2` or `2 on 3` after !press: the button as typed and how far back the message is."""
    words = rest.split()
    if len(words) < 2 or words[1] != "on":
        return rest, None
    if len(words) != 3 or not words[2].isdigit():
        raise ConsoleError(_ON_USAGE)
    return words[0], int(words[2])


def permission_words(verb: str, rest: str) -> tuple[str, str | None]:
    """`send_messages #news` after !deny: the permission's name and the channel as typed.
    Discord's wording works too (`Send Messages`), the channel before or after it."""
    words = rest.split()
    channels = [w for w in words if w.startswith(("#", "<#"))]
    if len(channels) > 1:
        raise ConsoleError(f"name one channel: !{verb} send_messages {channels[0]}")
    channel = channels[0] if channels else None
    words = [w for w in words if w != channel]
    if not words:
        raise ConsoleError(f"say which permission: !{verb} send_messages #general")
    return "_".join(words).casefold().replace("-", "_"), channel


def permission_bit(name: str) -> int:
    """The bit of a channel permission named as discord.py names it (`send_messages`)."""
    bit = perm.CHANNEL_FLAGS.get(name)
    if bit is not None:
        return bit
    if name in perm.SERVER_FLAGS:
        raise ConsoleError(f"{name} is a server permission: a channel overwrite cannot change it")
    close = difflib.get_close_matches(name, list(perm.CHANNEL_FLAGS), n=2, cutoff=0.6)
    hint = (
        f"; did you mean {' or '.join(close)}?"
        if close
        else "; e.g. send_messages, embed_links, view_channel (Tab completes the names)"
    )
    raise ConsoleError(f"unknown permission {name!r}{hint}")


def _labels(bits: int) -> str:
    return ", ".join(perm.label(1 << i) for i in range(64) if bits >> i & 1)


def overwrite_note(verb: str, bit: int, channel: str, before: int, after: int) -> str:
    """What `!deny` or `!allow` changed for the bot in `channel` (its permissions `before`
    and `after`): some permissions fall with another (Embed Links needs Send Messages)."""
    does = "denies" if verb == "deny" else "allows"
    head = f"(#{channel}: the bot's overwrite now {does} {perm.label(bit)}"
    if verb == "deny":
        lost = before & ~after
        if not after & perm.VIEW_CHANNEL and lost:
            tail = "; without View Channel it has no permission there"
        elif lost:
            tail = f"; it lacks there: {_labels(lost)}"
        else:
            tail = "; it lacked it there already"
    elif not after & bit:
        needs = "View Channel" if not after & perm.VIEW_CHANNEL else "Send Messages"
        tail = f"; it still lacks it there: it needs {needs} too"
    elif not before & perm.VIEW_CHANNEL:
        tail = "; it sees the channel again, with its other permissions there"
    elif gained := after & ~before:
        tail = f"; it now has there: {_labels(gained)}"
    else:
        tail = "; it had it there already"
    return head + tail + ")"


@dataclass
class SlashLine:
    """`/name sub words` with option values as typed (converted later by their schema)."""

    name: str
    options: dict[str, str] = field(default_factory=dict)


@dataclass
class ChatLine:
    content: str


class ConsoleError(Exception):
    """A line the console cannot act on; the message is shown as `error: ...`."""


def _container(option: Json) -> bool:
    return option.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)


def did_you_mean(name: str, known: Sequence[str]) -> str:
    # Discord's command names are lower case; "/SEARCH" meant /search.
    close = difflib.get_close_matches(name.lower(), list(known), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join('/' + c for c in close)}?" if close else ""


def parse_console_line(line: str, commands: Sequence[Json]) -> SlashLine | ChatLine:
    """Split a console line into a slash command with options, or a chat message."""
    text = line.strip()
    if not text.startswith("/") or len(text) == 1 or text[1].isspace():
        return ChatLine(text)
    words = text[1:].split()
    head = words[0]
    chat_commands = {c["name"]: c for c in commands if c.get("type", 1) == 1}
    command = chat_commands.get(head)
    if command is None:
        raise UnknownCommand(head, list(chat_commands))
    rest = text[1:].lstrip()[len(head) :]
    path: list[str] = []
    schemas: list[Json] = command.get("options") or []
    while True:
        stripped = rest.lstrip()
        word = stripped.split(maxsplit=1)[0] if stripped else ""
        sub = next((o for o in schemas if _container(o) and o["name"] == word), None)
        subs = [o["name"] for o in schemas if _container(o)]
        if sub is None and subs:
            where = " ".join(["/" + head, *path])
            if not word:
                raise OptionError(f"{where} needs a subcommand: {', '.join(subs)}")
            close = difflib.get_close_matches(word, subs, n=1, cutoff=0.5)
            hint = f"; did you mean {where} {close[0]}?" if close else f"; choose {', '.join(subs)}"
            raise OptionError(f"{where} has no subcommand {word!r}{hint}")
        if sub is None:
            break
        path.append(word)
        schemas = sub.get("options") or []
        rest = stripped[len(word) :]
    name = " ".join([head, *path])
    return SlashLine(name, _option_values(rest.strip(), schemas))


def _option_values(rest: str, schemas: list[Json]) -> dict[str, str]:
    if not rest:
        return {}
    names = [o["name"] for o in schemas if not _container(o)]
    if not names:
        raise OptionError(f"this command takes no options, got {rest!r}")
    marker = re.compile(r"(?:^|(?<=\s))(" + "|".join(map(re.escape, names)) + r"):")
    found = list(marker.finditer(rest))
    values: dict[str, str] = {}
    lead = rest[: found[0].start()] if found else rest
    if lead.strip():
        first = next((o for o in schemas if o.get("required") and not _container(o)), None)
        values[(first or schemas[0])["name"]] = lead.strip()
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(rest)
        name = match.group(1)
        if name in values:
            # Discord's client offers each option once: a second one is a typing slip.
            raise OptionError(f"option {name} is given twice; give each option once")
        values[name] = rest[match.end() : end].strip()
    return values


def _leaf_options(parsed: SlashLine, commands: Sequence[Json]) -> list[Json]:
    head, *path = parsed.name.split()
    command = next(c for c in commands if c["name"] == head and c.get("type", 1) == 1)
    schemas: list[Json] = command.get("options") or []
    for word in path:
        schemas = next(o for o in schemas if o["name"] == word).get("options") or []
    return [o for o in schemas if not _container(o)]


def focused_option(line: str, parsed: SlashLine, commands: Sequence[Json]) -> str:
    """The option being typed: the one whose value ends the line (else the first one)."""
    if not parsed.options:
        leaves = _leaf_options(parsed, commands)
        if not leaves:
            raise ConsoleError(f"/{parsed.name} has no options to complete")
        return next((o for o in leaves if _completes(o)), leaves[0])["name"]
    last = max(parsed.options, key=lambda n: line.rfind(f"{n}:"))
    return last


def _completes(schema: Json) -> bool:
    return bool(schema.get("autocomplete") or schema.get("choices"))


def option_schema(option: str, parsed: SlashLine, commands: Sequence[Json]) -> Json:
    """The registered option `option` of the command `parsed` names."""
    return next(o for o in _leaf_options(parsed, commands) if o["name"] == option)


def fixed_choices(schema: Json, typed: str) -> list[Json]:
    """What Discord's client lists for an option declared with choices, without asking the
    bot: the choices whose names start with what is typed, capitals aside."""
    start = typed.casefold()
    return [c for c in schema.get("choices") or [] if c["name"].casefold().startswith(start)]


class Writer(Protocol):
    def write(self, text: str, /) -> object: ...


Render = Callable[[Json], str]


class ConsoleSession:
    """Acts as the admin of the local guild in #general and prints what the bot answers."""

    def __init__(
        self,
        server: LocalDiscord,
        out: Writer,
        *,
        timeout: float = 15.0,
        idle: float = 0.2,
        render: Render = render_message,
    ) -> None:
        self.server, self.out, self.render = server, out, render
        self.timeout, self.idle = timeout, idle
        # The bot's messages the console has shown, by id, oldest first: what `!press N on K`
        # counts back through. One shown again (edited) moves last, as it is on screen; one
        # deleted leaves, as it leaves Discord's screen.
        self.shown: dict[str, Json] = {}
        # Each local user's last chat message: what their !edit, !delete and !menu act on.
        self.last_chat: dict[int, Json] = {}
        # What the console has shown of the bot's messages in every channel of the guild, so
        # a post nobody asked for (the scheduled fact of the day) is shown too.
        self._seen = self._bot_messages()
        # While a typed line waits for the bot, what it answers is that line's to show.
        self._observing = False

    def _bot_messages(self) -> dict[str, object]:
        bot_id = str(self.server.bot_user.id)
        return {
            m["id"]: m.get("edited_timestamp")
            for channel in self.server.guild.channels.values()
            for m in channel.messages.values()
            if m["author"]["id"] == bot_id
        }

    def catch_up(self) -> None:
        """Print the bot's posts made since the console last looked, in any channel (a
        scheduled fact of the day arrives between lines, often outside #general). Nothing
        while a typed line waits for its answer: that line shows it, then catches up."""
        if self._observing:
            return
        now = self._bot_messages()
        for message_id in now.keys() - self._seen.keys():
            message = self._message(message_id)
            if message is not None:
                self._write(f"(the bot posted in #{self._channel_name(message)})")
                self._show(message)
        self._seen = now

    def _message(self, message_id: str) -> Json | None:
        for channel in self.server.guild.channels.values():
            found = channel.messages.get(int(message_id))
            if found is not None:
                return found
        return None

    def _channel_name(self, message: Json) -> str:
        channel = self.server.world.channels.get(int(message["channel_id"]))
        return channel.name if channel is not None else str(message["channel_id"])

    def _write(self, text: str) -> None:
        self.out.write(text + "\n")

    def _show(self, message: Json) -> None:
        self._write(self.render(message))
        self.shown.pop(message["id"], None)
        self.shown[message["id"]] = message
        if len(self.shown) > SHOWN_KEPT:  # a long session forgets its oldest
            del self.shown[next(iter(self.shown))]

    def help_text(self) -> str:
        width = max(len(usage) for usage, _ in VERBS)
        return "\n".join(f"  {usage:<{width}}  {what}" for usage, what in VERBS)

    async def handle_line(self, line: str) -> None:
        """Act on one line and print every bot message it caused (new, edited or deleted)."""
        self.catch_up()
        try:
            await self._handle(line.strip(), self.server.admin.user)
        except (ValueError, ConsoleError, LookupError) as exc:  # OptionError, MessageRefused
            self._write(f"error: {exc.args[0] if exc.args else exc}")
        except TimeoutError:
            self._write(f"error: the bot did not answer within {self.timeout:g}s")

    async def _handle(self, line: str, user: User) -> None:
        if not line:
            return
        if line.strip() == "/":
            raise ConsoleError("type a command after the slash: /help lists the bot's commands")
        if line.startswith("!"):
            await self._verb(line, user)
            return
        server = self.server
        commands = server.known_commands(server.guild)
        try:
            parsed = parse_console_line(line, commands)
        except UnknownCommand as exc:
            raise ConsoleError(
                f"unknown command /{exc.name}{did_you_mean(exc.name, exc.known)} "
                "(!help lists what the console does; /help what the bot does)"
            ) from None
        if isinstance(parsed, ChatLine):
            await self._chat(parsed.content, user)
            return

        async def run() -> InteractionRecord:
            try:
                handle = await server.slash(
                    parsed.name, parsed.options, user=user, channel=server.general
                )
            except CommandHidden:
                raise
            except OptionError as exc:
                raise OptionError(f"/{parsed.name} {exc}") from None
            return await handle.settled(self.timeout, self.idle)

        await self._observe(run)

    async def _chat(self, content: str, user: User) -> None:
        server = self.server

        async def send() -> None:
            self.last_chat[user.id] = server.send_message(server.general, user, content)

        await self._observe(send)

    async def _observe(self, action: Callable[[], Awaitable[InteractionRecord | None]]) -> None:
        """Run `action`, wait until the bot is quiet, print what it sent, edited or deleted."""
        server = self.server
        bot_id = str(server.bot_user.id)

        def snapshot() -> dict[str, object]:
            return {
                m["id"]: m.get("edited_timestamp")
                for m in server.general.messages.values()
                if m["author"]["id"] == bot_id
            }

        self._observing = True
        try:
            before = snapshot()
            record = await action()
            await server.quiesce(self.idle, self.timeout)
        finally:
            self._observing = False
        shown: set[str] = set()
        if record is not None:
            if record.callback_type == 9:
                title = (record.callback or {}).get("data", {}).get("title", "")
                self._write(f"[the bot opened a form: {title}]")
            for message in record.messages():
                shown.add(message["id"])
                self._show(message)
        after = snapshot()
        for message_id, edited in after.items():
            if message_id in shown:
                continue
            message = server.general.messages[int(message_id)]
            if message_id not in before:
                self._show(message)
            elif before[message_id] != edited:
                self._write("(the bot edited its message)")
                self._show(message)
        for message_id in before.keys() - after.keys():
            self._write(f"(the bot deleted its message {message_id})")
            self.shown.pop(message_id, None)
        self._seen.update(after)  # shown above
        self.catch_up()  # and what it posted elsewhere meanwhile

    # -- verbs -----------------------------------------------------------------------------

    async def _verb(self, line: str, user: User) -> None:
        verb, _, rest = line[1:].partition(" ")
        rest = rest.strip()
        if verb == "help":
            self._write(self.help_text())
        elif verb == "as":
            who, _, then = rest.partition(" ")
            if not then.strip():
                raise ConsoleError("say what they do: !as member /lookups status")
            await self._handle(then.strip(), self._member_named(who))
        elif verb == "press":
            await self._press(rest, user)
        elif verb == "menu":
            await self._menu(user)
        elif verb == "edit":
            await self._edit(rest, user)
        elif verb == "delete":
            await self._delete(user)
        elif verb == "react":
            await self._react(rest or "🗑️", user)
        elif verb in ("deny", "allow"):
            self._overwrite(verb, rest, user)
        elif verb == "complete":
            # Posts made meanwhile are shown after the choices, not among them.
            self._observing = True
            try:
                choices = await self.complete(rest, user)
            finally:
                self._observing = False
            for choice in choices:
                self._write(f"  {choice['name']}  →  {choice['value']}")
            if not choices and self._completed(rest) is None:
                self._write("(no choices: the bot offers none for this option)")
            elif not choices:
                self._write("(no choices: none matched what is typed)")
        else:
            close = difflib.get_close_matches("!" + verb, verb_names(), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise ConsoleError(f"unknown console verb !{verb}{hint} (!help lists them)")

    def _overwrite(self, verb: str, rest: str, user: User) -> None:
        """Deny or allow the bot one permission in a channel, as an admin does in the channel's
        settings: an overwrite for the bot's member (it wins over role overwrites)."""
        name, channel_word = permission_words(verb, rest)
        bit = permission_bit(name)
        channel = self._guild_channel(channel_word)
        world = self.server.world
        if not world.member_permissions(channel, user) & perm.MANAGE_ROLES:
            raise ConsoleError(
                f"{user.username} cannot change #{channel.name}'s permissions: Discord lets "
                "only members with Manage Permissions do that"
            )
        bot = world.bot_member(self.server.guild)
        before = world.bot_permissions(channel)
        old = channel.overwrites.get(bot.id)
        allow, deny = (old.allow, old.deny) if old is not None else (0, 0)
        if verb == "deny":
            allow, deny = allow & ~bit, deny | bit
        else:
            allow, deny = allow | bit, deny & ~bit
        self.server.set_overwrite(channel, bot, allow=allow, deny=deny)
        after = world.bot_permissions(channel)
        self._write(overwrite_note(verb, bit, channel.name, before, after))

    def _guild_channel(self, word: str | None) -> Channel:
        """The channel `#name` (or `<#id>`) of the console's server; None: #general."""
        if word is None:
            return self.server.general
        name = word.strip("<#>")
        guild = self.server.guild
        for channel in guild.channels.values():
            if name in (channel.name, str(channel.id)):
                return channel
        known = [c.name for c in guild.channels.values()]
        close = difflib.get_close_matches(name.lower(), known, n=2, cutoff=0.6)
        hint = (
            f"; did you mean {' or '.join('#' + c for c in close)}?"
            if close
            else f"; its channels: {', '.join('#' + c for c in known)}"
        )
        raise ConsoleError(f"no channel #{name} in {guild.name}{hint}")

    def verb_choices(self, text: str) -> list[str]:
        """What Tab offers for the word being typed after !deny or !allow: permission names,
        or channels once it starts with #."""
        verb, space, rest = text.partition(" ")
        if verb not in ("!deny", "!allow") or not space:
            return []
        word = rest.split(" ")[-1]
        if word.startswith("#"):
            names = ["#" + c.name for c in self.server.guild.channels.values()]
            return [n for n in names if n.startswith(word)]
        return [n for n in perm.CHANNEL_FLAGS if n.startswith(word.casefold())]

    def _member_named(self, name: str) -> User:
        for member in self.server.guild.members.values():
            if member.user.username == name and not member.user.bot:
                return member.user
        raise ConsoleError(f"no local user {name!r}; try !as member")

    def _with_buttons(self, back: int | None) -> Json:
        """The bot's message `back` from the last, as it is now; None: the last with buttons."""
        if not self.shown:
            raise ConsoleError("the bot has sent no message yet")
        shown = list(reversed(self.shown.values()))
        if back is None:
            for back, message in enumerate(shown, start=1):
                now = self.server.find_bot_message(message)
                if message_buttons(now):
                    if back > 1:  # say which: the last message is not the one pressed
                        self._write(f"(pressing on the bot's {from_last(back)} message)")
                    return now
            raise ConsoleError("none of the bot's messages has buttons")
        if not 1 <= back <= len(shown):
            to = f" to on {len(shown)}" if len(shown) > 1 else ""
            counted = (
                f"keeps the bot's last {len(shown)} messages"
                if len(shown) >= SHOWN_KEPT
                else f"has shown {len(shown)} of the bot's messages"
            )
            raise ConsoleError(f"the console {counted}: on 1 (the last){to}")
        now = self.server.find_bot_message(shown[back - 1])
        if not message_buttons(now):
            raise ConsoleError(f"the bot's {from_last(back)} message has no buttons")
        return now

    async def _press(self, rest: str, user: User) -> None:
        number, back = press_words(rest)
        message = self._with_buttons(back)
        buttons = message_buttons(message)
        if not number.isdigit() or not 1 <= int(number) <= len(buttons):
            on = "" if back is None else f" on {back}"
            if len(buttons) == 1:
                raise ConsoleError(f"that message has one button: !press 1{on}")
            raise ConsoleError(
                f"press a button by number: !press 1{on} to !press {len(buttons)}{on}"
            )
        button = buttons[int(number) - 1]
        if button.get("style") == LINK_STYLE:
            raise ConsoleError(f"button {number} is a link: {button.get('url')}")
        if button.get("disabled"):
            raise ConsoleError(f"button {number} ({button_label(button)}) is disabled")

        async def press() -> InteractionRecord:
            handle = await self.server.press_button(message, button["custom_id"], user=user)
            return await handle.settled(self.timeout, self.idle)

        await self._observe(press)

    def _own_chat(self, user: User) -> Json:
        """`user`'s last chat message still there: one cannot edit or delete another's."""
        last = self.last_chat.get(user.id)
        if last is None or int(last["id"]) not in self.server.general.messages:
            raise ConsoleError(
                f"{user.username} has no chat message to act on: type some text first"
            )
        return last

    async def _menu(self, user: User) -> None:
        target = self._own_chat(user)

        async def run() -> InteractionRecord:
            handle = await self.server.context_menu(MENU_COMMAND, target, user=user)
            return await handle.settled(self.timeout, self.idle)

        await self._observe(run)

    async def _edit(self, text: str, user: User) -> None:
        target = self._own_chat(user)
        if not text:
            raise ConsoleError("say the new text: !edit what about [[NSS]]?")

        async def edit() -> None:
            self.server.edit_message(target, text)

        await self._observe(edit)

    async def _delete(self, user: User) -> None:
        target = self._own_chat(user)

        async def delete() -> None:
            self.server.delete_message(target)
            del self.last_chat[user.id]

        await self._observe(delete)

    async def _react(self, emoji: str, user: User) -> None:
        target = next(reversed(self.shown.values()), None)
        if target is None or int(target["id"]) not in self.server.general.messages:
            raise ConsoleError("the bot has no message in #general to react to")

        async def react() -> None:
            self.server.add_reaction(target, emoji, user=user)

        await self._observe(react)

    def _completed(self, line: str) -> tuple[SlashLine, Json] | None:
        """The command and the option typed at the end of `line`; None when that option
        neither autocompletes nor has fixed choices (Discord's client then offers nothing)."""
        commands = self.server.known_commands(self.server.guild)
        try:
            parsed = parse_console_line(line, commands)
        except UnknownCommand as exc:
            raise ConsoleError(
                f"unknown command /{exc.name}{did_you_mean(exc.name, exc.known)}"
            ) from None
        if isinstance(parsed, ChatLine):
            raise ConsoleError("complete a slash command: !complete /section ref:terr")
        schema = option_schema(focused_option(line, parsed, commands), parsed, commands)
        return (parsed, schema) if _completes(schema) else None

    async def complete(self, line: str, user: User | None = None) -> list[Json]:
        """The choices offered for the option being typed at the end of `line`: its fixed
        choices, or the bot's autocomplete's (Discord's client asks the bot only for an option
        registered with autocomplete)."""
        server = self.server
        target = self._completed(line)
        if target is None:
            return []
        parsed, schema = target
        option = schema["name"]
        value = parsed.options.pop(option, "")
        if not schema.get("autocomplete"):
            return fixed_choices(schema, value)
        return await server.autocomplete(
            parsed.name,
            option,
            value,
            parsed.options,
            user=user or server.admin.user,
            channel=server.general,
            timeout=self.timeout,
        )

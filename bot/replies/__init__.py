"""What the bot says, as plain data: embeds as dicts, buttons as specs. No discord import.

`common` holds the `Reply` shape and text helpers, `limits` Discord's size limits,
`markdown` the escaping, `errors` the short texts shared by every command, `custom_ids` the
buttons' typed state; one module per command builds its replies. The interaction path sends
a `Reply` (bot/interactions/sending.py); everything here is tested without Discord.
/search's reply (`also_in`, `common`, `custom_ids`, `markdown`, `search`) runs compiled where
built (bot/compiled.py).
"""

from bot.compiled import activate

activate(__path__, "replies")

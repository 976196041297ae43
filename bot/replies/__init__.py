"""What the bot says, as plain data: embeds as dicts, buttons as specs. No discord import.

Cogs turn a `Reply` into discord.py objects; everything here is tested without Discord.
"""

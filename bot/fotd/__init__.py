"""Fact of the day without Discord: schedule arithmetic, rotation, exactly-once posting.

The module docstrings of `schedule` (time-zone policy) and `store` (exactly-once protocol)
hold the design; docs/operations.md describes it for whoever runs the bot.
"""

"""Fact of the day without Discord: schedule arithmetic, time zones, rotation, exactly-once
posting.

The module docstrings of `schedule` (daylight-saving policy), `zones` (what a typed zone
means) and `store` (exactly-once protocol) hold the design; docs/operations.md describes it for whoever runs the bot.
"""

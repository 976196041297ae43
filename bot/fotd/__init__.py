"""Fact of the day without Discord: schedule arithmetic, rotation, exactly-once posting.

Module docstrings of `schedule` (time-zone policy) and `store` (exactly-once protocol) are
written to be copied into the README.
"""

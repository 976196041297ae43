"""Real bot processes against a local Discord in the test process."""

from localdiscord.pytest_support import local_discord  # noqa: F401 (a fixture)

"""Structural checks over every cog's commands: what `bluebook-bot commands --json` prints."""

from __future__ import annotations

import json
import re

import pytest

from bot.cli import main
from localdiscord.limits import check_commands

MANAGE_GUILD = 1 << 5


@pytest.fixture(scope="module")
def payloads() -> list[dict]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["commands", "--json"]) == 0
    return json.loads(out.getvalue())


def _walk(options: list[dict], path: str):
    for option in options:
        yield f"{path} {option['name']}", option
        yield from _walk(option.get("options", []), f"{path} {option['name']}")


def test_payloads_pass_discords_limits(payloads):
    assert check_commands(payloads) == []


def test_names_unique_and_described(payloads):
    keys = [(p.get("type", 1), p["name"]) for p in payloads]
    assert len(keys) == len(set(keys))
    for payload in payloads:
        if payload.get("type", 1) == 1:
            assert re.fullmatch(r"[-_a-z0-9]{1,32}", payload["name"])
            assert 1 <= len(payload["description"]) <= 100
            for where, option in _walk(payload.get("options", []), payload["name"]):
                assert 1 <= len(option["description"]) <= 100, where
                assert len(option.get("choices", [])) <= 25, where


def test_expected_commands_exist(payloads):
    chat = {p["name"] for p in payloads if p.get("type", 1) == 1}
    assert {
        "search",
        "section",
        "toc",
        "fact",
        "verify",
        "help",
        "lookups",
        "factoftheday",
        "stats",
        "reload",
    } <= chat
    menus = {p["name"] for p in payloads if p.get("type") == 3}
    assert menus == {"Find in Bluebook"}


def test_admin_commands_need_manage_server(payloads):
    by_name = {p["name"]: p for p in payloads}
    for name in ("lookups", "factoftheday", "stats"):
        perms = int(by_name[name]["default_member_permissions"])
        assert perms & MANAGE_GUILD, name
        assert (
            by_name[name].get("contexts") in ([0], None)
            or by_name[name].get("dm_permission") is False
        )


def test_reading_commands_work_in_dms(payloads):
    by_name = {p["name"]: p for p in payloads}
    for name in ("search", "section", "toc", "fact", "verify", "help"):
        assert 1 in (by_name[name].get("contexts") or [0, 1, 2]), name


def test_every_command_says_where_it_may_be_used(payloads):
    """`contexts` on every command, so none leans on Discord's defaults or on dm_permission,
    which Discord ignores once `contexts` is set; the server-only ones are [0], servers only."""
    by_name = {p["name"]: p for p in payloads}
    for payload in payloads:
        assert payload.get("contexts"), payload["name"]
    for name in ("settings", "lookups", "factoftheday", "stats"):
        assert by_name[name]["contexts"] == [0], name

"""Discord's documented size limits, checked on every request body the bot sends.

Each problem is one readable line naming the field, e.g.
`embeds[0].title is 300 characters; the limit is 256`.
"""

from __future__ import annotations

import re
from typing import Any

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_EMBED_TITLE = 256
MAX_EMBED_DESCRIPTION = 4096
MAX_FIELDS = 25
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_FOOTER = 2048
MAX_AUTHOR_NAME = 256
MAX_CHOICES = 25
MAX_ACTION_ROWS = 5
MAX_ROW_ITEMS = 5
MAX_CUSTOM_ID = 100
MAX_BUTTON_LABEL = 80
MAX_OPTIONS = 25
MAX_MODAL_TITLE = 45

CHAT_INPUT_NAME = re.compile(r"^[-_\w]{1,32}$")
CALLBACK_MESSAGE_TYPES = {4, 7}

# Request routes (templates) whose JSON body is a message.
MESSAGE_ROUTES = {
    ("POST", "/channels/{channel_id}/messages"),
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"),
    ("POST", "/webhooks/{application_id}/{token}"),
    ("PATCH", "/webhooks/{application_id}/{token}/messages/@original"),
    ("PATCH", "/webhooks/{application_id}/{token}/messages/{message_id}"),
}
COMMAND_ROUTES = {
    ("PUT", "/applications/{application_id}/commands"),
    ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands"),
}
CALLBACK_ROUTE = ("POST", "/interactions/{interaction_id}/{token}/callback")


def _too_long(field: str, value: Any, limit: int, *, unit: str = "characters") -> list[str]:
    if isinstance(value, str | list) and len(value) > limit:
        return [f"{field} is {len(value)} {unit}; the limit is {limit}"]
    return []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def check_embeds(embeds: list[Any], prefix: str = "") -> list[str]:
    problems = _too_long(f"{prefix}embeds", embeds, MAX_EMBEDS, unit="embeds")
    total = 0
    for i, embed in enumerate(embeds):
        if not isinstance(embed, dict):
            continue
        at = f"{prefix}embeds[{i}]"
        title, description = _text(embed.get("title")), _text(embed.get("description"))
        footer = _text((embed.get("footer") or {}).get("text"))
        author = _text((embed.get("author") or {}).get("name"))
        problems += _too_long(f"{at}.title", title, MAX_EMBED_TITLE)
        problems += _too_long(f"{at}.description", description, MAX_EMBED_DESCRIPTION)
        problems += _too_long(f"{at}.footer.text", footer, MAX_FOOTER)
        problems += _too_long(f"{at}.author.name", author, MAX_AUTHOR_NAME)
        total += len(title) + len(description) + len(footer) + len(author)
        fields = embed.get("fields") or []
        problems += _too_long(f"{at}.fields", fields, MAX_FIELDS, unit="fields")
        for j, fld in enumerate(fields):
            name, value = _text(fld.get("name")), _text(fld.get("value"))
            problems += _too_long(f"{at}.fields[{j}].name", name, MAX_FIELD_NAME)
            problems += _too_long(f"{at}.fields[{j}].value", value, MAX_FIELD_VALUE)
            total += len(name) + len(value)
    if total > MAX_EMBED_TOTAL:
        problems.append(
            f"{prefix}embeds together are {total} characters; the limit is {MAX_EMBED_TOTAL}"
        )
    return problems


def check_components(rows: list[Any], prefix: str = "") -> list[str]:
    problems = _too_long(f"{prefix}components", rows, MAX_ACTION_ROWS, unit="action rows")
    for i, row in enumerate(rows):
        items = row.get("components") or [] if isinstance(row, dict) else []
        at = f"{prefix}components[{i}]"
        problems += _too_long(f"{at}.components", items, MAX_ROW_ITEMS, unit="items")
        for j, item in enumerate(items):
            problems += _too_long(
                f"{at}.components[{j}].custom_id", item.get("custom_id"), MAX_CUSTOM_ID
            )
            if item.get("type") == 2:
                problems += _too_long(
                    f"{at}.components[{j}].label", item.get("label"), MAX_BUTTON_LABEL
                )
    return problems


def check_message(body: Any, prefix: str = "") -> list[str]:
    """Content, embeds and components of a message create/edit body."""
    if not isinstance(body, dict):
        return []
    problems = _too_long(f"{prefix}content", body.get("content"), MAX_CONTENT)
    problems += check_embeds(body.get("embeds") or [], prefix)
    problems += check_components(body.get("components") or [], prefix)
    return problems


def check_choices(choices: list[Any], prefix: str) -> list[str]:
    problems = _too_long(prefix, choices, MAX_CHOICES, unit="choices")
    for i, choice in enumerate(choices):
        name = _text(choice.get("name")) if isinstance(choice, dict) else ""
        if not 1 <= len(name) <= 100:
            problems.append(f"{prefix}[{i}].name is {len(name)} characters; it must be 1-100")
    return problems


def check_callback(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return []
    data = body.get("data") or {}
    kind = body.get("type")
    if kind in CALLBACK_MESSAGE_TYPES:
        return check_message(data, "data.")
    if kind == 8:
        return check_choices(data.get("choices") or [], "data.choices")
    if kind == 9:
        problems = _too_long("data.title", data.get("title"), MAX_MODAL_TITLE)
        problems += _too_long("data.custom_id", data.get("custom_id"), MAX_CUSTOM_ID)
        return problems + _too_long(
            "data.components", data.get("components") or [], MAX_ACTION_ROWS, unit="rows"
        )
    return []


def _check_name_and_description(item: dict[str, Any], at: str, *, chat_input: bool) -> list[str]:
    name, description = _text(item.get("name")), _text(item.get("description"))
    problems = []
    if chat_input:
        if not CHAT_INPUT_NAME.match(name) or name != name.lower():
            problems.append(f"{at}.name {name!r} must be lowercase and match ^[-_\\w]{{1,32}}$")
        if not 1 <= len(description) <= 100:
            problems.append(f"{at}.description is {len(description)} characters; it must be 1-100")
    else:
        if not 1 <= len(name) <= 32:
            problems.append(f"{at}.name is {len(name)} characters; it must be 1-32")
        if description:
            problems.append(f"{at}.description must be empty for a context-menu command")
    return problems


def _check_options(options: list[Any], at: str) -> list[str]:
    problems = _too_long(f"{at}.options", options, MAX_OPTIONS, unit="options")
    for i, option in enumerate(options):
        where = f"{at}.options[{i}]"
        problems += _check_name_and_description(option, where, chat_input=True)
        problems += _too_long(
            f"{where}.choices", option.get("choices") or [], MAX_CHOICES, unit="choices"
        )
        problems += _check_options(option.get("options") or [], where)
    return problems


def check_commands(commands: Any) -> list[str]:
    if not isinstance(commands, list):
        return []
    problems: list[str] = []
    for i, command in enumerate(commands):
        at = f"[{i}]"
        chat_input = command.get("type", 1) == 1
        problems += _check_name_and_description(command, at, chat_input=chat_input)
        problems += _check_options(command.get("options") or [], at)
    return problems


def check_request(method: str, route: str, body: Any) -> list[str]:
    """All limit problems in one request body; empty when it is fine or not checked."""
    key = (method, route)
    if key in MESSAGE_ROUTES:
        return check_message(body)
    if key == CALLBACK_ROUTE:
        return check_callback(body)
    if key in COMMAND_ROUTES:
        return check_commands(body)
    return []


def lacks_allowed_mentions(method: str, route: str, body: Any) -> bool:
    """True for a message-sending body without `allowed_mentions` (reported, not a violation)."""
    if not isinstance(body, dict):
        return False
    if (method, route) == CALLBACK_ROUTE:
        if body.get("type") not in CALLBACK_MESSAGE_TYPES:
            return False
        body = body.get("data") or {}
    elif (method, route) not in MESSAGE_ROUTES:
        return False
    return "allowed_mentions" not in body

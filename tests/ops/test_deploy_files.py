"""The Dockerfile, docker-compose.yml and .env.example, checked by reading them (no engine here)."""

from __future__ import annotations

import dataclasses
import re
import shlex
from pathlib import Path

import pytest
import yaml

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def _args(instruction: str) -> list[str]:
    return [rest for word, rest in dockerfile_instructions() if word == instruction]


def _exec_form(text: str) -> list[str]:
    text = text.strip()
    if text.startswith("["):
        return list(yaml.safe_load(text))
    return shlex.split(text)


def test_dockerfile_uses_a_slim_python_image():
    bases = _args("FROM")
    assert bases, "no FROM"
    # The last stage is what runs.
    image = bases[-1].split()[0]
    assert re.fullmatch(r"python:3\.1[1-9][\w.]*-slim(-\w+)?@sha256:[0-9a-f]{64}", image), image


def test_dockerfile_installs_from_the_lock_with_the_pinned_uv():
    from scripts.bootstrap import UV_VERSION

    runs = " ".join(_args("RUN"))
    assert f"uv=={UV_VERSION}" in runs
    assert re.search(r"uv sync --locked\b", runs), runs
    assert any("uv.lock" in copied for copied in _args("COPY"))


def test_dockerfile_runs_as_a_non_root_user():
    users = _args("USER")
    assert users, "no USER: the bot would run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    # USER comes before the command that runs the bot.
    order = [word for word, _ in dockerfile_instructions()]
    assert order.index("USER") < len(order) - 1 - order[::-1].index("CMD")


def test_dockerfile_installs_tzdata():
    runs = " ".join(_args("RUN"))
    assert re.search(r"apt-get install[^&;]*\btzdata\b", runs), runs


def test_dockerfile_healthcheck_calls_bluebook_health():
    checks = _args("HEALTHCHECK")
    assert len(checks) == 1
    command = checks[0].split("CMD", 1)[1]
    assert _exec_form(command)[-2:] == ["bluebook-bot", "health"]


def test_dockerfile_runs_the_bot_and_keeps_data_in_the_volume():
    assert _exec_form(_args("CMD")[-1]) == ["bluebook-bot", "run"]
    env = " ".join(_args("ENV"))
    db = re.search(r"BLUEBOOK_DB=(\S+)", env)
    assert db is not None
    volumes = [v for arg in _args("VOLUME") for v in _exec_form(arg)]
    assert any(db.group(1).startswith(v.rstrip("/") + "/") for v in volumes), (db, volumes)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _bot_service(compose: dict) -> dict:
    services = compose["services"]
    runs_bot = [s for s in services.values() if "build" in s or "bluebook" in str(s.get("image"))]
    assert len(runs_bot) == 1, services
    return runs_bot[0]


def test_compose_restarts_unless_stopped(compose):
    """Also after a reboot or a Docker restart, which `on-failure:N` would not survive."""
    assert _bot_service(compose)["restart"] == "unless-stopped"


def _paragraph_with(path: Path, needle: str) -> str:
    """The paragraph (or list item) of `path` where `needle` first appears."""
    text = path.read_text(encoding="utf-8")
    at = text.index(needle)
    start = max(text.rfind("\n\n", 0, at), text.rfind("\n- ", 0, at))
    end = text.find("\n\n", at)
    return text[start : end if end != -1 else len(text)]


def test_operations_docs_say_what_a_configuration_error_does_under_the_restart_policy(compose):
    """Trial 9: exit 2 means "fix the configuration", yet the container keeps restarting; the
    docs say how it behaves then and what to do."""
    policy = _bot_service(compose)["restart"]
    paragraph = _paragraph_with(ROOT / "docs" / "operations.md", "**Restart policy.**")
    assert f"restart: {policy}" in paragraph and "exit 2" in paragraph, paragraph
    assert "Restarting (2)" in paragraph and "docker compose up -d" in paragraph, paragraph


def test_compose_reads_dotenv(compose):
    env_file = _bot_service(compose)["env_file"]
    files = [env_file] if isinstance(env_file, str) else env_file
    paths = [f if isinstance(f, str) else f["path"] for f in files]
    assert ".env" in paths
    # Required: a missing .env stops compose with a clear message instead of starting a bot
    # without a token.
    assert all(isinstance(f, str) or f.get("required", True) for f in files)


@pytest.mark.parametrize("doc", ["README.md", "docs/operations.md"])
def test_docs_create_dotenv_before_the_first_compose_up(doc):
    """Trial 9: Operations said `docker compose up -d --build` with no word about `.env`, which
    `env_file: .env` needs."""
    paragraph = _paragraph_with(ROOT / doc, "docker compose up")
    before = paragraph[: paragraph.index("docker compose up")]
    assert "cp .env.example .env" in before, paragraph


def test_compose_keeps_data_in_a_named_volume(compose):
    service = _bot_service(compose)
    named = set(compose.get("volumes") or {})
    mounts = []
    for volume in service["volumes"]:
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume["source"], volume["target"]
        mounts.append((source, target))
    assert ("bluebook-data", "/app/data") in mounts
    assert "bluebook-data" in named


def test_compose_healthcheck_calls_bluebook_health(compose):
    test = _bot_service(compose)["healthcheck"]["test"]
    command = test if isinstance(test, list) else ["CMD-SHELL", test]
    assert command[0] in {"CMD", "CMD-SHELL"}
    assert "bluebook-bot health" in " ".join(command[1:])


def test_compose_gives_shutdown_enough_time(compose):
    from bot.process import SHUTDOWN_SECONDS

    grace = str(_bot_service(compose).get("stop_grace_period", "10s"))
    seconds = float(grace.removesuffix("s"))
    assert seconds > SHUTDOWN_SECONDS


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, sep, value = line.partition("=")
            assert sep, f".env.example line without '=': {line!r}"
            values[name.strip()] = value.strip()
    return values


def test_env_example_lists_every_setting():
    listed = set(_env_example())
    read = {f.name.upper() for f in dataclasses.fields(Settings)}
    assert read - listed == set(), "missing from .env.example"
    assert listed - read == set(), "listed in .env.example but not read by Settings"


def test_env_example_copied_as_is_is_valid(tmp_path):
    """`cp .env.example .env` then start: the defaults must load (the token aside)."""
    env = tmp_path / ".env"
    env.write_text((ROOT / ".env.example").read_text(encoding="utf-8"), encoding="utf-8")
    settings = Settings.from_sources(env, environ={})
    assert settings.token is None
    assert settings.shard_id_list() is None


def test_dockerignore_keeps_secrets_and_state_out_of_the_build_context():
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    for needed in (".venv/", ".env", "*.key", "data/", "*.db", "*.db-wal", "*.db-shm"):
        assert needed in patterns, needed


def test_compose_rotates_its_logs(compose):
    logging = _bot_service(compose)["logging"]
    assert logging["driver"] == "json-file"
    assert logging["options"]["max-size"] and int(logging["options"]["max-file"]) >= 2


def test_invite_permissions_include_threads_and_the_integer_is_recomputed():
    import discord

    from bot.invite import INVITE_PERMISSIONS, invite_permissions_value, invite_url

    assert "send_messages_in_threads" in INVITE_PERMISSIONS
    expected = discord.Permissions(**dict.fromkeys(INVITE_PERMISSIONS, True)).value
    assert invite_permissions_value() == expected == 274878024704
    assert invite_url(123).endswith(f"&permissions={expected}")

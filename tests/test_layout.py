"""The folder tree says where a thing lives: domain code imports neither discord nor test kit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ["pack", "search", "lookups", "fotd", "storage", "replies"]
FORBIDDEN = ("discord", "localdiscord", "bench", "tests")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", DOMAIN)
def test_domain_package_imports_no_discord_or_infrastructure(package: str) -> None:
    files = sorted((ROOT / "bot" / package).rglob("*.py"))
    assert files, f"bot/{package} has no modules"
    offenders = {
        str(f.relative_to(ROOT)): sorted(_imports(f) & set(FORBIDDEN))
        for f in files
        if _imports(f) & set(FORBIDDEN)
    }
    assert offenders == {}


def test_infrastructure_lives_outside_bot() -> None:
    assert not (ROOT / "bot" / "localdiscord").exists()
    assert (ROOT / "localdiscord" / "server.py").exists()
    assert not list((ROOT / "bot").rglob("*bench*.py"))

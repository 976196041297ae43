"""The venv holds exactly the versions in uv.lock, so two installs a month apart are the same."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
UV = Path(sys.executable).parent / "uv"
EXPORT_FLAGS = ("--no-hashes", "--no-emit-project", "--no-header", "--no-annotate")


def locked_versions() -> dict[str, str]:
    """Name -> version for every locked package this platform installs (runtime and dev)."""
    export = subprocess.run(
        [str(UV), "export", "--frozen", "--extra", "dev", *EXPORT_FLAGS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    wanted: dict[str, str] = {}
    for line in export.splitlines():
        requirement, _, marker = line.partition(";")
        if "==" not in requirement:
            continue
        if marker.strip() and not Marker(marker.strip()).evaluate():
            continue
        name, version = requirement.strip().split("==")
        wanted[canonicalize_name(name)] = version
    return wanted


def test_installed_versions_equal_the_lock() -> None:
    wanted = locked_versions()
    assert "discord-py" in wanted and "rapidfuzz" in wanted and "pytest" in wanted
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    differ = {
        name: (version, installed.get(name, "not installed"))
        for name, version in wanted.items()
        if installed.get(name) != version
    }
    assert not differ, (
        f"installed versions differ from uv.lock (locked, installed): {differ}; "
        "run `python3 scripts/test.py` to sync, or `python3 scripts/lock.py` if pyproject.toml changed"
    )


def test_every_declared_dependency_is_locked() -> None:
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = locked_versions()
    for line in project["dependencies"] + project["optional-dependencies"]["dev"]:
        name = canonicalize_name(Requirement(line).name)
        assert name in wanted, f"{name} is in pyproject.toml but not in uv.lock"

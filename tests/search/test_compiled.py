"""The compiled query planner (bot/search/compiled.py): loaded only when built from today's
sources, and answering exactly as the interpreted code does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import bot.search
from bot.search import compiled

ROOT = Path(__file__).resolve().parents[2]

# Every answer of the shipped page, the sample pages and a sample library of three editions
# to the query sets (with each result's reach, on the engines), as JSON.
ANSWERS = """
import json, sys
import bot.search
from bench.sample_library import sample_library_pack
from bench.search_bench import QUERY_SETS, load_queries
from bot.pack.loader import load_pack
from bot.search import SearchEngine
queries = [q["query"] for path in QUERY_SETS.values() for q in load_queries(path)]
queries += ["peace keeping", "cyber-security 1.5", "japn us aliance", "zzqx", ""]
out = {"compiled": bot.search.COMPILED_IN_USE, "answers": []}
for pack in (load_pack(), sample_library_pack()):
    engine = SearchEngine.build(pack)
    for query in queries:
        found = engine.search(query, limit=10)
        rows = [[r.to_dict(), r.reach.words, r.reach.named] for r in found.results]
        out["answers"].append([found.suggestions, rows])
# And a library of three editions with edited paragraphs, searched from each pack: every
# edition ranked together, other editions' paragraphs in the reading index.
from bot.served import ServedLibrary
from tests.samples import LIBRARY
library = ServedLibrary.load(LIBRARY)
for key in library.packs:
    for query in queries:
        found = library.search(query, pack_key=key, limit=10)
        out["answers"].append(
            [found.suggestions, [[r.pack_key, r.also_in, r.result.to_dict()] for r in found.results]]
        )
json.dump(out, sys.stdout)
"""


def _answers(**env: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", ANSWERS],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.skipif(
    not bot.search.COMPILED_IN_USE,
    reason="no build of today's sources in this venv (python3 scripts/compile_search.py)",
)
def test_the_compiled_planner_answers_exactly_as_the_interpreted_one() -> None:
    built = _answers()
    interpreted = _answers(**{compiled.OFF: "1"})
    assert built["compiled"] and not interpreted["compiled"]
    assert built["answers"] == interpreted["answers"]


def _copy_sources(to: Path) -> Path:
    """bot/ copied to `to`, as a checkout of the same code would have it."""
    shutil.copytree(ROOT / "bot", to / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    return to / "bot" / "search"


def test_an_edit_to_any_search_module_or_the_pack_model_names_another_build(
    tmp_path: Path,
) -> None:
    sources = _copy_sources(tmp_path)
    assert compiled.digest(sources) == compiled.digest()
    before = compiled.digest(sources)
    engine = sources / "engine.py"  # not compiled itself: its types are compiled against
    engine.write_text(engine.read_text() + "\n# an edit\n")
    edited = compiled.digest(sources)
    assert edited != before
    model = sources.parent / "pack" / "model.py"
    model.write_text(model.read_text() + "\n# an edit\n")
    assert compiled.digest(sources) != edited


@pytest.mark.skipif(not bot.search.COMPILED_IN_USE, reason="no build of today's sources")
def test_a_process_running_edited_sources_never_loads_the_older_build(tmp_path: Path) -> None:
    sources = _copy_sources(tmp_path)
    query = sources / "query.py"
    query.write_text(query.read_text() + "\n# an edit the build has not seen\n")
    probe = (
        "import bot.search, bot.search.query as q; print(bot.search.COMPILED_IN_USE, q.__file__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["False", str(query)]


def _fake_build(place: Path, names: tuple[str, ...]) -> None:
    (place / "bot" / "search").mkdir(parents=True)
    for name in names:
        (place / "bot" / "search" / f"{name}.cpython-311-x86_64-linux-gnu.so").touch()


def test_activate_puts_a_whole_build_first_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(compiled.OFF, raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    whole, part = tmp_path / "whole", tmp_path / "part"
    _fake_build(whole, compiled.COMPILED)
    _fake_build(part, compiled.COMPILED[:-1])
    path = ["/src/bot/search"]
    assert not compiled.activate(path, part)
    assert path == ["/src/bot/search"]
    monkeypatch.setenv(compiled.OFF, "1")
    assert not compiled.activate(path, whole)
    assert path == ["/src/bot/search"]
    monkeypatch.delenv(compiled.OFF)
    assert compiled.activate(path, whole)
    assert path == [str(whole / "bot" / "search"), "/src/bot/search"]
    assert str(whole) in sys.path


def _build(into: Path, **env: str) -> str:
    """scripts/compile_search.py's `build` run in a process of its own, asked to build into
    `into` (a folder under a fake venv's `bluebook-compiled`); what it returned."""
    script = ROOT / "scripts" / "compile_search.py"
    probe = (
        "import pathlib, runpy; "
        f"ns = runpy.run_path({str(script)!r}, run_name='probe'); "
        f"print(ns['build'](pathlib.Path({str(into)!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_a_build_that_cannot_compile_says_why_in_a_line_and_leaves_no_build(
    tmp_path: Path,
) -> None:
    builds = tmp_path / "bluebook-compiled"
    builds.mkdir()
    why = _build(builds / compiled.digest(), CC="/bin/false")
    assert why != "None" and "\n" not in why and "log:" in why
    assert not any(p.is_dir() for p in builds.iterdir())
    assert (builds / f"{compiled.digest()}.log").read_text()
    assert (builds / f"{compiled.digest()}.failed").read_text().strip() == why


def test_a_build_is_named_by_the_sources_it_was_compiled_from(tmp_path: Path) -> None:
    """The sources are copied, then compiled: the build takes the copy's digest, whatever
    name it was asked for (the sources may change between the two)."""
    builds = tmp_path / "bluebook-compiled"
    builds.mkdir()
    assert _build(builds / "named-before-the-copy") == "None"
    assert [p.name for p in builds.iterdir()] == [compiled.digest()]
    assert compiled.is_built(builds / compiled.digest())


def test_every_module_a_compiled_one_imports_from_the_bot_is_in_the_digest() -> None:
    """mypyc compiles in what it knows of the modules a compiled one imports (types,
    constants): each of them must name another build when edited."""
    import ast

    covered = {
        (compiled.SOURCES / also).resolve()
        for also in (*compiled.ALSO, *(p.name for p in compiled.SOURCES.glob("*.py")))
    }
    for name in compiled.COMPILED:
        tree = ast.parse((compiled.SOURCES / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot."):
                path = ROOT.joinpath(*node.module.split(".")).with_suffix(".py")  # type: ignore[union-attr]
                assert path.resolve() in covered, f"{name}.py imports {node.module}"

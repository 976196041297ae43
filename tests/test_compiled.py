"""The compiled /search hot path (bot/compiled.py): loaded only when built from today's
sources, and answering and replying exactly as the interpreted code does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import bot.search
from bot import compiled

ROOT = Path(__file__).resolve().parents[1]

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

# Every /search reply (embed, buttons' custom ids) at three positions, excerpt and whole, for
# the query sets on the shipped page and on the three-edition library from each pack, as JSON.
REPLIES = """
import json, sys
import bot.replies.search
from bench.search_bench import QUERY_SETS, load_queries
from bot.interactions.sending import message_kwargs
from bot.replies.custom_ids import needs_token
from bot.served import ServedLibrary
from tests.samples import LIBRARY
queries = [q["query"] for path in QUERY_SETS.values() for q in load_queries(path)]
queries += ["peace keeping", "a*b_c [x](https://e.com) <@1> @here", "zzqx", "", "q " * 60]
out = {"compiled": bot.replies.search.__file__.endswith(".so"), "replies": []}
for directory in (None, LIBRARY):
    library = ServedLibrary.load(directory)
    packs = {k: p.pack for k, p in library.packs.items()}
    for key in library.packs:
        for query in queries:
            found = library.search(query, pack_key=key, limit=5)
            for index in (0, 1, 4):
                for whole in (False, True):
                    made = bot.replies.search.library_search_reply(
                        packs, found, owner=42, index=index, whole=whole,
                        token="~0123456789abcdef" if needs_token(query) else None,
                        stamp=library.text_stamp, reading=None if index else 2023,
                    )
                    sent = message_kwargs(made)
                    view = sent.get("view")
                    out["replies"].append([
                        made.content,
                        [e.to_dict() for e in sent["embeds"]],
                        view.to_components() if view is not None else None,
                    ])
json.dump(out, sys.stdout)
"""


def _run(script: str, **env: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.skipif(
    not bot.search.COMPILED_IN_USE,
    reason="no build of today's sources in this venv (python3 scripts/compile.py)",
)
def test_the_compiled_planner_answers_exactly_as_the_interpreted_one() -> None:
    built = _run(ANSWERS)
    interpreted = _run(ANSWERS, **{compiled.OFF: "1"})
    assert built["compiled"] and not interpreted["compiled"]
    assert built["answers"] == interpreted["answers"]


@pytest.mark.skipif(not bot.search.COMPILED_IN_USE, reason="no build of today's sources")
def test_the_compiled_search_reply_is_exactly_the_interpreted_one() -> None:
    built = _run(REPLIES)
    interpreted = _run(REPLIES, **{compiled.OFF: "1"})
    assert built["compiled"] and not interpreted["compiled"]
    assert len(built["replies"]) > 1000
    assert built["replies"] == interpreted["replies"]


def _copy_sources(to: Path) -> Path:
    """bot/ copied to `to`, as a checkout of the same code would have it."""
    shutil.copytree(ROOT / "bot", to / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    return to / "bot"


def test_an_edit_to_any_module_of_search_or_replies_or_the_pack_model_names_another_build(
    tmp_path: Path,
) -> None:
    sources = _copy_sources(tmp_path)
    assert compiled.digest(sources) == compiled.digest()
    seen = {compiled.digest(sources)}
    # Not compiled themselves: their types are compiled against, or they are in a package
    # compiled in part.
    for edited in (
        "search/engine.py",
        "replies/errors.py",
        "pack/model.py",
        "pack/refs.py",
        "pack/compare.py",
    ):
        path = sources / edited
        path.write_text(path.read_text() + "\n# an edit\n")
        now = compiled.digest(sources)
        assert now not in seen, edited
        seen.add(now)
    unrelated = sources / "interactions" / "path.py"
    unrelated.write_text(unrelated.read_text() + "\n# an edit\n")
    assert compiled.digest(sources) in seen


@pytest.mark.skipif(not bot.search.COMPILED_IN_USE, reason="no build of today's sources")
@pytest.mark.parametrize("edited", ["search/query.py", "replies/common.py"])
def test_a_process_running_edited_sources_never_loads_the_older_build(
    tmp_path: Path, edited: str
) -> None:
    """Neither package: an edit to either runs both interpreted."""
    sources = _copy_sources(tmp_path)
    path = sources / edited
    path.write_text(path.read_text() + "\n# an edit the build has not seen\n")
    probe = (
        "import bot.replies.common as c, bot.search, bot.search.query as q; "
        "print(bot.search.COMPILED_IN_USE, q.__file__, c.__file__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    expected = [str(sources / "search" / "query.py"), str(sources / "replies" / "common.py")]
    assert done.stdout.split() == ["False", *expected]


@pytest.mark.skipif(not bot.search.COMPILED_IN_USE, reason="no build of today's sources")
def test_both_packages_run_the_same_build() -> None:
    import bot.replies.common
    import bot.search.query

    for module in (bot.search.query, bot.replies.common):
        assert Path(module.__file__ or "").is_relative_to(compiled.folder()), module


def _fake_build(place: Path, modules: tuple[str, ...], *, shared: bool = True) -> None:
    for module in modules:
        package, name = module.split(".")
        (place / "bot" / package).mkdir(parents=True, exist_ok=True)
        (place / "bot" / package / f"{name}.cpython-311-x86_64-linux-gnu.so").touch()
    if shared:  # mypyc's shared library, which every module of the build loads
        (place / "0123abcd__mypyc.cpython-311-x86_64-linux-gnu.so").touch()


def test_activate_puts_a_whole_build_first_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(compiled.OFF, raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    whole, part, unshared = tmp_path / "whole", tmp_path / "part", tmp_path / "unshared"
    _fake_build(whole, compiled.COMPILED)
    _fake_build(part, compiled.COMPILED[:-1])
    _fake_build(unshared, compiled.COMPILED, shared=False)
    path = ["/src/bot/search"]
    assert not compiled.activate(path, "search", part)
    assert not compiled.activate(path, "search", unshared)
    assert path == ["/src/bot/search"]
    monkeypatch.setenv(compiled.OFF, "1")
    assert not compiled.activate(path, "search", whole)
    assert path == ["/src/bot/search"]
    monkeypatch.delenv(compiled.OFF)
    assert compiled.activate(path, "search", whole)
    assert path == [str(whole / "bot" / "search"), "/src/bot/search"]
    assert str(whole) in sys.path
    replies = ["/src/bot/replies"]
    assert compiled.activate(replies, "replies", whole)
    assert replies == [str(whole / "bot" / "replies"), "/src/bot/replies"]


@pytest.mark.parametrize("first_off", [False, True])
def test_the_choice_is_made_once_for_both_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first_off: bool
) -> None:
    """Whatever changes between the two packages' imports (BLUEBOOK_INTERPRETED here), the
    second takes the first one's choice: a compiled reply refuses another build's results."""
    build = tmp_path / "build"
    _fake_build(build, compiled.COMPILED)
    monkeypatch.setattr(compiled, "_chosen", [])
    monkeypatch.setattr(compiled, "folder", lambda: build)
    monkeypatch.setattr(sys, "path", list(sys.path))
    if first_off:
        monkeypatch.setenv(compiled.OFF, "1")
    else:
        monkeypatch.delenv(compiled.OFF, raising=False)
    search, replies = ["/src/bot/search"], ["/src/bot/replies"]
    first = compiled.activate(search, "search")
    if first_off:
        monkeypatch.delenv(compiled.OFF)
    else:
        monkeypatch.setenv(compiled.OFF, "1")
    assert compiled.activate(replies, "replies") == first == (not first_off)
    assert (len(search), len(replies)) == ((1, 1) if first_off else (2, 2))


def _build(into: Path, **env: str) -> str:
    """scripts/compile.py's `build` run in a process of its own, asked to build into
    `into` (a folder under a fake venv's `bluebook-compiled`); what it returned."""
    script = ROOT / "scripts" / "compile.py"
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

    covered = {(compiled.BOT / also).resolve() for also in compiled.ALSO}
    for package in compiled.PACKAGES:
        covered |= {p.resolve() for p in (compiled.BOT / package).glob("*.py")}
    for name in compiled.COMPILED:
        tree = ast.parse(compiled.source(name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{name}: a relative import"
                imported = [node.module or ""]
            elif isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            else:
                continue
            for module in imported:
                if module.split(".")[0] != "bot":
                    continue
                path = ROOT.joinpath(*module.split("."))
                path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
                assert path.resolve() in covered, f"{name} imports {module}"

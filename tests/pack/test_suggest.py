"""What `content facts suggest` takes from a sentence (clean numbers and dates, no pointers),
and how `--write` writes the drafts: every file or none."""

import errno
import os
from pathlib import Path

import pytest

from bot.pack.loader import load_pack, shipped_content_dir
from bot.pack.suggest import Candidate, DraftsError, drafts_file, stated, write_drafts


@pytest.mark.parametrize(
    ("sentence", "dates", "numbers"),
    [
        ("In March 2024, Japan hosted 25, and more joined later.", ("March 2024",), ("25",)),
        ("The talks lasted two and a half years.", (), ("two and a half years",)),
        ("In 2024, exports rose 3.5%.", ("2024",), ("3.5%",)),
        ("Aid reached 1,200 million yen in 2023.", ("2023",), ("1,200 million yen",)),
        ("Japan proposed the Security Council Reform 2024 package.", (), ()),
        ("Japan raised the matter (15) at the meeting.", (), ()),
        ("As described in Section 2, the plan holds.", (), ()),
        ("The plan was adopted (see Chapter 3, Section 1, 4 (3) C.) by 12 countries.", (), ()),
    ],
)
def test_stated_numbers_and_dates_are_clean(sentence, dates, numbers):
    found_dates, found_numbers, _ = stated(sentence)
    assert (found_dates, found_numbers) == (dates, numbers)


# -- writing drafts: every file or none ---------------------------------------------------

CANDIDATE = Candidate(
    "3.1.1(1)¶1", "3.1.1(1)", "In 2029, the plan reached 12 members.", ("2029",), ("12",), ()
)


@pytest.fixture(scope="module")
def pack():
    return load_pack(shipped_content_dir())


def test_drafts_that_would_not_read_back_are_refused(pack, tmp_path):
    """A flow list cannot take block items after it: the drafts are refused, not written."""
    (tmp_path / "facts.yaml").write_text("facts: [{id: a, quote: b, ref: c}]\n")
    with pytest.raises(DraftsError, match="cannot be appended to it; add them by hand"):
        drafts_file(pack, [CANDIDATE], tmp_path)
    assert (tmp_path / "facts.yaml").read_text() == "facts: [{id: a, quote: b, ref: c}]\n"


def test_a_rename_that_fails_puts_back_the_files_renamed_before_it(pack, tmp_path, monkeypatch):
    first, second = tmp_path / "one", tmp_path / "two"
    for folder in (first, second):
        folder.mkdir()
        (folder / "facts.yaml").write_text("facts: []\n")
    files = [drafts_file(pack, [CANDIDATE], folder) for folder in (first, second)]
    replace = os.replace

    def failing(source, target):
        if Path(target) == second / "facts.yaml":
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        replace(source, target)

    monkeypatch.setattr("bot.pack.suggest.os.replace", failing)
    with pytest.raises(DraftsError, match=r"two/facts.yaml: cannot be written \(invalid cross"):
        write_drafts(files)
    for folder in (first, second):
        assert [p.name for p in folder.iterdir()] == ["facts.yaml"]
        assert (folder / "facts.yaml").read_text() == "facts: []\n"

"""What `content facts suggest` takes from a sentence: clean numbers and dates, no pointers."""

import pytest

from bot.pack.suggest import stated


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

"""What is left of a date whose start is cut off in the picture, checked against a day in the country's ways."""
from __future__ import annotations

from datetime import date

import pytest

from originproof.text.dates import clipped_fits, clipped_stamp

DAY = date(2026, 7, 22)


@pytest.mark.parametrize("text,frag", [
    ("7.2026 09:14 Bon 207 Kasse 3", "7.2026"),
    (":.2026 09:14", "2026"),
    ("/22/2026 8:05 PM", "22/2026"),
    ("7/22 09:14 レジ2", "7/22"),
])
def test_the_visible_end_of_a_date_before_its_time(text, frag):
    assert clipped_stamp(text)[0] == frag


@pytest.mark.parametrize("text", ["Kasse 3 09:14", "19,10 09:14", "12 09:14", "22.07.2026"])
def test_lines_that_do_not_begin_with_part_of_a_date_and_a_time(text):
    assert clipped_stamp(text) is None


@pytest.mark.parametrize("frag,country,fits", [
    ("7.2026", "DE", True), ("07.2026", "DE", True), ("6.2026", "DE", False), ("7.2025", "DE", False),
    ("22/2026", "US", True), ("23/2026", "US", False),   # month first: the day is what is left
    ("7/22", "JP", True), ("07-22", "KR", True), ("7/23", "JP", False),  # year first: month and day are left
    ("7.26", "FR", True), ("2026", "DE", True),
])
def test_a_fragment_fits_a_day_only_as_that_country_writes_it(frag, country, fits):
    assert clipped_fits(frag, DAY, country) is fits

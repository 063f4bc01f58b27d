"""What is left of a date whose start is cut off in the picture, checked against a day in the country's ways."""
from __future__ import annotations

from datetime import date

import pytest

from originproof.text.dates import clipped_fits, clipped_stamp

DAY = date(2026, 5, 15)


@pytest.mark.parametrize("text,frag", [
    ("5.2026 12:38 Bon 1148 Kasse 6", "5.2026"),
    (":.2026 12:38", "2026"),
    ("/15/2026 8:05 PM", "15/2026"),
    ("5/15 12:38 レジ2", "5/15"),
])
def test_the_visible_end_of_a_date_before_its_time(text, frag):
    assert clipped_stamp(text)[0] == frag


@pytest.mark.parametrize("text", ["Kasse 6 12:38", "19,10 12:38", "12 12:38", "15.05.2026"])
def test_lines_that_do_not_begin_with_part_of_a_date_and_a_time(text):
    assert clipped_stamp(text) is None


@pytest.mark.parametrize("frag,country,fits", [
    ("5.2026", "DE", True), ("05.2026", "DE", True), ("4.2026", "DE", False), ("5.2025", "DE", False),
    ("15/2026", "US", True), ("16/2026", "US", False),   # month first: the day is what is left
    ("5/15", "JP", True), ("05-15", "KR", True), ("5/16", "JP", False),  # year first: month and day are left
    ("5.26", "FR", True), ("2026", "DE", True),
])
def test_a_fragment_fits_a_day_only_as_that_country_writes_it(frag, country, fits):
    assert clipped_fits(frag, DAY, country) is fits

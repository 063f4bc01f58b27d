"""Shared field helpers: dates, identifiers, countries, money."""
from __future__ import annotations

from datetime import date

import pytest

from originproof.text.countries import country_from_address, country_from_name
from originproof.text.dates import find_time, parse_date
from originproof.text.identifiers import (customs_number_ok, guess_company_scheme, kr_brn_valid, uscc_valid,
                                                     validate)
from originproof.text.money import parse_amount


@pytest.mark.parametrize("text,country,want", [
    ("令和8年5月2日", "JP", date(2026, 5, 2)),
    ("R8.5.2", "JP", date(2026, 5, 2)),
    ("平成31年4月30日", "JP", date(2019, 4, 30)),
    ("令和元年5月1日", "JP", date(2019, 5, 1)),
    ("2026年5月2日", None, date(2026, 5, 2)),
    ("2026년 5월 2일", "KR", date(2026, 5, 2)),
    ("2026.05.02", None, date(2026, 5, 2)),
    ("20260502", None, date(2026, 5, 2)),
    ("02/05/2026", "FR", date(2026, 5, 2)),
    ("05/02/2026", "US", date(2026, 5, 2)),
    ("02.05.2026", "DE", date(2026, 5, 2)),
    ("2 May 2026", "AU", date(2026, 5, 2)),
    ("May 2, 2026", "US", date(2026, 5, 2)),
    ("2. Mai 2026", "DE", date(2026, 5, 2)),
    ("2 mai 2026", "FR", date(2026, 5, 2)),
    ("2 maggio 2026", "IT", date(2026, 5, 2)),
    ("Date of issue: 2026-05-02", None, date(2026, 5, 2)),
    ("LYON, A pril 26, 2026", "FR", date(2026, 4, 26)),  # OCR kerned the first letter away
    ("26 S eptember 2026", "GB", date(2026, 9, 26)),
])
def test_dates(text, country, want):
    assert parse_date(text, country) == want


def test_impossible_date_is_not_read():
    assert parse_date("2026-02-30") is None


def test_time():
    assert find_time("2026/05/02 14:07")[0] == "14:07"


def test_uscc_with_letter_authority_code():
    from originproof.samples.ids import uscc_check_char
    body = "N2110000MA0000001"
    good = body + uscc_check_char(body)
    assert uscc_valid(good)
    assert not uscc_valid(body + ("0" if good[-1] != "0" else "1"))
    assert uscc_valid("91350100M000100Y43")
    assert not uscc_valid("91350100M000100Y44")


def test_kr_brn_check_digit():
    assert kr_brn_valid("116-82-00276") and kr_brn_valid("1348672683")
    assert not kr_brn_valid("1168200277")


def test_customs_number_structure():
    assert customs_number_ok("224420261536958352")[0]
    assert not customs_number_ok("224420260536958352")[0]  # export flag
    assert not customs_number_ok("22442026153695835")[0]  # 17 digits


def test_company_schemes():
    from originproof.samples.ids import jp_corporate_number
    import random
    jp = jp_corporate_number(random.Random(1))
    assert guess_company_scheme(jp, "JP") == "jp_corporate_number" and validate("jp_corporate_number", jp)
    assert validate("au_abn", "51 824 753 556") is True
    assert validate("gtin", "4006381333931") is True and validate("gtin", "4006381333932") is False
    assert validate("unknown_scheme", "123") is None


@pytest.mark.parametrize("text,want", [("JAPAN", "JP"), ("日本", "JP"), ("REPUBLIC OF KOREA", "KR"), ("대한민국", "KR"),
                                       ("Deutschland", "DE"), ("美国", "US"), ("JP", "JP"), ("澳大利亚", "AU")])
def test_country_names(text, want):
    assert country_from_name(text) == want


@pytest.mark.parametrize("addr,want", [
    ("静岡県富士市今泉1-12-3", "JP"), ("경기도 화성시 향남읍 제약공단2길 45", "KR"),
    ("2200 Industry Drive, Salem, OR 97301, USA", "US"), ("Industriestraße 14, 68169 Mannheim", "DE"),
    ("45 avenue du Prado, 13008 Marseille", "FR"), ("15 Lakes Road, Braeside VIC 3195", "AU"),
    ("Via Roma 1, 20121 Milano, Italy", "IT")])
def test_address_country(addr, want):
    assert country_from_address(addr)[0] == want


@pytest.mark.parametrize("text,cur,want", [("1.234,56", None, "1234.56"), ("1,234.56", None, "1234.56"),
                                           ("1,280", "JPY", "1280"), ("19,99", None, "19.99"), ("15900", None, "15900")])
def test_money(text, cur, want):
    assert parse_amount(text, cur) == want


@pytest.mark.parametrize("text,want", [("APAN", "JP"), ("FRANCF", "FR"), ("GERMANX", "DE"), ("IRAN", None),
                                       ("Chile", None), ("CHINA", "CN"), ("", None)])
def test_country_one_ocr_slip_away(text, want):
    from originproof.text.countries import country_near_name
    assert country_near_name(text) == want

"""The receipt parser on receipts as real tills print them (layouts from shared/ref/document-layouts.md §5),
written here line by line: store and registration, the transaction date in each country's format, the total
told apart from subtotal / tax / tendered / change."""
from __future__ import annotations

from datetime import date

import pytest

from originproof.evidence.common.ocr import OcrLine
from originproof.evidence.receipts import parse_receipt
from originproof.evidence.receipts.agree import agree
from originproof.registry import default_registry


def lines(*texts: str, h: float = 20.0) -> list[OcrLine]:
    return [OcrLine(t, [10.0, 10 + k * h * 1.5, 300.0, 10 + k * h * 1.5 + h], 0.95) for k, t in enumerate(texts)]


def test_malaysian_style_cash_bill():
    rc = parse_receipt(lines("tan chay yee", "KEDAI RUNCIT MAJU JAYA SDN BHD", "(123456-X)", "NO. 12, JALAN BESAR 3/2,",
                             "81100 JOHOR BAHRU", "TEL: 07-1234 5678", "Date : 09/01/2019 8:01:11 PM",
                             "Sugar 1kg 2 3.20 6.40", "Rice 5kg 1 24.60 24.60", "SUB TOTAL: 31.00",
                             "GST 0%: 0.00", "ROUNDING ADJ: 0.00", "TOTAL: 31.00", "CASH 50.00", "CHANGE 19.00"))
    assert rc.get("store_name") == "KEDAI RUNCIT MAJU JAYA SDN BHD"
    assert rc.get("date") == "2019-01-09"
    assert rc.get("total") == "31" and rc.get("subtotal") == "31" and rc.get("change") == "19"


def test_total_is_tendered_minus_change_not_the_tax_table():
    rc = parse_receipt(lines("POPULAR BOOK", "CO. (M) SDN BHD", "(113825-W)", "12 MAR 2018 18:19",
                             "BOOK A 1 20.00", "BOOK B 1 11.45", "Total RM Incl. of GST 31.47", "Rounding Adj -0.02",
                             "Total RM 31.45", "Cash 50.00", "CHANGE 18.55", "GST Summary Amount Tax", "TOTAL: 29.67 1.78"))
    assert rc.get("store_name") == "POPULAR BOOK CO. (M) SDN BHD"
    assert rc.get("total") == "31.45" and rc.get("date") == "2018-03-12"


@pytest.mark.parametrize("country,text,iso", [
    ("JP", "2026年06月16日(火) 14:05 レジ03", "2026-06-16"),
    ("JP", "R8.06.16 14:05", "2026-06-16"),
    ("KR", "판매일시 2026.06.16 14:05:12", "2026-06-16"),
    ("DE", "16.06.2026 14:05 Bon 4457 Kasse 3", "2026-06-16"),
    ("US", "06/16/2026 02:05 PM", "2026-06-16"),
    ("AU", "16/06/2026 15:09", "2026-06-16"),
])
def test_dates_in_each_countrys_format(country, text, iso):
    rc = parse_receipt(lines("SHOP", "Item 1 1.00", text, "TOTAL 1.00"), country)
    assert rc.get("date") == iso


def test_japanese_qualified_invoice():
    reg = default_registry()
    rc = parse_receipt(lines("マツモトキヨシ", "新宿東口店", "東京都新宿区新宿3-17-1", "TEL03-1234-5678",
                             "登録番号 T8306045053920", "2026年06月04日 16:56 レジ03", "領収書",
                             "小町の森 保湿フェイスマスク 3枚入", "2点 × ¥3,600 ¥7,200", "JAN 4542429643421",
                             "小計 2点 ¥7,200", "(内消費税等 10% ¥655)", "合計 ¥7,200", "お預り ¥10,000", "お釣り ¥2,800"),
                       "JP", registry=reg)
    assert rc.get("chain_id") == "jp_matsumoto_kiyoshi"
    assert rc.get("branch") == "新宿東口店"
    assert rc.get("registration")["value"] == "T8306045053920"
    assert rc.get("total") == "7200" and rc.get("currency") == "JPY"
    assert rc.get("items")[0]["gtin"] == "4542429643421"
    # OCR drops a voicing mark on small thermal print (ギ read as キ): still the chain, by its kana name.
    rc = parse_receipt(lines("スキ薬局", "横浜駅前店", "2026年04月17日 10:12", "合計 ¥7,200"), "JP", registry=reg)
    assert rc.get("chain_id") == "jp_sugi"


def test_australian_tax_invoice_abn_and_gst():
    rc = parse_receipt(lines("Priceline Pharmacy", "Perth Central", "79 Murray St, Perth WA 6000",
                             "TAX INVOICE ABN 51 824 753 556", "NIGHT CREAM 50G", "9300000000003 1 @ 38.58 38.58",
                             "SUBTOTAL 38.58", "GST INCLUDED 3.51", "TOTAL 38.58", "EFTPOS 38.58", "11/05/2026 15:09"), "AU")
    assert rc.get("registration")["scheme"] == "au_abn" and rc.get("registration")["valid"]
    assert rc.get("total") == "38.58" and rc.get("currency") == "AUD"
    assert rc.get("date") == "2026-05-11"


def test_expected_day_settles_an_ambiguous_order():
    rc = parse_receipt(lines("SHOP", "05/06/2026 10:00", "TOTAL 3.00"), None, expect_date=date(2026, 6, 5))
    assert rc.get("date") == "2026-06-05"


def test_two_readings_agree_field_by_field():
    a = parse_receipt(lines("SHOP A SDN BHD", "01/02/2019 10:00", "TOTAL 12.90", "CASH 20.00", "CHANGE 8.00"))
    b = parse_receipt(lines("SHOPASDNBHD", "01/02/2019 10:00", "TOTAL 12.00", "CASH 20.00", "CHANGE 8.00"))
    rc = agree(a, b, prefer="a")
    assert rc.get("total") == "12"  # the reading whose total is tendered − change
    assert rc.get("store_name") == "SHOP A SDN BHD" and rc.date.confidence >= a.date.confidence


def test_amount_listed_before_its_label_pairs_by_position():
    # An engine that reads right column first lists "67.85" before "NET TOTAL" on the same printed row.
    ls = lines("KEDAI MAKAN SEDAP SDN BHD", "Date: 22/01/2017 09:09", "1 RICE 4.50", "64.00", "SUB TOTAL",
               "3.84", "GST 6%", "0.01", "ROUNDING ADJ", "67.85", "NET TOTAL", "Cash 100.00", "32.15", "CHANGE")
    for k in (3, 5, 7, 9, 12):  # each amount 4 px above its label, on the label's row
        ls[k].bbox = [200.0, ls[k + 1].bbox[1] - 4, 300.0, ls[k + 1].bbox[3] - 4]
    rc = parse_receipt(ls)
    assert rc.get("total") == "67.85" and rc.get("subtotal") == "64" and rc.get("change") == "32.15"


def test_total_one_digit_from_subtotal_plus_tax_is_the_sum_misread():
    rc = parse_receipt(lines("KEDAI RUNCIT MAJU SDN BHD", "Date: 09/01/2019", "SUGAR 1 92.50", "SUB-TOTAL 92.50",
                             "GST 1.50", "ROUNDING 0.00", "TOTAL 84.00", "CASH 84.00", "CHANGE 0.00"))
    assert rc.get("total") == "94"
    # A total equal to the subtotal has the tax inside it: left alone.
    rc = parse_receipt(lines("KEDAI RUNCIT MAJU SDN BHD", "Date: 09/01/2019", "SUGAR 1 10.00", "SUB-TOTAL 10.00",
                             "GST 0.06", "TOTAL 10.00"))
    assert rc.get("total") == "10"


def test_paid_equal_to_subtotal_is_the_total_and_garbled_label_falls_back_to_repeated_amount():
    rc = parse_receipt(lines("KEDAI RUNCIT MAJU SDN BHD", "Date: 13/07/2017", "PLUG TOP 1 4.00", "SUB-TOAL 4.00",
                             "ROUNDING 0.80", "TOTAL 4.80", "CASH 20.00", "CHANGE 16.00"))
    assert rc.get("total") == "4"
    rc = parse_receipt(lines("KEDAI RUNCIT MAJU SDN BHD", "Date: 12/02/2018", "RICE 10KG @53.50", "9559606389892 53.50",
                           "OIL 3KG @7.90", "3554190157801 7.90", "Tqtal Sales (Incl. GST 6%) RM61.40",
                           "Nel lota! RM61.40", "Payment Method VISA CARD"))
    assert rc.get("total") == "61.40"


def test_business_name_wrapped_above_its_registration_number():
    rc = parse_receipt(lines("AIK HUAT HARDWARE", "ENTERPRISE (SETIA", "ALAM) SDN BHD", "(822737-X)",
                             "NO. 17-G, JALAN SETIA INDAH", "Date: 13/07/2017", "PLUG TOP 1 4.00", "TOTAL 4.00"))
    assert rc.get("store_name") == "AIK HUAT HARDWARE ENTERPRISE (SETIA ALAM) SDN BHD"
    # A handwritten note in small letters above the name is not part of it.
    rc = parse_receipt(lines("tan chay yee", "KEDAI RUNCIT MAJU JAYA SDN BHD", "(123456-X)", "Date: 09/01/2019",
                             "TOTAL: 31.00"))
    assert rc.get("store_name") == "KEDAI RUNCIT MAJU JAYA SDN BHD"


def test_a_date_cut_off_at_the_start_is_kept_as_its_visible_end_with_the_time_never_as_a_date():
    rc = parse_receipt(lines("Examplemarkt", "Hauptstraße 1, 10115 Berlin", "Examplebrand Tee 4,99 A",
                             "SUMME EUR 4,99", ".05.2026 09:14 Bon 31 Kasse 2"), "DE")
    assert rc.get("date") is None
    assert rc.get("date_clipped") == "05.2026" and rc.get("time") == "09:14"


def test_a_whole_date_leaves_nothing_clipped():
    rc = parse_receipt(lines("Examplemarkt", "SUMME EUR 4,99", "14.05.2026 09:14 Bon 31"), "DE")
    assert rc.get("date") == "2026-05-14" and rc.get("date_clipped") is None


def test_an_amount_before_a_time_is_not_a_clipped_date():
    rc = parse_receipt(lines("Examplemarkt", "SUMME EUR 4,99", "4,99 09:14"), "DE")
    assert rc.get("date_clipped") is None

"""Agreement parties from the running text, as OCR reads real scans."""
from __future__ import annotations

from originproof.evidence.documents.types.agreement import _alias_parties


def test_one_alias_misread_the_definitions_still_give_both_parties_in_order():
    text = ('주식회사 예시 (Yesi Cosmetics Inc.) (이하 "Zt", 사업자등록번호 123-45-67890) 과 예시제조 주식회사 '
            '(Yesi Manufacturing Co., Ltd.) (이하 "을", 사업자등록번호 234-56-78901) 은 다음과 같이 계약을 체결한다.')
    got = [(n, alt, side) for n, alt, side in _alias_parties(text)]
    assert got == [("주식회사 예시", "Yesi Cosmetics Inc.", "a"), ("예시제조 주식회사", "Yesi Manufacturing Co., Ltd.", "b")]


def test_a_bilingual_name_is_split_from_its_alias_across_a_space_and_a_cell_rule():
    text = "| 北辰化粧品株式会社 (Hokushin Cosmetics Co., Ltd.) （以下「甲」という）と南風製造株式会社（以下「乙」という）は"
    got = [(n, alt, side) for n, alt, side in _alias_parties(text)]
    assert got == [("北辰化粧品株式会社", "Hokushin Cosmetics Co., Ltd.", "a"), ("南風製造株式会社", None, "b")]


def test_roles_follow_the_alias_not_the_order():
    text = "乙社株式会社（以下「乙」という）と甲社株式会社（以下「甲」という）は、次のとおり契約する。"
    sides = {n: side for n, _alt, side in _alias_parties(text)}
    assert sides.get("甲社株式会社") == "a" and sides.get("乙社株式会社") == "b"


def test_a_clause_is_no_party_but_a_latin_name_ending_with_a_point_is():
    from originproof.evidence.documents.types.agreement import _sentence
    assert _sentence("은 대한민국 내 을의 공장에서 본 제품을 제조한다.")
    assert not _sentence("Example Contract Packing Co.")
    assert not _sentence("예시제조 주식회사 (Yesi Manufacturing Co., Ltd.)")


def test_a_cell_rule_read_as_a_bar_is_no_part_of_a_party_name():
    from originproof.evidence.documents.types.agreement import _clean_name
    assert _clean_name("| 北辰化粧品株式会社") == "北辰化粧品株式会社"
    assert _clean_name("Nordlicht Kosmetik GmbH │") == "Nordlicht Kosmetik GmbH"


def test_party_blocks_in_the_closing_part_are_a_signature_block_when_the_seal_mark_is_unread():
    from originproof.evidence.common.ocr import OcrLine
    from originproof.evidence.documents.types.agreement import _party_blocks

    def ls(*texts):
        return [OcrLine(t, [0, 20 * i, 500, 20 * i + 12]) for i, t in enumerate(texts)]
    closing = ls("( 甲 ) (乙)", "住所 : 東京都千代田区1-1 住所 : 大阪市北区2-2", "名称 : 甲社株式会社名称 : 乙社株式会社",
                 "代表取締役社長山田太郎 代表取締役 田中花子", "Seer ay oa pg eee")
    assert len(_party_blocks(closing)) == 3
    # One party's address alone, or one label for both parties, is no block.
    assert _party_blocks(ls("住所 : 東京都千代田区1-1", "名称 : 甲社株式会社")) == []
    assert _party_blocks(ls("住所 : 東京都千代田区1-1 住所 : 大阪市北区2-2")) == []


def test_a_party_defined_between_dashes_ends_at_the_dash():
    from originproof.evidence.documents.types.agreement import _pattern_parties
    text = ("Zwischen Beispiel Naturkosmetik GmbH — nachfolgend „Auftraggeberin“ — und Muster Kosmetik "
            "Produktions GmbH — nachfolgend „Lohnhersteller“ — wird folgender Vertrag geschlossen:")
    assert [(n, side) for n, _alt, side in _pattern_parties(text)] == [
        ("Beispiel Naturkosmetik GmbH", "a"), ("Muster Kosmetik Produktions GmbH", "b")]
    text = ("This Agreement is made between Example Brands Ltd — hereinafter the \"Client\" — and Sample "
            "Makers Pty Ltd — hereinafter the \"Manufacturer\".")
    assert [n for n, _alt, _s in _pattern_parties(text)] == ["Example Brands Ltd", "Sample Makers Pty Ltd"]

"""A finding a person must review still tells the seller what would settle it without review."""
from __future__ import annotations

from originproof.facts.bundle import Unread
from originproof.rules.base import LEGIBLE_COPY, unknown, unread_finding


def test_unreadable_evidence_says_what_to_supply_in_both_languages():
    f = unread_finding("PROD.COO.PRESENT", "certificate_of_origin", Unread(files=["a.jpg"], reason="blurred"))
    assert f.status == "unknown"
    assert f.remedy is not None and f.remedy.zh == LEGIBLE_COPY[0] and f.remedy.en == LEGIBLE_COPY[1]
    assert LEGIBLE_COPY[1] in f.message.en and LEGIBLE_COPY[0] in f.message.zh
    assert f.evidence == [{"file": "a.jpg"}]


def test_an_unknown_without_a_remedy_has_none():
    f = unknown("DIST.ONLINE.LISTING", "listing 1", "The listing was not read", "未读取该链接")
    assert f.remedy is None and f.message.en == "The listing was not read"


def test_a_file_that_failed_intake_is_asked_for_again_not_as_a_sharper_scan():
    from originproof.rules.base import READABLE_FILE
    f = unread_finding("PROD.COO.PRESENT", "certificate_of_origin",
                       Unread(files=["a.pdf"], reason="a file of this document failed intake"))
    assert f.remedy.en == READABLE_FILE[1] and f.remedy.zh == READABLE_FILE[0]


def test_the_chinese_message_gives_the_reason_in_chinese():
    f = unread_finding("PROD.COO.PRESENT", "certificate_of_origin",
                       Unread(files=["a.pdf"], reason="reading took longer than 120 s"))
    assert "读取超过 120 秒" in f.message.zh and "longer than" not in f.message.zh

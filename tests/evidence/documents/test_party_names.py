"""A party's name at the head of its cell, without what is printed after it."""
from __future__ import annotations

import pytest

from originproof.evidence.documents.types.common import name_of


@pytest.mark.parametrize("cell,want", [
    ("示例贸易有限公司 91310000MA1234567X", "示例贸易有限公司"),       # the credit code beside the name
    ("Example Trading Co., Ltd., 1 Main Street", "Example Trading Co., Ltd."),
    ("Example Trading Co., Ltd. 2nd Floor", "Example Trading Co., Ltd. 2nd Floor"),  # not a code: kept
    ("Example Trading Co., Ltd. — FROM BUSAN TO SHANGHAI", "Example Trading Co., Ltd."),  # the next cell
    ("株式会社サンプル", "株式会社サンプル"),
])
def test_name_of(cell, want):
    assert name_of(cell) == want


@pytest.mark.parametrize("text,name", [("会社法人等秋呈", False), ("Name of Iicensee", False),
                                       ("東和コスメ製造株式会社", True), ("Alpenrose Kosmetikwerk GmbH", True)])
def test_a_garbled_caption_is_no_name(text, name):
    from originproof.evidence.documents.types.common import looks_like_name
    from originproof.evidence.layout.captions import lexicon
    assert looks_like_name(text, lexicon("factory_licence")) is name

"""Highlighting on the original text."""

from __future__ import annotations

from portal.search.base import Highlight
from portal.search.highlight import (
    ELLIPSIS,
    document_highlights,
    find_spans,
    has_match,
    highlight,
)


def marked(item: Highlight) -> list[str]:
    return [text for text, flag in item.segments if flag]


def joined(item: Highlight) -> str:
    return "".join(text for text, _ in item.segments)


def test_marks_every_occurrence_of_every_term() -> None:
    item = highlight("name", "宝鸡钛业:钛棒、钛合金", ["钛", "宝鸡"])
    assert item.field == "name"
    assert item.segments == (
        ("宝鸡钛", True),
        ("业:", False),
        ("钛", True),
        ("棒、", False),
        ("钛", True),
        ("合金", False),
    )


def test_overlapping_terms_merge() -> None:
    assert marked(highlight("p", "钛合金锻件", ["钛合金", "合金锻"])) == ["钛合金锻"]


def test_latin_is_case_insensitive_and_keeps_original_text() -> None:
    item = highlight("name", "Baoji TITANIUM Titanic", ["titan"])
    assert marked(item) == ["TITAN", "Titan"]
    assert joined(item) == "Baoji TITANIUM Titanic"


def test_full_width_matches_ascii() -> None:
    assert marked(highlight("p", "标准ＧＢ／Ｔ　３６２０", ["gb", "3620"])) == ["ＧＢ", "３６２０"]


def test_words_match_only_where_a_word_starts() -> None:
    assert find_spans("abc xabc ab", ["ab"]) == [(0, 2), (9, 11)]
    # CJK next to a word is a word boundary.
    assert find_spans("钛abc", ["abc"]) == [(1, 4)]


def test_no_match_is_one_plain_segment() -> None:
    item = highlight("name", "宝鸡钛业", ["锻件"])
    assert item.segments == (("宝鸡钛业", False),)
    assert not has_match(item)


def test_long_text_is_cut_to_a_window_around_the_first_match() -> None:
    text = "甲" * 200 + "抗拉强度" + "乙" * 200 + "抗拉强度"
    item = highlight("texts", text, ["抗拉强度"], max_chars=40, lead_chars=10)
    assert item.segments[0] == (ELLIPSIS + "甲" * 10, False)
    assert item.segments[-1] == ("乙" * 26 + ELLIPSIS, False)
    assert marked(item) == ["抗拉强度"]
    assert joined(item) == ELLIPSIS + "甲" * 10 + "抗拉强度" + "乙" * 26 + ELLIPSIS


def test_window_at_the_end_of_the_text() -> None:
    text = "甲" * 100 + "钛"
    item = highlight("texts", text, ["钛"], max_chars=30, lead_chars=10)
    assert joined(item) == ELLIPSIS + "甲" * 29 + "钛"
    assert item.segments[-1] == ("钛", True)


def test_long_text_without_match_is_cut_at_the_start() -> None:
    item = highlight("texts", "甲" * 50, ["钛"], max_chars=20)
    assert item.segments == (("甲" * 20 + ELLIPSIS, False),)


def test_document_highlights_name_and_matching_fields() -> None:
    items = document_highlights(
        ("钛",),
        name="宝鸡某公司",
        former_names=("宝鸡钛材厂",),
        products=("钛棒", "铜管"),
        address="宝鸡市渭滨区",
        texts=("钛合金锻件 抽检不合格:抗拉强度",),
    )
    assert [item.field for item in items] == ["name", "former_names", "products", "texts"]
    assert not has_match(items[0])
    assert joined(items[2]) == "钛棒、铜管"
    assert marked(items[3]) == ["钛"]

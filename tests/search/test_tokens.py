"""Text analysis: runs, index tokens and query parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.errors import BadRequest
from portal.search.tokens import (
    RUN_BREAK,
    RunKind,
    analyse_field,
    bigrams,
    fold,
    parse_query,
    runs,
)


def test_fold_lowers_and_narrows_without_changing_length() -> None:
    assert fold("ABC Ｇｂ／Ｔ 钛") == "abc gb/t 钛"
    assert fold("㈱") == "㈱"  # NFKC would make it three characters: kept as is


@given(st.text())
def test_fold_keeps_length(text: str) -> None:
    assert len(fold(text)) == len(text)


def test_runs_split_cjk_words_and_separators() -> None:
    found = [(r.kind, r.text, r.start, r.end) for r in runs("宝鸡ABC钛业,GB3620")]
    assert found == [
        (RunKind.CJK, "宝鸡", 0, 2),
        (RunKind.WORD, "abc", 2, 5),
        (RunKind.CJK, "钛业", 5, 7),
        (RunKind.WORD, "gb3620", 8, 14),
    ]


def test_bigrams() -> None:
    assert bigrams("钛合金锻") == ("钛合", "合金", "金锻")
    assert bigrams("钛") == ()


def test_analyse_field_unigrams_and_bigrams() -> None:
    tokens = analyse_field("钛合金锻件")
    assert tokens.unigrams == "钛 合 金 锻 件"
    assert tokens.bigrams == "钛合 合金 金锻 锻件"


def test_analyse_field_breaks_bigram_stream_between_runs() -> None:
    assert analyse_field("钛合,合金").bigrams == f"钛合 {RUN_BREAK} 合金"
    # Several values of a multi-valued field never join into one run either.
    assert analyse_field("钛合", "合金").bigrams == f"钛合 {RUN_BREAK} 合金"
    assert analyse_field("宝鸡 钛 合金").bigrams == f"宝鸡 {RUN_BREAK} 合金"


def test_analyse_field_lowercases_words() -> None:
    tokens = analyse_field("ABC-123 宝鸡 Ｔｉ")
    assert tokens.unigrams == "abc 123 宝 鸡 ti"
    assert tokens.bigrams == "宝鸡"


def test_parse_query_terms_and_parts() -> None:
    parsed = parse_query("  宝鸡  钛合金锻 ")
    assert parsed.text == "宝鸡 钛合金锻"
    assert [[(p.kind, p.text) for p in t.parts] for t in parsed.terms] == [
        [(RunKind.CJK, "宝鸡")],
        [(RunKind.CJK, "钛合金锻")],
    ]
    assert parsed.parts[1].bigrams == ("钛合", "合金", "金锻")


def test_parse_query_last_word_is_a_prefix_unless_followed_by_space() -> None:
    assert [p.prefix for p in parse_query("abc 钛 Ti").parts] == [False, False, True]
    assert [p.prefix for p in parse_query("abc 钛 Ti ").parts] == [False, False, False]
    assert [p.prefix for p in parse_query("Ti 钛").parts] == [False, False]


def test_parse_query_mixed_term_has_several_parts() -> None:
    (term,) = parse_query("GB/T3620钛").terms
    assert [(p.kind, p.text) for p in term.parts] == [
        (RunKind.WORD, "gb"),
        (RunKind.WORD, "t3620"),
        (RunKind.CJK, "钛"),
    ]


def test_blank_query_is_a_browse() -> None:
    assert parse_query("").terms == ()
    assert parse_query(" \u3000 ").terms == ()


@pytest.mark.parametrize("text", ["!!!", '"', "*", "( )", "——", "“”", "% _ \\"])
def test_query_without_searchable_text_is_a_bad_request(text: str) -> None:
    with pytest.raises(BadRequest, match="没有可检索的文字"):
        parse_query(text)


def test_punctuation_between_terms_is_ignored() -> None:
    assert [p.text for p in parse_query('"钛" * ( AND').parts] == ["钛", "and"]


def test_highlight_terms_longest_first_without_repeats() -> None:
    assert parse_query("钛 钛合金 abc 钛").highlight_terms == ("钛合金", "abc", "钛")


@given(st.text())
def test_parse_query_never_fails_otherwise(text: str) -> None:
    try:
        parsed = parse_query(text)
    except BadRequest:
        return
    for part in parsed.parts:
        assert part.text
        assert '"' not in part.text

"""Highlighting on the original text: pure, engine-independent.

A backend passes a field's original text and the query's terms (`ParsedQuery.highlight_terms`);
every occurrence of every term is marked. Matching uses `tokens.fold` (NFKC, lower case, length
preserving), so latin terms match case-insensitively and full-width forms match their ASCII
twins, while the segments keep the original characters. A word term (latin letters or digits) is
only marked where a word starts, as the index matches words and word prefixes, not inner pieces.
Long texts are cut to a window around the first match, with "…" where text was left out.
Record texts are masked again before they are cut (portal.privacy): an index built before
documents were masked shows no personal data in a snippet either (`portal reindex` removes it).
"""

from __future__ import annotations

from collections.abc import Iterable

from portal.privacy import mask_text
from portal.search.base import Highlight
from portal.search.tokens import fold, is_word_char

ELLIPSIS = "…"
# Longest text returned whole; longer texts are cut to a window of this many characters.
MAX_CHARS = 120
# Characters kept before the first match when a window is cut.
LEAD_CHARS = 20


def find_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Sorted, merged (start, end) offsets of every occurrence of every term in `text`."""
    folded = fold(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        needle = fold(term)
        if not needle:
            continue
        word = is_word_char(needle[0])
        at = folded.find(needle)
        while at >= 0:
            if not (word and at > 0 and is_word_char(folded[at - 1])):
                spans.append((at, at + len(needle)))
            at = folded.find(needle, at + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _window(length: int, first: int, max_chars: int, lead: int) -> tuple[int, int]:
    if length <= max_chars:
        return 0, length
    start = max(0, first - lead)
    end = min(length, start + max_chars)
    return max(0, end - max_chars), end


def highlight(
    field: str,
    text: str,
    terms: Iterable[str],
    *,
    max_chars: int = MAX_CHARS,
    lead_chars: int = LEAD_CHARS,
) -> Highlight:
    """`text` cut into segments, the occurrences of `terms` marked `True`.

    A text longer than `max_chars` is cut to a window of that size starting `lead_chars` before
    the first match (or at the start, without a match), with "…" segments at cut ends.
    """
    spans = find_spans(text, terms)
    start, end = _window(len(text), spans[0][0] if spans else 0, max_chars, lead_chars)
    pieces: list[tuple[str, bool]] = []
    if start > 0:
        pieces.append((ELLIPSIS, False))
    at = start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        pieces.append((text[at:s], False))
        pieces.append((text[s:e], True))
        at = e
    pieces.append((text[at:end], False))
    if end < len(text):
        pieces.append((ELLIPSIS, False))
    segments: list[tuple[str, bool]] = []
    for piece, marked in pieces:
        if not piece:
            continue
        if segments and segments[-1][1] == marked:
            segments[-1] = (segments[-1][0] + piece, marked)
        else:
            segments.append((piece, marked))
    return Highlight(field, tuple(segments))


def has_match(item: Highlight) -> bool:
    return any(marked for _, marked in item.segments)


def highlight_fields(
    fields: Iterable[tuple[str, str]], terms: Iterable[str], *, always: Iterable[str] = ("name",)
) -> tuple[Highlight, ...]:
    """Highlights of the `(field, text)` pairs that contain a term, plus the `always` fields."""
    terms = tuple(terms)
    keep = set(always)
    result = []
    for field, text in fields:
        if not text:
            continue
        item = highlight(field, text, terms)
        if field in keep or has_match(item):
            result.append(item)
    return tuple(result)


def document_highlights(
    terms: Iterable[str],
    *,
    name: str,
    former_names: Iterable[str] = (),
    products: Iterable[str] = (),
    address: str = "",
    legal_representative: str = "",
    texts: Iterable[str] = (),
) -> tuple[Highlight, ...]:
    """A hit's highlights: always the name, then each other field (by SearchDocument's field
    names) in which a term occurs; multi-valued fields are joined first."""
    fields = (
        ("name", name),
        ("former_names", "、".join(former_names)),
        ("products", "、".join(products)),
        ("address", address),
        ("legal_representative", legal_representative),
        ("texts", mask_text(";".join(texts))),
    )
    return highlight_fields(fields, terms)

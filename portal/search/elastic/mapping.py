"""The Elasticsearch index: settings, mapping (in code, `dynamic: strict`) and documents.

A document keeps two views of an enterprise:

- the original texts (`name`, `former_names`, `products`, `address`, `legal_representative`,
  `texts`), returned with each hit for `highlight.py` to mark; only `name` is indexed, as a keyword
  (exact-name and name-prefix ranking, sorting);
- `search.*`, the searchable text: each field is the list of the *runs* of its texts
  (`tokens.runs`: folded, punctuation dropped), analysed by the configured analyzer. As every run
  is a value of its own, and Elasticsearch leaves a gap of `position_increment_gap` positions
  between values, a phrase never continues from one run into the next, so "钛合,合金" does not
  contain "钛合金", and neither do two product names side by side: the same rule as the embedded
  search's RUN_BREAK. Kana and hangul are spaced out (`cjk_text`), as the standard tokenizer
  would keep katakana and hangul words whole where the embedded search cuts every character.

With the default `standard` analyzer the two backends find the same documents for every query,
but for the few letters and digits Lucene's tokenizer drops (vulgar fractions such as ½, circled
numbers from ⑩, ideographs newer than its Unicode tables): those are searchable only in the
embedded search. Another analyzer (IK, smartcn) cuts words and so finds fewer, word-level matches.

The facet fields (`district`, `industry`, `lists`, `colour`) and the codes are keywords.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from portal.codes import normalise
from portal.search.base import SearchDocument
from portal.search.elastic.names import SCHEMA_VERSION
from portal.search.sqlite import CODES_WEIGHT, FIELD_WEIGHTS
from portal.search.tokens import RunKind, runs

# `search.*` fields with their boosts: the weights of the embedded search's bm25 columns, so
# both backends rank names above products above the person above texts and addresses.
SEARCH_BOOSTS = dict(FIELD_WEIGHTS)
# `search.codes` holds the normalised USCC and organisation code, searched by latin/digit words.
CODES_BOOST = CODES_WEIGHT
# Facet name (base.FACET_FIELDS) -> keyword field.
FACET_KEYWORDS = {
    "district": "district", "industry": "industry", "list": "lists", "colour": "colour",
}  # fmt: skip
# Original texts returned with hits.
SOURCE_FIELDS = (
    "uscc", "name", "former_names", "address", "legal_representative", "district", "industry",
    "products", "texts", "lists", "colour",
)  # fmt: skip
# Deepest `from + size` a search may reach. Elasticsearch's default (10 000) is below the number
# of enterprises of a large city; one shard keeps deep pages cheap enough up to this.
MAX_RESULT_WINDOW = 100_000
# Gap between two values (runs) of a text field; any positive gap stops a phrase (slop 0).
POSITION_GAP = 100

_KEYWORD = {"type": "keyword"}
_STORED_TEXT = {"type": "text", "index": False}  # kept for highlighting, not searchable


def index_settings(*, loading: bool = False) -> dict[str, Any]:
    """Settings of a new index: one shard (exact facet counts and scores), no replicas (one node;
    a production cluster may add them later), no refreshes while a rebuild loads it."""
    settings: dict[str, Any] = {
        "number_of_shards": 1,
        "number_of_replicas": 0,
        "max_result_window": MAX_RESULT_WINDOW,
    }
    if loading:
        settings["refresh_interval"] = "-1"
    return {"index": settings}


def mappings(analyzer: str) -> dict[str, Any]:
    text = {"type": "text", "analyzer": analyzer, "position_increment_gap": POSITION_GAP}
    return {
        "dynamic": "strict",
        "_meta": {"schema_version": SCHEMA_VERSION, "analyzer": analyzer},
        "properties": {
            "uscc": _KEYWORD,
            "org_code": _KEYWORD,
            "name": _KEYWORD,
            "former_names": _STORED_TEXT,
            "address": _STORED_TEXT,
            "legal_representative": _STORED_TEXT,
            "products": _STORED_TEXT,
            "texts": _STORED_TEXT,
            "district": _KEYWORD,
            "industry": _KEYWORD,
            "lists": _KEYWORD,
            "colour": _KEYWORD,
            "search": {
                "dynamic": "strict",
                "properties": {field: text for field in (*SEARCH_BOOSTS, "codes")},
            },
        },
    }


# Kana and hangul, which the standard tokenizer keeps together as words (hiragana aside).
_KANA_HANGUL = re.compile("([\u3040-\u30ff\uac00-\ud7af])")


def cjk_text(run: str) -> str:
    """A CJK run as indexed and queried: kana and hangul spaced out, so that every analyzer cuts
    them into single characters as the standard one cuts Chinese; Chinese left alone, for the
    analyzers that cut it into words."""
    return " ".join(_KANA_HANGUL.sub(r" \1 ", run).split())


def _runs(texts: Iterable[str]) -> list[str]:
    return [
        cjk_text(run.text) if run.kind is RunKind.CJK else run.text
        for text in texts
        for run in runs(text)
    ]


def document_source(doc: SearchDocument) -> dict[str, Any]:
    """The indexed document of `doc` (its `_id` is the USCC)."""
    return {
        "uscc": doc.uscc,
        "org_code": doc.org_code,
        "name": doc.name,
        "former_names": list(doc.former_names),
        "address": doc.address,
        "legal_representative": doc.legal_representative,
        "products": list(doc.products),
        "texts": list(doc.texts),
        "district": doc.district,
        "industry": doc.industry,
        "lists": list(dict.fromkeys(doc.lists)),
        "colour": doc.colour,
        "search": {
            "name": _runs((doc.name, *doc.former_names)),
            "products": _runs(doc.products),
            "person": _runs((doc.legal_representative,)),
            "texts": _runs(doc.texts),
            "address": _runs((doc.address,)),
            "codes": _runs((normalise(doc.uscc), normalise(doc.org_code))),
        },
    }

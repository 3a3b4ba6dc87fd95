"""`chunked`: a stream cut into lists of at most `size` items, the one way the portal pages work
through SQL `IN (…)` lists, bulk requests and ingest lines without holding the whole stream."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of `size` items of `items` (the last one shorter), read lazily."""
    if size < 1:
        raise ValueError("size must be at least 1")
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk

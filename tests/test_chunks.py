"""`chunked`: lists of at most `size`, read lazily."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

import pytest

from portal.chunks import chunked


def test_chunks_keep_order_and_the_last_is_shorter() -> None:
    assert list(chunked(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunked([], 3)) == []


def test_chunks_read_the_stream_lazily() -> None:
    read: list[int] = []

    def stream() -> Iterator[int]:
        for i in range(100):
            read.append(i)
            yield i

    assert list(islice(chunked(stream(), 10), 2)) == [list(range(10)), list(range(10, 20))]
    assert len(read) == 20


def test_a_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="size"):
        next(chunked([1], 0))

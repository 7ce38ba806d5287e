"""The Range header of downloads: one byte range, suffixes, ignoring what cannot be honoured."""

import pytest

from api.errors import RangeNotSatisfiable
from api.ranges import ByteRange, parse_range


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-9", ByteRange(0, 9)),
        ("bytes=90-", ByteRange(90, 99)),
        ("bytes=-10", ByteRange(90, 99)),
        ("bytes=95-500", ByteRange(95, 99)),
        ("bytes=-500", ByteRange(0, 99)),
    ],
    ids=["closed", "open-ended", "suffix", "end-past-size", "suffix-past-size"],
)
def test_single_range_is_clamped_to_the_file(header: str, expected: ByteRange) -> None:
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize(
    "header",
    [None, "", "bytes=0-1,5-6", "items=0-5", "bytes=-", "bytes=9-3", "bytes=a-b"],
    ids=["absent", "empty", "multi", "other-unit", "no-numbers", "reversed", "garbage"],
)
def test_range_that_cannot_be_honoured_means_the_whole_file(header: str | None) -> None:
    assert parse_range(header, 100) is None


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=200-300", "bytes=-0"])
def test_range_outside_the_file_is_not_satisfiable(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable) as caught:
        parse_range(header, 100)
    assert caught.value.headers() == {"Content-Range": "bytes */100"}


def test_content_range_names_both_ends_and_the_size() -> None:
    assert ByteRange(10, 19).content_range(100) == "bytes 10-19/100"

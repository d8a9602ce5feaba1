"""The fee measures' bands (国办函〔2020〕109号 第四条, 第五条 as reproduced), on both sides of each
boundary: the most the n-th request of a month, or so many pages, may cost."""

from __future__ import annotations

import pytest

from gongkai.facts.fees import page_band, piece_band, piece_fee, volume_fee


@pytest.mark.parametrize(
    ("ordinal", "band", "most"),
    [(1, 1, 0), (10, 1, 0), (11, 2, 100), (30, 2, 100), (31, 3, 200), (40, 3, 200), (41, 3, 300), (51, 3, 400)],
)
def test_by_piece_the_month_s_first_ten_are_free_then_100_then_100_more_per_ten(
    ordinal: int, band: int, most: int
) -> None:
    assert (piece_band(ordinal), piece_fee(ordinal)) == (band, most)


@pytest.mark.parametrize(
    ("pages", "band", "most"),
    [(0, 1, 0), (30, 1, 0), (31, 2, 10), (100, 2, 700), (101, 3, 720), (200, 3, 2700), (201, 4, 2740), (250, 4, 4700)],
)
def test_by_volume_thirty_pages_are_free_and_each_band_s_pages_cost_its_rate(pages: int, band: int, most: int) -> None:
    assert (page_band(pages), volume_fee(pages)) == (band, most)

"""Information-processing fees (信息处理费): 条例第四十二条 and the State Council General Office's
《政府信息公开信息处理费管理办法》 (国办函〔2020〕109号, rules/FEE), from 2021-01-01.

A request whose number or frequency clearly exceeds a reasonable range may be charged a fee
(第四十二条), by piece or by volume, never both (办法第三条), each progressive over bands:

- by piece (第四条): the applicant's n-th request in the calendar month costs nothing up to the
  10th, 100元 from the 11th to the 30th, and 100元 more for each further band of 10 (31st–40th
  200元, 41st–50th 300元 …);
- by volume (第五条, pages of paper, e-mail or copied data): nothing up to 30 pages, then 10元 a
  page to 100, 20元 a page to 200, 40元 a page beyond. These four bands are known only as a local
  fee schedule (新会区) reproduces them citing the 办法; the rest of 第五条 was not found.

The condition language has no arithmetic, so the bands and the highest fee they allow are
computed here; the rules compare what was charged with it. A request split into several
pieces (一事一申请) is checked piece by piece: each piece has its own ordinal and fee.
"""

from __future__ import annotations

import math

from pydantic import BaseModel

from gongkai.facts.base import fact
from gongkai.packs.vocabulary import Choice
from gongkai.periods.derive import derivation

REQUEST = ("answer_request",)

# 第四条: (一) up to 10 a month free; (二) 11–30: 100元/件; (三) from 31, +100元/件 per band of 10.
PIECES_FREE = 10
PIECES_FIRST_BAND = 30
PIECE_RATE = 100
PIECES_PER_STEP = 10
# 第五条 as reproduced: (一) up to 30 pages free; (二) 31–100: 10元/页; (三) 101–200: 20元/页;
# (四) from 201: 40元/页. Each entry: (pages up to, rate for the pages of the band).
PAGE_BANDS = ((30, 0), (100, 10), (200, 20), (math.inf, 40))


class FeeMethod(Choice):
    """办法第三条: by piece or by volume, one of them per request."""

    by_piece = "by_piece", "按件计收"
    by_volume = "by_volume", "按量计收"
    both = "both", "同时按件和按量计收"


class FeeFacts(BaseModel):
    """Fields AnswerRequest takes from the fee measures."""

    fee_method: FeeMethod | None = fact("信息处理费的计收方式", "收取信息处理费时填写")
    monthly_request_ordinal: int | None = fact(
        "本申请是同一申请人本自然月内累计申请的第几件",
        "按件计收时填写;按一事一申请拆分的,每件分别检查",
        ge=1,
        le=100_000,
    )
    pages_provided: int | None = fact("提供政府信息的页数", "按量计收时填写", ge=0, le=10_000_000)
    copies_requested: bool | None = fact(
        "申请人要求以提供纸质件、发送电子邮件、复制电子数据等方式获取", "办法第五条:按量计收的适用情形"
    )
    fee_amount: float | None = fact("收取的信息处理费(元)", "未收取的填0", ge=0, le=1_000_000_000)


def piece_band(ordinal: int) -> int:
    """第四条 (一), (二) or (三): 1, 2 or 3."""
    return 1 if ordinal <= PIECES_FREE else 2 if ordinal <= PIECES_FIRST_BAND else 3


def piece_fee(ordinal: int) -> int:
    """The most the ordinal-th request of the month may cost, in 元."""
    if ordinal <= PIECES_FREE:
        return 0
    steps = math.ceil(max(ordinal - PIECES_FIRST_BAND, 0) / PIECES_PER_STEP)
    return PIECE_RATE * (1 + steps)


def page_band(pages: int) -> int:
    """第五条 as reproduced (一)–(四): the band the last page falls in."""
    return next(k for k, (upto, _) in enumerate(PAGE_BANDS, 1) if pages <= upto)


def volume_fee(pages: int) -> int:
    """The most so many pages may cost, in 元: each band's pages at the band's rate."""
    total, below = 0, 0
    for upto, rate in PAGE_BANDS:
        total += rate * max(min(pages, upto) - below, 0)
        below = upto
        if pages <= upto:
            break
    return int(total)


@derivation("piece_fee_band", "按件计收所在的收费档次(第四条第几项)", REQUEST, ("monthly_request_ordinal",), int)
def _piece_band(ordinal: int) -> int:
    return piece_band(ordinal)


@derivation("volume_fee_band", "按量计收所在的收费档次(第五条所列第几档)", REQUEST, ("pages_provided",), int)
def _page_band(pages: int) -> int:
    return page_band(pages)


@derivation(
    "piece_fee_excess",
    "按件计收超出收费标准的金额(元)",
    REQUEST,
    ("fee_amount", "monthly_request_ordinal"),
    float,
)
def _piece_excess(amount: float, ordinal: int) -> float:
    return amount - piece_fee(ordinal)


@derivation(
    "volume_fee_excess",
    "按量计收超出收费标准的金额(元)",
    REQUEST,
    ("fee_amount", "pages_provided"),
    float,
)
def _volume_excess(amount: float, pages: int) -> float:
    return amount - volume_fee(pages)


@derivation(
    "fee_allowance_exceeded",
    "已超出办法规定的免费范围(按件:本月第11件起;按量:第31页起)",
    REQUEST,
    ("fee_method", "monthly_request_ordinal", "pages_provided"),
    bool,
    partial=True,
)
def _allowance_exceeded(method: FeeMethod | None, ordinal: int | None, pages: int | None) -> bool | None:
    """Where the measures allow any fee at all: beyond the month's 10 free requests (by piece)
    or beyond 30 pages (by volume). Unknown until the method and its count are known."""
    by_piece = None if ordinal is None else ordinal > PIECES_FREE
    by_volume = None if pages is None else pages > PAGE_BANDS[0][0]
    if method is FeeMethod.by_piece:
        return by_piece
    if method is FeeMethod.by_volume:
        return by_volume
    if method is FeeMethod.both:
        return True if (by_piece or by_volume) else None if None in (by_piece, by_volume) else False
    return None

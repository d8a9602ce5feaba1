"""Chinese numerals to numbers, through cn2an (a maintained library).

Shared by the reader (dates in a 公文: 「二〇一九年三月五日」, 「二O一五年」), Chinese input (a count
given as 「十五」) and the holiday notices (「共三天」). cn2an costs about half a second to import
(its dependency loads large tables), so it is imported on the first Chinese numeral met, not
at start: a service whose requests, documents and calendar use Arabic digits never pays it.
"""

from __future__ import annotations

ZEROS = "〇○OoОｏ零"  # the zero as printed: 〇, ○, Latin or Cyrillic O, 零
DIGITS = "一二三四五六七八九两" + ZEROS


def chinese_number(text: str) -> int:
    """「14」, 「十四」, 「三十一」, 「两」, 「二〇〇六」/「二O一五」 (digit by digit, as years are
    written) → int. ValueError for anything that is not a numeral."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text:
        raise ValueError("empty")
    import cn2an  # see the module's docstring: only when a Chinese numeral is met

    folded = "".join("〇" if ch in ZEROS else ch for ch in text)
    mode = "direct" if all(ch in DIGITS for ch in text) and len(text) > 1 else "smart"
    try:
        value = cn2an.cn2an(folded, mode)
    except (ValueError, KeyError) as exc:
        raise ValueError(f"not a Chinese numeral: {text[:20]!r}") from exc
    if not float(value).is_integer():
        raise ValueError(f"not a whole number: {text[:20]!r}")
    return int(value)

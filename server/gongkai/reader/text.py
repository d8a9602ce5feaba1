"""A document's text as given, and a normalised copy that remembers where each character came from.

The reader matches patterns on the normalised copy (simplified script, ASCII digits and
brackets, pinyin glosses and copy-protection noise removed) and reports every span in the
offsets of the text as given, so a drafting UI can highlight exactly what was printed.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from functools import lru_cache

import docx  # python-docx
import opencc

# Pinyin glosses that mirror sites insert after characters: 號(hào), 公(gōng)
_PINYIN = re.compile(r"[(（](?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,7})[)）]")
_NOISE = "@"  # copy-protection junk some reposts insert between words
# HTML left in a page's text: block tags end a line, the others are dropped.
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>\n]{0,300}>")
_BLOCK = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"}
# Full-width forms that NFKC maps to ASCII, but not the brackets that carry meaning in a
# document number (〔〕) nor the Chinese enumeration comma and full stop.
_KEEP = set("〔〕、。《》〈〉“”‘’—…")


class UnreadableDocument(ValueError):
    """Bytes the reader cannot turn into text; the message says why, in Chinese and English."""


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def decode(data: bytes, filename: str = "") -> str:
    """Text from a file's bytes: .docx through python-docx, else UTF-8 (with or without BOM) or
    GB18030 (which covers GBK and GB2312)."""
    if filename.lower().endswith(".docx") or (data[:2] == b"PK" and _is_docx(data)):
        return _docx_text(data)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument("无法识别文本编码(仅支持 UTF-8、GB18030/GBK 和 .docx) / unknown text encoding")


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _docx_text(data: bytes) -> str:
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # a damaged archive: say so, never a stack trace
        raise UnreadableDocument(f"无法读取 .docx 文件 / cannot read the .docx file: {type(exc).__name__}") from exc
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


@dataclass(frozen=True)
class Normalised:
    """``text`` (normalised) and, for each of its characters, the offset in ``original``."""

    original: str
    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets [start, end) of the normalised range [start, end)."""
        return self.origin[start], self.origin[end - 1] + 1


def normalise(original: str) -> Normalised:
    dropped: set[int] = set()
    breaks: set[int] = set()  # offsets of block tags, read as line ends
    for match in _PINYIN.finditer(original):
        dropped.update(range(match.start(), match.end()))
    for match in _TAG.finditer(original):
        dropped.update(range(match.start() + 1, match.end()))
        (breaks if match.group(2).lower() in _BLOCK else dropped).add(match.start())
    kept = [i for i, ch in enumerate(original) if i not in dropped and ch != _NOISE]
    chars = ["\n" if i in breaks else _fold(original[i]) for i in kept]
    simplified = _t2s().convert("".join(chars))
    if len(simplified) == len(chars):  # OpenCC's phrase tables kept the length: map one to one
        chars = list(simplified)
    else:  # a phrase changed length: convert character by character so offsets stay exact
        chars = [_t2s().convert(ch) or ch for ch in chars]
        chars = [c[0] for c in chars]
    return Normalised(original, "".join(chars), tuple(kept))


def _fold(ch: str) -> str:
    if ch in _KEEP:
        return ch
    if ch in "\u3000\xa0":
        return " "
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch

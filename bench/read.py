"""The 公文 reader on the corpus (tests/documents/): per-field precision and recall, the share
of documents read perfectly, and the distractors returned (must be none).

    python bench/read.py

Precision: of the values the reader gave, how many are right. Recall: of the values the text
prints, how many the reader gave right. An ambiguous field (candidates listed) counts as an
answer that is not right. tests/test_reader.py fails when any field regresses.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.reading_corpus import FIELDS, documents, score


def main() -> None:
    corpus = documents()
    started = time.perf_counter()
    result = score(corpus)
    elapsed = time.perf_counter() - started
    each = elapsed / result.documents * 1000
    print(f"{result.documents} documents, read in {elapsed * 1000:.0f} ms ({each:.1f} ms each)")
    print(f"{'field':18} {'expected':>8} {'given':>6} {'right':>6} {'precision':>9} {'recall':>7}")
    for name in FIELDS:
        print(
            f"{name:18} {result.expected[name]:>8} {result.given[name]:>6} {result.right[name]:>6}"
            f" {result.precision(name):>9.2%} {result.recall(name):>7.2%}"
        )
    print(f"read perfectly: {result.perfect}/{result.documents} ({result.perfect / result.documents:.0%})")
    print(f"distractors returned: {len(result.distractors_returned)}")
    for line in result.failures:
        print(f"  miss: {line}")


if __name__ == "__main__":
    main()

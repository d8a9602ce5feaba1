"""How large a decision gets, and how many of the largest fit one CheckBatch reply.

Run: python bench/reply_size.py [--max-message-bytes 4194304]
Checks every scenario of the corpus and measures each result as it sits in a
CheckBatchResponse (``servicer.reply_size``). The default ``max_batch`` (config.py) is chosen
so that that many of the largest decision fit the default message limit with room to spare;
tests/test_edges.py fails when a pack change makes them stop fitting.
"""

from __future__ import annotations

import argparse

from corpus import add_source_options, corpus, percentile, table

from gongkai.check.runtime import build_checker
from gongkai.config import Settings
from gongkai.service.convert import check_request_to_proto
from gongkai.service.servicer import check_one, reply_size


def main() -> None:
    defaults = Settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-message-bytes", type=int, default=defaults.max_message_bytes)
    add_source_options(parser)
    args = parser.parse_args()

    checker = build_checker(args.rules_dir)
    sizes = sorted(
        (reply_size([check_one(checker, check_request_to_proto(case.request), None)]), case.name)
        for case in corpus(checker, args.features)
    )
    largest, where = sizes[-1]
    values = [float(size) for size, _ in sizes]
    print(f"{len(sizes)} scenario decisions, bytes each in a CheckBatchResponse:")
    print(table(["median", "p99", "largest"], [[percentile(values, 50), percentile(values, 99), largest]]))
    print(f"largest: {where}")
    fit = args.max_message_bytes // largest
    margin = args.max_message_bytes / (defaults.max_batch * largest)
    print(f"{fit} of the largest fit {args.max_message_bytes:,} bytes;", end=" ")
    print(f"max_batch {defaults.max_batch} leaves {margin:.1f}× to spare")


if __name__ == "__main__":
    main()

"""Review tools for legal staff and CI: the zh-CN scenarios and their replay, the
traceability gate (trace), mutation testing, diffs between rule revisions, conflicts and
the static report.

Reads the law and runs checks; never the network service or the log.
"""

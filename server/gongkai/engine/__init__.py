"""The engine: the compiler (rules → three-valued flat conditions, the Lawbook), the
durable-rules adapter that decides them, and the plain-Python reference evaluator that must
agree with it.

Knows the law, time and the fact models; never a check's answer, the log or grpc.
"""

"""gongkai: rules-as-code compliance checks for 政务公开 (government affairs disclosure)."""

__version__ = "0.1.0"

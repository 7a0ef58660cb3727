"""Intake: the public anonymous tip form, its follow-ups and the "recognize and report" guide."""

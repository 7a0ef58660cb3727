"""Screening: versioned instruments (YAML data) and the determination that follows the law (SPEC C2)."""

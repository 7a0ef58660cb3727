"""Care: the provider directory, closed-loop service referrals and unmet needs (SPEC.md C6)."""

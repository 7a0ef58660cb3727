"""Shared by the tests that open every page as each persona (test_audit_every_page, test_canaries):
the named URL patterns and whether the policy lets a role open a page at all."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from continuum.access import policy


def url_patterns(resolver: URLResolver | None = None, prefix: str = "") -> dict[str, list[str]]:
    """Every named URL pattern (with its namespace) and the names of its arguments."""
    found: dict[str, list[str]] = {}
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            found |= url_patterns(entry, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            found[f"{prefix}{entry.name}"] = list(entry.pattern.converters)
    return found


def may_open(role: str, operation: str, *, admin_pages: bool = True) -> bool:
    """Whether the policy lets the role use the page at all (policy.yaml `urls`); with
    `admin_pages=False` the administrators' review pages count as closed."""
    loaded = policy.policy()
    kind, _, name = operation.partition(".")
    if operation in ("public", "staff", "login"):
        return True
    if kind == "case":
        return bool(loaded.relationships_for(role, name))
    if kind == "work":
        return role in loaded.work.get(name, frozenset())
    if kind == "admin":
        return admin_pages and role == "admin"
    return False  # agency tokens: an API, not a page

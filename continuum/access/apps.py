from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "continuum.access"
    label = "access"
    verbose_name = "Access"

    def ready(self) -> None:
        from continuum.access import (
            checks,  # noqa: F401  (registers the system checks)
            grants,
        )

        grants.register_access_sources()
        from django.db.models import Q

        from continuum.access import registry
        from continuum.access.models import BreakGlassGrant, Consent, CourtOrder

        registry.register_protected(
            "consent", Consent, operations={"view", "record", "revoke"}, case="case", creates={"record"}
        )
        registry.register_protected(
            "court_order", CourtOrder, operations={"view", "record"}, case="case", creates={"record"}
        )
        registry.register_protected(
            "break_glass",
            BreakGlassGrant,
            operations={"start", "review"},
            case="case",
            # A grant is reviewed by a second administrator, never by the one who used it.
            relationships={"someone_else": lambda actor: ~Q(user_id=actor.user_id)},
            creates={"start"},
        )
        from continuum.audit.models import AuditEvent
        from continuum.org.models import ApiToken

        # Audit rows name their case by id (the audit layer sits below cases).
        registry.register_protected("audit_entry", AuditEvent, operations={"view", "review"}, case="case_id")
        # Agency API tokens are issued and revoked by an operator (`continuum token`), never in a page.
        registry.register_protected("api_token", ApiToken, operations={"issue", "revoke"})

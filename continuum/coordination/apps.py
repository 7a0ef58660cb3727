from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "continuum.coordination"
    label = "coordination"
    verbose_name = "Case coordination"

    def ready(self) -> None:
        # Registered with the layers below (continuum/access/registry.py, continuum/cases/panels.py):
        # the grants the case team gives, the task that follows a court order, the case page's panels.
        from django.db.models import Q

        from continuum.access import grants, registry
        from continuum.access.models import GrantRelationship, GrantSource
        from continuum.coordination import actions, panels

        grants.register_source(
            grants.Source(
                GrantSource.TEAM_MEMBER,
                "coordination.CaseTeamMember",
                Q(removed_at__isnull=True),
                (
                    # only members who are a person hold case_team (grants._rows)
                    grants.Kind(GrantRelationship.CASE_TEAM, user="user_id"),
                    grants.Kind(GrantRelationship.AGENCY_ON_TEAM, agency="agency_id"),
                ),
            )
        )
        registry.on_court_order(actions.court_order_task)
        panels.register()

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
        # The protected models of this app and how a user relates to their rows (policy.yaml `objects`).
        from continuum.coordination.models import CaseTeamMember, FollowUpContact, PlanGoal, SupportPlan, Task

        registry.register_protected(
            "task",
            Task,
            operations={"view", "create", "edit", "complete"},
            case="case",
            relationships={
                "owner_agency": lambda actor: Q(agency_id=actor.agency_id),
                "assignee": lambda actor: Q(assignee_id=actor.user_id),
            },
            creates={"create"},
        )
        registry.register_protected(
            "team_member", CaseTeamMember, operations={"view", "add", "remove"}, case="case", creates={"add"}
        )
        registry.register_protected(
            "support_plan",
            SupportPlan,
            operations={"view", "create", "edit"},
            case="case",
            creates={"create"},
        )
        registry.register_protected(
            "plan_goal",
            PlanGoal,
            operations={"view", "add", "close"},
            case="plan__case",
            relationships={"owner_agency": lambda actor: Q(owner_agency_id=actor.agency_id)},
            creates={"add"},
        )
        registry.register_protected(
            "follow_up", FollowUpContact, operations={"view", "record"}, case="case", creates={"record"}
        )

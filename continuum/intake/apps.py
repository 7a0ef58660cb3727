from typing import Any

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "continuum.intake"
    label = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from django.db.models import Q

        from continuum.access import registry
        from continuum.intake.models import Tip
        from continuum.intake.referrals import Referral

        def region_of_staff(actor: Any) -> Q:  # the staff member's region, or every region when statewide
            return Q(region_id=actor.region_id) if actor.region_id is not None else Q()

        registry.register_protected(
            "referral",
            Referral,
            operations={"view", "create", "open_case"},
            relationships={"in_region": region_of_staff},
            creates={"create"},
        )
        # Tips have no region until taken up: every triage user sees the new ones.
        registry.register_protected("tip", Tip, operations={"view", "take_up"})

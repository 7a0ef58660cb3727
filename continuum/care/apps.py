import datetime as dt
from typing import Any

from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "continuum.care"
    label = "care"
    verbose_name = "Care"

    def ready(self) -> None:
        from continuum.access import system
        from continuum.care import tasks
        from continuum.core import jobs

        # The job acts as "care.reminders"; policy.yaml `system` says what that actor may do.
        system.register_actor("care.reminders")
        system.declare_operations("service_referral.remind")

        jobs.register_periodic("care.reminders", task=tasks.care_reminders, every=dt.timedelta(hours=1))

        from django.db.models import Q

        from continuum.access import registry
        from continuum.care.models import ProviderService, ServiceReferral, UnmetNeed
        from continuum.org.models import AgencyKind

        def provider_region(actor: Any) -> Q:
            # the provider agencies of the staff member's region (all when statewide)
            on = Q(agency__kind=AgencyKind.SERVICE_PROVIDER)
            return on & Q(agency__region_id=actor.region_id) if actor.region_id is not None else on

        registry.register_protected(
            "service",
            ProviderService,
            operations={"view", "create", "edit", "curate"},
            relationships={
                "own_agency": lambda actor: Q(
                    agency_id=actor.agency_id, agency__kind=AgencyKind.SERVICE_PROVIDER
                ),
                "in_region": provider_region,
            },
            creates={"create"},
        )
        registry.register_protected(
            "service_referral",
            ServiceReferral,
            # proposed on a case, then sent, answered, started and closed, reminded of when late
            operations={"view", "propose", "send", "answer", "start", "close", "remind"},
            case="case",
            relationships={"to_agency": lambda actor: Q(service__agency_id=actor.agency_id)},
            creates={"propose"},
        )
        registry.register_protected(
            "unmet_need", UnmetNeed, operations={"view", "record", "meet"}, case="case", creates={"record"}
        )

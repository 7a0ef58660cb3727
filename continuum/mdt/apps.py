from typing import Any

from django.apps import AppConfig


class MdtConfig(AppConfig):
    name = "continuum.mdt"
    label = "mdt"
    verbose_name = "Multidisciplinary team meetings"

    def ready(self) -> None:
        from django.db.models import Q

        from continuum.access import registry
        from continuum.mdt.models import MdtAttendance, MdtMeeting, MdtMinute

        def chair_region(actor: Any) -> Q:  # a coordinator of the meeting's region runs it
            return Q(region_id=actor.region_id) if actor.region_id is not None else Q(pk__in=[])

        registry.register_protected(
            "mdt_meeting",
            MdtMeeting,
            operations={"view", "schedule", "run"},
            relationships={
                "chair_region": chair_region,
                # a semi-join, not a join: a meeting is listed once however many are invited
                "invited": lambda actor: Q(
                    pk__in=MdtAttendance.objects.filter(user_id=actor.user_id).values("meeting")
                ),
            },
            creates={"schedule"},
        )
        # A minute is written by whoever runs the meeting (mdt_meeting.run); it is read by those who
        # may view its case, and only when its own category is open to them (mdt.selectors).
        registry.register_protected("mdt_minute", MdtMinute, operations={"view"}, case="item__case")

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "continuum.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        # The access layer sits below cases and imports none of it: cases registers its case model
        # and the grants its mandated reports give (continuum/access/registry.py).
        from django.db.models import Q

        from continuum.access import grants, registry
        from continuum.access.models import GrantRelationship, GrantSource
        from continuum.cases.models import Case

        registry.register_case_model(Case)
        grants.register_source(
            grants.Source(
                GrantSource.MANDATED_REPORT,
                "cases.MandatedReport",
                Q(),
                (grants.Kind(GrantRelationship.MANDATED_REPORT, agency="agency_id"),),
            )
        )
        from continuum.cases.models import CaseParticipant, MandatedReport
        from continuum.people.models import Person

        # A person is reached through the cases they take part in.
        registry.register_protected(
            "person", Person, operations={"view", "edit"}, case="participations__case"
        )
        registry.register_protected(
            "participant", CaseParticipant, operations={"view", "add"}, case="case", creates={"add"}
        )
        registry.register_protected("mandated_report", MandatedReport, operations={"view"}, case="case")

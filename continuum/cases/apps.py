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

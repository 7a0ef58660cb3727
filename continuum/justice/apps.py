from typing import Any

from django.apps import AppConfig


class JusticeConfig(AppConfig):
    name = "continuum.justice"
    label = "justice"
    verbose_name = "Justice"

    def ready(self) -> None:
        from django.db.models import Q

        from continuum.access import registry
        from continuum.justice.models import Arrest, Charge, Disposition, Investigation, Prosecution

        def own(actor: Any) -> Q:
            return Q(agency_id=actor.agency_id)

        registry.register_protected(
            "investigation",
            Investigation,
            operations={"view", "open", "update", "add_suspect"},
            case="case",
            relationships={"own_agency": own},
            # a suspect is added to the case, before (or without) any investigation row
            creates={"open", "add_suspect"},
        )
        registry.register_protected(
            "arrest",
            Arrest,
            operations={"view", "record"},
            case="investigation__case",
            relationships={"own_agency": own},
            creates={"record"},
        )
        registry.register_protected(
            "charge",
            Charge,
            operations={"view", "file"},
            case="arrest__investigation__case",
            creates={"file"},
        )
        registry.register_protected(
            "prosecution",
            Prosecution,
            operations={"view", "open"},
            case="case",
            relationships={"own_agency": own},
            creates={"open"},
        )
        registry.register_protected(
            "disposition",
            Disposition,
            operations={"view", "record"},
            case="charge__arrest__investigation__case",
            creates={"record"},
        )

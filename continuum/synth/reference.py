"""The Connecticut-shaped world the synthetic data lives in: regions, towns and agencies.

Regions follow the six regional offices of Connecticut's child-welfare agency, which the state's
Human Trafficking Recovery Taskforces also follow; towns are real Connecticut towns. Every agency
name is invented for the demonstration (police departments and state's attorney offices carry the
town or district they would serve, nothing more).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from continuum.core.codes import ServiceType
from continuum.core.htcds import OrgType
from continuum.org.models import AgencyKind


@dataclass(frozen=True)
class RegionSpec:
    code: str
    name: str
    towns: tuple[str, ...]
    # Share of the state's cases (documented in docs/synthetic-data.md).
    weight: float
    police_towns: tuple[str, ...]
    court: str


REGIONS: tuple[RegionSpec, ...] = (
    RegionSpec(
        "greater-hartford",
        "Greater Hartford",
        (
            "Hartford",
            "East Hartford",
            "West Hartford",
            "Bloomfield",
            "Manchester",
            "South Windsor",
            "Glastonbury",
            "Windsor",
            "Enfield",
            "Wethersfield",
        ),
        0.26,
        ("Hartford", "East Hartford", "Manchester"),
        "Hartford",
    ),
    RegionSpec(
        "southwest",
        "Southwest",
        ("Bridgeport", "Stamford", "Norwalk", "Greenwich", "Stratford", "Fairfield"),
        0.20,
        ("Bridgeport", "Stamford"),
        "Fairfield",
    ),
    RegionSpec(
        "south-central",
        "South Central",
        ("New Haven", "Milford", "West Haven", "Hamden", "East Haven", "Branford"),
        0.18,
        ("New Haven", "Milford"),
        "New Haven",
    ),
    RegionSpec(
        "central",
        "Central",
        ("New Britain", "Bristol", "Meriden", "Southington", "Berlin"),
        0.12,
        ("New Britain", "Meriden"),
        "New Britain",
    ),
    RegionSpec(
        "western",
        "Western",
        ("Waterbury", "Danbury", "Torrington", "Naugatuck", "New Milford"),
        0.13,
        ("Waterbury", "Danbury"),
        "Waterbury",
    ),
    RegionSpec(
        "eastern",
        "Eastern",
        ("New London", "Norwich", "Groton", "Windham", "Middletown", "Putnam"),
        0.11,
        ("Norwich", "New London"),
        "New London",
    ),
)


@dataclass(frozen=True)
class AgencySpec:
    key: str
    name: str
    kind: AgencyKind
    org_type: OrgType
    region: str | None
    town: str | None = None
    services: tuple[ServiceType, ...] = field(default_factory=tuple)
    labor_partner: bool = False


def agencies() -> list[AgencySpec]:
    """Every agency, in a fixed order (the generator's determinism depends on it)."""
    specs: list[AgencySpec] = [
        AgencySpec("hotline", "Statewide Trafficking Hotline", AgencyKind.HOTLINE, OrgType.NGO, None),
        AgencySpec(
            "oversight",
            "Office of Statewide Oversight",
            AgencyKind.STATE_OVERSIGHT,
            OrgType.CENTRAL_GOVERNMENT_ORGANISATION,
            None,
        ),
        AgencySpec(
            "system",
            "Continuum System Administration",
            AgencyKind.SYSTEM,
            OrgType.CENTRAL_GOVERNMENT_ORGANISATION,
            None,
        ),
    ]
    for r in REGIONS:
        hub = r.towns[0]
        specs += [
            AgencySpec(
                f"{r.code}:taskforce",
                f"{r.name} Human Trafficking Recovery Taskforce",
                AgencyKind.TASKFORCE,
                OrgType.LOCAL_GOVERNMENT_ORGANISATION,
                r.code,
                hub,
            ),
            AgencySpec(
                f"{r.code}:dcf",
                f"DCF {r.name} Regional Office",
                AgencyKind.CHILD_WELFARE,
                OrgType.CENTRAL_GOVERNMENT_ORGANISATION,
                r.code,
                hub,
            ),
            AgencySpec(
                f"{r.code}:advocacy",
                f"{r.name} Survivor Advocacy Center",
                AgencyKind.ADVOCACY,
                OrgType.NGO,
                r.code,
                hub,
            ),
            AgencySpec(
                f"{r.code}:prosecution",
                f"State's Attorney, {r.court} Judicial District",
                AgencyKind.PROSECUTION,
                OrgType.CENTRAL_GOVERNMENT_ORGANISATION,
                r.code,
                r.court,
            ),
        ]
        specs += [
            AgencySpec(
                f"{r.code}:police:{town}",
                f"{town} Police Department",
                AgencyKind.LAW_ENFORCEMENT,
                OrgType.LAW_ENFORCEMENT,
                r.code,
                town,
            )
            for town in r.police_towns
        ]
        specs += [
            AgencySpec(
                f"{r.code}:housing",
                f"Safe Harbor Housing ({r.name})",
                AgencyKind.SERVICE_PROVIDER,
                OrgType.NGO,
                r.code,
                hub,
                (ServiceType.EMERGENCY_HOUSING, ServiceType.LONG_TERM_HOUSING),
            ),
            AgencySpec(
                f"{r.code}:health",
                f"{r.name} Trauma Recovery Clinic",
                AgencyKind.SERVICE_PROVIDER,
                OrgType.HEALTH_SERVICE_ORGANISATION,
                r.code,
                hub,
                (ServiceType.MENTAL_HEALTH, ServiceType.MEDICAL, ServiceType.SUBSTANCE_USE),
            ),
            AgencySpec(
                f"{r.code}:legal",
                f"{r.name} Legal Aid",
                AgencyKind.SERVICE_PROVIDER,
                OrgType.LEGAL_SERVICE,
                r.code,
                hub,
                (ServiceType.LEGAL, ServiceType.IMMIGRATION, ServiceType.VICTIM_COMPENSATION),
            ),
            AgencySpec(
                f"{r.code}:workers",
                f"{r.name} Worker Justice Center",
                AgencyKind.SERVICE_PROVIDER,
                OrgType.NGO,
                r.code,
                hub,
                (ServiceType.EDUCATION_EMPLOYMENT, ServiceType.FAMILY_REUNIFICATION),
                labor_partner=True,
            ),
        ]
    return specs

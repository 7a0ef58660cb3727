"""The demonstration personas: one per role, most of them in the Greater Hartford region."""

from __future__ import annotations

from dataclasses import dataclass

from continuum.org.models import Role


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    role: Role
    agency_key: str
    description: str


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "coordinator",
        "Cora",
        "Reyes",
        Role.COORDINATOR,
        "greater-hartford:taskforce",
        "Taskforce coordinator, Greater Hartford",
    ),
    Persona(
        "intake",
        "Ike",
        "Santos",
        Role.INTAKE,
        "greater-hartford:taskforce",
        "Intake staff, Greater Hartford taskforce",
    ),
    Persona(
        "advocate",
        "Ada",
        "Morales",
        Role.ADVOCATE,
        "greater-hartford:advocacy",
        "Victim advocate, Greater Hartford Survivor Advocacy Center",
    ),
    Persona(
        "caseworker",
        "Cass",
        "Whitfield",
        Role.CHILD_WELFARE,
        "greater-hartford:dcf",
        "Child-welfare caseworker, DCF Greater Hartford Regional Office",
    ),
    Persona(
        "detective",
        "Dev",
        "Kowalski",
        Role.LAW_ENFORCEMENT,
        "greater-hartford:police:Hartford",
        "Detective, Hartford Police Department",
    ),
    Persona(
        "prosecutor",
        "Priya",
        "Nolan",
        Role.PROSECUTOR,
        "greater-hartford:prosecution",
        "Prosecutor, State's Attorney, Hartford Judicial District",
    ),
    Persona(
        "detective_west",
        "Wes",
        "Okafor",
        Role.LAW_ENFORCEMENT,
        "western:police:Waterbury",
        "Detective of another region, Waterbury Police Department",
    ),
    Persona(
        "provider",
        "Paz",
        "Lindqvist",
        Role.PROVIDER,
        "greater-hartford:housing",
        "Housing provider staff, Safe Harbor Housing (Greater Hartford)",
    ),
    Persona(
        "analyst",
        "Ana",
        "Brooks",
        Role.ANALYST,
        "oversight",
        "Statewide analyst, Office of Statewide Oversight",
    ),
    Persona(
        "admin", "Adam", "Ferreira", Role.ADMIN, "system", "Administrator, Continuum System Administration"
    ),
)

"""The deterministic synthetic generator: `continuum synth --cases N --seed S`.

Same N, seed and as-of date give the same rows, ids included, in any empty database. It walks the
years in order and writes cases in batches (bulk inserts, one transaction a batch), so memory
stays bounded by the batch size and the year's arrest allocation, not by N.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from faker import Faker

from continuum.access import grants
from continuum.access.models import Consent, ConsentMethod, SignerRelationship
from continuum.care.models import (
    DeclineReason,
    ProviderService,
    ReferralStatus,
    ServiceReferral,
    UnmetNeed,
    UnmetReason,
)
from continuum.cases.classification import age_group_of, combine_types, trafficking_type_of
from continuum.cases.models import (
    REFERENCE_BITS,
    Case,
    CaseNote,
    CaseParticipant,
    Exploitation,
    MandatedReport,
    ParticipantRole,
    ReferralSource,
    Relationship,
    TraffickingLocation,
    new_reference,
)
from continuum.coordination.models import CaseTeamMember, Task, TaskKind, TeamRole
from continuum.core.codes import ServiceType
from continuum.core.htcds import (
    CaseStatus,
    Gender,
    MethodOfControl,
    PerpetratorRole,
    TraffickingEventType,
    TraffickingStatus,
    TypeOfExploitation,
)
from continuum.intake.models import (
    CODE_ALPHABET,
    Tip,
    TipLanguage,
    TipStatus,
    TraffickingKind,
    VictimAgeGroup,
)
from continuum.intake.referrals import RecruitmentChannel, Referral, SuspectedKind
from continuum.intake.referrals import ReferralStatus as TriageStatus
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.justice import statutes
from continuum.justice.models import (
    Arrest,
    Charge,
    Disposition,
    Investigation,
    InvestigationKind,
    InvestigationStatus,
    Outcome,
    Prosecution,
    ProsecutionStatus,
)
from continuum.org.models import Agency, Membership, Region, Town, User
from continuum.people.ages import age_at_exploitation
from continuum.people.models import Person
from continuum.people.search import person_key
from continuum.synth import distributions as d
from continuum.synth import writer
from continuum.synth.personas import PERSONAS
from continuum.synth.reference import REGIONS, AgencySpec, agencies

K = TypeVar("K")
UTC = dt.UTC
CONNECTICUT = ZoneInfo("America/New_York")

CLOSURE_REASONS = (
    "services_completed",
    "survivor_declined_services",
    "lost_contact",
    "moved_out_of_state",
    "transferred",
)
# Sections of the statute table (continuum/justice/statutes.yaml) a charge is filed under, drawn
# uniformly: trafficking in persons twice, then related statutes. The offense level (and the felony
# class) is read from the table, never written here.
CHARGES: tuple[str, ...] = ("53a-192a", "53a-192a", "53a-192", "53a-86", "53a-87", "53a-95")
# Synthetic privileged notes: what an advocate might write, for the canary tests to find.
PRIVILEGED_NOTES = (
    "Survivor shared fears about testifying; discussed safety plan.",
    "Talked through options for housing and school; survivor wants to stay near siblings.",
    "Survivor disclosed more about the recruiter; not ready to speak with police.",
    "Follow-up on nightmares and sleep; referred to trauma therapist.",
)
# Synthetic tip and referral texts (encrypted in the database, as real ones are).
TIP_TEXTS = (
    "A woman at the nail salon seems afraid of her manager and never leaves alone.",
    "Young people are dropped off at a house late at night and picked up in the morning.",
    "Workers at a farm say their passports were taken and they cannot leave.",
    "A teenager posts that an older boyfriend makes her meet men for money.",
)
REFERRAL_TEXTS = (
    "Met at a shelter in {town}; says the employer keeps her pay and her papers.",
    "School counsellor in {town} reports a student who disappears for days with older men.",
    "Hospital social worker in {town}: patient describes debt she must work off.",
)
CONSENT_CHOICES = (("identity",), ("identity", "exploitation"), ("identity", "contact", "exploitation"))
PERSONA_AGENCY = {p.username: p.agency_key for p in PERSONAS}
# Provider directory: (capacity, places in use, languages served) per service type. Assumption:
# housing runs nearly full (gap G6) and trauma-specific mental health is offered in English only.
DIRECTORY: dict[str, tuple[int, int, tuple[str, ...]]] = {
    ServiceType.EMERGENCY_HOUSING: (12, 10, ("en", "es")),
    ServiceType.LONG_TERM_HOUSING: (20, 19, ("en", "es")),
    ServiceType.MENTAL_HEALTH: (40, 25, ("en",)),
    ServiceType.MEDICAL: (60, 30, ("en", "es")),
    ServiceType.SUBSTANCE_USE: (25, 20, ("en",)),
    ServiceType.LEGAL: (30, 12, ("en", "es")),
    ServiceType.IMMIGRATION: (15, 9, ("en", "es", "pt")),
    ServiceType.VICTIM_COMPENSATION: (50, 10, ("en", "es")),
    ServiceType.EDUCATION_EMPLOYMENT: (25, 8, ("en", "es", "pt")),
    ServiceType.FAMILY_REUNIFICATION: (10, 4, ("en", "es")),
}
DISPOSITIONS = (
    Outcome.CONVICTED_PLEA,
    Outcome.CONVICTED_TRIAL,
    Outcome.DISMISSED,
    Outcome.NOLLE,
    Outcome.ACQUITTED,
)
# A provider's reasons for declining a referral (drawn uniformly when not housing) and the reason
# the taskforce then records for the unmet need.
DECLINE_REASONS = (DeclineReason.NOT_ELIGIBLE, DeclineReason.NO_CAPACITY, DeclineReason.SURVIVOR_DECLINED)
UNMET_AFTER_DECLINE = {
    DeclineReason.NO_CAPACITY: UnmetReason.NO_CAPACITY,
    DeclineReason.NOT_ELIGIBLE: UnmetReason.NO_ELIGIBLE_PROVIDER,
    DeclineReason.SURVIVOR_DECLINED: UnmetReason.OTHER,
}
# Why a need is recorded unmet without a referral (drawn uniformly).
UNMET_WITHOUT_REFERRAL = (
    UnmetReason.NO_ELIGIBLE_PROVIDER,
    UnmetReason.LANGUAGE_NOT_SERVED,
    UnmetReason.NO_CAPACITY,
)
# The referral's status after each of its journey steps.
REFERRAL_STATUS = {
    EventKind.SERVICE_REFERRAL_SENT: ReferralStatus.SENT,
    EventKind.SERVICE_REFERRAL_ACCEPTED: ReferralStatus.ACCEPTED,
    EventKind.SERVICE_REFERRAL_DECLINED: ReferralStatus.DECLINED,
    EventKind.SERVICE_STARTED: ReferralStatus.STARTED,
    EventKind.SERVICE_COMPLETED: ReferralStatus.COMPLETED,
}


@dataclass
class World:
    regions: dict[str, Region]
    towns: dict[str, Town]
    agencies: dict[str, Agency]
    specs: dict[str, AgencySpec]
    users: dict[str, User]


@dataclass
class Summary:
    cases: int = 0
    people: int = 0
    events: int = 0
    arrests_by_year: Counter[int] = field(default_factory=Counter)
    password: str = ""


@dataclass
class Batch:
    people: list[Person] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    participants: list[CaseParticipant] = field(default_factory=list)
    exploitations: list[Exploitation] = field(default_factory=list)
    locations: list[TraffickingLocation] = field(default_factory=list)
    events: list[JourneyEvent] = field(default_factory=list)
    team: list[CaseTeamMember] = field(default_factory=list)
    reports: list[MandatedReport] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    notes: list[CaseNote] = field(default_factory=list)
    referrals: list[ServiceReferral] = field(default_factory=list)
    needs: list[UnmetNeed] = field(default_factory=list)
    investigations: list[Investigation] = field(default_factory=list)
    arrests: list[Arrest] = field(default_factory=list)
    charges: list[Charge] = field(default_factory=list)
    prosecutions: list[Prosecution] = field(default_factory=list)
    prosecution_charges: list[Any] = field(default_factory=list)
    dispositions: list[Disposition] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)


class SynthError(Exception):
    pass


def _pick(rng: random.Random, weights: dict[K, float]) -> K:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys], k=1)[0]


def _bernoulli_set(rng: random.Random, probabilities: dict[K, float]) -> list[K]:
    return [key for key, p in probabilities.items() if rng.random() < p]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _wait(rng: random.Random, key: str) -> dt.timedelta:
    days = d.WAIT_MEDIAN_DAYS[key] * math.exp(rng.gauss(0.0, d.WAIT_SIGMA))
    return dt.timedelta(days=days)


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A moment in Connecticut office hours (8:00 to 18:00) of `day`, in UTC."""
    start = dt.datetime(day.year, day.month, day.day, 8, tzinfo=CONNECTICUT)
    return (start + dt.timedelta(minutes=rng.randrange(600))).astimezone(UTC)


def _top_k_weighted(rng: random.Random, weights: Sequence[float], k: int) -> list[int]:
    """k distinct indices, drawn without replacement in proportion to weights (Efraimidis-Spirakis)."""
    keyed = ((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights) if w > 0)
    return [i for _, i in heapq.nlargest(k, keyed)]


class Generator:
    def __init__(
        self,
        *,
        cases: int,
        seed: int,
        as_of: dt.date = d.DEFAULT_AS_OF,
        batch_size: int = 2000,
        password: str,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        if cases < 0:
            raise SynthError("The number of cases cannot be negative.")
        if as_of.year < d.FIRST_YEAR:
            raise SynthError(f"The as-of date must be in {d.FIRST_YEAR} or later.")
        self.n_cases = cases
        self.seed = seed
        self.as_of = as_of
        self.end = dt.datetime(as_of.year, as_of.month, as_of.day, 23, 59, tzinfo=UTC)
        self.batch_size = batch_size
        self.password = password
        self.progress = progress or (lambda message: None)
        self.rng = random.Random(seed)
        # The ids of the care and justice records come from a second stream, seeded once from the
        # seed, so that adding those records left every draw of the first stream as it was.
        self.ids = random.Random(f"continuum-synth-records:{seed}")
        # The open work (tasks, tips, referrals waiting for triage) draws from a third stream, so
        # that adding it left every earlier table as it was for a given seed.
        self.queues = random.Random(f"continuum-synth-queues:{seed}")
        self.queue_fake = {"en": Faker("en_US"), "es": Faker("es_MX")}
        for offset, faker in enumerate(self.queue_fake.values()):
            faker.seed_instance(f"continuum-synth-queues:{seed}:{offset}")
        # (provider agency id, service type) -> the ProviderService a referral goes to.
        self.services: dict[tuple[int, str], int] = {}
        self.fake = {"en": Faker("en_US"), "es": Faker("es_MX"), "pt": Faker("pt_BR"), "pl": Faker("pl_PL")}
        for offset, faker in enumerate(self.fake.values()):
            faker.seed_instance(seed * 31 + offset)
        self.counters: Counter[str] = Counter()
        self.summary = Summary(password=password)

    # --- the fixed world -------------------------------------------------------------------------

    def _stamp(self) -> dict[str, Any]:
        moment = dt.datetime(d.FIRST_YEAR, 1, 1, tzinfo=UTC)
        return {"created_at": moment, "updated_at": moment}

    def build_world(self) -> World:
        stamp = self._stamp()
        regions: dict[str, Region] = {}
        towns: dict[str, Town] = {}
        for r in REGIONS:
            regions[r.code] = Region(id=len(regions) + 1, code=r.code, name=r.name, **stamp)
        Region.objects.bulk_create(regions.values())
        for r in REGIONS:
            for name in r.towns:
                towns[name] = Town(id=len(towns) + 1, name=name, region=regions[r.code], **stamp)
        Town.objects.bulk_create(towns.values())
        specs = {spec.key: spec for spec in agencies()}
        agency_rows: dict[str, Agency] = {}
        for spec in specs.values():
            agency_rows[spec.key] = Agency(
                id=len(agency_rows) + 1,
                name=spec.name,
                kind=spec.kind,
                org_type=spec.org_type,
                region=regions[spec.region] if spec.region else None,
                town=towns[spec.town] if spec.town else None,
                labor_partner=spec.labor_partner,
                **stamp,
            )
        Agency.objects.bulk_create(agency_rows.values())
        users: dict[str, User] = {}
        # One hash for all personas: the demo shares one password, and Argon2 is slow on purpose.
        password_hash = make_password(self.password)
        for persona in PERSONAS:
            users[persona.username] = User(
                id=len(users) + 1,
                username=persona.username,
                first_name=persona.first_name,
                last_name=persona.last_name,
                email=f"{persona.username}@demo.invalid",
                password=password_hash,
                date_joined=stamp["created_at"],
            )
        User.objects.bulk_create(users.values())
        Membership.objects.bulk_create(
            Membership(
                id=i + 1, user=users[p.username], agency=agency_rows[p.agency_key], role=p.role, **stamp
            )
            for i, p in enumerate(PERSONAS)
        )
        self._directory(specs, agency_rows, stamp)
        return World(regions, towns, agency_rows, specs, users)

    def _directory(
        self, specs: dict[str, AgencySpec], agency_rows: dict[str, Agency], stamp: dict[str, Any]
    ) -> None:
        """The provider directory: each provider's services, with capacity and the languages it
        serves (assumption: housing runs nearly full, mental health is offered in English only)."""
        rows: list[ProviderService] = []
        for key, spec in specs.items():
            for service in spec.services:
                profile = DIRECTORY.get(str(service), (20, 10, ("en", "es")))
                capacity, in_use, languages = profile
                self.services.setdefault((agency_rows[key].id, str(service)), len(rows) + 1)
                rows.append(
                    ProviderService(
                        id=len(rows) + 1,
                        agency=agency_rows[key],
                        service_type=service,
                        capacity=capacity,
                        in_use=in_use,
                        languages=list(languages),
                        contact_phone="860-555-0199",
                        contact_email=f"referrals-{len(rows) + 1}@demo.invalid",
                        **stamp,
                    )
                )
        ProviderService.objects.bulk_create(rows)

    # --- cases ---------------------------------------------------------------------------------

    def run(self) -> Summary:
        if Case.objects.exists() or Region.objects.exists():
            raise SynthError("The database already has data; run with --reset to start again (demo only).")
        with transaction.atomic():
            world = self.build_world()
        per_year = d.cases_per_year(self.n_cases, self.as_of)
        arrests = d.arrests_per_year(self.n_cases, self.as_of)
        region_weights = {r.code: r.weight for r in REGIONS}
        for year, count in per_year.items():
            if count == 0:
                continue
            first = dt.date(year, 1, 1)
            last = min(dt.date(year, 12, 31), self.as_of)
            span = (last - first).days
            days = sorted(first + dt.timedelta(days=self.rng.randint(0, span)) for _ in range(count))
            arrest_slots = self._allocate_arrests(days, arrests.get(year, 0), last)
            for start in range(0, count, self.batch_size):
                batch = Batch()
                for index in range(start, min(start + self.batch_size, count)):
                    region_code = _pick(self.rng, region_weights)
                    self._case(world, batch, region_code, days[index], arrest_slots.get(index, 0), year)
                self._write(batch)
            self.progress(f"{year}: {count} cases, {arrests.get(year, 0)} arrests")
        with transaction.atomic():
            self._intake(world)
        self._reset_sequences()
        grants.rebuild()  # the access index of the rows written above, in bulk
        self._analyze()  # fresh planner statistics for every table, the grants included
        return self.summary

    def _allocate_arrests(self, days: list[dt.date], arrests: int, last: dt.date) -> Counter[int]:
        """Which of the year's cases (by index) get how many arrests within the same year.

        Cases opened earlier in the year are likelier to see an arrest that year; when a year has
        more arrests than cases, some cases have several suspects arrested.
        """
        slots: Counter[int] = Counter()
        if not days or arrests <= 0:
            return slots
        weights = [float((last - day).days + 1) for day in days]
        while arrests > 0:
            chosen = _top_k_weighted(self.rng, weights, min(arrests, len(days)))
            slots.update(chosen)
            arrests -= len(chosen)
        return slots

    def _person(
        self,
        batch: Batch,
        *,
        language: str,
        gender: str,
        birth_date: dt.date | None,
        contact: bool,
        town: str,
    ) -> Person:
        faker = self.fake.get(language, self.fake["en"])
        masculine = gender in {Gender.MASCULINE, Gender.TRANSGENDER_MASCULINE}
        first = faker.first_name_male() if masculine else faker.first_name_female()
        person = Person(
            id=_uuid(self.rng),
            first_name=first,
            last_name=faker.last_name(),
            gender=gender,
            birth_date=birth_date,
            primary_language=language,
            secondary_language="en" if language != "en" and self.rng.random() < 0.4 else "",
        )
        if contact:
            # 555-0100 to 555-0199 are reserved for fiction in every North American area code.
            person.mobile_phone = (
                f"{self.rng.choice(('860', '959', '203'))}-555-01{self.rng.randrange(100):02d}"
            )
            person.mailing_city = town
            person.mailing_state = "CT"
            person.mailing_country = "US"
        batch.people.append(person)
        return person

    def _case(
        self, world: World, batch: Batch, region_code: str, day: dt.date, n_arrests: int, year: int
    ) -> None:
        rng = self.rng
        spec = next(r for r in REGIONS if r.code == region_code)
        town_name = spec.towns[0] if rng.random() < 0.35 else rng.choice(spec.towns)
        region, town = world.regions[region_code], world.towns[town_name]
        agency = world.agencies
        taskforce = agency[f"{region_code}:taskforce"]
        police_keys = [f"{region_code}:police:{t}" for t in spec.police_towns]
        police = (
            agency[f"{region_code}:police:{town_name}"]
            if town_name in spec.police_towns
            else agency[police_keys[0]]
        )
        providers = [
            world.specs[k] for k in world.specs if k.startswith(f"{region_code}:") and world.specs[k].services
        ]

        # Who, and what happened.
        minor = rng.random() < d.MINOR_SHARE
        if minor:
            age = _pick(rng, d.MINOR_AGES)
            kind = _pick(rng, d.TYPE_MINOR)
        else:
            low, high, _ = rng.choices(d.ADULT_AGE_BANDS, weights=[b[2] for b in d.ADULT_AGE_BANDS])[0]
            age = rng.randint(low, high)
            kind = _pick(rng, d.TYPE_ADULT)
        sex, labor = kind in {"sex", "both"}, kind in {"labor", "both"}
        gender = _pick(rng, d.GENDER_SEX if sex else d.GENDER_LABOR)
        language = _pick(rng, d.LANGUAGES)
        foreign = (labor and rng.random() < 0.55) or (language not in {"en"} and rng.random() < 0.5)
        citizenship = [_pick(rng, d.FOREIGN_CITIZENSHIP)] if foreign else ["US"]
        referral_at = _at(day, rng)
        exploitation_start = day - dt.timedelta(days=rng.randint(30, 900))
        birth_date: dt.date | None = None
        stated_age: int | None = age
        if rng.random() < d.BIRTH_DATE_KNOWN:
            anniversary = (
                exploitation_start.replace(year=exploitation_start.year - age)
                if not (exploitation_start.month == 2 and exploitation_start.day == 29)
                else dt.date(exploitation_start.year - age, 2, 28)
            )
            birth_date = anniversary - dt.timedelta(days=rng.randint(0, 364))
            stated_age = None
        survivor = self._person(
            batch,
            language=language if language in self.fake else "en",
            gender=gender,
            birth_date=birth_date,
            contact=rng.random() < 0.7,
            town=town_name,
        )
        survivor.citizenship = citizenship
        survivor.primary_language = language

        source = _pick(rng, d.REFERRAL_SOURCE)
        referring = {
            ReferralSource.LAW_ENFORCEMENT: police,
            ReferralSource.SERVICE_PROVIDER: agency[rng.choice(providers).key],
            ReferralSource.HOTLINE: agency["hotline"],
            ReferralSource.CHILD_WELFARE: agency[f"{region_code}:dcf"],
        }.get(source)
        reference_bits = rng.getrandbits(REFERENCE_BITS)
        case = Case(
            id=_uuid(rng),
            reference=new_reference(reference_bits),
            region=region,
            town=town,
            lead_agency=taskforce,
            owner=world.users["coordinator"] if region_code == "greater-hartford" else None,
            referral_source=source,
            referring_agency=referring,
            incoming_referral_date=day,
            opened_on=day,
            created_at=referral_at,
            updated_at=referral_at,
        )
        batch.cases.append(case)
        self._participant(
            batch,
            case,
            survivor,
            ParticipantRole.SURVIVOR,
            referral_at,
            trafficking_status=rng.choice(
                (
                    TraffickingStatus.ACTUAL_VICTIM_OF_TRAFFICKING,
                    TraffickingStatus.POSSIBLE_VICTIM_OF_TRAFFICKING,
                )
            ),
        )

        relationship = _pick(rng, d.RECRUITER_RELATIONSHIP)
        suspects: list[Person] = []
        if rng.random() < d.SUSPECT_KNOWN or n_arrests:
            for number in range(2 if (rng.random() < d.SECOND_SUSPECT or n_arrests > 1) else 1):
                suspect = self._person(
                    batch,
                    language="es" if language == "es" else "en",
                    gender=rng.choice((Gender.MASCULINE, Gender.MASCULINE, Gender.FEMININE)),
                    birth_date=None,
                    contact=False,
                    town=town_name,
                )
                suspects.append(suspect)
                roles = (
                    [PerpetratorRole.RECRUITER_OR_INTERMEDIARY, PerpetratorRole.EXPLOITER]
                    if number == 0
                    else [
                        rng.choice(
                            (PerpetratorRole.TRANSPORTER, PerpetratorRole.EXPLOITER, PerpetratorRole.ABUSER)
                        )
                    ]
                )
                self._participant(
                    batch,
                    case,
                    suspect,
                    ParticipantRole.SUSPECT,
                    referral_at,
                    relationship=relationship if number == 0 else Relationship.UNKNOWN,
                    perpetrator_roles=[str(r) for r in roles],
                )
        guardian: Person | None = None
        if minor and rng.random() < d.GUARDIAN_FOR_MINOR and relationship != Relationship.FAMILY_CAREGIVER:
            guardian = self._person(
                batch,
                language=language if language in self.fake else "en",
                gender=rng.choice((Gender.FEMININE, Gender.MASCULINE)),
                birth_date=None,
                contact=True,
                town=town_name,
            )
            self._participant(batch, case, guardian, ParticipantRole.GUARDIAN, referral_at)

        exploitation = self._exploitation(
            batch,
            case,
            survivor,
            sex=sex,
            labor=labor,
            minor=minor,
            stated_age=stated_age,
            start=exploitation_start,
            day=day,
            relationship=relationship,
            town=town,
            citizenship=citizenship[0],
        )
        case.trafficking_type = combine_types([trafficking_type_of(exploitation.types)])
        case.age_group = age_group_of(
            [
                age_at_exploitation(
                    stated_age=stated_age, birth_date=birth_date, exploitation_start=exploitation_start
                )
            ]
        )

        # The journey.
        events: list[tuple[dt.datetime, EventKind, Agency | None, dict[str, Any]]] = []

        def step(moment: dt.datetime, what: EventKind, by: Agency | None, /, **data: Any) -> dt.datetime:
            events.append((moment, what, by, data))
            return moment

        received = step(
            referral_at, EventKind.REFERRAL_RECEIVED, referring or agency["hotline"], source=str(source)
        )
        opened = step(received + _wait(rng, "open"), EventKind.CASE_OPENED, taskforce)
        screened = step(
            opened + _wait(rng, "screen_minor" if minor else "screen_adult"),
            EventKind.SCREENED,
            taskforce,
            result=f"{kind}_indicated",
        )
        if minor:
            late = rng.random() < 0.1
            delay = dt.timedelta(days=rng.uniform(1.1, 5)) if late else _wait(rng, "report")
            contact = step(
                screened + min(delay, dt.timedelta(days=5)) if late else screened + delay,
                EventKind.REPORTED_TO_CHILD_WELFARE,
                agency[f"{region_code}:dcf"],
            )
        else:
            contact = step(
                screened + _wait(rng, "advocate"),
                EventKind.ADVOCATE_ASSIGNED,
                agency[f"{region_code}:advocacy"],
            )
        contact = step(
            contact + _wait(rng, "contact"), EventKind.ADVOCATE_CONTACT, agency[f"{region_code}:advocacy"]
        )
        consent = step(
            contact + dt.timedelta(hours=rng.randint(1, 72)),
            EventKind.CONSENT_RECORDED,
            agency[f"{region_code}:advocacy"],
        )
        last = consent
        service_count = rng.choice((1, 1, 2, 2, 3)) if not minor else rng.choice((1, 2))
        wanted = list(dict.fromkeys(_pick(rng, d.SERVICES) for _ in range(service_count)))
        if labor and rng.random() < 0.5 and ServiceType.EDUCATION_EMPLOYMENT not in wanted:
            wanted.append(ServiceType.EDUCATION_EMPLOYMENT)
        moment = consent
        # Unmet needs as (moment, service type, reason, the event's data, id); written once the
        # referrals are drawn, because a need already recorded is not recorded again.
        needs: list[tuple[dt.datetime, str, str, dict[str, Any], uuid.UUID]] = []

        def need_recorded(at: dt.datetime, service_type: str, reason: str) -> None:
            need_id = _uuid(self.ids)
            step(
                at,
                EventKind.UNMET_NEED_RECORDED,
                taskforce,
                need_type=service_type,
                reason=reason,
                need=str(need_id),
            )
            needs.append((at, service_type, reason, events[-1][3], need_id))

        for service in wanted:
            offering = [p for p in providers if service in p.services]
            if not offering:
                continue
            provider = agency[offering[0].key]
            referral_id = _uuid(self.ids)
            ref = str(referral_id)
            moment = step(
                moment + _wait(rng, "service"),
                EventKind.SERVICE_REFERRAL_SENT,
                taskforce,
                service_type=str(service),
                provider=provider.id,
                referral=ref,
            )
            steps = [(EventKind.SERVICE_REFERRAL_SENT, moment)]
            decline_reason = ""
            housing = service in {ServiceType.EMERGENCY_HOUSING, ServiceType.LONG_TERM_HOUSING}
            answered = moment + _wait(rng, "answer")
            if rng.random() < (d.HOUSING_ACCEPTED if housing else d.SERVICE_ACCEPTED):
                step(
                    answered,
                    EventKind.SERVICE_REFERRAL_ACCEPTED,
                    provider,
                    service_type=str(service),
                    referral=ref,
                )
                started = step(
                    answered + _wait(rng, "start"),
                    EventKind.SERVICE_STARTED,
                    provider,
                    service_type=str(service),
                    referral=ref,
                )
                steps += [
                    (EventKind.SERVICE_REFERRAL_ACCEPTED, answered),
                    (EventKind.SERVICE_STARTED, started),
                ]
                last = max(last, started)
                if rng.random() < d.SERVICE_COMPLETED:
                    completed = step(
                        started + _wait(rng, "complete"),
                        EventKind.SERVICE_COMPLETED,
                        provider,
                        service_type=str(service),
                        referral=ref,
                    )
                    steps.append((EventKind.SERVICE_COMPLETED, completed))
                    last = max(last, completed)
            else:
                decline = DeclineReason.NO_CAPACITY if housing else rng.choice(DECLINE_REASONS)
                decline_reason = str(decline)
                step(
                    answered,
                    EventKind.SERVICE_REFERRAL_DECLINED,
                    provider,
                    service_type=str(service),
                    reason=decline_reason,
                    referral=ref,
                )
                steps.append((EventKind.SERVICE_REFERRAL_DECLINED, answered))
                last = max(last, answered)
                if housing or rng.random() < 0.3:
                    need_recorded(
                        answered + dt.timedelta(hours=2), str(service), str(UNMET_AFTER_DECLINE[decline])
                    )
            self._service_referral(
                world, batch, case, survivor, provider, str(service), referral_id, steps, decline_reason
            )
        if rng.random() < d.UNMET_NEED * 0.5:
            need = _pick(rng, d.SERVICES)
            need_at = consent + dt.timedelta(days=rng.randint(1, 20))
            need_recorded(need_at, str(need), str(rng.choice(UNMET_WITHOUT_REFERRAL)))
        self._unmet_needs(world, batch, case, survivor, needs, events)

        if n_arrests or rng.random() < d.INVESTIGATED:
            window_start = max(referral_at, dt.datetime(year, 1, 1, 8, tzinfo=UTC))
            window_end = min(dt.datetime(year, 12, 31, 20, tzinfo=UTC), self.end)
            arrest_times = sorted(
                window_start + (window_end - window_start) * rng.random()
                if window_end > window_start
                else window_start
                for _ in range(n_arrests)
            )
            # An investigation is open before (or as) its first arrest is made.
            investigated = screened + _wait(rng, "investigate")
            if arrest_times:
                investigated = max(referral_at, min(investigated, arrest_times[0]))
            investigation_id = _uuid(self.ids)
            last = max(
                last,
                step(
                    investigated,
                    EventKind.INVESTIGATION_OPENED,
                    police,
                    investigation=str(investigation_id),
                    kind=str(kind),
                ),
            )
            if investigated <= self.end:
                lead = next(
                    (
                        world.users[username]
                        for username in ("detective", "detective_west")
                        if world.agencies[PERSONA_AGENCY[username]].pk == police.pk
                    ),
                    None,
                )
                batch.investigations.append(
                    Investigation(
                        id=investigation_id,
                        case=case,
                        agency=police,
                        lead=lead,
                        status=InvestigationStatus.OPEN,
                        kind=InvestigationKind(kind),
                        opened_at=investigated,
                        created_at=investigated,
                        updated_at=investigated,
                    )
                )
            prosecutor = agency[f"{region_code}:prosecution"]
            for number, arrest_at in enumerate(arrest_times):
                # A case with an arrest always has a suspect (see "who" above).
                arrested = suspects[number % len(suspects)]
                arrest_id = _uuid(self.ids)
                step(
                    arrest_at,
                    EventKind.ARREST_MADE,
                    police,
                    suspect=str(arrested.id),
                    arrest=str(arrest_id),
                    investigation=str(investigation_id),
                )
                last = max(last, arrest_at)
                if arrest_at <= self.end:
                    batch.arrests.append(
                        Arrest(
                            id=arrest_id,
                            investigation_id=investigation_id,
                            suspect=arrested,
                            arrested_at=arrest_at,
                            agency=police,
                            created_at=arrest_at,
                            updated_at=arrest_at,
                        )
                    )
                if rng.random() < d.CHARGED_AFTER_ARREST:
                    statute = statutes.statute(rng.choice(CHARGES))
                    charge_id = _uuid(self.ids)
                    charged = step(
                        arrest_at + _wait(rng, "charge"),
                        EventKind.CHARGE_FILED,
                        prosecutor,
                        statute=statute.section,
                        felony_class=statute.felony_class,
                        level=str(statute.level),
                        charge=str(charge_id),
                    )
                    disposed: tuple[dt.datetime, Outcome] | None = None
                    if rng.random() < d.DISPOSED_AFTER_CHARGE:
                        decided = charged + _wait(rng, "dispose")
                        outcome = rng.choice(DISPOSITIONS)
                        disposed = (decided, outcome)
                    prosecution_id = _uuid(self.ids)
                    if disposed is not None:
                        last = max(
                            last,
                            step(
                                disposed[0],
                                EventKind.PROSECUTION_DISPOSED,
                                prosecutor,
                                disposition=str(disposed[1]),
                                charge=str(charge_id),
                                prosecution=str(prosecution_id),
                            ),
                        )
                    self._prosecution(
                        batch,
                        case,
                        prosecutor,
                        statute,
                        arrest_id,
                        charge_id,
                        charged,
                        prosecution_id,
                        disposed,
                    )

        case_age = (self.as_of - day).days
        still_open = next(p for limit, p in d.STILL_OPEN if case_age <= limit)
        if rng.random() >= still_open:
            if rng.random() < d.FOLLOW_UP:
                last = step(
                    last + _wait(rng, "follow_up"),
                    EventKind.FOLLOW_UP_CONTACT,
                    agency[f"{region_code}:advocacy"],
                )
            closed_at = last + dt.timedelta(days=rng.randint(3, 60))
            if closed_at <= self.end:
                reason = rng.choice(CLOSURE_REASONS)
                step(closed_at, EventKind.CASE_CLOSED, taskforce, reason=reason)
                case.status = CaseStatus.CLOSED_REFERRED if reason == "transferred" else CaseStatus.CLOSED
                case.closed_on = closed_at.date()
                case.closure_reason = reason
        if case.status == CaseStatus.ACTIVE and rng.random() < 0.15 and case_age > 180:
            case.status = CaseStatus.FOLLOW_UP
        case.opened_on = opened.date()
        if case.status in {CaseStatus.ACTIVE, CaseStatus.FOLLOW_UP}:
            self._open_tasks(world, batch, case, region_code, minor=minor, labor=labor)

        kept = [(moment, kind_of_event, by) for moment, kind_of_event, by, _ in events if moment <= self.end]
        self._sensitive_details(survivor, town_name, foreign)
        consented = self._team(world, batch, case, survivor, guardian, minor, region_code, kept)
        for moment, kind_of_event, by, data in sorted(events, key=lambda e: e[0]):
            if moment > self.end or (kind_of_event == EventKind.CONSENT_RECORDED and not consented):
                continue
            person = (
                None
                if kind_of_event
                in {EventKind.ARREST_MADE, EventKind.CHARGE_FILED, EventKind.PROSECUTION_DISPOSED}
                else survivor
            )
            self.counters["event"] += 1
            batch.events.append(
                JourneyEvent(
                    id=self.counters["event"],
                    case=case,
                    person=person,
                    kind=kind_of_event,
                    occurred_at=moment,
                    agency=by,
                    data={k: v for k, v in data.items() if v is not None},
                    recorded_at=moment,
                )
            )
            if kind_of_event == EventKind.ARREST_MADE:
                self.summary.arrests_by_year[moment.year] += 1
        case.updated_at = max(case.created_at, min(self.end, max(e[0] for e in events)))

    # --- care and justice records, consistent with the journey's steps -----------------------------

    def _service_referral(
        self,
        world: World,
        batch: Batch,
        case: Case,
        survivor: Person,
        provider: Agency,
        service_type: str,
        referral_id: uuid.UUID,
        steps: list[tuple[EventKind, dt.datetime]],
        decline_reason: str,
    ) -> None:
        """The ServiceReferral whose journey steps are `steps` (in time order): its status is the
        last step on or before the as-of date; none when even the sending falls after it.

        It goes to the provider's service of that type (the directory has one per provider and
        type). The coordinator persona stands in as its sender, since only the personas are staff
        users; the provider persona answers for its own agency, otherwise nobody is named.
        """
        kept = [(kind, at) for kind, at in steps if at <= self.end]
        if not kept:
            return
        at = dict(kept)
        status = REFERRAL_STATUS[kept[-1][0]]
        answered = at.get(EventKind.SERVICE_REFERRAL_ACCEPTED) or at.get(EventKind.SERVICE_REFERRAL_DECLINED)
        provider_user = world.users["provider"]
        answered_by = (
            provider_user
            if answered is not None and world.agencies[PERSONA_AGENCY["provider"]].pk == provider.pk
            else None
        )
        sent = at[EventKind.SERVICE_REFERRAL_SENT]
        batch.referrals.append(
            ServiceReferral(
                id=referral_id,
                case=case,
                survivor=survivor,
                service_id=self.services[(provider.pk, service_type)],
                status=status,
                reason=decline_reason if status == ReferralStatus.DECLINED else "",
                sent_at=sent,
                answered_at=answered,
                accepted_at=at.get(EventKind.SERVICE_REFERRAL_ACCEPTED),
                started_at=at.get(EventKind.SERVICE_STARTED),
                closed_at=at.get(EventKind.SERVICE_COMPLETED),
                created_by=world.users["coordinator"],
                answered_by=answered_by,
                # Proposed (version 1), then one version per step, as the care actions save it.
                version=1 + len(kept),
                created_at=sent,
                updated_at=kept[-1][1],
            )
        )

    def _unmet_needs(
        self,
        world: World,
        batch: Batch,
        case: Case,
        survivor: Person,
        needs: list[tuple[dt.datetime, str, str, dict[str, Any], uuid.UUID]],
        events: list[tuple[dt.datetime, EventKind, Agency | None, dict[str, Any]]],
    ) -> None:
        """One UnmetNeed per recorded need on or before the as-of date. A need of a type already
        recorded in the case is open still (no step meets a need), so, as the care action does, it
        is not recorded again: its journey step is dropped."""
        seen: set[str] = set()
        dropped: list[dict[str, Any]] = []
        for at, service_type, reason, data, need_id in sorted(needs, key=lambda n: n[0]):
            if service_type in seen:
                dropped.append(data)
                continue
            seen.add(service_type)
            if at > self.end:
                continue
            batch.needs.append(
                UnmetNeed(
                    id=need_id,
                    case=case,
                    survivor=survivor,
                    service_type=service_type,
                    region_id=case.region_id,
                    reason=reason,
                    recorded_by=world.users["coordinator"],
                    recorded_at=at,
                    created_at=at,
                    updated_at=at,
                )
            )
        if dropped:
            events[:] = [e for e in events if not any(e[3] is data for data in dropped)]

    def _prosecution(
        self,
        batch: Batch,
        case: Case,
        prosecutor: Agency,
        statute: statutes.Statute,
        arrest_id: uuid.UUID,
        charge_id: uuid.UUID,
        charged: dt.datetime,
        prosecution_id: uuid.UUID,
        disposed: tuple[dt.datetime, Outcome] | None,
    ) -> None:
        """The charge filed at `charged`, prosecuted on its own by the region's state's attorney
        (one prosecution per arrested person and charge), and its disposition if it is decided on
        or before the as-of date (the prosecution is then disposed)."""
        if charged > self.end:
            return
        batch.charges.append(
            Charge(
                id=charge_id,
                arrest_id=arrest_id,
                statute=statute.section,
                offense_level=statute.level,
                counts=1,
                filed_at=charged,
                created_at=charged,
                updated_at=charged,
            )
        )
        decided = disposed is not None and disposed[0] <= self.end
        batch.prosecutions.append(
            Prosecution(
                id=prosecution_id,
                case=case,
                agency=prosecutor,
                status=ProsecutionStatus.DISPOSED if decided else ProsecutionStatus.PENDING,
                opened_at=charged,
                # Disposing the prosecution saves it once more (continuum.justice.actions).
                version=2 if decided else 1,
                created_at=charged,
                updated_at=disposed[0] if disposed is not None and decided else charged,
            )
        )
        self.counters["prosecution_charge"] += 1
        batch.prosecution_charges.append(
            Prosecution.charges.through(
                id=self.counters["prosecution_charge"], prosecution_id=prosecution_id, charge_id=charge_id
            )
        )
        if disposed is not None and decided:
            batch.dispositions.append(
                Disposition(
                    id=_uuid(self.ids),
                    charge_id=charge_id,
                    outcome=disposed[1],
                    decided_at=disposed[0],
                    created_at=disposed[0],
                    updated_at=disposed[0],
                )
            )

    def _sensitive_details(self, survivor: Person, town: str, foreign: bool) -> None:
        """The encrypted fields: where the survivor is now, immigration status, health."""
        rng = self.rng
        if rng.random() < 0.55:
            survivor.current_location = rng.choice(
                (
                    f"Emergency shelter, {town}",
                    f"Staying with a relative in {town}",
                    f"Transitional housing, {town}",
                )
            )
        if foreign and rng.random() < 0.7:
            survivor.immigration_status = rng.choice(
                ("T visa application filed", "Continued presence requested", "Undocumented", "U visa pending")
            )
        if rng.random() < 0.35:
            survivor.health_notes = rng.choice(
                (
                    "In trauma-focused therapy",
                    "Needs dental care",
                    "Substance-use treatment started",
                    "Pregnant",
                )
            )

    def _team(
        self,
        world: World,
        batch: Batch,
        case: Case,
        survivor: Person,
        guardian: Person | None,
        minor: bool,
        region_code: str,
        events: list[tuple[dt.datetime, EventKind, Agency | None]],
    ) -> bool:
        """Case team, mandated report, consent and notes, for the personas' own cases; whether a
        consent was recorded (the journey shows the step only then).

        Only the personas are staff users, so teams exist where a persona's agency took part:
        the Greater Hartford agencies and the Waterbury police.
        """
        rng = self.rng
        by_kind: dict[EventKind, tuple[dt.datetime, Agency | None]] = {}
        for moment, kind, agency in events:
            by_kind.setdefault(kind, (moment, agency))
        if minor and EventKind.SCREENED in by_kind:
            screened_at = by_kind[EventKind.SCREENED][0]
            reported = by_kind.get(EventKind.REPORTED_TO_CHILD_WELFARE)
            self.counters["report"] += 1
            batch.reports.append(
                MandatedReport(
                    id=self.counters["report"],
                    case=case,
                    agency=world.agencies[f"{region_code}:dcf"],
                    due_at=screened_at + dt.timedelta(hours=24),
                    sent_at=reported[0] if reported else None,
                    created_at=screened_at,
                    updated_at=screened_at,
                )
            )
        users = world.users
        members: list[tuple[str, str, dt.datetime]] = []
        opened_at = events[0][0]
        if region_code == "greater-hartford":
            members.append(("coordinator", TeamRole.COORDINATOR, opened_at))
            contact = by_kind.get(EventKind.ADVOCATE_CONTACT)
            if contact and rng.random() < 0.6:
                members.append(("advocate", TeamRole.ADVOCATE, contact[0]))
            if minor:
                members.append(("caseworker", TeamRole.CHILD_WELFARE, opened_at))
        investigation = by_kind.get(EventKind.INVESTIGATION_OPENED)
        for username in ("detective", "detective_west"):
            agency = world.agencies[PERSONA_AGENCY[username]]
            if investigation and investigation[1] is not None and investigation[1].pk == agency.pk:
                members.append((username, TeamRole.INVESTIGATOR, investigation[0]))
        charge = by_kind.get(EventKind.CHARGE_FILED)
        if charge and region_code == "greater-hartford":
            members.append(("prosecutor", TeamRole.PROSECUTOR, charge[0]))
        for username, team_role, moment in members:
            self.counters["team"] += 1
            batch.team.append(
                CaseTeamMember(
                    id=self.counters["team"],
                    case=case,
                    user=users[username],
                    agency=world.agencies[PERSONA_AGENCY[username]],
                    team_role=team_role,
                    created_at=moment,
                    updated_at=moment,
                )
            )
        if not any(username == "advocate" for username, _, _ in members):
            return False
        advocate = users["advocate"]
        consent_at = by_kind.get(EventKind.CONSENT_RECORDED, (opened_at, None))[0]
        self.counters["note"] += 1
        batch.notes.append(
            CaseNote(
                id=self.counters["note"],
                case=case,
                author=advocate,
                privileged=True,
                body=rng.choice(PRIVILEGED_NOTES),
                created_at=consent_at,
                updated_at=consent_at,
            )
        )
        if rng.random() >= 0.5:
            return False
        signer = guardian if guardian is not None and minor else survivor
        lasting = dt.timedelta(days=rng.choice((90, 180, 365)))
        revoked = rng.random() < 0.15 and consent_at + lasting / 3 <= self.end
        self.counters["consent"] += 1
        batch.consents.append(
            Consent(
                id=self.counters["consent"],
                case=case,
                survivor=survivor,
                agency=world.agencies[PERSONA_AGENCY["detective"]],
                categories=sorted(rng.choice(CONSENT_CHOICES)),
                method=ConsentMethod.WRITTEN,
                granted_at=consent_at,
                expires_at=consent_at + lasting,
                recorded_by=advocate,
                signed_by=signer,
                signer_relationship=SignerRelationship.SELF
                if signer is survivor
                else SignerRelationship.GUARDIAN,
                revoked_at=consent_at + lasting / 3 if revoked else None,
                revoked_by=advocate if revoked else None,
                revocation_method=ConsentMethod.VERBAL_RECORDED if revoked else "",
                created_at=consent_at,
                updated_at=consent_at,
            )
        )
        return True

    def _participant(
        self,
        batch: Batch,
        case: Case,
        person: Person,
        role: ParticipantRole,
        moment: dt.datetime,
        *,
        trafficking_status: str = "",
        relationship: str = "",
        perpetrator_roles: list[str] | None = None,
    ) -> None:
        self.counters["participant"] += 1
        batch.participants.append(
            CaseParticipant(
                id=self.counters["participant"],
                case=case,
                person=person,
                role=role,
                trafficking_status=trafficking_status,
                relationship_to_survivor=relationship,
                perpetrator_roles=perpetrator_roles or [],
                created_at=moment,
                updated_at=moment,
            )
        )
        person.created_at = person.updated_at = moment

    def _exploitation(
        self,
        batch: Batch,
        case: Case,
        survivor: Person,
        *,
        sex: bool,
        labor: bool,
        minor: bool,
        stated_age: int | None,
        start: dt.date,
        day: dt.date,
        relationship: Relationship,
        town: Town,
        citizenship: str,
    ) -> Exploitation:
        rng = self.rng
        types: list[str] = []
        sex_types: list[str] = []
        industry = ""
        if sex:
            types.append(TypeOfExploitation.SEXUAL_EXPLOITATION)
            sex_types = [str(_pick(rng, d.SEX_TYPES))]
        if labor:
            types.append(
                TypeOfExploitation.CHILD_LABOUR
                if minor and rng.random() < 0.5
                else TypeOfExploitation.FORCED_LABOUR
            )
            industry = str(_pick(rng, d.LABOR_INDUSTRY))
        controls: list[str] = []
        if not (minor and sex and not labor and rng.random() < d.MINOR_SEX_NO_MEANS):
            controls = [
                str(c)
                for c in _bernoulli_set(
                    rng, {**(d.CONTROL_SEX if sex else {}), **(d.CONTROL_LABOR if labor else {})}
                )
            ]
            if not controls:
                controls = [MethodOfControl.FALSE_PROMISES if labor else MethodOfControl.PSYCHOLOGICAL_ABUSE]
        method = _pick(rng, d.RECRUITMENT)
        apps = list(dict.fromkeys(str(_pick(rng, d.APPS)) for _ in range(rng.choice((1, 1, 2)))))
        online = method in d.ONLINE_RECRUITMENT
        exploitation = Exploitation(
            id=_uuid(rng),
            case=case,
            survivor=survivor,
            types=[str(t) for t in types],
            sex_types=sex_types,
            labor_industry=industry,
            methods_of_control=controls,
            recruitment_methods=[str(method)],
            recruitment_apps=apps if online else [],
            exploitation_apps=apps[:1] if online and sex and rng.random() < 0.6 else [],
            recruiter_relationship=relationship,
            vulnerabilities=[str(v) for v in _bernoulli_set(rng, d.VULNERABILITIES)],
            stated_age=stated_age,
            start_date=start,
            end_date=None if rng.random() < 0.2 else day - dt.timedelta(days=rng.randint(0, 30)),
            created_at=case.created_at,
            updated_at=case.created_at,
        )
        batch.exploitations.append(exploitation)
        self.counters["location"] += 1
        batch.locations.append(
            TraffickingLocation(
                id=self.counters["location"],
                exploitation=exploitation,
                kind=TraffickingEventType.EXPLOITATION,
                town=town,
                city=town.name,
                state="CT",
                country="US",
                created_at=case.created_at,
                updated_at=case.created_at,
            )
        )
        if citizenship != "US" and rng.random() < 0.6:
            self.counters["location"] += 1
            batch.locations.append(
                TraffickingLocation(
                    id=self.counters["location"],
                    exploitation=exploitation,
                    kind=TraffickingEventType.RECRUITMENT,
                    country=citizenship,
                    created_at=case.created_at,
                    updated_at=case.created_at,
                )
            )
        return exploitation

    # --- the open work: tasks, tips and referrals waiting for triage (the third stream) ----------

    def _open_tasks(
        self, world: World, batch: Batch, case: Case, region_code: str, *, minor: bool, labor: bool
    ) -> None:
        """Open tasks of an open case: none, one or two (about 0.85 a case), due from three weeks
        ago to two months ahead of the as-of date, so about a quarter are overdue. Taskforce work
        goes to the region's taskforce, survivor work to its advocacy centre; the persona of that
        agency is the assignee, elsewhere nobody (only the personas are staff users)."""
        rng = self.queues
        count = 0 if rng.random() < 0.4 else (2 if rng.random() < 0.4 else 1)
        taskforce = world.agencies[f"{region_code}:taskforce"]
        advocacy = world.agencies[f"{region_code}:advocacy"]
        kinds: list[tuple[TaskKind, Agency]] = [
            (TaskKind.FOLLOW_UP_CONTACT, advocacy),
            (TaskKind.PLAN_GOAL, advocacy),
            (TaskKind.OTHER, taskforce),
        ]
        if case.status == CaseStatus.ACTIVE and not minor:
            kinds.append((TaskKind.ASSIGN_ADVOCATE, taskforce))
        if labor:
            kinds.append((TaskKind.LABOR_PARTNER_CONTACT, taskforce))
        for _ in range(count):
            kind, agency = rng.choice(kinds)
            due = self.end + dt.timedelta(hours=rng.randint(-21 * 24, 60 * 24))
            created = min(self.end, max(case.created_at, due - dt.timedelta(days=rng.randint(3, 30))))
            assignee = next(
                (
                    world.users[username]
                    for username in ("coordinator", "advocate")
                    if world.agencies[PERSONA_AGENCY[username]].pk == agency.pk
                ),
                None,
            )
            self.counters["task"] += 1
            batch.tasks.append(
                Task(
                    id=self.counters["task"],
                    case=case,
                    kind=kind,
                    title=str(kind.label),
                    agency=agency,
                    assignee=assignee,
                    due_at=due,
                    created_by=world.users["coordinator"],
                    created_at=created,
                    updated_at=created,
                )
            )

    def _intake(self, world: World) -> None:
        """Tips of the last year (one for every 25 cases; those of the last three weeks are still
        new, the others became referrals or were closed) and referrals waiting for triage (one for
        every 300 cases, received in the last 30 days, by region weight). One in six new referrals
        names a survivor already in a case of its region, with the same date of birth, so the
        queue's possible-duplicate hint has something to find."""
        rng = self.queues
        n_tips = self.n_cases // 25
        codes: set[str] = set()
        tips: list[Tip] = []
        for _ in range(n_tips):
            received = (self.end - dt.timedelta(hours=rng.randint(0, 365 * 24))).replace(
                minute=0, second=0, microsecond=0
            )
            code = ""
            while not code or code in codes:
                code = "TIP-" + "-".join(
                    "".join(rng.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(2)
                )
            codes.add(code)
            fresh = self.end - received <= dt.timedelta(days=21)
            spanish = rng.random() < 0.2
            tips.append(
                Tip(
                    id=_uuid(rng),
                    code=code,
                    language=TipLanguage.SPANISH if spanish else TipLanguage.ENGLISH,
                    what_happened=rng.choice(TIP_TEXTS),
                    where=rng.choice(world.specs[rng.choice(list(world.specs))].name.split(",")[:1]),
                    when_text=rng.choice(("last week", "yesterday", "for months", "")),
                    trafficking_kind=rng.choice(TraffickingKind.values),
                    victim_age_group=rng.choice(VictimAgeGroup.values),
                    status=TipStatus.NEW
                    if fresh
                    else rng.choice((TipStatus.CONVERTED, TipStatus.CLOSED, TipStatus.CLOSED)),
                    received_at=received,
                )
            )
        tips.sort(key=lambda tip: (tip.received_at, str(tip.id)))
        writer.insert(Tip, tips)
        region_weights = {r.code: r.weight for r in REGIONS}
        survivors = self._known_survivors()
        referrals: list[Referral] = []
        for _ in range(self.n_cases // 300):
            region_code = _pick(rng, region_weights)
            spec = next(r for r in REGIONS if r.code == region_code)
            town = rng.choice(spec.towns)
            received = self.end - dt.timedelta(minutes=rng.randint(0, 30 * 24 * 60))
            source = rng.choice(
                (
                    ReferralSource.LAW_ENFORCEMENT,
                    ReferralSource.SERVICE_PROVIDER,
                    ReferralSource.HOTLINE,
                    ReferralSource.COMMUNITY,
                    ReferralSource.SELF,
                )
            )
            police = world.agencies.get(f"{region_code}:police:{town}")
            known = survivors.get(region_code) or []
            birth_date: dt.date | None
            if known and rng.random() < 1 / 6:
                first, last, birth_date = rng.choice(known)
            else:
                faker = self.queue_fake["es" if rng.random() < 0.3 else "en"]
                first, last = faker.first_name(), faker.last_name()
                birth_date = (
                    self.as_of - dt.timedelta(days=rng.randint(14 * 365, 45 * 365))
                    if rng.random() < 0.6
                    else None
                )
            referrals.append(
                Referral(
                    id=_uuid(rng),
                    region=world.regions[region_code],
                    source=source,
                    referring_agency=police if source == ReferralSource.LAW_ENFORCEMENT else None,
                    received_at=received,
                    what_is_known=rng.choice(REFERRAL_TEXTS).format(town=town),
                    recruitment_channel=rng.choice(RecruitmentChannel.values),
                    suspected_kind=rng.choice(SuspectedKind.values),
                    survivor_first_name=first,
                    survivor_last_name=last,
                    survivor_birth_date=birth_date,
                    survivor_language=rng.choice(("en", "en", "es")),
                    status=TriageStatus.NEW,
                    created_by=world.users["intake"],
                    created_at=received,
                    updated_at=received,
                )
            )
        writer.insert(Referral, referrals)

    def _known_survivors(self) -> dict[str, list[tuple[str, str, dt.date | None]]]:
        """A few survivors with a date of birth per region (in id order, so the same every run)."""
        found: dict[str, list[tuple[str, str, dt.date | None]]] = {}
        rows = (
            CaseParticipant.objects.filter(role=ParticipantRole.SURVIVOR, person__birth_date__isnull=False)
            .order_by("person_id")
            .values_list(
                "case__region__code", "person__first_name", "person__last_name", "person__birth_date"
            )
        )
        for region_code, first, last, birth_date in rows[:2000]:
            found.setdefault(region_code, [])
            if len(found[region_code]) < 50:
                found[region_code].append((first, last, birth_date))
        return found

    def _analyze(self) -> None:
        """A bulk load ends with fresh planner statistics (PostgreSQL; autovacuum would be late)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def _write(self, batch: Batch) -> None:
        for person in batch.people:
            # COPY and bulk_create skip Person.save(), which keeps the search key elsewhere.
            person.name_key = person_key(person)
        with transaction.atomic():
            writer.insert(Person, batch.people)
            writer.insert(Case, batch.cases)
            writer.insert(CaseParticipant, batch.participants)
            writer.insert(Exploitation, batch.exploitations)
            writer.insert(TraffickingLocation, batch.locations)
            writer.insert(JourneyEvent, batch.events)
            writer.insert(CaseTeamMember, batch.team)
            writer.insert(MandatedReport, batch.reports)
            writer.insert(Consent, batch.consents)
            writer.insert(CaseNote, batch.notes)
            writer.insert(ServiceReferral, batch.referrals)
            writer.insert(UnmetNeed, batch.needs)
            writer.insert(Investigation, batch.investigations)
            writer.insert(Arrest, batch.arrests)
            writer.insert(Charge, batch.charges)
            writer.insert(Prosecution, batch.prosecutions)
            writer.insert(Prosecution.charges.through, batch.prosecution_charges)
            writer.insert(Disposition, batch.dispositions)
            writer.insert(Task, batch.tasks)
        self.summary.cases += len(batch.cases)
        self.summary.people += len(batch.people)
        self.summary.events += len(batch.events)

    def _reset_sequences(self) -> None:
        """Explicit ids do not move PostgreSQL's sequences; move them, as loaddata does."""
        models: Iterable[Any] = (
            ProviderService,
            CaseTeamMember,
            MandatedReport,
            Consent,
            CaseNote,
            Region,
            Town,
            Agency,
            User,
            Membership,
            CaseParticipant,
            TraffickingLocation,
            JourneyEvent,
            Prosecution.charges.through,
            Task,
        )
        statements = connection.ops.sequence_reset_sql(no_style(), list(models))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

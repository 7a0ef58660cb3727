"""The grants index: the relationships with a case that come from rows of their own, kept as
indexed rows of `access.CaseGrant`, so the policy answers "which cases" with one index join.

Each source below says, as data, which rows are live and which grants a live row gives. The same
definition serves three ways in:

- `refresh(row)`: an action that creates or changes a source row calls it in its own transaction;
  the row's grants are replaced by what the row gives now (none once a member is removed or a
  consent revoked), so the very next request is decided on the new state.
- `rebuild()`: the whole table (or some cases' part of it) recomputed in bulk, one
  INSERT ... SELECT per kind of grant (`continuum access grants --rebuild`, and the end of
  `continuum synth`).
- `differences()`: the rows the table lacks and the rows it should not have, written nowhere
  (`continuum access grants --check`).

Time bounds stay in the row (consent and court-order expiry, the 60 minutes of break-glass), so
nothing has to expire grants on a schedule. Each app registers the sources of its own models
(`register_source`, from its AppConfig.ready: continuum/access/registry.py); the access layer
imports none of the domain apps that register relationships with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Cast

from continuum.access.models import CaseGrant, GrantRelationship, GrantSource

R = GrantRelationship


@dataclass(frozen=True)
class Kind:
    """One kind of grant: which relationship a live source row gives to whom, and when."""

    relationship: str
    user: str | None = None  # the source field that names the user who holds it
    agency: str | None = None  # or the agency
    valid_from: str | None = None  # source fields bounding it in time; None is open
    valid_until: str | None = None


@dataclass(frozen=True)
class Source:
    key: str
    model: str  # app_label.ModelName
    live: Q  # the source rows that give grants
    kinds: tuple[Kind, ...]

    def model_class(self, registry: Any = apps) -> type[models.Model]:
        return registry.get_model(self.model)  # type: ignore[no-any-return]


# The sources, registered by the app that owns each model from its AppConfig.ready (access its
# consent, court order and break-glass below; cases the mandated report; coordination the case
# team), so this layer names no model of an app above it.
SOURCES: list[Source] = []
BY_MODEL: dict[str, Source] = {}
# The relationships this table answers; the others (same_region, minor_in_region) are columns of the case.
RELATIONSHIPS = frozenset(GrantRelationship.values)
# The relationships held by one user (the others by an agency).
USER_HELD = frozenset({R.CASE_TEAM, R.BREAK_GLASS})


def register_source(source: Source) -> None:
    """Let the rows of `source.model` give grants (idempotent: registering again replaces it)."""
    for kind in source.kinds:
        if kind.relationship not in RELATIONSHIPS or bool(kind.user) != (kind.relationship in USER_HELD):
            raise ValueError(f"{source.model}: {kind.relationship} is not a known grant of that holder")
    previous = BY_MODEL.get(source.model.lower())
    if previous is not None:
        SOURCES.remove(previous)
    SOURCES.append(source)
    BY_MODEL[source.model.lower()] = source


def register_access_sources() -> None:
    """The access layer's own sources (called by AccessConfig.ready)."""
    register_source(
        Source(
            GrantSource.CONSENT,
            "access.Consent",
            Q(revoked_at__isnull=True),
            (Kind(R.CONSENT, agency="agency_id", valid_from="granted_at", valid_until="expires_at"),),
        )
    )
    register_source(
        Source(
            GrantSource.COURT_ORDER,
            "access.CourtOrder",
            Q(),
            (Kind(R.COURT_ORDER, agency="agency_id", valid_until="expires_at"),),
        )
    )
    register_source(
        Source(
            GrantSource.BREAK_GLASS,
            "access.BreakGlassGrant",
            Q(),
            (Kind(R.BREAK_GLASS, user="user_id", valid_from="started_at", valid_until="expires_at"),),
        )
    )


COLUMNS = (
    "case_id",
    "relationship",
    "user_id",
    "agency_id",
    "valid_from",
    "valid_until",
    "source",
    "source_id",
)


def in_force(now: dt.datetime) -> QuerySet[CaseGrant]:
    """The grants that hold at `now`."""
    return CaseGrant.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=now),
        Q(valid_until__isnull=True) | Q(valid_until__gt=now),
    )


def _none(field: models.Field[Any, Any]) -> Cast:
    # Typed, so that a UNION or EXCEPT of these SELECTs lines up on PostgreSQL.
    return Cast(Value(None), output_field=field)


def _rows(source: Source, kind: Kind, where: Q, registry: Any = apps) -> QuerySet[Any]:
    """The grants of one kind that the live source rows give, as a SELECT in COLUMNS order."""
    meta = CaseGrant._meta
    rows = source.model_class(registry)._default_manager.filter(source.live, where)
    if kind.user:
        rows = rows.filter(**{f"{kind.user}__isnull": False})
    columns: dict[str, Any] = {
        "g_case_id": F("case_id"),
        "g_relationship": Value(kind.relationship, output_field=meta.get_field("relationship")),
        "g_user_id": F(kind.user) if kind.user else _none(models.BigIntegerField()),
        "g_agency_id": F(kind.agency) if kind.agency else _none(models.BigIntegerField()),
        "g_valid_from": F(kind.valid_from) if kind.valid_from else _none(models.DateTimeField()),
        "g_valid_until": F(kind.valid_until) if kind.valid_until else _none(models.DateTimeField()),
        "g_source": Value(source.key, output_field=meta.get_field("source")),
        "g_source_id": F("pk"),
    }
    return rows.order_by().values(**columns)


def _insert(source: Source, where: Q, registry: Any = apps) -> int:
    """INSERT ... SELECT the grants the live rows of `source` (those matching `where`) give."""
    table = connection.ops.quote_name(CaseGrant._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
    written = 0
    with connection.cursor() as cursor:
        for kind in source.kinds:
            select, params = _rows(source, kind, where, registry).query.sql_with_params()
            cursor.execute(f"INSERT INTO {table} ({names}) {select}", params)
            written += max(cursor.rowcount, 0)
    return written


def _source_of(row: models.Model) -> Source:
    source = BY_MODEL.get(row._meta.label_lower)
    if source is None:
        raise TypeError(f"{row._meta.label} gives no grants")
    return source


def refresh(row: models.Model) -> None:
    """Make the grants of one source row what the row gives now. Called by the action that
    created or changed the row, inside its transaction: a rollback takes the grants back too."""
    source = _source_of(row)
    CaseGrant.objects.filter(source=source.key, source_id=row.pk).delete()
    _insert(source, Q(pk=row.pk))


@transaction.atomic
def rebuild(*, cases: Iterable[Any] | None = None, analyze: bool = False, registry: Any = apps) -> int:
    """Recompute the table from the source rows in bulk (only the given cases' grants, if named),
    with fresh planner statistics after a bulk load if `analyze`. Returns the number of grants
    written. `registry` is a migration's historical models."""
    grant_model = registry.get_model("access", "CaseGrant")
    case_ids = None if cases is None else [getattr(case, "pk", case) for case in cases]
    bulk = case_ids is None and connection.vendor == "postgresql"
    if bulk:
        # The whole table: empty it, load it without indexes, then build each index in one sort
        # (all in one transaction: requests wait for it, and never see a half-built table).
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {connection.ops.quote_name(grant_model._meta.db_table)}")
        with connection.schema_editor(atomic=False) as editor:
            for index in grant_model._meta.indexes:
                editor.remove_index(grant_model, index)
            for constraint in grant_model._meta.constraints:
                editor.remove_constraint(grant_model, constraint)
    elif case_ids is None:
        grant_model._default_manager.all().delete()
    if case_ids is None:
        where = Q()
    else:
        grant_model._default_manager.filter(case_id__in=case_ids).delete()
        where = Q(case_id__in=case_ids)
    written = sum(_insert(source, where, registry) for source in SOURCES)
    if bulk:
        with connection.schema_editor(atomic=False) as editor:
            for index in grant_model._meta.indexes:
                editor.add_index(grant_model, index)
            for constraint in grant_model._meta.constraints:
                editor.add_constraint(grant_model, constraint)
    if analyze and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(grant_model._meta.db_table)}")
    return written


@dataclass(frozen=True)
class Differences:
    missing: int  # grants the source rows give that the table lacks
    extra: int  # grants in the table that no source row gives
    examples: Sequence[tuple[str, tuple[Any, ...]]]  # ("missing" | "extra", the row in COLUMNS order)

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra)


def _expected_sql() -> tuple[str, list[Any]]:
    parts: list[str] = []
    params: list[Any] = []
    for source in SOURCES:
        for kind in source.kinds:
            sql, part_params = _rows(source, kind, Q()).query.sql_with_params()
            parts.append(sql)
            params.extend(part_params)
    return " UNION ALL ".join(parts), params


def differences(*, examples: int = 20) -> Differences:
    """Compare the table with what the source rows give, in the database, writing nothing."""
    table = connection.ops.quote_name(CaseGrant._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
    expected, params = _expected_sql()
    # Only quoted names and SQL compiled by Django go into these strings; values are parameters.
    actual = f"SELECT {names} FROM {table}"  # noqa: S608
    wanted = f"SELECT * FROM ({expected}) expected"  # noqa: S608
    found: dict[str, int] = {}
    shown: list[tuple[str, tuple[Any, ...]]] = []
    with connection.cursor() as cursor:
        for label, sql, sql_params in (
            ("missing", f"{wanted} EXCEPT {actual}", params),
            ("extra", f"{actual} EXCEPT {wanted}", params),
        ):
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) difference", sql_params)  # noqa: S608
            found[label] = cursor.fetchone()[0]
            if found[label]:
                cursor.execute(f"{sql} LIMIT {int(examples)}", sql_params)
                shown += [(label, tuple(row)) for row in cursor.fetchall()]
    return Differences(missing=found["missing"], extra=found["extra"], examples=shown)

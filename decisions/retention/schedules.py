"""How long a case is kept: its organisation's schedule for its kind of record, and the date
it falls due for erasure (docs/retention.md). Each rule is one function."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from decisions.models import Case, LegalHold, Person, RecordKind, RetentionBasis, RetentionSchedule


@dataclass(frozen=True)
class Rule:
    basis: str
    years: int

    @property
    def label(self) -> str:
        if self.basis == RetentionBasis.BIRTH:
            return f"Until the child is {self.years}"
        return f"{self.years} year{'s' if self.years != 1 else ''} after closure"


DEFAULTS: dict[str, Rule] = {
    RecordKind.CHILD_PROTECTION: Rule(RetentionBasis.BIRTH, 25),
    RecordKind.LOOKED_AFTER: Rule(RetentionBasis.BIRTH, 75),
    RecordKind.CHILD_IN_NEED: Rule(RetentionBasis.CLOSURE, 7),
    RecordKind.SINGLE_REQUEST: Rule(RetentionBasis.CLOSURE, 2),
}
# Counted from birth but no date of birth recorded: counted from closure instead.
FALLBACK_YEARS_AFTER_CLOSURE = 7


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def schedule_for(organisation_id: int) -> dict[str, Rule]:
    """The organisation's rule for every kind of record: its own where set, else the default."""
    rules = dict(DEFAULTS)
    for row in RetentionSchedule.objects.filter(organisation_id=organisation_id):
        rules[row.record_kind] = Rule(row.basis, row.years)
    return rules


def child_date_of_birth(case: Case) -> datetime.date | None:
    child = case.child
    return child.date_of_birth if child else None


def due_on(case: Case, rule: Rule) -> datetime.date | None:
    """The day the case's personal data falls due for erasure; None while it is open."""
    if not case.is_closed:
        return None
    closed = (
        timezone.localdate(case.closed_at)
        if case.closed_at
        else timezone.localdate(case.created_at)
    )
    if rule.basis == RetentionBasis.BIRTH:
        born = child_date_of_birth(case)
        if born is None:
            return add_years(closed, FALLBACK_YEARS_AFTER_CLOSURE)
        return max(add_years(born, rule.years), closed)
    return add_years(closed, rule.years)


def active_hold(case: Case) -> LegalHold | None:
    return next((hold for hold in case.holds.all() if hold.is_active), None)


@dataclass(frozen=True)
class CaseRetention:
    case: Case
    rule: Rule
    due_on: datetime.date
    hold: LegalHold | None

    def is_due(self, as_of: datetime.date) -> bool:
        return self.hold is None and self.due_on <= as_of


def closed_cases(organisation_id: int | None = None) -> QuerySet[Case]:
    """Closed cases not yet erased, with what the rules read (people, holds) prefetched."""
    cases = Case.objects.filter(is_closed=True, erased_at__isnull=True)
    if organisation_id is not None:
        cases = cases.filter(organisation_id=organisation_id)
    return cases.select_related("organisation").prefetch_related(
        Prefetch("people", queryset=Person.objects.filter(relationship=Person.CHILD)),
        "holds",
    )


def retention_of(cases: QuerySet[Case]) -> list[CaseRetention]:
    """Each closed case with its rule, due date and hold, soonest due first."""
    rules: dict[int, dict[str, Rule]] = {}
    found = []
    for case in cases:
        if case.organisation_id not in rules:
            rules[case.organisation_id] = schedule_for(case.organisation_id)
        rule = rules[case.organisation_id][case.record_kind]
        day = due_on(case, rule)
        if day is not None:
            found.append(CaseRetention(case, rule, day, active_hold(case)))
    return sorted(found, key=lambda item: (item.due_on, item.case.reference))


def due_for_erasure(
    as_of: datetime.date, organisation_id: int | None = None
) -> list[CaseRetention]:
    """Closed cases past their period and not on hold: what apply_retention erases."""
    return [item for item in retention_of(closed_cases(organisation_id)) if item.is_due(as_of)]

"""Who may see and change retention, holds and disclosure logs: one function per rule."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from decisions.cases.selectors import cases_for
from decisions.models import Case, Person
from isg.accounts.models import Organisation, Role, User
from isg.accounts.roles import organisations_where


def retention_organisations_for(user: User) -> list[int]:
    """Organisations whose schedule, due list and holds the user manages: as their lead."""
    return organisations_where(user, (Role.LEAD,))


def may_manage_retention(user: User, organisation: Organisation | int) -> bool:
    organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    return organisation_id in retention_organisations_for(user)


def may_hold(user: User, case: Case) -> bool:
    """Place or lift a legal hold: the case's organisation's lead, before it is erased."""
    return case.erased_at is None and may_manage_retention(user, case.organisation_id)


def person_for(user: User, person_id: UUID | str) -> Person | None:
    """A person on a case the user may read; None (a 404) otherwise."""
    return (
        Person.objects.filter(pk=person_id, case__in=cases_for(user))
        .select_related("case__organisation")
        .first()
    )


def may_see_disclosures(user: User, person: Person) -> bool:
    """The disclosure log of a person: whoever may read their case."""
    return cases_for(user).filter(pk=person.case_id).exists()


def may_search_disclosures(user: User, organisation: Organisation | int) -> bool:
    """Searching people across the organisation's cases: its safeguarding leads."""
    return may_manage_retention(user, organisation)


def people_matching(user: User, organisation_id: int, name: str) -> QuerySet[Person]:
    """People on the organisation's cases whose name contains `name`, for its lead."""
    if not may_search_disclosures(user, organisation_id) or not name.strip():
        return Person.objects.none()
    return (
        Person.objects.filter(
            case__organisation_id=organisation_id,
            case__in=cases_for(user),
            name__icontains=name.strip(),
        )
        .select_related("case")
        .order_by("name", "case__reference")
    )

"""Every change to cases, people and requests goes through these functions.

Each runs in one transaction; views never save models themselves.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from decisions.models import Case, Person, ShareRequest
from isg.accounts.models import Organisation, Role, User
from isg.accounts.roles import has_role


@transaction.atomic
def case_create(
    *,
    user: User,
    organisation: Organisation,
    reference: str,
    summary: str = "",
    child_name: str = "",
    child_date_of_birth: datetime.date | None = None,
    assigned: list[User] | None = None,
) -> Case:
    if not has_role(user, organisation, (Role.PRACTITIONER, Role.MANAGER)):
        raise PermissionDenied("Only practitioners and managers can open cases.")
    case = Case.objects.create(
        organisation=organisation, reference=reference, summary=summary, created_by=user
    )
    team = set(assigned or [])
    if has_role(user, organisation, (Role.PRACTITIONER,)):
        team.add(user)
    case.assigned.set(team)
    if child_name:
        Person.objects.create(
            case=case,
            name=child_name,
            relationship=Person.CHILD,
            date_of_birth=child_date_of_birth,
        )
    return case


@transaction.atomic
def case_update(
    *, user: User, case: Case, reference: str, summary: str, assigned: list[User], is_closed: bool
) -> Case:
    case.reference = reference
    case.summary = summary
    case.is_closed = is_closed
    case._history_user = user
    case.save()
    case.assigned.set(assigned)
    return case


@transaction.atomic
def person_add(*, user: User, case: Case, **fields) -> Person:
    person = Person(case=case, **fields)
    person._history_user = user
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def share_request_open(*, user: User, case: Case, **fields) -> ShareRequest:
    share_request = ShareRequest(case=case, opened_by=user, **fields)
    share_request._history_user = user
    share_request.full_clean()
    share_request.save()
    return share_request

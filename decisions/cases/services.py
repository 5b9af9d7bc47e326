"""Every change to cases, people and requests goes through these functions.

Each runs in one transaction with its audit entry; views never save models themselves. The
snapshot functions say what the audit log keeps of each change, for the services and for
generated data alike (decisions/seeding/volume.py).
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from decisions.audit.record import record, record_about_case
from decisions.cases.history import changed_by, save_validated
from decisions.models import AuditEntry, Case, Person, RecordKind, ShareRequest
from isg.accounts.models import Organisation, Role, User
from isg.accounts.roles import has_role


def case_created_snapshot(case: Case, team: Iterable[User], *, child_recorded: bool) -> dict:
    return {
        "reference": case.reference,
        "assigned": sorted(member.get_username() for member in team),
        "child_recorded": child_recorded,
    }


def person_added_snapshot(person: Person) -> dict:
    """No name, notes or date of birth: the log is permanent, the person record is not."""
    return {"relationship": person.relationship, "protect_identity": person.protect_identity}


def request_opened_snapshot(share_request: ShareRequest) -> dict:
    return {
        "direction": share_request.direction,
        "counterpart_agency": share_request.counterpart_agency,
        "urgency": share_request.urgency,
        "received_on": share_request.received_on,
        "due_on": share_request.due_on,
    }


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
    record_kind: str = RecordKind.CHILD_PROTECTION,
) -> Case:
    if not has_role(user, organisation, (Role.PRACTITIONER, Role.MANAGER)):
        raise PermissionDenied("Only practitioners and managers can open cases.")
    case = Case(
        organisation=organisation,
        reference=reference,
        summary=summary,
        created_by=user,
        record_kind=record_kind,
    )
    changed_by(case, user)
    case.save()
    team = set(assigned or [])
    if has_role(user, organisation, (Role.PRACTITIONER,)):
        team.add(user)
    case.assigned.set(team)
    if child_name:
        child = Person(
            case=case,
            name=child_name,
            relationship=Person.CHILD,
            date_of_birth=child_date_of_birth,
        )
        changed_by(child, user)
        child.save()
    record_about_case(
        AuditEntry.Action.CASE_CREATED,
        case,
        user,
        case_created_snapshot(case, team, child_recorded=bool(child_name)),
    )
    return case


@transaction.atomic
def case_update(
    *,
    user: User,
    case: Case,
    reference: str,
    summary: str,
    assigned: list[User],
    is_closed: bool,
    record_kind: str | None = None,
) -> Case:
    # From the database: a ModelForm has already written the new values onto `case`.
    before = Case.objects.get(pk=case.pk)
    team_before = set(before.assigned.values_list("username", flat=True))
    case.reference = reference
    case.summary = summary
    case.is_closed = is_closed
    case.record_kind = record_kind or before.record_kind
    if is_closed and not before.is_closed:
        case.closed_at = timezone.now()
    elif not is_closed:
        case.closed_at = None
    changed_by(case, user)
    case.save()
    case.assigned.set(assigned)
    team_after = {member.get_username() for member in assigned}
    changes: dict[str, Any] = {
        name: {"from": getattr(before, name), "to": getattr(case, name)}
        for name in ("reference", "is_closed", "record_kind")
        if getattr(before, name) != getattr(case, name)
    }
    if before.summary != case.summary:
        changes["summary"] = "changed"  # the text itself stays in the case's history
    if team_before != team_after:
        changes["assigned"] = {
            "added": sorted(team_after - team_before),
            "removed": sorted(team_before - team_after),
        }
    record_about_case(AuditEntry.Action.CASE_UPDATED, case, user, {"changes": changes})
    return case


def _add(obj: Person | ShareRequest, *, user: User, case: Case, action: str) -> None:
    """Validate and save a new person or request on the case, with its audit entry."""
    save_validated(obj, user)
    snapshot = (
        person_added_snapshot(obj) if isinstance(obj, Person) else request_opened_snapshot(obj)
    )
    record(action=action, actor=user, obj=obj, case=case, snapshot=snapshot)


@transaction.atomic
def person_add(*, user: User, case: Case, **fields: Any) -> Person:
    person = Person(case=case, **fields)
    _add(person, user=user, case=case, action=AuditEntry.Action.PERSON_ADDED)
    return person


@transaction.atomic
def share_request_open(*, user: User, case: Case, **fields: Any) -> ShareRequest:
    share_request = ShareRequest(case=case, opened_by=user, **fields)
    _add(share_request, user=user, case=case, action=AuditEntry.Action.REQUEST_OPENED)
    return share_request

"""Per-object grants (django-guardian): who may read a delivery, who may see a restricted case.

A delivery is granted to the recipient case's assignees, never anything of the sender's
beyond it. A restricted case is seen only by those granted it by name and by the
organisation's leads (decisions.cases.selectors.cases_for). Grants and removals are audited.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from decisions.audit.record import record
from decisions.cases.history import changed_by
from decisions.cases.selectors import may_manage_access
from decisions.models import AuditEntry, Case, Delivery
from isg.accounts.models import User

VIEW_DELIVERY = "decisions.view_delivery"
VIEW_CASE = "decisions.view_case"


def _record_access(
    action: str,
    *,
    by: User | None,
    obj: Delivery | Case,
    case: Case,
    users: Iterable[User],
    **snapshot: str,
) -> None:
    """One audit entry for a grant or a removal: who gained or lost `obj`, by username."""
    record(
        action=action,
        actor=by,
        obj=obj,
        case=case,
        snapshot={**snapshot, "users": sorted(user.get_username() for user in users)},
    )


def grant_delivery(
    delivery: Delivery, case: Case, *, by: User | None, users: Iterable[User] | None = None
) -> list[str]:
    """Grant the delivery to everyone assigned to the recipient's case (or to `users`, when
    someone is assigned later); audited."""
    granted = list(case.assigned.all() if users is None else users)
    for user in granted:
        assign_perm(VIEW_DELIVERY, user, delivery)
    if granted:
        _record_access(
            AuditEntry.Action.ACCESS_GRANTED, by=by, obj=delivery, case=case, users=granted,
            delivery=delivery.reference,
        )
    return [user.get_username() for user in granted]


def revoke_delivery(delivery: Delivery, case: Case, *, by: User | None, users: list[User]) -> None:
    """Take the delivery back from people no longer assigned to the case; audited."""
    for user in users:
        remove_perm(VIEW_DELIVERY, user, delivery)
    _record_access(
        AuditEntry.Action.ACCESS_REMOVED, by=by, obj=delivery, case=case, users=users,
        delivery=delivery.reference,
    )


def case_grantees(case: Case) -> list[User]:
    return list(
        User.objects.filter(
            caseuserobjectpermission__content_object=case,
            caseuserobjectpermission__permission__codename="view_case",
        ).distinct()
    )


@transaction.atomic
def case_restrict(*, user: User, case: Case, restricted: bool) -> Case:
    if not may_manage_access(user, case):
        raise PermissionDenied("Only the safeguarding lead restricts a case.")
    if case.restricted != restricted:
        case.restricted = restricted
        changed_by(case, user)
        case.save(update_fields=["restricted"])
        record(
            action=AuditEntry.Action.CASE_RESTRICTED,
            actor=user,
            obj=case,
            case=case,
            snapshot={"restricted": restricted},
        )
    return case


@transaction.atomic
def case_grant(*, user: User, case: Case, grantee: User) -> None:
    if not may_manage_access(user, case):
        raise PermissionDenied("Only the safeguarding lead grants a case.")
    if not grantee.memberships.filter(organisation_id=case.organisation_id).exists():
        raise PermissionDenied("A case is granted only to people of its organisation.")
    assign_perm(VIEW_CASE, grantee, case)
    _record_access(AuditEntry.Action.ACCESS_GRANTED, by=user, obj=case, case=case, users=[grantee])


@transaction.atomic
def case_revoke(*, user: User, case: Case, grantee: User) -> None:
    if not may_manage_access(user, case):
        raise PermissionDenied("Only the safeguarding lead removes access to a case.")
    remove_perm(VIEW_CASE, grantee, case)
    _record_access(AuditEntry.Action.ACCESS_REMOVED, by=user, obj=case, case=case, users=[grantee])


@transaction.atomic
def case_access_set(
    *, user: User, case: Case, restricted: bool, grant: set[User], revoke: set[User]
) -> Case:
    """The lead's page in one transaction: the restriction, then each grant and removal."""
    for grantee in sorted(grant, key=lambda u: u.pk):
        case_grant(user=user, case=case, grantee=grantee)
    for grantee in sorted(revoke, key=lambda u: u.pk):
        case_revoke(user=user, case=case, grantee=grantee)
    return case_restrict(user=user, case=case, restricted=restricted)

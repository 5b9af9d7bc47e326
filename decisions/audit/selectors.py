"""Whose audit log a user may review."""

from django.db.models import QuerySet

from decisions.models import AuditEntry, Decision
from isg.accounts.models import Role, User
from isg.accounts.roles import organisations_where


def audit_organisations_for(user: User) -> list[int]:
    """Organisations whose audit log the user may review: as safeguarding lead or admin."""
    return organisations_where(user, (Role.LEAD, Role.ADMIN))


def audit_entries_for(user: User) -> QuerySet[AuditEntry]:
    """Audit entries the user may review; none for anyone else."""
    return AuditEntry.objects.filter(organisation_id__in=audit_organisations_for(user))


def submission_entry(decision: Decision) -> AuditEntry | None:
    """The decision's `decision_submitted` entry: the one its proof of inclusion is about."""
    return (
        AuditEntry.objects.filter(
            action=AuditEntry.Action.DECISION_SUBMITTED,
            object_type="Decision",
            object_id=str(decision.pk),
        )
        .order_by("sequence")
        .first()
    )

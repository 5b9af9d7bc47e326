"""Who may see a job: one rule."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from isg.accounts.models import Role, User
from isg.accounts.roles import organisations_where
from isg.jobs.kinds import KINDS
from isg.jobs.models import Job


def jobs_for(user: User) -> QuerySet[Job]:
    """The jobs a user started, and, for a safeguarding lead, those of their organisations'
    kinds that leads may watch (a check of the audit log)."""
    if not user.is_authenticated:
        return Job.objects.none()
    shared_kinds = [name for name, kind in KINDS.items() if kind.leads_may_see]
    led = organisations_where(user, (Role.LEAD,))
    return Job.objects.filter(
        Q(started_by=user) | Q(kind__in=shared_kinds, organisation_id__in=led)
    )


def get_job_for(user: User, job_id: UUID | str) -> Job:
    job = jobs_for(user).select_related("started_by").defer("result").filter(pk=job_id).first()
    if job is None:
        raise Http404("No such job")
    return job


def may_download(user: User, job: Job) -> bool:
    """Only the starter takes the result away: the export's audit entry names them."""
    return job.has_result and job.started_by_id == user.pk

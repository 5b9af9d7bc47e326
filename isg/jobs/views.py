"""A job's page (progress, then its result or its failure) and its download."""

from __future__ import annotations

import datetime
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from isg.accounts.roles import user_of
from isg.jobs import selectors
from isg.jobs.models import Job

REFRESH_SECONDS = 2
NOT_PICKED_UP = datetime.timedelta(minutes=1)
LISTED = 50


def job_list(request: HttpRequest) -> HttpResponse:
    """The user's recent jobs, newest first: where a failure is found after leaving its page."""
    jobs = selectors.jobs_for(user_of(request)).defer("result").order_by("-created_at")
    return render(request, "jobs/list.html", {"jobs": jobs[:LISTED]})


def job_detail(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """Refreshes itself (an HTTP Refresh header, no script) until the job is finished."""
    user = user_of(request)
    job = selectors.get_job_for(user, job_id)
    response = render(
        request,
        "jobs/detail.html",
        {
            "job": job,
            "may_download": selectors.may_download(user, job),
            "refresh": REFRESH_SECONDS,
            # Queued a while and not a retry waiting for its time: is any worker running?
            "not_picked_up": job.status == Job.Status.QUEUED
            and not job.attempts
            and job.created_at < timezone.now() - NOT_PICKED_UP,
        },
    )
    if not job.finished:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


def job_download(request: HttpRequest, job_id: UUID) -> HttpResponse:
    user = user_of(request)
    job = selectors.get_job_for(user, job_id)
    if not selectors.may_download(user, job):
        raise Http404("Nothing to download")
    content = Job.objects.filter(pk=job.pk).values_list("result", flat=True).get()
    response = HttpResponse(bytes(content or b""), content_type=job.result_type)
    response["Content-Disposition"] = f'attachment; filename="{job.result_name}"'
    response["Cache-Control"] = "no-store"
    return response

"""A job's page: progress while it runs, the download when done, the failure when not."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from isg.jobs import services
from isg.jobs.selectors import jobs_for
from tests import factories
from tests.jobs import kinds  # noqa: F401

pytestmark = pytest.mark.django_db


def start(world, kind, starter="lead", **parameters):
    return services.start_job(
        user=world.users[starter], kind=kind, organisation=world.org, parameters=parameters
    )


def test_the_page_refreshes_without_script_until_done_then_offers_the_file(
    world, client_for, run_tasks
):
    job = start(world, "tests.count", n=4)
    client = client_for(world.users["lead"])
    waiting = client.get(reverse("job_detail", args=[job.pk]))
    page = waiting.content.decode()
    assert waiting["Refresh"] == "2"
    assert "Waiting to start" in page and "<script>" not in page  # no inline script
    run_tasks()
    done = client.get(reverse("job_detail", args=[job.pk]))
    assert "Refresh" not in done
    assert "Download count.txt" in done.content.decode()
    download = client.get(reverse("job_download", args=[job.pk]))
    assert download.content == b"counted to 4 in attempt 1"
    assert download["Cache-Control"] == "no-store"


def test_the_starter_is_shown_the_failure_with_its_attempts(world, client_for, run_tasks):
    job = start(world, "tests.flaky", succeed_on=99)
    client = client_for(world.users["lead"])
    run_tasks()
    retrying = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "attempt 1 of 3 failed: the printer is on fire (attempt 1)" in retrying
    assert "It will be tried again by itself." in retrying
    run_tasks(at=timezone.now() + datetime.timedelta(days=1))
    failed = client.get(reverse("job_detail", args=[job.pk]))
    assert "Refresh" not in failed
    assert "It failed after 3 attempt(s): the printer is on fire (attempt 3)." in (
        failed.content.decode()
    )
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404


def test_a_job_is_its_starters_and_leads_see_only_the_kinds_shared_with_them(
    world, client_for, run_tasks
):
    second_lead = factories.make_user(world.org, "lead", username="second_lead")
    private = start(world, "tests.count", n=1)
    shared = start(world, "tests.shared")
    run_tasks()
    assert set(jobs_for(world.users["lead"])) == {private, shared}
    assert list(jobs_for(second_lead)) == [shared]
    assert list(jobs_for(world.users["other_lead"])) == []
    assert list(jobs_for(world.users["manager"])) == []
    client = client_for(second_lead)
    assert client.get(reverse("job_detail", args=[private.pk])).status_code == 404
    page = client.get(reverse("job_detail", args=[shared.pk]))
    assert page.status_code == 200 and "Download" not in page.content.decode()
    # Only the starter takes the file away: the export's audit entry names them.
    assert client.get(reverse("job_download", args=[shared.pk])).status_code == 404


def test_the_list_shows_the_users_own_jobs_newest_first(world, client_for, run_tasks):
    first = start(world, "tests.flaky", succeed_on=99)
    Job = type(first)
    Job.objects.filter(pk=first.pk).update(status=Job.Status.FAILED)
    second = start(world, "tests.count", n=1)
    theirs = start(world, "tests.count", starter="manager", n=1)
    page = client_for(world.users["lead"]).get(reverse("job_list")).content.decode()
    assert str(theirs.pk) not in page
    assert page.index(str(second.pk)) < page.index(str(first.pk))
    assert "Failed" in page


def test_a_job_no_worker_picks_up_says_so_after_a_minute(world, client_for):
    job = start(world, "tests.count", n=1)
    client = client_for(world.users["lead"])
    url = reverse("job_detail", args=[job.pk])
    assert "may not be running" not in client.get(url).content.decode()
    type(job).objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    assert "the task queue's worker" in client.get(url).content.decode()

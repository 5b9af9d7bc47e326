import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from isg.jobs import services
from isg.jobs.models import Job
from isg.jobs.pruning import prune
from tests.jobs import kinds  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_result_is_removed_after_its_days_and_the_page_says_so(world, client_for, run_tasks):
    job = services.start_job(user=world.users["lead"], kind="tests.count", parameters={"n": 1})
    run_tasks()
    assert prune() == (0, 0)  # fresh: kept
    later = timezone.now() + datetime.timedelta(days=8)
    assert prune(now=later) == (1, 0)
    job.refresh_from_db()
    assert job.result is None and job.status == Job.Status.SUCCEEDED
    client = client_for(world.users["lead"])
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "The file was removed 7 days after it was made." in page
    assert "Download" not in page
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404
    assert prune(now=later + datetime.timedelta(days=30)) == (0, 1)
    assert not DBTaskResult.objects.exists()

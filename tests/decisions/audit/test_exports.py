"""Large exports of the audit log go to the task queue: recorded first, progress, download."""

import csv
import io

import pytest
from django.urls import reverse

from decisions.audit import exports
from decisions.audit import record as audit_log
from decisions.models import AuditEntry
from isg.accounts.models import Membership, Role
from isg.jobs.models import Job
from tests.decisions.pdf.test_pdf import _sequences, pdf_text

pytestmark = pytest.mark.django_db
Action = AuditEntry.Action


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr(exports, "CSV_INSTANT_ROWS", 2)
    monkeypatch.setattr(exports, "PDF_INSTANT_ROWS", 2)


def viewed(world, n):
    lead = world.users["lead"]
    return [audit_log.record_view(lead, world.decision, world.case) for _ in range(n)]


def test_a_small_selection_is_still_exported_in_the_request(world, client_for, small_threshold):
    viewed(world, 2)
    response = client_for(world.users["lead"]).get(
        reverse("audit_export"), {"action": "record_viewed"}
    )
    assert response.streaming
    assert not Job.objects.exists()


def test_a_large_csv_export_is_recorded_queued_and_downloaded_when_done(
    world, client_for, small_threshold, run_tasks
):
    entries = viewed(world, 5)
    client = client_for(world.users["lead"])
    response = client.get(reverse("audit_export"), {"action": "record_viewed"})

    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("job_detail", args=[job.pk])
    exported = AuditEntry.objects.filter(action=Action.EXPORTED).get()
    assert exported.snapshot["what"] == "audit log CSV"
    assert exported.snapshot["queued"] is True
    assert exported.snapshot["filters"] == {"action": "record_viewed"}
    waiting = client.get(response.url)
    assert waiting["Refresh"] == "2" and "Waiting to start" in waiting.content.decode()
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404

    viewed(world, 1)  # after the export's own entry: not in it
    run_tasks()

    page = client.get(response.url)
    assert "Refresh" not in page
    assert "5 audit entries exported." in page.content.decode()
    download = client.get(reverse("job_download", args=[job.pk]))
    assert download["Content-Type"].startswith("text/csv")
    assert download["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0][:3] == ["Sequence", "When (UTC)", "User"]
    assert [int(row[0]) for row in rows[1:]] == [e.sequence for e in reversed(entries)]
    assert AuditEntry.objects.filter(action=Action.EXPORTED).count() == 1  # recorded once


def test_a_large_pdf_export_is_queued_and_printed_by_the_worker(
    world, client_for, small_threshold, run_tasks
):
    entries = viewed(world, 3)
    client = client_for(world.users["lead"])
    response = client.get(reverse("audit_export_pdf"), {"action": "record_viewed"})
    job = Job.objects.get()
    assert response.url == reverse("job_detail", args=[job.pk])
    exported = AuditEntry.objects.filter(action=Action.EXPORTED).get()
    assert exported.snapshot["what"] == "audit log PDF" and exported.snapshot["queued"]
    run_tasks()
    download = client.get(reverse("job_download", args=[job.pk]))
    assert download["Content-Type"] == "application/pdf"
    text = pdf_text(download.content)
    assert _sequences(text) == {entry.sequence for entry in entries}
    assert f"extract’s own entry #{exported.sequence}" in text


def test_a_lead_who_lost_the_role_before_the_worker_ran_gets_a_failure_not_the_log(
    world, client_for, small_threshold, run_tasks
):
    viewed(world, 3)
    client = client_for(world.users["lead"])
    client.get(reverse("audit_export"), {"action": "record_viewed"})
    Membership.objects.filter(user=world.users["lead"], role=Role.LEAD).update(
        role=Role.PRACTITIONER
    )
    run_tasks()
    job = Job.objects.get()
    # Another attempt would meet the same refusal: it fails at once.
    assert job.status == Job.Status.FAILED
    assert job.error == "failed after 1 attempt(s): No audit log for you here"
    assert job.result is None
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "It failed after 1 attempt(s): No audit log for you here." in page

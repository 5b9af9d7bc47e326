"""Verify now: a lead checks the whole log from the review screen, in bounded steps."""

import pytest
from django.urls import reverse

from decisions.audit import checkpoints, live
from decisions.models import AuditEntry, AuditVerification, AuditVerifyRun
from tests.decisions.audit.support import build_chain, drop_triggers, sql

pytestmark = pytest.mark.django_db


def run_to_the_end(client, response, run_tasks):
    """The worker runs the check (the queue, in-process); the page then shows the outcome."""
    assert "Refresh" in response
    run_tasks()
    response = client.get(response.wsgi_request.path)
    assert "Refresh" not in response
    return response


def test_a_lead_starts_a_run_and_the_worker_checks_it_in_bounded_steps(
    world, client_for, monkeypatch, run_tasks
):
    monkeypatch.setattr(live, "STEP_ENTRIES", 4)
    steps = []
    step = live.step
    monkeypatch.setattr(live, "step", lambda run_id: steps.append(run_id) or step(run_id))
    build_chain(world, 10)
    checkpoints.make_checkpoint()
    client = client_for(world.users["lead"])
    assert client.get(reverse("audit_list")).status_code == 200
    started = client.post(reverse("audit_verify_start"))
    total = AuditEntry.objects.count()  # the chain, and the lead's sign-in
    run = AuditVerifyRun.objects.get()
    assert started.url == reverse("audit_verify_run", args=[run.pk])
    first = client.get(started.url)
    assert first["Refresh"] == "2"
    assert f"Checked 0 of {total} entries (0%)" in first.content.decode()
    last = run_to_the_end(client, first, run_tasks)
    assert len(steps) == -(-total // 4)  # ceil: at most 4 entries a step
    page = last.content.decode()
    assert "Intact" in page and f"audit log intact: {total} entries, 1 checkpoint(s) match" in page
    verification = AuditVerification.objects.get()
    assert (verification.source, verification.intact, verification.checked_by) == (
        "verify now",
        True,
        world.users["lead"],
    )


def test_verify_now_names_a_checkpoint_the_log_contradicts(
    world, client_for, tmp_path, settings, run_tasks
):
    settings.AUDIT_WITNESS_DIR = [str(tmp_path)]
    build_chain(world, 6)
    client = client_for(world.users["lead"])  # signing in is entry 7
    checkpoints.make_checkpoint()
    drop_triggers()
    sql("DELETE FROM decisions_auditentry WHERE sequence > 3")
    sql("DELETE FROM decisions_auditcheckpoint")
    last = run_to_the_end(
        client, client.get(client.post(reverse("audit_verify_start")).url), run_tasks
    )
    page = last.content.decode()
    assert "The audit log is broken" in page
    assert "the log ends at entry 3 but checkpoint 7" in page
    assert "checkpoint-7.txt" in page
    assert AuditVerification.objects.get().intact is False


def test_a_run_is_only_its_starter_s(world, client_for):
    run = live.start(world.users["lead"])
    url = reverse("audit_verify_run", args=[run.pk])
    assert client_for(world.users["admin"]).get(url).status_code == 404
    assert client_for(world.users["lead"]).get(url).status_code == 200
    assert client_for(world.users["practitioner"]).post(
        reverse("audit_verify_start")
    ).status_code == 404


def test_the_review_screen_shows_the_public_key_and_the_last_checkpoint(world, client_for):
    build_chain(world, 3)
    checkpoints.make_checkpoint()
    page = client_for(world.users["lead"]).get(reverse("audit_list")).content.decode()
    key = checkpoints.verifiers()[0]
    assert key.to_string() in page
    assert "BEGIN PUBLIC KEY" in page
    assert "Last checkpoint: 3 entries" in page
    assert "Verify now" in page


def test_a_check_that_keeps_failing_says_so_and_stops_refreshing(
    world, client_for, monkeypatch, run_tasks
):
    import datetime

    from django.utils import timezone

    def broken(run_id):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(live, "step", broken)
    build_chain(world, 3)
    client = client_for(world.users["lead"])
    url = client.post(reverse("audit_verify_start")).url
    run_tasks(at=timezone.now() + datetime.timedelta(days=1))
    page = client.get(url)
    assert "Refresh" not in page
    text = page.content.decode()
    assert "The check could not finish" in text
    assert "It failed after 3 attempt(s): the database went away, after checking 0 of" in text

"""Recording what was shared (or not), follow-ups and their reminders."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from decisions.lifecycle import services as lifecycle_services
from decisions.models import AuditEntry, FollowUp, ShareRecord, ShareRequest
from isg.accounts.models import Role
from tests import factories

TODAY = timezone.localdate


def approve(world, decision):
    return lifecycle_services.decision_verdict(
        decision=decision, approver=world.users["manager"], verdict="approved"
    )


def date_fields(prefix: str, day: datetime.date) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def shared_form(**extra) -> dict:
    return {
        "what_was_shared": "Attendance record, autumn term",
        "shared_with": "DC Morgan, Riverside PPU",
        **date_fields("shared_on", TODAY()),
        "method": "secure_email",
        **extra,
    }


@pytest.fixture
def practitioner(world, client_for):
    return client_for(world.users["practitioner"])


def test_sharing_cannot_be_recorded_before_approval(world, practitioner):
    url = reverse("record_shared", args=[world.decision.pk])
    response = practitioner.get(url, follow=True)
    assert "A manager must approve this decision before anything is shared" in (
        response.content.decode()
    )
    practitioner.post(url, shared_form())
    assert not ShareRecord.objects.exists()
    with pytest.raises(lifecycle_services.NotNow):
        lifecycle_services.share_record(
            decision=world.decision,
            user=world.users["practitioner"],
            shared=False,
            not_shared_reasons="Changed my mind",
            requester_told=False,
            requester_told_how="Not yet",
        )


def test_share_is_recorded_after_approval_with_a_follow_up(world, practitioner):
    approve(world, world.decision)
    url = reverse("record_shared", args=[world.decision.pk])
    due = TODAY() + datetime.timedelta(days=7)
    response = practitioner.post(
        url,
        shared_form(
            action="Ask the police what they did with it",
            owner=world.users["manager"].pk,
            **date_fields("due_on", due),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = ShareRecord.objects.get(decision=world.decision)
    assert (record.shared, record.shared_with, record.shared_on, record.method) == (
        True,
        "DC Morgan, Riverside PPU",
        TODAY(),
        "secure_email",
    )
    follow_up = FollowUp.objects.get()
    assert (follow_up.owner, follow_up.due_on, follow_up.case) == (
        world.users["manager"],
        due,
        world.case,
    )
    world.decision.share_request.refresh_from_db()
    assert world.decision.share_request.status == ShareRequest.Status.SHARED
    actions = AuditEntry.objects.filter(case=world.case).values_list("action", flat=True)
    assert {AuditEntry.Action.SHARED, AuditEntry.Action.FOLLOW_UP_ADDED} <= set(actions)
    page = practitioner.get(reverse("decision_detail", args=[world.decision.pk])).content.decode()
    assert "DC Morgan, Riverside PPU" in page and "Ask the police what they did with it" in page
    # Once only.
    assert "already been recorded" in practitioner.get(url, follow=True).content.decode()


def test_share_form_is_prefilled_and_validated(world, practitioner):
    approve(world, world.decision)
    url = reverse("record_shared", args=[world.decision.pk])
    response = practitioner.post(url, {"action": "Something"})
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    for message in (
        "Say what you shared",
        "Say who you shared it with",
        "Enter the date you shared it",
        "Select how you shared it",
        "Choose who will do the follow-up",
        "Enter the date the follow-up is due",
    ):
        assert message in body, message
    future = TODAY() + datetime.timedelta(days=2)
    body = practitioner.post(url, shared_form(**date_fields("shared_on", future))).content.decode()
    assert "must be today or in the past" in body
    assert not ShareRecord.objects.exists()


def test_not_sharing_is_recorded_with_whether_the_requester_was_told(world, practitioner):
    request = factories.make_request(world.case)
    decision = factories.make_decision(
        request,
        world.users["practitioner"],
        outcome="do_not_share",
        recommendation="do_not_share",
        requires_approval=False,
        answers={"outcome": {"refusal_reasons": "No risk of harm was identified."}},
    )
    url = reverse("record_not_shared", args=[decision.pk])
    assert "No risk of harm was identified." in practitioner.get(url).content.decode()
    assert "Select yes if you told" in practitioner.post(url, {}).content.decode()
    practitioner.post(
        url,
        {
            "not_shared_reasons": "No risk of harm was identified.",
            "requester_told": "yes",
            "requester_told_how": "Phoned DC Morgan on the day.",
        },
    )
    record = ShareRecord.objects.get(decision=decision)
    assert (record.shared, record.requester_told) == (False, True)
    request.refresh_from_db()
    assert request.status == ShareRequest.Status.NOT_SHARED
    assert AuditEntry.objects.filter(action=AuditEntry.Action.NOT_SHARED).count() == 1
    # A decision not to share cannot be recorded as shared.
    response = practitioner.get(reverse("record_shared", args=[decision.pk]), follow=True)
    assert "already been recorded" in response.content.decode()


def test_a_decision_not_to_share_cannot_be_recorded_as_shared(world):
    decision = factories.make_decision(
        factories.make_request(world.case),
        world.users["practitioner"],
        outcome="do_not_share",
        requires_approval=False,
    )
    with pytest.raises(lifecycle_services.NotNow, match="not to share"):
        lifecycle_services.share_record(
            decision=decision,
            user=world.users["practitioner"],
            shared=True,
            what_was_shared="x",
            shared_with="y",
            shared_on=TODAY(),
        )


def test_only_case_writers_record_sharing(world, client_for):
    approve(world, world.decision)
    for name in ("unassigned", "lead", "other_manager"):
        client = client_for(world.users[name])
        response = client.post(reverse("record_shared", args=[world.decision.pk]), shared_form())
        assert response.status_code == 404, name
    assert not ShareRecord.objects.exists()


# --- Follow-ups ---------------------------------------------------------------------------------


def add_follow_up(world, owner=None, due=None, **fields):
    return lifecycle_services.follow_up_add(
        user=world.users["practitioner"],
        decision=world.decision,
        action=fields.pop("action", "Check in with the school"),
        owner=owner or world.users["practitioner"],
        due_on=due or TODAY(),
    )


def test_follow_up_is_added_from_the_decision_page_and_marked_done(world, practitioner):
    url = reverse("follow_up_add", args=[world.decision.pk])
    assert "Choose who will do it" in practitioner.post(url, {}).content.decode()
    past = TODAY() - datetime.timedelta(days=1)
    body = practitioner.post(
        url, {"action": "X", "owner": world.users["practitioner"].pk, **date_fields("due_on", past)}
    ).content.decode()
    assert "must be today or in the future" in body
    practitioner.post(
        url,
        {
            "action": "Review with the school nurse",
            "owner": world.users["practitioner"].pk,
            **date_fields("due_on", TODAY()),
        },
    )
    follow_up = FollowUp.objects.get()
    done_url = reverse("follow_up_done", args=[follow_up.pk])
    assert "Mark as done" in practitioner.get(done_url).content.decode()
    practitioner.post(done_url)
    practitioner.post(done_url)  # twice: done once
    follow_up.refresh_from_db()
    assert follow_up.done_by == world.users["practitioner"] and follow_up.is_done
    done = AuditEntry.objects.filter(action=AuditEntry.Action.FOLLOW_UP_DONE)
    assert done.count() == 1
    assert follow_up.history.count() == 2  # added, then done


def test_follow_up_owner_must_be_able_to_see_the_case(world):
    with pytest.raises(Exception, match="can see the case"):
        add_follow_up(world, owner=world.users["unassigned"])
    with pytest.raises(Exception, match="can see the case"):
        add_follow_up(world, owner=world.users["other_manager"])
    assert add_follow_up(world, owner=world.users["lead"]).owner == world.users["lead"]


def test_owner_who_only_reads_the_case_can_mark_their_follow_up_done(world, client_for):
    follow_up = add_follow_up(world, owner=world.users["lead"])
    client_for(world.users["lead"]).post(reverse("follow_up_done", args=[follow_up.pk]))
    follow_up.refresh_from_db()
    assert follow_up.done_by == world.users["lead"]


def test_others_cannot_mark_a_follow_up_done(world, client_for):
    follow_up = add_follow_up(world)
    for name in ("unassigned", "other_manager", "lead"):
        response = client_for(world.users[name]).post(
            reverse("follow_up_done", args=[follow_up.pk])
        )
        assert response.status_code == 404, name
    follow_up.refresh_from_db()
    assert not follow_up.is_done


# --- Reminders ----------------------------------------------------------------------------------


def test_send_reminders_twice_sends_once(world, run_tasks):
    owner = world.users["practitioner"]
    owner.email = "pat@example.org"
    owner.save()
    factories.make_person(world.case, name="Amy Child", relationship="child")
    due_today = add_follow_up(world, action="Call Amy's school")
    FollowUp.objects.filter(pk=due_today.pk).update(due_on=TODAY() - datetime.timedelta(days=2))
    add_follow_up(world, due=TODAY() + datetime.timedelta(days=3))  # not due yet
    done = add_follow_up(world)
    lifecycle_services.follow_up_done(user=owner, follow_up=done)

    call_command("send_reminders")
    call_command("send_reminders")
    run_tasks()  # the reminders go out from the task queue

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pat@example.org"]
    assert "RIV-1" in message.subject
    assert f"/decisions/{world.decision.pk}/" in message.body
    assert "Amy" not in message.subject + message.body
    due_today.refresh_from_db()
    assert due_today.reminded_on == TODAY()
    # The next day it is still not done: one more reminder.
    tomorrow = TODAY() + datetime.timedelta(days=1)
    assert lifecycle_services.send_reminders(today=tomorrow) == 1
    assert lifecycle_services.send_reminders(today=tomorrow) == 0


def test_a_failed_email_is_tried_again_next_run(world, monkeypatch):
    world.users["practitioner"].email = "pat@example.org"
    world.users["practitioner"].save()
    follow_up = add_follow_up(world)

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("decisions.lifecycle.notify.follow_up_due", broken)
    with pytest.raises(OSError):
        lifecycle_services.send_reminders()
    follow_up.refresh_from_db()
    assert follow_up.reminded_on is None
    monkeypatch.undo()
    assert lifecycle_services.send_reminders() == 1


def test_manager_of_the_organisation_is_a_valid_owner(world):
    manager = factories.make_user(world.org, Role.MANAGER)
    assert add_follow_up(world, owner=manager).owner == manager

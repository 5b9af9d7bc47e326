"""Asking, taking, answering and telling, through the services."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from decisions.cases.selectors import cases_for
from decisions.exchange import selectors, services
from decisions.lifecycle.services import NotNow
from decisions.models import AuditEntry, DecisionDraft, ExchangeRequest, ImmutableRecordError
from tests import factories


def ask(world, north_case, **overrides):
    fields = {
        "user": world.users["other_practitioner"],
        "case": north_case,
        "to_organisation": world.org,
        "purpose": "Assess risk",
        "information_requested": "Attendance record",
        "urgency": "urgent",
        "due_on": factories.timezone.localdate(),
    }
    fields.update(overrides)
    return services.exchange_ask(**fields)


def test_asking_lands_in_the_recipients_queue_and_tells_its_duty_inbox(
    listed, north_case, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        exchange = ask(listed, north_case)
    run_tasks()
    assert list(selectors.incoming_for(listed.users["unassigned"])) == [exchange]
    assert selectors.incoming_for(listed.users["other_manager"]).count() == 0
    addresses = sorted(address for message in mail.outbox for address in message.to)
    assert "duty@riverside.example" in addresses
    body = mail.outbox[0].body + mail.outbox[0].subject
    assert exchange.reference in body and "NORTH-1" not in body
    assert listed.users["other_practitioner"].display_name not in body
    assert "Northgate" not in body


def test_each_side_logs_its_own_half_with_the_other_sides_reference(listed, north_case):
    exchange = ask(listed, north_case)
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.EXCHANGE_SENT)
    halves = {entry.organisation_id: entry for entry in entries}
    assert set(halves) == {listed.org.pk, listed.other_org.pk}
    assert halves[listed.other_org.pk].case_id == north_case.pk
    assert halves[listed.org.pk].case_id is None
    assert halves[listed.org.pk].snapshot["reference"] == exchange.reference
    assert halves[listed.org.pk].snapshot["other_organisation"] == "Northgate"


def test_nobody_asks_their_own_organisation_or_from_a_case_they_cannot_change(
    listed, north_case
):
    with pytest.raises(PermissionDenied):
        ask(listed, north_case, to_organisation=listed.other_org)
    with pytest.raises(PermissionDenied):
        ask(listed, north_case, user=listed.users["other_unassigned"])


def test_taking_opens_the_request_in_the_recipients_own_case_under_its_framework(incoming):
    draft = services.exchange_take(
        user=incoming.to_organisation.memberships.get(user__username="practitioner").user,
        exchange_id=incoming.pk,
        new_reference="RIV-NEW",
    )
    incoming.refresh_from_db()
    assert incoming.status == ExchangeRequest.Status.TAKEN
    assert incoming.to_request.case.organisation == incoming.to_organisation
    assert incoming.to_request.case.reference == "RIV-NEW"
    assert incoming.to_request.counterpart_agency == "Northgate"
    assert draft.framework == incoming.to_organisation.default_framework


def test_a_second_taker_is_refused_and_no_second_draft_is_made(world, incoming):
    services.exchange_take(user=world.users["practitioner"], exchange_id=incoming.pk,
                           case=world.case)
    with pytest.raises(services.AlreadyTaken):
        services.exchange_take(user=world.users["manager"], exchange_id=incoming.pk,
                               case=world.case)
    incoming.refresh_from_db()
    assert DecisionDraft.objects.filter(share_request=incoming.to_request).count() == 1


def test_the_sender_cannot_take_its_own_request(world, incoming):
    with pytest.raises(PermissionDenied):
        services.exchange_take(user=world.users["other_manager"], exchange_id=incoming.pk,
                               new_reference="X")


def test_sharing_delivers_the_share_record_and_items_to_the_askers_case(world, incoming):
    factories.take_and_record(incoming, world.users["practitioner"], shared=True)
    answer = services.exchange_answer(user=world.users["practitioner"], exchange_id=incoming.pk)
    delivery = answer.delivery
    assert delivery.to_case == incoming.from_case
    assert delivery.what_was_shared == "Attendance record, autumn term"
    assert delivery.items[0]["justification"] == "Absences"
    asker = world.users["other_practitioner"]
    assert list(selectors.received_for(asker)) == [delivery]
    # The grant is to that delivery only: nothing of the recipient's case.
    assert not selectors.sent_for(asker).filter(pk=incoming.pk, from_case=delivery.decision.case)
    assert delivery.decision.case not in list(cases_for(asker))


def test_refusing_needs_written_reasons_and_whether_they_may_ask_again(world, incoming):
    factories.take_and_record(incoming, world.users["practitioner"], shared=False)
    with pytest.raises(NotNow):
        services.exchange_answer(user=world.users["practitioner"], exchange_id=incoming.pk)
    answer = services.exchange_answer(
        user=world.users["practitioner"], exchange_id=incoming.pk,
        reasons="No consent; no risk of harm.", may_ask_again=True,
    )
    assert (answer.shared, answer.delivery, answer.may_ask_again) == (False, None, True)
    with pytest.raises(NotNow):
        services.exchange_answer(
            user=world.users["practitioner"], exchange_id=incoming.pk, reasons="Again",
            may_ask_again=False,
        )


def test_answers_and_deliveries_are_append_only(world, incoming):
    factories.take_and_record(incoming, world.users["practitioner"], shared=True)
    answer = services.exchange_answer(user=world.users["practitioner"], exchange_id=incoming.pk)
    with pytest.raises(ImmutableRecordError):
        answer.delivery.delete()
    with pytest.raises(ImmutableRecordError):
        type(answer).objects.filter(pk=answer.pk).update(reasons="changed")


def test_telling_delivers_into_the_recipients_inbox(world, listed):
    decision = factories.make_decision(
        factories.make_request(world.case, direction="outgoing"), world.users["practitioner"],
        requires_approval=False, outcome="share", answers={"items": []},
    )
    factories.share_record(
        decision=decision, user=world.users["practitioner"], shared=True,
        what_was_shared="Concern about bruising", shared_with="Northgate duty",
        shared_on=factories.timezone.localdate(), method="secure_portal",
    )
    delivery = services.exchange_tell(
        user=world.users["practitioner"], decision=decision, to_organisation=world.other_org
    )
    assert list(selectors.inbox_for(world.users["other_manager"])) == [delivery]
    assert list(selectors.inbox_for(world.users["other_practitioner"])) == []
    with pytest.raises(NotNow):
        services.exchange_tell(
            user=world.users["practitioner"], decision=decision, to_organisation=world.other_org
        )


def test_a_delivery_follows_the_recipient_cases_team(world, incoming):
    from decisions.cases.services import case_update
    from decisions.models import AuditEntry

    factories.take_and_record(incoming, world.users["practitioner"], shared=True)
    delivery = services.exchange_answer(
        user=world.users["practitioner"], exchange_id=incoming.pk
    ).delivery
    case = incoming.from_case
    newcomer = factories.make_user(world.other_org, "practitioner", username="north_newcomer")
    assert delivery not in selectors.received_for(newcomer)
    manager = world.users["other_manager"]
    team = list(case.assigned.all())
    case_update(
        user=manager,
        case=case,
        reference=case.reference,
        summary=case.summary,
        assigned=[*team, newcomer],
        is_closed=False,
    )
    assert delivery in selectors.received_for(newcomer)
    granted = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS_GRANTED).first()
    assert granted.actor == manager and granted.snapshot["users"] == ["north_newcomer"]
    case_update(
        user=manager,
        case=case,
        reference=case.reference,
        summary=case.summary,
        assigned=team,
        is_closed=False,
    )
    assert delivery not in selectors.received_for(newcomer)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS_REMOVED).exists()

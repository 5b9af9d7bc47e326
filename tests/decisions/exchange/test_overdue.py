"""Overdue exchanges show on both sides' dashboards (issue 14)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from decisions.exchange import selectors
from decisions.models import Delivery, Receipt
from tests import factories


def test_an_unanswered_request_past_its_due_date_is_overdue_on_both_sides(
    world, listed, north_case, client_for
):
    late = factories.make_exchange(
        north_case,
        world.org,
        world.users["other_practitioner"],
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert selectors.overdue_for(world.users["practitioner"])["incoming"] == [late]
    assert selectors.overdue_for(world.users["other_practitioner"])["sent"] == [late]
    page = client_for(world.users["practitioner"]).get(reverse("dashboard")).content.decode()
    assert "Requests to us past their due date" in page and late.reference in page
    sender = client_for(world.users["other_practitioner"]).get(reverse("dashboard"))
    assert late.reference in sender.content.decode()
    # The third party sees nothing of it.
    assert not any(selectors.overdue_for(world.users["other_admin"]).values())


def test_a_request_not_yet_due_is_not_overdue(world, listed, north_case):
    factories.make_exchange(north_case, world.org, world.users["other_practitioner"])
    assert not any(selectors.overdue_for(world.users["practitioner"]).values())


def test_an_unacknowledged_delivery_is_overdue_until_acknowledged(world, incoming):
    from decisions.exchange import services

    factories.take_and_record(incoming, world.users["practitioner"], shared=True)
    services.exchange_answer(user=world.users["practitioner"], exchange_id=incoming.pk)
    delivery = Delivery.objects.get()
    asker = world.users["other_practitioner"]
    later = timezone.now() + datetime.timedelta(days=selectors.ACKNOWLEDGE_WITHIN_DAYS + 1)
    with _today(later):
        assert selectors.overdue_for(asker)["received"] == [delivery]
        assert selectors.overdue_for(world.users["practitioner"])["delivered"] == [delivery]
        Receipt.objects.create(delivery=delivery, acknowledged_by=asker)
        assert not selectors.overdue_for(asker)["received"]


def _today(moment):
    from unittest import mock

    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_a_delivery_is_overdue_from_the_local_midnight_that_ends_its_grace(world, incoming):
    """Counted in local days from the day it arrived: the last moment of the grace's last day
    is not overdue, the first moment of the next day is."""
    from decisions.exchange import services

    factories.take_and_record(incoming, world.users["practitioner"], shared=True)
    services.exchange_answer(user=world.users["practitioner"], exchange_id=incoming.pk)
    delivery = Delivery.objects.get()
    asker = world.users["other_practitioner"]
    arrived = timezone.localdate(delivery.delivered_at)
    last_day = arrived + datetime.timedelta(days=selectors.ACKNOWLEDGE_WITHIN_DAYS)
    last_moment = timezone.make_aware(datetime.datetime.combine(last_day, datetime.time.max))
    with _today(last_moment):
        assert not selectors.overdue_for(asker)["received"]
    with _today(last_moment + datetime.timedelta(microseconds=1)):
        assert selectors.overdue_for(asker)["received"] == [delivery]

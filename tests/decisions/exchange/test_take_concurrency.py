"""Two of the recipient's practitioners take the same request at the same moment: one taker,
one draft (PostgreSQL: the request row is locked with SELECT ... FOR UPDATE)."""

import threading

import pytest
from django.db import connection, connections

from decisions.exchange import services
from decisions.models import DecisionDraft, ExchangeRequest, ShareRequest
from tests import factories


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_takers_at_once_get_one_taker_and_one_draft(on_postgres, world):
    factories.make_listed(world.org)
    north = world.other_org.cases.get(reference="NORTH-1")
    exchange = factories.make_exchange(north, world.org, world.users["other_practitioner"])
    second = factories.make_user(world.org, "practitioner", username="second_practitioner")
    takers = [world.users["practitioner"], second]
    start = threading.Barrier(len(takers))
    outcomes: list[str] = []

    def take(n: int) -> None:
        try:
            start.wait()
            services.exchange_take(
                user=takers[n], exchange_id=exchange.pk, new_reference=f"RIV-TAKE-{n}"
            )
            outcomes.append("taken")
        except services.AlreadyTaken:
            outcomes.append("already taken")
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(n,)) for n in range(len(takers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already taken", "taken"]
    exchange = ExchangeRequest.objects.get(pk=exchange.pk)
    assert exchange.taken_by in takers
    incoming = ShareRequest.objects.filter(case__organisation=world.org, exchange__isnull=False)
    assert incoming.count() == 1
    assert DecisionDraft.objects.filter(share_request__in=incoming).count() == 1
    assert connection.vendor == "postgresql"

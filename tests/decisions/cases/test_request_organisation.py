"""A share request keeps its case's organisation (for the approval queue's index), whichever
way it is written: opened through the service, generated at volume, written by the demo, or
stored before the column existed (migration 0015 fills it from the cases)."""

import pytest
from django.core.management import call_command
from django.db.models import F

from decisions.cases import services
from decisions.models import ShareRequest
from decisions.seeding import volume
from tests import factories
from tests.data_migrations import run_data_migration


def mismatched() -> list[str]:
    """References of the cases whose requests hold another organisation than the case's."""
    wrong = ShareRequest.objects.exclude(organisation_id=F("case__organisation_id"))
    return list(wrong.values_list("case__reference", flat=True))


def test_a_request_opened_on_a_case_holds_the_cases_organisation(world):
    other_case = factories.make_case(world.other_org, reference="NORTH-2")
    opened = services.share_request_open(
        user=world.users["other_practitioner"], case=other_case, **factories.request_fields()
    )
    assert ShareRequest.objects.get(pk=opened.pk).organisation == world.other_org
    assert world.share_request.organisation == world.org  # the factory's, through save()
    assert mismatched() == []


def test_generated_requests_hold_their_cases_organisation(db):
    volume.seed(16)  # four organisations
    assert ShareRequest.objects.values("organisation").distinct().count() == 4
    assert mismatched() == []


def test_the_demos_requests_hold_their_cases_organisation(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--without-history")
    assert ShareRequest.objects.values("organisation").distinct().count() == 2
    assert mismatched() == []


@pytest.mark.django_db
def test_the_migration_fills_each_request_from_its_case(world):
    ShareRequest.objects.filter(pk=world.share_request.pk).update(organisation=world.other_org)
    assert mismatched() == [world.case.reference]

    run_data_migration("decisions", "0015_request_organisation", "fill_organisation")

    assert mismatched() == []
    assert ShareRequest.objects.get(pk=world.share_request.pk).organisation == world.org

"""When a case falls due for erasure: one rule each (decisions/retention/schedules.py)."""

import datetime

import pytest

from decisions.models import RecordKind, RetentionBasis
from decisions.retention.schedules import DEFAULTS, Rule, add_years, due_on
from tests import factories

CLOSED = datetime.datetime(2020, 6, 1, 12, tzinfo=datetime.UTC)


def closed_case(world, born=None, kind=RecordKind.CHILD_PROTECTION):
    case = factories.make_case(world.org, is_closed=True, closed_at=CLOSED, record_kind=kind)
    if born:
        factories.make_person(case, relationship="child", date_of_birth=born)
    return case


@pytest.mark.django_db
def test_an_open_case_is_never_due(world):
    assert due_on(world.case, DEFAULTS[RecordKind.CHILD_IN_NEED]) is None


@pytest.mark.django_db
def test_until_the_child_is_25_counts_from_the_date_of_birth(world):
    case = closed_case(world, born=datetime.date(2010, 3, 4))
    assert due_on(case, Rule(RetentionBasis.BIRTH, 25)) == datetime.date(2035, 3, 4)


@pytest.mark.django_db
def test_counted_from_birth_it_is_never_before_closure(world):
    case = closed_case(world, born=datetime.date(1990, 1, 1))
    assert due_on(case, Rule(RetentionBasis.BIRTH, 25)) == datetime.date(2020, 6, 1)


@pytest.mark.django_db
def test_without_a_date_of_birth_it_falls_back_to_seven_years_after_closure(world):
    case = closed_case(world)
    assert due_on(case, Rule(RetentionBasis.BIRTH, 25)) == datetime.date(2027, 6, 1)


@pytest.mark.django_db
def test_years_after_closure(world):
    case = closed_case(world, born=datetime.date(2010, 3, 4))
    assert due_on(case, Rule(RetentionBasis.CLOSURE, 2)) == datetime.date(2022, 6, 1)


def test_29_february_becomes_28_february():
    assert add_years(datetime.date(2012, 2, 29), 25) == datetime.date(2037, 2, 28)


@pytest.mark.django_db
def test_closing_a_case_sets_its_closure_date_and_reopening_clears_it(world):
    from decisions.cases.services import case_update

    manager = world.users["manager"]
    case = case_update(
        user=manager, case=world.case, reference="RIV-1", summary="", assigned=[],
        is_closed=True,
    )  # fmt: skip
    assert case.closed_at is not None
    case = case_update(
        user=manager, case=case, reference="RIV-1", summary="", assigned=[], is_closed=False
    )
    assert case.closed_at is None

"""Ended months are counted once and kept; a report joined from them is the report counted at
once, and any write that reaches an ended month has it counted again."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from decisions.models import Complaint, ExchangeRequest, FollowUp, ReportMonth, ShareRecord
from decisions.reports import months, selectors, store
from decisions.reports.period import Period, add_months, month_start
from isg.accounts.models import Role
from tests import factories


def counted_at_once(org, period):
    """Every figure counted over the whole period, nothing kept."""
    return [build(org, period) for build in months.FIGURES.values()]


def tables(figures):
    return [(f.slug, f.rows, [s.label for s in f.series], f.table) for f in figures]


def afresh(org, period):
    cache.clear()
    return selectors.report(org, period)


def kept_months(org):
    return set(ReportMonth.objects.filter(organisation=org).values_list("month", flat=True))


def test_the_report_from_kept_months_is_the_report_counted_at_once(year):
    org, _, period, _ = year
    expected = tables(counted_at_once(org, period))
    assert tables(afresh(org, period).figures) == expected  # nothing kept: counted, and kept
    this_month = month_start(timezone.localdate())
    assert kept_months(org) == {m for m in period.months if m < this_month}
    assert tables(afresh(org, period).figures) == expected  # from the kept months
    # Any period joins the same months: a shorter one, and one of past months only.
    for shorter in (
        Period(add_months(period.last, -4), period.last),
        Period(period.first, add_months(period.first, 2)),
    ):
        assert tables(afresh(org, shorter).figures) == tables(counted_at_once(org, shorter))


def test_figures_by_name_are_joined_over_the_months(year):
    org, _, period, _ = year
    afresh(org, period)
    report = afresh(org, period)
    agencies = report.figure("agencies")
    assert agencies.rows[-1] == "Every other agency"
    assert len(agencies.rows) == 11
    assert report.figure("exchanges").rows == ["Northgate"]
    frameworks = [s.label for s in report.figure("frameworks").series]
    assert frameworks == sorted(frameworks) and len(frameworks) == 3


def test_what_is_kept_is_what_is_shown(year):
    org, _, period, _ = year
    afresh(org, period)
    kept = ReportMonth.objects.get(organisation=org, month=period.first)
    kept.figures[0]["series"][0]["values"] = [999.0]  # what is kept is what is shown
    kept.save()
    report = afresh(org, period)
    assert report.figure("requests").series[0].values[0] == 999.0


@pytest.fixture
def kept(year):
    """The year's report counted and its ended months kept; a lead and a practitioner of it."""
    org, other, period, written = year
    afresh(org, period)
    return org, other, period, written


def old_month(period):
    """A month well inside the period, long ended."""
    return add_months(period.first, 3)


def day_in(month, day=10):
    return month.replace(day=day)


def still_right(org, period):
    assert tables(afresh(org, period).figures) == tables(counted_at_once(org, period))


def test_a_request_received_in_an_ended_month_has_it_counted_again(kept):
    org, _, period, _ = kept
    month = old_month(period)
    case = factories.make_case(org)
    factories.make_request(case, received_on=day_in(month), due_on=day_in(month, 20))
    assert month not in kept_months(org)
    assert len(kept_months(org)) == len(period.months) - 2  # that month only
    still_right(org, period)


def test_a_request_whose_dates_move_has_both_months_counted_again(kept):
    org, _, period, written = kept
    share_request = next(r for r in written.requests if r.due_on and r.due_on.day < 20)
    before = {month_start(share_request.received_on), month_start(share_request.due_on)}
    after = add_months(month_start(share_request.due_on), 1) + datetime.timedelta(days=3)
    share_request.due_on = after
    share_request.save()
    gone = (before | {month_start(after)}) & {m for m in period.months}
    assert not gone & kept_months(org)
    still_right(org, period)


def test_a_request_received_earlier_has_its_decisions_months_counted_again(kept):
    org, _, period, written = kept
    decision = next(
        d for d in written.decisions
        if d.supersedes_id is None and period.months[2] <= month_start(d.decided_at.date())
        and month_start(d.decided_at.date()) != month_start(d.share_request.received_on)
    )
    share_request = decision.share_request
    share_request.received_on -= datetime.timedelta(days=2)
    share_request.save(update_fields=["received_on"])
    decided = month_start(timezone.localtime(decision.decided_at).date())
    assert decided not in kept_months(org)
    still_right(org, period)


def test_a_status_saved_alone_looks_up_nothing_before(kept):
    org, _, _, written = kept
    share_request = written.requests[0]
    share_request.status = "closed"
    with CaptureQueriesContext(connection) as captured:
        share_request.save(update_fields=["status"])
    assert not [q for q in captured if q["sql"].startswith("SELECT")]
    assert month_start(share_request.due_on) not in kept_months(org)


def test_follow_ups_done_shared_complaints_and_exchanges_reach_back(kept):
    org, other, period, written = kept
    follow_up = next(
        f for f in written.follow_ups
        if f.done_at is None and f.due_on < month_start(timezone.localdate())
    )
    follow_up.done_at = timezone.now()
    follow_up.save()
    assert month_start(follow_up.due_on) not in kept_months(org)
    still_right(org, period)

    month = old_month(period)
    decision = next(d for d in written.decisions if not hasattr(d, "share_record"))
    ShareRecord.objects.create(
        decision=decision, shared=True, what_was_shared="Dates", shared_with="Them",
        shared_on=day_in(month), recorded_by=decision.decided_by,
    )
    assert month not in kept_months(org)
    still_right(org, period)

    month = add_months(month, 1)
    Complaint.objects.create(
        decision=decision, organisation=org, made_by="A parent", received_on=day_in(month),
        details="Not told", recorded_by=factories.make_user(org, Role.LEAD),
    )
    assert month not in kept_months(org)
    still_right(org, period)

    exchange = next(
        e for e in written.exchanges
        if e.to_organisation_id == org.pk and e.status != ExchangeRequest.Status.ANSWERED
        and month_start(timezone.localtime(e.asked_at).date()) < month_start(timezone.localdate())
    )
    exchange.status = ExchangeRequest.Status.ANSWERED
    exchange.save()
    assert month_start(timezone.localtime(exchange.asked_at).date()) not in kept_months(org)
    still_right(org, period)


def test_a_deleted_follow_up_has_its_month_counted_again(kept):
    org, _, period, written = kept
    follow_up = next(f for f in written.follow_ups if f.due_on < month_start(timezone.localdate()))
    FollowUp.objects.filter(pk=follow_up.pk).get().delete()
    assert month_start(follow_up.due_on) not in kept_months(org)
    still_right(org, period)


def test_the_months_are_forgotten_again_when_the_write_commits(
    kept, django_capture_on_commit_callbacks
):
    """A report counted between the write and its commit could not see it, and may have kept
    the month again: the delete on commit removes it."""
    org, _, period, _ = kept
    month = old_month(period)
    stale = ReportMonth.objects.get(organisation=org, month=month)
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_request(factories.make_case(org), received_on=day_in(month))
        stale.pk = None
        stale.save()  # kept by a report counted meanwhile
    assert month not in kept_months(org)
    still_right(org, period)


def test_months_counted_while_something_changed_are_not_kept(year, monkeypatch):
    org, _, period, _ = year
    monkeypatch.setattr(store, "data_version", lambda organisation: (-1, -1))  # it moved
    assert tables(afresh(org, period).figures) == tables(counted_at_once(org, period))
    assert kept_months(org) == set()


def test_months_kept_on_another_basis_are_counted_again(kept, monkeypatch):
    org, _, period, _ = kept
    ReportMonth.objects.filter(organisation=org).update(figures=[])  # unreadable if used
    monkeypatch.setattr(store, "COUNTING", store.COUNTING + 1)
    still_right(org, period)
    assert set(ReportMonth.objects.values_list("basis", flat=True)) == {store.basis()}


def test_renaming_an_organisation_forgets_every_kept_month(kept):
    org, other, period, _ = kept
    afresh(other, period)
    org.name = "Riverside"
    org.save()  # not renamed: kept
    assert kept_months(org) and kept_months(other)
    other.name = "Northgate Family Support"
    other.save()
    assert not ReportMonth.objects.exists()
    assert afresh(org, period).figure("exchanges").rows == ["Northgate Family Support"]

"""Every report figure against the same count worked out here, in Python, from the rows the
`year` fixture wrote (tests/decisions/reports/year.py): random decisions, verdicts, share
records, follow-ups, complaints and exchanges over fourteen months (some outside the period,
some at another organisation), times near midnight at the ends of months so that the
service's time zone decides the month."""

import datetime
import math
import random
from collections import Counter, defaultdict

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from decisions.audit import record as audit_record
from decisions.cases import services as case_services
from decisions.models import (
    SHARING_OUTCOMES,
    Decision,
    ExchangeRequest,
    ReportMonth,
    ShareRequest,
)
from decisions.reports import counts, selectors, timings
from decisions.reports.counts import TOP_AGENCIES
from decisions.reports.period import Period, add_months, month_start
from guidance import catalogue
from isg.accounts.models import Role
from tests import factories
from tests.decisions.reports.year import write_year


def local_month(value):
    day = timezone.localtime(value).date() if isinstance(value, datetime.datetime) else value
    return month_start(day)


def utc(moment):
    return moment.astimezone(datetime.UTC)


def nearest_rank(values, fraction):
    ordered = sorted(values)
    return ordered[math.ceil(fraction * len(ordered)) - 1]


def in_period(period, value):
    return period.first <= local_month(value) <= period.last


def per_month(period, counter):
    return [float(counter.get(month, 0)) for month in period.months]


def series(figure, label):
    return next(s.values for s in figure.series if s.label == label)


def test_requests_by_month_and_direction(year):
    org, _, period, written = year
    figure = counts.requests_received(org, period)
    for direction, label in (
        (ShareRequest.INCOMING, "Incoming (asked of us)"),
        (ShareRequest.OUTGOING, "Outgoing (we proposed)"),
    ):
        expected = Counter(
            local_month(r.received_on)
            for r in written.requests
            if r.direction == direction and in_period(period, r.received_on)
        )
        assert series(figure, label) == per_month(period, expected)
    assert figure.rows == [f"{m:%b %Y}" for m in period.months]


def test_decisions_by_outcome_count_every_record_in_the_month_it_was_made(year):
    org, _, period, written = year
    figure = counts.decisions_by_outcome(org, period)
    for code, label in Decision.Outcome.choices:
        expected = Counter(
            local_month(d.decided_at)
            for d in written.decisions
            if d.outcome == code and in_period(period, d.decided_at)
        )
        assert series(figure, str(label)) == per_month(period, expected), code
    total = sum(sum(s.values) for s in figure.series)
    assert total == sum(in_period(period, d.decided_at) for d in written.decisions) > 0


def test_decisions_by_framework(year):
    org, _, period, written = year
    figure = counts.decisions_by_framework(org, period)
    counted = {}
    for s in figure.series:
        counted[s.label] = s.values
    by_framework = defaultdict(Counter)
    for d in written.decisions:
        if in_period(period, d.decided_at):
            by_framework[d.framework][local_month(d.decided_at)] += 1
    assert len(counted) == len(by_framework) == 3
    for slug, months in by_framework.items():
        label = catalogue.definition(slug)["short_title"]
        assert counted[label] == per_month(period, months), slug


def test_sharing_without_consent_decided_and_shared(year):
    org, _, period, written = year
    figure = counts.sharing_without_consent(org, period)
    decided = Counter(
        local_month(d.decided_at)
        for d in written.decisions
        if d.outcome == "share_without_consent" and in_period(period, d.decided_at)
    )
    shared = Counter(
        local_month(r.shared_on)
        for r in written.records
        if r.shared
        and r.decision.outcome == "share_without_consent"
        and in_period(period, r.shared_on)
    )
    assert series(figure, "Decided") == per_month(period, decided)
    assert series(figure, "Shared") == per_month(period, shared)
    assert sum(shared.values()) > 0


def test_verdicts_by_month(year):
    org, _, period, written = year
    figure = counts.approvals(org, period)
    for verdict, label in (
        ("approved", "Approved"),
        ("rejected", "Rejected"),
        ("more_info", "Questions asked"),
    ):
        expected = Counter(
            local_month(a.created_at)
            for a in written.approvals
            if a.verdict == verdict and in_period(period, a.created_at)
        )
        assert series(figure, label) == per_month(period, expected), verdict


def test_approval_turnaround_median_and_90th_percentile_in_hours(year):
    org, _, period, written = year
    figure = timings.approval_turnaround(org, period)
    hours = defaultdict(list)
    for a in written.approvals:
        if a.verdict in ("approved", "rejected") and in_period(period, a.created_at):
            # In UTC: Python subtracts two times in one zone by their wall clocks.
            took = (utc(a.created_at) - utc(a.decision.decided_at)).total_seconds() / 3600
            hours[local_month(a.created_at)].append(took)
    for fraction, label in ((0.5, "Median"), (0.9, "90th percentile")):
        expected = [nearest_rank(hours[m], fraction) if hours[m] else None for m in period.months]
        got = series(figure, label)
        assert [v is None for v in got] == [v is None for v in expected], label
        # To one decimal (the database's float arithmetic may round a half the other way).
        for value, wanted in zip(got, expected, strict=True):
            assert value is None or value == pytest.approx(wanted, abs=0.051), label
    assert any(series(figure, "Median"))


def test_time_from_request_to_first_decision_in_days(year):
    org, _, period, written = year
    figure = timings.time_to_decision(org, period)
    days = defaultdict(list)
    for d in written.decisions:
        if d.supersedes_id is None and in_period(period, d.decided_at):
            waited = (timezone.localtime(d.decided_at).date() - d.share_request.received_on).days
            days[local_month(d.decided_at)].append(waited)
    for fraction, label in ((0.5, "Median"), (0.9, "90th percentile")):
        expected = [
            float(nearest_rank(days[m], fraction)) if days[m] else None for m in period.months
        ]
        assert series(figure, label) == expected, label


def test_requests_decided_late_or_not_at_all(year):
    org, _, period, written = year
    today = timezone.localdate()
    figure = timings.late_requests(org, period)
    due, late = Counter(), Counter()
    first = {
        d.share_request_id: timezone.localtime(d.decided_at).date()
        for d in written.decisions
        if d.supersedes_id is None
    }
    for r in written.requests:
        r.refresh_from_db()
        if not in_period(period, r.due_on):
            continue
        due[local_month(r.due_on)] += 1
        decided = first.get(r.pk)
        undecided = r.status in (ShareRequest.Status.OPEN, ShareRequest.Status.IN_PROGRESS)
        if (decided and decided > r.due_on) or (decided is None and undecided and r.due_on < today):
            late[local_month(r.due_on)] += 1
    assert series(figure, "Due") == per_month(period, due)
    assert series(figure, "Late") == per_month(period, late)
    assert sum(late.values()) > 0


def test_follow_ups_done_late_or_not_yet(year):
    org, _, period, written = year
    today = timezone.localdate()
    figure = timings.late_follow_ups(org, period)
    due, late = Counter(), Counter()
    for f in written.follow_ups:
        if not in_period(period, f.due_on):
            continue
        due[local_month(f.due_on)] += 1
        done = timezone.localtime(f.done_at).date() if f.done_at else None
        if (done and done > f.due_on) or (done is None and f.due_on < today):
            late[local_month(f.due_on)] += 1
    assert series(figure, "Due") == per_month(period, due)
    assert series(figure, "Late") == per_month(period, late)


def test_reconsiderations_of_refusals_and_changed_outcomes(year):
    org, _, period, written = year
    figure = counts.reconsiderations(org, period)
    total, of_refusals, changed = Counter(), Counter(), Counter()
    for d in written.decisions:
        if d.supersedes_id is None or not in_period(period, d.decided_at):
            continue
        month = local_month(d.decided_at)
        total[month] += 1
        of_refusals[month] += d.supersedes.outcome == "do_not_share"
        changed[month] += d.outcome != d.supersedes.outcome
    assert series(figure, "Reconsidered") == per_month(period, total)
    assert series(figure, "Of a decision not to share") == per_month(period, of_refusals)
    assert series(figure, "Outcome changed") == per_month(period, changed)
    assert sum(total.values()) > 0


def test_requests_by_agency_the_top_ten_then_the_rest(year):
    org, _, period, written = year
    figure = counts.requests_by_agency(org, period)
    kept = [r for r in written.requests if in_period(period, r.received_on)]
    by_agency = Counter(r.counterpart_agency for r in kept)
    top = sorted(by_agency, key=lambda name: (-by_agency[name], name))[:TOP_AGENCIES]
    assert figure.rows[: len(top)] == top
    incoming = Counter(r.counterpart_agency for r in kept if r.direction == "incoming")
    assert series(figure, "Incoming")[: len(top)] == [float(incoming[a]) for a in top]
    rest = [a for a in by_agency if a not in top]
    assert rest and figure.rows[-1] == "Every other agency"
    assert series(figure, "Incoming")[-1] == sum(incoming[a] for a in rest)
    assert sum(series(figure, "Incoming")) + sum(series(figure, "Outgoing")) == len(kept)


def test_exchanges_by_the_other_organisation(year):
    org, other, period, written = year
    figure = counts.exchanges(org, period)
    kept = [e for e in written.exchanges if in_period(period, e.asked_at)]
    asked_of_us = [e for e in kept if e.to_organisation_id == org.pk]
    assert figure.rows == ["Northgate"]
    assert series(figure, "Asked of us") == [len(asked_of_us)]
    assert series(figure, "Answered by us") == [
        sum(e.status == ExchangeRequest.Status.ANSWERED for e in asked_of_us)
    ]
    assert series(figure, "Asked by us") == [sum(e.from_organisation_id == org.pk for e in kept)]
    assert len(kept) > len(asked_of_us) > 0


def test_complaints_by_what_was_decided(year):
    org, _, period, written = year
    figure = counts.complaints(org, period)
    shared, refused = Counter(), Counter()
    for c in written.complaints:
        if in_period(period, c.received_on):
            target = shared if c.decision.outcome in SHARING_OUTCOMES else refused
            target[local_month(c.received_on)] += 1
    assert series(figure, "About a decision to share") == per_month(period, shared)
    assert series(figure, "About a decision not to share") == per_month(period, refused)


def test_overdue_today_as_the_dashboard_counts_it(year):
    org, _, _, written = year
    today = timezone.localdate()
    requests, follow_ups = timings.overdue_now(org, today)
    assert requests == sum(
        r.due_on < today and r.status in ShareRequest.OPEN_STATUSES
        for r in ShareRequest.objects.filter(case__organisation=org)
    )
    assert follow_ups == sum(f.due_on < today and f.done_at is None for f in written.follow_ups)


def test_a_shorter_period_counts_only_its_months(year):
    org, _, period, written = year
    short = Period(add_months(period.last, -2), add_months(period.last, -1))
    figure = counts.decisions_by_outcome(org, short)
    assert len(figure.rows) == 2
    assert sum(sum(s.values) for s in figure.series) == sum(
        short.first <= local_month(d.decided_at) <= short.last for d in written.decisions
    )


def test_the_report_costs_the_same_queries_whatever_the_data(db):
    org = factories.make_organisation("Riverside")
    other = factories.make_organisation("Northgate")
    period = Period.default()

    def queries(*, kept):
        """The report's own queries (not the framework catalogue's, a cache of its own), counted
        afresh: with the ended months kept from the last count, or with nothing kept."""
        cache.clear()
        if not kept:
            ReportMonth.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            selectors.report(org, period)
        return sum("guidance_frameworkversion" not in q["sql"] for q in captured)

    empty = queries(kept=False), queries(kept=True)
    write_year(org, other, random.Random(1), period)
    small = queries(kept=False), queries(kept=True)
    write_year(org, other, random.Random(2), period)
    write_year(org, other, random.Random(3), period)
    assert (queries(kept=False), queries(kept=True)) == small == empty
    # Counting: one query a figure; a second for sharing without consent (decided, shared),
    # late requests (due, decided late) and the exchanges (asked of us, by us). Around it:
    # two for the data version the cache is keyed on (store.data_version), two for today's
    # overdue counts, one to read the kept months.
    counting = len(selectors.FIGURES) + 3
    around = 2 + 2 + 1
    # From nothing, every month is counted, and the ended ones kept: one write, and the data
    # version read again to check that nothing changed meanwhile.
    assert small[0] == counting + around + 1 + 2
    # With the ended months kept, only this month is counted: the same queries, fewer rows.
    assert small[1] == counting + around


def test_a_report_is_counted_again_when_what_it_counts_changes_and_only_then(db):
    org = factories.make_organisation("Riverside")
    other = factories.make_organisation("Northgate")
    period = Period.default()
    practitioner = factories.make_user(org, Role.PRACTITIONER)
    case = factories.make_case(org, assigned=[practitioner])
    first = selectors.report(org, period)
    with CaptureQueriesContext(connection) as captured:
        again = selectors.report(org, period)
        chart = selectors.figure(org, period, "requests")
    assert len(captured) == 4  # the data version, twice: nothing counted again
    assert [f.table for f in again.figures] == [f.table for f in first.figures]
    assert chart.table == first.figure("requests").table

    # Looking at a record is audited, but changes no figure: nothing is counted again.
    audit_record.record_view(practitioner, case, case)
    with CaptureQueriesContext(connection) as captured:
        selectors.report(org, period)
    assert len(captured) == 2

    # A request received: audited in the organisation's own log, so counted at once.
    case_services.share_request_open(
        user=practitioner, case=case, direction=ShareRequest.INCOMING, counterpart_agency="GP",
        counterpart_contact="Dr Lee", counterpart_role="GP", purpose="Assess risk",
        information_requested="Attendance",
    )
    received = selectors.report(org, period).figure("requests")
    assert sum(series(received, "Incoming (asked of us)")) == 1
    assert sum(series(selectors.figure(org, period, "requests"), "Incoming (asked of us)")) == 1

    # A request another organisation sends is audited in the sender's log only.
    sender = factories.make_user(other, Role.PRACTITIONER)
    factories.make_exchange(factories.make_case(other, assigned=[sender]), org, sender)
    exchanges = selectors.report(org, period).figure("exchanges")
    assert series(exchanges, "Asked of us") == [1]

"""seed_demo's year of activity: written through the services at past times, in time order in
the audit log, which still verifies; enough of everything for every report to show a trend."""

import datetime

from django.core.management import call_command
from django.utils import timezone

from decisions.audit import verify
from decisions.models import (
    Approval,
    AuditEntry,
    Complaint,
    Decision,
    ExchangeAnswer,
    FollowUp,
    ShareRecord,
)
from decisions.reports import counts
from decisions.reports.period import Period
from decisions.seeding.clock import clock_at
from isg.accounts.models import Organisation


def test_clock_at_sets_back_now_localdate_and_model_defaults(world):
    past = timezone.now() - datetime.timedelta(days=200)
    with clock_at(past):
        assert timezone.now() == past
        assert timezone.localdate() == timezone.localtime(past).date()
        assert isinstance(timezone.now(), datetime.datetime)
        follow_up = FollowUp.objects.create(
            case=world.case, decision=world.decision, action="Check", owner=world.users["lead"],
            due_on=timezone.localdate(), created_by=world.users["practitioner"],
        )
    assert follow_up.created_at == past
    assert abs(timezone.now() - past) > datetime.timedelta(days=199)  # the real clock again


def test_seed_demo_writes_a_year_through_the_services_in_time_order(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    assert "a year of activity" in capsys.readouterr().out

    decided = list(Decision.objects.values_list("decided_at", flat=True))
    assert 150 <= len(decided) <= 400
    now = timezone.now()
    months = {(timezone.localtime(d).year, timezone.localtime(d).month) for d in decided}
    assert len(months) >= 12
    assert min(decided) < now - datetime.timedelta(days=330)

    # Everything the reports count happened, at both organisations.
    assert Approval.objects.filter(verdict="rejected").exists()
    assert Approval.objects.filter(verdict="more_info", response__isnull=False).exists()
    assert Decision.objects.filter(supersedes__outcome="do_not_share").exists()
    assert ShareRecord.objects.filter(shared=True, decision__outcome="share_without_consent")
    assert ShareRecord.objects.filter(shared=False).exists()
    assert FollowUp.objects.filter(done_at__isnull=False).exists()
    assert Complaint.objects.exists()
    assert ExchangeAnswer.objects.filter(shared=True, delivery__receipt__isnull=False).exists()
    for name in ("Riverside Children's Services", "Northgate Family Support"):
        assert Decision.objects.filter(organisation__name=name).count() > 50, name

    # A year of events that never happened emails nobody, even once a worker runs: the few
    # queued messages are today's exchange between the demo organisations.
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path="isg.jobs.emails.send_email")
    assert queued.count() <= 10

    # The audit log's times never go backwards, and it verifies.
    times = list(AuditEntry.objects.order_by("sequence").values_list("created_at", flat=True))
    assert times == sorted(times)
    assert times[0] < now - datetime.timedelta(days=330)
    assert verify.verify_chain().intact

    # Every month of the default report has decisions, and the year shows a trend.
    riverside = Organisation.objects.get(name="Riverside Children's Services")
    figure = counts.decisions_by_outcome(riverside, Period.default())
    per_month = [sum(s.values[i] or 0 for s in figure.series) for i in range(len(figure.rows))]
    assert all(per_month[:-1]), per_month  # the current month may have just begun
    assert sum(per_month[6:]) > sum(per_month[:6])  # more in the second half of the year

    # Running it again creates nothing more.
    count = AuditEntry.objects.count()
    call_command("seed_demo")
    assert "nothing new was created" in capsys.readouterr().out
    assert AuditEntry.objects.count() == count

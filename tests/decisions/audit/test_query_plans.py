"""The audit review's queries use an index on PostgreSQL, whatever the filter (no Seq Scan).

A few thousand generated entries (decisions/volume.py), ANALYZEd so the planner sees
realistic statistics, then EXPLAIN of exactly the query the list page runs for each filter.
"""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from decisions.audit import selectors as audit_selectors
from decisions.audit.review import PAGE_SIZE, AuditFilterForm
from decisions.models import AuditEntry, Case
from decisions.seeding import volume
from isg.accounts.models import Organisation, User

pytestmark = pytest.mark.postgres


@pytest.fixture
def seeded(db, on_postgres):
    volume.seed(400)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    lead = User.objects.get(username=volume.username(0, "lead", 1))
    return lead


def _page_query(lead, data: dict, before: int | None = None):
    """The list page's query (decisions/audit_views.py: audit_list), for these filters."""
    organisations = list(
        Organisation.objects.filter(pk__in=audit_selectors.audit_organisations_for(lead))
    )
    form = AuditFilterForm(data, organisations=organisations)
    assert form.is_valid(), form.errors
    rows = form.apply(audit_selectors.audit_entries_for(lead)).select_related(
        "actor", "organisation", "case"
    )
    if before:
        rows = rows.filter(sequence__lt=before)
    return rows.order_by("-sequence")[: PAGE_SIZE + 1]


def _filters(lead) -> dict[str, tuple[dict, int | None]]:
    organisation = volume.generated_organisations().get(name=volume.org_name("Riverside"))
    case = Case.objects.filter(organisation=organisation).order_by("created_at")[10]
    practitioner = case.assigned.first()
    lowest = AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)[0]
    today = timezone.localdate()
    month_ago = today - datetime.timedelta(days=30)
    date_range = {
        "date_from_0": month_ago.day,
        "date_from_1": month_ago.month,
        "date_from_2": month_ago.year,
        "date_to_0": today.day,
        "date_to_1": today.month,
        "date_to_2": today.year,
    }
    return {
        "no filter": ({}, None),
        "case": ({"case": case.reference}, None),
        "actor": ({"user": practitioner.username}, None),
        "action": ({"action": AuditEntry.Action.DECISION_SUBMITTED}, None),
        "outcome": ({"outcome": "share_without_consent"}, None),
        "date range": (date_range, None),
        "deep keyset page": ({}, lowest + 200),
        "case and action": (
            {"case": case.reference, "action": AuditEntry.Action.REQUEST_OPENED},
            None,
        ),
    }


def test_every_audit_filter_uses_an_index(seeded):
    lead = seeded
    plans = {}
    for name, (data, before) in _filters(lead).items():
        query = _page_query(lead, data, before)
        plans[name] = query.explain()
        assert list(query) is not None  # the query runs, too
    scans = {
        name: plan for name, plan in plans.items() if "Seq Scan on decisions_auditentry" in plan
    }
    assert not scans, "\n\n".join(f"{name}:\n{plan}" for name, plan in scans.items())
    assert all("decisions_auditentry" in plan for plan in plans.values())

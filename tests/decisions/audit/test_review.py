"""The safeguarding lead's review screen: filters, keyset pages, an entry, the CSV export."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from decisions.audit import record as audit_log
from decisions.audit import review, verify
from decisions.models import AuditEntry, Case
from tests import factories

pytestmark = pytest.mark.django_db
Action = AuditEntry.Action


@pytest.fixture
def lead(world, client):
    client.force_login(world.users["lead"])
    return client


def _entries(world, n: int, **fields) -> list[AuditEntry]:
    fields.setdefault("case", world.case)
    fields.setdefault("actor", world.users["practitioner"])
    fields.setdefault("action", Action.CASE_UPDATED)
    return [audit_log.record(**fields, snapshot={"n": i}) for i in range(n)]


def _listed(response) -> list[int]:
    return [entry.sequence for entry in response.context["entries"]]


def test_lead_sees_own_organisation_entries_newest_first(world, lead):
    own = _entries(world, 3)
    other_case = Case.objects.get(reference="NORTH-1")
    hidden = audit_log.record(action=Action.CASE_UPDATED, case=other_case)
    response = lead.get(reverse("audit_list"))
    assert response.status_code == 200
    listed = _listed(response)
    assert listed == sorted(listed, reverse=True)
    assert {e.sequence for e in own} <= set(listed)
    assert hidden.sequence not in listed
    assert all(e.organisation_id == world.org.pk for e in response.context["entries"])


def test_each_row_shows_who_when_what_case_and_outcome(world, lead):
    by_user = _entries(world, 1, action=Action.DECISION_SUBMITTED, outcome="share")[0]
    audit_log.record(
        action=Action.SIGN_IN_FAILED, actor_label="<nobody>", organisation=world.org
    )
    by_system = audit_log.record(action=Action.CASE_UPDATED, case=world.case)
    shown = dateformat.format(timezone.localtime(by_user.created_at), "j M Y, H:i:s")
    html = lead.get(reverse("audit_list")).content.decode()
    cells = '<td class="govuk-table__cell">{}</td>'
    assert (
        f'<a class="govuk-link" href="/audit/{by_user.sequence}/">'
        f'<span class="govuk-visually-hidden">Entry </span>#{by_user.sequence}</a></td>'
        + cells.format(shown)  # in local time, as the |date filter showed it
        + cells.format(world.users["practitioner"].display_name)
        + cells.format("Decision submitted")
        + cells.format(world.case.reference)
        + cells.format("share")
    ) in html
    assert cells.format("“&lt;nobody&gt;”") + cells.format("Sign-in failed") in html
    assert f"#{by_system.sequence}</a></td>" in html
    assert cells.format("System") + cells.format("Case updated") in html


def test_filters_narrow_the_list(world, lead):
    other_case = factories.make_case(world.org, reference="RIV-2")
    by_case = _entries(world, 1, case=other_case)[0]
    by_manager = _entries(world, 1, actor=world.users["manager"])[0]
    refused = _entries(world, 1, action=Action.DECISION_SUBMITTED, outcome="do_not_share")[0]
    failed = audit_log.record(
        action=Action.SIGN_IN_FAILED, actor_label="manager", organisation=world.org
    )
    url = reverse("audit_list")
    assert _listed(lead.get(url, {"case": "riv-2"})) == [by_case.sequence]
    assert _listed(lead.get(url, {"user": "MANAGER"})) == [failed.sequence, by_manager.sequence]
    assert _listed(lead.get(url, {"action": "decision_submitted"})) == [refused.sequence]
    assert _listed(lead.get(url, {"outcome": "do_not_share"})) == [refused.sequence]


def test_date_filters_use_whole_days(world, lead):
    entry = _entries(world, 1)[0]
    today = timezone.localdate(entry.created_at)
    tomorrow = today + datetime.timedelta(days=1)

    def on(prefix, day):
        return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}

    url = reverse("audit_list")
    assert entry.sequence in _listed(
        lead.get(url, {**on("date_from", today), **on("date_to", today)})
    )
    assert _listed(lead.get(url, on("date_from", tomorrow))) == []
    response = lead.get(url, {**on("date_from", tomorrow), **on("date_to", today)})
    assert "must be the same as or after" in response.content.decode()
    assert response.context["form"].errors


def test_keyset_pages_go_back_and_forth_without_count_or_offset(world, lead, monkeypatch):
    monkeypatch.setattr(review, "PAGE_SIZE", 3)
    entries = _entries(world, 7, action=Action.RECORD_VIEWED)
    sequences = [e.sequence for e in entries][::-1]
    url = reverse("audit_list")
    filters = {"action": "record_viewed"}
    with CaptureQueriesContext(connection) as queries:
        first = lead.get(url, filters)
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "COUNT(" not in sql and "OFFSET" not in sql
    assert _listed(first) == sequences[:3]
    assert first.context["newer"] is None
    second = lead.get(url, {**filters, "before": first.context["older"]})
    assert _listed(second) == sequences[3:6]
    third = lead.get(url, {**filters, "before": second.context["older"]})
    assert _listed(third) == sequences[6:]
    assert third.context["older"] is None
    back = lead.get(url, {**filters, "after": third.context["newer"]})
    assert _listed(back) == sequences[3:6]
    assert "action=record_viewed" in back.content.decode()


def test_nonsense_page_markers_are_ignored(world, lead):
    _entries(world, 2)
    assert lead.get(reverse("audit_list"), {"before": "x"}).status_code == 200
    assert lead.get(reverse("audit_list"), {"after": "-1"}).status_code == 200


def test_entry_page_shows_the_snapshot_escaped_and_the_chain_status(world, lead):
    entry = audit_log.record(
        action=Action.CASE_UPDATED,
        case=world.case,
        actor=world.users["manager"],
        snapshot={"note": "<script>alert(1)</script>"},
    )
    url = reverse("audit_detail", args=[entry.sequence])
    body = lead.get(url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert" not in body
    assert entry.entry_hash in body and entry.prev_hash in body and entry.hmac in body
    assert entry.key_id in body
    assert "Not verified yet" in body
    verify.verify_and_record()
    assert "Checked and intact" in lead.get(url).content.decode()


def test_entry_after_a_failed_verification_is_not_trusted(world, lead):
    entry = _entries(world, 1)[0]
    from decisions.models import AuditVerification

    AuditVerification.objects.create(
        intact=False,
        failed_sequence=entry.sequence - 1,
        up_to_sequence=entry.sequence - 1,
        message="audit log broken",
        since_sequence=1,
    )
    body = lead.get(reverse("audit_detail", args=[entry.sequence])).content.decode()
    assert "Not trusted" in body


def test_entry_of_another_organisation_is_404(world, lead):
    hidden = audit_log.record(action=Action.CASE_UPDATED, organisation=world.other_org)
    assert lead.get(reverse("audit_detail", args=[hidden.sequence])).status_code == 404
    assert lead.get(reverse("audit_detail", args=[99999])).status_code == 404


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_export_streams_the_filtered_entries_and_is_recorded(world, lead):
    _entries(world, 2, action=Action.RECORD_VIEWED)
    _entries(world, 1, action=Action.PERSON_ADDED)
    before = AuditEntry.objects.count()
    response = lead.get(reverse("audit_export"), {"action": "record_viewed"})
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:3] == ["Sequence", "When (UTC)", "User"]
    assert [row[5] for row in rows[1:]] == ["record_viewed", "record_viewed"]
    assert AuditEntry.objects.count() == before + 1
    exported = AuditEntry.objects.order_by("-sequence").first()
    assert (exported.action, exported.actor) == (Action.EXPORTED, world.users["lead"])
    assert exported.snapshot["filters"] == {"action": "record_viewed"}
    assert exported.organisation_id == world.org.pk


def test_export_neutralises_spreadsheet_formulas(world, lead):
    for label in ('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "plain"):
        audit_log.record(action=Action.SIGN_IN_FAILED, actor_label=label, organisation=world.org)
    rows = _csv(lead.get(reverse("audit_export"), {"action": "sign_in_failed"}))
    labels = [row[3] for row in rows[1:]]
    assert labels == [
        "plain",
        "'\rx",
        "'\tx",
        "'@SUM(A1)",
        "'-2",
        "'+1",
        '\'=HYPERLINK("http://x")',
    ]


def test_export_with_invalid_filters_exports_nothing(world, lead):
    before = AuditEntry.objects.count()
    response = lead.get(
        reverse("audit_export"), {"date_from_0": "40", "date_from_1": "2", "date_from_2": "2026"}
    )
    assert not response.streaming and response.context["form"].errors
    assert AuditEntry.objects.count() == before


def test_neutralise():
    assert review.neutralise("=1+1") == "'=1+1"
    assert review.neutralise(None) == ""
    assert review.neutralise({"a": "=x"}) == '{"a": "=x"}'
    assert review.neutralise(5) == "5"


def test_practitioners_and_managers_get_404(world, client):
    entry = _entries(world, 1)[0]
    for name in ("practitioner", "manager"):
        client.force_login(world.users[name])
        assert client.get(reverse("audit_list")).status_code == 404
        assert client.get(reverse("audit_export")).status_code == 404
        assert client.get(reverse("audit_detail", args=[entry.sequence])).status_code == 404


def test_the_header_links_leads_to_the_audit_log(world, lead, client):
    assert reverse("audit_list") in lead.get(reverse("dashboard")).content.decode()
    client.force_login(world.users["practitioner"])
    assert reverse("audit_list") not in client.get(reverse("dashboard")).content.decode()

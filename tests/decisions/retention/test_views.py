"""The lead's retention page, legal holds, and a person's disclosure log (page and PDF)."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from decisions.models import AuditEntry, Case, LegalHold, RetentionSchedule
from decisions.retention import schedules
from tests.decisions.retention.scenario import CHILD, NEIGHBOUR, SECRETS, build_case


@pytest.mark.django_db
def test_the_disclosure_log_lists_what_was_shared_and_redacts_other_protected_people(
    world, client_for
):
    built = build_case(world)
    page = client_for(world.users["lead"]).get(reverse("disclosure_log", args=[built.child.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert SECRETS["shared"] in text and SECRETS["contact"] in text
    assert NEIGHBOUR not in text and "[protected: Neighbour]" in text
    assert "Approved by" in text and "Rejected by" in text
    assert "Delivered" not in text or "To Northgate" in text
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.DISCLOSURE_LOG).latest("sequence")
    assert entry.snapshot["person"] == str(built.child.pk) and entry.snapshot["what"] == "page"
    assert CHILD not in str(entry.snapshot)


@pytest.mark.django_db
def test_the_protected_persons_own_log_shows_their_own_name(world, client_for):
    built = build_case(world)
    page = client_for(world.users["lead"]).get(reverse("disclosure_log", args=[built.neighbour.pk]))
    assert NEIGHBOUR in page.content.decode()


@pytest.mark.django_db
def test_the_disclosure_log_pdf_is_audited(world, client_for):
    built = build_case(world)
    response = client_for(world.users["practitioner"]).get(
        reverse("disclosure_pdf", args=[built.child.pk])
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.DISCLOSURE_LOG).latest("sequence")
    assert entry.snapshot["what"] == "PDF"


@pytest.mark.django_db
def test_after_erasure_the_log_says_the_content_was_erased(world, client_for):
    built = build_case(world)
    call_command("apply_retention", "--as-of", "2100-01-01", stdout=open("/dev/null", "w"))
    text = (
        client_for(world.users["lead"])
        .get(reverse("disclosure_log", args=[built.child.pk]))
        .content.decode()
    )
    assert "was erased under the retention schedule" in text
    assert SECRETS["shared"] not in text
    assert "Police Public Protection Unit" in text  # the agency and the outcome remain


@pytest.mark.django_db
def test_the_lead_searches_people_across_the_organisations_cases(world, client_for):
    build_case(world)
    page = client_for(world.users["lead"]).get(reverse("disclosure_search"), {"name": "quillb"})
    assert CHILD in page.content.decode()
    other = client_for(world.users["other_lead"]).get(
        reverse("disclosure_search"), {"name": "quillb"}
    )
    assert CHILD not in other.content.decode()


@pytest.mark.django_db
def test_the_lead_sees_cases_due_and_places_and_lifts_a_hold(world, client_for):
    built = build_case(world)
    Case.objects.filter(pk=built.case.pk).update(
        record_kind="single_request", closed_at=timezone.now() - datetime.timedelta(days=800)
    )
    client = client_for(world.users["lead"])
    page = client.get(reverse("retention"))
    assert "Due for erasure" in page.content.decode()
    assert "RET-1" in page.content.decode()

    empty = client.post(reverse("retention_hold", args=[built.case.pk]), {"reason": ""})
    assert "Enter why the case must be kept" in empty.content.decode()
    client.post(reverse("retention_hold", args=[built.case.pk]), {"reason": "Inquiry"})
    assert LegalHold.objects.get(case=built.case).is_active
    assert schedules.due_for_erasure(timezone.localdate()) == []
    client.post(reverse("retention_lift", args=[built.case.pk]))
    assert not LegalHold.objects.get(case=built.case).is_active
    assert [item.case for item in schedules.due_for_erasure(timezone.localdate())] == [built.case]


@pytest.mark.django_db
def test_the_lead_changes_the_schedule_audited_and_bad_input_is_kept(world, client_for):
    client = client_for(world.users["lead"])
    data = {}
    for kind, rule in schedules.DEFAULTS.items():
        data[f"{kind}_basis"] = rule.basis
        data[f"{kind}_years"] = str(rule.years)
    data["child_in_need_years"] = "ten"
    bad = client.post(reverse("retention"), data)
    assert "Enter the number of years as a whole number" in bad.content.decode()
    assert 'value="ten"' in bad.content.decode()
    data["child_in_need_years"] = "10"
    client.post(reverse("retention"), data)
    assert RetentionSchedule.objects.get(organisation=world.org).years == 10
    assert schedules.schedule_for(world.org.pk)["child_in_need"].years == 10
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RETENTION_CHANGED).count() == 1


@pytest.mark.django_db
def test_the_kind_of_record_is_chosen_on_the_case_form_and_kept_when_left_out(world, client_for):
    client = client_for(world.users["practitioner"])
    client.post(
        reverse("case_create"),
        {"reference": "KIND-1", "record_kind": "child_in_need", "assigned": []},
    )
    case = Case.objects.get(reference="KIND-1")
    assert case.record_kind == "child_in_need"
    client.post(reverse("case_edit", args=[case.pk]), {"reference": "KIND-1", "summary": ""})
    case.refresh_from_db()
    assert case.record_kind == "child_in_need"
    entry = AuditEntry.objects.filter(action="case_created").latest("sequence")
    assert entry.case_id == case.pk

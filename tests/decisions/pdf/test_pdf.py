"""The printable records (decisions/pdf.py, decisions/pdf_views.py), read back with pypdf."""

import csv
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from decisions.audit import record as audit_log
from decisions.lifecycle import services as lifecycle_services
from decisions.models import AuditEntry
from decisions.pdf import fetcher as pdf_fetcher
from decisions.pdf import redaction as pdf_redaction
from decisions.pdf import views as pdf_views
from tests import factories

RATIONALE = (
    "Neighbour Nell heard the shouting; Nell must not be named. "
    "Literal markup: <b>bold</b><script>alert(1)</script>"
)


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def download(client, decision, **params):
    return client.get(reverse("decision_pdf", args=[decision.pk]), params)


@pytest.fixture
def record(world):
    """A full decision on the world's case: items, answers, a protected person named in it."""
    share_request = factories.make_request(
        world.case,
        counterpart_agency="Riverside Police",
        counterpart_contact="DC Sam Morgan",
        purpose="Enquiry after Neighbour Nell reported shouting",
        information_requested="Attendance for the autumn term",
    )
    return factories.make_decision(
        share_request,
        world.users["practitioner"],
        facts={
            "immediate_danger": False,
            "legitimate_purpose": True,
            "recipient_has_role": True,
        },
        answers={
            "items": [
                {
                    "description": "Attendance record, autumn term",
                    "justification": "Nell saw the child kept at home",
                },
                {"description": "Late arrivals", "justification": "Pattern after weekends"},
            ],
            "recipients": {"recipients": "DC Sam Morgan", "method": "secure_email"},
        },
        rationale=RATIONALE,
    )


def test_the_decision_pdf_holds_the_whole_record(world, client_for, record):
    lifecycle_services.decision_verdict(
        decision=record,
        approver=world.users["manager"],
        verdict="rejected",
        reasons="Ask the police for a narrower request first.",
    )
    response = download(client_for(world.users["practitioner"]), record)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="decision-RIV-1-')
    text = pdf_text(response.content)
    for expected in (
        "Decision record — case RIV-1",
        "Riverside Police",
        "DC Sam Morgan",
        "Attendance for the autumn term",
        "Is a child, or anyone else, at risk of serious harm right now?",  # a question
        "Attendance record, autumn term",
        "Why: Pattern after weekends",
        "Secure email",
        f"version {world.decision.framework_version}",
        "Information sharing: advice for practitioners",  # the framework's source
        "Manager's approval",
        "Rejected",
        "Ask the police for a narrower request first.",
        "Sensitive — handle securely",
        "Page 1 of",
        "Generated",
        world.users["practitioner"].display_name,
    ):
        assert expected in text, expected


def test_protected_people_appear_only_as_their_role(world, client_for, record):
    text = pdf_text(download(client_for(world.users["manager"]), record).content)
    assert "Nell" not in text
    assert "[protected: Parent or carer] heard the shouting" in text
    assert "[protected: Parent or carer] saw the child" in text
    assert "Enquiry after [protected: Parent or carer] reported" in text


def test_markup_in_free_text_is_printed_as_text(world, client_for, record):
    text = pdf_text(download(client_for(world.users["practitioner"]), record).content)
    assert "<b>bold</b><script>alert(1)</script>" in text


def test_urls_in_free_text_are_never_fetched(world, client_for, monkeypatch):
    asked = []
    fetch = pdf_fetcher.StaticFilesFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(pdf_fetcher.StaticFilesFetcher, "fetch", spy)
    pdf_fetcher.print_stylesheet.cache_clear()  # fetched once a process: this one asks again
    decision = factories.make_decision(
        factories.make_request(world.case, purpose='<link rel="stylesheet" href="http://x/">'),
        world.users["practitioner"],
        rationale='<img src="file:///etc/passwd"> <img src="http://127.0.0.1:9/x.png">',
    )
    text = pdf_text(download(client_for(world.users["practitioner"]), decision).content)
    assert asked == [pdf_fetcher.STYLESHEET]
    assert '<img src="file:///etc/passwd">' in text
    assert "root:" not in text
    download(client_for(world.users["practitioner"]), decision)
    assert asked == [pdf_fetcher.STYLESHEET]  # the parsed stylesheet is kept, not fetched again


def test_even_unescaped_markup_can_load_only_static_files(world, monkeypatch):
    """The fetcher is the second line: were markup ever to reach WeasyPrint, it would refuse."""
    outcomes = []
    fetch = pdf_fetcher.StaticFilesFetcher.fetch

    def spy(self, url, headers=None):
        try:
            response = fetch(self, url, headers)
        except pdf_fetcher.FetchRefused:
            outcomes.append((url, "refused"))
            raise
        outcomes.append((url, "served"))
        return response

    monkeypatch.setattr(pdf_fetcher.StaticFilesFetcher, "fetch", spy)
    content = pdf_fetcher.render_html(
        f'<html><head><link rel="stylesheet" href="{pdf_fetcher.STYLESHEET}"></head><body>'
        '<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
        '<img src="data:image/svg+xml,<svg xmlns=&quot;http://www.w3.org/2000/svg&quot;/>">'
        '<img src="/static/../../etc/passwd"><p>Body</p></body></html>'
    )
    text = pdf_text(content)
    assert "Body" in text and "root:" not in text
    assert (pdf_fetcher.STYLESHEET, "served") in outcomes
    assert [url for url, outcome in outcomes if outcome == "served"] == [pdf_fetcher.STYLESHEET]
    refused = {url for url, outcome in outcomes if outcome == "refused"}
    assert {"file:///etc/passwd", "http://127.0.0.1:9/x.png"} <= refused
    assert any(url.startswith("data:") for url in refused)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.com/print.css",
        "data:text/css,body{color:red}",
        "ftp://example.com/x.css",
        "/static/../../etc/passwd",
        "/static/pdf/../../../../etc/passwd",
        "/static/pdf/%2e%2e/%2e%2e/etc/passwd",
        "isg-static:../../etc/passwd",
        "isg-static:/etc/passwd",
        "isg-static:pdf/missing.css",
        "isg-static:js/init.js",  # a static file, but not a stylesheet, image or font
        "/etc/passwd",
    ],
)
def test_the_fetcher_refuses_anything_but_static_files(url):
    with pytest.raises(pdf_fetcher.FetchRefused):
        pdf_fetcher.StaticFilesFetcher().fetch(url)


@pytest.mark.parametrize("url", ["isg-static:pdf/print.css", "/static/pdf/print.css"])
def test_the_fetcher_serves_the_print_stylesheet(url):
    response = pdf_fetcher.StaticFilesFetcher().fetch(url)
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_every_download_is_recorded_and_printed_on_the_copy(world, client_for, record):
    text = pdf_text(download(client_for(world.users["practitioner"]), record).content)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.PDF_DOWNLOADED).get()
    assert (entry.actor, entry.object_id, entry.case) == (
        world.users["practitioner"],
        str(record.pk),
        world.case,
    )
    assert entry.snapshot == {"what": "decision record PDF", "redacted": True}
    assert f"audit entry #{entry.sequence}" in text


def test_the_record_prints_its_audit_trail_with_hashes(world, client_for, record):
    viewed = audit_log.record_view(world.users["lead"], record, world.case)
    unrelated = audit_log.record_view(world.users["lead"], world.decision, world.case)
    text = pdf_text(download(client_for(world.users["lead"]), record).content)
    assert f"#{viewed.sequence}" in text
    assert viewed.entry_hash in text and viewed.prev_hash in text and viewed.hmac in text
    assert unrelated.entry_hash not in text


def test_only_a_lead_gets_an_unredacted_copy_and_it_is_recorded(world, client_for, record):
    for role in ("practitioner", "manager", "unassigned", "other_lead"):
        assert download(client_for(world.users[role]), record, unredacted=1).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PDF_DOWNLOADED).exists()

    response = download(client_for(world.users["lead"]), record, unredacted=1)
    assert response.status_code == 200
    assert "UNREDACTED" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Neighbour Nell heard the shouting" in text
    assert "UNREDACTED: contains protected identities" in text
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PDF_DOWNLOADED)
    assert entry.actor == world.users["lead"]
    assert entry.snapshot["redacted"] is False


def test_the_lead_is_offered_the_unredacted_copy_on_the_record_page(world, client_for, record):
    url = reverse("decision_detail", args=[record.pk])
    lead_page = client_for(world.users["lead"]).get(url).content.decode()
    assert f"{reverse('decision_pdf', args=[record.pk])}?unredacted=1" in lead_page
    practitioner_page = client_for(world.users["practitioner"]).get(url).content.decode()
    assert reverse("decision_pdf", args=[record.pk]) in practitioner_page
    assert "unredacted=1" not in practitioner_page


def test_a_reconsidered_decision_prints_the_chain(world, client_for, record):
    later = factories.make_decision(
        record.share_request,
        world.users["practitioner"],
        supersedes=record,
        outcome="share",
        rationale="New information arrived.",
    )
    text = pdf_text(download(client_for(world.users["lead"]), record).content)
    assert "Reconsideration" in text
    assert str(later.pk) in text and str(record.pk) in text


def test_the_redactor_matches_names_in_any_spacing_and_whole_words_only(world):
    redact = pdf_redaction.Redactor.for_case(world.case)
    assert redact("NEIGHBOUR  nell called") == "[protected: Parent or carer] called"
    assert redact("Nellie and Nell") == "Nellie and [protected: Parent or carer]"
    assert pdf_redaction.Redactor.for_case(world.case, active=False)("Nell") == "Nell"


# --- The audit extract ----------------------------------------------------------------------


def _sequences(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"#(\d+) \d", text)}


def test_the_audit_pdf_honours_the_filters_like_the_csv(world, client_for):
    other_case = factories.make_case(world.org, reference="RIV-2")
    mine = [
        audit_log.record_view(world.users["lead"], world.decision, world.case) for _ in range(3)
    ]
    theirs = audit_log.record(action=AuditEntry.Action.CASE_UPDATED, case=other_case)
    elsewhere = audit_log.record(
        action=AuditEntry.Action.RECORD_VIEWED,
        case=factories.make_case(world.other_org, reference="NORTH-2"),
    )
    client = client_for(world.users["lead"])
    filters = {"case": "RIV-1", "action": "record_viewed"}

    rows = list(
        csv.reader(io.StringIO(b"".join(client.get(reverse("audit_export"), filters)).decode()))
    )
    in_csv = {int(row[0]) for row in rows[1:]}
    response = client.get(reverse("audit_export_pdf"), filters)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    text = pdf_text(response.content)
    assert _sequences(text) == in_csv == {entry.sequence for entry in mine}
    assert theirs.entry_hash not in text and elsewhere.entry_hash not in text
    assert "Case reference RIV-1" in text and "Action Record viewed" in text

    exported = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).order_by("sequence")
    assert exported.last().snapshot["what"] == "audit log PDF"
    assert exported.last().snapshot["filters"] == filters
    assert f"extract’s own entry #{exported.last().sequence}" in text


def test_the_audit_pdf_caps_its_rows_with_a_note(world, client_for, monkeypatch):
    monkeypatch.setattr(pdf_views, "AUDIT_EXTRACT_LIMIT", 2)
    entries = [
        audit_log.record_view(world.users["lead"], world.decision, world.case) for _ in range(4)
    ]
    response = client_for(world.users["lead"]).get(
        reverse("audit_export_pdf"), {"action": "record_viewed"}
    )
    text = pdf_text(response.content)
    assert "only the newest 2 are printed" in text
    assert _sequences(text) == {entries[-1].sequence, entries[-2].sequence}


def test_invalid_filters_export_nothing(world, client_for):
    response = client_for(world.users["lead"]).get(
        reverse("audit_export_pdf"),
        {"date_from_0": "40", "date_from_1": "2", "date_from_2": "2026"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).exists()


def test_the_audit_pdf_needs_a_recent_password_like_the_csv(world, client_for):
    import time

    from isg.accounts import security

    client = client_for(world.users["lead"])
    session = client.session
    session[security.AUTH_TIME] = time.time() - 16 * 60
    session.save()
    response = client.get(reverse("audit_export_pdf"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("confirm_password"))


def test_the_pdf_uses_the_local_dejavu_font(world, client_for, record):
    content = download(client_for(world.users["practitioner"]), record).content
    page = PdfReader(io.BytesIO(content)).pages[0]
    fonts = {str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}
    assert fonts and all("DejaVu-Sans" in name for name in fonts), fonts

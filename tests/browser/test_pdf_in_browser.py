"""Downloading the printable records from their pages in Chromium; every page passes axe."""

import io

import pytest
from pypdf import PdfReader

from decisions.models import AuditEntry
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def _download(page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        return handle.read()


def _text(content: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )


@pytest.mark.parametrize("username", ["practitioner", "lead"])
def test_the_decision_record_downloads_as_pdf(world, live_server, sign_in, username):
    page = sign_in(username)
    page.goto(f"{live_server.url}/decisions/{world.decision.pk}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Decision record")
    assert_accessible(page)

    content = _download(page, "Download as PDF")
    assert content.startswith(b"%PDF")
    assert "Decision record — case RIV-1" in _text(content)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PDF_DOWNLOADED)
    assert entry.actor.username == username and entry.snapshot["redacted"] is True

    unredacted = page.get_by_text("Unredacted copy (safeguarding leads only)")
    if username != "lead":
        assert unredacted.count() == 0
        return
    unredacted.click()
    assert page.get_by_text("This copy names the people whose identity is protected").is_visible()
    assert_accessible(page)
    content = _download(page, "Download an unredacted copy as PDF")
    assert "UNREDACTED" in _text(content)
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.PDF_DOWNLOADED, snapshot__redacted=False
    ).exists()


def test_the_lead_downloads_the_audit_log_as_pdf(world, live_server, sign_in):
    page = sign_in("lead")
    page.goto(f"{live_server.url}/audit/")
    assert_accessible(page)
    content = _download(page, "Download the audit log as PDF")
    assert content.startswith(b"%PDF")
    assert "Audit log extract" in _text(content)

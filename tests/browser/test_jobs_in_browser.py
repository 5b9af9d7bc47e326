"""A long export in Chromium: started from the audit log, its progress, then the download."""

import csv
import io

import pytest

from decisions.audit import exports
from decisions.audit import record as audit_log
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_lead_starts_a_long_export_watches_it_and_downloads_the_file(
    world, live_server, sign_in, worker_process, monkeypatch
):
    monkeypatch.setattr(exports, "CSV_INSTANT_ROWS", 3)  # the live server runs in this process
    entries = [
        audit_log.record_view(world.users["lead"], world.decision, world.case) for _ in range(6)
    ]
    page = sign_in("lead")
    page.goto(f"{live_server.url}/audit/?action=record_viewed")
    page.get_by_role("link", name="Download these entries as CSV").click()

    page.wait_for_url("**/jobs/*/")
    page.get_by_role("heading", name="Audit log export (CSV)", level=1).wait_for()
    assert page.get_by_role("status").inner_text().startswith("Waiting to start")
    assert page.get_by_role("progressbar", name="Progress").is_visible()
    assert_accessible(page)

    worker_process()  # the queue's worker picks the job up; the page refreshes by itself
    button = page.get_by_role("link", name="Download audit-log-")
    button.wait_for(timeout=30_000)
    assert page.get_by_text("6 audit entries exported.").is_visible()
    assert_accessible(page)
    with page.expect_download() as downloaded:
        button.click()
    text = open(downloaded.value.path(), encoding="utf-8").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert [int(row[0]) for row in rows[1:]] == [e.sequence for e in reversed(entries)]

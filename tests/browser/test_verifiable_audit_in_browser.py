"""Verify now and new recovery codes in Chromium (issue 15); every page passes axe."""

import pytest

from decisions.audit import checkpoints
from tests.browser.conftest import assert_accessible
from tests.decisions.audit.support import build_chain
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_lead_verifies_the_log_now_and_sees_it_finish(
    world, live_server, sign_in, worker_process
):
    build_chain(world, 5)
    checkpoints.make_checkpoint()
    page = sign_in("lead")
    page.goto(f"{live_server.url}/audit/")
    page.get_by_text("Signed checkpoints and the public key").click()
    assert page.get_by_text(checkpoints.verifiers()[0].to_string()).is_visible()
    assert_accessible(page)
    worker_process()  # the check runs on the task queue
    page.get_by_role("button", name="Verify now").click()
    # The progress page comes back by itself (HTTP Refresh) until the run is finished.
    page.get_by_role("heading", name="Audit log checked", level=1).wait_for(timeout=15_000)
    assert page.get_by_text("Intact", exact=True).is_visible()
    assert_accessible(page)


def test_lead_makes_new_recovery_codes_after_typing_the_password(world, live_server, sign_in):
    page = sign_in("lead")
    page.goto(f"{live_server.url}/account/security/")
    page.get_by_role("link", name="Make new recovery codes").click()
    assert_accessible(page)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_text("The password is not right").first.is_visible()
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/account/two-factor/recovery-codes/**")
    assert_accessible(page)

"""Playwright against pytest-django's live server, in Debian's Chromium.

Playwright's own browser download does not work on these machines, so the
tests use /usr/bin/chromium. Locally a missing Chromium skips these tests;
in CI (CI=true) it fails them, so a green CI run always includes the browser.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import IN_CI

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    missing = [str(p) for p in (Path(CHROMIUM), AXE) if not p.exists()]
    if missing or not shutil.which(CHROMIUM):
        message = f"browser tests need {', '.join(missing) or CHROMIUM}: run make setup"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # bypass_csp lets axe be injected under the app's strict Content-Security-Policy.
    return {**browser_context_args, "bypass_csp": True}


def assert_accessible(page) -> None:
    """Run axe-core on the page as it stands: no WCAG 2.2 A/AA violation allowed."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    violations = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert violations == [], f"{page.url}: {json.dumps(violations, indent=1)}"
    assert result["passes"], "axe ran no checks at all"


@pytest.fixture
def sign_in(live_server, page):
    from isg.accounts.models import User
    from isg.accounts.security import requires_two_factor
    from tests.factories import PASSWORD
    from tests.otp_support import current_code, give_totp_device

    def sign_in_as(username: str):
        user = User.objects.get(username=username)
        device = give_totp_device(user) if requires_two_factor(user) else None
        page.goto(f"{live_server.url}/sign-in/")
        assert_accessible(page)
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        if requires_two_factor(user):  # managers, leads, admins: the code from their app
            page.wait_for_url("**/account/two-factor/verify/**")
            page.get_by_label("Enter the code from your authenticator app").fill(
                current_code(device)
            )
            page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in_as

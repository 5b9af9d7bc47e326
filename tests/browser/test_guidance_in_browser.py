import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def answer(page, question: str, label: str) -> None:
    page.get_by_role("group", name=question).get_by_label(label, exact=True).check()


def test_library_and_a_framework_page(world, live_server, sign_in):
    page = sign_in("practitioner")
    page.get_by_role("link", name="Guidance", exact=True).click()
    expect(page.get_by_role("heading", name="Guidance", exact=True)).to_be_visible()
    uk_2024 = page.get_by_role("link", name=re.compile(r"advice for practitioners.*UK, 2024"))
    expect(uk_2024).to_be_visible()
    assert_accessible(page)

    uk_2024.click()
    expect(page.get_by_role("heading", name="The decision, step by step")).to_be_visible()
    flow = page.locator(".isg-flow").first
    expect(flow).to_contain_text("Question 1")
    expect(flow).to_contain_text("Share without consent (approval needed)")
    expect(page.get_by_text(
        "If the risk of harm is significant → share without consent (approval needed)"
    )).to_be_visible()
    assert_accessible(page)

    flow.get_by_role("link", name=re.compile("What is the concern")).first.click()
    expect(page).to_have_url(re.compile("#question-risk_of_harm$"))


def test_compare_frameworks_side_by_side(world, live_server, sign_in):
    page = sign_in("manager")
    page.goto(f"{live_server.url}/guidance/compare/")
    expect(page.get_by_role("heading", name="Compare the frameworks")).to_be_visible()
    assert_accessible(page)

    answer(page, "Is a child, or anyone else, at risk of serious harm right now?", "No")
    answer(page, "Is there a clear safeguarding or wellbeing purpose for sharing?", "Yes")
    answer(page, "Does the recipient have a role in safeguarding the child or supporting the "
                 "family?", "Yes")
    answer(page, "Have the child or family agreed to the sharing?",
           "No, they were asked and said no")
    answer(page, "What is the concern about the child?", "A wellbeing need only")
    answer(page, "Would telling the child or carers raise the risk?", "No")
    answer(page, "The recipient is a prescribed information sharing entity under the scheme",
           "Yes")
    answer(page, "The information is excluded information under the scheme", "No")
    answer(page, "There is a risk, or a perceived risk, of harm to the child that falls short "
                 "of significant harm", "No")
    page.get_by_role("button", name="Compare the frameworks").click()

    table = page.get_by_role("table")
    expect(table).to_be_visible()
    expect(table.locator('[data-framework="uk-2024"]')).to_contain_text("Do not share")
    expect(table.locator('[data-framework="vic-ciss"]')).to_contain_text("Share without consent")
    expect(table.get_by_role("columnheader")).to_have_count(5)  # one per framework
    # The answers stay chosen, and the page can be linked to.
    expect(page.get_by_role("group", name="What is the concern about the child?")
           .get_by_label("A wellbeing need only")).to_be_checked()
    assert "consent=refused" in page.url
    assert_accessible(page)


def test_compare_error_summary_is_accessible(world, live_server, sign_in):
    page = sign_in("practitioner")
    page.goto(f"{live_server.url}/guidance/compare/?consent=given&consent_not_sought_reason=unsafe")
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    page.get_by_role("alert").get_by_role("link").first.click()
    expect(page.get_by_role("group", name="If they have not been asked, why not?")
           .get_by_label("Asking would put someone at greater risk")).to_be_checked()
    assert_accessible(page)

"""Every page's query count is fixed, whatever the number of rows it shows (no N+1).

Each page is built with FEW rows and with MANY rows; the same budget must hold for both, and
both counts must be equal. Budgets are the counts measured when these tests were written
(SQLite), plus two; a page that starts to query per row fails at MANY rows.
"""

import datetime

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from decisions.audit import record as audit_log
from decisions.models import AuditEntry, DecisionDraft
from decisions.seeding import volume_data
from decisions.wizard import services as wizard_services
from decisions.wizard import state as wizard_state
from guidance import catalogue
from tests import factories

FEW, MANY = 2, 20


def _complete_draft(world, n_items: int) -> DecisionDraft:
    """A draft answered up to check your answers, with n_items items of information."""
    template = volume_data.decision_templates("uk-2024")[0]  # shares: has an items step
    answers = {step: dict(raw) for step, raw in template.raw_answers.items()}
    items = {
        "items-TOTAL_FORMS": [str(n_items)],
        "items-INITIAL_FORMS": ["0"],
        "items-MIN_NUM_FORMS": ["0"],
        "items-MAX_NUM_FORMS": ["50"],
    }
    for i in range(n_items):
        items[f"items-{i}-description"] = [f"Item {i}"]
        items[f"items-{i}-justification"] = [f"Because {i}"]
    answers["items"] = items
    return DecisionDraft.objects.create(
        share_request=factories.make_request(world.case),
        owner=world.users["practitioner"],
        framework=template.framework,
        framework_version=template.version,
        facts=template.facts,
        answers=answers,
    )


def dashboard(world, n):
    for _ in range(n):
        request = factories.make_request(world.case)
        factories.make_draft(request, world.users["practitioner"])
    return "practitioner", reverse("dashboard")


def case_list(world, n):
    for _ in range(n):
        factories.make_case(world.org, assigned=[world.users["practitioner"]])
    return "practitioner", reverse("case_list")


def case_detail(world, n):
    for i in range(n):
        factories.make_person(world.case, protect_identity=i % 2 == 0)
        factories.make_request(world.case, opened_by=world.users["practitioner"])
    return "practitioner", reverse("case_detail", args=[world.case.pk])


def request_detail(world, n):
    share_request = factories.make_request(world.case)
    for _ in range(n):
        factories.make_decision(share_request, world.users["practitioner"])
    return "practitioner", reverse("request_detail", args=[share_request.pk])


def decision_record(world, n):
    draft = _complete_draft(world, n)
    decision = wizard_services.decision_submit(draft=draft, user=world.users["practitioner"])
    return "practitioner", reverse("decision_detail", args=[decision.pk])


def wizard_question(world, n):
    for _ in range(n):
        factories.make_person(world.case, protect_identity=True)
    draft = world.draft
    return "practitioner", reverse("wizard_question", args=[draft.pk, _first_question(draft)])


def _first_question(draft) -> str:
    return wizard_state.state_for(draft).next_step().slug


def check_answers(world, n):
    draft = _complete_draft(world, n)
    return "practitioner", reverse("wizard_check", args=[draft.pk])


def audit_list(world, n):
    for i in range(n):
        audit_log.record(
            action=AuditEntry.Action.CASE_UPDATED,
            actor=world.users["practitioner" if i % 2 else "manager"],
            case=world.case,
            obj=world.case,
            snapshot={"n": i},
        )
    return "lead", reverse("audit_list")


def audit_detail(world, n):
    entry = audit_log.record(
        action=AuditEntry.Action.CASE_UPDATED,
        actor=world.users["practitioner"],
        case=world.case,
        obj=world.case,
        snapshot={f"field{i}": {"from": i, "to": i + 1} for i in range(n)},
    )
    return "lead", reverse("audit_detail", args=[entry.sequence])


def approval_queue(world, n):
    for _ in range(n):
        factories.make_decision(
            factories.make_request(world.case),
            world.users["practitioner"],
            decided_at=timezone.now() - datetime.timedelta(hours=1),
        )
    try:
        return "manager", reverse("approval_queue")
    except NoReverseMatch:
        pytest.fail("the approval queue is not installed")


def guidance_library(world, n):
    return "practitioner", reverse("guidance:library")


def guidance_framework(world, n):
    return "practitioner", reverse("guidance:framework", args=["uk-2024"])


def guidance_compare(world, n):
    return "practitioner", reverse("guidance:compare")


def disclosure_log(world, n):
    from decisions.models import Approval

    for _ in range(n):
        decision = factories.make_decision(
            factories.make_request(world.case), world.users["practitioner"]
        )
        Approval.objects.create(
            decision=decision, approver=world.users["manager"], verdict="approved"
        )
    return "lead", reverse("disclosure_log", args=[world.person.pk])


def retention_page(world, n):
    from decisions.models import LegalHold

    closed = timezone.now() - datetime.timedelta(days=4000)
    for i in range(n):
        case = factories.make_case(world.org, is_closed=True, closed_at=closed)
        factories.make_person(case, relationship="child", date_of_birth=datetime.date(2000, 1, 1))
        if i % 2:
            LegalHold.objects.create(case=case, reason="Inquiry", placed_by=world.users["lead"])
    return "lead", reverse("retention")


# page -> (builder, budget)
PAGES = {
    "dashboard": (dashboard, 19),  # 17 since the overdue exchanges (issue 14)
    "case list": (case_list, 13),
    # +2 since issue 14: requests sent, information received; -1 since issue 16: who may manage
    # access is asked of the memberships already loaded
    "case detail": (case_detail, 21),
    "request detail": (request_detail, 16),
    # +2 since issue 15: the record_viewed entry also writes its Merkle-tree nodes; +1 since
    # issue 18: the case's data key, to read its sealed text (26 on PostgreSQL, which takes
    # the chain's advisory lock in a query of its own).
    "decision record": (decision_record, 26),
    "wizard question": (wizard_question, 13),
    "check your answers": (check_answers, 14),
    "audit list": (audit_list, 11),  # 13 until a lone organisation was no longer read by name
    "audit detail": (audit_detail, 13),
    "approval queue": (approval_queue, 12),
    "guidance library": (guidance_library, 10),
    "guidance framework": (guidance_framework, 10),
    "guidance compare": (guidance_compare, 10),
    "disclosure log": (disclosure_log, 23),  # its disclosure_log entry and tree nodes,
    "retention": (retention_page, 17),
}


@pytest.mark.parametrize("page_name", list(PAGES))
def test_page_queries_do_not_grow_with_rows(
    page_name, world, client_for, django_assert_max_num_queries, monkeypatch
):
    # The framework catalogue rechecks the database every RECHECK_SECONDS: periodic work that
    # would otherwise land in one of the two measurements at random.
    monkeypatch.setattr(catalogue, "RECHECK_SECONDS", 1e9)
    build, budget = PAGES[page_name]
    counts = {}
    for n in (FEW, MANY):
        # More rows on top of the first ones (or a new object with more): MANY rows shown.
        role, url = build(world, n if n == FEW else n - FEW)
        client = client_for(world.users[role])
        client.get(url)  # warm-up: once-per-session work is not what is measured
        with django_assert_max_num_queries(budget) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[n] = len(queries)
    assert counts[FEW] == counts[MANY], f"{page_name}: {counts[FEW]} queries → {counts[MANY]}"

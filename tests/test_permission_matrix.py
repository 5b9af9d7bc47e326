"""Every URL × every role × own / other organisation, from one table.

A new URL cannot be added without rows here: `test_every_url_is_in_the_matrix`
walks the URL configuration and fails on any route the table does not name.
Other organisations' objects are always 404, never 403, so their existence
does not leak.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories
from tests.conftest import ROLE_OF

ROLES = [
    "anonymous",
    "practitioner",
    "unassigned",
    "manager",
    "lead",
    "admin",
    "other_practitioner",
    "other_manager",
    "other_lead",
    "other_admin",
    # A third organisation, for exchanges between the first two: never a party to them.
    "third_practitioner",
    "third_manager",
    "third_lead",
]
OTHERS = [role for role in ROLES if role.startswith(("other_", "third_"))]
THIRDS = [role for role in ROLES if role.startswith("third_")]


def expect(default: int, **overrides: int) -> dict[str, int]:
    """Expected status for every role: anonymous is sent to sign in unless overridden."""
    statuses = {role: default for role in ROLES}
    statuses["anonymous"] = 302
    statuses.update(overrides)
    for role in THIRDS:  # unless told otherwise, as any other organisation
        if role not in overrides:
            statuses[role] = statuses[role.replace("third_", "other_")]
    return statuses


def case_url(name):
    return lambda w: reverse(name, args=[w.case.pk])


def draft_url(name):
    return lambda w: reverse(name, args=[w.draft.pk])


def decision_url(name):
    return lambda w: reverse(name, args=[w.decision.pk])


def _audit_entry(w):
    from decisions.audit import record as audit_log
    from decisions.models import AuditEntry

    return audit_log.record(action=AuditEntry.Action.CASE_UPDATED, case=w.case)


def _submitted(w):
    """world.decision with its decision_submitted entry, in a signed checkpoint."""
    from decisions.audit import checkpoints
    from decisions.audit import record as audit_log
    from decisions.models import AuditEntry

    audit_log.record_about_decision(
        AuditEntry.Action.DECISION_SUBMITTED, w.decision, w.users["practitioner"], {}
    )
    checkpoints.make_checkpoint()
    return w.decision


def _verify_run(w):
    """A verify-now run started by the organisation's lead."""
    from decisions.audit import live

    return live.start(w.users["lead"])


def _job(w):
    """A finished export the organisation's lead started (isg/jobs): theirs alone."""
    from isg.jobs.models import Job

    return Job.objects.create(
        kind="audit-csv", title="Audit log export (CSV)", started_by=w.users["lead"],
        organisation=w.org, status=Job.Status.SUCCEEDED, result_name="audit.csv",
        result_type="text/csv", result=b"sequence\n",
    )


def _verdict(w, verdict="approved", reasons=""):
    """world.decision (the practitioner's, needing approval) after the manager's verdict."""
    from decisions.lifecycle import services as lifecycle_services

    lifecycle_services.decision_verdict(
        decision=w.decision, approver=w.users["manager"], verdict=verdict, reasons=reasons
    )
    return w.decision


def _follow_up(w):
    from decisions.lifecycle import services as lifecycle_services

    return lifecycle_services.follow_up_add(
        user=w.users["practitioner"],
        decision=w.decision,
        action="Check attendance on Monday",
        owner=w.users["practitioner"],
        due_on=w.share_request.received_on,
    )


# Exchanges: Riverside is the world's organisation, Northgate the other. In the rows below
# "sender" and "recipient" say which of them is which; Eastfield (third_) is neither.


def _listed(w):
    if not hasattr(w.org, "directory_entry"):
        factories.make_listed(w.org)
        factories.make_listed(w.other_org)
    return w


def _north_case(w):
    return w.other_org.cases.get(reference="NORTH-1")


def _to_riverside(w):
    """Northgate (sender) asks Riverside (recipient)."""
    return factories.make_exchange(_north_case(_listed(w)), w.org, w.users["other_practitioner"])


def _to_northgate(w):
    """Riverside (sender, from RIV-1) asks Northgate (recipient)."""
    return factories.make_exchange(_listed(w).case, w.other_org, w.users["practitioner"])


def _recorded(w):
    """Riverside's practitioner took Northgate's request and recorded sharing."""
    exchange = _to_riverside(w)
    factories.take_and_record(exchange, w.users["practitioner"], shared=True)
    return exchange


def _answered_delivery(w):
    """Northgate (sender) answered Riverside's request: delivered into RIV-1."""
    from decisions.exchange import services as exchange_services

    exchange = _to_northgate(w)
    factories.take_and_record(exchange, w.users["other_practitioner"], shared=True)
    answer = exchange_services.exchange_answer(
        user=w.users["other_practitioner"], exchange_id=exchange.pk
    )
    return answer.delivery


def _shared_decision(w):
    """A decision on RIV-1 whose share record says it was shared (outgoing)."""
    from decisions.lifecycle import services as lifecycle_services

    decision = factories.make_decision(
        factories.make_request(_listed(w).case, direction="outgoing"),
        w.users["practitioner"],
        requires_approval=False,
        outcome="share",
    )
    lifecycle_services.share_record(
        decision=decision, user=w.users["practitioner"], shared=True,
        what_was_shared="Concern", shared_with="Northgate", shared_on=w.share_request.received_on,
        method="secure_portal",
    )
    return decision


def _told_delivery(w):
    """Riverside (sender) told Northgate (recipient): in Northgate's inbox, not filed."""
    from decisions.exchange import services as exchange_services

    return exchange_services.exchange_tell(
        user=w.users["practitioner"], decision=_shared_decision(w), to_organisation=w.other_org
    )


# url name -> (how to build the URL from the world, expected GET status per role)
MATRIX = {
    "login": (lambda w: reverse("login"), expect(302, anonymous=200)),
    "dashboard": (lambda w: reverse("dashboard"), expect(200)),
    "case_list": (lambda w: reverse("case_list"), expect(200)),
    "case_create": (
        lambda w: reverse("case_create"),
        expect(200, lead=404, admin=404, other_lead=404, other_admin=404),
    ),
    "case_detail": (
        case_url("case_detail"),
        expect(404, practitioner=200, manager=200, lead=200),
    ),
    "case_edit": (case_url("case_edit"), expect(404, practitioner=200, manager=200)),
    "case_access": (case_url("case_access"), expect(404, lead=200)),
    "person_add": (case_url("person_add"), expect(404, practitioner=200, manager=200)),
    "request_open": (case_url("request_open"), expect(404, practitioner=200, manager=200)),
    "request_detail": (
        lambda w: reverse("request_detail", args=[w.share_request.pk]),
        expect(404, practitioner=200, manager=200, lead=200),
    ),
    # The decision wizard: drafts are their owner's alone.
    "decision_start": (
        lambda w: reverse("decision_start", args=[w.share_request.pk]),
        expect(404, practitioner=200, manager=200),
    ),
    "wizard_resume": (draft_url("wizard_resume"), expect(404, practitioner=302)),
    "wizard_framework": (draft_url("wizard_framework"), expect(404, practitioner=200)),
    "wizard_question": (
        lambda w: reverse("wizard_question", args=[w.draft.pk, "immediate_danger"]),
        expect(404, practitioner=200),
    ),
    "wizard_step": (
        lambda w: reverse("wizard_step", args=[w.draft.pk, "consent"]),
        expect(404, practitioner=302),  # not reached yet: sent to the next question
    ),
    "wizard_check": (draft_url("wizard_check"), expect(404, practitioner=302)),
    "wizard_submit": (draft_url("wizard_submit"), expect(404, practitioner=302)),
    "decision_detail": (
        decision_url("decision_detail"),
        expect(404, practitioner=200, manager=200, lead=200),
    ),
    # Printable records (decisions/pdf_views.py): as the record; unredacted for the lead only.
    "decision_pdf": (
        decision_url("decision_pdf"),
        expect(404, practitioner=200, manager=200, lead=200),
    ),
    "decision_pdf (unredacted copy)": (
        lambda w: reverse("decision_pdf", args=[w.decision.pk]) + "?unredacted=1",
        expect(404, lead=200),
    ),
    # The proof that the decision is in the signed log (JSON): the lead's, as that copy is.
    "decision_proof": (
        lambda w: reverse("decision_proof", args=[_submitted(w).pk]),
        expect(404, lead=200),
    ),
    "decision_submitted": (
        decision_url("decision_submitted"),
        expect(404, practitioner=200, manager=200, lead=200),
    ),
    # The audit log: leads and admins of the organisation only; each sees their own org's.
    "audit_list": (
        lambda w: reverse("audit_list"),
        expect(404, lead=200, admin=200, other_lead=200, other_admin=200),
    ),
    "audit_detail": (
        lambda w: reverse("audit_detail", args=[_audit_entry(w).sequence]),
        expect(404, lead=200, admin=200),
    ),
    "audit_export": (
        lambda w: reverse("audit_export"),
        expect(404, lead=200, admin=200, other_lead=200, other_admin=200),
    ),
    "audit_export_pdf": (
        lambda w: reverse("audit_export_pdf"),
        expect(404, lead=200, admin=200, other_lead=200, other_admin=200),
    ),
    # Verify now: POST only (a GET says so to those who may); a run is its starter's only.
    "audit_verify_start": (
        lambda w: reverse("audit_verify_start"),
        expect(404, lead=405, admin=405, other_lead=405, other_admin=405),
    ),
    "audit_verify_run": (
        lambda w: reverse("audit_verify_run", args=[_verify_run(w).pk]),
        expect(404, lead=200),
    ),
    # After submit (decisions/lifecycle_views.py). world.decision is the practitioner's and
    # needs approval: only the organisation's managers see the queue and give verdicts; case
    # writers answer questions, record what was shared, follow up and reconsider.
    "approval_queue": (
        lambda w: reverse("approval_queue"),
        expect(404, manager=200, other_manager=200),
    ),
    "approval_verdict": (decision_url("approval_verdict"), expect(404, manager=200)),
    "approval_given": (
        lambda w: reverse("approval_given", args=[_verdict(w).pk]),
        expect(404, manager=200),
    ),
    "info_answer": (
        lambda w: reverse("info_answer", args=[_verdict(w, "more_info", "Who told you?").pk]),
        expect(404, practitioner=200, manager=302),  # the manager who asked does not answer
    ),
    "record_shared": (
        lambda w: reverse("record_shared", args=[_verdict(w).pk]),
        expect(404, practitioner=200, manager=200),
    ),
    "record_not_shared": (
        lambda w: reverse("record_not_shared", args=[_verdict(w).pk]),
        expect(404, practitioner=200, manager=200),
    ),
    "follow_up_add": (decision_url("follow_up_add"), expect(404, practitioner=200, manager=200)),
    "follow_up_done": (
        lambda w: reverse("follow_up_done", args=[_follow_up(w).pk]),
        expect(404, practitioner=200, manager=200),
    ),
    "decision_reconsider": (
        decision_url("decision_reconsider"),
        expect(404, practitioner=200, manager=200),
    ),
    # Exchange between organisations (decisions/exchange/). Admins hold no case role.
    "exchange_directory": (
        lambda w: reverse("exchange_directory"), expect(200, admin=404, other_admin=404)
    ),
    "exchange_ask": (case_url("exchange_ask"), expect(404, practitioner=200, manager=200)),
    # The sender's half (Riverside asks): the recipient never sees it.
    "exchange_sent_detail": (
        lambda w: reverse("exchange_sent_detail", args=[_to_northgate(w).pk]),
        expect(404, practitioner=200, manager=200, lead=200),
    ),
    "exchange_incoming": (
        lambda w: reverse("exchange_incoming"), expect(200, admin=404, other_admin=404)
    ),
    # The recipient's half (Northgate asks Riverside): the request only, to all of Riverside's
    # practitioners, managers and leads; the sender and Eastfield get 404.
    "exchange_incoming_detail": (
        lambda w: reverse("exchange_incoming_detail", args=[_to_riverside(w).pk]),
        expect(404, practitioner=200, unassigned=200, manager=200, lead=200),
    ),
    "exchange_take": (
        lambda w: reverse("exchange_take", args=[_to_riverside(w).pk]),
        expect(404, practitioner=200, unassigned=200, manager=200, lead=302),  # leads only read
    ),
    "exchange_answer": (
        lambda w: reverse("exchange_answer", args=[_recorded(w).pk]),
        expect(404, practitioner=200, manager=200, unassigned=302, lead=302),
    ),
    "exchange_tell": (
        lambda w: reverse("exchange_tell", args=[_shared_decision(w).pk]),
        expect(404, practitioner=200, manager=200),
    ),
    "exchange_inbox": (
        lambda w: reverse("exchange_inbox"),
        expect(404, manager=200, lead=200, other_manager=200, other_lead=200),
    ),
    # A delivery (Northgate answered Riverside into RIV-1): the recipient's assignees are
    # granted it, its managers and leads read it; the sender reads its own record of it.
    "delivery_detail": (
        lambda w: reverse("delivery_detail", args=[_answered_delivery(w).pk]),
        expect(
            404, practitioner=200, manager=200, lead=200,
            other_practitioner=200, other_manager=200, other_lead=200,
            third_practitioner=404, third_manager=404, third_lead=404,
        ),
    ),
    "delivery_acknowledge": (  # POST acknowledges; GET goes back to the delivery
        lambda w: reverse("delivery_acknowledge", args=[_answered_delivery(w).pk]),
        expect(
            404, practitioner=302, manager=302, lead=302,
            other_practitioner=302, other_manager=302, other_lead=302,
            third_practitioner=404, third_manager=404, third_lead=404,
        ),
    ),
    "delivery_correct": (  # the sender's case writers only
        lambda w: reverse("delivery_correct", args=[_answered_delivery(w).pk]),
        expect(
            404, other_practitioner=200, other_manager=200,
            third_practitioner=404, third_manager=404, third_lead=404,
        ),
    ),
    # Told (Riverside to Northgate), in Northgate's inbox: its managers file it.
    "delivery_file": (
        lambda w: reverse("delivery_file", args=[_told_delivery(w).pk]),
        expect(
            404, practitioner=302, manager=302, lead=302, other_manager=200, other_lead=302,
            third_practitioner=404, third_manager=404, third_lead=404,
        ),
    ),
    "complaint_add": (decision_url("complaint_add"), expect(404, lead=200)),
    # Reports (decisions/reports/): each organisation's leads, for their own organisation;
    # another organisation's id in the query is 404 to everyone but its own leads.
    "reports": (lambda w: reverse("reports"), expect(404, lead=200, other_lead=200)),
    "reports_csv": (lambda w: reverse("reports_csv"), expect(404, lead=200, other_lead=200)),
    "reports_chart": (
        lambda w: reverse("reports_chart", args=["outcomes"]),
        expect(404, lead=200, other_lead=200),
    ),
    "reports (Northgate's, by id)": (
        lambda w: reverse("reports") + f"?organisation={w.other_org.pk}",
        expect(404, other_lead=200, third_lead=404),
    ),
    # Retention (decisions/retention/): schedules, the due list and holds are each
    # organisation's leads'; a person's disclosure log is for whoever may read their case.
    "retention": (lambda w: reverse("retention"), expect(404, lead=200, other_lead=200)),
    "retention (Northgate's, by id)": (
        lambda w: reverse("retention") + f"?organisation={w.other_org.pk}",
        expect(404, other_lead=200, third_lead=404),
    ),
    "retention_hold": (case_url("retention_hold"), expect(404, lead=200)),
    "retention_lift": (case_url("retention_lift"), expect(404, lead=200)),
    "disclosure_search": (
        lambda w: reverse("disclosure_search"), expect(404, lead=200, other_lead=200)
    ),
    "disclosure_log": (
        lambda w: reverse("disclosure_log", args=[w.person.pk]),
        expect(404, practitioner=200, manager=200, lead=200),
    ),
    "disclosure_pdf": (
        lambda w: reverse("disclosure_pdf", args=[w.person.pk]),
        expect(404, practitioner=200, manager=200, lead=200),
    ),
    # Jobs (isg/jobs): their starter's alone; leads see only kinds shared with them.
    "job_list": (lambda w: reverse("job_list"), expect(200)),  # each user's own jobs
    "job_detail": (lambda w: reverse("job_detail", args=[_job(w).pk]), expect(404, lead=200)),
    "job_download": (
        lambda w: reverse("job_download", args=[_job(w).pk]), expect(404, lead=200)
    ),
    # The API's description (isg/api/): the schema for anyone, the docs for the signed in.
    # The API itself has its own matrix below (API_MATRIX): clients, not people.
    "api_schema": (lambda w: reverse("api_schema"), expect(200, anonymous=200)),
    "api_docs": (lambda w: reverse("api_docs"), expect(200)),
    # Account security (isg/accounts): the user's own account, in no organisation.
    # Managers, leads and admins already have a device (tests/conftest.py), so set-up sends
    # them on; nobody has new recovery codes to see; everyone is verified already.
    "account_security": (lambda w: reverse("account_security"), expect(200)),
    "two_factor_setup": (
        lambda w: reverse("two_factor_setup"),
        expect(302, practitioner=200, unassigned=200, other_practitioner=200),
    ),
    "two_factor_recovery_codes": (lambda w: reverse("two_factor_recovery_codes"), expect(302)),
    # Only with two-factor set up: practitioners here have none and are sent back to security.
    "two_factor_new_codes": (
        lambda w: reverse("two_factor_new_codes"),
        expect(200, anonymous=302, practitioner=302, unassigned=302, other_practitioner=302),
    ),
    "two_factor_verify": (lambda w: reverse("two_factor_verify"), expect(302)),
    "confirm_password": (lambda w: reverse("confirm_password"), expect(200)),
    # Guidance is not organisation-specific: every signed-in role reads it.
    "guidance:library": (lambda w: reverse("guidance:library"), expect(200)),
    "guidance:compare": (lambda w: reverse("guidance:compare"), expect(200)),
    "guidance:framework": (lambda w: reverse("guidance:framework", args=["uk-2024"]), expect(200)),
    "guidance:framework_version": (
        lambda w: reverse("guidance:framework_version", args=["uk-2024", "1.0.0"]),
        expect(200),
    ),
    "admin:guidance_frameworkversion_changelist": (
        lambda w: reverse("admin:guidance_frameworkversion_changelist"),
        expect(302, admin=200, other_admin=200),
    ),
    # Admin: only staff get in; an admin sees no case content unless another role allows it.
    "admin:index": (
        lambda w: reverse("admin:index"),
        expect(302, admin=200, other_admin=200),
    ),
    "admin:decisions_case_change": (
        lambda w: reverse("admin:decisions_case_change", args=[w.case.pk]),
        expect(302),
    ),
}

# Routes that are not pages of ours and are covered elsewhere.
NOT_IN_MATRIX = {
    "logout",  # POST only; tests/accounts/test_sign_in.py
    "api_token",  # POST only, for clients; tests/api/test_auth.py
    "api_revoke_token",
}


def _route_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    names = {name for name in _route_names(get_resolver().url_patterns)}
    ours = {name for name in names if not name.startswith("admin:")}
    missing = ours - set(MATRIX) - NOT_IN_MATRIX - set(API_MATRIX)
    assert not missing, f"add permission-matrix rows for: {sorted(missing)}"


def test_every_row_names_every_role():
    for name, (_, statuses) in MATRIX.items():
        assert set(statuses) == set(ROLES), name


def test_other_organisations_never_get_in_to_object_urls():
    for name, (_, statuses) in MATRIX.items():
        if name in (
            "login",
            "dashboard",
            "case_list",
            "case_create",
            "admin:index",
            "audit_list",  # each lead's own organisation's log
            "audit_export",
            "audit_export_pdf",
            "audit_verify_start",  # the whole log is one chain: any lead may check it
            "approval_queue",  # each manager's own organisation's queue
            "exchange_directory",  # the directory and queues: each their own organisation's
            "exchange_incoming",
            "exchange_inbox",
            "job_list",  # each user's own jobs
            "reports",  # each lead's own organisation's figures
            "reports_csv",
            "reports_chart",
            "reports (Northgate's, by id)",  # Northgate's own lead may, nobody else
            "retention",  # each lead's own organisation's schedule and cases
            "retention (Northgate's, by id)",  # Northgate's own lead may, nobody else
            "disclosure_search",  # each lead searches their own organisation's cases
            "api_schema",  # the API's description: no organisation's data
            "api_docs",
        ) or name.startswith(("guidance:", "admin:guidance_")):  # not organisation-specific
            continue
        if name in ACCOUNT_PAGES:  # the user's own account, not an organisation's object
            continue
        # A delivery is both organisations' record; a third organisation never gets in.
        parties = OTHERS if name not in DELIVERY_PAGES else THIRDS
        for role in parties:
            assert statuses[role] in (302, 404), (name, role)


DELIVERY_PAGES = {"delivery_detail", "delivery_acknowledge", "delivery_correct", "delivery_file"}


ACCOUNT_PAGES = {
    "account_security",
    "two_factor_setup",
    "two_factor_recovery_codes",
    "two_factor_new_codes",
    "two_factor_verify",
    "confirm_password",
}


def test_no_cell_expects_403():
    """Refusals are 404 (or a redirect to sign in), never 403: a 403 says the object exists.

    test_permission_matrix asserts each cell's status equals the table's, so no response
    in the matrix can be a 403 either.
    """
    forbidden = [
        (name, role) for name, (_, statuses) in MATRIX.items() for role, s in statuses.items()
        if s == 403
    ]
    assert forbidden == []


CELLS = [(name, role) for name in MATRIX for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CELLS, ids=[f"{n}-{r}" for n, r in CELLS])
def test_permission_matrix(world, client_for, name, role):
    build, statuses = MATRIX[name]
    if role in THIRDS:
        third = factories.make_organisation("Eastfield")
        world.users[role] = factories.make_user(third, ROLE_OF[role.removeprefix("third_")])
    client = client_for(None if role == "anonymous" else world.users[role])
    response = client.get(build(world))
    assert response.status_code == statuses[role], (name, role, response.status_code)


# --- The API (isg/api/): every endpoint × a client of the object's organisation, of another
# organisation, of the right organisation without the scope, and one that was revoked.
# A client acts through a service account in the pages' selectors, so its organisation's
# objects are 200 and another's 404 exactly as for people; the scope is checked first (403),
# and a revoked client's token is refused before anything else (401).

API_CELLS = ("own", "other", "wrong_scope", "revoked")


def api_expect(own: int = 200, other: int = 404) -> dict[str, int]:
    return {"own": own, "other": other, "wrong_scope": 403, "revoked": 401}


def _request_body(w):
    return {
        "direction": "incoming", "counterpart_agency": "Police", "counterpart_contact": "DC X",
        "counterpart_role": "Officer", "purpose": "Assess risk",
        "information_requested": "Attendance", "due_on": "2030-01-01",
    }


def _exchange_body(w):
    _listed(w)
    return {
        "to_organisation": w.other_org.pk, "purpose": "Assess risk",
        "information_requested": "Attendance", "urgency": "routine", "due_on": "2030-01-01",
    }


def _shared_and_approved(w):
    from decisions.lifecycle import services as lifecycle_services

    decision = _verdict(w)
    lifecycle_services.share_record(
        decision=decision, user=w.users["practitioner"], shared=True,
        what_was_shared="Attendance", shared_with="Police", shared_on=w.share_request.received_on,
        method="secure_email",
    )
    return decision


def _endpoint(w):
    from isg.api.models import WebhookEndpoint

    return WebhookEndpoint.objects.create(organisation=w.org, url="https://mosaic.example/h")


# url name -> (method, build the path from the world, body (or None), expected per cell)
API_MATRIX = {
    "api_cases": ("get", lambda w: reverse("api_cases"), None, api_expect(other=200)),
    "api_cases (create)": (
        "post", lambda w: reverse("api_cases"), lambda w: {"reference": "NEW-1"},
        api_expect(own=201, other=201),
    ),
    "api_case": ("get", lambda w: reverse("api_case", args=[w.case.pk]), None, api_expect()),
    "api_case_people": (
        "get", lambda w: reverse("api_case_people", args=[w.case.pk]), None, api_expect()
    ),
    "api_case_people (add)": (
        "post", lambda w: reverse("api_case_people", args=[w.case.pk]),
        lambda w: {"name": "Alex", "relationship": "sibling"}, api_expect(own=201),
    ),
    "api_case_requests": (
        "get", lambda w: reverse("api_case_requests", args=[w.case.pk]), None, api_expect()
    ),
    "api_case_requests (open)": (
        "post", lambda w: reverse("api_case_requests", args=[w.case.pk]), _request_body,
        api_expect(own=201),
    ),
    "api_case_exchanges": (
        "get", lambda w: reverse("api_case_exchanges", args=[w.case.pk]), None, api_expect()
    ),
    "api_case_exchanges (ask)": (
        "post", lambda w: reverse("api_case_exchanges", args=[w.case.pk]), _exchange_body,
        api_expect(own=201),
    ),
    "api_request": (
        "get", lambda w: reverse("api_request", args=[w.share_request.pk]), None, api_expect()
    ),
    "api_directory": ("get", lambda w: reverse("api_directory"), None, api_expect(other=200)),
    "api_exchange": (
        "get", lambda w: reverse("api_exchange", args=[_to_northgate(w).pk]), None, api_expect()
    ),
    "api_decisions": ("get", lambda w: reverse("api_decisions"), None, api_expect(other=200)),
    "api_decision": ("get", decision_url("api_decision"), None, api_expect()),
    "api_decision_follow_ups": (
        "get", lambda w: reverse("api_decision_follow_ups", args=[_follow_up(w).decision_id]),
        None, api_expect(),
    ),
    "api_decision_pdf": ("get", decision_url("api_decision_pdf"), None, api_expect()),
    "api_decision_fhir": (
        "get", lambda w: reverse("api_decision_fhir", args=[_shared_and_approved(w).pk]), None,
        api_expect(),
    ),
    "api_decision_audit_proof": (
        "get", lambda w: reverse("api_decision_audit_proof", args=[_submitted(w).pk]), None,
        api_expect(),
    ),
    "api_follow_ups": ("get", lambda w: reverse("api_follow_ups"), None, api_expect(other=200)),
    "api_frameworks": ("get", lambda w: reverse("api_frameworks"), None, api_expect(other=200)),
    "api_framework": (
        "get", lambda w: reverse("api_framework", args=["uk-2024"]), None,
        api_expect(other=200),
    ),
    "api_framework_decide": (
        "post", lambda w: reverse("api_framework_decide", args=["uk-2024"]),
        lambda w: {"facts": {"immediate_danger": False}}, api_expect(other=200),
    ),
    "api_audit": ("get", lambda w: reverse("api_audit"), None, api_expect(other=200)),
    "api_webhooks": ("get", lambda w: reverse("api_webhooks"), None, api_expect(other=200)),
    "api_webhooks (register)": (
        "post", lambda w: reverse("api_webhooks"),
        lambda w: {"url": "https://mosaic.example/hooks", "events": ["decision.approved"]},
        api_expect(own=201, other=201),
    ),
    "api_webhook": (
        "get", lambda w: reverse("api_webhook", args=[_endpoint(w).pk]), None, api_expect()
    ),
    "api_webhook (remove)": (
        "delete", lambda w: reverse("api_webhook", args=[_endpoint(w).pk]), None,
        api_expect(own=204),
    ),
    "api_webhook_deliveries": (
        "get", lambda w: reverse("api_webhook_deliveries", args=[_endpoint(w).pk]), None,
        api_expect(),
    ),
}


def test_every_api_url_is_in_the_api_matrix():
    names = {name for name in _route_names(get_resolver().url_patterns)}
    api = {n for n in names if n.startswith("api_")} - {"api_schema", "api_docs"}
    missing = api - {row.split(" (")[0] for row in API_MATRIX} - NOT_IN_MATRIX
    assert not missing, f"add API permission-matrix rows for: {sorted(missing)}"


def _api_client_for(w, cell, method, path):
    """A REST client with a bearer token for the cell's kind of client."""
    from django.urls import resolve
    from rest_framework.test import APIClient

    from isg.api.auth import needed_scopes
    from isg.api.clients import client_revoke
    from isg.api.scopes import SCOPES

    needed = set(needed_scopes(resolve(path).func.view_class, method))
    scopes = " ".join(s for s in SCOPES if cell != "wrong_scope" or s not in needed)
    organisation = w.other_org if cell == "other" else w.org
    client = factories.make_api_client(organisation, scopes).client
    token = factories.make_api_token(client)
    if cell == "revoked":
        client_revoke(client_id=client.client_id)
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return http


API_CELL_IDS = [(name, cell) for name in API_MATRIX for cell in API_CELLS]


@pytest.mark.parametrize(("name", "cell"), API_CELL_IDS, ids=[f"{n}-{c}" for n, c in API_CELL_IDS])
def test_api_permission_matrix(world, name, cell):
    method, build, body, statuses = API_MATRIX[name]
    path = build(world)
    http = _api_client_for(world, cell, method, path)
    if method == "post":
        response = http.post(path, body(world), format="json")
    else:
        response = getattr(http, method)(path)
    assert response.status_code == statuses[cell], (name, cell, response.status_code)


def test_api_lists_hold_only_the_clients_own_organisation(world):
    """The list endpoints answer another organisation's client with its own rows only."""
    from rest_framework.test import APIClient

    other = factories.make_api_client(world.other_org).client
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_api_token(other)}")
    cases = [row["reference"] for row in http.get(reverse("api_cases")).json()["results"]]
    assert cases == ["NORTH-1"]
    assert http.get(reverse("api_decisions")).json()["results"] == []
    audit = http.get(reverse("api_audit")).json()["entries"]
    assert {entry["organisation"] for entry in audit} <= {world.other_org.pk}

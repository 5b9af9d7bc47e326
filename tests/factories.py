"""Plain factory functions: the smallest objects a test needs, with sensible defaults."""

import datetime
import itertools

from django.utils import timezone

from decisions.models import Case, Decision, DecisionDraft, Person, ShareRequest
from guidance import catalogue
from isg.accounts.models import Membership, Organisation, Role, User

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)


def make_organisation(name: str | None = None, **fields) -> Organisation:
    return Organisation.objects.create(name=name or f"Organisation {next(_counter)}", **fields)


def make_user(
    organisation: Organisation | None = None,
    role: str = Role.PRACTITIONER,
    username: str | None = None,
    **fields,
) -> User:
    n = next(_counter)
    user = User.objects.create_user(
        username=username or f"{role}{n}",
        password=PASSWORD,
        first_name=fields.pop("first_name", role.title()),
        last_name=fields.pop("last_name", str(n)),
        **fields,
    )
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    if role == Role.ADMIN:
        user.is_staff = user.is_superuser = True
        user.save()
    return user


def make_case(organisation: Organisation, assigned: list[User] = (), **fields) -> Case:
    creator = fields.pop("created_by", None) or (assigned[0] if assigned else make_user())
    case = Case.objects.create(
        organisation=organisation,
        reference=fields.pop("reference", f"CASE-{next(_counter)}"),
        created_by=creator,
        **fields,
    )
    case.assigned.set(assigned)
    return case


def make_person(case: Case, **fields) -> Person:
    fields.setdefault("name", f"Person {next(_counter)}")
    fields.setdefault("relationship", "parent")
    return Person.objects.create(case=case, **fields)


def make_request(case: Case, opened_by: User | None = None, **fields) -> ShareRequest:
    today = timezone.localdate()
    values = {
        "direction": ShareRequest.INCOMING,
        "counterpart_agency": "Police Public Protection Unit",
        "counterpart_contact": "DC Example",
        "counterpart_role": "Investigating officer",
        "purpose": "Assess risk",
        "information_requested": "Attendance record",
        "received_on": today - datetime.timedelta(days=1),
        "due_on": today + datetime.timedelta(days=3),
    }
    values.update(fields)
    return ShareRequest.objects.create(case=case, opened_by=opened_by or case.created_by, **values)


def make_draft(share_request: ShareRequest, owner: User, **fields) -> DecisionDraft:
    fields.setdefault("framework", "uk-2024")
    fields.setdefault("framework_version", catalogue.definition(fields["framework"])["version"])
    return DecisionDraft.objects.create(share_request=share_request, owner=owner, **fields)


def make_decision(share_request: ShareRequest, decided_by: User, **fields) -> Decision:
    """A decision row written directly, for tests that need one to exist (not via the wizard)."""
    draft = make_draft(share_request, decided_by)
    values = {
        "framework": draft.framework,
        "framework_version": draft.framework_version,
        "facts": {"immediate_danger": False, "legitimate_purpose": True},
        "recommendation": "share_without_consent",
        "outcome": Decision.Outcome.SHARE_WITHOUT_CONSENT,
        "requires_approval": True,
        "rationale": "Risk of significant harm outweighs the refusal.",
    }
    values.update(fields)
    decision = Decision.objects.create(
        share_request=share_request,
        case=share_request.case,
        organisation=share_request.case.organisation,
        draft=draft,
        decided_by=decided_by,
        **values,
    )
    if decision.requires_approval:  # as decision_submit leaves the request
        share_request.status = ShareRequest.Status.AWAITING_APPROVAL
        share_request.save(update_fields=["status"])
    return decision

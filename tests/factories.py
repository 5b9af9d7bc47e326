"""Plain factory functions: the smallest objects a test needs, with sensible defaults."""

import datetime
import itertools

from django.utils import timezone

from decisions.exchange.services import exchange_take
from decisions.lifecycle.services import share_record
from decisions.models import (
    Case,
    Decision,
    DecisionDraft,
    DirectoryEntry,
    ExchangeRequest,
    Person,
    ShareRequest,
)
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


def request_fields(**fields) -> dict:
    """What a practitioner fills in to open a share request, with `fields` over it."""
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
    return values


def make_request(case: Case, opened_by: User | None = None, **fields) -> ShareRequest:
    return ShareRequest.objects.create(
        case=case, opened_by=opened_by or case.created_by, **request_fields(**fields)
    )


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


# --- Exchange between organisations (decisions/exchange/) ---------------------------------------


def make_listed(organisation: Organisation, **fields):
    """The organisation's entry in the directory."""
    fields.setdefault("kind", "children_social_care")
    fields.setdefault("duty_inbox", f"duty@{organisation.name.lower()}.example")
    return DirectoryEntry.objects.create(organisation=organisation, **fields)


def make_exchange(case: Case, to_organisation: Organisation, asked_by: User, **fields):
    """A request from `case` to another organisation, as exchange_ask writes it (no audit)."""
    values = {
        "purpose": "Assess risk to the child",
        "information_requested": "Attendance record, autumn term",
        "urgency": "routine",
        "due_on": timezone.localdate() + datetime.timedelta(days=5),
    }
    values.update(fields)
    return ExchangeRequest.objects.create(
        from_organisation=case.organisation,
        to_organisation=to_organisation,
        from_case=case,
        asked_by=asked_by,
        **values,
    )


def take_and_record(exchange, taker: User, *, shared: bool, reference: str = "TAKEN-1"):
    """The recipient takes the request into a new case, decides without approval and records
    what happened (shared or not): ready to answer. Returns the recipient's decision."""
    draft = exchange_take(user=taker, exchange_id=exchange.pk, new_reference=reference)
    exchange.refresh_from_db()
    outcome = Decision.Outcome.SHARE if shared else Decision.Outcome.DO_NOT_SHARE
    decision = Decision.objects.create(
        share_request=exchange.to_request,
        case=exchange.to_request.case,
        organisation=exchange.to_organisation,
        draft=draft,
        decided_by=taker,
        framework=draft.framework,
        framework_version=draft.framework_version,
        facts={},
        answers={
            "items": [
                {"description": "Attendance record, autumn term", "justification": "Absences"}
            ]
        }
        if shared
        else {},
        recommendation=outcome,
        outcome=outcome,
        requires_approval=False,
        rationale="Recorded for the test.",
    )
    if shared:
        share_record(
            decision=decision, user=taker, shared=True,
            what_was_shared="Attendance record, autumn term", shared_with="Asker",
            shared_on=timezone.localdate(), method="secure_portal",
        )
    else:
        share_record(
            decision=decision, user=taker, shared=False,
            not_shared_reasons="No consent and no risk of harm.", requester_told=True,
        )
    return decision


# --- API clients (isg/api/) -------------------------------------------------------------------


def make_api_client(organisation: Organisation, scopes: str = "", name: str | None = None):
    """A client with every scope unless told; returns isg.api.clients.NewClient."""
    from isg.api.clients import client_create
    from isg.api.scopes import SCOPES

    return client_create(
        organisation=organisation,
        name=name or f"System {next(_counter)}",
        scopes=scopes or " ".join(SCOPES),
    )


def make_api_token(client, scopes: str | None = None) -> str:
    """A bearer token for the client, as /o/token/ would issue it (its scopes by default)."""
    import secrets

    from oauth2_provider.models import AccessToken

    token = secrets.token_urlsafe(30)
    AccessToken.objects.create(
        application=client.application,
        token=token,
        scope=scopes if scopes is not None else " ".join(client.scopes),
        expires=timezone.now() + datetime.timedelta(hours=1),
    )
    return token

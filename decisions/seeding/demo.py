"""Demo data for trying ISG out: built through the same services users' actions call."""

import base64
import datetime
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from decisions.cases import services as case_services
from decisions.models import ShareRequest
from decisions.seeding.volume_data import EVERY_CHECK, WELLBEING_WITH_CONSENT
from decisions.wizard import services as wizard_services
from decisions.wizard.state import state_for, step_for_slug
from guidance import engine
from isg.accounts.models import Membership, Organisation, Role, User
from isg.accounts.security import requires_two_factor

DEMO_PASSWORD = "demo-password-2026"
# Managers, leads and admins must use two-factor authentication. Demo users of those roles
# get an authenticator-app device with this key (never used outside seed_demo, which refuses
# to run when DEBUG is off): add DEMO_TOTP_SECRET to an app, or run `manage.py demo_code`.
DEMO_TOTP_KEY = "6973672d64656d6f2d6b65792d6e6f742d666f722d6c697665"
DEMO_TOTP_SECRET = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()

ORGANISATIONS = [
    {
        "name": "Riverside Children's Services",
        "default_framework": "uk-2024",
        "child_protection_line": "Riverside children's social care front door: 0300 555 0100",
        "users": [
            ("pat", "Pat", "Okafor", Role.PRACTITIONER),
            ("priya", "Priya", "Shah", Role.PRACTITIONER),
            ("mark", "Mark", "Ellis", Role.MANAGER),
            ("lena", "Lena", "Novak", Role.LEAD),
            ("adam", "Adam", "Reid", Role.ADMIN),
        ],
    },
    {
        "name": "Northgate Family Support",
        "default_framework": "sa-isg",
        "emergency_number": "000",
        "child_protection_line": "Child Abuse Report Line: 13 14 78",
        "users": [
            ("quinn", "Quinn", "Taylor", Role.PRACTITIONER),
            ("maria", "Maria", "Costa", Role.MANAGER),
            ("leo", "Leo", "Brennan", Role.LEAD),
        ],
    },
]

CASES = {
    "Riverside Children's Services": [
        {
            "reference": "RCS-2026-0142",
            "summary": "School raised concerns about bruising and missed attendance.",
            "child": ("Amira K", datetime.date(2015, 4, 12)),
            "assigned": ["pat"],
            "people": [
                ("Joanne K", "parent", False),
                ("Neighbour who called the school", "neighbour", True),
            ],
            "requests": [
                {
                    "direction": "incoming",
                    "counterpart_agency": "Riverside Police Public Protection Unit",
                    "counterpart_contact": "DC Morgan, 0300 555 0199",
                    "counterpart_role": "Investigating officer, child protection",
                    "purpose": "Assessing risk following a domestic incident at the home.",
                    "information_requested": "Attendance record and any disclosures made.",
                    "urgency": "urgent",
                    "due_in": 1,
                },
            ],
        },
        {
            "reference": "RCS-2026-0157",
            "summary": "Health visitor worried about neglect of an infant.",
            "child": ("Baby T", datetime.date(2025, 11, 2)),
            "assigned": ["pat", "priya"],
            "people": [("Sam T", "parent", False), ("Chris D", "partner", False)],
            "requests": [
                {
                    "direction": "outgoing",
                    "counterpart_agency": "Riverside GP Practice",
                    "counterpart_contact": "Dr Hughes, safeguarding lead GP",
                    "counterpart_role": "Named GP for safeguarding",
                    "purpose": "Coordinate health follow-up for the infant.",
                    "information_requested": "Our observations from the last two home visits.",
                    "urgency": "routine",
                    "due_in": 7,
                    "decision": {
                        "by": "pat",
                        "facts": {
                            **WELLBEING_WITH_CONSENT,
                            "uk_child_objects": False,
                            "subject_informed": True,
                            "advice_sought": False,
                        },
                        "steps": {
                            "consent": {"child_views": ["Too young to give a view."]},
                            "items": {
                                "items-TOTAL_FORMS": ["1"],
                                "items-INITIAL_FORMS": ["0"],
                                "items-0-description": ["Observations from two home visits"],
                                "items-0-justification": ["The GP is arranging a health review"],
                            },
                            "recipients": {
                                "recipients": ["Dr Hughes, safeguarding lead GP"],
                                "method": ["secure_email"],
                            },
                            "proportionality": {"checks": EVERY_CHECK},
                            "lawful_basis": {"lawful_basis": ["gdpr-6-1-e"]},
                            "outcome": {
                                "outcome": ["share"],
                                "rationale": [
                                    "Sam agreed to the GP being told; the visits raise a health "
                                    "need the GP can meet."
                                ],
                            },
                        },
                    },
                },
            ],
        },
        {
            "reference": "RCS-2026-0163",
            "summary": "Young carer, family asked for support with housing.",
            "child": ("Jordan M", datetime.date(2011, 8, 30)),
            "assigned": ["priya"],
            "people": [("Alex M", "parent", False)],
            "requests": [
                {
                    "direction": "incoming",
                    "counterpart_agency": "Riverside Housing Association",
                    "counterpart_contact": "Housing officer, 0300 555 0123",
                    "counterpart_role": "Tenancy support",
                    "purpose": "Prioritising a housing transfer.",
                    "information_requested": "Confirmation of caring responsibilities.",
                    "urgency": "routine",
                    "due_in": -2,
                },
            ],
        },
    ],
    "Northgate Family Support": [
        {
            "reference": "NFS-0091",
            "summary": "Family violence reported by older sibling.",
            "child": ("Kai W", datetime.date(2013, 1, 5)),
            "assigned": ["quinn"],
            "people": [("Older sibling", "sibling", True), ("R W", "alleged_abuser", False)],
            "requests": [
                {
                    "direction": "incoming",
                    "counterpart_agency": "Northgate Primary School",
                    "counterpart_contact": "Principal, 08 5555 0101",
                    "counterpart_role": "School wellbeing lead",
                    "purpose": "Planning support at school.",
                    "information_requested": "Whether the family is engaged with support.",
                    "urgency": "routine",
                    "due_in": 5,
                    "decision": {
                        "by": "quinn",
                        "facts": {
                            "immediate_danger": False,
                            "legitimate_purpose": True,
                            "recipient_has_role": True,
                            "identifiable": True,
                            "risk_of_harm": "wellbeing",
                            "informing_increases_risk": False,
                            "consent": "refused",
                            "advice_sought": True,
                        },
                        "steps": {
                            "consent": {"child_views": ["Kai wants school to know he is OK."]},
                            "advice": {
                                "advice_from": ["Maria Costa, manager"],
                                "advice_given": ["Respect the refusal unless risk rises."],
                            },
                            "outcome": {
                                "outcome": ["do_not_share"],
                                "rationale": [
                                    "A wellbeing need only, and the parent refused; no serious "
                                    "threat that would justify sharing without consent."
                                ],
                                "refusal_reasons": [
                                    "The family has not agreed, and there is no serious threat "
                                    "to Kai's safety that would justify sharing without it."
                                ],
                            },
                        },
                    },
                },
            ],
        },
    ],
}


@transaction.atomic
def seed(
    before_cases: Callable[[dict[str, User]], object] | None = None,
) -> tuple[list[tuple[str, str, str]], bool]:
    """Create the demo organisations, users, cases and requests.

    `before_cases` (the demo's past year) runs once the users exist and before today's
    cases, so that the audit log's times stay in order. Returns the demo accounts and
    whether anything was created (running it again creates nothing more).
    """
    accounts = []
    created_any = False
    users: dict[str, User] = {}
    new_organisations = []
    for spec in ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(
            name=spec["name"],
            defaults={
                key: spec[key]
                for key in ("default_framework", "emergency_number", "child_protection_line")
                if key in spec
            },
        )
        created_any |= created
        for username, first, last, role in spec["users"]:
            user, user_created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                },
            )
            if user_created:
                user.set_password(DEMO_PASSWORD)
                if role == Role.ADMIN:
                    user.is_staff = user.is_superuser = True
                user.save()
            Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
            if requires_two_factor(user):
                TOTPDevice.objects.get_or_create(
                    user=user,
                    name="Demo authenticator",
                    defaults={"key": DEMO_TOTP_KEY, "confirmed": True},
                )
            users[username] = user
            accounts.append((username, Role(role).label, organisation.name))
        if created:
            new_organisations.append(organisation)
    if new_organisations and before_cases is not None:
        before_cases(users)
    for organisation in new_organisations:
        _seed_cases(organisation, CASES.get(organisation.name, []), users)
    return accounts, created_any


def _seed_cases(organisation: Organisation, cases: list[dict], users: dict[str, User]) -> None:
    today = timezone.localdate()
    for spec in cases:
        author = users[spec["assigned"][0]]
        case = case_services.case_create(
            user=author,
            organisation=organisation,
            reference=spec["reference"],
            summary=spec["summary"],
            child_name=spec["child"][0],
            child_date_of_birth=spec["child"][1],
            assigned=[users[name] for name in spec["assigned"]],
        )
        for name, relationship, protect in spec["people"]:
            case_services.person_add(
                user=author,
                case=case,
                name=name,
                relationship=relationship,
                protect_identity=protect,
            )
        for request in spec["requests"]:
            fields = dict(request)
            due_in = fields.pop("due_in")
            decision = fields.pop("decision", None)
            share_request = case_services.share_request_open(
                user=author,
                case=case,
                received_on=today - datetime.timedelta(days=3),
                due_on=today + datetime.timedelta(days=due_in),
                **fields,
            )
            if decision:
                decide(users[decision["by"]], share_request, decision)


def decide(user: User, share_request: ShareRequest, spec: dict) -> None:
    """Take a request through the wizard's services, as the practitioner's answers would."""
    draft = wizard_services.draft_start(user=user, share_request=share_request)
    # In the order the wizard asks: an answer to a question not yet on the path is dropped.
    while (step := state_for(draft).next_step()).is_question:
        fact = engine.question(state_for(draft).definition, step.slug)["fact"]
        wizard_services.draft_answer(draft=draft, fact=fact, value=spec["facts"][fact])
    for slug, raw in spec["steps"].items():
        record_step = step_for_slug(slug)
        assert record_step is not None, slug
        wizard_services.draft_save_step(draft=draft, user=user, step=record_step, raw=raw)
    wizard_services.decision_submit(draft=draft, user=user)

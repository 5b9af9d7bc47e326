"""The names, agencies and words the demo year is written with (all invented)."""

from typing import Any

from decisions.seeding.demo_exchange import NORTHGATE, RIVERSIDE, SHARED_WITH_CONSENT
from decisions.seeding.volume_data import (
    SIGNIFICANT_RISK,
    WELLBEING_CONSENT_REFUSED,
    WELLBEING_WITH_CONSENT,
)

# What each organisation decides, as facts for its framework's questions (the outcome each
# gives: uk-2024 share without consent (approval), share, do not share; sa-isg do not share
# (approval), share without consent (approval), share with consent).
FACTS: dict[str, dict[str, dict[str, Any]]] = {
    "uk-2024": {
        "share_without_consent": SIGNIFICANT_RISK,
        "share": WELLBEING_WITH_CONSENT,
        "do_not_share": WELLBEING_CONSENT_REFUSED,
    },
    "sa-isg": {
        "do_not_share": WELLBEING_CONSENT_REFUSED,
        "share_without_consent": SIGNIFICANT_RISK,
        "share": SHARED_WITH_CONSENT["facts"],
    },
}


AGENCIES = {
    RIVERSIDE: [
        ("Riverside Police Public Protection Unit", "Investigating officer, child protection"),
        ("Riverside GP Practice", "Named GP for safeguarding"),
        ("Riverside Primary School", "Designated safeguarding lead"),
        ("Riverside Housing Association", "Tenancy support officer"),
        ("Riverside Health Visiting Team", "Health visitor"),
        ("Riverside Youth Justice Service", "Case manager"),
        ("Riverside Child and Adolescent Mental Health Service", "Clinical lead"),
    ],
    NORTHGATE: [
        ("Northgate Primary School", "School wellbeing lead"),
        ("SA Police, Northgate station", "Family violence investigator"),
        ("Northgate Community Health", "Child and family health nurse"),
        ("Northgate Housing SA office", "Tenancy officer"),
        ("Northgate Youth Services", "Youth worker"),
    ],
}
CHILDREN = [
    "Ava",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Finn",
    "Grace",
    "Hari",
    "Isla",
    "Jack",
    "Keira",
    "Leo",
    "Maya",
    "Noah",
    "Olivia",
    "Priya",
    "Rory",
    "Sofia",
    "Theo",
    "Una",
    "Victor",
    "Willow",
    "Yusuf",
    "Zara",
]
SUMMARIES = [
    "School concerned about attendance and the child's presentation.",
    "Police attended a domestic incident; children present.",
    "Health visitor worried about home conditions for an infant.",
    "Young carer; family asked for help with housing.",
    "Older child missing from home twice this term.",
    "Neighbour reported shouting and a child crying late at night.",
]
PURPOSES = [
    ("Assessing risk after an incident at the home.", "Attendance and any disclosures."),
    ("Planning support at school.", "Whether the family is engaged with support."),
    ("Coordinating a health review.", "Observations from recent home visits."),
    ("Prioritising a housing transfer.", "Confirmation of caring responsibilities."),
    ("A strategy discussion is planned.", "Current concerns and who is involved."),
]
METHODS = ["secure_email", "secure_portal", "phone", "meeting"]

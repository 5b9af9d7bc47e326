"""Generated data at volume, for benchmarks and load tests (`manage.py seed_volume`).

Written with bulk inserts, not through the services: a hundred thousand cases through the
services would take hours. The rows are built by the services' own builders instead — the
same decision fields (`wizard.services.decision_fields`), the same audit entries
(`audit.record.build`) and snapshots — so `verify_audit` passes afterwards.

Everything generated belongs to organisations whose names start with `GENERATED_PREFIX`;
the command refuses to touch a database that holds anything else (real data).
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from decisions.models import AuditEntry, Case
from decisions.seeding.bulk import BATCH
from decisions.seeding.generate import (
    GENERATED_PREFIX,
    Chain,
    OrgCast,
    Summary,
    generate_chunk,
)
from decisions.seeding.volume_data import FACT_SETS, decision_templates
from isg.accounts.models import Membership, Organisation, Role, User

USERNAME_PREFIX = "gen"
PASSWORD = "volume-password-2026"
CASES_PER_CHUNK = 1000
SPAN = datetime.timedelta(days=730)
# Requests opened in the last OPEN_SHARE of the time span are still open (no decision yet);
# decisions needing approval in the last PENDING_SHARE are still waiting for it.
OPEN_SHARE = 0.03
PENDING_SHARE = 0.05
CASELOAD = 40  # cases per practitioner, roughly

ORGANISATIONS = [
    ("Riverside", "uk-2024"),
    ("Northgate", "sa-isg"),
    ("Eastfield", "uk-2024"),
    ("Westbrook", "uk-2024"),
]

class RealDataPresent(Exception):
    """The database holds data that seed_volume did not generate."""


class AlreadySeeded(Exception):
    """The database already holds generated data."""


# --- Safety ----------------------------------------------------------------------------------


def generated_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(name__startswith=GENERATED_PREFIX)


def check_database_is_empty_of_real_data() -> None:
    """Refuse a database holding any organisation, case or audit entry not generated here."""
    real_orgs = Organisation.objects.exclude(name__startswith=GENERATED_PREFIX)
    real_cases = Case.objects.exclude(organisation__name__startswith=GENERATED_PREFIX)
    real_entries = AuditEntry.objects.exclude(organisation__name__startswith=GENERATED_PREFIX)
    found = [
        f"{count} {label}"
        for count, label in (
            (real_orgs.count(), "organisation(s)"),
            (real_cases.count(), "case(s)"),
            (real_entries.count(), "audit entr(y/ies)"),
        )
        if count
    ]
    if found:
        raise RealDataPresent(
            "this database holds data seed_volume did not generate ("
            + ", ".join(found)
            + "): refusing to add generated data to it. Point DATABASE_URL at a new, empty "
            "database (e.g. createdb isg_bench) and run migrate first."
        )
    existing = Case.objects.count()
    if existing or generated_organisations().exists():
        raise AlreadySeeded(
            f"this database already holds generated data ({existing} cases). Use a new, "
            "empty database (dropdb/createdb, then migrate)."
        )


# --- Generation ------------------------------------------------------------------------------


def org_name(base: str) -> str:
    return f"{GENERATED_PREFIX}{base}"


def username(org_index: int, role: str, n: int) -> str:
    return f"{USERNAME_PREFIX}{org_index + 1}-{role}{n:04d}"


def _make_cast(cases: int) -> list[OrgCast]:
    per_org = max(cases // len(ORGANISATIONS), 1)
    practitioners = max(12, per_org // CASELOAD)
    managers = max(3, practitioners // 8)
    counts = {
        Role.PRACTITIONER: practitioners,
        Role.MANAGER: managers,
        Role.LEAD: 2,
        Role.ADMIN: 1,
    }
    password = make_password(PASSWORD)  # one hash for all: generated accounts only
    casts = []
    users, memberships = [], []
    for index, (base, framework) in enumerate(ORGANISATIONS):
        organisation = Organisation.objects.create(
            name=org_name(base),
            default_framework=framework,
            child_protection_line=f"{base} children's services front door: 0300 555 01{index}0",
        )
        cast = OrgCast(organisation, framework)
        for role, count in counts.items():
            for n in range(1, count + 1):
                user = User(
                    username=username(index, role, n),
                    first_name=role.label.split()[-1].title(),
                    last_name=f"{base} {n}",
                    email=f"{username(index, role, n)}@example.org",
                    password=password,
                    is_staff=role == Role.ADMIN,
                    is_superuser=role == Role.ADMIN,
                )
                users.append((user, organisation, role))
                {
                    Role.PRACTITIONER: cast.practitioners,
                    Role.MANAGER: cast.managers,
                    Role.LEAD: cast.leads,
                    Role.ADMIN: cast.admins,
                }[role].append(user)
        casts.append(cast)
    User.objects.bulk_create([user for user, _, _ in users], batch_size=BATCH)
    saved = {user.username: user for user in User.objects.filter(username__startswith="gen")}
    for user, organisation, role in users:
        user.pk = saved[user.username].pk
        memberships.append(Membership(user=user, organisation=organisation, role=role))
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    return casts


def seed(
    cases: int,
    *,
    seed_value: int = 2026,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Generate `cases` cases and everything around them; see the module docstring."""
    began = time.monotonic()
    check_database_is_empty_of_real_data()
    rng = random.Random(seed_value)
    templates = {framework: decision_templates(framework) for framework in FACT_SETS}
    summary = Summary()

    with transaction.atomic():
        casts = _make_cast(cases)
    summary.organisations = len(casts)
    summary.users = sum(
        len(c.practitioners) + len(c.managers) + len(c.leads) + len(c.admins) for c in casts
    )

    # Each chunk of cases gets its slice of SPAN, ending now; its entries spread over it.
    now = timezone.now().replace(microsecond=0)
    chain = Chain()
    open_after = cases * (1 - OPEN_SHARE)
    pending_after = cases * (1 - PENDING_SHARE)

    done = 0
    while done < cases:
        count = min(CASES_PER_CHUNK, cases - done)
        with transaction.atomic():
            generate_chunk(
                rng=rng,
                first=done,
                count=count,
                casts=casts,
                templates=templates,
                chain=chain,
                window=(now - SPAN * (1 - done / cases), now - SPAN * (1 - (done + count) / cases)),
                open_after=open_after,
                pending_after=pending_after,
                summary=summary,
            )
        done += count
        if progress:
            progress(done, cases)
    summary.cases = cases
    summary.seconds = time.monotonic() - began
    return summary



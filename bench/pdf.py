"""How long a decision-record PDF takes to make (decisions/pdf.py).

    .venv/bin/python bench/pdf.py [--repeats N] [--out FILE]

Builds a realistic decision in a throwaway test database (SQLite unless DATABASE_URL says
otherwise; dropped at the end): 20 items of information, 30 audit entries about it and a
protected person to redact. Then it times, as medians over N runs after one warm-up,
rendering that record (the queries included) and rendering an empty page with the same
stylesheet, the floor WeasyPrint itself costs. Target: under 0.5 s for the record on a
2-core machine. `--out` also writes the record's PDF, to look at.

`bench_pdf(repeats)` returns the numbers as a dict, for bench/run.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 0.5
ITEMS = 20
AUDIT_ENTRIES = 30
# render_html styles every document with print.css (parsed once per process), this one too.
EMPTY_PAGE = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Empty</title>'
    "</head><body></body></html>"
)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isg.settings_test")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def make_scenario():
    """A decision as a busy practitioner would record it; returns (decision, reader)."""
    from decisions.audit import record as audit_log
    from decisions.models import AuditEntry
    from isg.accounts.models import Role
    from tests import factories

    org = factories.make_organisation("Riverside Children's Services")
    practitioner = factories.make_user(
        org, Role.PRACTITIONER, username="pat", first_name="Pat", last_name="Okafor"
    )
    lead = factories.make_user(org, Role.LEAD, username="lee", first_name="Lee", last_name="Hart")
    case = factories.make_case(org, assigned=[practitioner], reference="RIV-2026-0142")
    factories.make_person(case, name="Amira Khan", relationship="child")
    factories.make_person(
        case, name="Neighbour Nell", relationship="neighbour", protect_identity=True
    )
    request = factories.make_request(
        case,
        counterpart_agency="Riverside Police Public Protection Unit",
        counterpart_contact="DC Sam Morgan, 01632 960 412, sam.morgan@police.example",
        counterpart_role="Investigating officer for the child protection enquiry",
        purpose="Section 47 enquiry following a disclosure at school. Neighbour Nell reported "
        "shouting and a child crying late at night on three occasions.",
        information_requested="School attendance for the autumn term, any safeguarding "
        "concerns logged, and the names of staff the child has spoken to.",
    )
    items = [
        {
            "description": f"Attendance record, week {n}: absences and late arrivals",
            "justification": "Shows the pattern of absence after weekends that the enquiry "
            "needs to assess, and nothing more than that.",
        }
        for n in range(1, ITEMS + 1)
    ]
    decision = factories.make_decision(
        request,
        practitioner,
        facts={
            "immediate_danger": False,
            "legitimate_purpose": True,
            "recipient_has_role": True,
            "identifiable": True,
            "confidential": True,
            "consent": "not_sought",
            "consent_not_sought_reason": "unsafe",
            "risk_of_harm": "significant",
            "informing_increases_risk": True,
            "necessary_and_proportionate": True,
            "third_party_at_risk": True,
            "advice_sought": True,
        },
        answers={
            "consent": {
                "consent_explanation": "Asking the mother would alert her partner, the person "
                "alleged to have caused harm; Nell fears reprisals.",
                "not_informed_reason": "Telling the family could put the child at greater risk.",
                "child_views": "Amira said she wants to feel safe at home and likes school.",
            },
            "items": items,
            "recipients": {
                "recipients": "DC Sam Morgan, Public Protection Unit",
                "method": "secure_email",
            },
            "proportionality": {"checks": ["necessary", "proportionate", "relevant"]},
            "advice": {
                "advice_from": "Lena Price, designated safeguarding lead",
                "advice_given": "Share the attendance record only; keep the neighbour's "
                "identity out of it.",
            },
            "outcome": {
                "outcome": "share_without_consent",
                "rationale": "Significant harm is likely.",
            },
        },
        engine_result={"warnings": ["protect_identities", "do_not_inform_subject"]},
        consent="not_sought",
        lawful_basis="uk_gdpr_6_1_e",
        rationale="The risk of significant harm to Amira outweighs the duty of confidence. "
        "Neighbour Nell's account corroborates the school's concerns; Nell must not be "
        "named to the family. Only the attendance record is necessary for the enquiry.",
    )
    for n in range(AUDIT_ENTRIES):
        audit_log.record(
            action=AuditEntry.Action.RECORD_VIEWED,
            actor=lead if n % 2 else practitioner,
            obj=decision,
            case=case,
        )
    return decision, lead


def _median_seconds(action, repeats: int) -> float:
    action()  # warm-up: fonts, stylesheet parsing, template loading
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_pdf(repeats: int = 10, *, setup_db: bool = True, out: Path | None = None) -> dict:
    """Median seconds to render the decision record and an empty page, and their ratio.

    With `setup_db` (the default) a throwaway test database is created and dropped around
    the run; pass False when the caller already runs inside a database set up for it.
    """
    _setup_django()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    from decisions.pdf import decision_record
    from decisions.pdf import fetcher as pdf_fetcher

    old_name = None
    if setup_db:
        setup_test_environment()
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        decision, reader = make_scenario()
        content = decision_record.render_decision_record(decision, user=reader)
        if out is not None:
            Path(out).write_bytes(content)
        record = _median_seconds(
            lambda: decision_record.render_decision_record(decision, user=reader), repeats
        )
        empty = _median_seconds(lambda: pdf_fetcher.render_html(EMPTY_PAGE), repeats)
    finally:
        if setup_db:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()
    return {
        "repeats": repeats,
        "items": ITEMS,
        "audit_entries": AUDIT_ENTRIES,
        "record_pages": _page_count(content),
        "record_median_s": round(record, 4),
        "empty_median_s": round(empty, 4),
        "ratio": round(record / empty, 2) if empty else None,
        "target_s": TARGET_SECONDS,
        "within_target": record < TARGET_SECONDS,
    }


def _page_count(content: bytes) -> int | None:
    try:
        import io

        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(io.BytesIO(content)).pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--out", type=Path, help="also write the decision record PDF here")
    args = parser.parse_args(argv)
    result = bench_pdf(args.repeats, out=args.out)
    print(
        f"decision record ({result['items']} items, {result['audit_entries']} audit entries, "
        f"{result['record_pages']} pages): median {result['record_median_s']:.3f} s"
    )
    print(f"empty page (floor): median {result['empty_median_s']:.3f} s")
    print(
        f"ratio {result['ratio']}x; target < {TARGET_SECONDS} s: "
        f"{'met' if result['within_target'] else 'MISSED'} ({result['repeats']} runs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

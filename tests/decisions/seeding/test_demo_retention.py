"""The demo has a closed case old enough to be erased and one on legal hold, so that
`apply_retention --dry-run` shows something on first start."""

import io

from django.core.management import call_command

from decisions.audit import verify
from decisions.models import Case, Decision


def test_the_demo_has_a_case_due_for_erasure_and_one_on_legal_hold(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--without-history", stdout=io.StringIO())
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)

    assert "would erase Riverside Children's Services: RCS-2023-0031" in out.getvalue()
    assert "RCS-2023-0057" not in out.getvalue()
    assert "1 due but on legal hold" in out.getvalue()
    assert Case.objects.get(reference="RCS-2023-0057").holds.get().is_active
    assert Decision.objects.filter(case__reference="RCS-2023-0031").exists()
    assert verify.verify_chain().intact

    call_command("apply_retention", stdout=io.StringIO())
    assert Case.objects.get(reference="RCS-2023-0031").erased_at is not None
    assert Case.objects.get(reference="RCS-2023-0057").erased_at is None
    assert verify.verify_chain().intact

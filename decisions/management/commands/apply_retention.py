"""Erase the personal data of every closed case past its retention period and not on hold.

Run it daily from cron (docs/retention.md). Safe to run again: an erased case is never due
again. --dry-run lists what would be erased and changes nothing; --as-of asks about another
day.
"""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from decisions.retention import schedules, services


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of: {text!r} is not a date written YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Erase the personal data of closed cases past their retention period (not on hold)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=str, help="the day to apply the schedule for")
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _date(options["as_of"]) if options["as_of"] else timezone.localdate()
        due = schedules.due_for_erasure(as_of)
        verb = "would erase" if options["dry_run"] else "erased"
        for item in due:
            line = (
                f"{item.case.organisation.name}: {item.case.reference} "
                f"({item.case.get_record_kind_display()}, {item.rule.label}, due {item.due_on})"
            )
            if options["dry_run"]:
                self.stdout.write(f"{verb} {line}")
                continue
            erasure = services.erase_case(item, as_of=as_of)
            self.stdout.write(f"{verb} {line}")
            if erasure.legacy_audit_entries:
                self.stdout.write(
                    "  audit entries written before sealing still hold text about it: "
                    + ", ".join(f"#{n}" for n in erasure.legacy_audit_entries)
                )
        if due and not options["dry_run"]:
            services.reclaim_space()
        held = sum(
            1
            for item in schedules.retention_of(schedules.closed_cases())
            if item.hold is not None and item.due_on <= as_of
        )
        self.stdout.write(
            f"{len(due)} case{'s' if len(due) != 1 else ''} "
            f"{'would be erased' if options['dry_run'] else 'erased'} as of {as_of}; "
            f"{held} due but on legal hold"
        )

import sys
from collections.abc import Callable
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from decisions.seeding import volume
from isg.database import refresh_statistics


class Command(BaseCommand):
    help = (
        "Generate realistic data at volume for benchmarks and load tests: organisations with "
        "users of every role, cases, people, requests, decisions and their audit log (about "
        "ten entries per case), written in bulk. Refuses a database that holds real data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, required=True, metavar="N")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")

    def handle(self, *args: Any, cases: int, seed: int, **options: Any) -> None:
        if cases < 1:
            raise CommandError("--cases must be at least 1")
        progress = _progress(sys.stderr) if sys.stderr.isatty() else None
        try:
            summary = volume.seed(cases, seed_value=seed, progress=progress)
        except (volume.RealDataPresent, volume.AlreadySeeded) as refusal:
            raise CommandError(str(refusal)) from refusal
        refresh_statistics()  # a bulk load: the planner's statistics are out of date
        self.stdout.write(
            f"Generated {summary.organisations} organisations, {summary.users} users, "
            f"{summary.cases} cases, {summary.people} people, {summary.requests} requests, "
            f"{summary.decisions} decisions, {summary.approvals} approvals and "
            f"{summary.audit_entries} audit entries in {summary.seconds:.1f} s."
        )
        self.stdout.write(
            f"Every generated user's password is {volume.PASSWORD!r} (usernames such as "
            f"{volume.username(0, 'practitioner', 1)}, {volume.username(0, 'manager', 1)}, "
            f"{volume.username(0, 'lead', 1)})."
        )


def _progress(stream: TextIO) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        stream.write(f"\r{done}/{total} cases")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show

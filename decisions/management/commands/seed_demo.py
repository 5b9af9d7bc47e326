import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from decisions.seeding import demo, demo_exchange, demo_history, demo_retention
from isg.accounts.models import User
from isg.database import refresh_statistics
from isg.jobs.emails import emails_not_sent


class Command(BaseCommand):
    help = "Create demo organisations, users of every role, cases and requests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (never on a live system).",
        )
        parser.add_argument(
            "--without-history",
            action="store_true",
            help="Only today's demo cases, without the past year of activity (quicker).",
        )

    def handle(
        self, *args: Any, force: bool = False, without_history: bool = False, **options: Any
    ) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a live system: demo users with known "
                "passwords would be a hole. Use --force if you really mean it."
            )
        started = time.monotonic()

        def before_cases(users: dict[str, User]) -> None:
            # Oldest first, so that the audit log's times stay in order: cases closed long
            # enough ago to be erased (docs/retention.md), then the past year.
            demo_retention.seed_retention(users)
            if not without_history:
                demo_history.seed_history(users)

        # The past year's events never happened: nobody is emailed about them.
        with emails_not_sent():
            accounts, created = demo.seed(before_cases=before_cases)
        if created:
            demo_exchange.seed_exchange()
            refresh_statistics()  # a bulk load: the planner's statistics are out of date
            past = "" if without_history else ", with a year of activity for the reports,"
            self.stdout.write(f"Demo data{past} written in {time.monotonic() - started:.0f} s.")
        else:
            self.stdout.write("Demo data is already there; nothing new was created.")
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password: {demo.DEMO_PASSWORD})"))
        for username, role, organisation in accounts:
            self.stdout.write(f"  {username:<8} {role:<18} {organisation}")
        self.stdout.write(
            "Managers, leads and admins also need a code from an authenticator app: add the "
            f"secret {demo.DEMO_TOTP_SECRET} to one, or run "
            "`python manage.py demo_code USERNAME` for the current code."
        )

"""Email the owners of follow-ups that are due (today or overdue) and not done.

Run it from cron, e.g. every morning. At most one reminder per follow-up per day: running it
twice, or on two servers at once, sends nothing more (see lifecycle.services.send_reminders).
"""

from typing import Any

from django.core.management.base import BaseCommand

from decisions.exchange.deliveries import chase_overdue
from decisions.lifecycle import services


class Command(BaseCommand):
    help = "Email the owners of follow-ups due today or overdue (once a day per follow-up)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.send_reminders()
        self.stdout.write(f"{sent} reminder{'s' if sent != 1 else ''} sent")
        # Exchanges: unanswered requests past their due date, unacknowledged deliveries.
        chased = chase_overdue()
        self.stdout.write(f"{chased} exchange{'s' if chased != 1 else ''} chased")

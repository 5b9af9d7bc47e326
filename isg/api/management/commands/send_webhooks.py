"""Send every webhook delivery that is due (pending, its back-off over). Safe to run again:
run it from cron where the task queue cannot defer, or as a backstop where it can."""

from typing import Any

from django.core.management.base import BaseCommand

from isg.api.webhooks.delivery import send_due


class Command(BaseCommand):
    help = "Send the webhook deliveries that are due."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = send_due()
        self.stdout.write(f"attempted {counts['attempted']}, delivered {counts['delivered']}")

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from decisions.audit import checkpoints
from decisions.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Print the inclusion proof of audit entry SEQUENCE as JSON, against the newest signed "
        "checkpoint that covers it (making one if none does). Check it with verify_proof."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sequence", type=int)

    def handle(self, *args: Any, sequence: int, **options: Any) -> None:
        entry = AuditEntry.objects.filter(sequence=sequence).first()
        if entry is None:
            raise CommandError(f"there is no audit entry {sequence}", returncode=1)
        document = checkpoints.proof_for(entry)
        if document is None:
            raise CommandError(f"no checkpoint covers entry {sequence}", returncode=1)
        self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))

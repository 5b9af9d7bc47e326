from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from decisions.audit import checkpoints
from decisions.audit.checkpoint import SignerKey


class Command(BaseCommand):
    help = (
        "Print the public key that checks the audit log's checkpoints, as a verifier key "
        "(name+keyid+base64, for verify_proof and Go's note tools) and as PEM (for openssl)."
    )
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--generate",
            metavar="ORIGIN",
            help="Print a new signing key for AUDIT_SIGNING_KEY under ORIGIN instead.",
        )

    def handle(self, *args: Any, generate: str | None = None, **options: Any) -> None:
        if generate:
            self.stdout.write(SignerKey.generate(generate).to_string())
            return
        for key in checkpoints.verifiers():
            self.stdout.write(key.to_string())
            self.stdout.write(key.public_pem(), ending="")

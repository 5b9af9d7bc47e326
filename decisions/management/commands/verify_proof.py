from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from decisions.audit import proof


class Command(BaseCommand):
    help = (
        "Check an audit entry's inclusion proof (audit_proof's JSON) against the log's public "
        "key, with no database. Exit 0 if it is valid, 1 with the reason if not."
    )
    # Nothing here touches the database, and neither may the checks Django runs first.
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The proof, as JSON; - for standard input.")
        parser.add_argument(
            "--public-key",
            required=True,
            metavar="KEY",
            help="The verifier key (name+keyid+base64), or a file holding it.",
        )

    def handle(self, *args: Any, file: str, public_key: str, **options: Any) -> None:
        try:
            key = proof.load_verifier(public_key)
            if file == "-":
                import sys

                text = sys.stdin.read()
            else:
                text = Path(file).read_text(encoding="utf-8")
            result = proof.verify(text, key)
        except (proof.ProofBundleError, OSError, UnicodeDecodeError) as error:
            raise CommandError(f"proof invalid: {error}", returncode=1) from None
        self.stdout.write(
            f"proof valid: entry {result.sequence} (SHA-256 {result.entry_hash}) is in "
            f"{result.origin}'s log of {result.tree_size} entries, root {result.root_hash}"
        )
